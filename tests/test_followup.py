from assistant.dialogue.followup import entities, rewrite


def test_pronoun_is_replaced_by_the_last_named_entity():
    assert rewrite("Who did he give the interview to?", ["Who is Roman Vassilenko?"]) == \
        "Who did Roman Vassilenko give the interview to?"
    assert rewrite("What is its population?", ["Where is Kazakhstan?"]) == "What is Kazakhstan’s population?"


def test_without_a_name_the_pronoun_becomes_what_the_previous_question_asked_about():
    assert rewrite("Who does she report to?", ["Who is the program manager?"]) == \
        "Who does the program manager report to?"
    assert rewrite("What does it cost?", ["What is the annual membership?"]) == "What does the annual membership cost?"


def test_stand_alone_questions_are_left_alone():
    assert rewrite("Who won the 2022 World Cup?", ["Who is Roman Vassilenko?"]) == "Who won the 2022 World Cup?"
    assert rewrite("Who is he?", []) == "Who is he?"


def test_short_follow_up_without_a_pronoun_borrows_the_earlier_keywords():
    assert rewrite("And in 1990?", ["What was the GDP of France in 1980?"]) == "And in 1990? (GDP France 1980)"


def test_borrowed_numbers_and_file_names_keep_their_points():
    """The context a short follow-up borrows is shown to the user in ``rewritten_question``."""
    history = [{"role": "user", "content": "How much is a single ride?"},
               {"role": "assistant", "content": "2.50 dollars — “A single ride costs 2.50 dollars.” [1]",
                "short_answer": "2.50 dollars"}]
    assert rewrite("And for students?", history) == "And for students? (2.50 dollars)"
    assert rewrite("And the key?", ["Does --no-act read /etc/apt/sources.list 1,200 times?"]) == \
        "And the key? (--no-act read /etc/apt/sources.list 1,200 times)"


def test_entities_skip_question_words():
    assert entities("Who is Roman Vassilenko?") == ["Roman Vassilenko"]
    assert entities("What did the European Union offer?") == ["European Union"]


def test_three_turns_track_the_person_and_the_program():
    history = ["Who is Ian Murdock and what did he do for Debian?"]
    assert rewrite("Where did he study?", history) == "Where did Ian Murdock study?"
    conversation = ["What is lintian?", "How do I run it?"]
    assert rewrite(conversation[1], conversation[:1]) == "How do I run lintian?"
    assert rewrite("Who maintains its tag list?", conversation) == "Who maintains lintian’s tag list?"


def test_she_and_it_pick_the_person_and_the_thing_named_in_earlier_turns():
    history = ["Who is Maria Lopez?", "Which project did she start at Velonord?"]
    assert rewrite(history[1], history[:1]) == "Which project did Maria Lopez start at Velonord?"
    assert rewrite("When was it founded?", history) == "When was Velonord founded?"


def test_a_pronoun_question_does_not_carry_the_earlier_keywords():
    assert rewrite("Which options does it take?", ["What does dpkg-buildpackage do?"]) == \
        "Which options does dpkg-buildpackage take?"


def test_what_opens_a_sentence_is_not_a_referent():
    assert entities("Yes, i have a green card.") == []
    assert entities("Oh, o.k. So, what about Social Security?") == ["Social Security"]
    assert rewrite("Is there a deadline for it?", ["Yes. I want to apply."]) == "Is there a deadline for it?"


def test_a_pronoun_with_its_antecedent_in_the_question_stays():
    history = ["What is the Post-9/11 GI Bill?"]
    assert rewrite("If I transfer the benefit to my spouse, when can he use it?", history) == \
        "If I transfer the benefit to my spouse, when can he use it?"
    assert rewrite("And once I get that aid, does it stay?", ["Can I get Pell Grants?"]) == \
        "And once I get that aid, does it stay?"
    assert rewrite("Is it possible to renew online?", ["How do I renew my VGLI policy?"]) == \
        "Is it possible to renew online?"
    assert rewrite("How do I renew it online?", ["What is VGLI?"]) == "How do I renew VGLI online?"


def test_a_name_in_the_possessive_is_the_name():
    assert entities("Tickets are sold at the City Council's office") == ["City Council"]
    assert rewrite("What is its budget?", ["Is the office of the City Council's committee open?"]) == \
        "What is City Council’s budget?"



def test_an_acronym_a_question_opener_and_the_next_line_are_not_names():
    """What the user sees as "searched for" reads as a question a person would ask."""
    assert rewrite("Does an IT project have to comply with it?", ["What are the Specific Resources?"]) == \
        "Does an IT project have to comply with the Specific Resources?"
    assert rewrite("Would his registration expire?", ["Check the list\nAm I eligible?"]) == \
        "Would his registration expire?"
    assert entities("Register in New York City\nThe fee is 10 dollars") == ["New York City"]
    assert entities("Apply now\nAfter you apply, wait") == []


def test_a_title_typed_into_a_question_names_no_referent():
    """"what happens after After you apply …" quotes a page's title; its first word names nothing."""
    history = ["what happens after After you apply for health care benefits"]
    assert entities(history[0]) == []
    assert rewrite("If it is approved, what happens next?", history) == "If it is approved, what happens next?"
    assert entities("I work For Pfizer") == ["Pfizer"]


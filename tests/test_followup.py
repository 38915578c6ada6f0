from assistant.followup import entities, rewrite


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


def test_entities_skip_question_words():
    assert entities("Who is Roman Vassilenko?") == ["Roman Vassilenko"]
    assert entities("What did the European Union offer?") == ["European Union"]

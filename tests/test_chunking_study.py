"""The chunk-length study puts each dev article back together as one document."""

import json

from assistant.reader.data import Question, Split, write_articles


def test_an_articles_paragraphs_become_one_document_in_their_order(tmp_path):
    contexts = ["Alpha one.", "Beta one.", "Alpha two.", "Alpha three."]
    questions = [Question("q1", "s/Alpha", 2, "?", ()), Question("q2", "s/Beta", 1, "?", ()),
                 Question("q3", "s/Alpha", 0, "?", ()), Question("q4", "s/Alpha", 3, "?", ())]
    corpus, article_of = write_articles(Split(contexts, questions, {}), tmp_path)
    documents = {d["_id"]: d["text"] for d in map(json.loads, corpus.read_text().splitlines())}
    assert documents[article_of[0]] == "Alpha one.\n\nAlpha two.\n\nAlpha three."
    assert documents[article_of[1]] == "Beta one."
    assert article_of[0] == article_of[2] == article_of[3] != article_of[1]

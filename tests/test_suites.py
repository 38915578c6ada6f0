import json

import pytest

from evals.suites import SuiteError, load_suite


def make_suite(tmp_path, questions: str, corpus: bool = True):
    if corpus:
        (tmp_path / "corpus").mkdir()
        (tmp_path / "corpus" / "a.txt").write_text("Alpha text.")
    (tmp_path / "questions.jsonl").write_text(questions)
    return tmp_path


def test_question_set_loads_with_defaults(tmp_path):
    suite = load_suite(make_suite(tmp_path, json.dumps({"id": "q1", "question": "What?", "answers": ["x"]}) + "\n\n"))
    assert not suite.retrieval_only and suite.questions[0].history == () and suite.corpus.name == "corpus"


def test_malformed_line_names_file_and_line(tmp_path):
    folder = make_suite(tmp_path, json.dumps({"id": "q1", "question": "What?", "answers": ["x"]}) + "\n{oops\n")
    with pytest.raises(SuiteError, match=r"questions\.jsonl:2: malformed JSON"):
        load_suite(folder)


def test_question_without_id_names_file_and_line(tmp_path):
    with pytest.raises(SuiteError, match=r"questions\.jsonl:1: missing id"):
        load_suite(make_suite(tmp_path, json.dumps({"question": "What?", "answers": ["x"]}) + "\n"))


def test_questions_without_a_corpus_are_asked_of_a_named_collection(tmp_path):
    import subprocess
    import sys

    suite = load_suite(make_suite(tmp_path, json.dumps({"id": "q", "question": "?", "answers": ["x"]}), corpus=False))
    assert suite.corpus is None and [q.id for q in suite.questions] == ["q"]
    result = subprocess.run([sys.executable, "-m", "assistant.cli", "eval", str(tmp_path), "--store",
                             str(tmp_path / "store")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "has no corpus; name the indexed collection to ask with --collection" in result.stderr


def test_a_folder_with_neither_questions_nor_corpus_is_an_error(tmp_path):
    with pytest.raises(SuiteError, match="missing corpus"):
        load_suite(tmp_path)


def test_yaml_questions_load(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "questions.yaml").write_text("- id: q1\n  question: What?\n  answers: [x]\n- id: q2\n  question: Who?\n  unanswerable: true\n")
    suite = load_suite(tmp_path)
    assert [q.id for q in suite.questions] == ["q1", "q2"] and suite.questions[1].unanswerable


def test_beir_qrels_naming_unknown_documents_are_skipped_with_a_warning(tmp_path):
    (tmp_path / "corpus.jsonl").write_text('{"_id": "d1", "text": "x"}\n{"_id": "d2", "text": "y"}\n')
    (tmp_path / "queries.jsonl").write_text('{"_id": "1", "text": "q one"}\n{"_id": "2", "text": "q two"}\n')
    (tmp_path / "qrels").mkdir()
    (tmp_path / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\n1\td1\t1\n2\tnope\t1\n2\td2\t2\n")
    suite = load_suite(tmp_path)
    assert suite.retrieval_only
    assert {q.id: q.relevance for q in suite.questions} == {"1": {"d1": 1.0}, "2": {"d2": 2.0}}
    assert any("test.tsv:3: unknown document 'nope'" in w for w in suite.warnings)

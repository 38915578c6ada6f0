"""The reader's calibration command on a small dev split, with the real reader and embedder."""

import gzip
import json
import shutil

from assistant.reader.calibrate import main
from assistant.reader.runtime import shipped_weights

PARAGRAPHS = [
    "The lighthouse at Point Avery was built in 1871 by the harbour board. Its lamp burned whale oil until 1921.",
    "The ferry to Inish More leaves the pier at seven each morning and returns at dusk in summer.",
    "The town library holds 40,000 books and opens on weekdays from nine to five.",
]
QUESTIONS = [("When was the lighthouse built?", 0, "1871"), ("When does the ferry leave the pier?", 1, "at seven"),
             ("How many books does the library hold?", 2, "40,000"), ("What did the lamp burn?", 0, "whale oil")]


def test_writing_the_fit_keeps_the_dialogue_threshold_fitted_beside_it(tmp_path):
    data = tmp_path / "dev"
    data.mkdir()
    with gzip.open(data / "dev.jsonl.gz", "wt") as handle:
        for n, (question, paragraph, answer) in enumerate(QUESTIONS):
            context = PARAGRAPHS[paragraph]
            handle.write(json.dumps({"id": f"q{n}", "title": "Town", "context": context, "question": question,
                                     "answers": [{"text": answer, "answer_start": context.index(answer)}],
                                     "is_impossible": False, "source": "town"}) + "\n")
    weights = tmp_path / "reader.safetensors"
    shutil.copy(shipped_weights(None), weights)
    (tmp_path / "calibration.json").write_text(json.dumps({"threshold": 0.0, "dialogue_threshold": -7.5,
                                                            "dialogue_fit": {"command": "earlier"}}))
    reads = tmp_path / "reads.json.gz"
    assert main(["--data", str(data), "--weights", str(weights), "--write", "--reads", str(reads)]) == 0
    written = json.loads((tmp_path / "calibration.json").read_text())
    # a refit from the saved reads, without the reader, gives the same fit
    weights.unlink()
    assert main(["--data", str(data), "--weights", str(weights), "--write", "--reads", str(reads)]) == 0
    assert json.loads((tmp_path / "calibration.json").read_text()) == written
    assert written["dialogue_threshold"] == -7.5 and written["dialogue_fit"] == {"command": "earlier"}
    assert written["rank_weight"] in (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)
    assert written["dev"]["f1"] > 0.5  # four plain questions over three paragraphs: the reader gets most right


def test_the_rank_weight_is_the_one_that_cites_the_questions_own_passage():
    from assistant.reader.calibrate import Read, fit

    # retrieval ranks the own passage first; the reader's margin prefers a neighbour by 2 logits,
    # and picks the same short answer there, so F1 cannot tell the weights apart
    near_miss = Read(["1871"], [1.0, 3.0], ["1871", "1871"], [True, False], 0.0)
    # the reader prefers its own passage, ranked second, by 1.5 logits
    second = Read(["whale oil"], [0.0, 1.5], ["oil", "whale oil"], [False, True], 0.0)
    calibration, report = fit({"town": [near_miss] * 3 + [second]})
    # from a weight of 2.9 the first three cite their own passage; from 2.2 the fourth no longer
    # does: 3 of 4 beats 1 of 4, although F1 is best (1.0) at the low weights
    assert calibration.rank_weight >= 3.0
    assert report["sources"]["town"]["own_passage"] == 0.75

"""The verifier on the labelled set: it must flag unsupported claims well."""

import pytest

pytestmark = pytest.mark.slow


def test_labelled_set_precision_and_recall_of_the_unsupported_flag():
    import json

    from evals.verifier import HERE, flag_metrics, scores
    from assistant.verify import SUPPORT_THRESHOLD, Verifier
    from index.embedders import get

    examples = [json.loads(l) for l in (HERE / "verifier" / "labelled.jsonl").read_text().splitlines() if l.strip()]
    assert len(examples) >= 60 and sum(not e["supported"] for e in examples) >= 25
    metrics = flag_metrics(scores(Verifier(get("minilm").embed), examples), SUPPORT_THRESHOLD)
    assert metrics["precision_unsupported"] >= 0.8 and metrics["recall_unsupported"] >= 0.7, metrics


def test_the_tiny_models_typical_invention_is_flagged():
    from assistant.types import Passage
    from assistant.verify import Verifier
    from index.embedders import get

    text = ("Kazakhstan's deputy foreign minister, Roman Vassilenko, spoke to a newspaper about trade with Europe. "
            "He said new rail links would open next year.")
    passage = Passage(id="x", source="a.txt", page=None, start=0, end=len(text), text=text)
    verifier = Verifier(get("minilm").embed)
    assert not verifier.supported("Roman Vassilenko is a Russian politician.", [passage])[0]
    assert verifier.supported("Roman Vassilenko is Kazakhstan's deputy foreign minister.", [passage])[0]

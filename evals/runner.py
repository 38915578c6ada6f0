"""Run a suite through the assistant and score every question."""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import re
import sys
import time
from importlib import metadata
from pathlib import Path

from evals import metrics
from evals.suites import Question, Suite, SuiteError, load_suite

RANK_DEPTH = 10  # sources ranked per question for MRR@10 and nDCG@10


def collection_name(suite: Suite, settings=None) -> str:
    """A collection per suite corpus and index settings, so a change of settings
    (or of the index format) builds a fresh collection instead of being refused."""
    from index import IndexConfig
    from index.config import SCHEMA_VERSION

    config = (settings or IndexConfig()).model_dump(include={"embedder", "chunk_tokens", "chunk_overlap"})
    key = f"{suite.corpus.resolve()}|{sorted(config.items())}|{SCHEMA_VERSION}"
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", suite.name).strip("-._") or "suite"
    return f"eval-{slug}-{hashlib.sha1(key.encode()).hexdigest()[:8]}"


def corpus_texts(corpus: Path) -> dict[str, str]:
    """Each source's document text, loaded the way indexing loads it (for the verbatim check)."""
    from index.errors import LoadError
    from index.loaders import load_file, supported
    from index.sync import walk_files

    files = [(corpus, corpus.name)] if corpus.is_file() else [
        (p, p.relative_to(corpus).as_posix()) for p in walk_files(corpus) if supported(p)
    ]
    texts = {}
    for path, source in files:
        try:
            texts.update((d.source, d.text) for d in load_file(path, source))
        except LoadError:
            continue
    return texts


def corpus_hash(corpus: Path) -> str:
    from index.sync import walk_files

    digest = hashlib.sha256()
    paths = [corpus] if corpus.is_file() else list(walk_files(corpus))
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def score_question(question: Question, answer, ranked: list[str], texts: dict[str, str], k: int) -> dict:
    record: dict = {"id": question.id, "question": question.question, "history": list(question.history),
                    "unanswerable": question.unanswerable, "gold_answers": list(question.answers),
                    "gold_sources": list(question.sources), "ranked_sources": ranked}
    if question.sources and not question.unanswerable:
        record.update({
            f"recall@{k}": metrics.recall_at(ranked, question.sources, k),
            "mrr@10": metrics.mrr_at(ranked, question.sources, 10),
            "ndcg@10": metrics.ndcg_at(ranked, question.graded, 10),
        })
    if answer is None:
        return record
    verbatim = [texts.get(c.source, "")[c.start : c.end] == c.quote for c in answer.citations]
    cited_ok = [ok and c.source in question.sources for c, ok in zip(answer.citations, verbatim)]
    record.update({
        "rewritten_question": answer.rewritten_question, "answer": answer.answer, "declined": answer.declined,
        "confidence": answer.confidence,
        "citations": [c.model_dump() | {"verbatim": ok} for c, ok in zip(answer.citations, verbatim)],
    })
    if not question.unanswerable:
        said = "" if answer.declined else answer.answer
        text = re.sub(r"\s*\[\d+\]", "", said)
        short = "" if answer.declined else (answer.short_answer or text)  # EM and F1 on the span when there is one
        first = answer.citations[0] if answer.citations and not answer.declined else None
        gold_spans = [span for gold in question.answers for span in
                      metrics.occurrences(texts.get(first.source, ""), gold)] if first else []
        record.update({
            "top1_source": float(first is not None and first.source in question.sources) if question.sources else None,
            "rank1_source": float(bool(ranked) and ranked[0] in question.sources) if question.sources else None,
            "quote_overlap": float(first is not None and first.source in question.sources
                                   and metrics.overlaps(first.start, first.end, gold_spans)),
            "short_answer": answer.short_answer,
            "exact_match": metrics.exact_match(short, question.answers),
            "f1": metrics.f1(short, question.answers),
            # a quote keeps its document's own reference marks ("Florida [32] and"), which
            # stripping the answer's citation markers would also take out of it
            "containment": max(metrics.containment(text, question.answers), metrics.containment(said, question.answers)),
            "short_containment": metrics.containment(short, question.answers),
            "citation_recall": float(any(cited_ok)),
        })
        if answer.citations:
            record["citation_precision"] = sum(cited_ok) / len(cited_ok)
    return record


def aggregate(records: list[dict], k: int, latencies: list[float], index_s: float) -> dict:
    def mean(key: str, rows: list[dict]) -> float | None:
        values = [r[key] for r in rows if r.get(key) is not None]
        return round(sum(values) / len(values), 4) if values else None

    answerable = [r for r in records if not r["unanswerable"]]
    unanswerable = [r for r in records if r["unanswerable"]]
    result = {
        "questions": len(records),
        f"recall@{k}": mean(f"recall@{k}", records),
        "mrr@10": mean("mrr@10", records),
        "ndcg@10": mean("ndcg@10", records),
    }
    if any("declined" in r for r in records):
        result.update({
            "exact_match": mean("exact_match", answerable),
            "f1": mean("f1", answerable),
            "containment": mean("containment", answerable),
            "short_containment": mean("short_containment", answerable),
            "citation_precision": mean("citation_precision", answerable),
            "citation_recall": mean("citation_recall", answerable),
            "top1_source": mean("top1_source", answerable),
            "rank1_source": mean("rank1_source", answerable),
            "quote_overlap": mean("quote_overlap", answerable),
            "declined_unanswerable": round(sum(r["declined"] for r in unanswerable) / len(unanswerable), 4) if unanswerable else None,
            "declined_answerable": round(sum(r["declined"] for r in answerable) / len(answerable), 4) if answerable else None,
            "answerable": len(answerable),
            "unanswerable": len(unanswerable),
        })
    result.update({
        "latency_p50_ms": round(metrics.percentile(latencies, 50), 1),
        "latency_p95_ms": round(metrics.percentile(latencies, 95), 1),
        "index_s": round(index_s, 2),
    })
    return result


class _IndexedTexts(dict):
    """Document texts read from the collection, for suites without a corpus folder."""

    def __init__(self, bot):
        super().__init__()
        self.bot = bot

    def __missing__(self, source: str) -> str:
        self[source] = self.bot.collection.document_text(source)
        return self[source]


def run_suite(suite: Suite, bot, k: int, limit: int | None = None, progress: bool = False) -> dict:
    from index.sync import SyncReport

    started = time.perf_counter()
    sync = bot.index([suite.corpus], progress=progress) if suite.corpus else SyncReport(bot.settings.collection)
    index_s = time.perf_counter() - started
    if suite.retrieval_only:
        texts = {}
    else:
        texts = corpus_texts(suite.corpus) if suite.corpus else _IndexedTexts(bot)
    questions = suite.questions[:limit] if limit else suite.questions
    from tqdm import tqdm

    if questions and not suite.retrieval_only:
        bot.ask(questions[0].question)  # load the models before timing questions
    records, latencies = [], []
    for question in tqdm(questions, desc=suite.name, unit="q", disable=not progress, leave=False):
        answer = None
        if suite.retrieval_only:
            began = time.perf_counter()
            passages = bot.retriever.retrieve(question.question, k=RANK_DEPTH * 3)
            latencies.append((time.perf_counter() - began) * 1000)
        else:
            # The suite's earlier user turns, as one ``assistant ask --history`` call per turn gives them:
            # answered again first (``Pipeline.replayed``), which the latency includes.
            began = time.perf_counter()
            turns = bot.pipeline.replayed(list(question.history))
            answer = bot.ask(question.question, history=turns)
            latencies.append((time.perf_counter() - began) * 1000)
            # The answerer's order first: a reader reranks the passages it read.
            passages = answer.passages + deeper(bot, answer.rewritten_question, turns)
        ranked = metrics.dedupe(p.source for p in passages)[:RANK_DEPTH]
        record = score_question(question, answer, ranked, texts, k)
        record["latency_ms"] = round(latencies[-1], 1)
        records.append(record)
    return {
        "suite": suite.name,
        "suite_path": str(suite.folder.resolve()),
        "config": {"k": k, "collection": bot.settings.collection, "answerer": bot.settings.llm,
                   "history_mode": bot.settings.history_mode,
                   "hybrid": bot.settings.hybrid, "index": bot.settings.index.model_dump(),
                   "retrieval_only": suite.retrieval_only, "limit": limit},
        "versions": _versions(),
        "corpus_hash": corpus_hash(suite.corpus) if suite.corpus else "",
        "index": sync.to_json(),
        "warnings": list(suite.warnings),
        "metrics": aggregate(records, k, latencies, index_s),
        "questions": records,
    }


def deeper(bot, query: str, turns: list) -> list:
    """The retrieval ranking past the passages read, searched the way the answer was (``history_mode``)."""
    return bot.pipeline.retriever.retrieve(query, turns if bot.settings.history_mode == "dialogue" else [],
                                           k=RANK_DEPTH * 3)


def _versions() -> dict:
    versions = {"python": platform.python_version()}
    for package in ("doc-assistant", "chromadb", "sentence-transformers", "torch", "langchain-core"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return versions


def check_thresholds(result: dict, minimums: list[str]) -> list[str]:
    """The failures of ``--min metric=value`` gates, as messages."""
    failures = []
    for item in minimums:
        name, sep, value = item.partition("=")
        if not sep:
            raise SuiteError(f"--min {item!r}: write it as METRIC=VALUE, e.g. --min recall@5=0.9")
        try:
            threshold = float(value)
        except ValueError:
            raise SuiteError(f"--min {item!r}: {value!r} is not a number") from None
        if name not in result:
            raise SuiteError(f"--min {item!r}: unknown metric {name!r}; known: {', '.join(sorted(result))}")
        actual = result[name]
        if actual is None or actual < threshold:
            failures.append(f"{name} = {actual} is below the minimum {threshold}")
    return failures


def run_cli(args: argparse.Namespace) -> int:
    from assistant.factory import from_args
    from evals.report import write_report

    if args.from_feedback:
        from evals.feedback import feedback_suite

        suite = feedback_suite(args)
        if args.export:
            print(f"wrote {len(suite.questions)} questions to {Path(args.export) / 'questions.jsonl'}")
            return 0
    elif args.suite is None:
        raise SuiteError("give a suite folder, or --from-feedback COLLECTION")
    else:
        suite = load_suite(args.suite)
    named = args.collection is not None
    if not named and suite.corpus is None:
        raise SuiteError(f"{suite.folder}: the suite has no corpus; name the indexed collection to ask with "
                         "--collection NAME")
    if not named:
        args.collection = collection_name(suite)
    bot = from_args(args)
    if named:  # score a collection the user built; a suite's corpus is synced into it
        bot.require_collection()
    k = bot.settings.k
    result = run_suite(suite, bot, k, limit=args.limit, progress=not args.json and sys.stderr.isatty())
    baseline = None
    if args.baseline:
        try:
            baseline = json.loads(Path(args.baseline).read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise SuiteError(f"--baseline {args.baseline}: cannot read the report ({exc})") from exc
    out = Path(args.out) if args.out else Path("reports") / suite.name
    write_report(result, out, baseline)
    if args.json:
        print(json.dumps(result["metrics"]))
    else:
        for name, value in result["metrics"].items():
            print(f"{name:24s} {value}")
        print(f"report: {out / 'summary.md'}")
    failures = check_thresholds(result["metrics"], args.min)
    for failure in failures:
        print(f"assistant eval: {failure}", file=sys.stderr)
    return 1 if failures else 0

"""Fit the dialogue retrieval weights on doc2dial's training dialogues.

    python -m assistant.dialogue.fit --data ../shared/train/doc2dial --work runs/dialogue-fit

Indexes the training pages (205, none used by an evaluation suite) into a collection
of its own, searches every turn once per query kind, and then chooses the weights of
``fusion.fuse`` by coordinate ascent on how often the top-ranked passage is from the
turn's page. The turns are the real follow-ups, plus topic changes made by giving a
dialogue's history to the opening question of another dialogue (the right page is then
the new one), so that a self-contained question is not pulled back. Starts from the weights in use;
writes ``weights.json`` beside this module with the figures for the history-free and
joined-turns baselines.

The training dialogues hold the user's turns only. As ``assistant ask --history`` does
(``replay.py``), every dialogue is first answered turn by turn with the weights in use, and
the sources each answer cited are the ``cited`` evidence of the turns after it (kept in
``WORK/replayed.json``), so that the weight of an earlier answer's page is fitted too.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from assistant.dialogue import as_turns, replay, rewrite
from assistant.dialogue.fusion import WEIGHTS_FILE, DialogueWeights, Rankings, fuse, page_matches, specificity
from assistant.dialogue.retrieval import PAGE_HITS, dialogue_vector, history_vector, keyword_query, new_topic
from assistant.phrases import coverage_in

CANDIDATES = 30
GRID = {
    "question_dense": [0.5, 1.0, 1.5],
    "question_keywords": [0.25, 0.5, 1.0, 1.5],
    "dialogue_dense": [0.5, 1.0, 1.5, 2.0, 3.0],
    "dialogue_keywords": [0.0, 0.5, 1.0, 1.5, 2.0, 3.0],
    "decay": [0.3, 0.5, 0.7, 0.85, 1.0],
    "opening": [0.0, 0.5, 1.0, 2.0, 4.0, 6.0, 8.0],
    "history_mix": [0.5, 1.0, 1.5, 2.0, 3.0, 5.0],
    "keyword_turns": [1, 2, 3, 4, 6],
    "prior": [0.0, 0.5, 1.0, 2.0, 4.0, 8.0],
    "cited": [0.0, 0.5, 1.0, 2.0, 4.0, 8.0],
    "shift": [0.0, 0.2, 0.4, 0.7, 1.0],
    "shift_margin": [0.0, 0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 2.0],
    "shift_words": [0, 3, 4, 6, 8],
    "shift_cited_margin": [-1.0, 0.0, 0.05, 0.1, 0.15, 0.2, 0.3],
    "page": [0.0, 0.01, 0.02, 0.04, 0.08, 0.16],
    "page_keywords": [0.3, 0.6, 1.0, 2.0, 3.0],
    "page_question_dense": [0.5, 1.0, 2.0, 3.0],
    "page_question_keywords": [0.25, 0.5, 1.0, 2.0],
    "question_phrases": [0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0],
    "vague_below": [0.0, 4.0, 6.0, 8.0, 10.0, 14.0, 20.0],
}
SHIFT_SHARE = 0.25  # weight of the topic-change turns in the objective


@dataclass
class TrainingTurn:
    question: str
    history: list[str]
    source: str
    answer: str = ""
    cited: list[str] = field(default_factory=list)  # sources the replayed earlier answers cited, most recent first


def replay_citations(bot, turns: list[TrainingTurn], path: Path) -> dict[str, list[str]]:
    """For each dialogue's questions so far (joined by newlines): the sources the assistant's answer to
    the last of them cites, answered with the earlier ones as a chat would have (cached in ``path``)."""
    if path.exists():
        return json.loads(path.read_text())
    cited: dict[str, list[str]] = {}
    runs: list[list[str]] = []  # each dialogue's longest run of questions covers its shorter prefixes
    for asked in sorted(([*t.history, t.question] for t in turns), key=len, reverse=True):
        if not any(run[: len(asked)] == asked for run in runs):
            runs.append(asked)
    for asked in runs:
        chat = replay.replayed(as_turns(asked), lambda question, before: bot.ask(question, history=before),
                               most=len(asked))
        for i, answer in enumerate(t for t in chat if t.role == "assistant"):
            cited["\n".join(asked[: i + 1])] = list(answer.sources)
    path.write_text(json.dumps(cited))
    return cited


def with_citations(turns: list[TrainingTurn], cited: dict[str, list[str]]) -> list[TrainingTurn]:
    """The turns, each with the sources its earlier questions' answers cited, most recent first."""
    def of(history: list[str]) -> list[str]:
        return [s for i in range(len(history), 0, -1) for s in cited.get("\n".join(history[:i]), [])]

    return [replace(t, cited=of(t.history)) for t in turns]


def load_turns(folder: Path) -> tuple[list[TrainingTurn], list[dict]]:
    with gzip.open(folder / "train.jsonl.gz", "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [TrainingTurn(r["question"], r["history"], r["source"], r["answer"]) for r in rows], rows


def topic_changes(turns: list[TrainingTurn], seed: int = 13) -> list[TrainingTurn]:
    """Another dialogue's opening question after a dialogue's history."""
    rng = random.Random(seed)
    openings = [t for t in turns if not t.history]
    followed = [t for t in turns if len(t.history) >= 2]
    changes = []
    for turn in followed:
        other = rng.choice(openings)
        if other.source != turn.source:
            changes.append(TrainingTurn(other.question, [*turn.history, turn.question], other.source))
    return changes


def write_corpus(rows: list[dict], folder: Path) -> None:
    """The pages as the evaluation suite lays them out: title, blank line, text."""
    folder.mkdir(parents=True, exist_ok=True)
    for row in rows:
        path = folder / row["source"]
        if not path.exists():
            path.write_text(row["title"] + "\n\n" + row["context"], encoding="utf-8")


class Searcher:
    """Every query kind for a turn, searched once; the dialogue vector by exact search over all chunk vectors."""

    def __init__(self, collection):
        self.collection = collection
        rows = list(collection.vectors.embeddings())
        self.ids = [r[0] for r in rows]
        self.source_of = {r[0]: r[1] for r in rows}
        self.matrix = np.stack([r[2] for r in rows])
        self.vectors: dict[str, np.ndarray] = {}
        self.keywords: dict[str, list[str]] = {}
        self.texts = {chunk_id: record.text for chunk_id, record in collection.chunks(self.ids).items()}

    def embed(self, texts: list[str]) -> None:
        new = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        for lo in range(0, len(new), 64):
            part = new[lo : lo + 64]
            for text, vector in zip(part, self.collection.embedder.embed(part)):
                self.vectors[text] = np.asarray(vector, dtype=np.float32)

    def dense(self, vector: np.ndarray) -> list[str]:
        return [chunk for chunk, _ in self.dense_hits(vector, CANDIDATES)]

    def dense_hits(self, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        scores = self.matrix @ vector
        top = np.argpartition(-scores, n)[:n]
        return [(self.ids[i], float(scores[i])) for i in top[np.argsort(-scores[top])]]

    def keyword(self, query: str) -> list[str]:
        return [chunk for chunk, _ in self.keyword_hits(query)[:CANDIDATES]]

    def keyword_hits(self, query: str) -> list[tuple[str, float]]:
        if query not in self.keywords:
            self.keywords[query] = [(h.id, h.score) for h in self.collection.keyword_search(query, PAGE_HITS)]
        return self.keywords[query]

    def phrases(self, question: str, own: list[str]) -> dict[str, float]:
        """The phrase coverage of the question's own candidates, as ``retrieval.py`` computes it."""
        return coverage_in(self.collection.catalog, question, {c: self.texts[c] for c in dict.fromkeys(own)})

    def pages_of(self, text: str) -> tuple[dict[str, float], dict[str, float]]:
        """How well each page matches ``text``, densely and by keywords, as ``retrieval.py`` computes it."""
        return (page_matches(self.dense_hits(self.vectors[text], PAGE_HITS), self.source_of),
                page_matches(self.keyword_hits(text), self.source_of))


class Problem:
    """Precomputed searches for each turn; ``score(weights)`` re-fuses them."""

    def __init__(self, searcher: Searcher, turns: list[TrainingTurn], window: int):
        self.s, self.turns, self.window = searcher, turns, window
        # searched as the assistant searches it: the stand-alone form of the question
        self.asked = [rewrite.condense(t.question, as_turns(t.history)) for t in turns]
        searcher.embed([*self.asked, *(h for t in turns for h in t.history)])
        self.question_dense = [searcher.dense(searcher.vectors[q]) for q in self.asked]
        self.question_keywords = [searcher.keyword(q) for q in self.asked]
        self.question_phrases = [searcher.phrases(q, [*d, *k])
                                 for q, d, k in zip(self.asked, self.question_dense, self.question_keywords)]
        self.specificity = [specificity(q) for q in self.asked]
        self.pages = [[searcher.pages_of(text) for text in (*self.earlier(t), q)]
                      for t, q in zip(turns, self.asked)]
        self._dense: dict[tuple, list[list[str]]] = {}
        self._margins: dict[tuple, list[float]] = {}
        self._cited_margins: list[float | None] | None = None
        sources = sorted(set(searcher.source_of.values()))
        self._page = np.array([sources.index(searcher.source_of[i]) for i in searcher.ids])
        self._sources = sources

    def earlier(self, turn: TrainingTurn) -> list[str]:
        return turn.history[-self.window:]

    def dialogue_dense(self, w: DialogueWeights) -> list[list[str]]:
        key = (w.decay, w.opening, w.history_mix)
        if key not in self._dense:
            self._dense[key] = [
                self.s.dense(dialogue_vector(self.s.vectors[q], self._earlier_vectors(t), w))
                for t, q in zip(self.turns, self.asked)]
        return self._dense[key]

    def margins(self, w: DialogueWeights) -> list[float]:
        """Per turn: the question's best cosine minus its best within the page the earlier turns point to."""
        key = (w.decay, w.opening, w.window)
        if key not in self._margins:
            values = []
            for t, asked in zip(self.turns, self.asked):
                earlier = self._earlier_vectors(t)
                if not len(earlier):
                    values.append(0.0)
                    continue
                scores = self.s.matrix @ self.s.vectors[asked]
                pointed = self._page[int(np.argmax(self.s.matrix @ history_vector(earlier, w)))]
                values.append(float(scores.max() - scores[self._page == pointed].max()))
            self._margins[key] = values
        return self._margins[key]

    def cited_margins(self) -> list[float | None]:
        """Per turn: the question's best cosine minus its best within the page the last answer cited."""
        if self._cited_margins is None:
            values: list[float | None] = []
            for t, asked in zip(self.turns, self.asked):
                page = t.cited[0] if t.cited and t.cited[0] in self._sources else None
                on_page = None if page is None else self._page == self._sources.index(page)
                scores = self.s.matrix @ self.s.vectors[asked]
                values.append(None if on_page is None else float(scores.max() - scores[on_page].max()))
            self._cited_margins = values
        return self._cited_margins

    def _earlier_vectors(self, turn: TrainingTurn) -> np.ndarray:
        earlier = self.earlier(turn)
        return np.stack([self.s.vectors[h] for h in earlier]) if earlier else np.zeros((0, self.s.matrix.shape[1]))

    def rankings(self, w: DialogueWeights) -> list[Rankings]:
        dense, margins = self.dialogue_dense(w), self.margins(w)
        cited = self.cited_margins() if w.shift_cited_margin >= 0 else [None] * len(self.turns)
        result = []
        for i, (t, asked) in enumerate(zip(self.turns, self.asked)):
            earlier = self.earlier(t)
            result.append(Rankings(
                question_dense=self.question_dense[i], question_keywords=self.question_keywords[i],
                dialogue_dense=dense[i], dialogue_keywords=self.s.keyword(keyword_query(asked, earlier, w)),
                source_of=self.s.source_of, cited=t.cited,
                self_contained=new_topic(asked, margins[i], w, cited[i]),
                pages_dense=[d for d, _ in self.pages[i]], pages_keywords=[k for _, k in self.pages[i]],
                question_phrases=self.question_phrases[i], specificity=self.specificity[i]))
        return result

    def top_sources(self, w: DialogueWeights, history: bool = True, k: int = 5) -> list[list[str]]:
        out = []
        for r, t in zip(self.rankings(w), self.turns):
            fused = fuse(r, w, history=history and bool(t.history))
            out.append(list(dict.fromkeys(self.s.source_of[c] for c, _ in fused))[:k])
        return out

    def figures(self, w: DialogueWeights, history: bool = True) -> dict:
        tops = self.top_sources(w, history)
        return {"rank1_source": _mean([top[:1] == [t.source] for top, t in zip(tops, self.turns)]),
                "recall@5": _mean([t.source in top for top, t in zip(tops, self.turns)])}


def _mean(values) -> float:
    values = list(values)
    return round(sum(values) / len(values), 4) if values else 0.0


def objective(real: Problem, changes: Problem, w: DialogueWeights) -> float:
    a, b = real.figures(w), changes.figures(w)
    return (1 - SHIFT_SHARE) * (a["rank1_source"] + 0.2 * a["recall@5"]) + SHIFT_SHARE * b["rank1_source"]


def coordinate_ascent(real: Problem, changes: Problem, w: DialogueWeights, passes: int = 3) -> DialogueWeights:
    best = objective(real, changes, w)
    for number in range(passes):
        improved = False
        for name, values in GRID.items():
            for value in values:
                trial = replace(w, **{name: value})
                score = objective(real, changes, trial)
                if score > best + 1e-9:
                    best, w, improved = score, trial, True
        print(f"pass {number + 1}: objective {best:.4f} {w}")
        if not improved:
            break
    return w


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.dialogue.fit", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with doc2dial's train.jsonl.gz")
    parser.add_argument("--work", type=Path, required=True, help="folder for the pages and their index")
    parser.add_argument("--out", type=Path, default=WEIGHTS_FILE)
    args = parser.parse_args(argv)

    from assistant import Assistant

    turns, rows = load_turns(args.data)
    write_corpus(rows, args.work / "corpus")
    bot = Assistant(collection="d2d-train", store=args.work / "store")
    bot.index([args.work / "corpus"])
    searcher = Searcher(bot.collection)
    start = DialogueWeights.load(args.out)  # refitted from the weights in use
    cited = replay_citations(bot, turns, args.work / "replayed.json")
    real = Problem(searcher, with_citations([t for t in turns if t.history], cited), start.window)
    changes = Problem(searcher, with_citations(topic_changes(turns), cited), start.window)
    fitted = coordinate_ascent(real, changes, start)
    joined = replace(start, question_dense=0, question_keywords=0, dialogue_dense=0, dialogue_keywords=1,
                     keyword_turns=2, prior=0, shift=1, page=0)
    report = {
        "weights": fitted.to_json(),
        "fitted_on": f"{args.data} ({len(real.turns)} follow-up turns, {len(changes.turns)} topic changes)",
        "command": "python -m assistant.dialogue.fit --data ../shared/train/doc2dial --work runs/dialogue-fit",
        "figures": {
            "fitted": {"follow_ups": real.figures(fitted), "topic_changes": changes.figures(fitted)},
            "before_refit": {"follow_ups": real.figures(start), "topic_changes": changes.figures(start)},
            "question_only": {"follow_ups": real.figures(fitted, history=False),
                              "topic_changes": changes.figures(fitted, history=False)},
            "joined_last_two_bm25": {"follow_ups": real.figures(joined), "topic_changes": changes.figures(joined)},
        },
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report["figures"], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

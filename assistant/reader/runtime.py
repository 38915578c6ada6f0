"""The reader at question time: the best answer span in each passage, and how much
it beats the passage's "no answer" score. Passages are tokenised once and read in
padded batches. By default the model runs on ONNX Runtime (exported from the
shipped weights on first use and cached), so a question never imports torch."""

from __future__ import annotations

import re

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from assistant.errors import ConfigError
from assistant.reader.names import NAME_CANDIDATES, asks_for_name, name_in, named_first
from assistant.reader.spans import ANSWER_LENGTH, SpanLength, top_spans, whole_words
from assistant.reader.windows import Encoder, batch
from index.embedders.minilm import model_folder

WEIGHTS = "reader.safetensors"

Run = Callable[[dict[str, np.ndarray]], tuple[np.ndarray, np.ndarray]]
"""Padded ``input_ids``, ``token_type_ids``, ``attention_mask`` in; start and end scores out."""


@dataclass(frozen=True)
class ReaderSpan:
    passage: int
    start: int  # character offsets into the passage text
    end: int
    text: str
    margin: float  # span score minus the "no answer" score of its window; > 0: the reader prefers the span
    runners_up: tuple["ReaderSpan", ...] = ()  # the passage's next best spans, best first
    usual_margin: float | None = None  # the passage's best ``WindowSpan.evidence`` (None: ``margin``)

    @property
    def evidence(self) -> float:
        """What ranks the passage and decides a decline: the margin of its best span of the
        usual length (``spans.SpanLength.evidence``), whatever the length of the span given."""
        return self.margin if self.usual_margin is None else self.usual_margin


def weights_folder() -> Path:
    return Path(str(resources.files("assistant.reader") / "weights"))


_LINE_END = re.compile(r"(?<=[.;!])[ \t]*\n|\n[ \t]*\n")
"""A line break after a finished sentence or record, or a blank line: answers do not run
across one (an FAQ's question line, ending in "?", runs on into its answer)."""


class Reader:
    def __init__(self, run: Run, encoder: Encoder, batch_size: int = 16, length: SpanLength = ANSWER_LENGTH):
        self.run = run
        self.encoder = encoder
        self.batch_size = batch_size
        self.length = length

    def read(self, question: str, texts: list[str], candidates: int = 1) -> list[ReaderSpan]:
        """The best span of each passage (one per passage, in order), with up to
        ``candidates - 1`` runners-up of that passage."""
        if not texts:
            return []
        tokens = self.encoder.tokens([question, *texts])
        windows = [w for i, t in enumerate(tokens[1:]) for w in self.encoder.windows(tokens[0], t, i)]
        windows.sort(key=len)  # batches of similar length
        breaks = [np.array([m.start() for m in _LINE_END.finditer(t)], dtype=np.int64) for t in texts]
        looked_at = max(candidates, NAME_CANDIDATES) if asks_for_name(question) else candidates
        spans = []
        for i in range(0, len(windows), self.batch_size):
            part = windows[i : i + self.batch_size]
            start, end = self.run(batch(part))
            lines = [np.searchsorted(breaks[w.passage], w.offsets[:, 0], side="right") for w in part]
            spans.extend(top_spans(start, end, [w.context_start for w in part], [len(w.offsets) for w in part],
                                   self.length, lines=lines, k=looked_at))
        found: dict[int, dict[tuple[int, int], ReaderSpan]] = {}
        evidence = [-np.inf] * len(texts)
        for window, window_spans in zip(windows, spans):
            evidence[window.passage] = max(evidence[window.passage], window_spans[0].evidence)
            for span in window_spans:
                first, last = whole_words(texts[window.passage],
                                          int(window.offsets[span.start_token - window.context_start][0]),
                                          int(window.offsets[span.end_token - window.context_start][1]))
                first, last = name_in(question, texts[window.passage], first, last)
                seen = found.setdefault(window.passage, {})
                if (first, last) not in seen or seen[first, last].margin < span.margin:
                    seen[first, last] = ReaderSpan(window.passage, first, last, texts[window.passage][first:last],
                                                   span.margin)
        result = []
        for i in range(len(texts)):
            ranked = named_first(question, sorted(found[i].values(), key=lambda s: -s.margin))
            result.append(replace(ranked[0], runners_up=tuple(ranked[1:candidates]), usual_margin=float(evidence[i])))
        return result


def torch_runner(model) -> Run:
    """Run a ``ReaderModel`` in torch (training, and checks against the ONNX export)."""
    import torch

    def run(inputs: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        with torch.inference_mode():
            start, end = model(**{k: torch.from_numpy(v) for k, v in inputs.items()})
        return start.float().numpy(), end.float().numpy()

    return run


def onnx_export(weights: Path) -> Path:
    """The reader's ONNX file, exported from ``weights`` the first time."""
    from index.embedders import onnx

    def build():
        import torch

        from assistant.reader.model import load

        example = torch.ones((1, 8), dtype=torch.long)
        return load(weights, model_folder()), (example, example, example), \
            ["input_ids", "attention_mask", "token_type_ids"], ["start", "end"]

    return onnx.exported("reader", onnx.fingerprint(weights), build)


def onnx_runner(weights: Path, int8: bool = False) -> Run:
    from index.embedders import onnx

    exported = onnx_export(weights)
    session = onnx.Session(onnx.quantized(exported) if int8 else exported)

    def run(inputs: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        start, end = session.run(**inputs)
        return start, end

    return run


def shipped_weights(path: str | None = None) -> Path:
    weights = Path(path) if path else weights_folder() / WEIGHTS
    if not weights.exists():
        raise ConfigError(
            f"reader weights not found at {weights}; reinstall the package, train them with "
            "`python -m assistant.reader.train`, or use the sentence answerer: --llm extractive"
        )
    return weights


BACKENDS = ("onnx", "onnx-int8", "torch")
DEFAULT_BACKEND = "onnx"


@lru_cache(maxsize=4)
def load_reader(path: str | None = None, backend: str = DEFAULT_BACKEND) -> Reader:
    """The shipped reader (or the weights at ``path``), shared by every answerer in the
    process. ``backend``: ``onnx`` (ONNX Runtime, fp32), ``onnx-int8`` (its int8 copy),
    ``torch`` (no export; bfloat16 where the CPU has native support)."""
    if backend not in BACKENDS:
        raise ConfigError(f"unknown reader backend {backend!r}; choose one of: {', '.join(BACKENDS)}")
    weights = shipped_weights(path)
    if backend == "torch":
        import torch

        from assistant.reader.model import load
        from index.embedders.minilm import cpu_has_native_bf16

        model = load(weights, model_folder())
        run = torch_runner(model.to(torch.bfloat16) if cpu_has_native_bf16() else model)
    else:
        run = onnx_runner(weights, int8=backend == "onnx-int8")
    return Reader(run, Encoder(model_folder()))

"""The sample corpus shipped with the package: a made-up city bike-share program's
documents (txt, md, html, pdf, docx), for trying the assistant at once."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def sample_corpus() -> Path:
    return Path(str(resources.files("evals") / "sample" / "corpus"))

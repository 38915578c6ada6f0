"""BEIR corpora: each line ``{"_id", "title", "text"}`` of a ``.jsonl`` file is one document."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from index.documents import Document
from index.errors import LoadError
from index.loaders.registry import loader


@loader(".jsonl")
def load_jsonl(path: Path, source: str) -> list[Document]:
    return list(iter_beir_corpus(path))


def iter_beir_corpus(path: Path) -> Iterator[Document]:
    seen: set[str] = set()
    with path.open("rb") as handle:
        for line_number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            where = f"{path}:{line_number}"
            try:
                record = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise LoadError(where, f"malformed JSON ({exc.msg}); each line must be one JSON object") from exc
            if not isinstance(record, dict) or "_id" not in record or "text" not in record:
                raise LoadError(where, 'each line needs "_id" and "text" (BEIR layout)')
            doc_id = str(record["_id"])
            if doc_id in seen:
                raise LoadError(where, f"duplicate _id {doc_id!r}; ids must be unique")
            seen.add(doc_id)
            yield Document(source=doc_id, text=str(record["text"]), title=str(record.get("title") or ""))

"""Audit lines: logins, refused tokens, shares and deletes, one line each on the
``assistant.audit`` logger (``assistant serve`` prints them to standard error and
appends them to ``STORE/audit.log``). Values are quoted with ``repr`` so a user
name cannot forge a line."""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger("assistant.audit")


def event(action: str, **fields: object) -> None:
    log.info("%s %s", action, " ".join(f"{k}={v!r}" for k, v in fields.items()))


def to_file(path: Path) -> None:
    """Also append the lines to ``path`` (created private to the server's user)."""
    if any(isinstance(h, logging.FileHandler) and Path(h.baseFilename) == path.resolve() for h in log.handlers):
        return
    path.touch(mode=0o600, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)

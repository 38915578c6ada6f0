"""The browser app (Gradio) on top of ``Assistant``: ``assistant ui``, ``assistant-app`` or ``python app.py``."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> None:
    from assistant.ui.app import main as run

    run(argv)


__all__ = ["main"]

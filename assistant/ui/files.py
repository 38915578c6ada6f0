"""Files a browser sent through Gradio, accepted only when Gradio's own upload
route put them in its upload folder.

A Gradio client names files by server path (``{"path": ...}``). A launched app
lets Gradio refuse paths outside its upload folder; an app mounted into another
server (``assistant serve``) skips that check, so every handler that takes files
passes them through ``uploaded`` first: nothing of the client's choosing becomes
a server path.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from assistant.uploads import UploadError


def upload_folder() -> Path:
    """Where Gradio's upload route writes (``$GRADIO_TEMP_DIR``, else ``TMP/gradio``)."""
    return Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio").resolve()


def uploaded(files) -> list[tuple[Path, str]]:
    """``(path, name the browser gave)`` of each file, each checked to be a regular file
    that Gradio's upload route stored; raises ``UploadError`` otherwise."""
    root = upload_folder()
    result = []
    for file in files or []:
        raw = file if isinstance(file, str) else getattr(file, "path", None) or getattr(file, "name", None)
        if not raw and isinstance(file, dict):
            raw = file.get("path")
        original = (getattr(file, "orig_name", None) or (file.get("orig_name") if isinstance(file, dict) else None)
                    or Path(str(raw or "upload")).name)
        path = Path(str(raw or "")).resolve() if raw else None
        if path is None or not path.is_relative_to(root) or path == root or not path.is_file():
            raise UploadError(f"{Path(str(original)).name}: refused, it was not uploaded through this page; "
                              "choose the file with the upload box")
        result.append((path, str(original)))
    return result


def discard(paths: list[Path]) -> None:
    """Remove Gradio's copies once stored (Gradio keeps them otherwise)."""
    root = upload_folder()
    for path in paths:
        if path.is_relative_to(root):
            path.unlink(missing_ok=True)
            if path.parent != root and not any(path.parent.iterdir()):
                path.parent.rmdir()

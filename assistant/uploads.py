"""Store uploaded files safely in a collection's upload folder.

Names are reduced to a plain file name (no folders, no ``..``, no odd
characters), types and sizes are limited, and the destination is checked to lie
inside the upload folder before anything is written.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

from assistant.errors import AssistantError
from index.loaders.compressed import OPENERS
from index.loaders.registry import format_of

ALLOWED_TYPES = (".txt", ".md", ".rst", ".html", ".htm", ".pdf", ".docx", ".pptx", ".xlsx", ".ods", ".csv", ".tsv", ".epub",
                 ".odt", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp")
PICKER_TYPES = (*ALLOWED_TYPES, *OPENERS)
"""What the app's file pickers offer: the types, and compressed files (checked for what they hold)."""
MAX_BYTES = 25 * 2**20
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


class UploadError(AssistantError):
    """An uploaded file was refused (type, size or name)."""


def safe_name(name: str) -> str:
    """A plain, harmless file name for ``name`` as a browser sent it."""
    name = unicodedata.normalize("NFKC", name).replace("\\", "/").split("/")[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = stem[:100].strip(" .") or "upload"
    return f"{stem}.{suffix.lower()}" if suffix else stem


def store_upload(source: Path, original_name: str, folder: Path, max_bytes: int = MAX_BYTES) -> Path:
    name = safe_name(original_name)
    suffix = format_of(Path(name))
    if suffix not in ALLOWED_TYPES:
        raise UploadError(f"{original_name}: files of type {suffix or '(none)'} are not accepted; "
                          f"upload {', '.join(ALLOWED_TYPES)}, or one of them compressed (.gz, .bz2, .xz)")
    size = source.stat().st_size
    if size > max_bytes:
        raise UploadError(f"{original_name}: {size / 2**20:.1f} MB is over the {max_bytes / 2**20:.0f} MB limit; "
                          "split the document or index its folder from the command line")
    folder.mkdir(parents=True, exist_ok=True)
    destination = (folder / name).resolve()
    if destination.parent != folder.resolve():
        raise UploadError(f"{original_name}: refused, the name points outside the upload folder")
    shutil.copyfile(source, destination)
    return destination


def remove_upload(folder: Path, source: str) -> None:
    """Delete the stored copy of ``source`` when it lies directly in ``folder`` (a name
    with ``..`` or a path never reaches outside it)."""
    folder = folder.resolve()
    path = (folder / source).resolve()
    if path.parent == folder and path.is_file():
        path.unlink()


def drop_unindexed(bot, stored: list[Path]) -> None:
    """Delete the stored files that did not become documents (they failed to index),
    so nothing unlisted stays in the upload folder."""
    listed = {source for source, _ in bot.documents()}
    for path in stored:
        if path.name not in listed:
            path.unlink(missing_ok=True)

"""pdfium, one thread at a time.

PDFium is not thread-safe: pypdfium2's documentation forbids calling it from two threads
at once, even on different documents. The PDF loader and the viewer both run in server
worker threads (an upload being indexed while someone opens a cited page), so every
call into pdfium is made holding ``LOCK``. Work that does not touch pdfium (Tesseract,
painting a highlight, PNG encoding) is done after the lock is released."""

from __future__ import annotations

import threading

LOCK = threading.RLock()


def rendered(page, **options):
    """``page`` rendered (pypdfium2's ``render`` options) as a PIL image that owns its
    pixels, the pdfium bitmap freed at once (not by a finaliser in some other thread)."""
    bitmap = page.render(**options)
    try:
        return bitmap.to_pil().copy()
    finally:
        bitmap.close()

"""How fast the viewer opens a PDF citation: a page rendered with a quote's boxes painted,
the first time (pdfium renders the page) and again (the rendering is cached per file
hash and page; the highlight is painted anew).

    python bench/viewer.py --pdf /usr/share/doc/maint-guide/maint-guide.en.pdf --json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdf", default="/usr/share/doc/maint-guide/maint-guide.en.pdf")
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    import pypdfium2 as pdfium

    from assistant.viewer import pdf_page

    document = pdfium.PdfDocument(args.pdf)
    count = min(args.pages, len(document))
    quotes = []
    for i in range(count):
        text = document[i].get_textpage().get_text_range()
        middle = len(text) // 2
        quotes.append(text[middle : middle + 120])
    document.close()
    cold, warm, boxes = [], [], 0
    for number, quote in enumerate(quotes, start=1):
        started = time.perf_counter()
        shown = pdf_page.page_image(Path(args.pdf), "bench", number, quote)
        cold.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        pdf_page.page_image(Path(args.pdf), "bench", number, quote)
        warm.append((time.perf_counter() - started) * 1000)
        boxes += bool(shown.boxes)
    result = {"pdf": args.pdf, "pages": count, "highlighted": boxes,
              "first_open_p50_ms": round(statistics.median(cold), 1), "first_open_max_ms": round(max(cold), 1),
              "reopen_p50_ms": round(statistics.median(warm), 1)}
    print(json.dumps(result, indent=2) if args.json else
          f"page with highlight: first open p50 {result['first_open_p50_ms']} ms (max {result['first_open_max_ms']}), "
          f"reopened p50 {result['reopen_p50_ms']} ms; quotes found on {boxes} of {count} pages")


if __name__ == "__main__":
    main()

"""OCR settings measured against a PDF's own text layer: pages of a packaged manual are
rendered as a scan would be (200 dpi grey, JPEG), read back by Tesseract under each
setting, and compared with the text pdfium extracts from the original.

    python bench/ocr.py --pdf /usr/share/doc/maint-guide/maint-guide.en.pdf --pages 8,14,20,27,33,40

With ``--images``, the pages are saved as image files would be (JPEG at 100-300 dpi, no
resolution trusted) and read as the image loader reads them (``index.loaders.images``), as
they are and enlarged so words are 30 pixels high, with the median word height:

    python bench/ocr.py --images --pages 8,14,20

Reports per setting: word error rate, the share of identifiers (words with a digit,
"_" or "-" among letters: ``dh_make``, ``--no-act``, ``asn1Coding``) not read exactly,
seconds per page; and, for the shipped setting, how often words are wrong at each
Tesseract confidence (what ``LOW_CONFIDENCE`` is chosen from)."""

from __future__ import annotations

import argparse
import difflib
import io
import json
import re
import sys
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])  # the project, not bench/ (bench/index.py is no package)


def scanned(page, dpi: int = 200, quality: int = 50):
    from PIL import Image

    image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    buffer.seek(0)
    return Image.open(buffer).convert("L")


def words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


def word_error(truth: str, read: str) -> float:
    ref, hyp = words(truth), words(read)
    matcher = difflib.SequenceMatcher(None, ref, hyp, autojunk=False)
    return 1 - sum(block.size for block in matcher.get_matching_blocks()) / max(len(ref), 1)


def identifiers_missed(truth: str, read: str) -> float:
    names = [w for w in words(truth) if re.search(r"[_\d-]", w) and re.search(r"[A-Za-z]", w)]
    seen = set(words(read))
    return sum(w not in seen for w in names) / max(len(names), 1)


def binarised(image):
    """Black text on white by Otsu's threshold (the one that best separates the grey levels in two)."""
    import numpy as np

    pixels = np.asarray(image, dtype=np.uint8)
    counts = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256)
    below = np.cumsum(counts)
    above = below[-1] - below
    mean_below = np.cumsum(counts * levels) / np.maximum(below, 1)
    mean_above = ((counts * levels).sum() - np.cumsum(counts * levels)) / np.maximum(above, 1)
    spread = below * above * (mean_below - mean_above) ** 2
    threshold = int(np.argmax(spread))
    from PIL import Image

    return Image.fromarray(np.where(pixels > threshold, 255, 0).astype(np.uint8))


def read(image, dpi: int, psm: int, binarise: bool) -> tuple[str, list[tuple[str, float]]]:
    import pytesseract
    from PIL import Image

    from index.loaders import ocr

    scale = dpi / 200
    if scale != 1:
        image = image.resize((int(image.width * scale), int(image.height * scale)), Image.LANCZOS)
    if binarise:
        image = binarised(image)
    data = pytesseract.image_to_data(image, config=f"--psm {psm}", output_type=pytesseract.Output.DICT)
    found = ocr.from_data(data)
    pairs = [(w.strip(), float(c)) for w, c in zip(data["text"], data["conf"]) if (w or "").strip()]
    return found.text, pairs


def image_sizes(document, pages: list[int], truths: list[str]) -> list[dict]:
    """Word error of page images at each resolution: as they are, enlarged to 30-pixel
    words, and as the image loader reads them."""
    from PIL import Image

    from index.loaders import images, ocr

    results = []
    for dpi in (100, 150, 200, 300):
        row = {"dpi": dpi}
        for mode in ("as it is", "enlarged", "loader"):
            started, errors, heights = time.perf_counter(), [], []
            for truth, index in zip(truths, pages):
                image = scanned(document[index], dpi, quality=60)
                data = ocr.image_data(Path("bench"), image, index)
                heights.append(ocr.word_height(data))
                if mode == "enlarged" and heights[-1]:
                    scale = images.READ_HEIGHT / heights[-1]
                    image = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
                    data = ocr.image_data(Path("bench"), image, index)
                elif mode == "loader":
                    data = images.read_words(Path("bench"), image, index)[1].data
                errors.append(word_error(truth, ocr.from_data(data).text))
            row[mode] = {"word_error": round(sum(errors) / len(errors), 4),
                         "word_height": sorted(heights)[len(heights) // 2],
                         "s_per_page": round((time.perf_counter() - started) / len(pages), 2)}
        print(json.dumps(row), flush=True)
        results.append(row)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdf", default="/usr/share/doc/maint-guide/maint-guide.en.pdf")
    parser.add_argument("--pages", default="8,14,20,27,33,40")
    parser.add_argument("--settings", default="300:3:0,300:6:0,300:3:1,300:6:1,400:3:1",
                        help="dpi:psm:binarise, comma-separated")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--images", action="store_true", help="measure the image loader's reading instead")
    args = parser.parse_args()
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(args.pdf)
    pages = [int(p) for p in args.pages.split(",")]
    truths = [document[i].get_textpage().get_text_range() for i in pages]
    if args.images:
        image_sizes(document, pages, truths)
        return
    images = [scanned(document[i]) for i in pages]
    results = []
    for setting in args.settings.split(","):
        dpi, psm, binarise = (int(x) for x in setting.split(":"))
        started = time.perf_counter()
        errors, missed, confidences = [], [], []
        for truth, image in zip(truths, images):
            text, pairs = read(image, dpi, psm, bool(binarise))
            errors.append(word_error(truth, text))
            missed.append(identifiers_missed(truth, text))
            known = set(words(truth))
            confidences.extend((c, w in known) for w, c in pairs)
        buckets = {}
        for lo in range(0, 100, 10):
            inside = [ok for c, ok in confidences if lo <= c < lo + 10]
            if inside:
                buckets[f"{lo}-{lo + 9}"] = {"words": len(inside), "wrong": round(1 - sum(inside) / len(inside), 3)}
        results.append({"dpi": dpi, "psm": psm, "binarise": bool(binarise),
                        "word_error": round(sum(errors) / len(errors), 4),
                        "identifiers_missed": round(sum(missed) / len(missed), 4),
                        "s_per_page": round((time.perf_counter() - started) / len(pages), 2),
                        "wrong_by_confidence": buckets})
        if not args.json:
            r = results[-1]
            print(f"dpi {dpi} psm {psm} binarise {bool(binarise)}: word error {r['word_error']:.4f}, "
                  f"identifiers missed {r['identifiers_missed']:.4f}, {r['s_per_page']} s/page", flush=True)
    if args.json:
        print(json.dumps({"pdf": args.pdf, "pages": pages, "results": results}, indent=2))
    else:
        print(json.dumps(results[0]["wrong_by_confidence"]))


if __name__ == "__main__":
    main()

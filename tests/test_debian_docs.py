"""Real documentation folders nobody on the team wrote: two Debian manuals (HTML
pages, PDFs, an e-book, reST sources, images and stylesheets), indexed as
installed, with questions written by reading them (``evals/debian-docs``)."""

from pathlib import Path

import pytest

from conftest import ROOT
from evals import noise
from helpers.suite_run import eval_metrics

SUITE = ROOT / "evals" / "debian-docs"
MANUALS = [Path("/usr/share/doc/maint-guide/html"), Path("/usr/share/developers-reference/index.html")]


def test_noise_detectors_flag_furniture_and_pass_prose():
    rows = [
        ("a.html", None, "Prev Up Home Next\nThe ferry leaves at seven."),
        ("a.html", None, "Contents\n1.1 Getting started . . . . . 3\n1.2 Choosing a program . . . . . 5"),
        ("a.html", None, "debhelper, 12, 15\ndh_make, 7\nThe index of this book."),
        ("a.html", None, "The ferry leaves at seven and returns at 19:40 from pier 9."),
    ]
    result = noise.measure(rows)
    assert result["navigation_share"] == 0.5 and result["index_or_toc_share"] == 0.5  # "Contents" is both
    assert result["noisy_share"] == 0.75


@pytest.mark.skipif(not all(p.exists() for p in MANUALS),
                    reason="Debian manuals not installed: sudo apt-get install maint-guide developers-reference")
def test_the_manuals_load_into_chunks_without_navigation_or_running_headers():
    """The default run's check of the loaders on real manuals, without embedding them (the
    whole suite with its answers is ``-m suite``; measured: 1 noisy chunk of 2,750)."""
    from index.chunking import Chunker
    from index.loaders import figures, load_file, supported
    from index.sync import walk_files

    root = (SUITE / "corpus").resolve()
    files = list(walk_files(root))
    rows = [(chunk.source, chunk.page, chunk.text) for path in files if supported(path) and path not in figures(files)
            for document in load_file(path, path.relative_to(root).as_posix())
            for chunk in Chunker(200, 32).split(document)]
    measured = noise.measure(rows)
    assert measured["chunks"] > 2500 and measured["noisy_share"] <= 0.01, measured


@pytest.mark.suite
@pytest.mark.skipif(not all(p.exists() for p in MANUALS),
                    reason="Debian manuals not installed: sudo apt-get install maint-guide developers-reference")
def test_debian_manuals_are_answered_from_clean_text(tmp_path):
    metrics = eval_metrics(SUITE, tmp_path, timeout=900)
    # measured at stop 56 (score fusion): containment .885, citation precision .923, no answerable question
    # declined, 6 of 6 unanswerable (reciprocal rank fusion: .808, .846, 0 and 5 of 6)
    assert metrics["containment"] >= 0.8 and metrics["citation_precision"] >= 0.85
    assert metrics["declined_answerable"] <= 0.08 and metrics["declined_unanswerable"] >= 0.8
    [catalog] = [p for p in (tmp_path / "store" / "catalogs").glob("eval-debian-docs-*.sqlite3")
                 if not p.name.endswith(".extras.sqlite3")]
    assert noise.measure(noise.read_rows(catalog))["noisy_share"] <= 0.01

"""Turn files into ``Document``s: one loader per format, chosen by extension.

Each format module registers its loaders on import; the libraries they use are
imported when a file of that format is first read.
"""

from index.loaders.registry import (FORMAT_VERSION, LOADERS, extension, figures, load_file, supported,
                                    unsupported_reason)
from index.loaders import beir, epub, html, images, markdown, office, pdf, sheets, text  # noqa: F401  (registers)
from index.loaders.beir import iter_beir_corpus

__all__ = ["FORMAT_VERSION", "LOADERS", "extension", "figures", "iter_beir_corpus", "load_file", "supported",
           "unsupported_reason"]

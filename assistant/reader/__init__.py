"""A small extractive reader: a fine-tuned MiniLM-L6 that finds the answer span in
a passage, or says the passage holds none (the [CLS] "no answer" score).

``load_reader()`` gives the model shipped in ``weights/`` (see its ``MODEL_CARD.md``);
``python -m assistant.reader.train`` trains one.
"""

from assistant.reader.runtime import Reader, ReaderSpan, load_reader

__all__ = ["Reader", "ReaderSpan", "load_reader"]

"""Questions answered from tables: which row and column a question names
(``match``, ``question``) and the answerer that reads the cells (``answerer``)."""

from assistant.tables.answerer import TableAnswerer

__all__ = ["TableAnswerer"]

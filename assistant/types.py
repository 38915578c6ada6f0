"""The typed results of asking: stable names that the CLI's JSON, the app and
the evaluation runner all read."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Passage(BaseModel):
    """A retrieved chunk. ``start``/``end`` are offsets into its document's text."""

    model_config = ConfigDict(frozen=True)

    id: str
    source: str
    page: int | None
    start: int
    end: int
    text: str
    title: str = ""
    sections: tuple[tuple[int, str], ...] = Field(
        (), description="(offset, heading) of the sections (headings, slides, sheets) the passage overlaps")
    score: float = Field(0.0, description="fused retrieval score (reciprocal rank fusion)")

    @property
    def section(self) -> str | None:
        return self.sections[0][1] if self.sections else None

    def section_at(self, offset: int) -> str | None:
        """The heading that character ``offset`` of the document sits under, within this passage."""
        title = next((title for start, title in reversed(self.sections) if start <= offset), self.section)
        return title or None  # "": text after a section that ended (a table's rows)


class Citation(BaseModel):
    """``quote == document_text[start:end]`` of ``source``."""

    n: int
    source: str
    page: int | None
    start: int
    end: int
    quote: str
    section: str | None = Field(None, description="the heading, slide or sheet the quote sits under")
    supported: bool | None = Field(None, description="whether the cited text supports the sentence (generated answers)")
    ocr: bool | None = Field(None, description="true when the quote was read by OCR from a page image")


class SentenceCheck(BaseModel):
    """One sentence of a generated answer and whether its cited sources support it."""

    text: str
    citations: list[int]
    supported: bool
    score: float


class Answer(BaseModel):
    question: str
    rewritten_question: str
    answer: str
    declined: bool
    short_answer: str | None = Field(None, description="the answer itself, when the answerer finds a span (reader)")
    citations: list[Citation] = []
    confidence: float = 0.0
    passages: list[Passage] = Field(default_factory=list, description="what retrieval returned, best first")
    answerer: str = "reader"
    sentences: list[SentenceCheck] = Field(default_factory=list, description="generated answers: per-sentence support")
    warning: str | None = Field(None, description="why the answer fell back, e.g. the LLM server was down")

    def as_turn(self) -> dict:
        """This answer as an assistant turn of the next question's history."""
        return {"role": "assistant", "content": self.answer,
                "short_answer": None if self.declined else self.short_answer,
                "sources": list(dict.fromkeys(c.source for c in self.citations))}

    def to_json(self) -> dict:
        """The ``assistant ask --json`` contract."""
        return {
            "answer": self.answer,
            "short_answer": None if self.declined else self.short_answer,
            "declined": self.declined,
            "citations": [c.model_dump(exclude={k for k in ("supported", "ocr") if getattr(c, k) is None})
                          for c in self.citations],
            "question": self.question,
            "rewritten_question": self.rewritten_question,
            "confidence": round(self.confidence, 4),
            "answerer": self.answerer,
            **({"sentences": [s.model_dump() for s in self.sentences]} if self.sentences else {}),
            **({"warning": self.warning} if self.warning else {}),
        }

"""The answer and its sources as HTML for the chat.

Every fragment is built with ``markupsafe.Markup`` templates, whose ``format``
escapes each value it is given: document text, file names, section titles (which
come from headings, bookmarks, slide titles and sheet names, all document data)
and the question cannot reach the page as markup unless someone writes ``Markup``
around them on purpose. Markdown images are neutralised too, so an answer that
quotes ``![](https://…)`` loads nothing.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from assistant.ui import context

CSS = """
.source { border-left: 3px solid #4C78A8; padding: 4px 10px; margin: 8px 0; }
.source mark { background: #ffe08a; }
.declined { color: #8a5a00; background: #fff6e0; padding: 8px; border-radius: 6px; }
.muted { color: #888; }
#viewer-text .viewer-scroll { max-height: 32rem; overflow-y: auto; padding-right: 6px; }
#viewer-text mark#quote, #viewer-text tr.marked td { background: #ffe08a; }
#viewer-text tr.marked td { font-weight: 600; }
#viewer-text table.document-table { border-collapse: collapse; }
#viewer-text table.document-table th, #viewer-text table.document-table td { border: 1px solid #ccc; padding: 2px 8px; }
"""

_MARKER = re.compile(r"\[(\d+)\]")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~-])")


def note(text: str, bad: bool = False) -> Markup:
    """A one-line status message."""
    return Markup("<p class='{}'>{}</p>").format("declined" if bad else "muted", text)


def items(lines: list[tuple[str, bool]]) -> Markup:
    """A list of status lines, ``(text, bad)`` each."""
    body = Markup("").join(Markup("<li class='{}'>{}</li>").format("declined" if bad else "", text)
                           for text, bad in lines)
    return Markup("<ul>{}</ul>").format(body)


def sources_html(answer) -> str:
    """The cited passages, every piece of document text escaped, the quoted span highlighted."""
    if answer is None:
        return str(note("The passages an answer cites appear here."))
    if answer.declined:
        return str(Markup("<p class='declined'>{}</p>").format("No passage in the documents answers this question."))
    return str(Markup("\n").join(_source(answer, c) for c in answer.citations))


def _source(answer, c) -> Markup:
    where = (f", page {c.page}" if c.page is not None else "") + (f" — {c.section}" if c.section else "")
    where += " (read by OCR)" if c.ocr else ""
    passage = next((p for p in answer.passages if p.source == c.source and p.start <= c.start and c.end <= p.end), None)
    quote = Markup("<mark>{}</mark>").format(_quote(c.quote, answer.short_answer))
    if passage is not None:
        lo, hi = c.start - passage.start, c.end - passage.start
        snippet = Markup("{}{}{}").format(context.before(passage.text, lo), quote, context.after(passage.text, hi))
    else:
        snippet = quote
    flag = "" if c.supported is None else (" ✓ supported" if c.supported else " ✗ not supported by this source")
    return Markup("<div class='source' id='source-{}'><b>[{}] {}{}</b> <small>characters {}-{}{}</small>"
                  "<p>{}</p></div>").format(c.n, c.n, c.source, where, c.start, c.end, flag, snippet)


def _quote(quote: str, short_answer: str | None) -> Markup:
    """The quoted sentence, escaped, with the short answer in it in bold."""
    at = quote.find(short_answer) if short_answer else -1
    if at < 0:
        return escape(quote)
    end = at + len(short_answer)
    return Markup("{}<b>{}</b>{}").format(quote[:at], quote[at:end], quote[end:])


def plain_markdown(text: str) -> str:
    """``text`` shown as itself in a Markdown chat: markup escaped as HTML and every
    Markdown control character backslash-escaped (no links, images or emphasis)."""
    return str(escape(_MARKDOWN.sub(r"\\\1", text)))


def answer_markdown(answer) -> str:
    """The answer for the chat: escaped text, markers linked to their sources."""
    if answer.declined:
        body = f"⚠️ *{plain_markdown(answer.answer)}*"
    else:
        valid = {c.n for c in answer.citations}
        pieces, last = [], 0
        for match in _MARKER.finditer(answer.answer):
            pieces.append(plain_markdown(answer.answer[last:match.start()]))
            n = int(match.group(1))
            pieces.append(f"[[{n}]](#source-{n})" if n in valid else plain_markdown(match.group()))
            last = match.end()
        pieces.append(plain_markdown(answer.answer[last:]))
        body = "".join(pieces)
    if answer.rewritten_question != answer.question:
        body += f"\n\n<small>Searched for: {plain_markdown(answer.rewritten_question)}</small>"
    if answer.warning:
        body += f"\n\n<small>Note: {plain_markdown(answer.warning)}</small>"
    return body

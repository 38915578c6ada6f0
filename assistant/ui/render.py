"""The answer and its sources as HTML for the chat: document text always escaped,
``[n]`` markers linked to the passage they cite, the quoted span highlighted."""

from __future__ import annotations

import html
import re

from assistant.ui import context

CSS = """
.source { border-left: 3px solid #4C78A8; padding: 4px 10px; margin: 8px 0; }
.source mark { background: #ffe08a; }
.declined { color: #8a5a00; background: #fff6e0; padding: 8px; border-radius: 6px; }
.muted { color: #888; }
"""


def sources_html(answer) -> str:
    """The cited passages, every piece of document text escaped, the quoted span highlighted."""
    if answer is None:
        return "<p class='muted'>The passages an answer cites appear here.</p>"
    if answer.declined:
        return "<p class='declined'>No passage in the documents answers this question.</p>"
    items = []
    for c in answer.citations:
        page = f", page {c.page}" if c.page is not None else ""
        page += f" — {c.section}" if c.section else ""
        passage = next((p for p in answer.passages if p.source == c.source and p.start <= c.start and c.end <= p.end), None)
        if passage is not None:
            lo, hi = c.start - passage.start, c.end - passage.start
            snippet = (html.escape(context.before(passage.text, lo)) + "<mark>" + _quote(c.quote, answer.short_answer)
                       + "</mark>" + html.escape(context.after(passage.text, hi)))
        else:
            snippet = "<mark>" + _quote(c.quote, answer.short_answer) + "</mark>"
        flag = "" if c.supported is None else (" ✓ supported" if c.supported else " ✗ not supported by this source")
        items.append(f"<div class='source' id='source-{c.n}'><b>[{c.n}] {html.escape(c.source)}{page}</b> "
                     f"<small>characters {c.start}-{c.end}{flag}</small><p>{snippet}</p></div>")
    return "\n".join(items)


def _quote(quote: str, short_answer: str | None) -> str:
    """The quoted sentence, escaped, with the short answer in it in bold."""
    at = quote.find(short_answer) if short_answer else -1
    if at < 0:
        return html.escape(quote)
    end = at + len(short_answer)
    return f"{html.escape(quote[:at])}<b>{html.escape(quote[at:end])}</b>{html.escape(quote[end:])}"


def answer_markdown(answer) -> str:
    """The answer for the chat: escaped text, markers linked to their sources."""
    if answer.declined:
        body = f"⚠️ *{html.escape(answer.answer)}*"
    else:
        body = re.sub(r"\[(\d+)\]", r"[[\1]](#source-\1)", html.escape(answer.answer))
    if answer.rewritten_question != answer.question:
        body += f"\n\n<small>Searched for: {html.escape(answer.rewritten_question)}</small>"
    if answer.warning:
        body += f"\n\n<small>Note: {html.escape(answer.warning)}</small>"
    return body

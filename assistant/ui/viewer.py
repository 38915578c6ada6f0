"""The viewer pane of both apps: pick one of the answer's citations and see it in its
document — a PDF page with the quote painted (previous and next page a click away), or
the text or table with it marked. The app passes ``open_view(request, collection,
source, start, end, page)``, which checks access as every server route does and returns an
``assistant.viewer.View``."""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Callable

import gradio as gr

from assistant.errors import AssistantError

OpenView = Callable[..., object]  # (request, collection, source, start, end, page) -> View

# The text pane scrolls by itself (a quote may sit thousands of characters into its
# document); after each view the pane, not the page, is scrolled to put the quote a
# third of the way down.
SCROLL_TO_QUOTE = """() => {
  const pane = document.querySelector('#viewer-text .viewer-scroll');
  const quote = pane && pane.querySelector('#quote');
  if (quote) pane.scrollTop += quote.getBoundingClientRect().top - pane.getBoundingClientRect().top
                               - pane.clientHeight / 3;
}"""


PICKED = 60  # citations the picker lists: the newest answer's, then earlier answers' back to this many


def cited(question: str, answer) -> list[dict]:
    """An answer's citations as the picker keeps them, each with the question it answered."""
    if answer is None or answer.declined:
        return []
    return [{**c.model_dump(), "asked": question} for c in answer.citations]


def with_earlier(newest: list[dict], earlier: list[dict]) -> list[dict]:
    """The newest answer's citations, then those of the answers before it (a conversation's
    citations all stay openable, the same passage listed once)."""
    seen, kept = set(), []
    for c in [*newest, *earlier]:
        key = (c["source"], c["start"], c["end"], c.get("page"))
        if key not in seen:
            seen.add(key)
            kept.append(c)
    return kept[:PICKED]


def citation_choices(citations: list[dict]) -> list[tuple[str, str]]:
    """``(label, key)`` per citation: "[1] pump.pdf, page 3 — Cleaning the filter"; an earlier
    answer's are labelled with its question: "How long may the hose be? · [1] pump.pdf, page 2"."""
    latest = citations[0].get("asked") if citations else None
    choices = []
    for c in citations:
        where = (f", page {c['page']}" if c.get("page") is not None else "") + (
            f" — {c['section']}" if c.get("section") else "")
        asked = c.get("asked")
        before = "" if asked == latest or not asked else f"{asked if len(asked) <= 48 else asked[:47] + '…'} · "
        key = json.dumps({k: c.get(k) for k in ("source", "start", "end", "page")})
        choices.append((f"{before}[{c['n']}] {c['source']}{where}", key))
    return choices


def choices_update(state: dict):
    choices = citation_choices(state.get("citations") or [])
    return gr.update(choices=choices, value=None)


def build(open_view: OpenView, app_state, collection_of: Callable[[dict], str | None]):
    """The pane's components, wired to ``app_state`` (the app's ``gr.State``; ``collection_of``
    reads the collection from it); returns the citation picker, for the app to refresh."""
    with gr.Group(elem_id="viewer"):
        pick = gr.Dropdown(label="Open a citation in its document", choices=[], elem_id="viewer-pick")
        with gr.Row(visible=False, elem_id="viewer-paging") as paging:  # for paged documents (PDF) only
            previous = gr.Button("◀ Previous page", elem_id="viewer-prev", size="sm")
            following = gr.Button("Next page ▶", elem_id="viewer-next", size="sm")
        where = gr.Markdown(elem_id="viewer-where")
        # The page as a data URL in HTML, not a gr.Image: Gradio would write every rendering of a
        # user's document to its shared file cache, and its preview loads images lazily.
        page = gr.HTML(visible=False, elem_id="viewer-page")
        text = gr.HTML(visible=False, elem_id="viewer-text")
        shown = gr.State({})

    def show(spec: dict, app_state: dict, request: gr.Request):
        try:
            view = open_view(request, collection_of(app_state), spec["source"], spec["start"], spec["end"],
                             spec.get("page"))
        except AssistantError as exc:
            message = f"<p class='declined'>{html.escape(str(exc))}</p>"
            return gr.update(visible=False), gr.update(value=message, visible=True), "", gr.update(visible=False), spec
        if view.media_type == "image/png":
            number, pages = int(view.headers["X-Page"]), int(view.headers["X-Pages"])
            spec = {**spec, "page": number, "pages": pages}
            label = f"{spec['source']}, page {number} of {pages}"
            return gr.update(value=_page_html(view.body, label), visible=True), gr.update(visible=False), \
                _plain(label), gr.update(visible=pages > 1), spec
        body = f'<div class="viewer-scroll">{view.body.decode()}</div>'  # the server's fragment, escaped there
        return gr.update(visible=False), gr.update(value=body, visible=True), _plain(spec["source"]), \
            gr.update(visible=False), spec

    def open_citation(key: str | None, app_state: dict, request: gr.Request):
        if not key:
            return gr.update(), gr.update(), gr.update(), gr.update(), {}
        spec = json.loads(key)
        return show({**spec, "cited_page": spec.get("page")}, app_state, request)

    def turn(step: int):
        def go(spec: dict, app_state: dict, request: gr.Request):
            if not spec or "pages" not in spec:
                return gr.update(), gr.update(), gr.update(), gr.update(), spec
            number = min(max(1, spec["page"] + step), spec["pages"])
            return show({**spec, "page": number}, app_state, request)
        return go

    private = {"api_visibility": "private"}
    outputs = [page, text, where, paging, shown]
    pick.input(open_citation, [pick, app_state], outputs, **private).then(None, js=SCROLL_TO_QUOTE, **private)
    previous.click(turn(-1), [shown, app_state], outputs, **private)
    following.click(turn(1), [shown, app_state], outputs, **private)
    return pick


def _page_html(png: bytes, label: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<img class="viewer-page" src="data:image/png;base64,{data}" alt="{html.escape(label)}" '
            'style="max-width:100%;height:auto">')


def _plain(text: str) -> str:
    """``text`` shown literally in a Markdown component."""
    return html.escape(text).replace("*", "\\*").replace("_", "\\_").replace("[", "\\[")

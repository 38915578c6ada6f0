"""The Gradio app: chat with your documents, with the cited passages beside the answer.

    python app.py [--docs PATH] [--collection NAME] [--store DIR] [--host 127.0.0.1] [--port 7860]
"""

from __future__ import annotations

import argparse
import html
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

SAMPLE_CORPUS = Path(__file__).parent / "evals" / "sample" / "corpus"


def sources_html(answer) -> str:
    """The cited passages, every piece of document text escaped, the quoted span highlighted."""
    if answer is None:
        return "<p class='muted'>Sources of the answer appear here.</p>"
    if answer.declined:
        return "<p class='declined'>No passage in the documents answers this question.</p>"
    passages = {p.source: p for p in answer.passages}
    items = []
    for c in answer.citations:
        page = f", page {c.page}" if c.page is not None else ""
        passage = next((p for p in answer.passages if p.source == c.source and p.start <= c.start and c.end <= p.end),
                       passages.get(c.source))
        if passage is not None:
            lo, hi = c.start - passage.start, c.end - passage.start
            snippet = (html.escape(passage.text[max(0, lo - 200):lo]) + "<mark>" + html.escape(passage.text[lo:hi])
                       + "</mark>" + html.escape(passage.text[hi:hi + 200]))
        else:
            snippet = "<mark>" + html.escape(c.quote) + "</mark>"
        items.append(
            f"<div class='source' id='source-{c.n}'><b>[{c.n}] {html.escape(c.source)}{page}</b> "
            f"<small>characters {c.start}-{c.end}</small><p>{snippet}</p></div>"
        )
    return "\n".join(items)


def build_app(bot):
    import gradio as gr

    from assistant.types import Answer

    def respond(message: str, chat: list[dict], history: list[str]):
        message = (message or "").strip()
        if not message:
            yield chat, history, gr.update(), ""
            return
        chat = chat + [{"role": "user", "content": message}, {"role": "assistant", "content": ""}]
        final = None
        for piece in bot.stream(message, history=history):
            if isinstance(piece, Answer):
                final = piece
            else:
                chat[-1]["content"] += piece
                yield chat, history, gr.update(), ""
        if final is not None:
            text = html.escape(final.answer)
            if final.rewritten_question != final.question:
                text += f"\n\n*Searched for: {html.escape(final.rewritten_question)}*"
            chat[-1]["content"] = ("⚠️ " if final.declined else "") + text
        yield chat, history + [message], sources_html(final), ""

    with gr.Blocks(title="Document assistant") as demo:
        gr.Markdown(f"## Ask your documents\nCollection **{html.escape(bot.settings.collection)}**, "
                    f"{len(bot.documents())} documents. Answers quote the documents and cite them as [n].")
        history = gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Chat", height=480)
                box = gr.Textbox(placeholder="Ask a question about your documents…", label="Question")
                clear = gr.Button("New conversation")
            with gr.Column(scale=2):
                sources = gr.HTML(sources_html(None), label="Sources")
        box.submit(respond, [box, chat, history], [chat, history, sources, box], api_name="ask")
        clear.click(lambda: ([], [], sources_html(None)), None, [chat, history, sources])
    return demo


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Chat with your documents in the browser.")
    parser.add_argument("--docs", help="a folder of your documents to sync into the collection at start")
    parser.add_argument("--collection")
    parser.add_argument("--store")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7860)
    parser.add_argument("--share", action="store_true", help="ask Gradio for a public link (off by default)")
    args = parser.parse_args(argv)

    from assistant import Assistant

    bot = Assistant(collection=args.collection, store=args.store)
    if args.docs:
        report = bot.index([args.docs], progress=True)
        print(f"synced {args.docs}: {report.added} added, {report.updated} updated, {report.removed} removed, "
              f"{len(report.failed)} failed")
    elif not bot.collection.count():
        print(f"empty collection: indexing the sample corpus from {SAMPLE_CORPUS}")
        bot.index([SAMPLE_CORPUS], progress=True)
    build_app(bot).queue(default_concurrency_limit=4).launch(
        server_name=args.host, server_port=args.port, share=args.share
    )


if __name__ == "__main__":
    main()

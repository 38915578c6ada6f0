"""The Gradio app: chat with your documents, see the cited passages, add documents.

    assistant ui [--docs PATH] [--collection NAME] [--store DIR] [--host 127.0.0.1] [--port 7860]
                 [--auth USER:PASSWORD] [--share]

(``python app.py`` and the ``assistant-app`` command run the same.)

The chat shown is the server's copy (in the session state), never what the
browser sends back; files come only from Gradio's upload folder
(``assistant/ui/files.py``). The LLM server is the one the machine's settings name
(``ASSISTANT_LLM_BASE_URL``, ``OPENAI_BASE_URL``, ``OLLAMA_HOST``): a
visitor picks the answerer and model, never an address the server would send
passages to.
"""

from __future__ import annotations

import argparse
import html
import os
import threading
from pathlib import Path

from assistant.sample import sample_corpus
from assistant.uploads import PICKER_TYPES
from assistant.ui.launch import serve
from assistant.ui.render import CSS, answer_markdown, sources_html

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ANSWERERS = ["reader", "extractive", "openai", "ollama", "llamacpp"]
LOCAL_ANSWERERS = ("reader", "extractive")


class Assistants:
    """One ``Assistant`` per (collection, answerer settings), shared by all sessions."""

    def __init__(self, store: str | None, **options):
        self.store = store
        self.options = options  # for every Assistant: chroma_host, chroma_port
        self._bots: dict[tuple, object] = {}
        self._lock = threading.Lock()

    def get(self, collection: str, llm: str = "reader", model: str = "", k: int = 5, hybrid: bool = True):
        from assistant import Assistant

        key = (collection, llm, model, int(k), bool(hybrid))
        with self._lock:
            if key not in self._bots:
                options = {"model": model} if llm not in LOCAL_ANSWERERS and model else {}
                self._bots[key] = Assistant(collection=collection, store=self.store, llm=llm, k=int(k), hybrid=bool(hybrid),
                                            llm_options=options, **self.options)
            return self._bots[key]

    def forget(self, collection: str) -> None:
        """Drop the cached assistants of a deleted collection."""
        with self._lock:
            for key in [k for k in self._bots if k[0] == collection]:
                del self._bots[key]

    def collections(self, default: str) -> list[str]:
        names = self.get(default).store.collection_names()
        return sorted(set(names) | {default})


def documents_rows(bot) -> list[list]:
    return [[source, chunks] for source, chunks in bot.documents()]


def build_app(assistants: Assistants, default_collection: str, upload_root: Path):
    import gradio as gr

    from assistant.errors import AssistantError
    from assistant.types import Answer
    from assistant.ui.files import discard, uploaded
    from assistant.ui.render import items, note
    from assistant.ui import viewer as viewer_pane
    from assistant.uploads import UploadError, drop_unindexed, remove_upload, store_upload
    from index.errors import IndexingError
    from index.store import check_collection_name

    def bot_for(session: dict):
        s = session["settings"]
        return assistants.get(session["collection"], s["llm"], s["model"], s["k"], s["hybrid"])

    def new_session() -> dict:
        return {"collection": default_collection, "history": [], "chat": [],
                "settings": {"llm": "reader", "model": "", "k": 5, "hybrid": True}}

    def respond(message: str, session: dict):
        message = (message or "").strip()
        chat = list(session.get("chat") or [])
        if not message:
            yield chat, session, gr.update(), ""
            return
        chat = chat + [{"role": "user", "content": html.escape(message)}, {"role": "assistant", "content": ""}]
        final, streamed = None, ""
        for piece in bot_for(session).stream(message, history=session["history"]):
            if isinstance(piece, Answer):
                final = piece
            else:
                streamed += piece
                chat[-1]["content"] = html.escape(streamed)
                yield chat, session, gr.update(), ""
        if final is not None:
            chat[-1]["content"] = answer_markdown(final)
            cited = viewer_pane.with_earlier(viewer_pane.cited(message, final), session.get("citations") or [])
            session = {**session, "history": session["history"] + [message, final.as_turn()], "citations": cited}
        yield chat, {**session, "chat": chat}, sources_html(final), ""

    def open_view(request: gr.Request, collection: str | None, source: str, start: int, end: int,
                  page: int | None):
        from assistant import viewer

        return viewer.view(assistants.get(collection or default_collection).collection, source, start, end, page)

    def reset(session: dict):
        return [], {**session, "history": [], "chat": [], "citations": []}, sources_html(None)

    def add_files(files, session: dict, progress=gr.Progress()):
        if not files:
            return str(note("Choose files to upload first.")), gr.update(), gr.update()
        try:
            received = uploaded(files)
        except UploadError as exc:
            return str(note(str(exc), bad=True)), gr.update(), None
        folder = upload_root / session["collection"]
        lines, stored = [], []
        for path, original in received:
            try:
                stored.append(store_upload(path, original, folder))
            except (UploadError, OSError) as exc:
                lines.append((str(exc), True))
        discard([path for path, _ in received])
        progress(0.3, desc="indexing")
        if stored:
            bot = bot_for(session)
            report = bot.index(stored)
            lines += [(f"{Path(failure.path).name}: {failure.error}", True) for failure in report.failed]
            lines.insert(0, (f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged; "
                             f"{report.embedded} passages embedded", False))
            drop_unindexed(bot, stored)
        progress(1.0)
        return str(items(lines)), documents_rows(bot_for(session)), None  # Gradio's copies are gone: clear the box

    def delete_document(source: str, session: dict):
        if not source:
            return str(note("Pick a document to delete.")), gr.update()
        bot = bot_for(session)
        if source not in {s for s, _ in bot.documents()}:
            return str(note(f"No document named {source} in this collection.", bad=True)), gr.update()
        deleted = bot.delete([source])
        remove_upload(upload_root / session["collection"], source)
        return str(note(f"Deleted {source} ({deleted} passages).")), documents_rows(bot)

    def switch_collection(name: str, session: dict):
        name = (name or "").strip()
        try:
            check_collection_name(name)
        except IndexingError as exc:
            return session, f"<p class='declined'>{html.escape(str(exc))}</p>", gr.update(), gr.update(), [], sources_html(None)
        session = {**session, "collection": name, "history": [], "chat": [], "citations": []}
        rows = documents_rows(bot_for(session))
        return (session, f"<p>Collection <b>{html.escape(name)}</b>: {len(rows)} documents.</p>", rows,
                gr.update(choices=assistants.collections(name), value=name), [], sources_html(None))

    def save_settings(llm, model, k, hybrid, session: dict):
        if llm not in ANSWERERS:
            return session, str(note(f"Unknown answerer {llm}; pick one of {', '.join(ANSWERERS)}.", bad=True))
        session = {**session, "settings": {"llm": llm, "model": model or "", "k": min(max(int(k), 1), 20),
                                           "hybrid": bool(hybrid)}}
        try:
            bot_for(session).answerer  # noqa: B018 - builds it now, so a bad setting shows here
        except (AssistantError, IndexingError) as exc:
            return session, f"<p class='declined'>{html.escape(str(exc))}</p>"
        return session, f"<p>Answering with <b>{html.escape(llm)}</b>, k = {int(k)}, hybrid {'on' if hybrid else 'off'}.</p>"

    def ask_api(question: str, history: list[str | dict] | None = None, collection: str | None = None) -> dict:
        """Answer a question; returns the answer, whether it declined, and its citations."""
        session = new_session()
        if collection:
            session["collection"] = collection
        return bot_for(session).ask(question, history=list(history or [])).to_json()

    with gr.Blocks(title="Document assistant", delete_cache=(3600, 3600)) as demo:
        session = gr.State(new_session())
        gr.Markdown("## Ask your documents\nAnswers quote the documents and cite them as [n]; "
                    "the cited passages appear on the right.")
        with gr.Tab("Chat"):
            with gr.Row():
                with gr.Column(scale=3):
                    chat = gr.Chatbot(label="Chat", height=460, elem_id="chat", sanitize_html=True)
                    question = gr.Textbox(placeholder="Ask a question about your documents…", label="Question",
                                          elem_id="question")
                    with gr.Row():
                        send = gr.Button("Ask", variant="primary", elem_id="ask")
                        clear = gr.Button("New conversation", elem_id="new-conversation")
                with gr.Column(scale=2):
                    gr.Markdown("### Sources")
                    sources = gr.HTML(sources_html(None), elem_id="sources")
                    pick = viewer_pane.build(open_view, session, lambda state: state.get("collection"))
        with gr.Tab("Documents"):
            with gr.Row():
                collection = gr.Dropdown(label="Collection", choices=assistants.collections(default_collection),
                                         value=default_collection, allow_custom_value=True, elem_id="collection")
                use = gr.Button("Open or create collection")
            status = gr.HTML()
            upload = gr.File(label="Add documents (txt, md, html, pdf, docx, pptx, xlsx, csv, epub, odt, png, jpg, tiff)",
                             file_count="multiple", file_types=list(PICKER_TYPES), elem_id="upload")
            add = gr.Button("Add to collection", variant="primary", elem_id="add")
            added = gr.HTML(elem_id="added")
            documents = gr.Dataframe(headers=["document", "passages"], value=documents_rows(assistants.get(default_collection)),
                                     interactive=False, label="Indexed documents")
            with gr.Row():
                to_delete = gr.Textbox(label="Document to delete (its name as listed)")
                delete = gr.Button("Delete document", variant="stop")
        with gr.Tab("Settings"):
            llm = gr.Radio(ANSWERERS, value="reader", label="Answerer")
            gr.Markdown("The LLM server is the one this machine's settings name (`ASSISTANT_LLM_BASE_URL`, "
                        "`OPENAI_BASE_URL` or `OLLAMA_HOST`).")
            model = gr.Textbox(label="Model name")
            k = gr.Slider(1, 20, value=5, step=1, label="Passages retrieved (k)")
            hybrid = gr.Checkbox(value=True, label="Hybrid retrieval (dense + keyword)")
            apply = gr.Button("Apply")
            settings_status = gr.HTML()

        outputs = [chat, session, sources, question]
        question.submit(respond, [question, session], outputs, api_visibility="private").then(
            viewer_pane.choices_update, [session], [pick], api_visibility="private")
        send.click(respond, [question, session], outputs, api_visibility="private").then(
            viewer_pane.choices_update, [session], [pick], api_visibility="private")
        clear.click(reset, [session], [chat, session, sources], api_visibility="private").then(
            viewer_pane.choices_update, [session], [pick], api_visibility="private")
        add.click(add_files, [upload, session], [added, documents, upload], api_visibility="private")
        delete.click(delete_document, [to_delete, session], [added, documents], api_visibility="private")
        use.click(switch_collection, [collection, session], [session, status, documents, collection, chat, sources],
                  api_visibility="private")
        apply.click(save_settings, [llm, model, k, hybrid, session], [session, settings_status],
                    api_visibility="private")
        gr.api(ask_api, api_name="ask")
    return demo


def parse_auth(value: str | None) -> tuple[str, str] | None:
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise SystemExit("--auth / ASSISTANT_AUTH must be USER:PASSWORD")
    return user, password


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Chat with your documents in the browser.")
    parser.add_argument("--docs", help="a folder of your documents to sync into the collection at start")
    parser.add_argument("--collection", default=os.environ.get("ASSISTANT_COLLECTION", "default"))
    parser.add_argument("--store", default=os.environ.get("ASSISTANT_STORE"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7860)
    parser.add_argument("--auth", default=os.environ.get("ASSISTANT_AUTH"), help="USER:PASSWORD to require a login")
    parser.add_argument("--share", action="store_true", help="ask Gradio for a public link (off by default)")
    args = parser.parse_args(argv)

    assistants = Assistants(args.store)
    bot = assistants.get(args.collection)
    if args.docs:
        report = bot.index([args.docs], progress=True)
        print(f"synced {args.docs}: {report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
              f"{report.removed} removed, {len(report.failed)} failed, {sum(report.skipped.values())} skipped "
              f"(types not read)")
    elif not bot.collection.count():
        print(f"empty collection: indexing the sample corpus from {sample_corpus()}")
        bot.index([sample_corpus()], progress=True)
    upload_root = bot.settings.store / "uploads"
    demo = build_app(assistants, args.collection, upload_root)
    serve(demo.queue(default_concurrency_limit=4), host=args.host, port=args.port, auth=parse_auth(args.auth),
          css=CSS, share=args.share)


"""The app for a team (``assistant serve`` with accounts): each user logs in and
sees their own collections and those shared with them, their conversations
(reopened with every answer and its sources as they were), rates answers, and
shares and prunes what they own. Every action goes through ``Team``'s checks,
as the REST API's do; ``python app.py`` keeps the single-user app (``app.py``).

The chat shown is the server's copy (kept in the session state), never the one
the browser sends back, and files are taken only from Gradio's upload folder
(``assistant/ui/files.py``): nothing a client sends becomes a server path.
"""

import html
from pathlib import Path

import gradio as gr  # the handlers' ``gr.Request`` annotations must resolve for Gradio to pass the request

from assistant import viewer
from assistant.errors import AssistantError
from assistant.server import audit
from assistant.server.accounts import LOCAL_ADMIN, User
from assistant.server.conversations import stored_answer
from assistant.server.team import Team
from assistant.types import Answer
from assistant.ui.files import discard, uploaded
from assistant.ui import viewer as viewer_pane
from assistant.ui.render import answer_markdown, items, note, sources_html
from assistant.uploads import PICKER_TYPES, UploadError, remove_upload, store_upload
from index.errors import IndexingError


def _note(text: str, bad: bool = False) -> str:
    return str(note(text, bad))


def _fresh(collection: str | None = None) -> dict:
    return {"collection": collection, "conversation_id": None, "history": [], "message_id": None, "chat": []}


def build_team_app(team: Team, limits=None):
    def who(request: gr.Request) -> User:
        if not team.accounts.any():
            return LOCAL_ADMIN
        name = getattr(request, "username", None)
        if not name:
            raise gr.Error("Log in first.")
        try:
            return team.accounts.get(name)
        except AssistantError:
            raise gr.Error("Log in again: this account no longer exists.") from None

    def conversation_choices(user: User) -> list[tuple[str, str]]:
        return [(f"{c['title']} · {c['collection']}", c["id"]) for c in team.conversations.list(user)]

    def document_choices(user: User, collection: str | None) -> list[str]:
        if not collection:
            return []
        return [source for source, _ in team.for_reading(user, collection).documents()]

    def load(request: gr.Request):
        user = who(request)
        names = team.visible_names(user)
        first = names[0] if names else None
        others = [u.name for u in team.accounts.list() if u.name != user.name]
        return (f"Signed in as **{user.name}**", gr.update(choices=names, value=first),
                gr.update(choices=names, value=first), gr.update(choices=conversation_choices(user), value=None),
                gr.update(choices=document_choices(user, first), value=[]), gr.update(choices=others, value=[]),
                _fresh(first))

    def respond(message: str, state: dict, collection: str, request: gr.Request):
        message = (message or "").strip()
        chat = list(state.get("chat") or [])
        if not message or not collection:
            yield chat, state, gr.update(), message, gr.update(), _note("Pick a collection and type a question.")
            return
        user = who(request)
        if state.get("collection") != collection:
            state, chat = _fresh(collection), []
        chat = chat + [{"role": "user", "content": html.escape(message)},
                                   {"role": "assistant", "content": ""}]
        try:
            bot = team.for_reading(user, collection)
            final, streamed = None, ""
            for piece in bot.stream(message, history=state["history"]):
                if isinstance(piece, Answer):
                    final = piece
                else:
                    streamed += piece
                    chat[-1]["content"] = html.escape(streamed)
                    yield chat, state, gr.update(), "", gr.update(), ""
        except (AssistantError, IndexingError) as exc:
            chat[-1]["content"] = html.escape(str(exc))
            yield chat, state, gr.update(), "", gr.update(), _note(str(exc), bad=True)
            return
        conversation_id = state["conversation_id"] or team.conversations.start(user, collection, message)
        message_id = team.conversations.add(user, conversation_id, message, stored_answer(final))
        chat[-1]["content"] = answer_markdown(final)
        state = {**state, "conversation_id": conversation_id, "history": state["history"] + [message, final.as_turn()],
                 "message_id": message_id, "chat": chat,
                 "citations": viewer_pane.with_earlier(viewer_pane.cited(message, final), state.get("citations") or [])}
        yield (chat, state, sources_html(final), "", gr.update(choices=conversation_choices(user),
                                                              value=conversation_id), "")

    def open_conversation(conversation_id: str | None, request: gr.Request):
        if not conversation_id:
            return gr.update(), gr.update(), gr.update(), gr.update(), ""
        user = who(request)
        data = team.conversations.get(user, conversation_id)
        chat, last, citations = [], None, []
        for message in data["messages"]:
            last = Answer.model_validate(message["answer"])
            chat += [{"role": "user", "content": html.escape(message["question"])},
                     {"role": "assistant", "content": answer_markdown(last)}]
            citations = viewer_pane.with_earlier(viewer_pane.cited(message["question"], last), citations)
        state = {"collection": data["collection"], "conversation_id": conversation_id,
                 "history": team.conversations.turns(user, conversation_id),
                 "message_id": data["messages"][-1]["id"] if data["messages"] else None, "chat": chat,
                 "citations": citations}
        return chat, state, sources_html(last), gr.update(value=data["collection"]), data["title"]

    def open_view(request: gr.Request, collection: str | None, source: str, start: int, end: int,
                  page: int | None):
        if not collection:
            raise gr.Error("Pick a collection first.")
        return viewer.view(team.for_reading(who(request), collection).collection, source, start, end, page)

    def new_conversation(state: dict):
        return [], _fresh(state.get("collection")), sources_html(None), gr.update(value=None), ""

    def rename(title: str, state: dict, request: gr.Request):
        if not state.get("conversation_id"):
            return gr.update(), _note("Open a conversation first.")
        user = who(request)
        team.conversations.rename(user, state["conversation_id"], title)
        return gr.update(choices=conversation_choices(user), value=state["conversation_id"]), _note("Renamed.")

    def delete_conversation(state: dict, request: gr.Request):
        if not state.get("conversation_id"):
            return gr.update(), gr.update(), state, _note("Open a conversation first.")
        user = who(request)
        team.conversations.delete(user, state["conversation_id"])
        return (gr.update(choices=conversation_choices(user), value=None), [], _fresh(state.get("collection")),
                _note("Conversation deleted."))

    def rate(rating: int, correction: str, state: dict, request: gr.Request):
        if not state.get("message_id"):
            return _note("Ask something first: feedback is on the last answer."), correction
        team.conversations.rate(who(request), state["conversation_id"], state["message_id"], rating, correction)
        return _note("Thanks, feedback saved " + ("👍" if rating > 0 else "👎") + "."), ""

    def rate_up(correction: str, state: dict, request: gr.Request):
        return rate(1, correction, state, request)

    def rate_down(correction: str, state: dict, request: gr.Request):
        return rate(-1, correction, state, request)

    def pick_collection(collection: str | None, request: gr.Request):
        user = who(request)
        if not collection:
            return gr.update(choices=[], value=[]), gr.update(value=[]), gr.update(value=False)
        info = team.access.check_read(user, collection, team.existing())
        return (gr.update(choices=document_choices(user, collection), value=[]),
                gr.update(value=list(info.shared_with)), gr.update(value=info.everyone))

    def create_collection(name: str, request: gr.Request):
        user = who(request)
        name = (name or "").strip()
        try:
            from index.store import check_collection_name

            check_collection_name(name)
            team.access.create(user, name, team.existing(), team.limits.collections_per_user)
            team.assistants.get(name).collection.vectors  # noqa: B018 - creates it in the vector store
        except (AssistantError, IndexingError) as exc:
            return gr.update(), gr.update(), _note(str(exc), bad=True)
        names = team.visible_names(user)
        return (gr.update(choices=names, value=name), gr.update(choices=names, value=name),
                _note(f"Collection {name} created; it is private to you until you share it."))

    def writable(collection: str | None, request: gr.Request):
        """``(user, the collection's assistant)`` when the user may change it; raises ``AssistantError``."""
        user = who(request)
        return user, team.for_writing(user, collection or "")

    def add_files(files, collection: str | None, request: gr.Request):
        if not files or not collection:
            return _note("Pick a collection and files first."), gr.update(), gr.update()
        try:
            user, bot = writable(collection, request)
            received = uploaded(files)
            team.check_upload(user, len(received), sum(path.stat().st_size for path, _ in received))
        except AssistantError as exc:
            return _note(str(exc), bad=True), gr.update(), None
        folder = team.upload_folder(collection)
        lines, stored = [], []
        for path, original in received:
            try:
                stored.append(store_upload(path, original, folder))
            except (UploadError, OSError) as exc:
                lines.append((str(exc), True))
        discard([path for path, _ in received])
        if stored:
            report = team.index_uploads(bot, stored)
            lines.insert(0, (f"{report.added} added, {report.updated} updated; {report.embedded} passages embedded",
                             False))
            lines += [(f"{Path(f.path).name}: {f.error}", True) for f in report.failed]
        # Gradio's copies are gone: the upload box is cleared
        return str(items(lines)), gr.update(choices=document_choices(user, collection), value=[]), None

    def delete_documents(chosen: list[str], collection: str | None, request: gr.Request):
        if not chosen or not collection:
            return _note("Tick the documents to delete first."), gr.update()
        try:
            user, bot = writable(collection, request)
        except AssistantError as exc:
            return _note(str(exc), bad=True), gr.update()
        listed = {source for source, _ in bot.documents()}
        chosen = [source for source in chosen if source in listed]
        deleted = bot.delete(chosen)
        for source in chosen:
            remove_upload(team.upload_folder(collection), source)
        audit.event("documents.delete", user=user.name, collection=collection, documents=chosen)
        return (_note(f"Deleted {len(chosen)} document(s), {deleted} passages."),
                gr.update(choices=document_choices(user, collection), value=[]))

    def share(names: list[str], everyone: bool, collection: str | None, request: gr.Request):
        """The collection's readers become exactly the ticked users (and everyone, when ticked)."""
        try:
            user, _ = writable(collection, request)
            team.access.share(collection, list(names or []), bool(everyone), exactly=True)
        except AssistantError as exc:
            return _note(str(exc), bad=True)
        audit.event("share", user=user.name, collection=collection, readers=list(names or []),
                    everyone=bool(everyone))
        info = team.access.check_read(user, collection, team.existing())
        audience = "everyone" if info.everyone else (", ".join(info.shared_with) or "nobody yet")
        return _note(f"{collection} is shared with {audience}.")

    def ask_api(question: str, history: list[str | dict] | None, collection: str | None, request: gr.Request) -> dict:
        """Answer a question from a collection you may read; the ``ask --json`` object."""
        user = who(request)
        bot = team.for_reading(user, collection or team.default)
        return bot.ask(question, history=list(history or [])).to_json()

    with gr.Blocks(title="Document assistant", delete_cache=(3600, 3600)) as demo:
        state = gr.State(_fresh())
        signed_in = gr.Markdown()
        with gr.Tab("Chat"):
            with gr.Row():
                with gr.Column(scale=1, min_width=220):
                    conversations = gr.Dropdown(label="Your conversations", choices=[], elem_id="conversations")
                    new = gr.Button("New conversation", elem_id="new-conversation")
                    title = gr.Textbox(label="Title", elem_id="title")
                    with gr.Row():
                        rename_button = gr.Button("Rename")
                        delete_button = gr.Button("Delete", variant="stop")
                with gr.Column(scale=3):
                    collection = gr.Dropdown(label="Collection", choices=[], elem_id="chat-collection")
                    chat = gr.Chatbot(label="Chat", height=420, elem_id="chat", sanitize_html=True)
                    question = gr.Textbox(placeholder="Ask a question about your documents…", label="Question",
                                          elem_id="question")
                    send = gr.Button("Ask", variant="primary", elem_id="ask")
                    with gr.Row():
                        good = gr.Button("👍 Helpful", elem_id="thumbs-up")
                        bad = gr.Button("👎 Wrong", elem_id="thumbs-down")
                        correction = gr.Textbox(label="Correction (optional)", elem_id="correction")
                    notice = gr.HTML(elem_id="notice")
                with gr.Column(scale=2):
                    gr.Markdown("### Sources")
                    sources = gr.HTML(sources_html(None), elem_id="sources")
                    pick = viewer_pane.build(open_view, state, lambda app_state: app_state.get("collection"))
        with gr.Tab("Documents"):
            with gr.Row():
                docs_collection = gr.Dropdown(label="Collection", choices=[], elem_id="docs-collection")
                new_name = gr.Textbox(label="New collection name", elem_id="new-collection")
                create = gr.Button("Create collection", elem_id="create-collection")
            upload = gr.File(label="Add documents", file_count="multiple", file_types=list(PICKER_TYPES),
                             elem_id="upload")
            add = gr.Button("Add to collection", variant="primary", elem_id="add")
            documents = gr.CheckboxGroup(label="Documents (tick to delete)", choices=[], elem_id="documents")
            remove = gr.Button("Delete ticked documents", variant="stop", elem_id="delete-documents")
            with gr.Row():
                people = gr.CheckboxGroup(label="Share with", choices=[], elem_id="share-users")
                everyone = gr.Checkbox(label="Everyone", elem_id="share-everyone")
                share_button = gr.Button("Share", elem_id="share")
            docs_status = gr.HTML(elem_id="docs-status")

        private = {"api_visibility": "private"}
        demo.load(load, None, [signed_in, collection, docs_collection, conversations, documents, people, state],
                  **private)
        ask_outputs = [chat, state, sources, question, conversations, notice]
        question.submit(respond, [question, state, collection], ask_outputs, **private).then(
            viewer_pane.choices_update, [state], [pick], **private)
        send.click(respond, [question, state, collection], ask_outputs, **private).then(
            viewer_pane.choices_update, [state], [pick], **private)
        conversations.input(open_conversation, [conversations], [chat, state, sources, collection, title],
                            **private).then(viewer_pane.choices_update, [state], [pick], **private)
        new.click(new_conversation, [state], [chat, state, sources, conversations, title], **private).then(
            viewer_pane.choices_update, [state], [pick], **private)
        rename_button.click(rename, [title, state], [conversations, notice], **private)
        delete_button.click(delete_conversation, [state], [conversations, chat, state, notice], **private).then(
            viewer_pane.choices_update, [state], [pick], **private)
        good.click(rate_up, [correction, state], [notice, correction], **private)
        bad.click(rate_down, [correction, state], [notice, correction], **private)
        docs_collection.change(pick_collection, [docs_collection], [documents, people, everyone], **private)
        create.click(create_collection, [new_name], [docs_collection, collection, docs_status], **private)
        add.click(add_files, [upload, docs_collection], [docs_status, documents, upload], **private)
        remove.click(delete_documents, [documents, docs_collection], [docs_status, documents], **private)
        share_button.click(share, [people, everyone, docs_collection], [docs_status], **private)
        gr.api(ask_api, api_name="ask")
    return demo



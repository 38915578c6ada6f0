"""The ``assistant`` command: index, ask, chat, collections, documents, eval, mcp, users, serve, ui.

Errors from the packages become one-line messages and exit codes here, and only here.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from assistant.factory import from_args

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

EXIT_FAILED = 1
EXIT_USAGE = 2


def _store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--collection", help="collection name (default: $ASSISTANT_COLLECTION or 'default')")
    parser.add_argument("--store", help="store folder (default: $ASSISTANT_STORE or a per-user data folder)")
    parser.add_argument("--chroma-host", help="use the Chroma server on this host (or $ASSISTANT_CHROMA_HOST)")
    parser.add_argument("--chroma-port", type=int, help="port of the Chroma server (default 8000)")


def _answer_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--k", type=int, help="passages retrieved per question (default 5)")
    parser.add_argument("--no-hybrid", action="store_true", help="dense retrieval only, no BM25")
    parser.add_argument("--llm", help="answerer: reader (default), extractive (whole sentences), openai, ollama, llamacpp")
    parser.add_argument("--llm-base-url", help="server URL for openai/ollama (e.g. http://127.0.0.1:8080/v1)")
    parser.add_argument("--llm-model", help="model name (openai/ollama), GGUF path (llamacpp) or reader weights file (reader)")
    parser.add_argument("--llm-api-key-env", help="environment variable holding the API key (default OPENAI_API_KEY)")
    parser.add_argument("--llm-timeout", type=float, help="seconds to wait for the LLM (default 60)")
    parser.add_argument("--llm-context-tokens", type=int, help="token budget for the sources in the prompt (default 2048)")
    parser.add_argument("--llm-fallback", choices=["extractive", "decline"],
                        help="when no generated sentence is supported (default extractive)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description="Ask questions over your own documents, with citations.")
    commands = parser.add_subparsers(dest="command", required=True)

    index = commands.add_parser("index", help="index files and folders (incremental)")
    index.add_argument("paths", nargs="+", metavar="PATH")
    _store_options(index)
    index.add_argument("--json", action="store_true", help="print one JSON object")
    index.add_argument("--progress", action="store_true",
                       help="show progress on stderr even when it is not a terminal (it is shown on a terminal)")

    ask = commands.add_parser("ask", help="ask one question")
    ask.add_argument("question")
    ask.add_argument("--history", action=_History, default=[], metavar="EARLIER_TURN",
                     help="an earlier question of the conversation (repeat, oldest first); a JSON turn "
                          '{"role": "user"|"assistant", "content": "…"} or a JSON list of them is read as those turns')
    ask.add_argument("--reply", action=_Reply, dest="history", metavar="EARLIER_ANSWER",
                     help="the assistant's answer to the --history question before it (optional; a name said "
                          "only in an answer can then be referred to)")
    _store_options(ask)
    _answer_options(ask)
    ask.add_argument("--json", action="store_true", help="print the answer and citations as one JSON object")

    chat = commands.add_parser("chat", help="a multi-turn chat in the terminal")
    _store_options(chat)
    _answer_options(chat)

    docs = commands.add_parser("documents", help="list the documents of a collection")
    _store_options(docs)
    docs.add_argument("--delete", action="append", default=[], metavar="SOURCE", help="delete a document")
    docs.add_argument("--json", action="store_true")

    evaluate = commands.add_parser("eval", help="score a question set (see evals/)")
    evaluate.add_argument("suite", nargs="?",
                          help="suite folder: corpus/ or corpus.jsonl plus questions.jsonl, or a BEIR set")
    evaluate.add_argument("--from-feedback", metavar="COLLECTION",
                          help="score the answers rated on the team server for COLLECTION (a regression suite)")
    evaluate.add_argument("--export", metavar="DIR", help="with --from-feedback: write DIR/questions.jsonl and stop")
    evaluate.add_argument("--database", help="with --from-feedback: the application database URL")
    _store_options(evaluate)
    _answer_options(evaluate)
    evaluate.add_argument("--out", help="report folder (default: reports/<suite>)")
    evaluate.add_argument("--json", action="store_true", help="print the aggregate metrics as one JSON object")
    evaluate.add_argument("--baseline", help="an earlier report.json to compare against")
    evaluate.add_argument("--min", action="append", default=[], metavar="METRIC=VALUE",
                          help="fail (exit 1) when METRIC is below VALUE; repeatable")
    evaluate.add_argument("--limit", type=int, help="score only the first N questions")
    evaluate.add_argument("--history-mode", choices=["dialogue", "concat", "none"],
                          help="how earlier turns are used: dialogue (default), concat (the last two questions "
                               "joined to the question) or none — the baselines, on the same index")

    listing = commands.add_parser("collections", help="list the collections with document and chunk counts")
    listing.add_argument("--store", help="store folder (default: $ASSISTANT_STORE or a per-user data folder)")
    listing.add_argument("--chroma-host", help="use the Chroma server on this host (or $ASSISTANT_CHROMA_HOST)")
    listing.add_argument("--chroma-port", type=int, help="port of the Chroma server (default 8000)")
    listing.add_argument("--json", action="store_true")

    mcp = commands.add_parser("mcp", help="serve the collections to MCP clients over stdio")
    _store_options(mcp)
    _answer_options(mcp)

    from assistant.server.users_cli import add_parser as add_users_parser

    add_users_parser(commands)
    commands.add_parser("serve", help="serve the REST and OpenAI-compatible APIs and the app (assistant serve --help)")
    commands.add_parser("ui", help="serve the browser app (assistant ui --help)")
    return parser


def cmd_index(args: argparse.Namespace) -> int:
    bot = from_args(args)
    report = bot.index(args.paths, progress=args.progress or sys.stderr.isatty())
    if report.indexed_anything:
        from assistant.errors import AssistantError

        try:
            bot.prepare()
        except AssistantError as exc:  # the index is fine; questions will say the same
            print(f"assistant: warning: {exc}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_json()))
    else:
        print(
            f"{report.collection}: {report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
            f"{report.removed} removed; {report.embedded} chunks embedded, {report.deleted} deleted, {report.total} in all"
        )
        if report.skipped:
            kinds = ", ".join(f"{ext} {n}" for ext, n in sorted(report.skipped.items(), key=lambda kv: -kv[1]))
            print(f"  skipped {sum(report.skipped.values())} files of types not read ({kinds})", file=sys.stderr)
        for failure in report.failed:
            print(f"  failed: {failure.path}: {failure.error}", file=sys.stderr)
    return 0 if report.indexed_anything else EXIT_FAILED


def _print_answer(answer) -> None:
    print(answer.answer)
    _print_sources(answer)


def _print_sources(answer) -> None:
    from assistant.citations_text import format_citations

    if answer.rewritten_question != answer.question:
        print(f"(searched for: {answer.rewritten_question})")
    for line in format_citations(answer.citations):
        print(line)


def cmd_collections(args: argparse.Namespace) -> int:
    args.collection = None
    infos = from_args(args).collections()
    if args.json:
        print(json.dumps([info.to_json() for info in infos]))
    elif not infos:
        print("no collections yet; create one with: assistant index PATH --collection NAME")
    else:
        for info in infos:
            counts = "?" if info.documents is None else f"{info.documents} documents, {info.chunks} chunks"
            print(f"{info.name}  ({counts})")
    return 0


class _History(argparse.Action):
    """``--history`` adds a user turn, or the turns a JSON object or list spells out
    (``{"role": "assistant", "content": …}``), to the ordered list of earlier turns."""

    def __call__(self, parser, namespace, value, option_string=None):
        earlier = list(getattr(namespace, self.dest, None) or [])
        earlier.extend(_turns_in(value))
        setattr(namespace, self.dest, earlier)


def _turns_in(value: str) -> list:
    """The turns one ``--history`` value holds: itself as a question, or the JSON turn(s) it spells out."""
    if value.lstrip()[:1] not in ("{", "["):
        return [value]
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        return [value]  # a question that merely starts with a bracket
    turns = parsed if isinstance(parsed, list) else [parsed]
    return turns if all(isinstance(t, (dict, str)) for t in turns) else [value]


class _Reply(argparse.Action):
    """``--reply`` adds an assistant turn to the same ordered list as ``--history``."""

    def __call__(self, parser, namespace, value, option_string=None):
        earlier = list(getattr(namespace, self.dest, None) or [])
        earlier.append({"role": "assistant", "content": value})
        setattr(namespace, self.dest, earlier)


def _asking_bot(args: argparse.Namespace):
    """The assistant for a command that asks: settings checked first, then that the collection exists."""
    from assistant import answerers

    bot = from_args(args)
    answerers.check(bot.settings.llm)
    bot.require_collection()
    return bot


def cmd_ask(args: argparse.Namespace) -> int:
    bot = _asking_bot(args)
    if args.json:
        print(json.dumps(bot.ask(args.question, history=args.history).to_json(), ensure_ascii=False))
        return 0
    from assistant.types import Answer

    final = None
    for piece in bot.stream(args.question, history=args.history):
        if isinstance(piece, Answer):
            final = piece
        else:
            print(piece, end="", flush=True)
    print()
    if final is not None:
        _print_sources(final)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    bot = _asking_bot(args)
    history: list = []
    print(f"Chatting with collection {bot.settings.collection!r}. Empty line or Ctrl-D to quit; /new starts over.")
    while True:
        try:
            question = input("> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not question:
            return 0
        if question == "/new":
            history = []
            continue
        answer = bot.ask(question, history=history)
        _print_answer(answer)
        history += [question, answer]


def cmd_documents(args: argparse.Namespace) -> int:
    bot = from_args(args)
    bot.require_collection()
    if args.delete:
        deleted = bot.delete(args.delete)
        print(f"deleted {len(args.delete)} document(s), {deleted} chunks")
        return 0
    documents = bot.documents()
    if args.json:
        print(json.dumps([{"source": s, "chunks": n} for s, n in documents]))
    else:
        for source, chunks in documents:
            print(f"{chunks:6d}  {source}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from evals.runner import run_cli

    return run_cli(args)


def cmd_mcp(args: argparse.Namespace) -> int:
    from assistant.factory import llm_options
    from assistant.mcp_server import serve

    serve(store=args.store, collection=args.collection, llm=args.llm, llm_options=llm_options(args),
          chroma_host=args.chroma_host, chroma_port=args.chroma_port, k=args.k,
          hybrid=False if args.no_hybrid else None)
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    from assistant.server.users_cli import run

    return run(args)


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.server.app import main as serve

    return serve(args.options)


def cmd_ui(args: argparse.Namespace) -> int:
    from assistant.ui import main as serve

    serve(args.options)
    return 0


COMMANDS = {"index": cmd_index, "ask": cmd_ask, "chat": cmd_chat, "collections": cmd_collections,
            "documents": cmd_documents, "eval": cmd_eval, "mcp": cmd_mcp, "users": cmd_users, "serve": cmd_serve, "ui": cmd_ui}


PASSTHROUGH = ("serve", "ui")  # commands with a parser of their own: everything after the name goes to it


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in PASSTHROUGH:
        args = argparse.Namespace(command=argv[0], options=argv[1:])
    else:
        args = build_parser().parse_args(argv)
    from assistant.errors import AssistantError, QuestionError, UnknownCollectionError
    from index.errors import IndexingError

    try:
        return COMMANDS[args.command](args)
    except (UnknownCollectionError, QuestionError) as exc:
        print(f"assistant: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (AssistantError, IndexingError) as exc:
        print(f"assistant: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except ValueError as exc:  # pydantic validation of settings
        print(f"assistant: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())

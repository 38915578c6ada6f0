"""The HTTP server: the REST API (``rest.py``), the OpenAI-compatible endpoint
(``openai_compat.py``) and the browser app mounted at ``/``, over one set of
collections and one application database (``database.py``).

    assistant serve [--host 127.0.0.1] [--port 8000] [--store DIR] [--database URL]
                    [--chroma-host H --chroma-port P] [--collection NAME] [--no-auth] [--no-ui]

With accounts (``assistant users add``), every API route takes ``Authorization:
Bearer TOKEN`` (``assistant users token NAME``) and the app asks for a user name
and password. Without accounts the server is for the machine's own user: it
listens on loopback only (``$ASSISTANT_API_KEY`` and ``--auth`` still work as
before), unless ``--no-auth`` says an open server is meant.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import sys

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from assistant.errors import AssistantError, QuestionError
from assistant.server.errors import AccountError, Conflict, Forbidden, NotFound
from assistant.server.openai_compat import router as openai_router
from assistant.server.rest import router as rest_router
from assistant.server.team import Team, Unauthorized
from index.errors import IndexingError

STATUS = ((Unauthorized, 401), (NotFound, 404), (Forbidden, 403), (Conflict, 409), (AccountError, 400),
          (QuestionError, 400), (IndexingError, 400))


def _error(status: int, message: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    body = {"error": {"message": message, "type": "invalid_request_error", "code": str(status), "param": None},
            "detail": message}
    return JSONResponse(body, status_code=status, headers=headers)


def create_app(store: str | None = None, collection: str = "default", api_key: str | None = None,
               auth: tuple[str, str] | None = None, ui: bool = True, database: str | None = None,
               **options) -> FastAPI:
    from assistant.ui.app import Assistants

    database = database or os.environ.get("ASSISTANT_DATABASE_URL")
    if database and database.startswith("postgresql"):
        options["database_url"] = database  # the catalog and keyword index go there too, shared by every replica
    assistants = Assistants(store, **options)
    team = Team(assistants, collection, database=database, api_key=api_key)
    team.database.engine  # noqa: B018 - open and migrate now: a bad URL fails at start, not on the first request
    app = FastAPI(title="Document assistant", description="Answers from your documents, with citations.")
    app.state.team = team

    @app.exception_handler(AssistantError)
    def assistant_error(request: Request, exc: AssistantError) -> JSONResponse:
        status = next((code for kind, code in STATUS if isinstance(exc, kind)), 500)
        return _error(status, str(exc))

    @app.exception_handler(Unauthorized)
    def unauthorized(request: Request, exc: Unauthorized) -> JSONResponse:
        return _error(401, "missing, wrong or revoked token; send Authorization: Bearer TOKEN "
                           "(assistant users token NAME prints one)")

    @app.exception_handler(IndexingError)
    def indexing_error(request: Request, exc: IndexingError) -> JSONResponse:
        return _error(400, str(exc))

    app.include_router(rest_router(team))
    app.include_router(openai_router(team.for_reading, team.visible_names, team.authenticate))
    if ui:
        app = _mount_ui(app, team, auth)
    return app


def _mount_ui(app: FastAPI, team: Team, fixed: tuple[str, str] | None) -> FastAPI:
    """With accounts, the team app behind a login with each user's name and password;
    without, the single-user app (behind ``--auth`` when given)."""
    import gradio as gr

    from assistant.ui.render import CSS

    if team.accounts.any():
        from assistant.ui.team import build_team_app

        demo, login = build_team_app(team), (lambda name, password: team.accounts.login(name, password) is not None)
    else:
        from assistant.ui.app import build_app

        demo, login = build_app(team.assistants, team.default, team.store_folder / "uploads"), fixed
    return gr.mount_gradio_app(app, demo.queue(default_concurrency_limit=4), path="/", auth=login, css=CSS)


def is_loopback(host: str) -> bool:
    try:
        return all(ipaddress.ip_address(info[4][0]).is_loopback
                   for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP))
    except (OSError, ValueError):
        return False


def main(argv: list[str] | None = None) -> int:
    from assistant.ui.app import parse_auth

    parser = argparse.ArgumentParser(prog="assistant serve", description="Serve the API and the app over HTTP.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--store", default=os.environ.get("ASSISTANT_STORE"))
    parser.add_argument("--database", default=os.environ.get("ASSISTANT_DATABASE_URL"),
                        help="application database URL (default: SQLite in the store folder; or postgresql://...)")
    parser.add_argument("--collection", default=os.environ.get("ASSISTANT_COLLECTION", "default"))
    parser.add_argument("--chroma-host", default=os.environ.get("ASSISTANT_CHROMA_HOST"))
    parser.add_argument("--chroma-port", type=int, default=int(os.environ.get("ASSISTANT_CHROMA_PORT", 8000)))
    parser.add_argument("--api-key-env", default="ASSISTANT_API_KEY",
                        help="without accounts: the variable holding the API's bearer key")
    parser.add_argument("--auth", default=os.environ.get("ASSISTANT_AUTH"),
                        help="without accounts: USER:PASSWORD for the app")
    parser.add_argument("--no-auth", action="store_true", help="allow a non-loopback address without accounts")
    parser.add_argument("--no-ui", action="store_true", help="the API only")
    args = parser.parse_args(argv)
    api_key = os.environ.get(args.api_key_env) or None
    app = create_app(args.store, args.collection, api_key=api_key, auth=parse_auth(args.auth), ui=not args.no_ui,
                     database=args.database, chroma_host=args.chroma_host, chroma_port=args.chroma_port)
    keys = api_key is not None and (args.auth is not None or args.no_ui)
    if not is_loopback(args.host) and not args.no_auth and not keys and not app.state.team.accounts.any():
        parser.error(f"--host {args.host} is reachable from other machines and the server has no accounts: "
                     "add one (assistant users add NAME --admin), or set an API key and --auth, or pass --no-auth "
                     "if an open server is meant")
    database = args.database or ""
    if args.chroma_host and not database.startswith("postgresql"):
        print("assistant serve: note: the catalog and keyword index stay in this machine's store folder; servers "
              "that share this Chroma server must also share --database postgresql://... to agree", file=sys.stderr)
    import uvicorn

    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0

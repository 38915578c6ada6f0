"""The HTTP server: the REST API (``rest.py``), the OpenAI-compatible endpoint
(``openai_compat.py``) and the browser app mounted at ``/``, over one set of
collections and one application database (``database.py``).

    assistant serve [--host 127.0.0.1] [--port 8000] [--store DIR] [--database URL]
                    [--chroma-host H --chroma-port P] [--collection NAME] [--no-auth] [--no-ui]
                    [--allowed-host NAME ...] [--allowed-origin URL ...]

With accounts (``assistant users add``), every API route takes ``Authorization:
Bearer TOKEN`` (``assistant users token NAME``) and the app asks for a user name
and password. Without accounts the server is for the machine's own user: it
listens on loopback only (``$ASSISTANT_API_KEY`` and ``--auth`` still work as
before), unless ``--no-auth`` says an open server is meant.

Requests must name this server in ``Host`` (loopback names, the ``--host``
address, and each ``--allowed-host``), so a DNS-rebound page cannot reach it; no
other site's page gets credentialed cross-origin access unless ``--allowed-origin``
names it. Limits (``limits.py``) bound bodies, uploads and collections; the outer
layer (``guard.py``) adds security headers and a script policy to every response.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import sys

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from assistant.errors import AssistantError, DocumentNotFound, QuestionError
from assistant.server.errors import AccountError, Conflict, Forbidden, LimitError, NotFound
from assistant.server.limits import ServerLimits
from assistant.server.openai_compat import router as openai_router
from assistant.server.rest import router as rest_router
from assistant.server.team import Team, Unauthorized
from assistant.ui.launch import GRACE_S
from index.errors import IndexingError

STATUS = ((Unauthorized, 401), (NotFound, 404), (DocumentNotFound, 404), (Forbidden, 403), (Conflict, 409), (AccountError, 400),
          (QuestionError, 400), (IndexingError, 400))
LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1", "[::1]", "testserver"]


def _error(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else headers
    body = {"error": {"message": message, "type": "invalid_request_error", "code": str(status), "param": None},
            "detail": message}
    return JSONResponse(body, status_code=status, headers=headers)


def create_app(store: str | None = None, collection: str = "default", api_key: str | None = None,
               auth: tuple[str, str] | None = None, ui: bool = True, database: str | None = None,
               allowed_hosts: list[str] | None = None, allowed_origins: list[str] | None = None,
               limits: ServerLimits | None = None, **options) -> FastAPI:
    from starlette.middleware.cors import CORSMiddleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    from assistant.server import audit
    from assistant.server.guard import Guard
    from assistant.ui.app import Assistants

    limits = limits or ServerLimits.from_env()
    database = database or os.environ.get("ASSISTANT_DATABASE_URL")
    if database and database.startswith("postgresql"):
        options["database_url"] = database  # the catalog and keyword index go there too, shared by every replica
    assistants = Assistants(store, **options)
    team = Team(assistants, collection, database=database, api_key=api_key, limits=limits)
    team.database.engine  # noqa: B018 - open and migrate now: a bad URL fails at start, not on the first request
    _private(team.store_folder)
    audit.to_file(team.store_folder / "audit.log")
    # /docs would load Swagger UI from a CDN; the description stays at /openapi.json
    app = FastAPI(title="Document assistant", description="Answers from your documents, with citations.",
                  docs_url=None, redoc_url=None)
    app.state.team = team

    @app.exception_handler(LimitError)
    def limit_error(request: Request, exc: LimitError) -> JSONResponse:
        retry = {"Retry-After": str(int(exc.retry_after + 0.999))} if exc.retry_after else None
        return _error(exc.status, str(exc), retry)

    store_path = str(team.store_folder.resolve())

    def plain(message: str) -> str:
        """A message without the server's own paths in it."""
        return message.replace(store_path, "STORE")

    @app.exception_handler(AssistantError)
    def assistant_error(request: Request, exc: AssistantError) -> JSONResponse:
        status = next((code for kind, code in STATUS if isinstance(exc, kind)), 500)
        return _error(status, plain(str(exc)))

    @app.exception_handler(Unauthorized)
    def unauthorized(request: Request, exc: Unauthorized) -> JSONResponse:
        return _error(401, "missing, wrong or revoked token; send Authorization: Bearer TOKEN "
                           "(assistant users token NAME prints one)")

    @app.exception_handler(IndexingError)
    def indexing_error(request: Request, exc: IndexingError) -> JSONResponse:
        return _error(400, plain(str(exc)))

    app.include_router(rest_router(team))
    app.include_router(openai_router(team.for_reading, team.visible_names, team.authenticate))
    if ui:
        from assistant.server import webapp

        app = webapp.mount(app, team, auth, limits)
    # outermost last: the host check, then CORS (only for the named origins), then the guard
    app.add_middleware(Guard, body_limit=limits.body_bytes, token_ok=_token_check(team))
    app.add_middleware(CORSMiddleware, allow_origins=list(allowed_origins or []), allow_credentials=bool(allowed_origins),
                       allow_methods=["*"], allow_headers=["*"])
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=LOOPBACK_NAMES + list(allowed_hosts or []))
    return app


def _token_check(team: Team):
    async def token_ok(header: str) -> bool:
        import anyio

        return await anyio.to_thread.run_sync(team.authorization_ok, header)

    return token_ok


def _private(folder) -> None:
    """The store holds every collection and the accounts: readable by the server's user only."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    for path in folder.glob("*.sqlite3*"):
        path.chmod(0o600)


def host_names(host: str, extra: list[str]) -> list[str]:
    """The ``Host`` names this server answers to: loopback, the address it listens on
    (for 0.0.0.0 or ::, the machine's names and addresses) and ``extra``."""
    names = [host, *extra]
    if host in ("0.0.0.0", "::", ""):
        machine = socket.gethostname()
        names += [machine, socket.getfqdn()]
        try:
            names += sorted({info[4][0] for info in socket.getaddrinfo(machine, None)})
        except OSError:
            pass
    return [n for n in names if n not in ("0.0.0.0", "::", "")]


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
    parser.add_argument("--allowed-host", action="append", default=[], metavar="NAME",
                        help="a host name clients use to reach this server (Host header); loopback names and the "
                             "--host address are always allowed")
    parser.add_argument("--allowed-origin", action="append", default=[], metavar="URL",
                        help="a web origin (https://app.example.org) whose pages may call the API with credentials")
    args = parser.parse_args(argv)
    api_key = os.environ.get(args.api_key_env) or None
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    app = create_app(args.store, args.collection, api_key=api_key, auth=parse_auth(args.auth), ui=not args.no_ui,
                     database=args.database, chroma_host=args.chroma_host, chroma_port=args.chroma_port,
                     allowed_hosts=host_names(args.host, args.allowed_host), allowed_origins=args.allowed_origin)
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

    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", timeout_graceful_shutdown=GRACE_S)
    return 0

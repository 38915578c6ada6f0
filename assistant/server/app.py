"""The HTTP server: the OpenAI-compatible endpoint (``openai_compat.py``) and the
browser app mounted at ``/``, over one set of collections.

    assistant serve [--host 127.0.0.1] [--port 8000] [--store DIR] [--collection NAME]
                    [--chroma-host H --chroma-port P] [--api-key-env VAR] [--auth USER:PASSWORD] [--no-auth]

The API takes ``Authorization: Bearer KEY`` where KEY is the value of ``$ASSISTANT_API_KEY``
(or the variable ``--api-key-env`` names); the app takes ``--auth`` as ``python app.py``
does. A server on an address other than loopback refuses to start without both,
unless ``--no-auth`` says that is meant.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import secrets
import socket

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from assistant.server.openai_compat import router


class Unauthorized(Exception):
    pass


def bearer_check(api_key: str | None):
    """The dependency every API route runs: a valid bearer key, when one is configured."""

    def authorize(request: Request) -> None:
        if api_key is None:
            return
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(token.strip().encode(), api_key.encode()):
            raise Unauthorized

    return authorize


def create_app(store: str | None = None, collection: str = "default", api_key: str | None = None,
               auth: tuple[str, str] | None = None, ui: bool = True, **options) -> FastAPI:
    from assistant.ui.app import Assistants

    assistants = Assistants(store, **options)
    app = FastAPI(title="Document assistant", description="Answers from your documents, with citations.")

    @app.exception_handler(Unauthorized)
    def unauthorized(request: Request, exc: Unauthorized) -> JSONResponse:
        return JSONResponse({"error": {"message": "missing or wrong API key; send Authorization: Bearer KEY",
                                       "type": "invalid_request_error", "code": "invalid_api_key", "param": None}},
                            status_code=401, headers={"WWW-Authenticate": "Bearer"})

    app.include_router(router(assistants.get, lambda: sorted(assistants.get(collection).store.collection_names()),
                              bearer_check(api_key)))
    if ui:
        import gradio as gr

        from assistant.ui.app import build_app
        from assistant.ui.render import CSS

        demo = build_app(assistants, collection, assistants.get(collection).settings.store / "uploads")
        app = gr.mount_gradio_app(app, demo.queue(default_concurrency_limit=4), path="/", auth=auth, css=CSS)
    return app


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
    parser.add_argument("--collection", default=os.environ.get("ASSISTANT_COLLECTION", "default"))
    parser.add_argument("--chroma-host", default=os.environ.get("ASSISTANT_CHROMA_HOST"))
    parser.add_argument("--chroma-port", type=int, default=int(os.environ.get("ASSISTANT_CHROMA_PORT", 8000)))
    parser.add_argument("--api-key-env", default="ASSISTANT_API_KEY", help="variable holding the API's bearer key")
    parser.add_argument("--auth", default=os.environ.get("ASSISTANT_AUTH"), help="USER:PASSWORD for the app")
    parser.add_argument("--no-auth", action="store_true", help="allow a non-loopback address without keys")
    parser.add_argument("--no-ui", action="store_true", help="the API only")
    args = parser.parse_args(argv)
    api_key = os.environ.get(args.api_key_env) or None
    auth = parse_auth(args.auth)
    if not is_loopback(args.host) and not args.no_auth and (api_key is None or (auth is None and not args.no_ui)):
        parser.error(f"--host {args.host} is reachable from other machines: set ${args.api_key_env} and --auth "
                     "(or pass --no-auth if an open server is meant)")
    import uvicorn

    app = create_app(args.store, args.collection, api_key=api_key, auth=auth, ui=not args.no_ui,
                     chroma_host=args.chroma_host, chroma_port=args.chroma_port)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0

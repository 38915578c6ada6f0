"""The server's outer layer, one ASGI middleware in front of every route (the
mounted app's included):

- request bodies are bounded: a ``Content-Length`` over the limit is refused at
  once, and a body that streams past it is cut off and answered 413, so no
  upload is held in memory or spooled to disk first;
- a ``/v1`` request that carries a body and no valid token is answered 401
  before its body is read;
- every response carries security headers; the app's HTML page gets a
  Content-Security-Policy whose script nonce only the server's own ``<script>``
  tags carry, so markup that reaches the page from a document cannot run;
- the client's address is kept for the login backoff (``CLIENT``).
"""

from __future__ import annotations

import contextvars
import json
import re
import secrets
from collections.abc import Awaitable, Callable

CLIENT: contextvars.ContextVar[str] = contextvars.ContextVar("client", default="?")

_SCRIPT = re.compile(rb"<script\b", re.IGNORECASE)
_BODY_METHODS = {"POST", "PUT", "PATCH"}


def content_security_policy(nonce: str) -> str:
    """No inline script but the server's own: an injected ``<img onerror=…>`` or
    ``javascript:`` link cannot run. 'unsafe-eval' stays because Gradio 6's HTML
    component renders its template with ``new Function``; it lets the page's own code
    evaluate strings, not markup run handlers."""
    return ("default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}' 'unsafe-eval'; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
            "media-src 'self' blob:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; "
            "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


BASE_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
                (b"referrer-policy", b"no-referrer"), (b"cross-origin-opener-policy", b"same-origin")]


async def _answer(send, status: int, message: str, headers: list[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps({"error": {"message": message, "type": "invalid_request_error", "code": str(status),
                                 "param": None}, "detail": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *BASE_HEADERS, *headers]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    def __init__(self, app, body_limit: int, token_ok: Callable[[str], Awaitable[bool]]):
        self.app = app
        self.limit = body_limit
        self.token_ok = token_ok

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        CLIENT.set((scope.get("client") or ("?",))[0])
        headers = dict(scope.get("headers") or [])
        too_large = (f"the request body is over the server's limit of {self.limit / 2**20:.0f} MB; send smaller "
                     "files (or fewer at a time), or raise ASSISTANT_MAX_BODY_MB on the server")
        if scope["method"] in _BODY_METHODS:
            if scope["path"].startswith("/v1/") and not await self.token_ok(headers.get(b"authorization", b"").decode(
                    "latin-1")):
                await _answer(send, 401, "missing, wrong or revoked token; send Authorization: Bearer TOKEN "
                                         "(assistant users token NAME prints one)", [(b"www-authenticate", b"Bearer")])
                return
            try:
                declared = int(headers.get(b"content-length", b"0"))
            except ValueError:
                declared = 0
            if declared > self.limit:
                await _answer(send, 413, too_large)
                return
        html_page = scope["method"] == "GET" and b"text/html" in headers.get(b"accept", b"")
        if html_page:  # the page is rewritten below, so it must come uncompressed
            scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != b"accept-encoding"]}
        state = {"received": 0, "over": False, "started": False}

        async def bounded_receive():
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > self.limit:
                    state["over"] = True
                    return {"type": "http.disconnect"}
            return message

        nonce = secrets.token_urlsafe(18)
        page: dict = {}

        async def guarded_send(message):
            if state["over"]:
                return
            if message["type"] == "http.response.start":
                state["started"] = True
                response_headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in
                                    {b"x-frame-options", b"content-security-policy"}]
                is_html = any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in response_headers)
                policy = content_security_policy(nonce) if is_html else "default-src 'none'; frame-ancestors 'none'"
                response_headers += [*BASE_HEADERS, (b"content-security-policy", policy.encode())]
                message = {**message, "headers": response_headers}
                if is_html:
                    page["start"], page["body"] = message, b""
                    return
                await send(message)
            elif "start" in page and message["type"] == "http.response.body":
                page["body"] += message.get("body", b"")
                if message.get("more_body"):
                    return
                body = _SCRIPT.sub(b'<script nonce="' + nonce.encode() + b'"', page["body"])
                start = page["start"]
                start["headers"] = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                start["headers"].append((b"content-length", str(len(body)).encode()))
                await send(start)
                await send({"type": "http.response.body", "body": body})
            else:
                await send(message)

        try:
            await self.app(scope, bounded_receive, guarded_send)
        except Exception:
            if not state["over"]:  # only the cut-off body's own aftermath is answered here
                raise
        if state["over"]:
            await _answer(send, 413, too_large)

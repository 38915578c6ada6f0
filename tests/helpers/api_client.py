"""A small JSON-over-HTTP client for the server tests (urllib: no extra dependency),
with multipart uploads for the document routes."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid


def call(url: str, method: str = "GET", token: str | None = None, body=None,
         files: list[tuple[str, str | bytes]] | None = None) -> tuple[int, object]:
    """``(status, parsed JSON body)``; HTTP errors are returned, not raised."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if files:
        boundary = uuid.uuid4().hex
        parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
                 f"Content-Type: application/octet-stream\r\n\r\n".encode()
                 + (content if isinstance(content, bytes) else content.encode()) + b"\r\n" for name, content in files]
        data = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
    else:
        data = json.dumps(body).encode() if body is not None else None
        headers["Content-Type"] = "application/json"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers, method=method),
                                    timeout=300) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())

"""Gradio's wire protocol spoken by hand, as a hostile client would: log in, read
the page's config, and send any payload to any event handler (``queue/join``),
reading the result from the server-sent events (``queue/data``)."""

from __future__ import annotations

import http.cookiejar
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid


class GradioSession:
    def __init__(self, url: str):
        self.url = url.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.session_hash = uuid.uuid4().hex[:10]
        self._config: dict | None = None

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
        """``(status, headers, body bytes)``; HTTP errors are returned, not raised."""
        request = urllib.request.Request(self.url + path, data=data, headers=headers or {}, method=method)
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def login(self, name: str, password: str) -> int:
        body = urllib.parse.urlencode({"username": name, "password": password}).encode()
        return self.request("/login", body, {"Content-Type": "application/x-www-form-urlencoded"})[0]

    def config(self) -> dict:
        if self._config is None:
            status, _, body = self.request("/config")
            assert status == 200, body
            self._config = json.loads(body)
        return self._config

    def handlers(self) -> list[tuple[int, str, int]]:
        """``(fn_index, api name, number of inputs)`` of every event handler of the page."""
        return [(i, d.get("api_name") or "", len(d["inputs"])) for i, d in enumerate(self.config()["dependencies"])]

    def index_of(self, api_name: str) -> int:
        return next(i for i, name, _ in self.handlers() if name == api_name)

    def call(self, fn_index: int, data: list) -> dict:
        """The last message the handler sent: ``{"msg": "process_completed", "output": ..., "success": ...}``."""
        payload = json.dumps({"data": data, "fn_index": fn_index, "session_hash": self.session_hash,
                              "event_data": None, "trigger_id": None}).encode()
        status, _, body = self.request("/gradio_api/queue/join", payload, {"Content-Type": "application/json"})
        if status != 200:
            return {"msg": "refused", "status": status, "output": body.decode(errors="replace")}
        event_id = json.loads(body).get("event_id")
        request = urllib.request.Request(f"{self.url}/gradio_api/queue/data?session_hash={self.session_hash}")
        with self.opener.open(request, timeout=120) as stream:
            for raw in stream:
                line = raw.decode(errors="replace").strip()
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("msg") == "unexpected_error":
                    return message
                if message.get("msg") == "process_completed" and message.get("event_id") in (None, event_id):
                    return message
        return {"msg": "none"}

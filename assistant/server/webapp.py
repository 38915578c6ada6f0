"""The browser app as the server mounts it: the team app at ``/``, one decision
per request about logins (accounts exist → a login is required, from the request
after the first account is added; none → the machine's own user, or the fixed
``--auth`` pair), logins checked off the event loop with backoff, and web sessions
that end when their user is disabled, deleted or changes password."""

from __future__ import annotations

import math
from datetime import datetime

from assistant.server import audit
from assistant.server.accounts import Accounts
from assistant.server.database import now
from assistant.server.guard import CLIENT
from assistant.server.throttle import LoginThrottle


class Sessions(dict):
    """Gradio's table of web sessions (cookie → user name), checked on every read."""

    def __init__(self, accounts: Accounts):
        super().__init__()
        self.accounts = accounts
        self.started: dict[str, datetime] = {}

    def __setitem__(self, token: str, name: str) -> None:
        super().__setitem__(token, name)
        self.started[token] = now()

    def get(self, token, default=None):
        name = super().get(token) if token else None
        if name is None:
            return default
        if self.accounts.any() and not self.accounts.session_valid(name, self.started.get(token, now())):
            self.pop(token, None)
            self.started.pop(token, None)
            return default
        return name


def login_check(accounts: Accounts, accounts_throttle: LoginThrottle, address_throttle: LoginThrottle):
    """Gradio's login callable: refuses early attempts with 429, runs argon2 in a worker thread."""

    async def login(name: str, password: str) -> bool:
        import anyio
        from fastapi import HTTPException

        address = CLIENT.get()
        wait = max(accounts_throttle.wait(name), address_throttle.wait(address))
        if wait > 0:
            audit.event("login.throttled", user=name, address=address, retry_after=math.ceil(wait))
            raise HTTPException(429, detail=f"too many wrong passwords; try again in {math.ceil(wait)} s",
                                headers={"Retry-After": str(math.ceil(wait))})
        user = await anyio.to_thread.run_sync(accounts.login, name, password)
        if user is None:
            accounts_throttle.failed(name)
            address_throttle.failed(address)
            audit.event("login.failed", user=name, address=address)
            return False
        accounts_throttle.succeeded(name)
        audit.event("login", user=name, address=address)
        return True

    return login


def mount(app, team, fixed: tuple[str, str] | None, limits):
    """Mount the team app at ``/`` and switch its login on per request."""
    from starlette.routing import Mount

    from assistant.ui.launch import mounted
    from assistant.ui.render import CSS
    from assistant.ui.team import build_team_app

    demo = build_team_app(team, limits)
    login = login_check(team.accounts, LoginThrottle(limits.login_failures, limits.login_backoff_s),
                        LoginThrottle(limits.login_failures * 4, limits.login_backoff_s))
    app = mounted(app, demo.queue(default_concurrency_limit=4), auth=login, css=CSS, max_file_size=limits.body_bytes)
    gradio_app = next(r.app for r in app.routes if isinstance(r, Mount) and r.path == "")
    gradio_app.tokens = Sessions(team.accounts)

    @app.middleware("http")
    async def decide_login(request, call_next):
        if not request.url.path.startswith("/v1/"):
            gradio_app.auth = login if team.accounts.any() else _fixed(fixed)
        return await call_next(request)

    return app


def _fixed(pair: tuple[str, str] | None):
    if pair is None:
        return None
    import secrets

    user, password = pair
    return lambda name, given: secrets.compare_digest(f"{name}:{given}".encode(), f"{user}:{password}".encode())

"""The team server's limits, with defaults a small team can live with. Each can be
set with an environment variable (``ASSISTANT_MAX_BODY_MB=200``); every refusal
names the limit and the variable that raises it."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class ServerLimits:
    body_mb: float = 50.0  # one request body (an upload of several files included)
    files_per_upload: int = 20
    collections_per_user: int = 50
    upload_mb_per_user: float = 2000.0  # bytes of uploaded files a user's collections may hold
    login_failures: int = 5  # wrong passwords before an account or address must wait
    login_backoff_s: float = 2.0  # first wait; it doubles with each further failure, up to 15 minutes

    @property
    def body_bytes(self) -> int:
        return int(self.body_mb * 2**20)

    @classmethod
    def from_env(cls) -> "ServerLimits":
        values = {}
        for field in fields(cls):
            raw = os.environ.get(env_name(field.name))
            if raw is not None:
                try:
                    values[field.name] = int(raw) if field.type == "int" else float(raw)
                except ValueError:
                    raise SystemExit(f"{env_name(field.name)}={raw!r} is not a number") from None
        return cls(**values)


def env_name(field: str) -> str:
    return f"ASSISTANT_MAX_{field.upper()}"

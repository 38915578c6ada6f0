"""Backoff for wrong passwords, per account and per client address.

After ``login_failures`` wrong passwords for one name (or from one address) the
next attempt must wait ``login_backoff_s`` seconds, doubling with each further
failure up to 15 minutes; a right password clears the account's count. Waiting
is not done on the server: an early attempt is refused at once (HTTP 429 with
``Retry-After``) without checking the password, so guessing costs the guesser
time and the server nothing.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

MAX_WAIT_S = 900.0
FORGET_AFTER_S = 3600.0


@dataclass
class _Record:
    failures: int = 0
    last: float = 0.0


class LoginThrottle:
    def __init__(self, failures: int = 5, backoff_s: float = 2.0, clock=time.monotonic):
        self.allowed = failures
        self.backoff = backoff_s
        self.clock = clock
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def wait(self, *keys: str) -> float:
        """Seconds before another attempt for these keys (0: go ahead)."""
        now = self.clock()
        with self._lock:
            return max((self._wait(self._records.get(k), now) for k in keys), default=0.0)

    def _wait(self, record: _Record | None, now: float) -> float:
        if record is None or record.failures < self.allowed:
            return 0.0
        delay = min(self.backoff * 2 ** (record.failures - self.allowed), MAX_WAIT_S)
        return max(record.last + delay - now, 0.0)

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                record = self._records.setdefault(key, _Record())
                if now - record.last > FORGET_AFTER_S:
                    record.failures = 0
                record.failures += 1
                record.last = now
            if len(self._records) > 100_000:  # an address sweep must not grow this without end
                old = [k for k, r in self._records.items() if now - r.last > FORGET_AFTER_S]
                for key in old or list(self._records)[: len(self._records) // 2]:
                    del self._records[key]

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._records.pop(key, None)

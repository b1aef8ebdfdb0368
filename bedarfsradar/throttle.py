"""Failed logins slow down where they come from; they never lock an account.

A lockout per user name (five failures, 15 minutes) let anyone who knew a name keep its
holder out, five wrong passwords every quarter of an hour. Here every login attempt
counts against its client address and against the user name until it succeeds; the
password check of an attempt waits

- for the address: nothing for the first :data:`FREE_ATTEMPTS`, then 1, 2, 4 … seconds,
  at most :data:`ADDRESS_CAP_SECONDS`; checks from one address also take turns (a burst
  of parallel requests is checked one after another, each waiting its delay) and an
  address with more than :data:`MAX_QUEUE_SECONDS` of attempts waiting gets the failure
  message at once, unchecked;
- for the user name from any address: the same doubling, but at most
  :data:`USERNAME_CAP_SECONDS`, so someone failing from elsewhere costs the holder of the
  name a moment, never the account.

The wait is applied before the password is checked, so a success is no faster than a
failure, and it is an ``await`` on the event loop (no thread is held while waiting).
Counts fade after :data:`WINDOW_SECONDS` without a failure and are cleared by a success.

Audit rows are aggregated: the first failure for a user name writes ``login.failed``
(``failures: 1``); further failures within :data:`AUDIT_EVERY_SECONDS` are counted and
written as one row with their number when the next failure after that interval comes or
the name logs in successfully, so a burst of a thousand guesses is a handful of rows.

State is in memory only (one process serves everything): addresses are kept as keyed
hashes (a key drawn per process), never written anywhere, and forgotten with the window.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import anyio

FREE_ATTEMPTS = 3
BASE_SECONDS = 1.0
ADDRESS_CAP_SECONDS = 30.0
USERNAME_CAP_SECONDS = 2.0
MAX_QUEUE_SECONDS = 120.0
WINDOW_SECONDS = 15 * 60.0
AUDIT_EVERY_SECONDS = 15 * 60.0
MAX_ENTRIES = 20_000
"""Addresses and names remembered at most; the least recently active are dropped first."""


def step(attempts: int, cap: float) -> float:
    """Seconds before the next check after ``attempts`` unsuccessful attempts."""
    if attempts < FREE_ATTEMPTS:
        return 0.0
    return min(cap, BASE_SECONDS * 2.0 ** min(attempts - FREE_ATTEMPTS, 30))


@dataclass
class _Source:
    attempts: int = 0
    last: float = 0.0
    next_free: float = 0.0


@dataclass
class _Burst:
    pending: int = 0
    logged_at: float | None = None


class LoginThrottle:
    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ):
        self.clock = clock
        self.sleep = sleep
        self._key = secrets.token_bytes(16)
        self._addresses: dict[str, _Source] = {}
        self._names: dict[str, _Source] = {}
        self._bursts: dict[str, _Burst] = {}
        self._lock = threading.Lock()

    def _address(self, address: str) -> str:
        return hmac.new(self._key, address.encode(), hashlib.sha256).hexdigest()[:32]

    def _source(self, table: dict[str, _Source], key: str, now: float) -> _Source:
        source = table.get(key)
        if source is None or now - source.last > WINDOW_SECONDS:
            if len(table) >= MAX_ENTRIES:
                self._forget(table, now)
            source = table[key] = _Source()
        source.last = now
        return source

    @staticmethod
    def _forget(table: dict, now: float) -> None:  # type: ignore[type-arg]
        for key in [k for k, v in table.items() if now - v.last > WINDOW_SECONDS]:
            del table[key]
        if len(table) >= MAX_ENTRIES:
            for key in sorted(table, key=lambda k: table[k].last)[: len(table) // 2]:
                del table[key]

    def admit(self, address: str, username: str) -> float | None:
        """Count an attempt; return the seconds it waits before its password check, or
        None if its address has too many attempts waiting (refuse it unchecked)."""
        now = self.clock()
        with self._lock:
            source = self._source(self._addresses, self._address(address), now)
            name = self._source(self._names, username, now)
            start = max(now, source.next_free) + step(source.attempts, ADDRESS_CAP_SECONDS)
            source.attempts += 1
            name_wait = step(name.attempts, USERNAME_CAP_SECONDS)
            name.attempts += 1
            if start - now > MAX_QUEUE_SECONDS:
                return None
            source.next_free = start
            return max(start - now, name_wait)

    def failed(self, username: str) -> int | None:
        """Note a failure; the number of failures to write as one audit row now, if any."""
        now = self.clock()
        with self._lock:
            burst = self._bursts.setdefault(username, _Burst())
            burst.pending += 1
            if burst.logged_at is None or now - burst.logged_at >= AUDIT_EVERY_SECONDS:
                count, burst.pending, burst.logged_at = burst.pending, 0, now
                return count
            if len(self._bursts) > MAX_ENTRIES:
                self._bursts = {k: v for k, v in self._bursts.items() if v.pending}
            return None

    def succeeded(self, address: str, username: str) -> int:
        """Clear the counts of the address and the name; the failures not yet written."""
        with self._lock:
            self._addresses.pop(self._address(address), None)
            self._names.pop(username, None)
            burst = self._bursts.pop(username, None)
            return burst.pending if burst else 0

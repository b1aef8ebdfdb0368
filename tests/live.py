"""``bedarfsradar serve`` as a real process on a localhost port, for tests and benchmarks.

One way to start, wait for and stop the server, so every end-to-end test, fault test and
benchmark measures the same thing the guide runs.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bedarfsradar import PROJECT_ROOT


class ServerDidNotStart(RuntimeError):
    """The server did not answer /healthz in time; the message ends with its log."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(
    env: dict[str, str], log: Path, port: int | None = None, timeout: float = 90
) -> tuple[subprocess.Popen, str]:
    """Start the server with ``env`` added to this process's environment; return the
    process and its base URL once /healthz answers 200."""
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    with log.open("a") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bedarfsradar.cli", "serve", "--port", str(port)],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=PROJECT_ROOT,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    proc.wait()
    raise ServerDidNotStart(f"server did not start: {log.read_text()[-2000:]}")


def stop(proc: subprocess.Popen, timeout: float = 30) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def serving(env: dict[str, str], log: Path, port: int | None = None) -> Iterator[str]:
    """The base URL of a running server for the duration of the ``with`` block."""
    proc, base = start(env, log, port)
    try:
        yield base
    finally:
        stop(proc)

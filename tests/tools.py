"""External programs some tests need (LibreOffice, poppler): Debian packages that `.ci/run`
installs and a new user's `make test` does without. Such a test skips when a program is
missing, and fails instead where they are mandatory (CI sets
``BEDARFSRADAR_REQUIRE_BROWSER=1``)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

REQUIRE_TOOLS = os.environ.get("BEDARFSRADAR_REQUIRE_BROWSER") == "1"


def need(*tools: str) -> None:
    """Skip the calling test (fail it in CI) unless every program in ``tools`` is on PATH."""
    missing = [t for t in tools if not shutil.which(t)]
    if missing:
        if REQUIRE_TOOLS:
            pytest.fail(f"{', '.join(missing)} required (BEDARFSRADAR_REQUIRE_BROWSER=1)")
        pytest.skip(f"{', '.join(missing)} not installed")


def poppler(tool: str, *args: str) -> str:
    """The standard output of poppler's ``tool`` (pdftotext, pdfinfo, …) run on ``args``."""
    need(tool)
    done = subprocess.run([tool, *args], capture_output=True, text=True, check=True, timeout=60)
    return done.stdout

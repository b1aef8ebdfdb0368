"""Bytes a respondent's phone downloads for the first survey page, next to the Streamlit
dashboard's first load and a repeated dashboard visit, measured in the same run against
the same server.

Usage: ``python bench/page_weight.py`` (needs /usr/bin/chromium and Playwright).
Goals: the first survey page (HTML + CSS + images) ≤ 30 KB transferred; a repeated
dashboard visit (browser cache warm: Streamlit's content-hashed files are cached for a
year) under 100 KB.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import live  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def load_weight(
    base: str,
    path: str,
    javascript: bool,
    settle: float,
    login: tuple[str, str] | None = None,
    repeat: bool = False,
) -> tuple[int, int, int]:
    """(requests, bytes transferred, bytes decoded) for one first load in Chromium; with
    ``repeat`` for a second load of the same page in the same browser (cache warm)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(java_script_enabled=javascript)
        page = context.new_page()
        responses = []
        if login:  # the dashboard needs a login: sign in, then measure a cold load
            page.goto(base + "/login")
            page.fill("input[name=username]", login[0])
            page.fill("input[name=password]", login[1])
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            cookies = context.cookies()
            context.close()
            context = browser.new_context(java_script_enabled=javascript)  # empty cache
            context.add_cookies(cookies)
            page = context.new_page()
        if repeat:
            page.goto(base + path, wait_until="networkidle")
            time.sleep(settle)
            page.close()
            page = context.new_page()
        page.on("response", lambda r: responses.append(r))
        page.goto(base + path, wait_until="networkidle")
        time.sleep(settle)
        transferred = decoded = 0
        for r in responses:
            sizes = r.request.sizes()
            transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
            with contextlib.suppress(Exception):  # redirects have no body
                decoded += len(r.body())
        n = len(responses)
        browser.close()
    return n, transferred, decoded


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "BEDARFSRADAR_DATABASE_URL": f"sqlite:///{tmp}/pw.db",
            "BEDARFSRADAR_SECRET_KEY": "bench",
        }
        subprocess.run(
            [sys.executable, "-m", "bedarfsradar.cli", "demo"],
            env=env,
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        with live.serving(env, Path(tmp) / "serve.log") as base:
            survey = load_weight(base, "/u/zugewanderte-w2/", javascript=False, settle=0)
            guide = ("guide", "demo-guide-2026")
            dashboard = load_weight(base, "/", javascript=True, settle=3, login=guide)
            again = load_weight(base, "/", javascript=True, settle=3, login=guide, repeat=True)
    print(
        f"survey first page:    {survey[0]:>3} requests, {survey[1] / 1000:8.1f} KB "
        f"transferred ({survey[2] / 1000:.1f} KB decoded)  goal ≤ 30 KB: "
        f"{'met' if survey[1] <= 30_000 else 'NOT met'}"
    )
    print(
        f"dashboard first load: {dashboard[0]:>3} requests, {dashboard[1] / 1000:8.1f} KB "
        f"transferred ({dashboard[2] / 1000:.1f} KB decoded)"
    )
    print(
        f"dashboard repeated:   {again[0]:>3} requests, {again[1] / 1000:8.1f} KB "
        f"transferred  goal < 100 KB: {'met' if again[1] < 100_000 else 'NOT met'}"
    )
    print(f"dashboard / survey transferred: {dashboard[1] / max(survey[1], 1):.0f}×")


if __name__ == "__main__":
    main()

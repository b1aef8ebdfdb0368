"""End-to-end fixtures: the real server (``bedarfsradar serve``) and Debian's Chromium.

Browser tests skip locally when /usr/bin/chromium or Playwright is missing; with
``BEDARFSRADAR_REQUIRE_BROWSER=1`` (set by ``.ci/run``) they fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bedarfsradar.context import AppContext, init_db
from tests.conftest import make_context
from tests.live import serving

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
REQUIRE_BROWSER = os.environ.get("BEDARFSRADAR_REQUIRE_BROWSER") == "1"
SECRET = "e2e-secret"


@dataclass
class LiveServer:
    base: str
    ctx: AppContext
    log: Path


@pytest.fixture(scope="module")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """``bedarfsradar serve`` on a free port with an open newcomer campaign ``neu``."""
    tmp = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{tmp / 'live.db'}"
    ctx = make_context(url, SECRET)
    init_db(ctx)
    mid = ctx.municipality_id
    for audience, slug in (("newcomer", "neu"), ("volunteer", "ehrenamt")):
        ctx.storage.create_campaign(mid, slug, slug, ctx.storage.latest_version(mid, audience))
    log = tmp / "serve.log"
    env = {"BEDARFSRADAR_DATABASE_URL": url, "BEDARFSRADAR_SECRET_KEY": SECRET}
    try:
        with serving(env, log) as base:
            yield LiveServer(base, ctx, log)
    finally:
        ctx.db.dispose()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if REQUIRE_BROWSER:
            pytest.fail(f"{CHROMIUM} is required (BEDARFSRADAR_REQUIRE_BROWSER=1)")
        pytest.skip(f"browser tests skipped: {CHROMIUM} not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if REQUIRE_BROWSER:
            raise
        pytest.skip("browser tests skipped: playwright not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def phone_context(browser, javascript: bool = False, **kwargs):
    """A cheap phone: 360×740, touch, optionally with JavaScript switched off."""
    return browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=javascript,
        **kwargs,
    )

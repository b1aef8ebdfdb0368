"""Dashboard pages through ``streamlit.testing.v1.AppTest`` on a real demo database.

``dashboard.data.context`` and ``dashboard.auth.current_user`` are replaced with
monkeypatch (AppTest has no cookies); the demo database is built once per module.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from bedarfsradar import PROJECT_ROOT
from bedarfsradar.context import AppContext, load_demo
from bedarfsradar.session import SessionUser
from tests.conftest import make_context

PAGES = PROJECT_ROOT / "dashboard" / "pages"


@pytest.fixture(scope="module")
def demo_ctx(tmp_path_factory) -> Iterator[AppContext]:
    url = f"sqlite:///{tmp_path_factory.mktemp('dashboard') / 'demo.db'}"
    ctx = make_context(url)
    load_demo(ctx)
    yield ctx
    ctx.db.dispose()


@pytest.fixture
def as_role(demo_ctx, monkeypatch) -> Callable[[str | None], AppContext]:
    """``as_role("viewer")`` logs in a viewer for the pages; ``as_role(None)`` nobody."""
    import dashboard.auth
    import dashboard.data

    monkeypatch.setattr(dashboard.data, "context", lambda: demo_ctx)
    st.cache_data.clear()
    st.cache_resource.clear()

    def login(role: str | None) -> AppContext:
        user = None
        if role is not None:
            user = SessionUser(1, f"test-{role}", role, demo_ctx.municipality_id, time.time())
        monkeypatch.setattr(dashboard.auth, "current_user", lambda: user)
        return demo_ctx

    return login


def run_page(name: str) -> AppTest:
    at = AppTest.from_file(str(PAGES / name), default_timeout=60).run()
    assert not at.exception, at.exception
    return at

"""Two towns in one database, for access-control and injection tests.

``towns`` builds, once per module: the demo town (Oestrich-Winkel, the server's
municipality) with a free text :data:`MARK_A` and a guide; a second municipality
``nachbarstadt`` with its own questionnaires, campaign, responses (free text
:data:`MARK_B`), offer (:data:`MARK_B` as name) and user. Anything of B that shows up
while logged into A is a leak.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import streamlit as st
from sqlalchemy import select

from bedarfsradar.context import AppContext, init_db, load_demo
from bedarfsradar.db.schema import AppUser
from bedarfsradar.session import SessionUser
from bedarfsradar.settings import Settings
from bedarfsradar.users import add_user
from surveys.offers import OfferIn, create_offer
from surveys.responses.answers import AnswerRow
from tests.conftest import DATA_DIR, make_context

MARK_A = "Freitext-nur-in-A-4711"
MARK_B = "Geheim-nur-in-B-0815"
PASSWORD = "sicher-genug-2026"
SECRET = "test-secret"


@dataclass
class Towns:
    a: AppContext
    b: AppContext
    url: str


def answer_rows(text: str) -> list[AnswerRow]:
    return [AnswerRow("stadtteil", value="winkel"), AnswerRow("helps_most", text=text)]


@pytest.fixture(scope="module")
def towns(tmp_path_factory) -> Iterator[Towns]:
    url = f"sqlite:///{tmp_path_factory.mktemp('towns') / 'towns.db'}"
    a = make_context(url, SECRET)
    load_demo(a)
    campaign = a.storage.campaign("zugewanderte-w2")
    a.storage.complete_response(campaign, str(uuid.uuid4()), answer_rows(MARK_A), "de")
    for role in ("admin", "guide", "viewer"):
        add_user(a.db, a.municipality_id, f"a-{role}", PASSWORD, role)

    b = AppContext(Settings(database_url=url, data_dir=DATA_DIR, secret_key=SECRET,
                            municipality="nachbarstadt"))  # fmt: skip
    init_db(b)
    mid = b.municipality_id
    b.storage.create_campaign(mid, "b-neu", MARK_B, b.storage.latest_version(mid, "newcomer"))
    for _ in range(6):
        b.storage.complete_response(
            b.storage.campaign("b-neu"), str(uuid.uuid4()), answer_rows(MARK_B), "de"
        )
    offer = OfferIn(key="b-only", name=MARK_B, provider=MARK_B, areas=["housing"],
                    stadtteil="winkel")  # fmt: skip
    create_offer(b.db, mid, offer)
    for role in ("admin", "guide"):
        add_user(b.db, mid, f"b-{role}", PASSWORD, role)
    assert mid != a.municipality_id
    yield Towns(a, b, url)
    a.db.dispose()
    b.db.dispose()


@pytest.fixture
def login_as(towns, monkeypatch) -> Callable[[str | None], SessionUser | None]:
    """``login_as("viewer")``: the dashboard pages run for A's user of that role (AppTest
    has no cookies, so ``dashboard.auth.current_user`` is replaced); ``None`` = nobody."""
    import dashboard.auth
    import dashboard.data

    monkeypatch.setattr(dashboard.data, "context", lambda: towns.a)
    st.cache_data.clear()
    st.cache_resource.clear()
    with towns.a.db.read() as s:
        ids = dict(s.execute(select(AppUser.username, AppUser.id)).all())

    def login(role: str | None) -> SessionUser | None:
        user = None
        if role is not None:
            name = f"a-{role}"
            user = SessionUser(int(ids[name]), name, role, towns.a.municipality_id, time.time())
        monkeypatch.setattr(dashboard.auth, "current_user", lambda: user)
        return user

    return login

"""A network of two towns on PostgreSQL, built once per module.

``network`` holds the installation's own town A (Oestrich-Winkel, the demo) and town B
(Idstein, added with ``tenancy.add_town``, Stadtteile Nord and Süd, a demo of its own).
Both have their demo waves (wave 1 released), a wave-3 campaign with the same slug
``zugewanderte`` and one of their own, a complete response with a free text
(:data:`MARK_A`, :data:`MARK_B`), an offer and users.
Anything of B that shows up for A (or the reverse) is a leak.

The application connects as the test's application role (no owner, no ``BYPASSRLS``)
where ``BEDARFSRADAR_TEST_POSTGRES_APP_URL`` is set.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bedarfsradar import tenancy
from bedarfsradar.context import AppContext, load_demo, load_town_demo
from bedarfsradar.db import rls
from bedarfsradar.users import add_user
from surveys.offers import OfferIn, create_offer
from surveys.responses.answers import AnswerRow
from surveys.responses.storage import CampaignInfo, Receipt
from tests.conftest import (
    PG_URL,
    _pg_unavailable,
    dispose,
    fresh_postgres_database,
    make_context,
    scoped,
)

MARK_A = "Nur-in-Oestrich-Winkel-4711"
MARK_B = "Nur-in-Idstein-0815"
PASSWORD = "sicher-genug-2026"
SECRET = "tenancy-secret"


@dataclass
class Network:
    ctx: AppContext
    owner_url: str
    a: int
    b: int
    a_campaign: CampaignInfo
    b_campaign: CampaignInfo
    a_only: CampaignInfo
    b_only: CampaignInfo
    a_receipt: Receipt
    b_receipt: Receipt
    a_uuid: str
    b_uuid: str


@pytest.fixture(scope="module")
def module_postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test module."""
    if not PG_URL:
        _pg_unavailable("BEDARFSRADAR_TEST_POSTGRES_URL is not set")
    if not os.environ.get("BEDARFSRADAR_TEST_POSTGRES_APP_URL"):
        _pg_unavailable("BEDARFSRADAR_TEST_POSTGRES_APP_URL is not set (the application role)")
    with fresh_postgres_database("br_tenancy") as url:
        yield url


def rows(text: str, stadtteil: str) -> list[AnswerRow]:
    return [
        AnswerRow("stadtteil", value=stadtteil),
        AnswerRow("need", item="housing", value="5"),
        AnswerRow("helps_most", text=text),
    ]


def _town_data(ctx: AppContext, mid: int, own: str, mark: str, stadtteil: str):  # type: ignore[no-untyped-def]
    s = ctx.storage
    version = s.latest_version(mid, "newcomer")
    shared = s.create_campaign(mid, "zugewanderte", f"Welle 3 {mark}", version, wave=3)
    only = s.create_campaign(mid, own, f"Nur hier {mark}", version, wave=3)
    client_uuid = str(uuid.uuid4())
    receipt = s.complete_response(shared, client_uuid, rows(mark, stadtteil), "de")
    create_offer(ctx.db, mid, OfferIn(key=f"offer-{own}", name=mark, areas=["housing"],
                                      stadtteil=stadtteil))  # fmt: skip
    for role in ("guide", "viewer"):
        add_user(ctx.db, mid, f"{own}-{role}", PASSWORD, role)
    return shared, only, receipt, client_uuid


@pytest.fixture(scope="module")
def network(module_postgres_url: str) -> Iterator[Network]:
    ctx = make_context(module_postgres_url, SECRET)
    load_demo(ctx)  # A: the demo with its released wave 1
    with scoped(ctx):
        a = ctx.home_municipality_id
        a_shared, a_only, a_receipt, a_uuid = _town_data(ctx, a, "nur-a", MARK_A, "winkel")
    town = tenancy.add_town(ctx, "idstein", "Idstein", "nord=Nord, sued=Süd", "b-admin",
                            PASSWORD)  # fmt: skip
    load_town_demo(ctx, town.id, seed=7)  # B: a demo of its own, wave 1 released
    with rls.town_scope(town.id):
        b_shared, b_only, b_receipt, b_uuid = _town_data(ctx, town.id, "nur-b", MARK_B, "nord")
    yield Network(ctx, module_postgres_url, a, town.id, a_shared, b_shared, a_only, b_only,
                  a_receipt, b_receipt, a_uuid, b_uuid)  # fmt: skip
    dispose(ctx)

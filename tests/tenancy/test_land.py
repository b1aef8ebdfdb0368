"""The ministry's view (role land) on a network of three towns on PostgreSQL: pooled tables
from the pooled microdata of the shared core (a town's own question never reaches them),
the rules of a pooled release, the towns' own releases, participation per town, the
indicator sheet, the Land's page and CLI."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass

import openpyxl
import pandas as pd
import pytest
import streamlit as st
from sqlalchemy import func, select, text
from streamlit.testing.v1 import AppTest

from analysis import published
from analysis.catalogue import ReleaseRefused
from bedarfsradar import PROJECT_ROOT, land, measures, tenancy
from bedarfsradar.context import AppContext, load_demo, load_town_demo
from bedarfsradar.db import rls
from bedarfsradar.db.schema import Release, Response
from bedarfsradar.session import SessionUser
from tests.conftest import dispose, make_context
from tests.tenancy.conftest import PASSWORD, SECRET
from tests.tenancy.test_towns import _cli_env
from tests.test_cli import run_cli

LOCAL = "Nur-lokal-in-Idstein-4711"
PAGES = str(PROJECT_ROOT / "dashboard" / "pages")


@dataclass
class Land:
    ctx: AppContext
    owner_url: str
    towns: dict[str, int]
    land: int


@pytest.fixture(scope="module")
def network3(module_postgres_url) -> Iterator[Land]:
    ctx = make_context(module_postgres_url, SECRET)
    load_demo(ctx)
    towns = {"oestrich-winkel": ctx.home_municipality_id}
    for seed, (slug, name, parts) in enumerate(
        [
            ("idstein", "Idstein", "Kernstadt, Wörsdorf, Walsdorf"),
            ("eltville", "Eltville", "Kernstadt, Erbach, Hattenheim, Rauenthal"),
        ]
    ):
        town = tenancy.add_town(ctx, slug, name, parts, f"{slug}-admin", PASSWORD)
        load_town_demo(ctx, town.id, seed=100 + seed)
        towns[slug] = town.id
    # Idstein asked a question of its own in wave 1 (a local addition, not the core's)
    with rls.town_scope(towns["idstein"]), ctx.db.write() as s:
        ids = s.scalars(select(Response.id).limit(30)).all()
        for rid in ids:
            s.execute(
                text("INSERT INTO answer (municipality_id, response_id, question_id, item, value,"
                     " text) VALUES (:m, :r, 'lokal_frage', '', 'lokal_ja', :t)"),
                {"m": towns["idstein"], "r": rid, "t": LOCAL},
            )  # fmt: skip
    with rls.town_scope(towns["oestrich-winkel"]):  # one more measure adopted by the council
        stored = measures.list_measures(ctx.db, towns["oestrich-winkel"])
        first = next(m for m in stored if m.spec.status == "proposed")
        spec = first.spec.model_dump() | {"status": "adopted"}
        measures.save_measure(ctx.db, towns["oestrich-winkel"], "guide", spec, first.id)
    land_id = tenancy.ensure_land(ctx)
    tenancy.add_user(ctx, tenancy.town_by_id(ctx, land_id), "hmsi", PASSWORD, "land")
    yield Land(ctx, module_postgres_url, towns, land_id)
    dispose(ctx)


@pytest.fixture(scope="module")
def pooled(network3):
    info = land.release_pooled(network3.ctx, 1, "hmsi")
    with rls.town_scope(network3.land):
        payload = network3.ctx.releases.payload(network3.land, info.id)
    return info, payload


def test_the_pooled_tables_are_computed_from_the_pooled_core_microdata(network3, pooled):
    ctx = network3.ctx
    info, payload = pooled
    assert payload["towns"] == ["eltville", "idstein", "oestrich-winkel"]
    state = land.pooled_waves(ctx)[1]
    answers = land.pooled_answers(ctx, state)
    assert answers["response_id"].str.split(":").str[0].nunique() == 3
    data = ctx.survey_data(answers)
    # every published count is the protected count of the pooled record set - not a sum
    # of the towns' protected counts
    expected = published.audience_counts(data)
    assert payload["audience_n"] == {a: (None if pd.isna(n) else n) for a, n in expected.items()}
    assert abs(payload["audience_n"]["newcomer"] - state.newcomers) <= 6  # noise only
    groups = set(pd.DataFrame(payload["needs"]["data"])["group_var"])
    assert groups == {"all", *land.POOLED_BREAKDOWNS}  # no Stadtteil: each town's own codes
    assert payload["supply"]["data"] == [] and payload["offers"]["data"] == []


def test_a_towns_own_question_never_reaches_the_land(network3, pooled):
    _, payload = pooled
    text_ = json.dumps(payload, ensure_ascii=False)
    assert "lokal_frage" not in text_ and LOCAL not in text_ and "lokal_ja" not in text_
    assert "Wörsdorf" not in text_ and "woersdorf" not in text_
    answers = land.pooled_answers(network3.ctx, land.pooled_waves(network3.ctx)[1])
    assert "lokal_frage" not in set(answers["question_id"])
    assert "stadtteil" not in set(answers["question_id"])


def test_a_pooled_release_is_refused_in_german_and_nothing_is_stored(network3, pooled):
    ctx = network3.ctx

    def stored() -> int:
        with rls.town_scope(network3.land), ctx.db.read() as s:
            return int(s.scalar(select(func.count()).select_from(Release)) or 0)

    before = stored()
    with pytest.raises(ReleaseRefused, match="bereits freigegeben"):
        land.release_pooled(ctx, 1, "hmsi")  # once per wave
    with pytest.raises(ReleaseRefused, match="läuft noch in 3 Kommune"):
        land.release_pooled(ctx, 2, "hmsi")
    with pytest.raises(ReleaseRefused, match="gibt es in keiner Kommune"):
        land.release_pooled(ctx, 9, "hmsi")
    two = land.PooledWave(1, land.pooled_waves(ctx)[1].closed[:2], ())
    with pytest.raises(ReleaseRefused, match="ab 3 Kommunen"):
        land.check_pooled(two, 1)
    assert stored() == before


def test_the_land_sees_each_towns_releases_and_participation_per_town(network3, pooled):
    ctx = network3.ctx
    own = land.town_releases(ctx)
    assert {r.town.slug for r in own} == set(network3.towns)
    one = own[0]
    res = land.town_release_results(ctx, one.town.id, one.release.id)
    assert res is not None and len(res.needs)
    part = land.participation(ctx)
    assert set(part.responses["Kommune"]) == {"Oestrich-Winkel", "Idstein", "Eltville"}
    assert {"Zugewanderte", "Ehrenamtliche", "Verwaltung"} <= set(part.responses["Zielgruppe"])
    assert "Arabisch" in set(part.responses["Sprache"])
    done = pd.to_numeric(part.responses["Abgeschlossen"])
    assert done.isna().any() and (done.dropna() >= 5).all()  # small groups hidden, none < 5
    assert set(part.waves["Stand"]) == {"läuft", "abgeschlossen"}
    # every town's demo invited its staff by name: 40 reached, 12 finished (30 %)
    inv = part.invitations.set_index("Kommune")
    assert set(inv.index) == {"Oestrich-Winkel", "Idstein", "Eltville"}
    assert inv.loc["Idstein"][["Welle", "Zielgruppe", "Eingeladen", "Teilgenommen"]].tolist() == [
        2, "Verwaltung", 40, 12]  # fmt: skip
    assert inv.loc["Idstein", "Rücklauf"] == pytest.approx(0.3)
    # a campaign with fewer than 5 finished shows who was invited, not who answered
    from surveys.invitations.lists import Person
    from surveys.invitations.store import InvitationStore

    with rls.town_scope(network3.towns["eltville"]):
        version = ctx.storage.latest_version(network3.towns["eltville"], "volunteer")
        few = ctx.storage.create_campaign(network3.towns["eltville"], "ehrenamt-klein",
                                          "Ehrenamt", version, wave=3)  # fmt: skip
        InvitationStore(ctx.db, SECRET).add(few, [Person(f"P {i}", None, None, i) for i in
                                                  range(2, 9)])  # fmt: skip
    small = land.participation(ctx).invitations
    small = small[(small["Kommune"] == "Eltville") & (small["Welle"] == 3)]
    assert len(small) == 1 and small["Teilgenommen"].isna().all() and small["Rücklauf"].isna().all()
    counts = land.measures_per_town(ctx).set_index("Kommune")
    # the demo's four measures: one adopted and one running (data/measures.yaml), one more
    # adopted by the fixture; "adopted" counts every measure past the proposal
    assert counts.loc["Oestrich-Winkel"].tolist() == [4, 3]
    assert counts.loc["Idstein"].tolist() == [0, 0]


def test_the_indicator_sheet_is_german_with_needs_intervals_and_measures(network3, pooled):
    wb = openpyxl.load_workbook(io.BytesIO(land.indicator_workbook(network3.ctx)))
    assert wb.sheetnames == [
        "Lesehilfe", "Befragte (gemeinsam)", "Sprachen (gemeinsam)", "Bedarfe (gemeinsam)",
        "Beteiligung je Kommune", "Wellen je Kommune", "Einladungen je Kommune",
        "Maßnahmen je Kommune",
    ]  # fmt: skip
    needs = wb["Bedarfe (gemeinsam)"]
    headers = [c.value for c in needs[1]]
    assert headers == ["Bedarfsfeld", "Anteil mit Bedarf", "95-%-KI von", "95-%-KI bis", "n"]
    first = [c.value for c in needs[2]]
    assert first[0] in {"Wohnen", "Deutsch lernen"}  # planted: the most severe needs
    assert first[2] < first[1] < first[3] and needs["B2"].number_format == "0 %"
    text_ = "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    assert LOCAL not in text_ and "newcomer" not in text_


def test_the_land_page_shows_pooled_tables_towns_and_participation(network3, pooled, monkeypatch):
    import dashboard.auth
    import dashboard.data

    monkeypatch.setattr(dashboard.data, "context", lambda: network3.ctx)
    user = SessionUser(1, "hmsi", "land", network3.land, time.time())
    monkeypatch.setattr(dashboard.auth, "current_user", lambda: user)
    st.cache_data.clear()
    st.cache_resource.clear()
    started = time.perf_counter()
    at = AppTest.from_file(f"{PAGES}/land.py", default_timeout=60).run()
    cold = time.perf_counter() - started
    assert not at.exception, at.exception
    shown = " ".join(str(x.value) for x in [*at.markdown, *at.caption, *at.info])
    assert "3 Kommunen" in shown and LOCAL not in shown
    assert at.selectbox(key="land-pooled").value == pooled[0].id
    started = time.perf_counter()
    at.selectbox(key="land-needs").set_value("language").run()
    change = time.perf_counter() - started
    assert not at.exception
    print(f"land page: cold {cold:.2f} s, breakdown change {change:.2f} s")
    # AppTest's own script start-up is in both figures (bench/land.py times the server)
    assert cold < 3 and change < 2


def test_the_land_role_opens_no_town_page(network3, monkeypatch):
    import dashboard.auth
    import dashboard.data

    monkeypatch.setattr(dashboard.data, "context", lambda: network3.ctx)
    user = SessionUser(1, "hmsi", "land", network3.land, time.time())
    monkeypatch.setattr(dashboard.auth, "current_user", lambda: user)
    for page in ("needs.py", "export.py", "results.py", "free_text.py"):
        at = AppTest.from_file(f"{PAGES}/{page}", default_timeout=60).run()
        assert "Berechtigung" in at.error[0].value, page
        assert not at.dataframe


def test_the_land_cli_reports_waves_refuses_in_german_and_writes_the_sheet(
    network3, pooled, tmp_path
):
    env = _cli_env(network3)  # type: ignore[arg-type]
    status = run_cli("land", "status", env=env)
    assert status.returncode == 0 and "Welle 1: abgeschlossen in 3" in status.stdout
    refused = run_cli("land", "release", "--wave", "2", "--yes", env=env)
    assert refused.returncode == 4 and "läuft noch" in refused.stderr
    out = tmp_path / "kennzahlen.xlsx"
    sheet = run_cli("land", "sheet", "--output", str(out), env=env)
    assert sheet.returncode == 0 and out.stat().st_size > 5_000
    admin = run_cli("user", "add", "ministerium", "--role", "land", "--password-stdin",
                    env=env, stdin=PASSWORD + "\n")  # fmt: skip
    assert admin.returncode == 0, admin.stderr
    wrong = run_cli("--town", "idstein", "user", "add", "m2", "--role", "land",
                    "--password-stdin", env=env, stdin=PASSWORD + "\n")  # fmt: skip
    assert wrong.returncode == 5 and "gehören zu keiner Kommune" in wrong.stderr


def test_a_town_admin_cannot_make_a_land_user(network3):
    idstein = tenancy.town_by_id(network3.ctx, network3.towns["idstein"])
    assert idstein is not None
    with pytest.raises(tenancy.TownError, match="Rolle „land“ gibt es in einer Kommune nicht"):
        tenancy.add_user(network3.ctx, idstein, "fake-land", PASSWORD, "land")

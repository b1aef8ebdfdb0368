"""Dashboard pages through streamlit.testing.v1.AppTest, on a real demo database."""

import pytest
from streamlit.testing.v1 import AppTest

from bedarfsradar import PROJECT_ROOT
from bedarfsradar.context import load_demo
from tests.conftest import make_context

PAGES = PROJECT_ROOT / "dashboard" / "pages"


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('dash') / 'dash.db'}"
    ctx = make_context(url)
    load_demo(ctx)
    yield url, ctx
    ctx.db.dispose()


@pytest.fixture
def app_context(demo_env, monkeypatch):
    url, ctx = demo_env
    import time

    import dashboard.auth
    import dashboard.data
    from bedarfsradar.session import SessionUser

    monkeypatch.setattr(dashboard.data, "context", lambda: ctx)
    guide = SessionUser(1, "guide", "guide", ctx.municipality_id, time.time())
    monkeypatch.setattr(dashboard.auth, "current_user", lambda: guide)
    dashboard.data.response_counts.clear()
    return ctx


def test_overview_shows_responses_per_audience(app_context):
    at = AppTest.from_file(str(PAGES / "overview.py"), default_timeout=30).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Zugewanderte": "420", "Ehrenamtliche": "60", "Verwaltung": "25"}


def test_overview_language_table_matches_raw_counts(app_context):
    at = AppTest.from_file(str(PAGES / "overview.py"), default_timeout=30).run()
    from dashboard.labels import language_name

    table = next(d.value for d in at.dataframe if "Sprache" in d.value.columns)
    answers = app_context.storage.answers_frame(app_context.municipality_id)
    per_language = answers.groupby("language")["response_id"].nunique()
    per_language.index = per_language.index.map(language_name)  # "ar" -> "Arabisch"
    assert table.set_index("Sprache")["Gesamt"].astype(int).to_dict() == per_language.to_dict()


def test_small_counts_are_hidden_and_cannot_be_recovered_from_the_total():
    import pandas as pd

    from analysis.counts import response_overview

    counts = pd.DataFrame(
        [("so", "newcomer", 3), ("so", "volunteer", 40), ("ar", "newcomer", 12),
         ("ti", "newcomer", 2), ("ti", "volunteer", 1)],
        columns=["language", "audience", "n"],
    )  # fmt: skip
    table = response_overview(counts, "language").set_index("language")
    assert table.loc["so", "Zugewanderte"] == "·"
    assert table.loc["so", "Ehrenamtliche"] == 40
    assert table.loc["so", "Gesamt"] == "·"  # 43 − 40 would reveal the 3
    assert table.loc["ar", "Zugewanderte"] == 12 and table.loc["ar", "Gesamt"] == 12
    assert table.loc["ti", "Gesamt"] == "·"  # a total under 5 is itself small

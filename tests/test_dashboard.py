"""Dashboard pages through streamlit.testing.v1.AppTest, on a real demo database."""

import pytest
from streamlit.testing.v1 import AppTest

from analysis import published
from analysis.published import response_table
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
    return ctx


def test_overview_shows_responses_per_audience(app_context):
    """The per-audience counts are published: the true count plus its cell's noise."""
    at = AppTest.from_file(str(PAGES / "overview.py"), default_timeout=30).run()
    assert not at.exception
    metrics = {m.label: int(m.value) for m in at.metric}
    data = app_context.survey_data(app_context.storage.answers_frame(app_context.municipality_id))
    assert metrics == {
        {"newcomer": "Zugewanderte", "volunteer": "Ehrenamtliche",
         "administration": "Verwaltung"}[a]: int(n)
        for a, n in published.audience_counts(data).items()
    }  # fmt: skip
    true = {"Zugewanderte": 420, "Ehrenamtliche": 60, "Verwaltung": 25}
    assert all(abs(metrics[k] - v) <= 6 for k, v in true.items())


def test_overview_language_table_is_the_published_table(app_context):
    at = AppTest.from_file(str(PAGES / "overview.py"), default_timeout=30).run()
    from dashboard.labels import language_name

    table = next(d.value for d in at.dataframe if "Sprache" in d.value.columns)
    data = app_context.survey_data(app_context.storage.answers_frame(app_context.municipality_id))
    expected = response_table(data.respondents, "language")
    expected["language"] = expected["language"].map(
        lambda c: "Gesamt" if c == "Gesamt" else language_name(c)
    )
    shown = table.set_index("Sprache")["Gesamt"].to_dict()
    assert shown == expected.set_index("language")["Gesamt"].astype(str).to_dict()


def test_small_counts_are_hidden_and_totals_carry_their_own_noise():
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(1)
    resp = pd.DataFrame(
        {
            "language": ["so"] * 43 + ["ar"] * 12 + ["ti"] * 3,
            "audience": ["newcomer"] * 3 + ["volunteer"] * 40 + ["newcomer"] * 15,
            "record_key": rng.integers(0, 2**31, 58),
        }
    )
    table = response_table(resp, "language").set_index("language")
    assert table.loc["so", "Zugewanderte"] == "·"  # 3 people
    assert table.loc["ti", "Gesamt"] == "·" and table.loc["ti", "Zugewanderte"] == "·"
    # the row total is published with its own noise: 43 +- noise minus 40 +- noise is not 3
    assert abs(int(table.loc["so", "Ehrenamtliche"]) - 40) <= 6
    assert abs(int(table.loc["so", "Gesamt"]) - 43) <= 6

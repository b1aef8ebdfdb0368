"""Fuzzing with hypothesis: the survey's form handler, the questionnaire YAML loader and
the skip-logic parser never answer with a crash (HTTP 500 or an unexpected exception)
and never hang; malformed input gets a clear error. (The expression parser has its own
property test in tests/test_relevance.py.)"""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bedarfsradar import PROJECT_ROOT
from bedarfsradar.server import routes
from surveys.questionnaire.loader import (
    QuestionnaireError,
    load_taxonomy,
    parse_questionnaire,
    parse_yaml,
)

TAXONOMY = load_taxonomy(PROJECT_ROOT / "data" / "taxonomy.yaml")
NEWCOMER = yaml.safe_load((PROJECT_ROOT / "data/questionnaires/newcomer.yaml").read_text())
SECTIONS = [s["id"] for s in NEWCOMER["sections"]]
FIELDS = ["stadtteil", "children", "children_ages", "need.housing", "need.mobility", "top3.1",
          "top3.2", "top3.3", "offer.housing", "barriers", "barriers_other", "helps_most",
          "german_level", "residence_status", "consent", "nav", "shown", "website",
          "client_uuid", "code"]  # fmt: skip
ALLOWED = {200, 400, 403, 404, 410, 413, 429, 503}

text = st.one_of(
    st.text(max_size=50),
    st.sampled_from(["", "5", "dk", "na", "-1", "1e309", "nan", "١٢", "<script>", "' OR 1=1--",
                     "=HYPERLINK(\"x\")", "\x00", "a" * 3000, "yes", "other", "housing"]),
)  # fmt: skip


@pytest.fixture(scope="module")
def respondent(tmp_path_factory):
    from bedarfsradar.context import init_db
    from tests.conftest import make_context

    ctx = make_context(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'f.db'}")
    init_db(ctx)
    mid = ctx.municipality_id
    ctx.storage.create_campaign(mid, "fz", "Fuzz", ctx.storage.latest_version(mid, "newcomer"))
    client = TestClient(Starlette(routes=routes(ctx)), follow_redirects=False)
    page = client.get("/u/fz/de/")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    client.post("/u/fz/de/start", data={"csrf": csrf})
    yield client, csrf
    ctx.db.dispose()


@settings(
    max_examples=400, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    section=st.sampled_from([*SECTIONS, "pruefen", "einwilligung", "weiter", "loeschen"]),
    fields=st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=20), text, max_size=12),
    with_csrf=st.booleans(),
)
def test_form_posts_never_crash(respondent, section, fields, with_csrf):
    client, csrf = respondent
    data = {**fields, **({"csrf": csrf} if with_csrf else {})}
    path = f"/u/fz/de/s/{section}" if section in SECTIONS else f"/u/fz/de/{section}"
    response = client.post(path, data=data)  # TestClient re-raises any server exception
    assert response.status_code in ALLOWED | {303}
    if response.status_code != 303:
        assert response.text.startswith("<!doctype html>")
        assert "<script>" not in response.text


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)


def mutate(raw: dict, path: list, value) -> dict:
    """The real questionnaire with one value somewhere replaced."""
    node = raw
    for key in path[:-1]:
        node = node[key] if isinstance(node, dict | list) else node
    if isinstance(node, dict) and path:
        node[path[-1]] = value
    return raw


@settings(max_examples=400, deadline=2000)
@given(data=st.data())
def test_questionnaire_loader_rejects_bad_files_with_a_message(data):
    import copy

    raw = copy.deepcopy(NEWCOMER)
    section = data.draw(st.integers(0, len(raw["sections"]) - 1))
    question = data.draw(st.integers(0, len(raw["sections"][section]["questions"]) - 1))
    field = data.draw(st.sampled_from(["id", "type", "label", "options", "relevance", "rows",
                                       "max_choices", "row_relevance", "sensitive"]))  # fmt: skip
    value = data.draw(json_like)
    mutate(raw, ["sections", section, "questions", question, field], value)
    try:
        parse_questionnaire(raw, "fuzz.yaml", TAXONOMY)
    except QuestionnaireError as exc:
        assert exc.problems and all(str(p).startswith("fuzz.yaml") for p in exc.problems)


@settings(max_examples=300, deadline=2000)
@given(st.text(max_size=300) | json_like.map(lambda v: yaml.safe_dump(v)))
def test_arbitrary_yaml_text_loads_or_is_rejected_clearly(text_input):
    try:
        raw = parse_yaml(text_input, "x.yaml")
        parse_questionnaire(raw, "x.yaml", TAXONOMY)
    except QuestionnaireError as exc:
        assert str(exc).startswith("x.yaml")

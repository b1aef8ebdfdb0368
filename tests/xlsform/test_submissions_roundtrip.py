"""Interviews collected with ODK Collect / KoboCollect come home: the newcomer questionnaire
exported as XLSForm, submissions laid out as ODK Central and KoboToolbox export them (in
several languages and formats, with skipped and not-relevant questions), imported, and
counted by the analysis exactly as the same answers entered through the assisted path."""

from __future__ import annotations

import sqlite3
import uuid

import numpy as np
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from analysis.needs import needs_results
from analysis.supply import barrier_shares, offer_awareness
from analysis.tidy import prepare
from surveys import demo
from surveys.responses.answers import clean_answers, to_rows
from surveys.responses.offline import instance_hash
from surveys.xlsform.submissions import preview_import, read_submissions, store_import
from tests.xlsform.submission_files import (
    Form,
    Interview,
    central_rows,
    central_zip,
    csv_bytes,
    kobo_csv,
    kobo_xlsx,
)

SECRET = "test-secret"  # tests.conftest.make_context's


def _hidden(answers: dict, consent: bool) -> dict[str, object]:
    """Answers an interviewer could enter although the questionnaire would not ask them
    (an ODK form edited in the field, a submission edited in ODK Central)."""
    extra: dict[str, object] = {}
    if answers.get("children") == "no":
        extra["childcare_status"] = "waiting"
    if not consent:
        extra["residence_status"] = "protection"
    low = [k.split(".")[1] for k, v in answers.items() if k.startswith("need.") and v in ("1", "2")]
    if low:
        extra[f"offer.{low[0]}"] = "known"
    return extra


def _survey(ctx):  # type: ignore[no-untyped-def]
    mid = ctx.municipality_id
    version = ctx.storage.latest_version(mid, "newcomer")
    web = ctx.storage.create_campaign(mid, "web-w1", "Web", version)
    tablet = ctx.storage.create_campaign(mid, "tablet-w1", "Tablet", version)
    bundle = ctx.storage.questionnaire_bundle(version)
    return ctx, web, tablet, bundle


@pytest.fixture
def survey(sqlite_ctx):
    return _survey(sqlite_ctx)


@pytest.fixture
def on_both(ctx):
    """SQLite and PostgreSQL (the store's compiled statements differ per dialect)."""
    return _survey(ctx)


def _interviews(n: int, seed: int = 11) -> list[tuple[Interview, dict]]:
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        answers, _, consent = demo.newcomer_answers(rng, 1)
        hidden = _hidden(answers, consent)
        interview = Interview(
            {**answers, **hidden}, consent, f"uuid:{uuid.UUID(int=seed * 10_000 + k)}"
        )
        out.append((interview, hidden))
    return out


FILES = [
    # (file name, builder, interview language)
    ("newcomer.zip", lambda f, i: central_zip(f, i, split=True), "ar"),
    ("kobo-werte.xlsx", lambda f, i: kobo_xlsx(f, i), "en"),
    ("kobo-labels-de.csv", lambda f, i: kobo_csv(f, i, labels="German (de)"), "de"),
    ("kobo-en.xlsx", lambda f, i: kobo_xlsx(f, i, labels="English (en)", groups=False), "uk"),
    ("kobo-ar.xlsx", lambda f, i: kobo_xlsx(f, i, labels="Arabic (ar)", writer="openpyxl"), "fa"),
    ("newcomer-ohne-gruppen.zip", lambda f, i: central_zip(f, i, group_paths=False), "tr"),
]  # fmt: skip


def test_imported_interviews_count_exactly_like_the_same_answers_entered_by_the_guide(survey):
    ctx, web, tablet, bundle = survey
    q = bundle.questionnaire
    form = Form(bundle, metadata=True)
    pairs: dict[str, str] = {}  # instance hash -> the web response with the same answers
    hidden_cells = 0
    for f, (name, build, language) in enumerate(FILES):
        batch = _interviews(12, seed=f + 1)
        for interview, _ in batch:
            # the guide types the same answers into the assisted form
            cleaned, _ = clean_answers(q, interview.answers, interview.consent)
            ref = str(uuid.uuid4())
            ctx.storage.complete_response(
                web, ref, to_rows(q, cleaned), language, "assisted", interview.consent
            )
            pairs[instance_hash(SECRET, interview.instance)] = ref
        data = build(form, [i for i, _ in batch])
        preview = preview_import(ctx.storage, tablet.slug, data, name, language=language)
        plan = preview.plan
        assert len(plan.submissions) == 12, plan.findings
        assert preview.counts()["new"] == 12
        # every answer the questionnaire would not have asked is listed, where it stands
        for (_, hidden), sub in zip(batch, plan.submissions, strict=True):
            assert not set(hidden) & set(sub.answers)
            listed = [f for f in plan.findings if f.row == sub.row]
            assert len(listed) == len(hidden), (name, hidden, [str(f) for f in listed])
            assert all(f.column and ("nicht zu stellen" in f.message or "Einwilligung" in f.message)
                       for f in listed)  # fmt: skip
            hidden_cells += len(hidden)
        assert all(f.kind in ("left_out", "changed") for f in plan.findings)
        outcome = store_import(ctx.storage, preview)
        assert (outcome.added, outcome.replaced, outcome.unchanged) == (12, 0, 0)
    assert hidden_cells > 40

    frame = ctx.storage.answers_frame(ctx.municipality_id)
    with ctx.db.engine.connect() as conn:
        held = dict(
            conn.exec_driver_sql(
                "SELECT instance_hash, response_uuid FROM offline_submission"
            ).all()
        )
    renamed = {held[h]: ref for h, ref in pairs.items()}
    assert len(renamed) == len(pairs) == 72
    offline = frame[frame["campaign"] == "tablet-w1"].copy()
    ours = frame[frame["campaign"] == "web-w1"].copy()
    assert set(offline["mode"]) == {"offline"}
    keys = dict(zip(ours["response_id"], ours["record_key"], strict=False))
    offline["response_id"] = offline["response_id"].map(renamed)
    offline["record_key"] = offline["response_id"].map(keys)
    for part in (offline, ours):
        part["campaign"], part["mode"], part["month"] = "w1", "x", "2026-01"
    columns = ["response_id", "question_id", "item", "value", "text"]
    a = offline.sort_values(columns).reset_index(drop=True)
    b = ours.sort_values(columns).reset_index(drop=True)
    pd.testing.assert_frame_equal(a[b.columns], b)  # the same rows, languages included

    got, want = prepare(a[b.columns]), prepare(b)
    pd.testing.assert_frame_equal(
        needs_results(got, ["language"]), needs_results(want, ["language"])
    )
    pd.testing.assert_frame_equal(barrier_shares(got), barrier_shares(want))
    pd.testing.assert_frame_equal(offer_awareness(got), offer_awareness(want))


def test_a_second_import_adds_nothing_and_an_edit_replaces_the_earlier_version(on_both):
    ctx, _, tablet, bundle = on_both
    form = Form(bundle)
    interviews = [i for i, _ in _interviews(5, seed=9)]
    data = central_zip(form, interviews)
    first = store_import(
        ctx.storage, preview_import(ctx.storage, tablet.slug, data, "n.zip", language="de")
    )
    again = preview_import(ctx.storage, tablet.slug, data, "n.zip", language="de")
    assert again.counts() == {"new": 0, "replace": 0, "known": 5, "deleted": 0}
    second = store_import(ctx.storage, again)
    assert (first.added, second.added, second.unchanged) == (5, 0, 5)
    assert ctx.storage.count_responses(ctx.municipality_id) == 5

    before = ctx.storage.answers_frame(ctx.municipality_id)
    keys = dict(zip(before["response_id"], before["record_key"], strict=False))
    with ctx.db.engine.connect() as conn:
        highest = conn.exec_driver_sql("SELECT max(id) FROM response").scalar()
    # ODK Central: the edited submission keeps its KEY and gets a new instance id
    edited = interviews[2]
    edited.answers = {**edited.answers, "volunteer_interest": "yes", "helps_most": "Ein Kitaplatz"}
    edited.key, edited.instance, edited.edits = edited.instance, f"uuid:{uuid.uuid4()}", 1
    data = central_zip(form, interviews)
    preview = preview_import(ctx.storage, tablet.slug, data, "n.zip", language="de")
    assert preview.counts() == {"new": 0, "replace": 1, "known": 4, "deleted": 0}
    outcome = store_import(ctx.storage, preview)
    assert (outcome.added, outcome.replaced, outcome.unchanged) == (0, 1, 4)
    frame = ctx.storage.answers_frame(ctx.municipality_id)
    assert frame["response_id"].nunique() == 5
    assert "Ein Kitaplatz" in set(frame["text"])
    assert (frame["value"] == "yes").sum() >= 1
    # the same respondent (UUID, record key) in a new row: the dashboard's data version moves
    assert dict(zip(frame["response_id"], frame["record_key"], strict=False)) == keys
    with ctx.db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT max(id) FROM response").scalar() > highest
    # the older export once more: nothing comes back
    old = central_zip(form, [i for i, _ in _interviews(5, seed=9)])
    assert (
        store_import(
            ctx.storage, preview_import(ctx.storage, tablet.slug, old, "n.zip", language="de")
        ).added
        == 0
    )
    assert "Ein Kitaplatz" in set(ctx.storage.answers_frame(ctx.municipality_id)["text"])


def test_a_kobo_edit_names_the_version_it_replaces(on_both):
    ctx, _, tablet, bundle = on_both
    form = Form(bundle)
    interviews = [i for i, _ in _interviews(3, seed=5)]
    store_import(
        ctx.storage,
        preview_import(
            ctx.storage, tablet.slug, kobo_xlsx(form, interviews), "k.xlsx", language="de"
        ),
    )
    edited = interviews[0]
    edited.deprecated, edited.instance = edited.instance, f"uuid:{uuid.uuid4()}"
    edited.answers = {**edited.answers, "helps_most": "Deutschkurs am Abend"}
    preview = preview_import(
        ctx.storage, tablet.slug, kobo_xlsx(form, interviews), "k.xlsx", language="de"
    )
    assert preview.counts()["replace"] == 1
    store_import(ctx.storage, preview)
    frame = ctx.storage.answers_frame(ctx.municipality_id)
    assert frame["response_id"].nunique() == 3
    assert "Deutschkurs am Abend" in set(frame["text"])


def test_no_personal_metadata_reaches_the_database(survey, sqlite_url):
    ctx, _, tablet, bundle = survey
    form = Form(bundle, metadata=True)
    interviews = [i for i, _ in _interviews(4, seed=3)]
    for data, name in (
        (central_zip(form, interviews), "n.zip"),
        (kobo_xlsx(form, interviews), "k.xlsx"),
    ):
        preview = preview_import(ctx.storage, tablet.slug, data, name, language="de")
        listed = " ".join(d.column for d in preview.plan.dropped)
        for column in (
            "start",
            "end",
            "today",
            "deviceid",
            "username",
            "phonenumber",
            "enumerator",
            "gps",
        ):
            assert column in listed
        store_import(ctx.storage, preview)
    ctx.db.dispose()
    dump = "\n".join(sqlite3.connect(sqlite_url.removeprefix("sqlite:///")).iterdump())
    personal = ["Maria Muster", "maria.muster", "+4915112345678", "Xq8LmN2pR7tK4vB9",
                "50.00712", "8.03221", "2026-02-27T", "10:22:33", "Tablet Hallgarten",
                "2026-03-14"]  # fmt: skip
    personal += [i.instance.removeprefix("uuid:") for i in interviews]
    for value in personal:
        assert value not in dump, value
    assert "'offline'" in dump  # the responses are there, with their mode
    assert "'2026-02'" in dump  # the month of the interview (its end), nothing finer


def test_ranking_order_comes_from_the_one_column_and_list_order_is_named(survey):
    ctx, _, _, bundle = survey
    form = Form(bundle)
    ranked = Interview({"top3": ["mobility", "language", "housing"]}, True, "uuid:r-1")
    plan = read_submissions(kobo_xlsx(form, [ranked]), "k.xlsx", bundle)
    assert plan.submissions[0].answers["top3"] == ["mobility", "language", "housing"]
    assert not plan.findings
    # a table with only the 0/1 columns of each option: the order of the list, named
    header, row = central_rows(form, [ranked], split=True)
    keep = [k for k, h in enumerate(header) if h != "priorities-top3"]
    data = csv_bytes([[header[k] for k in keep], [row[k] for k in keep]])
    plan = read_submissions(data, "newcomer.csv", bundle)
    assert plan.submissions[0].answers["top3"] == ["language", "housing", "mobility"]
    column = "priorities-top3/housing"
    letter = get_column_letter(header.index(column))  # one column before it is gone
    assert [(f.kind, f.column) for f in plan.findings] == [("changed", f"{column} ({letter})")]
    assert "Reihenfolge der Liste" in plan.findings[0].message

"""The storage API on SQLite and PostgreSQL: idempotent submit, partial save and resume,
deletion by receipt code, the tidy answers frame, and no lost submissions under load."""

import threading
import uuid

import pytest

from bedarfsradar.db import Database, migrate, rls
from surveys.responses.answers import AnswerRow, clean_answers, to_rows
from surveys.responses.storage import AlreadyComplete, CampaignClosed, code_hash
from tests.conftest import add_municipality

ANSWERS = {
    "stadtteil": "hallgarten",
    "children": "no",
    "need.housing": "5",
    "need.mobility": "4",
    "need.language": "dk",
    "top3": ["housing", "mobility"],
    "barriers": ["distance", "not_known"],
    "helps_most": "Ein Bus am Abend",
}


@pytest.fixture
def campaign(ctx):
    mid = ctx.municipality_id
    version = ctx.storage.latest_version(mid, "newcomer")
    return ctx.storage.create_campaign(mid, "test-w1", "Test", version)


def rows_for(ctx, answers=ANSWERS):
    q = ctx.bundles()["newcomer"].questionnaire
    cleaned, errors = clean_answers(q, answers)
    assert errors == []
    return to_rows(q, cleaned)


def test_same_uuid_submitted_twice_is_stored_once(ctx, campaign):
    rows = rows_for(ctx)
    first = ctx.storage.complete_response(campaign, "u-1", rows, "ar")
    second = ctx.storage.complete_response(campaign, "u-1", rows, "ar")
    assert first.created is True and second.created is False
    assert first.code == second.code
    frame = ctx.storage.answers_frame(ctx.municipality_id)
    assert frame["response_id"].nunique() == 1
    assert len(frame) == len(rows)


def test_answers_frame_is_tidy_long_format(ctx, campaign):
    ctx.storage.complete_response(campaign, "u-2", rows_for(ctx), "fa", mode="assisted")
    frame = ctx.storage.answers_frame(ctx.municipality_id)
    assert list(frame.columns) == [
        "response_id", "campaign", "wave", "audience", "language", "mode",
        "question_id", "item", "value", "text", "record_key", "month",
    ]  # fmt: skip
    frame = frame.astype(object).where(frame.notna(), None)
    by_key = {(r.question_id, r.item): (r.value, r.text) for r in frame.itertuples()}
    assert by_key[("need", "housing")] == ("5", None)
    assert by_key[("need", "language")] == ("dk", None)
    assert by_key[("top3", "1")] == ("housing", None)
    assert by_key[("top3", "2")] == ("mobility", None)
    assert by_key[("helps_most", "")] == (None, "Ein Bus am Abend")
    assert set(frame["language"]) == {"fa"} and set(frame["mode"]) == {"assisted"}
    assert set(frame["audience"]) == {"newcomer"} and set(frame["wave"]) == {1}
    barriers = frame.loc[frame["question_id"] == "barriers", "value"]
    assert sorted(barriers) == ["distance", "not_known"]


def test_answers_frame_gives_each_answer_its_own_responses_columns(ctx, campaign, monkeypatch):
    import surveys.responses.storage

    monkeypatch.setattr(surveys.responses.storage, "_CHUNK", 3)  # several chunks, some without text
    version = ctx.storage.latest_version(ctx.municipality_id, "newcomer")
    second = ctx.storage.create_campaign(ctx.municipality_id, "test-w2", "Test 2", version, wave=2)
    ctx.storage.complete_response(campaign, "fa-1", rows_for(ctx), "fa", mode="assisted")
    ctx.storage.complete_response(second, "ar-2", rows_for(ctx, {"stadtteil": "winkel"}), "ar")
    frame = ctx.storage.answers_frame(ctx.municipality_id)
    assert len(frame) == len(rows_for(ctx)) + 1
    per_response = frame.groupby("response_id")[["campaign", "wave", "language", "mode"]]
    assert per_response.nunique().max().max() == 1  # no answer carries another's columns
    first = per_response.first()
    assert first.loc["fa-1"].tolist() == ["test-w1", 1, "fa", "assisted"]
    assert first.loc["ar-2"].tolist() == ["test-w2", 2, "ar", "online"]
    ar = frame[frame["response_id"] == "ar-2"]
    assert ar[["question_id", "value"]].values.tolist() == [["stadtteil", "winkel"]]
    assert str(frame["text"].dtype) == "str" and frame["text"].notna().sum() == 1
    assert frame["wave"].dtype == "int64" and frame["record_key"].dtype == "int64"
    only = ctx.storage.answers_frame(ctx.municipality_id, campaign_slugs=["test-w2"])
    assert set(only["response_id"]) == {"ar-2"}
    none = ctx.storage.answers_frame(ctx.municipality_id, campaign_slugs=[])
    assert none.empty and list(none.columns) == list(frame.columns)


def test_partial_pages_replace_only_their_questions_and_resume(ctx, campaign):
    s = ctx.storage
    code = s.save_partial(
        campaign, "u-3", [AnswerRow("stadtteil", "", "winkel")], ["stadtteil"], "uk"
    )
    s.save_partial(campaign, "u-3", [AnswerRow("need", "housing", "3")], ["need"], "uk")
    # going back and changing page 1 replaces page 1 only
    s.save_partial(campaign, "u-3", [AnswerRow("stadtteil", "", "oestrich")], ["stadtteil"], "uk")
    assert s.resume(campaign, code) == ("u-3", None)
    rows = s.partial_rows(campaign, "u-3")
    assert set(rows) == set(
        [AnswerRow("stadtteil", "", "oestrich"), AnswerRow("need", "housing", "3")]
    )
    assert s.answers_frame(ctx.municipality_id).empty  # partial answers are not analysed
    assert len(s.answers_frame(ctx.municipality_id, include_partial=True)) == 2
    receipt = s.complete_response(campaign, "u-3", None, "uk")
    assert receipt.created
    assert s.resume(campaign, code) is None  # a submitted response cannot be resumed
    with pytest.raises(AlreadyComplete):
        s.save_partial(campaign, "u-3", [], ["need"], "uk")
    assert len(s.answers_frame(ctx.municipality_id)) == 2


def test_delete_by_receipt_code_removes_response_and_answers(ctx, campaign):
    s = ctx.storage
    keep = s.complete_response(campaign, "u-keep", rows_for(ctx), "de")
    gone = s.complete_response(campaign, "u-gone", rows_for(ctx), "de")
    assert s.delete_by_receipt("WRONG-CODE") is False
    # forgiving input: lower case, spaces instead of the dash
    assert s.delete_by_receipt(gone.code.lower().replace("-", " ")) is True
    assert s.delete_by_receipt(gone.code) is False
    frame = s.answers_frame(ctx.municipality_id)
    assert set(frame["response_id"]) == {"u-keep"}
    assert keep.code != gone.code


def test_codes_are_stored_only_as_hashes(ctx, campaign):
    from sqlalchemy import select

    from bedarfsradar.db.schema import Response

    receipt = ctx.storage.complete_response(campaign, "u-5", rows_for(ctx), "de")
    with ctx.db.read() as s:
        r = s.scalar(select(Response).where(Response.client_uuid == "u-5"))
        assert r.receipt_hash == code_hash(receipt.code)
        stored = [str(getattr(r, c.name)) for c in Response.__table__.columns]
    assert receipt.code not in " ".join(stored)
    assert len(r.month) == 7  # "YYYY-MM", never a timestamp


def test_closed_campaign_refuses_submissions(ctx, campaign):
    ctx.storage.set_campaign_status(campaign.slug, "closed")
    closed = ctx.storage.campaign(campaign.slug)
    with pytest.raises(CampaignClosed):
        ctx.storage.complete_response(closed, "u-6", rows_for(ctx), "de")


def test_a_campaign_closed_after_it_was_read_refuses_the_submission(ctx, campaign):
    """The survey pages reuse a campaign read a moment ago; the submission itself checks
    the status in its own transaction."""
    s = ctx.storage
    s.complete_response(campaign, "u-done", rows_for(ctx), "de")
    s.save_partial(campaign, "u-half", [AnswerRow("stadtteil", "", "winkel")], ["stadtteil"], "de")
    s.set_campaign_status(campaign.slug, "closed")
    assert campaign.status == "open"  # the copy a page still holds
    with pytest.raises(CampaignClosed):
        s.complete_response(campaign, "u-new", rows_for(ctx), "de")
    with pytest.raises(CampaignClosed):
        s.complete_response(campaign, "u-half", rows_for(ctx), "de")
    assert s.response_status("u-new") is None and s.response_status("u-half") == "partial"
    retry = s.complete_response(campaign, "u-done", rows_for(ctx), "de")
    assert retry.created is False  # submitted before closing: the receipt again


def test_questionnaire_versions_are_immutable_and_deduplicated(ctx):
    s, mid = ctx.storage, ctx.municipality_id
    bundle = ctx.bundles()["newcomer"]
    first = s.store_questionnaire_version(mid, bundle)
    assert s.store_questionnaire_version(mid, bundle) == first
    changed = bundle.model_copy(
        update={"questionnaire": bundle.questionnaire.model_copy(update={"version": "2027.1"})}
    )
    second = s.store_questionnaire_version(mid, changed)
    assert second != first
    assert s.questionnaire_bundle(first).content_hash() == bundle.content_hash()
    assert s.questionnaire_bundle(second).questionnaire.version == "2027.1"


def test_concurrent_submissions_on_sqlite_lose_none(sqlite_ctx):
    """50 threads × 10 submissions: every acknowledged submission is stored."""
    ctx = sqlite_ctx
    mid = ctx.municipality_id
    campaign = ctx.storage.create_campaign(
        mid, "load", "Load", ctx.storage.latest_version(mid, "newcomer")
    )
    rows = rows_for(ctx)
    acknowledged: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        for j in range(10):
            client_uuid = str(uuid.UUID(int=i * 1000 + j))
            try:
                ctx.storage.complete_response(campaign, client_uuid, rows, "de")
            except BaseException as exc:
                with lock:
                    failures.append(exc)
                continue
            with lock:
                acknowledged.append(client_uuid)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert len(acknowledged) == 500
    frame = ctx.storage.answers_frame(mid)
    assert set(frame["response_id"]) == set(acknowledged)
    assert len(frame) == 500 * len(rows)


def test_migrations_upgrade_empty_database_to_head_and_back(database_url):
    db = Database.from_url(database_url)
    try:
        assert migrate.current_revision(db) is None
        migrate.upgrade(db)
        assert migrate.is_current(db)
        from sqlalchemy import inspect

        tables = set(inspect(db.engine).get_table_names())
        assert {
            "municipality",
            "questionnaire_version",
            "campaign",
            "response",
            "answer",
            "offer",
            "free_text_code",
            "app_user",
            "audit_log",
        } <= tables
        migrate.downgrade(db, "base")
        assert migrate.current_revision(db) is None
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(db)
        assert migrate.is_current(db)
    finally:
        db.dispose()


def test_schema_matches_migrations(database_url):
    """Autogenerate finds nothing to do: the ORM and the migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from bedarfsradar.db.schema import Base

    db = Database.from_url(database_url)
    try:
        migrate.upgrade(db)
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
    finally:
        db.dispose()


def test_one_municipality_never_reads_another_municipalitys_answers(ctx, campaign):
    s = ctx.storage
    ours = ctx.municipality_id
    other = add_municipality(ctx, "geisenheim", "Geisenheim")
    with rls.town_scope(other):
        version = s.store_questionnaire_version(other, ctx.bundles()["newcomer"])
        theirs = s.create_campaign(other, "gh-w1", "Geisenheim", version)
        receipt = s.complete_response(theirs, "theirs-1", rows_for(ctx), "de")
        assert set(s.answers_frame(other)["response_id"]) == {"theirs-1"}
        assert set(s.response_counts(other)["campaign"]) == {"gh-w1"}
        assert [c.slug for c in s.campaigns(other)] == ["gh-w1"]
    s.complete_response(campaign, "ours-1", rows_for(ctx), "de")
    assert set(s.answers_frame(ours)["response_id"]) == {"ours-1"}
    assert s.count_responses(ours) == 1
    # a receipt code only deletes within its own municipality when one is given
    assert s.delete_by_receipt(receipt.code, ours) is False
    with rls.town_scope(other):
        assert s.delete_by_receipt(receipt.code, other) is True

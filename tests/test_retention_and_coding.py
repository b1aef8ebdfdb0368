"""Retention and purge, free-text coding storage and the purge command, on SQLite and
PostgreSQL."""

import pytest
from sqlalchemy import func, select

from bedarfsradar.audit import entries
from bedarfsradar.cli import main
from bedarfsradar.db.schema import Answer, FreeTextCode, Response
from surveys.free_text.codes import CodingError, codes, free_text_answers, save_code
from surveys.privacy import retention
from tests.conftest import add_municipality
from tests.test_storage import rows_for


@pytest.fixture
def campaign(ctx):
    mid = ctx.municipality_id
    version = ctx.storage.latest_version(mid, "newcomer")
    return ctx.storage.create_campaign(mid, "keep-w1", "Test", version)


def _count(ctx, model):
    with ctx.db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    ("months", "today", "cutoff"),
    [(12, "2027-03", "2026-03"), (1, "2026-01", "2025-12"), (24, "2026-11", "2024-11")],
)
def test_cutoff_is_the_first_month_kept(months, today, cutoff):
    assert retention.cutoff_month(months, today) == cutoff
    with pytest.raises(ValueError):
        retention.cutoff_month(0, today)


def test_retention_period_is_stored_per_municipality_and_can_change(ctx):
    mid = ctx.municipality_id
    assert retention.retention_months(ctx.db, mid) is None
    retention.set_retention_months(ctx.db, mid, 24)
    retention.set_retention_months(ctx.db, mid, 18)
    assert retention.retention_months(ctx.db, mid) == 18
    other = add_municipality(ctx, "geisenheim", "Geisenheim")
    assert retention.retention_months(ctx.db, other) is None
    with pytest.raises(ValueError):
        retention.set_retention_months(ctx.db, mid, 0)


def test_purge_deletes_only_old_responses_with_their_answers_and_codes(ctx, campaign):
    mid, s = ctx.municipality_id, ctx.storage
    rows = rows_for(ctx)
    s.complete_response(campaign, "old-complete", rows, "de", month="2025-01")
    s.save_partial(campaign, "old-partial", rows, [r.question_id for r in rows], "de",
                   month="2025-02")  # fmt: skip
    s.complete_response(campaign, "kept-boundary", rows, "de", month="2025-03")
    s.complete_response(campaign, "kept-new", rows, "de", month="2026-01")
    texts = free_text_answers(ctx.db, mid)
    for answer_id in texts["answer_id"]:
        save_code(ctx.db, mid, int(answer_id), "guide", "mobility")
    assert retention.count_older_than(ctx.db, mid, 12, today_month="2026-03") == 2

    done = retention.purge_older_than(ctx.db, mid, 12, today_month="2026-03")

    assert (done.cutoff, done.responses, done.answers) == ("2025-03", 2, 2 * len(rows))
    assert s.response_status("old-complete") is None and s.response_status("old-partial") is None
    assert s.response_status("kept-boundary") == "complete" == s.response_status("kept-new")
    assert _count(ctx, Answer) == 2 * len(rows)  # answers went with their responses
    assert _count(ctx, FreeTextCode) == 2  # and the codes of those answers
    assert _count(ctx, Response) == 2


def test_coding_keeps_one_code_per_coder_and_answer(ctx, campaign):
    mid = ctx.municipality_id
    ctx.storage.complete_response(campaign, "r1", rows_for(ctx), "de")
    texts = free_text_answers(ctx.db, mid)
    assert texts["text"].tolist() == ["Ein Bus am Abend"]
    answer_id = int(texts["answer_id"].iloc[0])
    save_code(ctx.db, mid, answer_id, "guide", "housing")
    save_code(ctx.db, mid, answer_id, "guide", "mobility", "  Bus   abends ")
    save_code(ctx.db, mid, answer_id, "zweite", None)
    stored = codes(ctx.db, mid).sort_values("coder").to_dict("records")
    assert stored == [
        {"answer_id": answer_id, "coder": "guide", "area": "mobility", "theme": "Bus abends"},
        {"answer_id": answer_id, "coder": "zweite", "area": None, "theme": None},
    ]
    assert len(codes(ctx.db, mid, coder="zweite")) == 1
    with pytest.raises(CodingError):
        save_code(ctx.db, mid, answer_id, "guide", "flying", areas=["mobility"])
    other = add_municipality(ctx, "geisenheim", "Geisenheim")
    with pytest.raises(CodingError):  # an answer of another municipality
        save_code(ctx.db, other, answer_id, "guide", "mobility")
    assert codes(ctx.db, other).empty and free_text_answers(ctx.db, other).empty


def test_deleting_by_receipt_removes_the_codes_of_its_answers(ctx, campaign):
    mid = ctx.municipality_id
    receipt = ctx.storage.complete_response(campaign, "r2", rows_for(ctx), "de")
    answer_id = int(free_text_answers(ctx.db, mid)["answer_id"].iloc[0])
    save_code(ctx.db, mid, answer_id, "guide", "mobility")
    assert ctx.storage.delete_by_receipt(receipt.code, mid)
    assert _count(ctx, FreeTextCode) == 0


def test_purge_command_asks_first_then_deletes_and_audits(ctx, campaign, monkeypatch, capsys):
    from bedarfsradar import cli

    monkeypatch.setattr(cli, "AppContext", lambda: ctx)
    rows = rows_for(ctx)
    ctx.storage.complete_response(campaign, "ancient", rows, "de", month="2001-01")
    ctx.storage.complete_response(campaign, "recent", rows, "de")
    assert main(["purge", "--older-than-months", "12"]) == 2
    assert "1 responses" in capsys.readouterr().out
    assert ctx.storage.response_status("ancient") == "complete"
    assert main(["purge", "--older-than-months", "12", "--yes"]) == 0
    assert ctx.storage.response_status("ancient") is None
    assert ctx.storage.response_status("recent") == "complete"
    entry = entries(ctx.db, ctx.municipality_id).iloc[0]
    assert (entry["actor"], entry["action"], entry["detail"]["responses"]) == ("cli", "purge", 1)
    assert main(["purge"]) == 5  # no retention period set and none given
    retention.set_retention_months(ctx.db, ctx.municipality_id, 12)
    assert main(["purge", "--yes"]) == 0

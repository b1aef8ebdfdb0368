"""Retention period and purge of old responses (GDPR Art. 5(1)(e) storage limitation).

The retention period is a per-municipality setting (table ``setting``, key
:data:`RETENTION_KEY`, value ``{"months": N}``). A purge deletes every response - complete
*and* partial - whose coarse month (``Response.month``, the only time stored) lies more
than ``N`` months before the current month, together with its answers and their
free-text codes. "Older than N months": with N = 12 in 2027-03, responses of 2026-02 and
earlier go, 2026-03 stays (:func:`cutoff_month` is the first month kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import CursorResult, delete, func, select

from bedarfsradar.db.engine import Database
from bedarfsradar.db.schema import Answer, FreeTextCode, Response, Setting
from surveys.responses.storage import current_month

RETENTION_KEY = "retention"
DEFAULT_RETENTION_MONTHS = 24
MAX_RETENTION_MONTHS = 120


@dataclass(frozen=True)
class PurgeResult:
    cutoff: str
    """First month kept ("YYYY-MM"); every response of an earlier month was deleted."""
    responses: int
    answers: int


def shift_month(month: str, months: int) -> str:
    """``"2027-03"`` shifted by ``-12`` -> ``"2026-03"``."""
    year, mon = (int(p) for p in month.split("-"))
    index = year * 12 + (mon - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def cutoff_month(older_than_months: int, today_month: str | None = None) -> str:
    """The first month a purge with ``older_than_months`` keeps (see module docstring)."""
    if older_than_months < 1:
        raise ValueError("retention must be at least one month")
    return shift_month(today_month or current_month(), -older_than_months)


def retention_months(db: Database, municipality_id: int) -> int | None:
    """The stored retention period in months, or None when none has been set."""
    with db.read() as s:
        value = s.scalar(
            select(Setting.value).where(
                Setting.municipality_id == municipality_id, Setting.key == RETENTION_KEY
            )
        )
    return int(value["months"]) if value and "months" in value else None


def set_retention_months(db: Database, municipality_id: int, months: int) -> None:
    if not 1 <= months <= MAX_RETENTION_MONTHS:
        raise ValueError(f"retention must be 1 to {MAX_RETENTION_MONTHS} months")
    with db.write() as s:
        found = s.scalar(
            select(Setting).where(
                Setting.municipality_id == municipality_id, Setting.key == RETENTION_KEY
            )
        )
        value = {"months": int(months)}
        if found is None:
            s.add(Setting(municipality_id=municipality_id, key=RETENTION_KEY, value=value))
        else:
            found.value = value


def _old(municipality_id: int, cutoff: str):  # type: ignore[no-untyped-def]
    return select(Response.id).where(
        Response.municipality_id == municipality_id, Response.month < cutoff
    )


def count_older_than(
    db: Database, municipality_id: int, older_than_months: int, today_month: str | None = None
) -> int:
    """How many responses (complete and partial) a purge would delete now."""
    cutoff = cutoff_month(older_than_months, today_month)
    stmt = select(func.count()).select_from(_old(municipality_id, cutoff).subquery())
    with db.read() as s:
        return int(s.scalar(stmt) or 0)


def purge_older_than(
    db: Database, municipality_id: int, older_than_months: int, today_month: str | None = None
) -> PurgeResult:
    """Delete responses older than ``older_than_months`` with their answers and codes, in
    one write transaction (explicit deletes, so no engine relies on FK cascades)."""
    cutoff = cutoff_month(older_than_months, today_month)
    old = _old(municipality_id, cutoff)
    old_answers = select(Answer.id).where(Answer.response_id.in_(old))
    with db.write() as s:
        s.execute(delete(FreeTextCode).where(FreeTextCode.answer_id.in_(old_answers)))
        answers = cast(CursorResult, s.execute(delete(Answer).where(Answer.response_id.in_(old))))
        responses = cast(
            CursorResult,
            s.execute(
                delete(Response).where(
                    Response.municipality_id == municipality_id, Response.month < cutoff
                )
            ),
        )
    return PurgeResult(cutoff, int(responses.rowcount or 0), int(answers.rowcount or 0))

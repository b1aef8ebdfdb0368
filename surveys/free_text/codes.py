"""Free-text answers and the guide's codes for them (table ``free_text_code``).

One code per (answer, coder): saving again replaces the coder's earlier code, so a second
coder's code sits beside the first's for the agreement
(:func:`analysis.coding.coder_agreement`). Reading raw free text is a guide/admin action;
the dashboard records every view in the audit log (this module does no I/O besides the
database). Every query is limited to one municipality.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import delete, select

from bedarfsradar.db.engine import Database
from bedarfsradar.db.schema import Answer, Campaign, FreeTextCode, QuestionnaireVersion, Response

FREE_TEXT_COLUMNS = ["answer_id", "campaign", "wave", "audience", "language", "question_id",
                     "text", "record_key"]  # fmt: skip
CODE_COLUMNS = ["answer_id", "coder", "area", "theme"]
MAX_THEME = 100


class CodingError(ValueError):
    """A code that cannot be stored (unknown answer, bad area, theme too long)."""


def free_text_answers(
    db: Database, municipality_id: int, campaign_slugs: Sequence[str] | None = None
) -> pd.DataFrame:
    """Non-empty free texts of complete responses, oldest first (:data:`FREE_TEXT_COLUMNS`)."""
    stmt = (
        select(
            Answer.id,
            Campaign.slug,
            Campaign.wave,
            QuestionnaireVersion.audience,
            Response.language,
            Answer.question_id,
            Answer.text,
            Response.record_key,
        )
        .join(Response, Response.id == Answer.response_id)
        .join(Campaign, Campaign.id == Response.campaign_id)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Campaign.questionnaire_version_id)
        .where(
            Response.municipality_id == municipality_id,
            Response.status == "complete",
            Answer.text.is_not(None),
            Answer.text != "",
        )
        .order_by(Answer.id)
    )
    if campaign_slugs:
        stmt = stmt.where(Campaign.slug.in_(list(campaign_slugs)))
    with db.read() as s:
        rows = s.execute(stmt).all()
    return pd.DataFrame(rows, columns=FREE_TEXT_COLUMNS)


def _answer_in_municipality(municipality_id: int, answer_id: int):  # type: ignore[no-untyped-def]
    return (
        select(Answer.id)
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.id == answer_id, Response.municipality_id == municipality_id)
    )


def save_code(
    db: Database,
    municipality_id: int,
    answer_id: int,
    coder: str,
    area: str | None,
    theme: str | None = None,
    areas: Sequence[str] | None = None,
) -> None:
    """Store ``coder``'s code of one answer (replacing their earlier one). ``area`` None =
    "no need area"; ``areas`` (optional) are the valid area codes."""
    theme = " ".join((theme or "").split()) or None
    if theme is not None and len(theme) > MAX_THEME:
        raise CodingError(f"theme longer than {MAX_THEME} characters")
    if area is not None and areas is not None and area not in areas:
        raise CodingError(f"unknown need area {area!r}")
    with db.write() as s:
        if s.scalar(_answer_in_municipality(municipality_id, answer_id)) is None:
            raise CodingError(f"no free-text answer {answer_id}")
        s.execute(
            delete(FreeTextCode).where(
                FreeTextCode.answer_id == answer_id, FreeTextCode.coder == coder
            )
        )
        s.add(FreeTextCode(municipality_id=municipality_id, answer_id=answer_id, coder=coder,
                           area=area, theme=theme))  # fmt: skip


def codes(db: Database, municipality_id: int, coder: str | None = None) -> pd.DataFrame:
    """Stored codes (:data:`CODE_COLUMNS`), optionally of one coder, in coding order."""
    stmt = (
        select(FreeTextCode.answer_id, FreeTextCode.coder, FreeTextCode.area, FreeTextCode.theme)
        .join(Answer, Answer.id == FreeTextCode.answer_id)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.municipality_id == municipality_id)
        .order_by(FreeTextCode.id)
    )
    if coder is not None:
        stmt = stmt.where(FreeTextCode.coder == coder)
    with db.read() as s:
        rows = s.execute(stmt).all()
    frame = pd.DataFrame(rows, columns=CODE_COLUMNS)
    for col in ("area", "theme"):  # None, never NaN: "no area" is a code
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame

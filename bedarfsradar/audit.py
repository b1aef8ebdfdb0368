"""The audit log: append-only record of logins, exports, raw-data views, deletions and
user changes. Never stores respondents' answers; ``detail`` holds names and counts."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import select

from bedarfsradar.db import Database
from bedarfsradar.db.schema import AuditLog


def record(db: Database, municipality_id: int, actor: str, action: str, **detail: Any) -> None:
    with db.write() as s:
        s.add(AuditLog(municipality_id=municipality_id, actor=actor, action=action, detail=detail))


def entries(
    db: Database, municipality_id: int, limit: int = 500, actor: str | None = None
) -> pd.DataFrame:
    """Newest first: columns at, actor, action, detail; ``actor``: only that user's."""
    stmt = select(AuditLog.at, AuditLog.actor, AuditLog.action, AuditLog.detail).where(
        AuditLog.municipality_id == municipality_id
    )
    if actor is not None:
        stmt = stmt.where(AuditLog.actor == actor)
    stmt = stmt.order_by(AuditLog.id.desc()).limit(limit)
    with db.read() as s:
        rows = s.execute(stmt).all()
    return pd.DataFrame(rows, columns=["at", "actor", "action", "detail"])

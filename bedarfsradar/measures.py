"""The measures store: proposed measures and the report's contact person, per municipality.

The guide edits measures on the dashboard page "Maßnahmen"; every create, change and
delete is written to the audit log in the same transaction, with the fields that changed
(old and new value), so "who changed what and when" can be read back. Inputs are checked
by :func:`reports.measures.validate` (German messages, :class:`MeasureError`); a failed
check changes nothing. The contact person of the closing slide is a ``setting`` row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select

from bedarfsradar.db import Database
from bedarfsradar.db.schema import AuditLog, Measure, Setting
from reports.measures import Contact, MeasureError, MeasureSpec, load_seed, validate

CONTACT_KEY = "report_contact"
FIELDS = tuple(MeasureSpec.model_fields)


@dataclass(frozen=True)
class StoredMeasure:
    id: int
    spec: MeasureSpec
    updated_at: datetime | None
    updated_by: str


def _spec(row: Measure) -> MeasureSpec:
    return MeasureSpec.model_construct(**{f: getattr(row, f) for f in FIELDS})


def _find(s: Any, municipality_id: int, measure_id: int) -> Measure | None:
    stmt = select(Measure).where(
        Measure.id == measure_id, Measure.municipality_id == municipality_id
    )
    return s.scalars(stmt).first()


def list_measures(db: Database, municipality_id: int) -> list[StoredMeasure]:
    """All measures of the municipality, in their order (position, then id)."""
    stmt = (
        select(Measure)
        .where(Measure.municipality_id == municipality_id)
        .order_by(Measure.position, Measure.id)
    )
    with db.read() as s:
        return [StoredMeasure(r.id, _spec(r), r.updated_at, r.updated_by) for r in s.scalars(stmt)]


def save_measure(
    db: Database,
    municipality_id: int,
    actor: str,
    data: dict[str, Any],
    measure_id: int | None = None,
) -> int:
    """Create (``measure_id`` None) or change a measure; returns its id. Raises
    :class:`MeasureError` for invalid input or an unknown id (nothing is written then)."""
    spec = validate(data)
    values = spec.model_dump()
    with db.write() as s:
        if measure_id is None:
            row = Measure(municipality_id=municipality_id, updated_by=actor, **values)
            s.add(row)
            s.flush()
            s.add(
                AuditLog(
                    municipality_id=municipality_id,
                    actor=actor,
                    action="measure.create",
                    detail={"id": row.id, "title": spec.title},
                )
            )
            return row.id
        found = _find(s, municipality_id, measure_id)
        if found is None:
            raise MeasureError(f"Die Maßnahme Nr. {measure_id} gibt es nicht (mehr).")
        changes = {f: [getattr(found, f), v] for f, v in values.items() if getattr(found, f) != v}
        if not changes:
            return found.id
        for f, (_old, new) in changes.items():
            setattr(found, f, new)
        found.updated_by = actor
        found.updated_at = func.now()
        s.add(
            AuditLog(
                municipality_id=municipality_id,
                actor=actor,
                action="measure.update",
                detail={"id": found.id, "title": spec.title, "changes": changes},
            )
        )
        return found.id


def delete_measure(db: Database, municipality_id: int, actor: str, measure_id: int) -> bool:
    """Delete a measure; False when it does not exist. The audit entry keeps its title."""
    with db.write() as s:
        found = _find(s, municipality_id, measure_id)
        if found is None:
            return False
        title = found.title
        s.execute(delete(Measure).where(Measure.id == measure_id))
        s.add(
            AuditLog(
                municipality_id=municipality_id,
                actor=actor,
                action="measure.delete",
                detail={"id": measure_id, "title": title},
            )
        )
        return True


def contact(db: Database, municipality_id: int) -> Contact | None:
    with db.read() as s:
        value = s.scalar(
            select(Setting.value).where(
                Setting.municipality_id == municipality_id, Setting.key == CONTACT_KEY
            )
        )
    return Contact.model_validate(value) if value else None


def set_contact(db: Database, municipality_id: int, actor: str, data: dict[str, Any]) -> None:
    """Store the contact person; raises :class:`MeasureError` (German) for invalid input."""
    from pydantic import ValidationError

    try:
        value = Contact.model_validate(data).model_dump()
    except ValidationError as exc:
        from reports.measures import german_error

        raise MeasureError(german_error(exc)) from exc
    with db.write() as s:
        found = s.scalars(
            select(Setting).where(
                Setting.municipality_id == municipality_id, Setting.key == CONTACT_KEY
            )
        ).first()
        if found is None:
            s.add(Setting(municipality_id=municipality_id, key=CONTACT_KEY, value=value))
        else:
            found.value = value
        s.add(
            AuditLog(
                municipality_id=municipality_id,
                actor=actor,
                action="report_contact.update",
                detail=value,
            )
        )


def seed(db: Database, municipality_id: int, path: Path, actor: str = "demo") -> int:
    """Load the demo seed (``data/measures.yaml``) when the municipality has no measures
    and no contact yet; returns the number of measures added."""
    data = load_seed(path)
    added = 0
    if not list_measures(db, municipality_id):
        for spec in data.measures:
            save_measure(db, municipality_id, actor, spec.model_dump())
            added += 1
    if data.contact is not None and contact(db, municipality_id) is None:
        set_contact(db, municipality_id, actor, data.contact.model_dump())
    return added

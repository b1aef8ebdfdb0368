"""Proposed measures for the council's decision: the model, its checks and the demo seed.

A measure is what the Stadtrat decides on: a title, why (the finding it answers), the
estimated cost and who pays it (funding source), who leads it (Federführung), when it
runs, and how success is measured — an indicator the next survey wave measures again,
optionally linked to a row of the results table (``indicator_ref``) so the deck shows
today's value beside the target.

The guide edits measures in the dashboard (page "Maßnahmen"); they are stored in the
database with every change in the audit log (:mod:`bedarfsradar.measures`). The YAML file
``data/measures.yaml`` only seeds the demo. Validation errors are German sentences that
name the field, because the guide reads them in the dashboard.

``indicator_ref`` format: ``indicator``, ``indicator/level`` or
``indicator/level/group_var=group``, e.g. ``need_prevalence/mobility/stadtteil=hallgarten``,
``barrier_share/not_known`` or ``vol_continue_12m`` (an indicator without levels).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

MAX_ON_DECK = 5
REF = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]*)?(/[a-z0-9_]+=[a-z0-9_\-]+)?$")
FIELD_LABELS = {
    "title": "Titel",
    "rationale": "Begründung",
    "cost_eur": "Geschätzte Kosten",
    "cost_note": "Kostenhinweis",
    "funding": "Finanzierung",
    "lead": "Federführung",
    "timeline": "Zeitplan",
    "indicator": "Erfolgsindikator",
    "indicator_ref": "Bezug in der Ergebnistabelle",
    "target": "Zielwert",
    "position": "Reihenfolge",
    "active": "Im Bericht",
    "adopted_on": "Beschlossen am",
}


class MeasureError(ValueError):
    """A measure or the seed file is invalid; the message is German and names the field."""


class MeasureSpec(BaseModel):
    """One proposed measure (see module docstring)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=3, max_length=120)
    rationale: str = Field(default="", max_length=300)
    cost_eur: int | None = Field(default=None, ge=0, le=10_000_000)
    cost_note: str = Field(default="", max_length=60)
    funding: str = Field(min_length=2, max_length=160)
    lead: str = Field(min_length=2, max_length=120)
    timeline: str = Field(min_length=2, max_length=120)
    indicator: str = Field(min_length=3, max_length=200)
    indicator_ref: str = Field(default="", max_length=120)
    target: str = Field(default="", max_length=120)
    position: int = Field(default=0, ge=0, le=999)
    active: bool = True
    adopted_on: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    """The day the council adopted it (ISO date); None: proposed only (the Land's
    indicator sheet counts both)."""

    @field_validator("indicator_ref")
    @classmethod
    def _ref_format(cls, v: str) -> str:
        if v and not REF.match(v):
            raise ValueError("Format: indicator/level oder indicator/level/gruppe=wert")
        return v


def german_error(exc: ValidationError) -> str:
    """The first validation problem as one German sentence."""
    first = exc.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else ""
    label = FIELD_LABELS.get(field, field)
    kind = first["type"]
    ctx: dict[str, Any] = dict(first.get("ctx") or {})
    if kind == "string_too_short":
        return f"„{label}“ ist zu kurz (mindestens {ctx.get('min_length')} Zeichen)."
    if kind == "string_too_long":
        return f"„{label}“ ist zu lang (höchstens {ctx.get('max_length')} Zeichen)."
    if kind in ("missing",):
        return f"„{label}“ fehlt."
    if kind in ("greater_than_equal", "less_than_equal", "int_parsing", "int_from_float"):
        return f"„{label}“ muss eine ganze Zahl zwischen 0 und 10.000.000 sein."
    if kind == "extra_forbidden":
        return f"Unbekanntes Feld „{field}“."
    if kind == "value_error":
        return f"„{label}“: {str(first['msg']).removeprefix('Value error, ')}."
    return f"„{label}“ ist ungültig."


def validate(data: dict[str, Any]) -> MeasureSpec:
    """A checked measure; raises :class:`MeasureError` with a German message."""
    try:
        return MeasureSpec.model_validate(data)
    except ValidationError as exc:
        raise MeasureError(german_error(exc)) from exc


class Contact(BaseModel):
    """Who answers questions about the report (closing slide)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=120)
    role: str = Field(default="", max_length=160)
    unit: str = Field(default="", max_length=160)
    phone: str = Field(default="", max_length=60)
    email: str = Field(default="", max_length=120)


class Seed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contact: Contact | None = None
    measures: list[MeasureSpec] = Field(default_factory=list)


def load_seed(path: Path) -> Seed:
    """Read ``data/measures.yaml`` (demo seed); raises :class:`MeasureError`."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MeasureError(f"{path.name}: kann nicht gelesen werden ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise MeasureError(f"{path.name}: kein gültiges YAML ({exc})") from exc
    if not isinstance(raw, dict):
        raise MeasureError(f"{path.name}: erwartet „measures:“ und „contact:“")
    try:
        return Seed.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise MeasureError(f"{path.name}: {where}: {first['msg']}") from exc

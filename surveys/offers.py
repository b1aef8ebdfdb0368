"""The catalogue of existing local offers: model, YAML loader and storage.

The supply-gap analysis compares need prevalence with these offers, so every field that
decides whether an offer is *accessible* to someone (Stadtteil, language, time, cost,
childcare) is structured, not free text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select

from bedarfsradar.db.engine import Database
from bedarfsradar.db.schema import Offer
from surveys.loader import Problem, QuestionnaireError, read_yaml

OFFER_COLUMNS = [
    "offer_id",
    "key",
    "name",
    "provider",
    "areas",
    "stadtteil",
    "languages",
    "times",
    "cost",
    "childcare",
    "accessible",
    "contact",
    "since",
    "active",
    "is_example",
]
Time = Literal["morning", "afternoon", "evening", "weekend"]


class OfferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9\-_]*$", max_length=64)
    name: str = Field(min_length=1, max_length=200)
    provider: str | None = Field(default=None, max_length=200)
    areas: list[str] = Field(min_length=1)
    stadtteil: str
    languages: list[str] = Field(default_factory=lambda: ["de"])
    times: list[Time] = Field(default_factory=list)
    cost: Literal["free", "low", "fee"] = "free"
    childcare: bool = False
    accessible: bool = False
    contact: str | None = Field(default=None, max_length=300)
    since: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}$")
    active: bool = True


def load_offers(
    path: Path, area_codes: set[str], stadtteile: set[str]
) -> tuple[list[OfferIn], bool]:
    """Offers from YAML and whether the file is marked as example data."""
    raw = read_yaml(path)
    name = path.name
    if not isinstance(raw, dict) or not isinstance(raw.get("offers"), list):
        raise QuestionnaireError([Problem(name, "offers", "expected a list of offers")])
    offers: list[OfferIn] = []
    problems: list[Problem] = []
    keys: set[str] = set()
    for i, item in enumerate(raw["offers"]):
        path_i = f"offers[{i}]" + (f" ({item.get('key')})" if isinstance(item, dict) else "")
        try:
            offer = OfferIn.model_validate(item)
        except ValidationError as exc:
            problems += [
                Problem(name, f"{path_i}.{'.'.join(map(str, e['loc']))}", e["msg"])
                for e in exc.errors()
            ]
            continue
        if offer.key in keys:
            problems.append(Problem(name, path_i, f"duplicate key {offer.key!r}"))
        keys.add(offer.key)
        unknown = [a for a in offer.areas if a not in area_codes]
        if unknown:
            problems.append(Problem(name, f"{path_i}.areas", f"unknown need area(s) {unknown}"))
        if offer.stadtteil not in stadtteile | {"all", "online"}:
            problems.append(
                Problem(name, f"{path_i}.stadtteil", f"unknown Stadtteil {offer.stadtteil!r}")
            )
        offers.append(offer)
    if problems:
        raise QuestionnaireError(problems)
    return offers, bool(raw.get("example_data"))


def add_offers(db: Database, municipality_id: int, offers: list[OfferIn], is_example: bool) -> int:
    """Insert offers whose key is new; existing keys are left as the guide edited them."""
    with db.write() as s:
        existing = set(s.scalars(select(Offer.key).where(Offer.municipality_id == municipality_id)))
        new = [o for o in offers if o.key not in existing]
        s.add_all(
            Offer(municipality_id=municipality_id, is_example=is_example, **o.model_dump())
            for o in new
        )
        return len(new)


def offers_frame(db: Database, municipality_id: int, active_only: bool = False) -> pd.DataFrame:
    stmt = select(Offer).where(Offer.municipality_id == municipality_id).order_by(Offer.name)
    if active_only:
        stmt = stmt.where(Offer.active.is_(True))
    with db.read() as s:
        rows = [
            [
                o.id,
                o.key,
                o.name,
                o.provider,
                list(o.areas),
                o.stadtteil,
                list(o.languages),
                list(o.times),
                o.cost,
                o.childcare,
                o.accessible,
                o.contact,
                o.since,
                o.active,
                o.is_example,
            ]
            for o in s.scalars(stmt)
        ]
    return pd.DataFrame(rows, columns=OFFER_COLUMNS)

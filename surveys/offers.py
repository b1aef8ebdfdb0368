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
from surveys.questionnaire.loader import Problem, QuestionnaireError, read_yaml

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


# -- editing by the guide (dashboard) ------------------------------------------------------
LIST_FIELDS = ("areas", "languages", "times")
MAX_IMPORT_BYTES = 1_000_000
MAX_IMPORT_ROWS = 2_000


def check_offer(offer: OfferIn, area_codes: set[str], stadtteile: set[str]) -> list[str]:
    """Problems with codes the model cannot know (need areas, Stadtteile)."""
    problems = []
    unknown = [a for a in offer.areas if a not in area_codes]
    if unknown:
        problems.append(f"unbekannte Bedarfsfelder {unknown}")
    if offer.stadtteil not in stadtteile | {"all", "online"}:
        problems.append(f"unbekannter Stadtteil {offer.stadtteil!r}")
    return problems


def create_offer(db: Database, municipality_id: int, offer: OfferIn) -> int:
    """Insert one offer; raises ValueError when its key exists already."""
    with db.write() as s:
        exists = s.scalar(
            select(Offer.id).where(Offer.municipality_id == municipality_id, Offer.key == offer.key)
        )
        if exists is not None:
            raise ValueError(f"Ein Angebot mit dem Schlüssel {offer.key!r} gibt es schon.")
        row = Offer(municipality_id=municipality_id, is_example=False, **offer.model_dump())
        s.add(row)
        s.flush()
        return row.id


def update_offer(db: Database, municipality_id: int, offer_id: int, offer: OfferIn) -> None:
    """Replace every field of an offer (the key stays); an edited example is real data."""
    with db.write() as s:
        row = s.scalar(
            select(Offer).where(Offer.municipality_id == municipality_id, Offer.id == offer_id)
        )
        if row is None:
            raise LookupError(f"offer {offer_id} not found")
        for name, value in offer.model_dump(exclude={"key"}).items():
            setattr(row, name, value)
        row.is_example = False


def set_offer_active(db: Database, municipality_id: int, offer_id: int, active: bool) -> None:
    """Deactivate (or reactivate) an offer; offers are never deleted, only deactivated."""
    with db.write() as s:
        row = s.scalar(
            select(Offer).where(Offer.municipality_id == municipality_id, Offer.id == offer_id)
        )
        if row is None:
            raise LookupError(f"offer {offer_id} not found")
        row.active = active


def _split(value: object) -> list[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return [part.strip() for part in str(value).replace(",", ";").split(";") if part.strip()]


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "ja", "yes", "x", "wahr"}


def offers_from_table(
    table: pd.DataFrame, area_codes: set[str], stadtteile: set[str]
) -> list[OfferIn]:
    """Offers from an uploaded table (CSV/XLSX read as text): one row per offer, columns as
    in :class:`OfferIn`; list columns (areas, languages, times) separated by ";".

    The table is accepted whole or not at all: every problem is collected and a
    :class:`QuestionnaireError` lists them with their row numbers (as in the spreadsheet,
    header = row 1)."""
    problems: list[Problem] = []
    if len(table) > MAX_IMPORT_ROWS:
        raise QuestionnaireError([Problem("Tabelle", "", f"mehr als {MAX_IMPORT_ROWS} Zeilen")])
    known = set(OfferIn.model_fields)
    extra = [c for c in table.columns if str(c).strip() not in known]
    if extra:
        problems.append(Problem("Tabelle", "Spalten", f"unbekannte Spalten {extra}"))
    offers: list[OfferIn] = []
    keys: set[str] = set()
    for i, raw in enumerate(table.to_dict("records"), start=2):
        item: dict[str, object] = {}
        for column, value in raw.items():
            name = str(column).strip()
            if name not in known or value is None or (isinstance(value, float) and pd.isna(value)):
                continue
            if isinstance(value, str) and not value.strip():
                continue
            if name in LIST_FIELDS:
                item[name] = _split(value)
            elif name in ("childcare", "accessible", "active"):
                item[name] = _flag(value)
            else:
                item[name] = str(value).strip()
        try:
            offer = OfferIn.model_validate(item)
        except ValidationError as exc:
            problems += [Problem("Tabelle", f"Zeile {i}, {'.'.join(map(str, e['loc']))}",
                                 e["msg"]) for e in exc.errors()]  # fmt: skip
            continue
        if offer.key in keys:
            problems.append(Problem("Tabelle", f"Zeile {i}", f"Schlüssel {offer.key!r} doppelt"))
        keys.add(offer.key)
        problems += [Problem("Tabelle", f"Zeile {i}", p)
                     for p in check_offer(offer, area_codes, stadtteile)]  # fmt: skip
        offers.append(offer)
    if problems:
        raise QuestionnaireError(problems)
    return offers


def import_offers(db: Database, municipality_id: int, offers: list[OfferIn]) -> tuple[int, int]:
    """Insert new keys and update existing ones, in one transaction: (added, updated)."""
    added = updated = 0
    with db.write() as s:
        existing = {
            o.key: o
            for o in s.scalars(select(Offer).where(Offer.municipality_id == municipality_id))
        }
        for offer in offers:
            row = existing.get(offer.key)
            if row is None:
                s.add(
                    Offer(municipality_id=municipality_id, is_example=False, **offer.model_dump())
                )
                added += 1
            else:
                for name, value in offer.model_dump(exclude={"key"}).items():
                    setattr(row, name, value)
                row.is_example = False
                updated += 1
    return added, updated


def read_offer_upload(filename: str, content: bytes) -> pd.DataFrame:
    """An uploaded CSV (UTF-8, ";" or "," separated) or XLSX file as a table of text.

    Raises QuestionnaireError for files over :data:`MAX_IMPORT_BYTES`, other formats or
    unreadable content (nothing is imported then)."""
    import io

    def fail(message: str) -> QuestionnaireError:
        return QuestionnaireError([Problem(filename, "", message)])

    if len(content) > MAX_IMPORT_BYTES:
        raise fail(f"Datei größer als {MAX_IMPORT_BYTES // 1_000_000} MB")
    name = filename.lower()
    try:
        if name.endswith(".csv"):
            text = content.decode("utf-8-sig")
            return pd.read_csv(io.StringIO(text), sep=None, engine="python", dtype=str,
                               keep_default_na=False)  # fmt: skip
        if name.endswith(".xlsx"):
            return pd.read_excel(io.BytesIO(content), dtype=str, engine="openpyxl",
                                 keep_default_na=False)  # fmt: skip
    except (UnicodeDecodeError, ValueError, KeyError, OSError) as exc:
        raise fail(f"Datei nicht lesbar ({type(exc).__name__})") from exc
    except Exception as exc:  # openpyxl raises many types for broken archives
        raise fail(f"Datei nicht lesbar ({type(exc).__name__})") from exc
    raise fail("nur .csv oder .xlsx")

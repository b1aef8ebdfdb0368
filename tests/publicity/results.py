"""Helpers for the results-page tests: a demo town with its own copy of ``data/`` (so a
test may review translations through the workbook without touching the repository), the
interpreter's review done the way an interpreter does it, and reading a page's tables
the way a reader does (from the rendered HTML)."""

from __future__ import annotations

import re
import shutil
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import lxml.html
from openpyxl import load_workbook

from bedarfsradar.context import AppContext, load_demo
from bedarfsradar.settings import Settings
from tests.conftest import DATA_DIR

REVIEWER = "Muttersprachliche Prüfung (Integrationsbüro)"
ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069\u200e\u200f"), None)


def demo_town(tmp: Path, secret: str = "results-test") -> AppContext:
    """The demo (wave 1 released, its public page on) with a private copy of ``data/``."""
    data = tmp / "data"
    shutil.copytree(DATA_DIR, data)
    ctx = AppContext(
        Settings(database_url=f"sqlite:///{tmp / 'town.db'}", data_dir=data, secret_key=secret)
    )
    load_demo(ctx)
    return ctx


def review(ctx: AppContext, languages: list[str], tmp: Path) -> None:
    """An interpreter gets the newcomer workbook, marks every translated row of
    ``languages`` reviewed (with the role, as the workbook asks) and returns it; the
    guide imports it (the function behind ``translations import --yes``)."""
    from bedarfsradar.cli_translations import (
        plan_workbook,
        questionnaire_bundle,
        result_texts_for,
        write_import,
    )
    from surveys.translations.status import load_ui_string_sets
    from surveys.translations.workbook import write_workbook

    path = tmp / f"review-{'-'.join(languages)}.xlsx"
    write_workbook(
        path,
        questionnaire_bundle(ctx, "newcomer"),
        ctx.ui_text.strings["de"],
        load_ui_string_sets(ctx.settings.data_dir / "ui"),
        languages,
        results=result_texts_for(ctx, "newcomer"),
    )
    wb = load_workbook(path)
    for code in languages:
        for row in wb[code].iter_rows(min_row=2):
            if row[3].value:  # translated: the interpreter checked it
                row[4].value, row[5].value = "reviewed", REVIEWER
    wb.save(path)
    bundle, plan = plan_workbook(ctx, path, "newcomer")
    assert plan.ok, [str(p) for p in plan.errors]
    write_import(ctx, bundle, plan)


def points(share: float) -> int:
    """Whole percentage points, half to even from the decimal text (as the pages round)."""
    return int(Decimal(str(share)).scaleb(2).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def text_of(element: lxml.html.HtmlElement) -> str:
    """What a reader reads (bidi isolates removed)."""
    return " ".join(element.text_content().translate(ISOLATES).split())


def tables(html: str) -> dict[str, list[list[str]]]:
    """Every table of a page by its caption: rows of cell texts (header row first)."""
    doc = lxml.html.fromstring(html)
    out = {}
    for table in doc.iter("table"):
        caption = table.find("caption")
        rows = [[text_of(c) for c in tr if c.tag in ("th", "td")] for tr in table.iter("tr")]
        out[text_of(caption) if caption is not None else ""] = rows
    return out


def numbers(text: str) -> list[int]:
    """The whole numbers in a text, in reading order ("1.234" is one number)."""
    return [int(n.replace(".", "").replace(",", "")) for n in re.findall(r"\d[\d.,]*\d|\d", text)]

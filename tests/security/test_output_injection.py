"""Injection payloads through every output: free-text answers, imported offers (the
dashboard's CSV upload path) and questionnaire texts (XLSForm import) come back as plain
text in the dashboard, neutralised in CSV/XLSX exports (no cell starts a formula),
literal in the Stadtrat deck (PPTX, also its embedded chart workbooks) and in the PDF.
The survey's own free-text fields are covered by ``tests/reliability/test_injection.py``."""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from pathlib import Path

import openpyxl
import pytest
from markupsafe import escape
from pptx import Presentation
from pypdf import PdfReader
from sqlalchemy import update
from starlette.applications import Starlette

from analysis.export import FORMULA_PREFIXES, to_csv_bytes, to_xlsx_bytes
from bedarfsradar import PROJECT_ROOT
from bedarfsradar.context import load_demo
from bedarfsradar.db.schema import Campaign
from bedarfsradar.server import routes
from surveys.offers import import_offers, offers_from_table, read_offer_upload
from surveys.questionnaire.codebook import codebook
from surveys.responses.answers import AnswerRow
from surveys.xlsform import XLSFormError, read_xlsform, write_xlsform
from tests.conftest import make_context
from tests.dashboard.conftest import run_page
from tests.dashboard.downloads import media_store, payload  # noqa: F401 - fixture
from tests.test_survey import Respondent

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://x","y")',
    "'; DROP TABLE answer; --",
    "+1+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]
HTML = [p for p in PAYLOADS if p.startswith(("<", '"'))]
TITLE = '=HYPERLINK("http://x","y") <script>alert(1)</script>'


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory):
    """The demo town with every payload as a free-text answer, as an imported offer (name,
    provider, contact) and in the title of the wave the report is about."""
    tmp = tmp_path_factory.mktemp("inject")
    ctx = make_context(f"sqlite:///{tmp / 'i.db'}")
    load_demo(ctx)
    campaign = ctx.storage.campaign("zugewanderte-w2")
    for text in PAYLOADS:
        rows = [AnswerRow("stadtteil", value="winkel"), AnswerRow("helps_most", text=text)]
        ctx.storage.complete_response(campaign, str(uuid.uuid4()), rows, "de")
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(["key", "name", "provider", "areas", "stadtteil", "contact"])
    for i, text in enumerate(PAYLOADS):
        writer.writerow([f"evil-{i}", text, text, "housing", "winkel", text])
    table = read_offer_upload("angebote.csv", buf.getvalue().encode())
    offers = offers_from_table(table, {a.code for a in ctx.taxonomy}, set(ctx.geography.stadtteile))
    assert import_offers(ctx.db, ctx.municipality_id, offers) == (len(PAYLOADS), 0)
    with ctx.db.write() as s:
        s.execute(update(Campaign).where(Campaign.slug.like("zugewanderte-w2")).values(title=TITLE))
    yield ctx
    ctx.db.dispose()


@pytest.fixture
def guide(poisoned, monkeypatch):
    import time

    import streamlit as st

    import dashboard.auth
    import dashboard.data
    from bedarfsradar.session import SessionUser

    monkeypatch.setattr(dashboard.data, "context", lambda: poisoned)
    st.cache_data.clear()
    st.cache_resource.clear()
    user = SessionUser(1, "guide", "guide", poisoned.municipality_id, time.time())
    monkeypatch.setattr(dashboard.auth, "current_user", lambda: user)
    return poisoned


def cells_of_csv(blob: bytes) -> list[str]:
    text = blob.decode("utf-8-sig")
    return [c for row in csv.reader(io.StringIO(text), delimiter=";") for c in row]


def cells_of_xlsx(blob: bytes) -> list[object]:
    wb = openpyxl.load_workbook(io.BytesIO(blob))
    out: list[object] = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {ws.title}!{cell.coordinate}"
                out.append(cell.value)
    return out


def assert_no_formula(cells) -> None:  # type: ignore[no-untyped-def]
    starting = [c for c in cells if isinstance(c, str) and c.startswith(FORMULA_PREFIXES)]
    assert starting == []


# -- dashboard: text, never HTML --------------------------------------------------------------
def test_no_dashboard_code_lets_streamlit_render_html():
    sources = {p: p.read_text(encoding="utf-8") for p in (PROJECT_ROOT / "dashboard").rglob("*.py")}
    assert not [p for p, s in sources.items() if "unsafe_allow_html" in s]
    with_html = sorted(p.name for p, s in sources.items() if "st.html(" in s)
    assert with_html == ["app.py"]  # the logout form: its only value goes through escape()
    assert "escape(token)" in sources[PROJECT_ROOT / "dashboard" / "app.py"]


def _html_allowed_bodies(at) -> list[str]:  # type: ignore[no-untyped-def]
    """Bodies of elements the browser would render as HTML (st.html, markdown with HTML)."""
    out = [str(e.proto) for e in at.get("html")]
    out += [m.value for m in at.markdown if getattr(m.proto, "allow_html", False)]
    return out


@pytest.mark.parametrize("page", ["free_text.py", "offer_catalogue.py", "export.py"])
def test_payloads_are_plain_text_on_the_dashboard(guide, page):
    at = run_page(page)
    if page == "export.py":
        at.toggle(key="raw").set_value(True).run()
    shown = "\n".join(f.value.to_csv() for f in at.dataframe)
    for text in PAYLOADS if page != "export.py" else []:
        assert text.replace('"', '""') in shown or text in shown, (page, text)
    for body in _html_allowed_bodies(at):
        assert not [p for p in PAYLOADS if p in body], body
    for m in at.markdown:  # markdown bodies escape nothing themselves: payloads must not be there
        assert not [p for p in HTML if p in m.value], m.value


# -- exports ----------------------------------------------------------------------------------
def test_export_downloads_neutralise_every_formula(guide, media_store):  # noqa: F811
    at = run_page("export.py")
    at.toggle(key="raw").set_value(True).run()
    csv_cells = cells_of_csv(payload(at, "Einzelantworten als CSV"))
    xlsx_cells = cells_of_xlsx(payload(at, "Einzelantworten als XLSX"))
    for cells in (csv_cells, xlsx_cells):
        assert_no_formula(cells)
        for text in PAYLOADS:
            expected = "'" + text if text.startswith(FORMULA_PREFIXES) else text
            assert expected in cells, text
    assert_no_formula(cells_of_xlsx(payload(at, "Alle Ergebnisse als XLSX")))


def test_offer_catalogue_export_neutralises_imported_offers(poisoned):
    from surveys.offers import offers_frame

    frame = offers_frame(poisoned.db, poisoned.municipality_id)
    frame = frame.assign(areas=frame["areas"].map(";".join),
                         languages=frame["languages"].map(";".join),
                         times=frame["times"].map(";".join))  # fmt: skip
    for cells in (cells_of_csv(to_csv_bytes(frame)), cells_of_xlsx(to_xlsx_bytes(frame))):
        assert_no_formula(cells)
        assert "'" + PAYLOADS[2] in cells and PAYLOADS[0] in cells


# -- questionnaire texts (XLSForm import) -----------------------------------------------------
def test_questionnaire_texts_from_an_xlsform_are_escaped_and_neutralised(poisoned, tmp_path):
    ctx = poisoned
    path = write_xlsform(ctx.bundles()["newcomer"], tmp_path / "form.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["survey"]
    header = [c.value for c in ws[1]]
    name_col, label_col = header.index("name"), header.index("label::German (de)")
    evil = f"{PAYLOADS[1]} {PAYLOADS[0]}"
    for row in ws.iter_rows(min_row=2):
        if row[name_col].value == "stadtteil":
            row[label_col].value = evil
    wb.save(path)
    bundle = read_xlsform(path).bundle
    formula = openpyxl.load_workbook(path)
    for row in formula["survey"].iter_rows(min_row=2):
        if row[name_col].value == "children":
            row[label_col].value = PAYLOADS[2]  # openpyxl stores it as a formula cell
    formula.save(tmp_path / "formula.xlsx")
    with pytest.raises(XLSFormError, match="Formel"):
        read_xlsform(tmp_path / "formula.xlsx")  # rejected whole, nothing imported
    mid = ctx.municipality_id
    version = ctx.storage.store_questionnaire_version(mid, bundle)
    ctx.storage.create_campaign(mid, "xss", "xss", version)
    app = Starlette(routes=routes(ctx))
    r = Respondent(app, slug="xss")
    page = r.accept_privacy().text
    assert str(escape(evil)) in page
    assert "<script>" not in page and "<img " not in page
    book = codebook({"newcomer": bundle})
    for cells in (cells_of_csv(to_csv_bytes(book)), cells_of_xlsx(to_xlsx_bytes(book))):
        assert_no_formula(cells)
        assert evil in cells


# -- Stadtrat report --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def deck(poisoned) -> bytes:
    from reports import build_report

    return build_report(poisoned, "zugewanderte-w2", "pptx")


def test_report_deck_stores_text_literally_and_charts_without_formulas(deck, tmp_path):
    texts = []
    for slide in Presentation(io.BytesIO(deck)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
    assert any(TITLE in t for t in texts)  # the wave's title, verbatim
    with zipfile.ZipFile(io.BytesIO(deck)) as z:
        xml = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                        if n.endswith(".xml"))  # fmt: skip
        assert "<script>" not in xml and "&lt;script&gt;" in xml
        embedded = [n for n in z.namelist() if n.endswith(".xlsx")]
        assert embedded, "the deck has native charts with embedded workbooks"
        for name in embedded:
            assert_no_formula(cells_of_xlsx(z.read(name)))
    Path(tmp_path / "deck.pptx").write_bytes(deck)


def test_report_pdf_shows_text_literally(poisoned):
    from reports import build_report

    pdf = build_report(poisoned, "zugewanderte-w2", "pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    assert "<script>alert(1)</script>" in flat and "HYPERLINK" in flat
    assert b"/JavaScript" not in pdf and b"/JS" not in pdf and b"/Launch" not in pdf
    assert b"/URI" not in pdf  # no link at all, let alone one from the payload

"""The Stadtrat deck from the demo data: native charts whose values are the analysis
results, honest intervals, the funding notice, measures from the rules table, and a PDF
with the same content. The demo database is built once for the module."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date

import pytest

from analysis import admin
from analysis.results import filter_results
from bedarfsradar.cli import EXIT_DATA, build_parser, cmd_report
from bedarfsradar.context import load_demo
from reports.builder import ReportError, analyse, build_content, collect
from reports.pdf import render_pdf
from reports.pptx import render_pptx
from tests.conftest import make_context
from tests.reports.helpers import (
    charts,
    error_bar_halfwidths,
    open_deck,
    pictures,
    slide_texts,
    tables,
    xy_values,
)

FUNDING = (
    "Das AMIF-Projekt „KISI“ wird von der Europäischen Union finanziert und vom Land "
    "Hessen kofinanziert."
)
REQUIRE_TOOLS = os.environ.get("BEDARFSRADAR_REQUIRE_BROWSER") == "1"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "demo.db"
    ctx = make_context(f"sqlite:///{path}")
    load_demo(ctx)
    inp = collect(ctx, "zugewanderte-w2", compare="zugewanderte-w1", report_date=date(2026, 11, 3))
    res = analyse(inp)
    content = build_content(inp, res)
    deck = render_pptx(content)
    yield {"ctx": ctx, "path": path, "inp": inp, "res": res, "content": content, "deck": deck}
    ctx.db.dispose()


def _slide(deck, title_start: str):
    for slide in deck.slides:
        if slide.shapes.title is not None and slide.shapes.title.text.startswith(title_start):
            return slide
    raise AssertionError(f"no slide titled {title_start!r}")


def test_every_chart_is_a_native_chart_and_there_are_no_pictures(demo):
    deck = open_deck(demo["deck"])
    assert deck.slide_width * 9 == deck.slide_height * 16  # 16:9
    found = [c for slide in deck.slides for c in charts(slide)]
    assert len(found) == len(demo["content"].charts()) >= 7
    assert pictures(deck) == 0
    for chart in found:  # data embedded: editable in PowerPoint / LibreOffice
        assert chart.part.chart_workbook.xlsx_part is not None


def test_title_slide_has_funding_notice_wave_town_and_date(demo):
    text = "\n".join(slide_texts(open_deck(demo["deck"]).slides[0]))
    assert FUNDING in text
    assert "AMIF" in text and "Europäische Union" in text and "Land Hessen" in text
    assert "Oestrich-Winkel" in text
    assert "Welle 2 – Herbst 2026" in text
    assert "3. November 2026" in text


def test_needs_chart_values_and_error_bars_are_the_analysis_results(demo):
    res, labels = demo["res"], demo["inp"].labels
    chart = charts(_slide(open_deck(demo["deck"]), "Bedarfe der Zugewanderten"))[0]
    plot = chart.plots[0]
    codes = {labels.area(a): a for a in labels.areas}
    cats = [codes[c] for c in plot.categories]
    prev = filter_results(res.needs, indicator="need_prevalence", group_var="all")
    expected = prev.set_index("level").loc[cats]
    assert list(plot.series[0].values) == pytest.approx(list(expected["estimate"]), abs=1e-12)
    plus, minus = error_bar_halfwidths(plot.series[0])
    assert plus == pytest.approx(list(expected["ci_high"] - expected["estimate"]), abs=1e-12)
    assert minus == pytest.approx(list(expected["estimate"] - expected["ci_low"]), abs=1e-12)
    severe = filter_results(res.needs, indicator="need_severe", group_var="all")
    assert list(plot.series[1].values) == pytest.approx(
        list(severe.set_index("level").loc[cats, "estimate"]), abs=1e-12
    )
    # planted fact 1: housing and language on top
    assert set(cats[:2]) == {"housing", "language"}


def test_perception_chart_shows_own_need_and_beliefs_from_the_results(demo):
    res, labels = demo["res"], demo["inp"].labels
    chart = charts(_slide(open_deck(demo["deck"]), "Wahrnehmung"))[0]
    plot = chart.plots[0]
    codes = {labels.area(a): a for a in labels.areas}
    cats = [codes[c] for c in plot.categories]
    belief = filter_results(res.beliefs, indicator="need_belief_administration_prevalence")
    admin_series = next(s for s in plot.series if s.name.startswith("Verwaltung"))
    expected = belief.set_index("level").loc[cats, "estimate"]
    assert list(admin_series.values) == pytest.approx(list(expected), abs=1e-12)
    # planted fact 2: the administration underestimates housing and belonging
    table = tables(_slide(open_deck(demo["deck"]), "Wahrnehmung"))[0]
    flagged = {(row[0], row[1]) for row in table[1:] if row[4].startswith("−")}
    assert {("Wohnen", "Verwaltung"), ("Kontakte und Zugehörigkeit", "Verwaltung")} <= flagged


def test_importance_performance_is_a_native_xy_chart_of_the_grid(demo):
    grid = demo["res"].ip.grid.set_index("service")
    labels = demo["inp"].labels
    by_label = {labels.services[s]: s for s in grid.index}
    chart = charts(_slide(open_deck(demo["deck"]), "Verwaltung: Wichtigkeit"))[0]
    seen = set()
    for series in chart.plots[0].series:
        xs, ys = xy_values(series)
        if series.name == "Mittelwert aller Leistungen":
            assert demo["res"].ip.crosshair_performance in xs or len(set(xs)) == 2
            continue
        names = [p.data_label.text_frame.text for p in list(series.points)[: len(xs)]]
        for name, x, y in zip(names, xs, ys, strict=True):
            row = grid.loc[by_label[name]]
            assert (x, y) == pytest.approx((row["performance"], row["importance"]), abs=1e-12)
            assert row["classification"] == series.name
            seen.add(by_label[name])
    assert seen == set(grid.dropna(subset=["importance", "performance"]).index)
    assert admin.CONCENTRATE in {s.name for s in chart.plots[0].series}


def test_supply_slide_names_mobility_in_hallgarten_without_offer(demo):
    slide = _slide(open_deck(demo["deck"]), "Versorgungslücken")
    rows = tables(slide)[0]
    assert rows[1][:2] == ["Hallgarten", "Mobilität"]  # planted fact 3, largest gap first
    unc = demo["res"].supply
    row = unc[(unc["stadtteil"] == "hallgarten") & (unc["level"] == "mobility")].iloc[0]
    assert not row["covered"]
    assert charts(slide)[0].plots[0].series[0].values[0] == pytest.approx(row["estimate"])


def test_change_slide_shows_childcare_falling_since_wave_one(demo):
    slide = _slide(open_deck(demo["deck"]), "Veränderung seit der Vorwelle")
    rows = {r[0]: r for r in tables(slide)[0][1:]}
    assert rows["Kinderbetreuung"][2] == "gesunken"  # planted fact 5
    change = demo["res"].change.set_index("level")
    assert change.loc["childcare", "ci_high"] < 0


def test_summary_has_findings_sentences_and_volunteer_needs(demo):
    text = "\n".join(slide_texts(_slide(open_deck(demo["deck"]), "Das Wichtigste")))
    assert "der befragten Zugewanderten nennen Wohnen als großes oder sehr großes Problem" in text
    assert "Supervision" in text and "Koordination" in text  # planted fact 4
    assert "0.6" not in text  # German decimal formatting only


def test_method_slide_states_counts_rates_weighting_ci_and_suppression(demo):
    text = "\n".join(slide_texts(_slide(open_deck(demo["deck"]), "Beteiligung und Methode")))
    n_new = int((demo["res"].respondents["audience"] == "newcomer").sum())
    assert str(n_new) in text and "600" in text  # n and target of the newcomers
    assert "Wilson" in text and "Ungewichtet" in text
    assert "weniger als 5" in text and "Freitexte" in text
    assert "N = 30" in text  # finite-population correction for the administration


def test_measures_come_from_the_rules_table(demo):
    text = "\n".join(slide_texts(_slide(open_deck(demo["deck"]), "Vorgeschlagene Maßnahmen")))
    assert "Mobilität in Hallgarten: Bürgerbus-Linie" in text
    assert "data/measures.yaml" in text


def test_every_content_slide_has_speaker_notes_or_footer_and_page_number_field(demo):
    deck = open_deck(demo["deck"])
    for slide in list(deck.slides)[1:]:
        xml = slide._element.xml
        assert 'type="slidenum"' in xml


def test_compare_within_the_same_wave_is_refused(demo):
    with pytest.raises(ReportError, match="same wave"):
        collect(demo["ctx"], "zugewanderte-w2", compare="ehrenamt-w2")
    with pytest.raises(ReportError, match="not found"):
        collect(demo["ctx"], "no-such-campaign")


# -- PDF -----------------------------------------------------------------------------------


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdftotext"):
        done = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, timeout=60
        )
        return done.stdout.decode("utf-8")
    try:
        from pypdf import PdfReader
    except ImportError:
        if REQUIRE_TOOLS:
            pytest.fail("pdftotext (poppler-utils) required")
        pytest.skip("neither pdftotext nor pypdf installed")
    return "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)


def test_pdf_has_extractable_text_funding_notice_and_page_numbers(demo, tmp_path):
    pdf = render_pdf(demo["content"])
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf, tmp_path)
    flat = " ".join(text.split())
    assert " ".join(FUNDING.split()) in flat
    n_pages = len(demo["content"].slides) + 1
    assert f"Seite 2 von {n_pages}" in flat and f"Seite {n_pages} von {n_pages}" in flat
    assert "Mobilität" in flat and "Hallgarten" in flat
    assert "Versorgungslücken nach Stadtteil" in flat


# -- LibreOffice -----------------------------------------------------------------------------


def test_libreoffice_converts_the_deck_and_pdftoppm_renders_every_page(demo, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftoppm"):
        if REQUIRE_TOOLS:
            pytest.fail("soffice and pdftoppm required (BEDARFSRADAR_REQUIRE_BROWSER=1)")
        pytest.skip("LibreOffice (soffice) or pdftoppm not installed")
    deck = tmp_path / "deck.pptx"
    deck.write_bytes(demo["deck"])
    profile = tmp_path / "lo-profile"
    done = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "deck.pdf"
    assert pdf.exists() and pdf.stat().st_size > 10_000
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / "page")],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(demo["content"].slides) + 1
    assert all(p.stat().st_size > 2_000 for p in pages)


# -- CLI -------------------------------------------------------------------------------------


def test_cli_report_writes_the_deck_of_the_campaigns_wave(demo, tmp_path, capsys):
    out = tmp_path / "stadtrat.pptx"
    args = build_parser().parse_args(
        ["report", "--campaign", "verwaltung-w1", "--format", "pptx", "--output", str(out)]
    )
    assert cmd_report(demo["ctx"], args) == 0
    assert "report written" in capsys.readouterr().out
    deck = open_deck(out.read_bytes())
    assert "Welle 1 – Frühjahr 2026" in "\n".join(slide_texts(deck.slides[0]))
    assert "Veränderung" not in "\n".join(s.shapes.title.text for s in deck.slides)


def test_cli_report_with_unknown_campaign_is_one_line_exit_4(demo, tmp_path, capsys):
    args = build_parser().parse_args(
        ["report", "--campaign", "nope", "--output", str(tmp_path / "x.pdf")]
    )
    assert cmd_report(demo["ctx"], args) == EXIT_DATA
    assert capsys.readouterr().err.strip() == "bedarfsradar: report: campaign 'nope' not found"
    assert not (tmp_path / "x.pdf").exists()

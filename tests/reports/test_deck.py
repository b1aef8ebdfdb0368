"""The Stadtrat deck from the demo data: native charts whose values are the analysis
results, honest intervals, the EU emblem and funding statements, the measures from the
database with a Beschlussvorschlag, projector-sized text, document properties, and a PDF
with the same content. The demo database is built once for the module."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from analysis.results import filter_results
from bedarfsradar.cli import EXIT_DATA, build_parser, cmd_report
from bedarfsradar.context import load_demo
from reports import wording
from reports.analyse import analyse
from reports.inputs import ReportError, collect
from reports.render.pdf import render_pdf
from reports.render.pptx import render_pptx
from reports.slides import build_content
from tests.conftest import make_context
from tests.reports.helpers import (
    charts,
    error_bar_halfwidths,
    open_deck,
    pictures,
    run_sizes,
    slide_texts,
    tables,
    xy_values,
)
from tests.tools import REQUIRE_TOOLS

FUNDING = "Kofinanziert von der Europäischen Union"


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


def test_title_slide_has_emblem_statement_wave_town_date_and_preliminary_mark(demo):
    slide = open_deck(demo["deck"]).slides[0]
    text = "\n".join(slide_texts(slide))
    assert FUNDING in text and "Kofinanziert vom Land Hessen" in text
    assert "AMIF" in text and "Land Hessen" in text
    assert "Vorläufige Ergebnisse" in text  # wave 2 is still open in the demo
    groups = [s for s in slide.shapes if s.name == "EU-Emblem"]
    assert len(groups) == 1 and len(list(groups[0].shapes)) == 13
    assert "Oestrich-Winkel" in text
    assert "Welle 2 – Herbst 2026" in text
    assert "3. November 2026" in text


def test_needs_chart_values_and_error_bars_are_the_analysis_results(demo):
    res, labels = demo["res"], demo["inp"].labels
    chart = charts(_slide(open_deck(demo["deck"]), "Wohnen und Deutsch lernen sind"))[0]
    plot = chart.plots[0]
    codes = {labels.area(a): a for a in labels.areas}
    cats = [codes[c] for c in plot.categories]
    prev = filter_results(res.needs, indicator="need_prevalence", group_var="all")
    expected = prev.set_index("level").loc[cats]
    assert list(plot.series[0].values) == pytest.approx(list(expected["estimate"]), abs=1e-12)
    plus, minus = error_bar_halfwidths(plot.series[0])
    assert plus == pytest.approx(list(expected["ci_high"] - expected["estimate"]), abs=1e-12)
    assert minus == pytest.approx(list(expected["estimate"] - expected["ci_low"]), abs=1e-12)
    assert len(plot.series) == 1  # one message: the share in need, with value labels
    # planted fact 1: housing and language on top
    assert set(cats[:2]) == {"housing", "language"}


def test_perception_chart_shows_own_need_and_beliefs_from_the_results(demo):
    res, labels = demo["res"], demo["inp"].labels
    slide = _slide(open_deck(demo["deck"]), "Die Verwaltung unterschätzt")
    plot = charts(slide)[0].plots[0]
    codes = {labels.area(a): a for a in labels.areas}
    cats = [codes[c] for c in plot.categories]
    assert len(cats) <= 4  # only the areas with a secured gap, not 14 x 3 bars
    belief = filter_results(res.beliefs, indicator="need_belief_administration_prevalence")
    admin_series = next(s for s in plot.series if s.name == "Einschätzung der Verwaltung")
    expected = belief.set_index("level").loc[cats, "estimate"]
    assert list(admin_series.values) == pytest.approx(list(expected), abs=1e-12)
    # planted fact 2: the administration underestimates housing and belonging
    assert {"housing", "belonging"} <= set(cats)
    assert "Wohnen" in slide.shapes.title.text and "Zugehörigkeit" in slide.shapes.title.text


def test_importance_performance_is_a_native_xy_chart_of_the_grid(demo):
    grid = demo["res"].ip.grid.set_index("service")
    labels = demo["inp"].labels
    slide = _slide(open_deck(demo["deck"]), "Anhang: Verwaltungsleistungen im")
    chart = charts(slide)[0]
    # points carry numbers; the footnote's key names them ("1 Dolmetschen, 2 …")
    key = next(t for t in slide_texts(slide) if t.startswith("Nummern: ")).split("\n")[0]
    by_number = dict(item.split("\u00a0", 1) for item in key[len("Nummern: ") : -1].split(", "))
    by_label = {str(k): {labels.services[s]: s for s in grid.index}[v] for k, v in
                by_number.items()}  # fmt: skip
    assert len(by_label) == len(grid.dropna(subset=["importance", "performance"]))
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
            assert wording.quadrant(row["classification"]) == series.name
            seen.add(by_label[name])
    assert seen == set(grid.dropna(subset=["importance", "performance"]).index)
    assert "Handlungsbedarf" in {s.name for s in chart.plots[0].series}


def test_supply_slide_names_mobility_in_hallgarten_without_offer(demo):
    slide = _slide(open_deck(demo["deck"]), "Mobilität in Hallgarten")
    assert charts(slide)[0].plots[0].categories[0] == "Mobilität in Hallgarten"  # fact 3
    rows = tables(_slide(open_deck(demo["deck"]), "Anhang: Bedarf ohne erreichbares"))[0]
    assert rows[1][:2] == ["Hallgarten", "Mobilität"]  # largest gap first
    unc = demo["res"].supply
    row = unc[(unc["stadtteil"] == "hallgarten") & (unc["level"] == "mobility")].iloc[0]
    assert not row["covered"]
    assert charts(slide)[0].plots[0].series[0].values[0] == pytest.approx(row["estimate"])


def test_change_slide_shows_childcare_falling_since_wave_one(demo):
    slide = _slide(open_deck(demo["deck"]), "Seit Welle 1")
    assert "Kinderbetreuung deutlich gesunken" in slide.shapes.title.text
    rows = {r[0]: r for r in tables(_slide(open_deck(demo["deck"]), "Anhang: Veränderung"))[0][1:]}
    assert rows["Kinderbetreuung"][2] == "deutlich gesunken"  # planted fact 5
    # the +10-point health rise of the demo is noise: no claim on the slide
    assert "Gesundheit" not in slide.shapes.title.text
    assert rows["Gesundheit"][2] != "deutlich gestiegen"
    change = demo["res"].change.set_index("level")
    assert change.loc["childcare", "ci_high"] < 0


def test_summary_has_findings_sentences_and_volunteer_needs(demo):
    text = "\n".join(slide_texts(_slide(open_deck(demo["deck"]), "Das Wichtigste")))
    assert "Für Wohnen sehen" in text and "ein großes oder sehr großes Problem" in text
    assert "Supervision" in text and "Koordination" in text  # planted fact 4
    assert "0.6" not in text  # German decimal formatting only
    assert "n\u00a0=\u00a0" in text and "n = " not in text  # never broken inside "n = 181"


def test_method_slide_states_counts_rates_weighting_ci_and_suppression(demo):
    text = "\n".join(slide_texts(_slide(open_deck(demo["deck"]), "Anhang: Beteiligung")))
    n_new = int(demo["res"].audience_n["newcomer"])  # published (perturbed) count
    assert str(n_new) in text and "600" in text  # n and target of the newcomers
    assert "Wilson" in text and "Ungewichtet" in text
    assert "weniger als 5" in text and "Freitexte" in text
    assert "N\u00a0=\u00a030" in text  # finite-population correction for the administration
    # the staff campaign of wave 2 invited 40 by name, 12 finished: finished ÷ invited
    [table] = tables(_slide(open_deck(demo["deck"]), "Anhang: Beteiligung"))
    staff = next(row for row in table if "Verwaltung" in row[0])
    assert staff[-1] == "30\u00a0%"


def test_measures_have_cost_funding_lead_timeline_and_indicator_with_todays_value(demo):
    deck = open_deck(demo["deck"])
    text = "\n".join(slide_texts(_slide(deck, "Vorgeschlagene Maßnahmen 1 und 2")))
    assert "1. Mobilität in Hallgarten verbessern" in text
    for label in ("Kosten: ", "Federführung: ", "Zeitplan: ", "Erfolg messen: "):
        assert label in text
    assert "ca. 18.000\u00a0€ pro Jahr; KISI-Projektmittel" in text
    needs = filter_results(demo["res"].needs, indicator="need_prevalence", group_var="stadtteil")
    row = needs[(needs["group"] == "hallgarten") & (needs["level"] == "mobility")].iloc[0]
    assert f"heute {round(row['estimate'] * 100)}\u00a0% (n\u00a0=\u00a0{int(row['n'])})" in text
    every = "\n".join(t for s in deck.slides for t in slide_texts(s))
    assert "measures.yaml" not in every and "data/" not in every  # no file paths


def test_beschlussvorschlag_follows_the_measures_and_contact_closes_with_the_emblem(demo):
    deck = open_deck(demo["deck"])
    titles = [s.shapes.title.text for s in deck.slides]
    i = titles.index("Beschlussvorschlag")
    assert titles[i - 1].startswith("Vorgeschlagene Maßnahmen 3 und 4 von 4")
    text = "\n".join(slide_texts(deck.slides[i]))
    assert "die Maßnahmen 1, 2, 3 und 4 wie vorgeschlagen umzusetzen" in text
    assert titles[i + 1] == "Fragen und Kontakt"
    closing = deck.slides[i + 1]
    assert "Dr. Barbara Eva Holler" in "\n".join(slide_texts(closing))
    assert any(s.name == "EU-Emblem" for s in closing.shapes)
    assert FUNDING in "\n".join(slide_texts(closing))


def test_main_slides_are_about_ten_and_no_text_run_is_below_14_pt(demo):
    deck = open_deck(demo["deck"])
    main = [s for s in demo["content"].slides if s.main]
    assert 10 <= len(main) <= 14
    assert [s.title for s in main][:2] == ["Worum es heute geht", "Das Wichtigste in Kürze"]
    for slide in list(deck.slides)[: len(main) + 1]:
        sizes = run_sizes(slide)
        assert sizes and min(sizes) >= 14, (slide.shapes.title.text, min(sizes))
        body = [s for s in sizes if s not in (14,)]
        assert body and max(body) >= 18


def test_every_chart_has_alt_text_a_source_line_and_value_labels(demo):
    deck = open_deck(demo["deck"])
    for slide in deck.slides:
        for frame in [s for s in slide.shapes if s.has_chart]:
            descr = frame._element.nvGraphicFramePr.cNvPr.get("descr")
            assert descr and len(descr) > 30
            assert any(
                t.startswith("Quelle: Befragung") and "Welle 2" in t and "n\u00a0=" in t
                for t in slide_texts(slide)
            )
            if frame.chart.chart_type is not None and "BAR" in str(frame.chart.chart_type):
                for series in frame.chart.plots[0].series:
                    assert series.data_labels.show_value


def test_core_properties_name_the_town_the_date_and_16_to_9(demo, tmp_path):
    import io
    import zipfile

    props = open_deck(demo["deck"]).core_properties
    assert props.author == "Stadt Oestrich-Winkel" == props.last_modified_by
    assert props.title.startswith("Bedarfsanalyse Integration Oestrich-Winkel")
    assert props.created.date() == date(2026, 11, 3) and props.modified.year == 2026
    assert "python-pptx" not in (props.comments or "") and props.revision == 1
    with zipfile.ZipFile(io.BytesIO(demo["deck"])) as z:
        app = z.read("docProps/app.xml").decode()
        assert "4:3" not in app and "Breitbild" in app
        assert "docProps/thumbnail.jpeg" not in z.namelist()


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


def test_pdf_has_extractable_text_funding_statement_and_page_numbers(demo, tmp_path):
    pdf = render_pdf(demo["content"])
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf, tmp_path)
    flat = " ".join(text.split())
    assert " ".join(FUNDING.split()) in flat
    n_pages = len(demo["content"].slides) + 1
    assert f"Seite 2 von {n_pages}" in flat and f"Seite {n_pages} von {n_pages}" in flat
    assert "Mobilität" in flat and "Hallgarten" in flat
    assert "Mobilität in Hallgarten" in flat and "vorläufig" in flat
    assert "Beschlussvorschlag" in flat


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


def test_cli_report_writes_the_deck_of_the_newest_final_release(demo, tmp_path, capsys):
    out = tmp_path / "stadtrat.pptx"
    args = build_parser().parse_args(["report", "--format", "pptx", "--output", str(out)])
    assert cmd_report(demo["ctx"], args) == 0
    assert "report written" in capsys.readouterr().out
    deck = open_deck(out.read_bytes())
    assert "Welle 1 – Frühjahr 2026" in "\n".join(slide_texts(deck.slides[0]))
    assert "Seit Welle" not in "\n".join(s.shapes.title.text for s in deck.slides)
    assert "Vorläufige" not in "\n".join(slide_texts(deck.slides[0]))  # wave 1 is closed


def test_cli_report_with_unknown_release_is_one_line_exit_4(demo, tmp_path, capsys):
    args = build_parser().parse_args(
        ["report", "--release", "999", "--output", str(tmp_path / "x.pdf")]
    )
    assert cmd_report(demo["ctx"], args) == EXIT_DATA
    assert capsys.readouterr().err.strip() == "bedarfsradar: report: release 999 not found"
    assert not (tmp_path / "x.pdf").exists()

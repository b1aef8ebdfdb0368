"""Bericht: every role builds the Stadtrat report; the files are the real deck and PDF."""

import pytest

from bedarfsradar.audit import entries
from publicity.emblem import EU_STATEMENT
from tests.dashboard.conftest import run_page
from tests.dashboard.downloads import download_button, media_store, payload  # noqa: F401
from tests.reports.helpers import open_deck, slide_texts


def test_report_page_requires_login(as_role):
    as_role(None)
    at = run_page("report.py")
    assert "Bitte melden Sie sich an" in at.warning[0].value
    assert len(at.button) == 0 and len(at.get("download_button")) == 0


@pytest.mark.usefixtures("media_store")
def test_viewer_downloads_the_deck_with_the_funding_notice_and_it_is_audited(as_role):
    ctx = as_role("viewer")
    at = run_page("report.py")
    assert at.selectbox(key="report-wave").options[0].startswith("Welle 2: ")
    assert at.selectbox(key="report-compare").value is None
    assert len(at.get("download_button")) == 0  # nothing built before the click
    at.button(key="build-pptx").click().run()
    assert not at.exception and not at.error
    deck = open_deck(payload(at, "PowerPoint"))
    assert EU_STATEMENT in "\n".join(slide_texts(deck.slides[0]))
    assert any(s.has_chart for slide in deck.slides for s in slide.shapes)
    download_button(at, "PowerPoint").click().run()
    log = entries(ctx.db, ctx.municipality_id)
    row = log[log["action"] == "report.download"].iloc[0]
    assert row["actor"] == "test-viewer" and row["detail"]["format"] == "pptx"
    assert row["detail"]["campaign"] == at.selectbox(key="report-wave").value


@pytest.mark.usefixtures("media_store")
def test_pdf_with_comparison_wave_is_offered_for_the_current_selection_only(as_role):
    as_role("guide")
    at = run_page("report.py")
    at.selectbox(key="report-compare").select_index(1).run()
    at.button(key="build-pdf").click().run()
    assert not at.error
    pdf = payload(at, "PDF herunterladen")
    assert pdf.startswith(b"%PDF")
    # another comparison: the old file is no longer offered until built again
    at.selectbox(key="report-compare").select_index(0).run()
    assert not [b for b in at.get("download_button") if "PDF" in b.proto.label]

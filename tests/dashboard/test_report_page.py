"""Bericht: the guide releases a wave (preview first), and the deck and PDF are made from
a release; the viewer reads releases only (Freigegebene Ergebnisse)."""

import pytest

from bedarfsradar import releases
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


def test_viewer_may_not_open_the_report_or_the_explorer_pages(as_role):
    as_role("viewer")
    for page in ("report.py", "needs.py", "overview.py", "export.py", "admin_volunteers.py"):
        at = run_page(page)
        assert at.error and "Berechtigung" in at.error[0].value, page
        assert len(at.get("download_button")) == 0


@pytest.mark.usefixtures("media_store")
def test_guide_downloads_the_deck_of_the_demo_release_and_it_is_audited(as_role):
    ctx = as_role("guide")
    at = run_page("report.py")
    final = next(r for r in ctx.releases.releases(ctx.municipality_id) if r.kind == "final")
    at.button(key="build-pptx").click().run()
    assert not at.exception and not at.error
    deck = open_deck(payload(at, "PowerPoint"))
    assert EU_STATEMENT in "\n".join(slide_texts(deck.slides[0]))
    assert any(s.has_chart for slide in deck.slides for s in slide.shapes)
    download_button(at, "PowerPoint").click().run()
    log = entries(ctx.db, ctx.municipality_id)
    row = log[log["action"] == "report.download"].iloc[0]
    assert row["actor"] == "test-guide" and row["detail"]["format"] == "pptx"
    assert row["detail"]["release"] == final.id


def test_releasing_an_open_wave_shows_the_preview_and_refuses_a_second_interim(as_role):
    ctx = as_role("guide")
    open_wave = max(w for w, s in releases.waves(ctx).items() if s.open)
    at = run_page("report.py")
    assert at.selectbox[0].value == open_wave
    assert any("vorläufig" in m.value for m in at.markdown)
    at.button(key="release-preview").click().run()
    assert not at.error, at.error
    assert any("Enthält:" in m.value and "nur Gesamtwerte" in m.value for m in at.markdown)
    at.checkbox(key="release-confirm").check().run()
    [go] = [b for b in at.button if b.label == "Jetzt freigeben"]
    go.click().run()
    assert at.success and f"Welle {open_wave}" in at.success[0].value
    stored = [r for r in ctx.releases.releases(ctx.municipality_id) if r.wave == open_wave]
    assert [r.kind for r in stored] == ["interim"]
    # no new answers since: a second interim release is refused in German, nothing stored
    at.button(key="release-preview").click().run()
    assert at.error and "neuen Antworten" in at.error[0].value
    again = [r for r in ctx.releases.releases(ctx.municipality_id) if r.wave == open_wave]
    assert len(again) == 1


def test_viewer_sees_the_release_numbers_and_no_filters(as_role):
    ctx = as_role("viewer")
    final = next(r for r in ctx.releases.releases(ctx.municipality_id) if r.kind == "final")
    res = releases.release_results(ctx, final.id)
    at = run_page("results.py")
    assert not at.error
    assert len(at.multiselect) == 0  # no filters: the catalogue's tables only
    labels = at.selectbox(key="rel").options
    assert any(f"Welle {final.wave}" in label for label in labels)
    at.selectbox(key="rel").set_value(final.id).run()
    # the needs table shows the release's shares, in German format
    total = res.needs[(res.needs["indicator"] == "need_prevalence")
                      & (res.needs["group_var"] == "all")]  # fmt: skip
    shown = at.dataframe[0].value if at.dataframe else None
    housing = total[total["level"] == "housing"].iloc[0]
    expected = f"{round(housing['estimate'] * 100)} %"
    texts = " ".join(str(v) for v in shown.to_numpy().ravel()) if shown is not None else ""
    assert expected in texts or expected.replace(" ", "\u00a0") in texts
    # the breakdowns are the catalogue's, one at a time
    from dashboard.labels import ATTRIBUTES

    catalogue = ("stadtteil", "language", "german_level", "years_de", "children")
    assert set(at.selectbox(key="rel-breakdown").options) == {
        "nicht aufschlüsseln", *(ATTRIBUTES[a] for a in catalogue)}  # fmt: skip

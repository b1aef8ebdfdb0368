"""Übersetzungen: coverage, hidden languages, workbook out and back in — on a copy of data/.

Every test runs on a temporary copy of ``data/`` (``Settings(data_dir=...)``), so the
repository's translation files are never touched."""

from __future__ import annotations

import hashlib
import io
import shutil
import time
from pathlib import Path

import pytest
import streamlit as st
import yaml
from openpyxl import load_workbook

from bedarfsradar import PROJECT_ROOT
from bedarfsradar.audit import entries
from bedarfsradar.context import AppContext, init_db
from bedarfsradar.session import SessionUser
from bedarfsradar.settings import Settings
from surveys.translations.status import load_ui_string_sets
from surveys.translations.workbook import write_workbook
from tests.dashboard.conftest import run_page
from tests.dashboard.downloads import download_button, media_store, payload  # noqa: F401

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*.yaml"))}  # fmt: skip


@pytest.fixture
def tr_ctx(tmp_path, monkeypatch):
    """A database and a writable copy of data/; an open newcomer campaign; a guide logged in."""
    import dashboard.auth
    import dashboard.data

    data_dir = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data_dir,
                    ignore=shutil.ignore_patterns("*.db", "*.db-*", ".secret_key"))  # fmt: skip
    ctx = AppContext(Settings(database_url=f"sqlite:///{tmp_path / 't.db'}", data_dir=data_dir,
                              secret_key="test-secret"))  # fmt: skip
    versions = init_db(ctx).versions
    mid = ctx.municipality_id
    ctx.storage.create_campaign(mid, "zw-offen", "Welle 9 (Zugewanderte)", versions["newcomer"])
    monkeypatch.setattr(dashboard.data, "context", lambda: ctx)
    st.cache_data.clear()

    def login(role):
        user = role and SessionUser(1, f"test-{role}", role, mid, time.time())
        monkeypatch.setattr(dashboard.auth, "current_user", lambda: user or None)

    ctx.login = login
    login("guide")
    yield ctx
    ctx.db.dispose()


def _workbook(ctx, languages=("ar",)) -> tuple[Path, object]:
    """A freshly exported newcomer workbook (as the page offers it), opened for editing."""
    path = ctx.settings.data_dir.parent / "returned.xlsx"
    write_workbook(path, ctx.bundles()["newcomer"], ctx.ui_text.strings["de"],
                   load_ui_string_sets(ctx.settings.data_dir / "ui"), languages)  # fmt: skip
    return path, load_workbook(path)


def _row(ws, key: str) -> int:
    return next(r[0].row for r in ws.iter_rows(min_row=2) if r[0].value == key)


def _table(at, column: str):
    """The one table on the page with ``column`` (AppTest does not expose dataframe keys)."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def _upload(at, wb) -> None:
    out = io.BytesIO()
    wb.save(out)
    at.file_uploader(key="tr-upload").set_value(("returned.xlsx", out.getvalue(), XLSX)).run()


@pytest.mark.parametrize("role", [None, "viewer"])
def test_translations_page_needs_guide_or_admin(tr_ctx, role):
    tr_ctx.login(role)
    at = run_page("translations.py")
    assert len(at.dataframe) == 0 and len(at.get("file_uploader")) == 0
    assert (at.warning if role is None else at.error)[0].value


def test_coverage_and_the_reason_a_language_is_hidden(tr_ctx):
    ar = tr_ctx.settings.questionnaire_dir / "translations" / "newcomer.ar.yaml"
    raw = yaml.safe_load(ar.read_text(encoding="utf-8"))
    del raw["strings"]["title"]
    ar.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    at = run_page("translations.py")
    table = at.dataframe[0].value.set_index("Sprache")
    assert table.loc["Deutsch (de)", "übersetzt (%)"] == 100.0
    assert table.loc["Türkçe (tr)", "in der Umfrage"] == "ja"
    arabic = table[table.index.str.endswith("(ar)")].iloc[0]
    assert arabic["in der Umfrage"] == "nein" and arabic["übersetzt (%)"] < 100
    hidden = [m.value for m in at.markdown if m.value.startswith("- **")]
    assert hidden == ["- **ar**: 1 Fragebogen-Texte fehlen (z. B. title)"]


@pytest.mark.usefixtures("media_store")
def test_exported_workbook_has_one_sheet_per_language_and_is_audited(tr_ctx):
    at = run_page("translations.py")
    at.multiselect(key="tr-langs").set_value(["ar", "fa"])
    at.text_input(key="tr-new").set_value("ti").run()
    wb = load_workbook(io.BytesIO(payload(at, "Arbeitsmappe")))
    assert wb.sheetnames[1:] == ["ar", "fa", "ti"]
    assert wb["ti"]["D2"].value in (None, "") and wb["ar"]["D2"].value
    download_button(at, "Arbeitsmappe").click().run()
    log = entries(tr_ctx.db, tr_ctx.municipality_id)
    assert log.iloc[0]["action"] == "translations.export"
    assert log.iloc[0]["detail"]["languages"] == ["ar", "fa", "ti"]
    at.text_input(key="tr-new").set_value("xx-nonsense").run()
    assert "Unbekannte Sprachcodes" in at.error[0].value


def test_a_broken_workbook_lists_its_problems_and_changes_nothing(tr_ctx):
    before = _digest(tr_ctx.settings.data_dir)
    versions = tr_ctx.storage.latest_version(tr_ctx.municipality_id, "newcomer")
    path, wb = _workbook(tr_ctx)
    ws = wb["ar"]
    row = _row(ws, "ui.step_of")
    ws[f"D{row}"] = "خطوة"  # the placeholders {n} and {total} are lost
    at = run_page("translations.py")
    _upload(at, wb)
    assert not at.exception
    problems = _table(at, "Problem")
    hit = problems[problems["Schlüssel"] == "ui.step_of"].iloc[0]
    assert (hit["Art"], hit["Blatt"], hit["Zeile"]) == ("Fehler", "ar", str(row))
    assert "nichts geändert" in at.error[0].value
    assert not [b for b in at.button if b.key == "tr-apply"]
    # not a workbook at all, and a file over the limit
    at.file_uploader(key="tr-upload").set_value(("x.xlsx", b"PK\x03\x04 kaputt", XLSX)).run()
    assert not at.exception and "nichts geändert" in at.error[0].value
    big = b"PK" + b"\0" * (5 * 1024 * 1024 + 1)
    at.file_uploader(key="tr-upload").set_value(("big.xlsx", big, XLSX)).run()
    assert "größer als 5 MB" in at.error[0].value
    assert _digest(tr_ctx.settings.data_dir) == before
    assert tr_ctx.storage.latest_version(tr_ctx.municipality_id, "newcomer") == versions


def test_a_good_workbook_shows_the_diff_then_writes_and_moves_the_open_campaign(tr_ctx):
    mid = tr_ctx.municipality_id
    old_version = tr_ctx.storage.campaign("zw-offen").questionnaire_version_id
    path, wb = _workbook(tr_ctx)
    ws = wb["ar"]
    row = _row(ws, "intro")
    new_text = ws[f"D{row}"].value + " شكرا"
    ws[f"D{row}"] = new_text
    at = run_page("translations.py")
    _upload(at, wb)
    summary = _table(at, "unverändert").set_index("Sprache")
    assert (summary.loc["ar", "geändert"], summary.loc["ar", "neu"]) == (1, 0)
    diff = _table(at, "Änderung")
    assert diff[["Schlüssel", "Änderung", "neu"]].values.tolist() == [["intro", "geändert",
                                                                       new_text]]  # fmt: skip
    assert "zw-offen" in " ".join(m.value for m in at.markdown)
    at.button(key="tr-apply").click().run()
    assert not at.exception and not at.error
    assert "umgestellte Kampagnen: zw-offen" in at.success[0].value
    stored = yaml.safe_load((tr_ctx.settings.questionnaire_dir / "translations"
                             / "newcomer.ar.yaml").read_text(encoding="utf-8"))  # fmt: skip
    assert stored["strings"]["intro"] == new_text
    moved = tr_ctx.storage.campaign("zw-offen").questionnaire_version_id
    assert moved != old_version
    assert moved == tr_ctx.storage.latest_version(mid, "newcomer")
    assert "Keine Änderungen" in at.info[0].value  # the same file again: nothing to do
    log = entries(tr_ctx.db, mid)
    assert log.iloc[0]["action"] == "translations.import"
    assert log.iloc[0]["detail"]["moved"] == ["zw-offen"]


@pytest.mark.usefixtures("media_store")
def test_an_imported_questionnaire_is_listed_and_translated_like_a_built_in_one(tr_ctx):
    """The missing Arabic hint of an imported form is added through the workbook: a new
    version in the database, the open campaign moved onto it, no file written."""
    from surveys.xlsform import import_xlsform, product_texts
    from tests.xlsform.families import kinder_form

    ctx, mid = tr_ctx, tr_ctx.municipality_id
    product = product_texts(ctx.ui_text.strings, ctx.bundles())
    bundle = import_xlsform(kinder_form(), "kinder.xlsx", product=product).bundle
    version = ctx.storage.store_questionnaire_version(mid, bundle)
    ctx.storage.create_campaign(mid, "kinder-w1", "Kinder", version)
    before = _digest(ctx.settings.questionnaire_dir)

    at = run_page("translations.py")
    at.selectbox(key="tr-q").set_value("kinder").run()
    assert not at.exception, at.exception
    coverage = at.dataframe[0].value.set_index("Sprache")
    arabic = coverage[coverage.index.str.endswith("(ar)")].iloc[0]
    assert arabic["in der Umfrage"] == "nein"
    wb = load_workbook(io.BytesIO(payload(at, "Arbeitsmappe")))
    ws = wb["ar"]
    ws[f"D{_row(ws, 'q.kinder.hint')}"] = "في البيت فقط"
    _upload(at, wb)
    assert not at.exception, at.exception
    at.button(key="tr-apply").click().run()
    assert "Übernommen" in at.success[0].value
    moved = ctx.storage.campaign("kinder-w1").questionnaire_version_id
    assert moved != version
    stored = ctx.storage.questionnaire_bundle(moved)
    assert stored.translations["ar"].strings["q.kinder.hint"] == "في البيت فقط"
    assert stored.missing_keys("ar") == []
    assert _digest(ctx.settings.questionnaire_dir) == before  # only the database changed

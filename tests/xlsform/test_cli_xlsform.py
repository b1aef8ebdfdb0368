"""``bedarfsradar xlsform import|export``: a refused file changes nothing (exit 4); an
import that leaves rows out is only stored after ``--yes``, and only once."""

from __future__ import annotations

import pytest
from pyxform.xls2xform import convert

from bedarfsradar.context import init_db
from tests.conftest import make_context
from tests.test_cli import run_cli
from tests.xlsform.corpus import CORPUS, YES_NO, xlsx_bytes


@pytest.fixture
def env(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    return tmp_path, url, {"BEDARFSRADAR_DATABASE_URL": url,
                           "BEDARFSRADAR_SECRET_KEY": "cli-test-secret"}  # fmt: skip


def kobo_file(tmp_path):
    form = next(f for f in CORPUS if f.name == "kobo_default" and f.fmt == "xls")
    path = tmp_path / form.filename
    path.write_bytes(form.data())
    return path


def stored(url: str, questionnaire: str) -> int | None:
    ctx = make_context(url)
    try:
        init_db(ctx)
        return ctx.storage.latest_version(ctx.municipality_id, questionnaire)
    finally:
        ctx.db.dispose()


def test_a_refused_file_lists_its_problems_in_german_and_exits_4(env):
    tmp_path, url, cli_env = env
    path = tmp_path / "kaputt.xlsx"
    survey = [["type", "name", "label"], ["select_one farben", "farbe", "Farbe?"]]
    path.write_bytes(xlsx_bytes({"survey": survey, "choices": YES_NO}))
    done = run_cli("xlsform", "import", str(path), "--yes", env=cli_env)
    assert done.returncode == 4, done.stderr
    assert stored(url, "kaputt") is None
    assert done.stdout.splitlines() == [
        "Blatt survey, Zeile 2, Spalte type (A): Die Liste »farben« fehlt im Blatt choices.",
        "1 Fehler: die Datei wird nicht übernommen, nichts wurde geändert.",
    ]


def test_left_out_rows_are_listed_and_nothing_is_stored_without_yes(env):
    tmp_path, url, cli_env = env
    path = kobo_file(tmp_path)
    done = run_cli("xlsform", "import", str(path), "--audience", "volunteer", env=cli_env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ("Fragebogen »Kobo-Standardformular« (kobo_default, Zielgruppe "
                        "Ehrenamtliche, Version 2024.1): 1 Abschnitt, 3 Fragen, 0 Hinweistexte; "
                        "Sprachen: de")  # fmt: skip
    assert "Nicht übernommen (4):" in lines
    assert any(line.startswith("  Blatt survey, Zeile 2, Spalte type (A): Metadaten (»start«)")
               for line in lines)  # fmt: skip
    assert lines[-1].startswith("Nur Vorschau: mit --yes")
    assert stored(url, "kobo_default") is None

    done = run_cli("xlsform", "import", str(path), "--audience", "volunteer", "--yes", env=cli_env)
    assert done.returncode == 0, done.stderr
    version = stored(url, "kobo_default")
    assert version is not None
    assert f"gespeichert als Fragebogen-Version {version}" in done.stdout.splitlines()
    assert "Sprachen in der Umfrage:" in lines and "  Deutsch: angeboten, Quelltext" in lines
    again = run_cli("xlsform", "import", str(path), "--audience", "volunteer", "--yes", env=cli_env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1] == (
        f"schon gespeichert als Fragebogen-Version {version}: nichts geändert")  # fmt: skip
    ctx = make_context(url)
    bundle = ctx.storage.questionnaire_bundle(version)
    ctx.db.dispose()
    assert bundle.questionnaire.audience == "volunteer"
    assert [q.id for _, q in bundle.questionnaire.questions()] == ["kinder", "anzahl", "wunsch"]


def test_export_writes_a_form_pyxform_converts(env):
    tmp_path, _, cli_env = env
    out = tmp_path / "ehrenamt.xlsx"
    done = run_cli("xlsform", "export", "--questionnaire", "volunteer", "--output", str(out),
                   env=cli_env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"XLSForm geschrieben: {out}")
    warnings: list[str] = []
    convert(str(out), warnings=warnings)
    assert warnings == []


def test_export_puts_recordings_in_media_audio_columns_and_the_media_folder(env):
    from openpyxl import load_workbook

    from surveys.translations.recordings import RecordingStore
    from tests.test_survey_audio import wav

    tmp_path, url, cli_env = env
    ctx = make_context(url)
    init_db(ctx)
    mid = ctx.municipality_id
    version = ctx.storage.latest_version(mid, "newcomer")
    keys = ctx.storage.questionnaire_bundle(version).questionnaire.source_strings()
    ref = RecordingStore(ctx.db).save(
        municipality_id=mid,
        version_id=version,
        language="fa",
        text_key="q.children.label",
        audio=wav(1),
        known_keys=keys,
    )
    ctx.db.dispose()
    out = tmp_path / "neu.xlsx"
    done = run_cli("xlsform", "export", "--questionnaire", "newcomer", "--output", str(out),
                   env=cli_env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "neu-media" / ref.url_name).read_bytes() == wav(1)
    rows = list(load_workbook(out)["survey"].iter_rows(values_only=True))
    column = rows[0].index("media::audio::Persian (fa)")
    assert [r[1] for r in rows[1:] if r[column]] == ["children"]
    warnings: list[str] = []
    convert(str(out), warnings=warnings)
    assert warnings == []

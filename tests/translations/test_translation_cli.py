"""``bedarfsradar translations``: preview, confirmation, publishing a new language."""

from __future__ import annotations

import hashlib

import pytest
from openpyxl import load_workbook
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bedarfsradar.cli import main
from bedarfsradar.context import AppContext
from bedarfsradar.server import routes
from bedarfsradar.settings import Settings, get_settings


@pytest.fixture
def cli(data_copy, tmp_path, monkeypatch, capsys):
    db = tmp_path / "cli.db"
    monkeypatch.setenv("BEDARFSRADAR_DATA_DIR", str(data_copy))
    monkeypatch.setenv("BEDARFSRADAR_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("BEDARFSRADAR_SECRET_KEY", "cli-test-secret")
    get_settings.cache_clear()

    def run(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main(list(args))
        return code, capsys.readouterr().out

    yield run
    get_settings.cache_clear()


def _context(data_copy, tmp_path) -> AppContext:
    return AppContext(Settings(data_dir=data_copy, database_url=f"sqlite:///{tmp_path / 'cli.db'}",
                               secret_key="cli-test-secret"))  # fmt: skip


def _tree_digest(folder) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*.yaml")):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


def test_import_without_edits_reports_no_changes_and_writes_nothing(cli, data_copy, tmp_path):
    out = tmp_path / "t.xlsx"
    code, text = cli("translations", "export", "--output", str(out))
    assert code == 0 and "ar, de-x-ls, en, fa, ru, tr, uk" in text
    before = _tree_digest(data_copy)
    code, text = cli("translations", "import", str(out), "--yes")
    assert code == 0
    # 215 questionnaire and interface rows, 105 rows of the public results pages
    assert "ar: 0 added, 0 changed, 0 review status changed, 320 unchanged" in text
    assert text.strip().endswith("no changes")
    assert _tree_digest(data_copy) == before


def test_import_with_an_error_changes_nothing_and_exits_4(cli, data_copy, tmp_path):
    out = tmp_path / "t.xlsx"
    cli("translations", "export", "--languages", "ar", "--output", str(out))
    wb = load_workbook(out)
    wb["ar"]["D3"] = "Bitte alles auf Deutsch"
    wb["ar"]["D4"] = "نص جديد"
    wb.save(out)
    before = _tree_digest(data_copy)
    code, text = cli("translations", "import", str(out), "--yes")
    assert code == 4
    assert ("error: sheet 'ar', row 3, key intro: Latin letters in the Arabic text: 'Bitte', "
            "'alles', 'auf'") in text  # fmt: skip
    assert "1 error(s): nothing changed" in text
    assert _tree_digest(data_copy) == before


def test_a_new_language_appears_in_the_survey_after_import(cli, data_copy, tmp_path):
    assert cli("init-db")[0] == 0
    ctx = _context(data_copy, tmp_path)
    mid = ctx.municipality_id
    first = ctx.storage.latest_version(mid, "newcomer")
    ctx.storage.create_campaign(mid, "neu", "Test", first)
    app = Starlette(routes=routes(ctx))
    assert "/u/neu/ps/" not in TestClient(app).get("/u/neu/").text

    out = tmp_path / "ps.xlsx"
    assert cli("translations", "export", "--languages", "ps", "--output", str(out))[0] == 0
    # an interpreter fills the Pashto sheet (here: Arabic-script text of the right shape)
    ar_q = ctx.bundles()["newcomer"].translations["ar"].strings
    ar_ui = ctx.ui_text.strings["ar"]
    ar_results = ctx.result_texts.text.strings["ar"]
    wb = load_workbook(out)
    for row in wb["ps"].iter_rows(min_row=2):
        key = row[0].value
        if key.startswith("results."):
            row[3].value = ar_results[key.removeprefix("results.")]
        else:
            row[3].value = ar_ui[key[3:]] if key.startswith("ui.") else ar_q[key]
    wb.save(out)

    code, text = cli("translations", "import", str(out))
    assert code == 0 and "ps: 320 added" in text and "preview only" in text
    assert not (data_copy / "ui" / "ps.yaml").exists()

    code, text = cli("translations", "import", str(out), "--yes")
    assert code == 0, text
    assert (data_copy / "questionnaires" / "translations" / "newcomer.ps.yaml").exists()
    assert (data_copy / "ui" / "ps.yaml").exists()
    assert (data_copy / "results" / "ps.yaml").exists()  # the results pages' texts too
    assert "campaigns now on it: neu" in text
    ctx = _context(data_copy, tmp_path)  # the server after a restart
    assert ctx.storage.campaign("neu").questionnaire_version_id != first
    client = TestClient(Starlette(routes=routes(ctx)), follow_redirects=True)
    choice = client.get("/u/neu/").text
    assert 'href="/u/neu/ps/"' in choice and "پښتو" in choice
    page = client.get("/u/neu/ps/")
    assert page.status_code == 200
    assert 'lang="ps"' in page.text and 'dir="rtl"' in page.text
    code, text = cli("translations", "status")
    assert code == 0
    assert "ps       100.0 % translated    0.0 % reviewed    0 outdated  offered" in text


def test_a_campaign_moves_only_to_a_version_with_the_same_questions(sqlite_ctx):
    from surveys.responses.storage import StorageError

    ctx = sqlite_ctx
    mid = ctx.municipality_id
    bundles = ctx.bundles()
    newcomer = ctx.storage.latest_version(mid, "newcomer")
    ctx.storage.create_campaign(mid, "neu", "Test", newcomer)
    volunteer = ctx.storage.latest_version(mid, "volunteer")
    with pytest.raises(StorageError, match="changes the questions of campaign 'neu'"):
        ctx.storage.switch_campaign_version("neu", volunteer)
    b = bundles["newcomer"]
    fewer = {k: v for k, v in b.translations.items() if k != "tr"}
    other = ctx.storage.store_questionnaire_version(
        mid, b.model_copy(update={"translations": fewer})
    )
    assert ctx.storage.switch_campaign_version("neu", other) is True
    assert ctx.storage.switch_campaign_version("neu", other) is False
    assert ctx.storage.campaign("neu").questionnaire_version_id == other

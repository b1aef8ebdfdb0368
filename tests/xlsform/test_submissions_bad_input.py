"""Bad submission files: each refused or listed with a located German message, and the
database untouched until the guide confirms (the CLI's ``--yes``)."""

from __future__ import annotations

import io
import zipfile

import pytest

from bedarfsradar.context import init_db
from surveys.xlsform.submissions import (
    CampaignRefused,
    SubmissionsError,
    preview_import,
    read_submissions,
    store_import,
)
from tests.conftest import make_context
from tests.test_cli import run_cli
from tests.xlsform.submission_files import (
    Form,
    Interview,
    central_rows,
    central_zip,
    csv_bytes,
    kobo_csv,
    kobo_xlsx,
)

ANSWERS = {"stadtteil": "winkel", "children": "no", "need.housing": "4", "need.work": "2",
           "top3": ["housing", "work"], "helps_most": "Hilfe bei Behörden für Väter"}  # fmt: skip


@pytest.fixture
def env(sqlite_ctx):
    ctx = sqlite_ctx
    mid = ctx.municipality_id
    version = ctx.storage.latest_version(mid, "newcomer")
    campaign = ctx.storage.create_campaign(mid, "tablet-w1", "Tablet", version)
    bundle = ctx.storage.questionnaire_bundle(version)
    return ctx, campaign, bundle, Form(bundle)


def interviews(n: int = 3) -> list[Interview]:
    return [
        Interview(dict(ANSWERS), True, f"uuid:00000000-0000-4000-8000-{k:012d}") for k in range(n)
    ]


def nothing_stored(ctx) -> bool:
    with ctx.db.engine.connect() as conn:
        offline = conn.exec_driver_sql("SELECT count(*) FROM offline_submission").scalar()
        answers = conn.exec_driver_sql("SELECT count(*) FROM answer").scalar()
    return ctx.storage.count_responses(ctx.municipality_id) == 0 and offline == 0 and answers == 0


def refused(ctx, campaign, data: bytes, name: str) -> list[str]:
    with pytest.raises(SubmissionsError) as caught:
        preview_import(ctx.storage, campaign.slug, data, name, language="de")
    assert nothing_stored(ctx)
    return [str(p) for p in caught.value.problems]


def zipped(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return out.getvalue()


def test_a_file_for_another_form_is_refused(env):
    ctx, campaign, _, _ = env
    volunteer = ctx.storage.questionnaire_bundle(
        ctx.storage.latest_version(ctx.municipality_id, "volunteer")
    )
    data = central_zip(Form(volunteer), [Interview({}, True, "uuid:v-1")])
    [problem] = refused(ctx, campaign, data, "volunteer.zip")
    assert problem.startswith(
        "Datei volunteer.csv, Zeile 1: Die Datei enthält Einsendungen des Formulars "
        "»volunteer«; ihre Spalten passen nicht zum Fragebogen"
    )
    assert "(newcomer, Version 2026.1)" in problem


def test_a_kobo_file_of_another_form_is_refused_by_its_columns(env):
    ctx, campaign, _, _ = env
    rows = [["name", "alter", "lieblingsfarbe", "_uuid", "_submission_time"],
            ["Anna", "34", "blau", "abc", "2026-03-01T10:00:00"]]  # fmt: skip
    [problem] = refused(ctx, campaign, csv_bytes(rows, delimiter=";", quote_all=True), "f.csv")
    assert problem.startswith("Datei f.csv, Zeile 1: Die Spalten der Datei passen nicht")


def test_a_corrupt_zip_is_refused(env):
    ctx, campaign, _, form = env
    data = central_zip(form, interviews())
    [problem] = refused(ctx, campaign, data[: len(data) // 2], "newcomer.zip")
    assert problem.startswith("Datei newcomer.zip: Die ZIP-Datei ist beschädigt")
    # intact directory, damaged content: the checksum fails
    broken = bytearray(data)
    start = broken.index(b"newcomer.csv") + len("newcomer.csv") + 10
    broken[start : start + 20] = bytes(20)
    [problem] = refused(ctx, campaign, bytes(broken), "newcomer.zip")
    assert "beschädigt" in problem and "newcomer" in problem


def test_unknown_choice_codes_are_located_and_nothing_is_stored_before_confirmation(env):
    ctx, campaign, bundle, form = env
    rows = central_rows(form, interviews(2))
    header = rows[0]
    housing, top3 = header.index("needs-need-need.housing"), header.index("priorities-top3")
    rows[2][housing] = "7"
    rows[2][top3] = "housing castle"
    data = zipped("newcomer.csv", csv_bytes(rows))
    preview = preview_import(ctx.storage, campaign.slug, data, "newcomer.zip", language="de")
    got = [str(f) for f in preview.plan.findings]
    letter = {housing: _letter(housing), top3: _letter(top3)}
    assert got == [
        f"Datei newcomer.csv, Zeile 3, Spalte needs-need-need.housing ({letter[housing]}): Die "
        "Antwort »7« gibt es bei dieser Frage nicht (möglich: 1, 2, 3, 4, 5, na, dk): die "
        "Antwort entfällt.",
        f"Datei newcomer.csv, Zeile 3, Spalte priorities-top3 ({letter[top3]}): Die Antwort "
        "»castle« gibt es bei dieser Frage nicht: entfällt; die übrigen Antworten werden "
        "übernommen.",
    ]
    assert nothing_stored(ctx)
    # confirmed: stored without the unknown codes
    store_import(ctx.storage, preview)
    frame = ctx.storage.answers_frame(ctx.municipality_id)
    assert frame["response_id"].nunique() == 2
    assert "7" not in set(frame["value"]) and "castle" not in set(frame["value"])
    assert (frame["question_id"] == "top3").sum() == 3  # housing, work + housing


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def test_a_csv_in_another_encoding_is_refused_at_the_first_foreign_character(env):
    ctx, campaign, _, form = env
    data = kobo_csv(form, interviews(), labels="German (de)", encoding="cp1252")
    [problem] = refused(ctx, campaign, data, "kobo.csv")
    assert problem.startswith("Datei kobo.csv, Zeile 1, Spalte ")
    assert "ist kein UTF-8" in problem and "Windows-1252" in problem


def test_a_central_csv_saved_again_with_semicolons_is_refused(env):
    ctx, campaign, _, form = env
    data = csv_bytes(central_rows(form, interviews()), delimiter=";")
    [problem] = refused(ctx, campaign, data, "newcomer.csv")
    assert problem.startswith(
        "Datei newcomer.csv, Zeile 1: Die Spalten sind durch Semikolon getrennt; ODK Central "
        "trennt mit Komma."
    )


def test_a_truncated_row_is_refused_with_its_line(env):
    ctx, campaign, _, form = env
    rows = central_rows(form, interviews())
    rows[2] = rows[2][:10]
    [problem] = refused(ctx, campaign, csv_bytes(rows), "newcomer.csv")
    assert problem.startswith("Datei newcomer.csv, Zeile 3: Die Zeile hat 10 Felder")


def test_rejected_and_other_version_submissions_are_left_out_with_their_reason(env):
    ctx, _, bundle, form = env
    batch = interviews(4)
    batch[1].review = "rejected"
    batch[2].version = "2025.9"
    batch[3].instance = batch[0].instance  # the same submission twice
    plan = read_submissions(central_zip(form, batch), "newcomer.zip", bundle)
    assert [s.row for s in plan.submissions] == [2]
    assert plan.left_out_rows == {
        3: "In ODK Central abgelehnt (»rejected«).",
        4: "Formularversion »2025.9«; die Kampagne nutzt Version »2026.1«: die Antworten "
        "passen womöglich nicht zu ihren Fragen.",
        5: "Dieselbe Einsendung steht schon in Zeile 2.",
    }
    assert {f.row for f in plan.findings} == {3, 4, 5}
    assert len(plan.submissions) + len(plan.left_out_rows) == plan.rows  # none lost unnamed


def test_numbers_are_checked_like_in_the_form(env):
    ctx, _, _, _ = env
    volunteer = ctx.storage.questionnaire_bundle(
        ctx.storage.latest_version(ctx.municipality_id, "volunteer")
    )
    batch = [Interview({"hours_month": hours}, True, f"uuid:h-{k}")
             for k, hours in enumerate(["12", "7,5", "zwölf", "400"])]  # fmt: skip
    plan = read_submissions(kobo_xlsx(Form(volunteer), batch), "k.xlsx", volunteer)
    assert [s.answers.get("hours_month") for s in plan.submissions] == ["12", "7.5", None, None]
    assert [(f.row, f.message) for f in plan.findings] == [
        (4, "Die Antwort ist keine gültige Zahl. Die Antwort entfällt."),
        (5, "Die Zahl liegt außerhalb des erlaubten Bereichs. Die Antwort entfällt."),
    ]
    assert all(f.column and f.column.startswith("engagement/hours_month") for f in plan.findings)


def test_a_closed_campaign_takes_nothing(env):
    ctx, campaign, _, form = env
    ctx.storage.set_campaign_status(campaign.slug, "closed")
    with pytest.raises(CampaignRefused, match="ist nicht offen"):
        preview_import(ctx.storage, campaign.slug, central_zip(form, interviews()), "n.zip",
                       language="de")  # fmt: skip
    assert nothing_stored(ctx)


# -- the command line ---------------------------------------------------------------------------
@pytest.fixture
def cli(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    ctx = make_context(url, "cli-test-secret")
    init_db(ctx)
    version = ctx.storage.latest_version(ctx.municipality_id, "newcomer")
    ctx.storage.create_campaign(ctx.municipality_id, "tablet-w1", "Tablet", version)
    bundle = ctx.storage.questionnaire_bundle(version)
    env = {"BEDARFSRADAR_DATABASE_URL": url, "BEDARFSRADAR_SECRET_KEY": "cli-test-secret"}
    yield ctx, Form(bundle, metadata=True), env
    ctx.db.dispose()


def test_cli_previews_then_stores_with_yes_and_a_second_import_adds_nothing(cli, tmp_path):
    ctx, form, env = cli
    path = tmp_path / "newcomer.zip"
    path.write_bytes(central_zip(form, interviews()))
    args = ("submissions", "import", str(path), "--campaign", "tablet-w1")
    done = run_cli(*args, env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("newcomer.zip (ODK Central, CSV im ZIP, XML-Werte): 3 Einsendungen")
    dropped = {line.split(" (")[0].strip(): line.split("): ", 1)[1] for line in lines
               if line.startswith("  ") and "): " in line}  # fmt: skip
    assert (
        dropped["SubmitterName"] == "Name oder Konto der interviewenden Person: nicht gespeichert."
    )
    assert dropped["deviceid"] == "Gerätekennung: nicht gespeichert."
    assert dropped["gps-Latitude"].startswith("Ortsangabe (GPS): nicht gespeichert")
    assert dropped["meta-instanceID"].startswith("Kennung der Einsendung: nicht gespeichert, nur")
    assert (
        lines[-2] == "Beim Speichern: 3 neu, 0 ersetzen eine frühere Fassung, 0 schon importiert."
    )
    assert lines[-1] == "Nur Vorschau: mit --yes speichern."
    assert ctx.storage.count_responses(ctx.municipality_id) == 0
    done = run_cli(*args, "--yes", env=env)
    assert (
        done.stdout.splitlines()[-1]
        == "gespeichert: 3 neu, 0 ersetzt, 0 unverändert (schon importiert)"
    )
    done = run_cli(*args, "--yes", env=env)
    assert (
        done.stdout.splitlines()[-1]
        == "gespeichert: 0 neu, 0 ersetzt, 3 unverändert (schon importiert)"
    )
    assert ctx.storage.count_responses(ctx.municipality_id) == 3


def test_cli_refuses_a_bad_file_with_exit_4_and_an_unknown_campaign_with_exit_5(cli, tmp_path):
    ctx, form, env = cli
    path = tmp_path / "newcomer.zip"
    path.write_bytes(central_zip(form, interviews())[:300])
    done = run_cli("submissions", "import", str(path), "--campaign", "tablet-w1", "--yes", env=env)
    assert done.returncode == 4
    assert done.stdout.splitlines() == [
        "Datei newcomer.zip: Die ZIP-Datei ist beschädigt oder unvollständig (z. B. ein "
        "abgebrochener Download). Bitte den Export in ODK Central bzw. KoboToolbox erneut "
        "herunterladen.",
        "1 Fehler: die Datei wird nicht übernommen, nichts wurde gespeichert.",
    ]
    done = run_cli("submissions", "import", str(path), "--campaign", "gibt-es-nicht", env=env)
    assert done.returncode == 5
    assert done.stderr.strip() == "bedarfsradar: Die Kampagne »gibt-es-nicht« gibt es nicht."
    assert nothing_stored(ctx)

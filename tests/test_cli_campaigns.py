"""``bedarfsradar campaign add|list``: a wave with any stored questionnaire version, from
the command line; bad input is one German line and exit code 4, nothing stored."""

from __future__ import annotations

import pytest

from bedarfsradar.audit import entries
from bedarfsradar.context import init_db
from surveys.xlsform import import_xlsform, product_texts
from tests.conftest import make_context
from tests.test_cli import run_cli
from tests.xlsform.families import kinder_form


@pytest.fixture
def env(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    ctx = make_context(url)
    init_db(ctx)
    product = product_texts(ctx.ui_text.strings, ctx.bundles())
    result = import_xlsform(kinder_form(), "kinder.xlsx", product=product)
    version = ctx.storage.store_questionnaire_version(ctx.municipality_id, result.bundle)
    yield ctx, version, {"BEDARFSRADAR_DATABASE_URL": url,
                         "BEDARFSRADAR_SECRET_KEY": "test-secret"}  # fmt: skip
    ctx.db.dispose()


def test_a_wave_with_an_imported_questionnaire_names_the_languages_it_cannot_offer(env):
    ctx, version, cli_env = env
    done = run_cli("campaign", "add", "kinder-w1", "--questionnaire", "kinder", "--title",
                   "Kinder – Welle 1", "--opens", "2027-03-01", "--open", env=cli_env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"angelegt: kinder-w1 – Kinder – Welle 1, Welle 1, "
                               f"Fragebogen-Version {version}, offen")  # fmt: skip
    assert "Die Umfrage wird angeboten auf: Deutsch." in lines
    assert "Nicht angeboten: Arabisch – 1 Text des Fragebogens fehlt." in lines
    assert "  fehlt: Hinweis unter der Frage „Wie viele Kinder?“: »Nur im Haushalt«" in lines
    campaign = ctx.storage.campaign("kinder-w1")
    assert (campaign.status, campaign.questionnaire_version_id) == ("open", version)
    log = entries(ctx.db, ctx.municipality_id)
    assert (log.iloc[0]["actor"], log.iloc[0]["action"]) == ("cli", "campaign.create")

    listed = run_cli("campaign", "list", "--questionnaires", env=cli_env)
    assert listed.returncode == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if line.startswith("kinder-w1"))
    assert "Sprachen: de" in row and "kinder" in row
    assert any(f"Nr. {version} · " in line and "importiert" in line
               for line in listed.stdout.splitlines())  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--questionnaire", "gibtsnicht"], "Fragebogen »gibtsnicht« ist nicht gespeichert"),
     (["--questionnaire", "999"], "Fragebogen-Version 999 gibt es nicht."),
     (["--questionnaire", "newcomer", "--opens", "31.02.2027"], "--opens: „31.02.2027“ ist kein"),
     (["--questionnaire", "newcomer", "--opens", "2027-05-01", "--closes", "2027-04-01"],
      "Das Ende liegt vor dem Start")],
)  # fmt: skip
def test_bad_input_is_one_german_line_and_exit_4(env, args, message):
    ctx, _, cli_env = env
    done = run_cli("campaign", "add", "w9", "--title", "Welle 9", *args, env=cli_env)
    assert done.returncode == 4, done.stdout
    [line] = done.stdout.splitlines()
    assert line.startswith("nicht angelegt: ") and message in line
    assert "w9" not in {c.slug for c in ctx.storage.campaigns(ctx.municipality_id)}


def test_a_slug_taken_already_is_refused(env):
    _, _, cli_env = env
    first = run_cli("campaign", "add", "neu-w1", "--questionnaire", "newcomer", "--title", "A",
                    env=cli_env)  # fmt: skip
    assert first.returncode == 0, first.stderr
    again = run_cli("campaign", "add", "neu-w1", "--questionnaire", "newcomer", "--title", "B",
                    env=cli_env)  # fmt: skip
    assert again.returncode == 4
    assert "Den Kurznamen „neu-w1“ gibt es schon" in again.stdout

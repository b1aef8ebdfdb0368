"""The command line: clear one-line errors with exit codes; commands do what they say."""

import os
import subprocess
import sys

import pytest

from bedarfsradar import PROJECT_ROOT
from bedarfsradar.cli import EXIT_DATABASE, EXIT_USER, main


def run_cli(*args, env=None, stdin=None):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "bedarfsradar.cli", *args],
        capture_output=True, text=True, env=full_env, input=stdin, cwd=PROJECT_ROOT,
        timeout=120,
    )  # fmt: skip


@pytest.fixture
def cli_env(tmp_path):
    return {"BEDARFSRADAR_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "BEDARFSRADAR_SECRET_KEY": "cli-test-secret",
            "BEDARFSRADAR_BACKUP_DIR": str(tmp_path / "backups")}  # fmt: skip


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://u@h/db", "bedarfsradar: database: unsupported database 'mysql'"),
        ("not a url", "bedarfsradar: database: cannot parse database URL 'not a url'"),
        ("postgresql+psycopg://u:p@127.0.0.1:1/db", "bedarfsradar: database not reachable:"),
    ],
)
def test_bad_database_url_gives_one_line_and_exit_code_3(url, expected):
    done = run_cli("init-db", env={"BEDARFSRADAR_DATABASE_URL": url})
    assert done.returncode == EXIT_DATABASE
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(expected)
    assert "Traceback" not in done.stderr


def test_demo_then_demo_again_keeps_the_data(cli_env):
    first = run_cli("demo", env=cli_env)
    assert first.returncode == 0, first.stderr
    assert "demo data loaded: 420 newcomer, 60 volunteer, 25 administration" in first.stdout
    assert "guide / demo-guide-2026 (guide)" in first.stdout
    second = run_cli("demo", env=cli_env)
    assert second.returncode == 0
    assert "existing data kept" in second.stdout
    assert "guide / demo-guide-2026" in second.stdout  # still printed while unchanged


def test_user_add_reads_password_from_stdin_and_rejects_duplicates(cli_env):
    assert run_cli("init-db", env=cli_env).returncode == 0
    ok = run_cli(
        "user",
        "add",
        "barbara",
        "--role",
        "admin",
        "--password-stdin",
        env=cli_env,
        stdin="ein-langes-passwort\n",
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "user barbara (admin) added"
    again = run_cli(
        "user", "add", "barbara", "--password-stdin", env=cli_env, stdin="ein-langes-passwort\n"
    )
    assert again.returncode == EXIT_USER
    assert again.stderr.strip() == "bedarfsradar: user 'barbara' exists already"
    short = run_cli("user", "add", "kurt", "--password-stdin", env=cli_env, stdin="kurz\n")
    assert short.returncode == EXIT_USER
    assert "mindestens 12 Zeichen" in short.stderr


def test_backup_and_restore_on_sqlite(cli_env, tmp_path):
    from tests.conftest import make_context

    assert run_cli("demo", env=cli_env).returncode == 0
    ctx = make_context(cli_env["BEDARFSRADAR_DATABASE_URL"], cli_env["BEDARFSRADAR_SECRET_KEY"])
    before = ctx.storage.answers_frame(ctx.municipality_id)
    done = run_cli("backup", env=cli_env)
    assert done.returncode == 0, done.stderr
    path = done.stdout.strip().split(": ", 1)[1]
    # lose data, then restore
    ctx.storage.delete_by_receipt(ctx.storage.receipt_code(before["response_id"].iloc[0]))
    assert ctx.storage.count_responses() == 504
    ctx.db.dispose()
    refused = run_cli("restore", path, env=cli_env)
    assert refused.returncode != 0 and "--yes" in refused.stdout
    restored = run_cli("restore", path, "--yes", env=cli_env)
    assert restored.returncode == 0, restored.stderr
    after = ctx.storage.answers_frame(ctx.municipality_id)
    assert ctx.storage.count_responses() == 505
    key = ["response_id", "question_id", "item", "value"]
    assert (
        before[key].sort_values(key).values.tolist() == after[key].sort_values(key).values.tolist()
    )


def test_restore_rejects_a_file_that_is_not_a_backup(cli_env, tmp_path):
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_text("not a database")
    assert run_cli("init-db", env=cli_env).returncode == 0
    done = run_cli("restore", str(bogus), "--yes", env=cli_env)
    assert done.returncode == EXIT_USER
    assert "is not a SQLite backup" in done.stderr


def test_usage_error_exit_code_2():
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2

"""``bedarfsradar invitations``: a list with problems stores nothing (exit 4), a good one
is stored with --yes, invitations go out through a real SMTP server, and a server that
is down leaves a resumable mailing (exit 5) that ``resume`` finishes."""

from __future__ import annotations

from tests.invitations.conftest import free_port
from tests.test_cli import cli_env, run_cli  # noqa: F401  (fixture)


def test_invitations_from_the_command_line(cli_env, tmp_path, smtp_server):  # noqa: F811
    assert run_cli("init-db", env=cli_env).returncode == 0
    slug = "personal-cli"
    from bedarfsradar.context import AppContext
    from bedarfsradar.settings import Settings
    from tests.conftest import DATA_DIR

    settings = Settings(database_url=cli_env["BEDARFSRADAR_DATABASE_URL"], data_dir=DATA_DIR,
                        secret_key=cli_env["BEDARFSRADAR_SECRET_KEY"])  # fmt: skip
    ctx = AppContext(settings)
    version = ctx.storage.latest_version(ctx.municipality_id, "administration")
    ctx.storage.create_campaign(ctx.municipality_id, slug, "Personal", version)
    ctx.db.dispose()

    bad = tmp_path / "bad.csv"
    bad.write_text("Name;E-Mail\nAnna Roth;anna@\n;leer@stadt.example\n", encoding="utf-8")
    done = run_cli("invitations", "add", str(bad), "--campaign", slug, "--yes", env=cli_env)
    assert done.returncode == 4
    assert "Zeile 2: „anna@“ ist keine gültige E-Mail-Adresse." in done.stderr
    assert "Zeile 3: Der Name fehlt." in done.stderr
    good = tmp_path / "good.csv"
    good.write_text("Name;E-Mail;Bereich\nAnna Roth;anna@stadt.example;Bürgerbüro\n"
                    "Ben Sommer;;Kita\n", encoding="utf-8")  # fmt: skip
    done = run_cli("invitations", "add", str(good), "--campaign", slug, "--yes", env=cli_env)
    assert done.returncode == 0 and "2 Personen gespeichert" in done.stdout

    down = {**cli_env, "BEDARFSRADAR_SMTP_HOST": "127.0.0.1", "BEDARFSRADAR_SMTP_SECURITY": "none",
            "BEDARFSRADAR_SMTP_FROM": "guide@stadt.example",
            "BEDARFSRADAR_PUBLIC_BASE_URL": "https://umfrage.example"}  # fmt: skip
    done = run_cli("invitations", "send", "--campaign", slug, "--yes",
                   env={**down, "BEDARFSRADAR_SMTP_PORT": str(free_port())})  # fmt: skip
    assert done.returncode == 5 and "nicht erreichbar" in done.stderr
    up = {**down, "BEDARFSRADAR_SMTP_PORT": str(smtp_server.port)}
    done = run_cli("invitations", "resume", "--campaign", slug, env=up)
    assert done.returncode == 0 and "done: 1 verschickt" in done.stdout
    [message] = smtp_server.to("anna@stadt.example")
    assert (
        "https://umfrage.example/u/personal-cli/?t=" in message.get_body(("plain",)).get_content()
    )
    letters = tmp_path / "briefe.pdf"
    done = run_cli("invitations", "letters", "--campaign", slug, "--output", str(letters), env=up)
    assert done.returncode == 0 and letters.read_bytes().startswith(b"%PDF")
    status = run_cli("invitations", "status", "--campaign", slug, env=up)
    assert "2 auf der Liste, 2 eingeladen, 0 teilgenommen" in status.stdout
    assert "anna" not in status.stdout.lower()  # counts, never recipients

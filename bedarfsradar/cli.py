"""Command line: ``bedarfsradar [--town SLUG] init-db | demo | serve | town | user |
campaign | backup | restore | purge | …`` (and translations, xlsform, poster, land;
``--town``: :mod:`bedarfsradar.cli_towns`).

Errors are one line on stderr with a specific exit code, never a traceback:
1 unexpected, 2 usage, 3 database unreachable or misconfigured, 4 invalid data file,
5 user or backup problem.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from bedarfsradar import (
    cli_campaigns,
    cli_invitations,
    cli_land,
    cli_materials,
    cli_privacy,
    cli_submissions,
    cli_towns,
    cli_translations,
)
from bedarfsradar.backup import BackupError
from bedarfsradar.context import AppContext, init_db, load_demo
from bedarfsradar.db import DatabaseConfigError
from bedarfsradar.users import UserError
from surveys.questionnaire.loader import QuestionnaireError
from surveys.responses.storage import StorageError

EXIT_UNEXPECTED, EXIT_USAGE, EXIT_DATABASE, EXIT_DATA, EXIT_USER = 1, 2, 3, 4, 5

DEMO_USERS = (
    ("admin", "demo-admin-2026", "admin"),
    ("guide", "demo-guide-2026", "guide"),
    ("viewer", "demo-viewer-2026", "viewer"),
)


def _out(msg: str) -> None:
    print(msg, flush=True)


def cmd_init_db(ctx: AppContext, args: argparse.Namespace) -> int:
    result = init_db(ctx)
    _out(
        f"database at revision {result.revision}; questionnaire versions "
        + ", ".join(f"{a}={v}" for a, v in result.versions.items())
        + f"; {result.offers_added} offers added"
    )
    return 0


def ensure_demo_users(ctx: AppContext) -> list[tuple[str, str, str]]:
    from bedarfsradar.users import add_user, user_exists

    created = []
    for name, password, role in DEMO_USERS:
        if not user_exists(ctx.db, ctx.municipality_id, name):
            add_user(ctx.db, ctx.municipality_id, name, password, role, actor="demo")
            created.append((name, password, role))
    return created


def cmd_demo(ctx: AppContext, args: argparse.Namespace) -> int:
    if args.towns and args.towns > 1:
        return _network_demo(ctx, args)
    from bedarfsradar.db import rls

    stored = load_demo(ctx, force=args.force)
    if stored is None:
        _out("database has data already: demo not loaded (existing data kept)")
    else:
        _out("demo data loaded: " + ", ".join(f"{n} {a}" for a, n in stored.items()))
    with rls.town_scope(ctx.home_municipality_id):  # the installation's own town
        ensure_demo_users(ctx)
        for name, password, role in demo_logins(ctx):
            _out(f"demo login: {name} / {password} ({role})")
    return 0


def _network_demo(ctx: AppContext, args: argparse.Namespace) -> int:
    from bedarfsradar import network_demo
    from bedarfsradar.db import rls

    done = network_demo.load_network_demo(ctx, args.towns, args.newcomers)
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in done.seconds.items())
    _out(f"network demo: {len(done.towns)} towns, {done.responses} responses stored ({phases})")
    with rls.town_scope(ctx.home_municipality_id):
        ensure_demo_users(ctx)
        for name, password, role in demo_logins(ctx):
            _out(f"demo login ({ctx.home_geography.name}): {name} / {password} ({role})")
    _out(f"demo login (Land): {network_demo.LAND_LOGIN[0]} / {network_demo.LAND_LOGIN[1]} (land)")
    _out(f"demo login (other towns): <kürzel>-admin / {network_demo.TOWN_PASSWORD} (admin)")
    return 0


def demo_logins(ctx: AppContext) -> list[tuple[str, str, str]]:
    """Demo users whose password is still the published demo password."""
    from sqlalchemy import select

    from bedarfsradar.db.schema import AppUser
    from bedarfsradar.users import verify_password

    with ctx.db.read() as s:
        hashes = dict(
            s.execute(
                select(AppUser.username, AppUser.password_hash).where(
                    AppUser.municipality_id == ctx.municipality_id, AppUser.active.is_(True)
                )
            ).all()
        )
    return [(n, p, r) for n, p, r in DEMO_USERS if n in hashes and verify_password(hashes[n], p)]


def cmd_serve(ctx: AppContext, args: argparse.Namespace) -> int:
    from bedarfsradar import server

    host = args.host or ctx.settings.host
    port = args.port or ctx.settings.port
    init_db(ctx)  # migrations current before the first request
    _out(f"Bedarfsradar on http://{host}:{port}/  (dashboard; login at /login)")
    _out(
        f"  public surveys: http://{host}:{port}/u/<kommune>/<kampagne> (one town: "
        "/u/<kampagne>)  health: /healthz"
    )
    server.run(host, port)
    return 0


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Passwort: ")
    if getpass.getpass("Passwort wiederholen: ") != first:
        raise UserError("passwords do not match")
    return first


def cmd_user(ctx: AppContext, args: argparse.Namespace) -> int:
    from bedarfsradar import tenancy, users

    mid = ctx.municipality_id
    if args.action == "add" and args.role == tenancy.LAND_ROLE:
        if args.town not in (None, tenancy.LAND_SLUG):
            raise tenancy.TownError(
                "Benutzer des Landes gehören zu keiner Kommune: ohne --town anlegen."
            )
        users.check_new_user(args.username, None, args.role)
        password = _password(args)
        land = tenancy.town_by_id(ctx, tenancy.ensure_land(ctx))
        assert land is not None
        tenancy.add_user(ctx, land, args.username, password, args.role)
        _out(f"user {args.username} (land) added")
    elif args.action == "add":
        role = args.role or "guide"
        tenant = tenancy.town_by_id(ctx, mid)
        assert tenant is not None
        tenancy.add_user(ctx, tenant, args.username, _password(args), role)
        _out(f"user {args.username} ({role}) added")
    elif args.action == "passwd":
        users.set_password(ctx.db, mid, args.username, _password(args))
        _out(f"password of {args.username} changed")
    elif args.action == "role":
        if not args.role:
            raise UserError("name the new role: --role admin|guide|viewer")
        users.set_role(ctx.db, mid, args.username, args.role)
        _out(f"role of {args.username}: {args.role}")
    else:
        users.set_active(ctx.db, mid, args.username, args.action == "enable")
        _out(f"user {args.username} {args.action}d")
    return 0


def cmd_backup(ctx: AppContext, args: argparse.Namespace) -> int:
    from bedarfsradar.backup import backup

    if args.town:  # one town: its rows as a single-town SQLite database
        from datetime import UTC, datetime

        from bedarfsradar import tenancy, town_data

        town = tenancy.require_town(ctx, args.town)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        folder = Path(args.dir) if args.dir else ctx.settings.backup_dir
        done = town_data.export_town(ctx, town, folder / f"{town.slug}-{stamp}.sqlite")
        _out(f"backup of {town.name} written: {done.path} ({sum(done.rows.values())} rows)")
        return 0
    path = backup(
        ctx.owner_db,
        ctx.settings.effective_backup_url,
        Path(args.dir) if args.dir else ctx.settings.backup_dir,
    )
    _out(f"backup written: {path}")
    return 0


def cmd_restore(ctx: AppContext, args: argparse.Namespace) -> int:
    from bedarfsradar.backup import restore

    if not args.yes:
        _out("restore replaces ALL data in the database; repeat with --yes to proceed")
        return EXIT_USAGE
    ctx.db.dispose()
    restore(ctx.owner_db, ctx.settings.effective_migration_url, Path(args.file))
    _out(f"restored from {args.file}")
    return 0


def cmd_report(ctx: AppContext, args: argparse.Namespace) -> int:
    from bedarfsradar import audit, releases
    from reports import MeasureError, ReportError

    finals = [r for r in ctx.releases.releases(ctx.municipality_id) if r.kind == "final"]
    release_id = args.release or (finals[0].id if finals else None)
    if release_id is None:
        return _fail(EXIT_DATA, "report: no final release yet (bedarfsradar release create)")
    out = Path(args.output or f"bericht-freigabe-{release_id}.{args.format}")
    try:
        data = releases.release_report(ctx, release_id, args.format)
    except (ReportError, MeasureError) as exc:
        return _fail(EXIT_DATA, f"report: {exc}")
    out.write_bytes(data)
    audit.record(ctx.db, ctx.municipality_id, "cli", "report.download", release=release_id,
                 format=args.format)  # fmt: skip
    _out(f"report written: {out} ({len(data) // 1024} KB)")
    return 0


def cmd_release(ctx: AppContext, args: argparse.Namespace) -> int:
    from analysis.catalogue import ReleaseRefused
    from bedarfsradar import releases

    if args.action == "list":
        for r in ctx.releases.releases(ctx.municipality_id):
            _out(f"{r.id}\t{r.label}\t{r.content_hash[:12]}")
        return 0
    state = releases.waves(ctx).get(args.wave) if args.wave is not None else None
    if state is None:
        return _fail(EXIT_USAGE, "release create: --wave N of an existing wave required")
    kind = "interim" if state.open else "final"
    try:
        if not args.yes:
            releases.preview(ctx, args.wave, kind)
            _out(f"wave {args.wave}: a {kind} release is possible; store it with --yes")
            return 0
        info = releases.release_wave(ctx, args.wave, kind, "cli")
    except ReleaseRefused as exc:
        return _fail(EXIT_DATA, f"release: {exc}")
    _out(f"released: {info.label} (id {info.id}, sha256 {info.content_hash})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bedarfsradar", description=__doc__.splitlines()[0])
    p.add_argument(
        "--town", help="the town a command works on (default: BEDARFSRADAR_MUNICIPALITY)"
    )
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("init-db", help="create or migrate the database and load questionnaires")
    d = sub.add_parser("demo", help="load demo data into an empty database")
    d.add_argument("--force", action="store_true", help="add demo campaigns even if data exist")
    d.add_argument("--towns", type=int, help="a KISI network of N towns (PostgreSQL)")
    d.add_argument("--newcomers", type=int, default=500, help="--towns: newcomers per town")
    s = sub.add_parser("serve", help="run dashboard and public survey on one port")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    u = sub.add_parser("user", help="manage dashboard users")
    u.add_argument("action", choices=["add", "passwd", "role", "disable", "enable"])
    u.add_argument("username")
    u.add_argument(
        "--role", choices=["admin", "guide", "viewer", "land"], help="add: default guide"
    )
    u.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    b = sub.add_parser("backup", help="write a backup file")
    b.add_argument("--dir", help="target folder (default: backups/)")
    r = sub.add_parser("restore", help="replace the database with a backup")
    r.add_argument("file")
    r.add_argument("--yes", action="store_true")
    rp = sub.add_parser("report", help="Stadtrat report of a release (default: the newest final)")
    rp.add_argument("--release", type=int, help="release id (bedarfsradar release list)")
    rp.add_argument("--format", choices=["pptx", "pdf"], default="pptx")
    rp.add_argument("--output", help="file to write (default: bericht-freigabe-<id>.<format>)")
    rl = sub.add_parser("release", help="list releases or release a wave (catalogue tables)")
    rl.add_argument("action", choices=["list", "create"])
    rl.add_argument("--wave", type=int)
    rl.add_argument("--yes", action="store_true", help="store the release (else: check only)")
    cli_translations.add_parsers(sub)
    cli_materials.add_parsers(sub)
    cli_privacy.add_parsers(sub)
    cli_submissions.add_parsers(sub)
    cli_invitations.add_parsers(sub)
    cli_campaigns.add_parsers(sub)
    cli_towns.add_parsers(sub)
    cli_land.add_parsers(sub)
    return p


COMMANDS: dict[str, Callable[[AppContext, argparse.Namespace], int]] = {
    "init-db": cmd_init_db, "demo": cmd_demo, "serve": cmd_serve, "user": cmd_user,
    "backup": cmd_backup, "restore": cmd_restore,
}  # fmt: skip
COMMANDS["report"] = cmd_report
COMMANDS["release"] = cmd_release
COMMANDS.update({**cli_translations.COMMANDS, **cli_materials.COMMANDS})
COMMANDS.update(cli_privacy.COMMANDS)
COMMANDS.update(cli_submissions.COMMANDS)
COMMANDS.update(cli_invitations.COMMANDS)
COMMANDS.update(cli_campaigns.COMMANDS)
COMMANDS.update(cli_towns.COMMANDS)
COMMANDS.update(cli_land.COMMANDS)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    ctx = AppContext()
    try:
        with cli_towns.town_of_command(ctx, args):
            return COMMANDS[args.command](ctx, args)
    except DatabaseConfigError as exc:
        return _fail(EXIT_DATABASE, f"database: {exc}")
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        return _fail(EXIT_DATABASE, f"database not reachable: {reason}")
    except QuestionnaireError as exc:
        return _fail(EXIT_DATA, f"invalid data file:\n{exc}")
    except (UserError, BackupError, StorageError, LookupError) as exc:
        return _fail(EXIT_USER, str(exc).strip("'\""))
    except SQLAlchemyError as exc:
        return _fail(EXIT_DATABASE, f"database error: {type(exc).__name__}")
    except KeyboardInterrupt:
        return 130


def _fail(code: int, message: str) -> int:
    print(f"bedarfsradar: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())

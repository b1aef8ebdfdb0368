"""Commands ``town add|list`` and the global ``--town SLUG`` (:mod:`bedarfsradar.cli`).

``bedarfsradar town add SLUG --name NAME --stadtteile "Nord, Süd" --admin NAME`` adds a
town with its questionnaires and its first admin (password asked twice, or one line on
stdin with ``--password-stdin``); every refusal is one German line, nothing stored.
``bedarfsradar --town SLUG <command> …`` runs a command for that town (default: the
installation's own, ``BEDARFSRADAR_MUNICIPALITY``); ``--town land`` is the Land's tenant.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from sqlalchemy.exc import OperationalError, ProgrammingError

from bedarfsradar import tenancy
from bedarfsradar.context import AppContext
from bedarfsradar.db import rls

WITHOUT_TOWN = frozenset({"init-db", "demo", "serve", "town", "backup", "restore", "land"})
"""Commands of the whole installation (``--town`` narrows those that can be narrowed)."""


def cmd_town(ctx: AppContext, args: argparse.Namespace, password: str | None = None) -> int:
    if args.action == "list":
        for town in tenancy.towns(ctx, kind=None):
            parts = ", ".join(n for _, n in town.stadtteile) or "(data/geography.yaml)"
            print(f"{town.slug}\t{town.name}\t{town.kind}\t{parts}", flush=True)
        return 0
    for flag, value in (("SLUG", args.slug), ("--name", args.name),
                        ("--stadtteile", args.stadtteile), ("--admin", args.admin)):  # fmt: skip
        if not value:
            raise tenancy.TownError(f"town add: {flag} fehlt.")
    if password is None:
        from bedarfsradar.cli import _password

        password = _password(args)
    town = tenancy.add_town(ctx, args.slug, args.name, args.stadtteile, args.admin, password)
    print(
        f"Kommune {town.name} ({town.slug}) angelegt: {len(town.stadtteile)} Stadtteile, "
        f"Admin {args.admin}; Befragungen unter /u/{town.slug}/<kampagne>/",
        flush=True,
    )
    return 0


@contextmanager
def town_of_command(ctx: AppContext, args: argparse.Namespace) -> Iterator[None]:
    """The command's town as the current town: ``--town``, else the installation's own
    (commands of the whole installation run without one unless ``--town`` is given)."""
    slug = getattr(args, "town", None)
    if slug is None and args.command in WITHOUT_TOWN:
        with nullcontext():
            yield
        return
    if slug is None:
        try:
            home = ctx.storage.municipality_id(ctx.settings.municipality)
        except (OperationalError, ProgrammingError):
            home = None  # no database yet: the command creates it (or says what is wrong)
        with rls.town_scope(home):
            yield
        return
    town = tenancy.require_town(ctx, slug)
    with rls.town_scope(town.id):
        yield


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    t = sub.add_parser("town", help="towns of the installation (KISI network)")
    t.add_argument("action", choices=["add", "list"])
    t.add_argument("slug", nargs="?", help="add: short name in addresses, e.g. idstein")
    t.add_argument("--name", help="add: the town's name, e.g. Idstein")
    t.add_argument("--stadtteile", help='add: "Nord, Süd" or "nord=Nord,sued=Süd"')
    t.add_argument("--admin", help="add: user name of the town's first admin")
    t.add_argument("--password-stdin", action="store_true", help="read the password from stdin")


COMMANDS = {"town": cmd_town}

"""Commands ``town add|list|remove`` and the global ``--town SLUG`` (:mod:`bedarfsradar.cli`).

``bedarfsradar town add SLUG --name NAME --stadtteile "Nord, Süd" --admin NAME`` adds a
town with its questionnaires and its first admin (password asked twice, or one line on
stdin with ``--password-stdin``); every refusal is one German line, nothing stored.
``bedarfsradar town remove SLUG --export DIR --yes``: the town leaves the network (its data
exported to ``DIR/SLUG.sqlite``, checked, then deleted; :mod:`bedarfsradar.town_data`).
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
    if args.action == "remove":
        return _remove(ctx, args)
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


def _remove(ctx: AppContext, args: argparse.Namespace) -> int:
    from pathlib import Path

    from bedarfsradar import town_data

    if not args.slug or not args.export:
        raise tenancy.TownError("town remove: SLUG und --export ORDNER angeben.")
    town = tenancy.require_town(ctx, args.slug)
    if not args.yes:
        rows = sum(town_data.town_rows(ctx, town.id).values())
        print(f"{town.name}: {rows} Zeilen würden nach {args.export}/{town.slug}.sqlite "
              "exportiert und dann gelöscht; mit --yes ausführen", flush=True)  # fmt: skip
        return 2
    done = town_data.remove_town(ctx, args.slug, Path(args.export))
    print(f"{town.name} hat das Netzwerk verlassen: {sum(done.rows.values())} Zeilen nach "
          f"{done.path} exportiert und gelöscht", flush=True)  # fmt: skip
    return 0


def cmd_additions(ctx: AppContext, args: argparse.Namespace) -> int:
    """A town's own questions beside the core (:mod:`surveys.questionnaire.additions`)."""
    from pathlib import Path

    from surveys.questionnaire.additions import load_additions, question_ids, with_additions

    town = tenancy.town_by_id(ctx, ctx.municipality_id)
    if town is None or town.kind != "town":
        raise tenancy.TownError("additions: nur für eine Kommune (--town SLUG).")
    core = tenancy.core_of(ctx, town)[args.audience]
    bundle = with_additions(core, load_additions(Path(args.file)), Path(args.file).name)
    own = sorted(question_ids(bundle) - question_ids(core))
    if not args.yes:
        print(f"{town.name}: {len(own)} eigene Fragen ({', '.join(own)}) neben dem "
              "Kernfragebogen; mit --yes speichern", flush=True)  # fmt: skip
        return 2
    version = ctx.storage.store_questionnaire_version(town.id, bundle)
    print(f"{town.name}: Fragebogen {args.audience} mit {len(own)} eigenen Fragen gespeichert "
          f"(Version {version}); neue Kampagnen verwenden ihn", flush=True)  # fmt: skip
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
    t.add_argument("action", choices=["add", "list", "remove"])
    t.add_argument("slug", nargs="?", help="add/remove: short name in addresses, e.g. idstein")
    t.add_argument("--name", help="add: the town's name, e.g. Idstein")
    t.add_argument("--stadtteile", help='add: "Nord, Süd" or "nord=Nord,sued=Süd"')
    t.add_argument("--admin", help="add: user name of the town's first admin")
    t.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    t.add_argument("--export", help="remove: folder for the town's data (SLUG.sqlite)")
    t.add_argument("--yes", action="store_true", help="remove: really export and delete")
    a = sub.add_parser("additions", help="a town's own questions beside the core questionnaire")
    a.add_argument("file", help="YAML with the town's own sections")
    a.add_argument("--audience", choices=["newcomer", "volunteer", "administration"],
                   default="newcomer")  # fmt: skip
    a.add_argument("--yes", action="store_true", help="store the new version")


COMMANDS = {"town": cmd_town, "additions": cmd_additions}

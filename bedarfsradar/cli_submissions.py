"""Command ``submissions import FILE --campaign SLUG [--language de] [--yes]``: offline
interviews (ODK Collect, KoboCollect) from an ODK Central or KoboToolbox export.

Registered in :mod:`bedarfsradar.cli`. Without ``--yes`` it only shows what would be
stored, which columns are dropped and why, and every answer or submission left out
(row and column); with ``--yes`` the guide confirms that list and the responses are
stored in one transaction (:func:`surveys.xlsform.submissions.store_import`), audited.
Exit code 4 when the file cannot be used (nothing stored); a campaign that does not
exist or is not open is exit 5, as in :mod:`bedarfsradar.cli`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bedarfsradar import audit
from bedarfsradar.context import AppContext, init_db

EXIT_DATA, EXIT_USER = 4, 5


def _out(msg: str = "") -> None:
    print(msg, flush=True)


def cmd_submissions_import(ctx: AppContext, args: argparse.Namespace) -> int:
    from surveys.xlsform import KIND_TITLES
    from surveys.xlsform.submissions import (
        CampaignRefused,
        SubmissionsError,
        preview_import,
        store_import,
    )

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        _out(f"Datei {path.name}: lässt sich nicht lesen ({exc.strerror}).")
        return EXIT_DATA
    init_db(ctx)
    try:
        preview = preview_import(
            ctx.storage, args.campaign, data, path.name, language=args.language
        )
    except CampaignRefused as exc:
        return _refused(str(exc))
    except SubmissionsError as exc:
        for p in exc.problems:
            _out(str(p))
        count = len(exc.problems)
        _out(
            f"{count} Fehler: die Datei wird nicht übernommen, nichts wurde gespeichert."
            if count != 1
            else "1 Fehler: die Datei wird nicht übernommen, nichts wurde gespeichert."
        )
        return EXIT_DATA
    plan = preview.plan
    _out(plan.summary())
    _out(f"Kampagne: {preview.campaign.title} ({preview.campaign.slug}); Sprache: {plan.language}")
    if plan.dropped:
        _out(f"Nicht gespeicherte Spalten ({len(plan.dropped)}):")
        for d in plan.dropped:
            _out(f"  {d.column}: {d.reason}")
    for kind in ("left_out", "changed"):
        found = [f for f in plan.findings if f.kind == kind]
        if found:
            _out(f"{KIND_TITLES[kind]} ({len(found)}):")
            for f in found:
                _out(f"  {f}")
    _out(preview.outcome_text())
    if not args.yes:
        _out(
            "Nur Vorschau: mit --yes speichern"
            + (" (die Liste oben gilt damit als bestätigt)." if plan.findings else ".")
        )
        return 0
    try:
        outcome = store_import(ctx.storage, preview)
    except CampaignRefused as exc:
        return _refused(str(exc))
    audit.record(ctx.db, ctx.municipality_id, "cli", "submissions.import",
                 campaign=preview.campaign.slug, file=path.name, added=outcome.added,
                 replaced=outcome.replaced, unchanged=outcome.unchanged,
                 left_out=len(plan.left_out_rows), findings=len(plan.findings))  # fmt: skip
    _out(
        f"gespeichert: {outcome.added} neu, {outcome.replaced} ersetzt, "
        f"{outcome.unchanged} unverändert (schon importiert)"
    )
    return 0


def _refused(message: str) -> int:
    print(f"bedarfsradar: {message}", file=sys.stderr, flush=True)
    return EXIT_USER


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = sub.add_parser(
        "submissions", help="offline interviews (ODK Collect, KoboCollect) from an export"
    )
    ssub = s.add_subparsers(dest="action", required=True)
    i = ssub.add_parser(
        "import", help="check an ODK Central (CSV/ZIP) or Kobo (XLSX/CSV) export; store with --yes"
    )
    i.add_argument("file")
    i.add_argument("--campaign", required=True, help="slug of the campaign")
    i.add_argument(
        "--language", default="de", help="language the interviews were held in (default: de)"
    )
    i.add_argument("--yes", action="store_true", help="confirm what is left out; store it")


def _submissions(ctx: AppContext, args: argparse.Namespace) -> int:
    return {"import": cmd_submissions_import}[args.action](ctx, args)


COMMANDS = {"submissions": _submissions}

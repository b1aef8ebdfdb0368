"""Command ``purge --older-than-months N [--yes]``: delete responses older than N months.

Registered in :mod:`bedarfsradar.cli`. Without ``--yes`` it only reports how many
responses would go (exit 2, nothing deleted); with ``--yes`` it deletes them with their
answers and free-text codes (:func:`surveys.privacy.retention.purge_older_than`) and writes an
audit entry (actor ``cli``).
"""

from __future__ import annotations

import argparse

from bedarfsradar import audit
from bedarfsradar.context import AppContext
from surveys.privacy import retention

EXIT_USAGE = 2


def cmd_purge(ctx: AppContext, args: argparse.Namespace) -> int:
    months = args.older_than_months
    if months is None:
        months = retention.retention_months(ctx.db, ctx.municipality_id)
        if months is None:
            raise LookupError("no retention period set: pass --older-than-months N")
    if months < 1:
        raise LookupError("--older-than-months must be at least 1")
    mid = ctx.municipality_id
    cutoff = retention.cutoff_month(months)
    if not args.yes:
        due = retention.count_older_than(ctx.db, mid, months)
        print(
            f"{due} responses from before {cutoff} would be deleted for good; "
            "repeat with --yes to proceed",
            flush=True,
        )
        return EXIT_USAGE
    done = retention.purge_older_than(ctx.db, mid, months)
    audit.record(ctx.db, mid, "cli", "purge", older_than_months=months, cutoff=done.cutoff,
                 responses=done.responses, answers=done.answers)  # fmt: skip
    print(f"deleted {done.responses} responses ({done.answers} answers) from before {cutoff}")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("purge", help="delete responses older than the retention period")
    p.add_argument(
        "--older-than-months", type=int, help="default: the retention period set in the dashboard"
    )
    p.add_argument("--yes", action="store_true", help="really delete")


COMMANDS = {"purge": cmd_purge}

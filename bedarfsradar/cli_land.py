"""Commands of the Land (:mod:`bedarfsradar.land`), registered in :mod:`bedarfsradar.cli`:

``land status``                      every wave of the network: towns closed / running,
                                     the pooled release if there is one
``land release --wave N [--yes]``    check (and with ``--yes`` store) the pooled tables
``land sheet [--release ID] --output F.xlsx``   the indicator sheet for the programme report
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bedarfsradar.context import AppContext

EXIT_USAGE, EXIT_DATA = 2, 4


def cmd_land(ctx: AppContext, args: argparse.Namespace) -> int:
    from analysis.catalogue import ReleaseRefused
    from bedarfsradar import land

    if args.action == "status":
        for wave, state in land.pooled_waves(ctx).items():
            released = (
                state.released.label if state.released else "noch nicht gemeinsam freigegeben"
            )
            print(f"Welle {wave}: abgeschlossen in {len(state.closed)}, läuft in "
                  f"{len(state.running)} Kommune(n); {released}", flush=True)  # fmt: skip
        return 0
    if args.action == "sheet":
        if not args.output:
            print("bedarfsradar: land sheet: --output DATEI.xlsx fehlt.", flush=True)
            return EXIT_USAGE
        data = land.indicator_workbook(ctx, args.release)
        Path(args.output).write_bytes(data)
        print(f"Kennzahlenblatt geschrieben: {args.output} ({len(data) // 1024} KB)", flush=True)
        return 0
    if args.wave is None:
        print("bedarfsradar: land release: --wave N fehlt.", flush=True)
        return EXIT_USAGE
    try:
        if not args.yes:
            payload = land.pooled_payload(ctx, args.wave)
            print(f"Welle {args.wave}: gemeinsame Tabellen aus {len(payload['towns'])} "
                  "Kommunen möglich; mit --yes speichern", flush=True)  # fmt: skip
            return 0
        info = land.release_pooled(ctx, args.wave, "cli")
    except ReleaseRefused as exc:
        import sys

        print(f"bedarfsradar: {exc}", file=sys.stderr)
        return EXIT_DATA
    print(f"gemeinsam freigegeben: {info.label} (id {info.id}, sha256 {info.content_hash})")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("land", help="the Land's pooled tables and indicator sheet")
    p.add_argument("action", choices=["status", "release", "sheet"])
    p.add_argument("--wave", type=int)
    p.add_argument("--release", type=int, help="sheet: a pooled release (default: newest)")
    p.add_argument("--output", help="sheet: XLSX file to write")
    p.add_argument("--yes", action="store_true", help="release: store (else check only)")


COMMANDS = {"land": cmd_land}

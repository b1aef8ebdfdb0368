"""Command ``poster``: the campaign's A4 poster (PDF) with QR code, link and invitation.

Registered in :mod:`bedarfsradar.cli` through :func:`add_parsers` and :data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bedarfsradar.context import AppContext


def cmd_poster(ctx: AppContext, args: argparse.Namespace) -> int:
    from publicity.poster import campaign_url, write_poster
    from surveys.translations.status import offered_languages

    campaign = ctx.storage.campaign(args.campaign)  # CampaignNotFound is a StorageError
    bundle = ctx.storage.questionnaire_bundle(campaign.questionnaire_version_id)
    languages = offered_languages(bundle, ctx.ui_text)
    from bedarfsradar.tenancy import survey_slug

    url = campaign_url(args.base_url, survey_slug(ctx, campaign.slug))
    path = write_poster(
        Path(args.output), url, ctx.ui_text, languages, title=bundle.questionnaire.title
    )
    print(f"poster written: {path} ({url}; {', '.join(languages)})", flush=True)
    if args.qr_svg:
        from publicity.poster import qr_code

        qr_code(url).save(args.qr_svg, kind="svg", scale=8, border=4)
        print(f"QR code written: {args.qr_svg}", flush=True)
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("poster", help="A4 poster PDF with QR code and invitation")
    p.add_argument("--campaign", required=True, help="campaign slug")
    p.add_argument("--base-url", required=True, help="public address, e.g. https://umfrage.example")
    p.add_argument("--output", required=True)
    p.add_argument("--qr-svg", help="also write the QR code alone as SVG")


COMMANDS = {"poster": cmd_poster}

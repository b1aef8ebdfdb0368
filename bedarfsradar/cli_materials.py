"""Commands ``poster`` (the campaign's A4 poster, PDF, with QR code, link and invitation)
and ``results-poster`` (its "Ergebnisse" variant: the QR code leads to the public results
pages, one line in each language the results pages offer).

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


def cmd_results_poster(ctx: AppContext, args: argparse.Namespace) -> int:
    from bedarfsradar.results_site import ResultsSite
    from publicity.poster import results_url, write_results_poster

    _, texts = ResultsSite(ctx).texts()
    url = results_url(args.base_url)
    path = write_results_poster(Path(args.output), url, texts.results.text, texts.languages)
    print(f"poster written: {path} ({url}; {', '.join(texts.languages)})", flush=True)
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("poster", help="A4 poster PDF with QR code and invitation")
    p.add_argument("--campaign", required=True, help="campaign slug")
    p.add_argument("--base-url", required=True, help="public address, e.g. https://umfrage.example")
    p.add_argument("--output", required=True)
    p.add_argument("--qr-svg", help="also write the QR code alone as SVG")
    r = sub.add_parser("results-poster", help='A4 poster "Ergebnisse" with QR code')
    r.add_argument("--base-url", required=True, help="public address, e.g. https://umfrage.example")
    r.add_argument("--output", required=True)


COMMANDS = {"poster": cmd_poster, "results-poster": cmd_results_poster}

"""Commands ``campaign add`` and ``campaign list``: waves from the command line, the same
way as "Neue Welle anlegen" on the Kampagnen page (:mod:`surveys.campaign_setup`).

``campaign add SLUG --questionnaire Q --title T`` takes a questionnaire version number
(``--questionnaire 4``) or a questionnaire id for its newest version (``newcomer``,
``families_kobo``); it prints the languages respondents get and, for every other language
of the questionnaire, the texts it lacks. Bad input: one German line, exit code 4,
nothing stored. Registered in :mod:`bedarfsradar.cli` through :func:`add_parsers` and
:data:`COMMANDS`; every creation is in the audit log (actor ``cli``).
"""

from __future__ import annotations

import argparse

from bedarfsradar import audit
from bedarfsradar.context import AppContext, init_db
from surveys.campaign_setup import (
    CampaignRequest,
    CampaignSetupError,
    create_campaign,
    find_version,
    parse_date,
    questionnaire_choices,
)
from surveys.responses.storage import MODES
from surveys.translations.languages_report import language_states

EXIT_DATA = 4


def _out(msg: str = "") -> None:
    print(msg, flush=True)


def cmd_campaign_add(ctx: AppContext, args: argparse.Namespace) -> int:
    init_db(ctx)
    mid = ctx.municipality_id
    try:
        version = find_version(ctx.storage, mid, args.questionnaire)
        targets = {k: v for k, v in (("total", args.target), ("population", args.population)) if v}
        request = CampaignRequest(
            slug=args.slug,
            title=args.title,
            version_id=version,
            wave=args.wave,
            opens_on=parse_date(args.opens or "", "--opens"),
            closes_on=parse_date(args.closes or "", "--closes"),
            modes=[m.strip() for m in args.modes.split(",") if m.strip()],
            targets=targets,
            open_now=args.open,
        )
        created = create_campaign(ctx.storage, mid, request, ctx.ui_text)
    except CampaignSetupError as exc:
        _out(f"nicht angelegt: {exc}")
        return EXIT_DATA
    c = created.campaign
    audit.record(ctx.db, mid, "cli", "campaign.create", slug=c.slug, version=version)
    state = "offen" if c.status == "open" else "Entwurf (öffnen im Dashboard, Seite Kampagnen)"
    _out(f"angelegt: {c.slug} – {c.title}, Welle {c.wave}, Fragebogen-Version {version}, {state}")
    from bedarfsradar.tenancy import survey_slug

    _out(f"öffentlicher Link: /u/{survey_slug(ctx, c.slug)}/")
    for line in created.messages(max_texts=args.max_texts):
        _out(line)
    return 0


def cmd_campaign_list(ctx: AppContext, args: argparse.Namespace) -> int:
    mid = ctx.municipality_id
    versions = {v.id: v for v in ctx.storage.questionnaire_versions(mid)}
    for c in ctx.storage.campaigns(mid):
        v = versions.get(c.questionnaire_version_id)
        bundle = ctx.storage.questionnaire_bundle(c.questionnaire_version_id)
        offered = [s.code for s in language_states(bundle, ctx.ui_text) if s.offered]
        _out(
            f"{c.slug:24} Welle {c.wave:<3} {c.status:7} Version {c.questionnaire_version_id:<4} "
            f"{v.questionnaire_id if v else '?':20} Sprachen: {','.join(offered)}  {c.title}"
        )
    if args.questionnaires:
        _out("")
        _out("Fragebogen-Versionen:")
        for choice in questionnaire_choices(ctx.storage, mid, ctx.ui_text):
            _out(f"  {choice.label}")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    c = sub.add_parser("campaign", help="survey waves: add one, list them")
    csub = c.add_subparsers(dest="action", required=True)
    a = csub.add_parser("add", help="create a wave with a stored questionnaire version")
    a.add_argument("slug", help="short name in the public link (a-z, 0-9, -)")
    a.add_argument("--questionnaire", required=True,
                   help="version number, or questionnaire id for its newest version")  # fmt: skip
    a.add_argument("--title", required=True)
    a.add_argument("--opens", help="start date (YYYY-MM-DD or DD.MM.YYYY)")
    a.add_argument("--closes", help="end date")
    a.add_argument("--wave", type=int, help="default: one more than the highest so far")
    a.add_argument("--modes", default=",".join(MODES), help="online,assisted,paper")
    a.add_argument("--target", type=int, default=0, help="target number of responses")
    a.add_argument("--population", type=int, default=0, help="known size of the group")
    a.add_argument("--open", action="store_true", help="open at once (default: draft)")
    a.add_argument("--max-texts", type=int, default=20, help="missing texts listed per language")
    ls = csub.add_parser("list", help="campaigns with their questionnaire and languages")
    ls.add_argument("--questionnaires", action="store_true",
                    help="also list every stored questionnaire version")  # fmt: skip


def _campaign(ctx: AppContext, args: argparse.Namespace) -> int:
    return {"add": cmd_campaign_add, "list": cmd_campaign_list}[args.action](ctx, args)


COMMANDS = {"campaign": _campaign}

"""Command ``invitations``: lists of people invited by name, mailings and letters
(:mod:`surveys.invitations`), for scripts and for towns without the dashboard at hand.

    bedarfsradar invitations add --campaign SLUG liste.xlsx [--yes]
    bedarfsradar invitations status --campaign SLUG
    bedarfsradar invitations send --campaign SLUG [--reminder] [--yes]
    bedarfsradar invitations resume --campaign SLUG
    bedarfsradar invitations letters --campaign SLUG --output briefe.pdf [--again]

Without ``--yes`` ``add`` and ``send`` only show what they would do. A list with problems
stores nothing and exits with 4 after naming every bad row; a mail server that fails
leaves the mailing resumable and exits with 5. Output names counts, never recipients.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import select

from bedarfsradar.context import AppContext
from bedarfsradar.db.schema import Setting

EXIT_DATA, EXIT_MAIL = 4, 5


def _out(msg: str) -> None:
    print(msg, flush=True)


def public_base_url(ctx: AppContext) -> str:
    """The public address the admin stored on the Kampagnen page, else the setting."""
    with ctx.db.read() as s:
        value = s.scalar(
            select(Setting.value).where(
                Setting.municipality_id == ctx.municipality_id, Setting.key == "public_base_url"
            )
        )
    return str((value or {}).get("url") or ctx.settings.public_base_url).rstrip("/")


def _mailings(ctx: AppContext):  # type: ignore[no-untyped-def]
    from functools import partial

    from bedarfsradar.tenancy import survey_slug
    from surveys.invitations.mail import SmtpConfig
    from surveys.invitations.sending import Mailings
    from surveys.invitations.store import InvitationStore

    store = InvitationStore(ctx.db, ctx.settings.effective_secret_key)
    config = SmtpConfig.from_settings(ctx.settings)
    return store, Mailings(ctx.db, store, config, public_base_url(ctx), partial(survey_slug, ctx))


def cmd_invitations(ctx: AppContext, args: argparse.Namespace) -> int:
    from bedarfsradar import audit
    from surveys.invitations import rates

    campaign = ctx.storage.campaign(args.campaign)  # CampaignNotFound: exit 5
    store, mailings = _mailings(ctx)
    if args.action == "add":
        if not args.file:
            _out("name the list: bedarfsradar invitations add --campaign SLUG FILE")
            return 2
        path = Path(args.file)
        parsed = store.check_list(campaign.id, path.read_bytes(), path.name)
        for problem in parsed.problems:
            print(f"  {problem}", file=sys.stderr)
        if parsed.problems:
            print(
                f"bedarfsradar: {len(parsed.problems)} Probleme, nichts gespeichert",
                file=sys.stderr,
            )
            return EXIT_DATA
        _out(
            f"{len(parsed.people)} Personen, "
            f"{sum(1 for p in parsed.people if not p.email)} ohne E-Mail"
        )
        if not args.yes:
            _out("repeat with --yes to store the list")
            return 0
        added = store.add(campaign, parsed.people)
        audit.record(
            ctx.db,
            ctx.municipality_id,
            "cli",
            "invitations.import",
            campaign=campaign.slug,
            added=added,
        )
        _out(f"{added} Personen gespeichert")
        return 0
    if args.action == "status":
        c = store.counts(campaign.id)
        _out(
            f"{campaign.title}: {c.total} auf der Liste, {c.invited} eingeladen, "
            f"{c.finished} teilgenommen"
        )
        _out(
            "Rücklaufquote: "
            + (
                rates.rate_text(c.invited, c.finished)
                if min(c.finished, c.invited) >= rates.MIN_GROUP
                else "unter 5, nicht gezeigt"
            )
        )
        _out(
            f"unzustellbar {c.bounced}, unklar {c.unclear}, ohne E-Mail {c.without_email}, "
            f"noch nicht eingeladen {c.new_email}"
        )
        for row in store.department_rates(campaign.id).itertuples():
            _out(f"  {row.department}: {rates.rate_text(int(row.invited), int(row.finished))}")
        for m in mailings.history(campaign.id):
            _out(
                f"  {m.started_on} {m.kind}: {m.status}, {m.sent} von {m.planned} verschickt, "
                f"{m.bounced} unzustellbar, {m.unclear} unklar"
            )
        return 0
    if args.action == "letters":
        from publicity.letters import LetterPage, letters_pdf
        from surveys.invitations.mail import DEFAULT_BODIES, fill

        letters = mailings.letters(campaign, "cli", again=args.again)
        text = DEFAULT_BODIES["invitation"].replace(
            "Ihr persönlicher Link:\n{link}", "Ihr persönlicher Link steht unten, mit QR-Code."
        )
        pages = [
            LetterPage(
                x.name,
                x.department,
                x.link,
                fill(text, name=x.name, link=x.link, title=campaign.title, closes=""),
            )
            for x in letters
        ]
        if not pages:
            _out("keine Briefe zu drucken")
            return 0
        out = Path(args.output or f"briefe-{campaign.slug}.pdf")
        out.write_bytes(
            letters_pdf(pages, campaign.title, f"Stadt {ctx.geography.name} · Integrationsguide")
        )
        _out(f"{len(pages)} Briefe: {out}")
        return 0
    if args.action == "send":
        kind = "reminder" if args.reminder else "invitation"
        preview = mailings.preview(campaign, kind)
        _out(f"{preview.recipients} Empfänger; Betreff: {preview.subject}")
        if not args.yes:
            _out("repeat with --yes to send")
            return 0
        mailing_id = mailings.plan(campaign, kind, "cli").id
    else:  # resume
        pending = mailings.unfinished(campaign.id)
        if pending is None:
            _out("keine unterbrochene Sendung")
            return 0
        mailing_id = pending.id
    result = mailings.run(mailing_id, progress=lambda done, total: _out(f"  {done} von {total}"))
    _out(
        f"{result.status}: {result.sent} verschickt, {result.bounced} unzustellbar, "
        f"{result.unclear} unklar"
    )
    if result.last_error:
        print(f"bedarfsradar: {result.last_error}", file=sys.stderr)
        return EXIT_MAIL
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("invitations", help="people invited by name: lists, mails, letters")
    p.add_argument("action", choices=["add", "status", "send", "resume", "letters"])
    p.add_argument("file", nargs="?", help="add: the list (CSV or XLSX)")
    p.add_argument("--campaign", required=True, help="campaign slug")
    p.add_argument("--reminder", action="store_true", help="send: a reminder to the unfinished")
    p.add_argument("--yes", action="store_true", help="add/send: do it (default: only show)")
    p.add_argument("--output", help="letters: the PDF to write")
    p.add_argument("--again", action="store_true", help="letters: reprint printed ones too")


COMMANDS = {"invitations": cmd_invitations}

"""The invitation rows: adding a list, the guide's view of it, the survey's token check,
anonymise on completion, response rates.

Every query is limited to one campaign (and so one municipality). Nothing here writes the
audit log or any log line with a token, a name or an address; callers log counts.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import case, delete, func, null, select, update

from bedarfsradar.db.engine import Database
from bedarfsradar.db.schema import Answer, Campaign, Invitation, Mailing, Response
from surveys.invitations import rates
from surveys.invitations.lists import (
    InvitationListError,
    ListProblem,
    ParsedList,
    Person,
    parse_list,
)
from surveys.invitations.tokens import invitation_token, normalise_token, token_hash
from surveys.responses.sql import positional_sql
from surveys.responses.storage import CampaignInfo, StorageError

AUDIENCES = ("volunteer", "administration")
"""Audiences invited by name: known groups (the public is never invited by list)."""
PEOPLE_COLUMNS = ["name", "email", "department", "status", "status_note", "sent_month",
                  "reminded_month", "reminders", "finished"]  # fmt: skip


class InvitationError(StorageError):
    """A personal link that cannot start or finish a response."""


class InvitationUsed(InvitationError):
    """The link's invitation has finished already: one response per link."""


class InvitationInvalid(InvitationError):
    """The link is unknown here (mistyped, removed, or of another campaign)."""


@dataclass(frozen=True)
class TokenCheck:
    """What a link opened in the survey is: ``ok``, ``unknown``, ``other_campaign``,
    ``finished`` or ``expired`` (campaign closed or past its end date)."""

    outcome: str
    token_hash: str = ""


@dataclass(frozen=True)
class InvitationCounts:
    total: int
    invited: int
    """Reached: sent, printed or unclear (see :mod:`surveys.invitations.rates`)."""
    finished: int
    new_email: int
    """On the list with an address, not sent yet."""
    without_email: int
    """Not finished, no address: a printed letter."""
    bounced: int
    unclear: int
    open_sent: int
    """Sent by e-mail and not finished: who a reminder would go to."""

    @property
    def rate(self) -> float:
        return rates.rate_of(self.invited, self.finished)


class InvitationStore:
    def __init__(self, db: Database, secret: str):
        self.db = db
        self._secret = secret

    # -- links ---------------------------------------------------------------------------
    def token(self, campaign_id: int, invitation_id: int) -> str:
        return invitation_token(self._secret, campaign_id, invitation_id)

    def link(self, base_url: str, slug: str, campaign_id: int, invitation_id: int) -> str:
        """The personal link: ``<base>/u/<slug>/?t=<token>``."""
        return f"{base_url.rstrip('/')}/u/{slug}/?t={self.token(campaign_id, invitation_id)}"

    def hash_of(self, token: str) -> str:
        return token_hash(self._secret, token)

    # -- the list ------------------------------------------------------------------------
    def existing(self, campaign_id: int) -> list[tuple[str, str | None, str | None]]:
        stmt = select(Invitation.name, Invitation.email, Invitation.department).where(
            Invitation.campaign_id == campaign_id
        )
        with self.db.read() as s:
            return [(str(n), e, d) for n, e, d in s.execute(stmt).all()]

    def check_list(self, campaign_id: int, data: bytes | str, filename: str = "") -> ParsedList:
        """Parse a list against the people already invited (nothing is stored)."""
        return parse_list(data, filename or "liste.txt", self.existing(campaign_id))

    def add(self, campaign: CampaignInfo, people: Sequence[Person]) -> int:
        """Store a checked list (all or nothing); returns the number added. Raises
        :class:`InvitationListError` when the campaign is not for invited people or a
        person is on the list already (someone added them meanwhile)."""
        if campaign.audience not in AUDIENCES:
            raise InvitationListError(
                [
                    ListProblem(
                        0,
                        "Einladungen mit Namen gibt es nur für die Befragungen der "
                        "Ehrenamtlichen und der Verwaltung.",
                    )
                ]
            )
        if not people:
            raise InvitationListError([ListProblem(0, "Die Liste enthält keine Personen.")])
        with self.db.write() as s:
            known = s.execute(
                select(Invitation.name, Invitation.email, Invitation.department).where(
                    Invitation.campaign_id == campaign.id
                )
            ).all()
            again = parse_list(
                "\n".join(f"{p.name};{p.email or ''};{p.department or ''}" for p in people),
                existing=[(str(n), e, d) for n, e, d in known],
            )
            if again.problems:
                raise InvitationListError(again.problems)
            rows = [
                Invitation(
                    municipality_id=campaign.municipality_id,
                    campaign_id=campaign.id,
                    name=p.name,
                    email=p.email,
                    department=p.department,
                    token_hash=f"pending:{uuid.uuid4().hex}",
                    status="new",
                    reminders=0,
                    finished=False,
                )
                for p in people
            ]
            s.add_all(rows)
            s.flush()
            for row in rows:
                row.token_hash = self.hash_of(self.token(campaign.id, row.id))
        return len(rows)

    def people(self, campaign_id: int) -> pd.DataFrame:
        """The list for the guide, by name (:data:`PEOPLE_COLUMNS`, plus ``id``)."""
        stmt = (
            select(Invitation.id, *(getattr(Invitation, c) for c in PEOPLE_COLUMNS))
            .where(Invitation.campaign_id == campaign_id)
            .order_by(Invitation.name, Invitation.id)
        )
        with self.db.read() as s:
            rows = s.execute(stmt).all()
        frame = pd.DataFrame(rows, columns=["id", *PEOPLE_COLUMNS])
        frame["finished"] = frame["finished"].astype(bool)
        return frame

    def counts(self, campaign_id: int) -> InvitationCounts:
        people = self.people(campaign_id)
        status, finished = people["status"], people["finished"]
        has_email = people["email"].notna()
        return InvitationCounts(
            total=len(people),
            invited=int(rates.reached(status, finished).sum()),
            finished=int(finished.sum()),
            new_email=int(((status == "new") & has_email & ~finished).sum()),
            without_email=int((~has_email & ~finished).sum()),
            bounced=int(((status == "bounced") & ~finished).sum()),
            unclear=int(((status == "unclear") & ~finished).sum()),
            open_sent=int(((status == "sent") & has_email & ~finished).sum()),
        )

    def rates(self, municipality_id: int) -> pd.DataFrame:
        """Per campaign with invitations: columns campaign (slug), invited, finished, rate."""
        reached = (Invitation.finished.is_(True)) | Invitation.status.in_(rates.REACHED)
        stmt = (
            select(
                Campaign.slug,
                func.sum(case((reached, 1), else_=0)),
                func.sum(case((Invitation.finished.is_(True), 1), else_=0)),
            )
            .join(Campaign, Campaign.id == Invitation.campaign_id)
            .where(Invitation.municipality_id == municipality_id)
            .group_by(Campaign.slug)
        )
        with self.db.read() as s:
            rows = s.execute(stmt).all()
        frame = pd.DataFrame(
            [(slug, int(i or 0), int(f or 0)) for slug, i, f in rows],
            columns=["campaign", "invited", "finished"],
        )
        frame["rate"] = [
            rates.rate_of(i, f) for i, f in zip(frame["invited"], frame["finished"], strict=True)
        ]
        return frame

    def department_rates(self, campaign_id: int) -> pd.DataFrame:
        return rates.department_rates(self.people(campaign_id))

    # -- the survey ----------------------------------------------------------------------
    def requires_invitation(self, campaign_id: int) -> bool:
        """A campaign with a list is answered only through personal links."""
        stmt = select(Invitation.id).where(Invitation.campaign_id == campaign_id).limit(1)
        with self.db.read() as s:
            return s.scalar(stmt) is not None

    def campaign_month(self, campaign_id: int) -> str | None:
        """The month every response of invited people carries: the month of the campaign's
        first mailing (None before any)."""
        stmt = select(func.min(Mailing.started_on)).where(Mailing.campaign_id == campaign_id)
        with self.db.read() as s:
            first = s.scalar(stmt)
        return str(first)[:7] if first else None

    def check_token(
        self, campaign: CampaignInfo, token: str, today: date | None = None
    ) -> TokenCheck:
        """What the link ``token`` opens in ``campaign`` (see :class:`TokenCheck`)."""
        if not normalise_token(token):
            return TokenCheck("unknown")
        digest = self.hash_of(token)
        stmt = (
            select(Invitation.campaign_id, Invitation.finished, Campaign.closes_on)
            .join(Campaign, Campaign.id == Invitation.campaign_id)
            .where(Invitation.token_hash == digest)
        )
        with self.db.read() as s:
            row = s.execute(stmt).first()
        if row is None:
            return TokenCheck("unknown")
        campaign_id, finished, closes_on = row
        if campaign_id != campaign.id:
            return TokenCheck("other_campaign")
        if finished:
            return TokenCheck("finished", digest)
        today = today or date.today()
        if campaign.status != "open" or (closes_on and str(closes_on) < today.isoformat()):
            return TokenCheck("expired", digest)
        return TokenCheck("ok", digest)

    def finisher(self, campaign_id: int, digest: str) -> Callable[[Any], None]:
        """Marks the invitation finished inside the transaction that completes its response
        (:meth:`surveys.responses.storage.Storage.complete_response` runs it on its cursor);
        raises :class:`InvitationUsed` / :class:`InvitationInvalid`, which undoes the
        response too.

        One UPDATE rewrites every invitation of the campaign: the finished row gets
        ``finished`` and loses its months, reminder count and queue place, the others are
        written unchanged. So the completing transaction is the writer of all of them, not
        of one (PostgreSQL's ``xmin``), and their physical order stays the order of the
        list (see the package docstring)."""
        dialect = self.db.engine.dialect.name
        mine = Invitation.token_hash == digest
        lock = (
            select(Invitation.finished)
            .where(Invitation.campaign_id == campaign_id, mine)
            .with_for_update()
        )
        touch = (
            update(Invitation)
            .where(Invitation.campaign_id == campaign_id)
            .values(
                finished=case((mine, True), else_=Invitation.finished),
                sent_month=case((mine, null()), else_=Invitation.sent_month),
                reminded_month=case((mine, null()), else_=Invitation.reminded_month),
                reminders=case((mine, 0), else_=Invitation.reminders),
                pending_mailing_id=case((mine, null()), else_=Invitation.pending_mailing_id),
                pending_state=case((mine, null()), else_=Invitation.pending_state),
                status_note=case((mine, null()), else_=Invitation.status_note),
            )
        )

        def finish(cur: Any) -> None:
            cur.execute(*positional_sql(lock, dialect))
            found = cur.fetchone()
            if found is None:
                raise InvitationInvalid("no such invitation in this campaign")
            if found[0]:
                raise InvitationUsed("this invitation has finished already")
            cur.execute(*positional_sql(touch, dialect))

        return finish

    def discard_partial(self, campaign_id: int, client_uuid: str) -> None:
        """Delete the begun (partial) answers of ``client_uuid`` in this campaign: a second
        response through a link that has finished is never kept."""
        with self.db.write() as s:
            ids = select(Response.id).where(
                Response.client_uuid == client_uuid,
                Response.campaign_id == campaign_id,
                Response.status == "partial",
            )
            s.execute(delete(Answer).where(Answer.response_id.in_(ids)))
            s.execute(delete(Response).where(Response.id.in_(ids)))

"""Mailings: invitations and reminders by e-mail, letters for print - queued, sent in
batches, resumable, never twice.

A mailing is planned in one transaction (:meth:`Mailings.plan`): a ``mailing`` row and
every recipient's invitation queued on it (``pending_state = queued``). Sending
(:meth:`Mailings.run`) then repeats: claim a batch (``sending``, committed), send it over
one SMTP connection, record each outcome (committed). A message is sent only from
``sending``, and ``sending`` is left only by recording what happened, so:

- the server down at the start or in the middle: the mailing is *interrupted* with a
  German message; messages not attempted go back to the queue and a later
  :meth:`Mailings.run` continues with them;
- the connection breaking during a message's DATA: that message is *unclear* (it may
  have arrived) and is never sent again by itself;
- the process dying mid-batch: the batch's ``sending`` rows become *unclear* on the next
  run (at most once: nothing is sent twice).

Reminders go only to people who have not finished and whose invitation e-mail went out,
at most one a week per person: a campaign's reminder can be planned only seven days after
its previous invitation or reminder mailing. Invitations cannot be planned while another
mailing of the campaign is unfinished.

Every mailing is written to the audit log with its counts only - never a recipient, an
address or a token. Sending runs wherever the caller runs it: the dashboard starts it in
a thread of its own (:class:`MailingJobs`) and shows the progress, so neither the event
loop nor the page waits for it.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

from sqlalchemy import func, select, update

from bedarfsradar.db.engine import Database
from bedarfsradar.db.schema import AuditLog, Campaign, Invitation, Mailing
from surveys.invitations.mail import (
    DEFAULT_BODIES,
    DEFAULT_SUBJECTS,
    MailServerError,
    Outcome,
    ServerGone,
    SmtpConfig,
    SmtpTransport,
    compose,
    fill,
    template_problems,
)
from surveys.invitations.store import InvitationStore
from surveys.responses.storage import CampaignInfo, StorageError

BATCH = 20
"""Messages claimed, sent and recorded at a time (bounds what a crash leaves unclear)."""
REMINDER_GAP = timedelta(days=7)
OPEN = ("running", "interrupted")
KIND_LABELS = {"invitation": "Einladung", "reminder": "Erinnerung", "letter": "Brief"}


class SendingError(StorageError):
    """A mailing that cannot be planned now (German message)."""


class Transport(Protocol):
    def send(self, message: Any, to_address: str) -> Outcome: ...


TransportFactory = Callable[[], AbstractContextManager[Transport]]
Progress = Callable[[int, int], None]
"""Called with (done, planned) after each batch."""


@dataclass(frozen=True)
class MailingInfo:
    id: int
    campaign_id: int
    kind: str
    started_on: str
    status: str
    planned: int
    sent: int
    bounced: int
    unclear: int
    last_error: str | None

    @property
    def done(self) -> int:
        return self.sent + self.bounced + self.unclear


@dataclass(frozen=True)
class Preview:
    recipients: int
    subject: str
    text: str
    """The message as the first recipient would get it (name and link as placeholders)."""
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Letter:
    name: str
    department: str | None
    link: str


def _info(m: Mailing) -> MailingInfo:
    return MailingInfo(m.id, m.campaign_id, m.kind, m.started_on, m.status, m.planned, m.sent,
                       m.bounced, m.unclear, m.last_error)  # fmt: skip


class Mailings:
    def __init__(
        self,
        db: Database,
        store: InvitationStore,
        config: SmtpConfig,
        base_url: str,
        survey_slug: Callable[[str], str] | None = None,
    ):
        self.db = db
        self.store = store
        self.config = config
        self.base_url = base_url
        self.survey_slug = survey_slug or (lambda slug: slug)
        """The campaign's part of the survey address (``<town>/<campaign>`` where the
        installation serves several towns)."""

    # -- reading -------------------------------------------------------------------------
    def history(self, campaign_id: int) -> list[MailingInfo]:
        stmt = select(Mailing).where(Mailing.campaign_id == campaign_id).order_by(Mailing.id)
        with self.db.read() as s:
            return [_info(m) for m in s.scalars(stmt).all()]

    def unfinished(self, campaign_id: int) -> MailingInfo | None:
        """The campaign's mailing that is running or was interrupted, if any."""
        found = [m for m in self.history(campaign_id) if m.status in OPEN]
        return found[-1] if found else None

    def _recipients(self, campaign_id: int, kind: str, include_unclear: bool = False) -> Any:
        who = [Invitation.campaign_id == campaign_id, Invitation.finished.is_(False),
               Invitation.email.is_not(None), Invitation.pending_mailing_id.is_(None)]  # fmt: skip
        if kind == "reminder":
            who.append(Invitation.status == "sent")
        else:
            who.append(Invitation.status.in_(["new", "unclear"] if include_unclear else ["new"]))
        return who

    def count(self, campaign_id: int, kind: str, include_unclear: bool = False) -> int:
        stmt = select(func.count()).select_from(Invitation)
        stmt = stmt.where(*self._recipients(campaign_id, kind, include_unclear))
        with self.db.read() as s:
            return int(s.scalar(stmt) or 0)

    def next_reminder_on(self, campaign_id: int, today: date | None = None) -> date | None:
        """The first day a reminder may be planned, or None if it may be today."""
        stmt = select(func.max(Mailing.started_on)).where(
            Mailing.campaign_id == campaign_id,
            Mailing.kind.in_(["invitation", "reminder"]),
            Mailing.status != "cancelled",
        )
        with self.db.read() as s:
            last = s.scalar(stmt)
        if not last:
            return None
        earliest = date.fromisoformat(str(last)) + REMINDER_GAP
        return earliest if earliest > (today or date.today()) else None

    def texts(
        self, campaign: CampaignInfo, kind: str, subject: str, body: str, name: str, link: str
    ) -> tuple[str, str]:
        closes = self._closes(campaign.id)
        values = {"name": name, "link": link, "title": self._title(campaign), "closes": closes}
        return fill(subject, **values), fill(body, **values)

    def preview(
        self, campaign: CampaignInfo, kind: str, subject: str | None = None, body: str | None = None
    ) -> Preview:
        subject = DEFAULT_SUBJECTS[kind] if subject is None else subject
        body = DEFAULT_BODIES[kind] if body is None else body
        example_link = f"{self.base_url.rstrip('/')}/u/{self.survey_slug(campaign.slug)}/?t=…"
        subj, text = self.texts(campaign, kind, subject, body, "Vorname Name", example_link)
        return Preview(self.count(campaign.id, kind), subj, text, template_problems(subject, body))

    def _title(self, campaign: CampaignInfo) -> str:
        return campaign.title

    def _closes(self, campaign_id: int) -> str:
        with self.db.read() as s:
            closes = s.scalar(select(Campaign.closes_on).where(Campaign.id == campaign_id))
        if not closes:
            return ""
        d = date.fromisoformat(str(closes))
        return f"Die Befragung läuft bis zum {d:%d.%m.%Y}."

    # -- planning ------------------------------------------------------------------------
    def plan(
        self,
        campaign: CampaignInfo,
        kind: str,
        actor: str,
        subject: str | None = None,
        body: str | None = None,
        today: date | None = None,
        include_unclear: bool = False,
    ) -> MailingInfo:
        """Queue a mailing (``invitation`` or ``reminder``) to everyone it is for; raises
        :class:`SendingError` (German) when it cannot be sent now."""
        if kind not in ("invitation", "reminder"):
            raise ValueError(f"unknown mailing kind {kind!r}")
        subject = DEFAULT_SUBJECTS[kind] if subject is None else subject
        body = DEFAULT_BODIES[kind] if body is None else body
        if problems := template_problems(subject, body):
            raise SendingError(" ".join(problems))
        today = today or date.today()
        if self.unfinished(campaign.id) is not None:
            raise SendingError(
                "Eine Sendung dieser Befragung ist noch nicht abgeschlossen. Bitte erst "
                "fortsetzen oder abbrechen."
            )
        if kind == "reminder" and (later := self.next_reminder_on(campaign.id, today)):
            raise SendingError(
                f"Die nächste Erinnerung ist ab dem {later:%d.%m.%Y} möglich: höchstens eine "
                "Erinnerung pro Woche und Person."
            )
        with self.db.write() as s:
            mailing = Mailing(municipality_id=campaign.municipality_id, campaign_id=campaign.id,
                              kind=kind, started_on=today.isoformat(), status="running",
                              subject=subject, body=body, planned=0, sent=0, bounced=0,
                              unclear=0, actor=actor)  # fmt: skip
            s.add(mailing)
            s.flush()
            queued = s.execute(
                update(Invitation)
                .where(*self._recipients(campaign.id, kind, include_unclear))
                .values(pending_mailing_id=mailing.id, pending_state="queued")
            )
            planned = int(getattr(queued, "rowcount", 0) or 0)
            if planned == 0:
                raise SendingError(
                    "Niemand zu erinnern: alle mit E-Mail-Adresse haben geantwortet oder "
                    "ihre Einladung ist noch nicht verschickt."
                    if kind == "reminder"
                    else "Niemand einzuladen: alle mit E-Mail-Adresse sind schon eingeladen."
                )
            mailing.planned = planned
            self._audit(s, campaign, mailing, "invitations.mailing_planned")
            return _info(mailing)

    def cancel(self, mailing_id: int, actor: str) -> None:
        """Stop an unfinished mailing: whoever has not been sent to stays as they were."""
        with self.db.write() as s:
            mailing = s.get(Mailing, mailing_id)
            if mailing is None or mailing.status not in OPEN:
                return
            s.execute(
                update(Invitation)
                .where(Invitation.pending_mailing_id == mailing_id)
                .values(pending_mailing_id=None, pending_state=None)
            )
            mailing.status = "cancelled"
            campaign = self._campaign(s, mailing.campaign_id)
            self._audit(s, campaign, mailing, "invitations.mailing_cancelled", actor=actor)

    # -- sending -------------------------------------------------------------------------
    def run(
        self,
        mailing_id: int,
        transport: TransportFactory | None = None,
        progress: Progress | None = None,
        batch: int = BATCH,
    ) -> MailingInfo:
        """Send (or continue) a mailing until its queue is empty or the server fails;
        returns the mailing's state. Never raises for server problems: an interrupted
        mailing carries its German ``last_error``."""
        factory: TransportFactory = transport or (lambda: SmtpTransport(self.config))
        with self.db.write() as s:
            mailing = s.get(Mailing, mailing_id)
            if mailing is None or mailing.status not in OPEN:
                raise SendingError("Diese Sendung ist schon abgeschlossen.")
            unclear = self._settle(s, mailing_id, "sending", "unclear", "Abbruch beim Senden")
            mailing.unclear += unclear
            s.execute(
                update(Invitation)
                .where(
                    Invitation.pending_mailing_id == mailing_id,
                    Invitation.pending_state == "deferred",
                )
                .values(pending_state="queued")
            )
            mailing.status, mailing.last_error = "running", None
            campaign = self._campaign(s, mailing.campaign_id)
            kind, subject, body = mailing.kind, mailing.subject, mailing.body
            month, planned = mailing.started_on[:7], mailing.planned
        error: str | None = None
        try:
            with factory() as smtp:
                while rows := self._claim(mailing_id, batch):
                    outcomes: dict[int, Outcome] = {}
                    gone: ServerGone | None = None
                    for invitation_id, name, address in rows:
                        if gone is not None:
                            break
                        link = self.store.link(
                            self.base_url,
                            self.survey_slug(campaign.slug),
                            campaign.id,
                            invitation_id,
                        )
                        subj, text = self.texts(campaign, kind, subject, body, name, link)
                        try:
                            outcomes[invitation_id] = smtp.send(
                                compose(self.config, name, address, subj, text), address
                            )
                        except ServerGone as exc:
                            gone = exc
                            if exc.during_data:
                                outcomes[invitation_id] = Outcome(
                                    "unclear", "Verbindung beim Senden abgebrochen"
                                )
                    done = self._record(mailing_id, kind, month, outcomes)
                    if progress is not None:
                        progress(done, planned)
                    if gone is not None:
                        raise MailServerError(
                            f"Die Verbindung zum Mailserver ist abgebrochen ({gone}). "
                            "Nichts wird doppelt verschickt; bitte später fortsetzen."
                        )
        except MailServerError as exc:
            error = str(exc)
        with self.db.write() as s:
            self._settle(s, mailing_id, "sending", "queued", None)  # not attempted
            deferred = s.scalar(
                select(func.count()).where(
                    Invitation.pending_mailing_id == mailing_id,
                    Invitation.pending_state == "deferred",
                )
            )
            mailing = s.get(Mailing, mailing_id)
            assert mailing is not None
            if error is None and deferred:
                error = (
                    f"{deferred} Adressen hat der Mailserver vorübergehend abgelehnt. Bitte "
                    "die Sendung später fortsetzen."
                )
            mailing.status = "interrupted" if error else "done"
            mailing.last_error = error[:300] if error else None
            self._audit(s, campaign, mailing, "invitations.mailing")
            return _info(mailing)

    def _claim(self, mailing_id: int, size: int) -> list[tuple[int, str, str]]:
        with self.db.write() as s:
            rows = s.execute(
                select(Invitation.id, Invitation.name, Invitation.email)
                .where(
                    Invitation.pending_mailing_id == mailing_id,
                    Invitation.pending_state == "queued",
                    Invitation.finished.is_(False),
                )
                .order_by(Invitation.id)
                .limit(size)
            ).all()
            ids = [r[0] for r in rows]
            if ids:
                s.execute(
                    update(Invitation).where(Invitation.id.in_(ids)).values(pending_state="sending")
                )
        return [(int(i), str(n), str(e)) for i, n, e in rows]

    def _record(self, mailing_id: int, kind: str, month: str, outcomes: dict[int, Outcome]) -> int:
        """Store the outcomes of a batch; returns how many of the mailing are done."""
        with self.db.write() as s:
            mailing = s.get(Mailing, mailing_id)
            assert mailing is not None
            for invitation_id, outcome in outcomes.items():
                mine = [Invitation.id == invitation_id, Invitation.finished.is_(False)]
                values: dict[str, Any]
                if outcome.kind == "temporary":
                    values = {"pending_state": "deferred", "status_note": outcome.note}
                elif outcome.kind == "sent":
                    mailing.sent += 1
                    values = {"status": "sent", "status_note": None}
                    if kind == "reminder":
                        values |= {"reminded_month": month, "reminders": Invitation.reminders + 1}
                    else:
                        values |= {"sent_month": month}
                else:  # bounced | unclear
                    if outcome.kind == "bounced":
                        mailing.bounced += 1
                    else:
                        mailing.unclear += 1
                    values = {"status": outcome.kind, "status_note": outcome.note}
                if outcome.kind != "temporary":
                    values |= {"pending_mailing_id": None, "pending_state": None}
                s.execute(update(Invitation).where(*mine).values(**values))
            return mailing.sent + mailing.bounced + mailing.unclear

    def _settle(self, s: Any, mailing_id: int, state: str, to: str, note: str | None) -> int:
        """Rows of the mailing in ``state``: back to the queue (``to`` = queued) or
        closed as unclear; returns how many."""
        mine = [Invitation.pending_mailing_id == mailing_id, Invitation.pending_state == state]
        if to == "queued":
            done = s.execute(update(Invitation).where(*mine).values(pending_state="queued"))
        else:
            done = s.execute(
                update(Invitation)
                .where(*mine)
                .values(
                    status="unclear", status_note=note, pending_mailing_id=None, pending_state=None
                )
            )
        return int(getattr(done, "rowcount", 0) or 0)

    # -- letters -------------------------------------------------------------------------
    def letters(
        self, campaign: CampaignInfo, actor: str, today: date | None = None, again: bool = False
    ) -> list[Letter]:
        """Letters for everyone not finished without a usable e-mail address (none, or it
        bounced): marked ``printed`` with this month. ``again``: also those printed
        before (a reprint; the link is the same)."""
        today = today or date.today()
        statuses = ["new", "bounced", "printed"] if again else ["new", "bounced"]
        who = [
            Invitation.campaign_id == campaign.id,
            Invitation.finished.is_(False),
            Invitation.pending_mailing_id.is_(None),
            (Invitation.email.is_(None) & Invitation.status.in_(statuses))
            | (Invitation.status == "bounced"),
        ]
        with self.db.write() as s:
            rows = s.execute(
                select(Invitation.id, Invitation.name, Invitation.department)
                .where(*who)
                .order_by(Invitation.name, Invitation.id)
            ).all()
            if not rows:
                return []
            ids = [r[0] for r in rows]
            s.execute(
                update(Invitation)
                .where(Invitation.id.in_(ids))
                .values(status="printed", status_note=None, sent_month=today.strftime("%Y-%m"))
            )
            mailing = Mailing(municipality_id=campaign.municipality_id, campaign_id=campaign.id,
                              kind="letter", started_on=today.isoformat(), status="done",
                              subject="", body="", planned=len(ids), sent=len(ids), bounced=0,
                              unclear=0, actor=actor)  # fmt: skip
            s.add(mailing)
            s.flush()
            self._audit(s, campaign, mailing, "invitations.letters")
        return [
            Letter(
                str(name),
                department,
                self.store.link(
                    self.base_url, self.survey_slug(campaign.slug), campaign.id, int(i)
                ),
            )
            for i, name, department in rows
        ]

    # -- audit ---------------------------------------------------------------------------
    def _campaign(self, s: Any, campaign_id: int) -> CampaignInfo:
        slug = s.scalar(select(Campaign.slug).where(Campaign.id == campaign_id))
        from surveys.responses.storage import Storage

        return Storage(self.db, "").campaign(str(slug))

    def _audit(
        self,
        s: Any,
        campaign: CampaignInfo,
        mailing: Mailing,
        action: str,
        actor: str | None = None,
    ) -> None:
        """Counts only: never a recipient, an address or a token."""
        detail = {"campaign": campaign.slug, "kind": mailing.kind, "status": mailing.status,
                  "planned": mailing.planned, "sent": mailing.sent, "bounced": mailing.bounced,
                  "unclear": mailing.unclear}  # fmt: skip
        s.add(AuditLog(municipality_id=campaign.municipality_id, actor=actor or mailing.actor,
                       action=action, detail=detail))  # fmt: skip


@dataclass
class Job:
    """A mailing sent in a thread of its own (:class:`MailingJobs`)."""

    mailing_id: int
    done: int = 0
    planned: int = 0
    result: MailingInfo | None = None
    error: str | None = None
    thread: threading.Thread | None = None

    @property
    def alive(self) -> bool:
        return self.thread is not None and self.thread.is_alive()


class MailingJobs:
    """Mailings being sent by this process, one thread each: a page starts one, returns at
    once and shows its progress on every rerun (Streamlit runs pages in threads of their
    own; a send loop there would hold the page for as long as it takes)."""

    def __init__(self) -> None:
        self._jobs: dict[int, Job] = {}
        self._lock = threading.Lock()

    def get(self, mailing_id: int) -> Job | None:
        with self._lock:
            return self._jobs.get(mailing_id)

    def start(
        self, mailings: Mailings, mailing_id: int, transport: TransportFactory | None = None
    ) -> Job:
        with self._lock:
            job = self._jobs.get(mailing_id)
            if job is not None and job.alive:
                return job
            job = Job(mailing_id)

            def progress(done: int, planned: int) -> None:
                job.done, job.planned = done, planned

            def work() -> None:
                try:
                    job.result = mailings.run(mailing_id, transport, progress)
                except Exception as exc:  # shown on the page; the mailing stays resumable
                    job.error = f"Die Sendung ist abgebrochen ({type(exc).__name__})."

            # the thread runs in a copy of the caller's context: the caller's town stays the
            # town of every transaction of the mailing (bedarfsradar.db.rls)
            context = contextvars.copy_context()
            job.thread = threading.Thread(
                target=context.run, args=(work,), name=f"mailing-{mailing_id}", daemon=True
            )
            self._jobs[mailing_id] = job
            job.thread.start()
            return job


JOBS = MailingJobs()
"""The process's mailings in progress (the dashboard's pages share it)."""

"""The database schema (SQLAlchemy 2 typed ORM). Alembic migrations mirror it exactly.

Privacy by construction: a response has no IP address, user agent or exact timestamp —
only the coarse month of submission. Receipt and resume codes are stored as SHA-256
hashes, never in clear. Every tenant-owned row carries ``municipality_id`` — answers and
free-text codes too, so one row-level security policy covers every tenant table on
PostgreSQL (:mod:`bedarfsradar.db.rls`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class Municipality(Base):
    """A tenant: a town, or the Land (the ministry, ``kind = "land"``), whose rows are its
    users, pooled releases and participation figures. Not tenant data itself: slug, name
    and Stadtteile are public, and every role reads this table."""

    __tablename__ = "municipality"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="town", server_default="town")
    stadtteile: Mapped[list[Any] | None] = mapped_column(JSON)
    """[{"code": …, "name": …}, …] of a town added by ``bedarfsradar town add``; None: the
    installation's own town, whose Stadtteile are ``data/geography.yaml``."""


class QuestionnaireVersion(Base):
    """An immutable, content-hashed questionnaire with its translations."""

    __tablename__ = "questionnaire_version"
    __table_args__ = (UniqueConstraint("municipality_id", "content_hash"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    audience: Mapped[str] = mapped_column(String(32))
    version_label: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Campaign(Base):
    """A survey wave for one audience, e.g. "Welle 1 – Frühjahr 2026 (Zugewanderte)"."""

    __tablename__ = "campaign"
    __table_args__ = (UniqueConstraint("municipality_id", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    """Unique within the town: two towns may both have ``zugewanderte-w1``."""
    title: Mapped[str] = mapped_column(String(200))
    wave: Mapped[int] = mapped_column(Integer, default=1)
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"))
    status: Mapped[str] = mapped_column(String(16), default="open")  # draft | open | closed
    opens_on: Mapped[str | None] = mapped_column(String(10))  # ISO date
    closes_on: Mapped[str | None] = mapped_column(String(10))
    modes: Mapped[list[Any]] = mapped_column(
        JSON, default=lambda: ["online", "assisted", "paper", "offline"]
    )
    targets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Known population sizes or response targets, e.g. {"total": 400, "hallgarten": 40}."""

    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()


class Response(Base):
    __tablename__ = "response"
    __table_args__ = (
        Index("ix_response_campaign_status", "campaign_id", "status"),
        UniqueConstraint("municipality_id", "client_uuid"),
        UniqueConstraint("id", "municipality_id"),  # the target of answer's foreign key
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    client_uuid: Mapped[str] = mapped_column(String(36))
    """Idempotent submit within the town (another town's UUID is invisible to it)."""
    language: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(16), default="online")
    """online | assisted | paper | offline (an interview with ODK Collect or KoboCollect,
    imported from the tool's export: :mod:`surveys.xlsform.submissions`)."""
    status: Mapped[str] = mapped_column(String(16), default="partial")  # partial | complete
    month: Mapped[str] = mapped_column(String(7))
    """Coarse month of the last change ("2026-03"): enough for waves and retention, never
    an exact timestamp."""
    sensitive_consent: Mapped[bool | None] = mapped_column(Boolean)
    receipt_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    resume_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    record_key: Mapped[int] = mapped_column(Integer)
    """Random key in [0, 2**31) for the cell-key method (:mod:`analysis.protection`);
    set once at the first save, never derived from ids or times."""
    review_flag: Mapped[str | None] = mapped_column(String(32))
    """Why the guide should look at this response before trusting it (``honeypot``: the
    hidden anti-bot field was filled; ``too_fast``: submitted sooner than a person reads);
    None for ordinary responses. Suspected bots are kept and flagged, never discarded."""

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )


class Answer(Base):
    """One answer in long format. Matrix: item = row code; ranking: item = rank ("1".."3");
    multiple choice: one row per selected option; free text in ``text``."""

    __tablename__ = "answer"
    __table_args__ = (
        Index("ix_answer_response", "response_id"),
        # the answer's town is its response's town: never another
        ForeignKeyConstraint(
            ["response_id", "municipality_id"],
            ["response.id", "response.municipality_id"],
            ondelete="CASCADE",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    response_id: Mapped[int] = mapped_column()
    question_id: Mapped[str] = mapped_column(String(64))
    item: Mapped[str] = mapped_column(String(64), default="")
    value: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")


class OfflineSubmission(Base):
    """One imported version of an offline interview (ODK Collect, KoboCollect), known only
    by keyed hashes of the tool's random ids (HMAC-SHA256 with the server secret): a second
    import of the same export adds nothing, an edited submission replaces the response of
    its earlier version. ``response_uuid`` names the response that holds the answers of
    this version (no foreign key, so deleting a response never depends on this table);
    ``None`` once a newer version replaced it. A row stays after its response was deleted,
    so that a deleted interview does not come back with the next import."""

    __tablename__ = "offline_submission"
    __table_args__ = (UniqueConstraint("municipality_id", "instance_hash"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    instance_hash: Mapped[str] = mapped_column(String(64))
    """Keyed hash of the version's ``meta/instanceID``."""
    root_hash: Mapped[str] = mapped_column(String(64), index=True)
    """Keyed hash of the first version's id (ODK Central ``KEY``, Kobo ``meta/rootUuid``),
    the same for every version of one interview."""
    response_uuid: Mapped[str | None] = mapped_column(String(36))


class Recording(Base):
    """A text of a questionnaire version read aloud in one language (question, option,
    intro …), for respondents who read with difficulty.

    Content-addressed: ``sha256`` of the bytes names the recording in its public URL, so
    a URL never changes its content and browsers may cache it for a year. Tenant-scoped
    and tied to one questionnaire version: the survey plays only recordings of the
    campaign's own version."""

    __tablename__ = "recording"
    __table_args__ = (UniqueConstraint("questionnaire_version_id", "language", "text_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    questionnaire_version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_version.id", ondelete="CASCADE")
    )
    language: Mapped[str] = mapped_column(String(16))
    text_key: Mapped[str] = mapped_column(String(200))
    """The questionnaire text's key (``q.children.label``, ``options.severity.4``, ``intro``)."""
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content_type: Mapped[str] = mapped_column(String(32))
    duration_ms: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Offer(Base):
    """An existing local offer (course, counselling, club, café …)."""

    __tablename__ = "offer"
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str | None] = mapped_column(String(200))
    areas: Mapped[list[Any]] = mapped_column(JSON, default=list)
    stadtteil: Mapped[str] = mapped_column(String(32))  # a Stadtteil code, "all" or "online"
    languages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    times: Mapped[list[Any]] = mapped_column(JSON, default=list)
    cost: Mapped[str] = mapped_column(String(16), default="free")  # free | low | fee
    childcare: Mapped[bool] = mapped_column(Boolean, default=False)
    accessible: Mapped[bool] = mapped_column(Boolean, default=False)
    contact: Mapped[str | None] = mapped_column(String(300))
    since: Mapped[str | None] = mapped_column(String(7))  # "YYYY-MM"
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_example: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (UniqueConstraint("municipality_id", "key"),)


class FreeTextCode(Base):
    """A guide's code of one free-text answer; one row per (answer, coder), so a second
    coder's codes sit beside the first's for the agreement (:mod:`surveys.free_text.codes`)."""

    __tablename__ = "free_text_code"
    __table_args__ = (UniqueConstraint("answer_id", "coder"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"), index=True)
    coder: Mapped[str] = mapped_column(String(64))
    area: Mapped[str | None] = mapped_column(String(32))
    theme: Mapped[str | None] = mapped_column(String(100))


class AppUser(Base):
    __tablename__ = "app_user"
    __table_args__ = (UniqueConstraint("municipality_id", "username"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    username: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # admin | guide | viewer
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AppSession(Base):
    """A dashboard login (:mod:`bedarfsradar.session`). The cookie holds a random key;
    only its SHA-256 is stored. A session ends (``ended_at``) at logout, when the user's
    password, role or state changes, after the idle or absolute timeout; an ended row
    never counts again."""

    __tablename__ = "app_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(16))
    """logout | password | role | disabled | idle | absolute"""


class Setting(Base):
    """Per-municipality settings set in the dashboard (e.g. ``retention_months``)."""

    __tablename__ = "setting"
    __table_args__ = (UniqueConstraint("municipality_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AuditLog(Base):
    """Append-only: who exported, viewed raw data, deleted, changed users."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Measure(Base):
    """A measure proposed to the council (:mod:`reports.measures`), edited by the guide in
    the dashboard; every change is also written to the audit log."""

    __tablename__ = "measure"
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(120))
    rationale: Mapped[str] = mapped_column(String(300), default="")
    cost_eur: Mapped[int | None] = mapped_column(Integer)
    cost_note: Mapped[str] = mapped_column(String(60), default="")
    funding: Mapped[str] = mapped_column(String(160))
    lead: Mapped[str] = mapped_column(String(120))
    timeline: Mapped[str] = mapped_column(String(120))
    indicator: Mapped[str] = mapped_column(String(200))
    indicator_ref: Mapped[str] = mapped_column(String(120), default="")
    target: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(16), default="proposed", server_default="proposed")
    """proposed | adopted (by the council) | running | done (:data:`reports.measures.STATUSES`)"""
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_by: Mapped[str] = mapped_column(String(64))


class Release(Base):
    """A release: the published tables of one wave, computed once from the microdata by
    the fixed catalogue and frozen (:mod:`surveys.releases`). Everyone who may not read
    individual answers (viewer, Stadtrat deck and PDF, hand-on exports, public page) reads
    releases only. Rows are never updated except ``withdrawn_at``; the payload's SHA-256
    is ``content_hash``."""

    __tablename__ = "release"
    __table_args__ = (UniqueConstraint("municipality_id", "wave", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    wave: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, ... within the wave
    kind: Mapped[str] = mapped_column(String(16))  # interim | final
    catalogue: Mapped[str] = mapped_column(String(32))  # catalogue version
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(64))
    data_as_of: Mapped[str] = mapped_column(String(16))  # "Stand der Daten", ISO date
    responses: Mapped[int] = mapped_column(Integer)  # complete responses used (true count)
    content_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    public_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """Set while the guide has the release's public results page turned on."""


class Mailing(Base):
    """One sending of a campaign's invitations, reminders or printed letters
    (:mod:`surveys.invitations.sending`): what was sent and how many, never to whom.
    ``started_on`` is the campaign-level day (for the one-reminder-a-week rule)."""

    __tablename__ = "mailing"
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # invitation | reminder | letter
    started_on: Mapped[str] = mapped_column(String(10))  # ISO date
    status: Mapped[str] = mapped_column(String(16))  # running | interrupted | done | cancelled
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    planned: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    bounced: Mapped[int] = mapped_column(Integer, default=0)
    unclear: Mapped[int] = mapped_column(Integer, default=0)
    actor: Mapped[str] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(300))


class Invitation(Base):
    """A person invited by name to a campaign (volunteers, staff): who was invited and
    whether they have finished - never what they answered.

    Two stores, no link (:mod:`surveys.invitations`): no response id, no time finer than
    the month; the personal link's token is stored only as its hash. When the person
    finishes, the row keeps ``finished`` and loses its months and reminder count."""

    __tablename__ = "invitation"
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    department: Mapped[str | None] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="new")
    """new | sent | bounced | unclear (the server went away mid-message) | printed"""
    status_note: Mapped[str | None] = mapped_column(String(200))
    sent_month: Mapped[str | None] = mapped_column(String(7))
    reminded_month: Mapped[str | None] = mapped_column(String(7))
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    pending_mailing_id: Mapped[int | None] = mapped_column(ForeignKey("mailing.id"))
    pending_state: Mapped[str | None] = mapped_column(String(8))  # queued | sending
    finished: Mapped[bool] = mapped_column(Boolean, default=False)

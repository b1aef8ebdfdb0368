"""A staff campaign with invited people, the survey app, and a real SMTP server on
127.0.0.1 (aiosmtpd) that keeps what it receives and refuses what it is told to."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message

import pytest
from starlette.applications import Starlette

from bedarfsradar.server import routes
from surveys.invitations.lists import Person
from surveys.invitations.mail import SmtpConfig
from surveys.invitations.sending import Mailings
from surveys.invitations.store import InvitationStore

BASE_URL = "https://umfrage.example"
STAFF = [
    ("Anna Becker", "anna.becker@stadt.example", "Bürgerbüro"),
    ("Bernd Clausen", "bernd.clausen@stadt.example", "Bürgerbüro"),
    ("Carla Dietz", "carla.dietz@stadt.example", "Ordnungsamt"),
    ("Deniz Ekinci", "deniz.ekinci@stadt.example", "Soziales"),
    ("Eva Fischer", None, "Kita"),
    ("Frank Gerber", "frank.gerber@stadt.example", "Soziales"),
]


@dataclass
class Staff:
    ctx: object
    app: Starlette
    campaign: object
    store: InvitationStore
    ids: dict[str, int] = field(default_factory=dict)

    def token(self, name: str) -> str:
        return self.store.token(self.campaign.id, self.ids[name])

    def mailings(self, port: int = 0, **config) -> Mailings:  # type: ignore[no-untyped-def]
        smtp = SmtpConfig(host="127.0.0.1", port=port, security="none",
                          sender="Integrationsguide <integration@stadt.example>", timeout=5,
                          **config)  # fmt: skip
        return Mailings(self.ctx.db, self.store, smtp, BASE_URL)


def make_staff(ctx, slug: str = "personal-w1", people=STAFF, **campaign) -> Staff:  # type: ignore[no-untyped-def]
    mid = ctx.municipality_id
    version = ctx.storage.latest_version(mid, "administration")
    info = ctx.storage.create_campaign(mid, slug, "Befragung der Mitarbeitenden", version,
                                       **campaign)  # fmt: skip
    store = InvitationStore(ctx.db, ctx.settings.effective_secret_key)
    store.add(info, [Person(n, e, d, i) for i, (n, e, d) in enumerate(people, start=2)])
    app = Starlette(routes=routes(ctx))
    app.routes[1].app.state.survey.config.seconds_per_question = 0
    ids = {row.name: int(row.id) for row in store.people(info.id).itertuples()}
    return Staff(ctx, app, info, store, ids)


@pytest.fixture
def staff(ctx) -> Staff:
    """On SQLite and on PostgreSQL (``ctx`` is parametrised)."""
    return make_staff(ctx)


# -- a real SMTP server ---------------------------------------------------------------------
class Mailbox:
    """aiosmtpd handler: keeps every message; refuses recipients in ``refuse`` with 550."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []
        self.refuse: set[str] = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        with self.lock:
            self.messages.append(
                (
                    list(envelope.rcpt_tos),
                    message_from_bytes(envelope.content, policy=policy.default),
                )
            )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        return [m for rcpt, m in self.messages if address in rcpt]

    def start(self, port: int = 0) -> None:
        """Serve on ``port`` (0: a free one; again after :meth:`stop`: the same one)."""
        from aiosmtpd.controller import Controller

        self.port = port or getattr(self, "port", 0) or free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
        self.controller = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server():  # type: ignore[no-untyped-def]
    box = Mailbox()
    box.start()
    try:
        yield box
    finally:
        if box.controller is not None:
            box.stop()

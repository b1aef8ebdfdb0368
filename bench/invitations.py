"""Sending invitations: N personal invitations through the mailing machinery
(:mod:`surveys.invitations.sending`) to a real SMTP server on this machine (aiosmtpd),
against a baseline measured in the same run: the same N messages sent with plain
``smtplib`` over one connection, with no database at all.

Usage: ``python bench/invitations.py [--n 500]``

The mailing side does everything a real mailing does - queue the recipients in one
transaction, claim each batch (committed), derive each person's link, compose the German
message (plain text and HTML), send it in three SMTP steps, record each outcome
(committed) - on a SQLite file with the project's durability settings. It runs in a
thread of its own, as the dashboard runs it, while the main thread's asyncio loop ticks
every 10 ms: the largest delay of a tick shows that the event loop the survey and the
dashboard share keeps running. Goal: 500 invitations in under 30 s.
"""

from __future__ import annotations

import argparse
import asyncio
import smtplib
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bedarfsradar import PROJECT_ROOT
from bedarfsradar.context import AppContext, init_db
from bedarfsradar.settings import Settings
from surveys.invitations.lists import Person
from surveys.invitations.mail import DEFAULT_BODIES, DEFAULT_SUBJECTS, SmtpConfig, compose, fill
from surveys.invitations.sending import BATCH, JOBS, Mailings
from surveys.invitations.store import InvitationStore

GOAL_SECONDS = 30.0


class Counter:
    """aiosmtpd handler that counts what arrives."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.received += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def setup(folder: Path, n: int) -> tuple[AppContext, object, InvitationStore]:
    settings = Settings(database_url=f"sqlite:///{folder / 'bench.db'}",
                        data_dir=PROJECT_ROOT / "data", secret_key="bench-secret")  # fmt: skip
    ctx = AppContext(settings)
    init_db(ctx)
    version = ctx.storage.latest_version(ctx.municipality_id, "administration")
    campaign = ctx.storage.create_campaign(ctx.municipality_id, "bench", "Befragung", version)
    store = InvitationStore(ctx.db, settings.effective_secret_key)
    people = [Person(f"Person {i:04d}", f"person{i:04d}@stadt.example", "Bürgerbüro", i + 2)
              for i in range(n)]  # fmt: skip
    store.add(campaign, people)
    return ctx, campaign, store


def baseline(config: SmtpConfig, store: InvitationStore, campaign, ids: list[int]) -> float:  # type: ignore[no-untyped-def]
    """The same messages with plain smtplib over one connection: seconds."""
    started = time.perf_counter()
    with smtplib.SMTP(config.host, config.port) as smtp:
        for i in ids:
            link = store.link("https://umfrage.example", campaign.slug, campaign.id, i)
            name = f"Person {i:04d}"
            text = fill(
                DEFAULT_BODIES["invitation"], name=name, link=link, title=campaign.title, closes=""
            )
            subject = fill(DEFAULT_SUBJECTS["invitation"], title=campaign.title)
            message = compose(config, name, f"x{i}@stadt.example", subject, text)
            data = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
            smtp.sendmail(config.sender_address, [f"x{i}@stadt.example"], data)
    return time.perf_counter() - started


async def tick_while(thread_alive) -> float:  # type: ignore[no-untyped-def]
    """Largest delay (s) of a 10 ms asyncio tick while ``thread_alive()``."""
    worst = 0.0
    while thread_alive():
        before = time.perf_counter()
        await asyncio.sleep(0.01)
        worst = max(worst, time.perf_counter() - before - 0.01)
    return worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="invitations to send (default 500)")
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    counter = Counter()
    server = Controller(counter, hostname="127.0.0.1", port=free_port())
    server.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            ctx, campaign, store = setup(Path(folder), args.n)
            config = SmtpConfig(host="127.0.0.1", port=server.port, security="none",
                                sender="Integrationsguide <guide@stadt.example>")  # fmt: skip
            ids = [int(i) for i in store.people(campaign.id)["id"]]
            floor = baseline(config, store, campaign, ids)
            received_before = counter.received

            mailings = Mailings(ctx.db, store, config, "https://umfrage.example")
            started = time.perf_counter()
            planned = mailings.plan(campaign, "invitation", "bench")
            job = JOBS.start(mailings, planned.id)
            lag = asyncio.run(tick_while(lambda: job.alive))
            seconds = time.perf_counter() - started
            result = job.result
            ctx.db.dispose()
    finally:
        server.stop()
    assert result is not None, job.error
    sent = counter.received - received_before
    print(f"invitations: {args.n}, batches of {BATCH}, SQLite, aiosmtpd on 127.0.0.1")
    print(f"  baseline (smtplib, one connection, no database): {floor:6.2f} s  "
          f"{args.n / floor:7.0f} messages/s")  # fmt: skip
    print(f"  mailing (queue, batches, records, audit):        {seconds:6.2f} s  "
          f"{args.n / seconds:7.0f} messages/s")  # fmt: skip
    print(f"  ratio mailing / baseline: {seconds / floor:.2f}x the time")
    print(f"  arrived {sent}, recorded sent {result.sent}, bounced {result.bounced}, "
          f"status {result.status}")  # fmt: skip
    print(f"  event loop: largest tick delay while sending {lag * 1000:.1f} ms")
    ok = seconds < GOAL_SECONDS and sent == args.n == result.sent
    print(f"  goal {args.n} in < {GOAL_SECONDS:.0f} s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

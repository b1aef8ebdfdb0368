"""E-mail by SMTP with the standard library: STARTTLS or implicit TLS, login, German texts
with a plain-text part (and the same text as simple HTML beside it).

The mail server comes from the settings (``BEDARFSRADAR_SMTP_*``,
:class:`bedarfsradar.settings.Settings`). :class:`SmtpTransport` keeps one connection
for a whole mailing and sends each message in its three SMTP steps (MAIL, RCPT, DATA), so
a refusal tells exactly what happened: an address the server refuses with a 5xx code is
*bounced*, a 4xx code is *temporary* (try again later), and a connection that breaks
before DATA sent nothing - only one that breaks during DATA leaves the message *unclear*
(:mod:`surveys.invitations.sending` never sends an unclear one again by itself).
"""

from __future__ import annotations

import html
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from typing import Any

PLACEHOLDERS = ("name", "link", "title", "closes")
DEFAULT_SUBJECTS = {
    "invitation": "Einladung zur Befragung „{title}“",
    "reminder": "Erinnerung: Befragung „{title}“",
}
DEFAULT_BODIES = {
    "invitation": """Guten Tag {name},

wir laden Sie herzlich zur Befragung „{title}“ ein. Sie dauert etwa zehn Minuten.

Ihr persönlicher Link:
{link}

Der Link gilt nur für Sie und für eine Antwort. Ihre Antworten werden ohne Ihren Namen
gespeichert: Wir sehen nur, ob Sie teilgenommen haben, nicht was Sie geantwortet haben.
Ergebnisse zeigen wir nur für Gruppen von mindestens 5 Personen. {closes}

Vielen Dank für Ihre Unterstützung!
Ihr Integrationsguide""",
    "reminder": """Guten Tag {name},

vor einiger Zeit haben wir Sie zur Befragung „{title}“ eingeladen. Vielleicht ist die
Einladung untergegangen - wir würden uns sehr freuen, wenn Sie noch teilnehmen. Es dauert
etwa zehn Minuten.

Ihr persönlicher Link:
{link}

Wenn Sie schon angefangen haben, geht es mit dem Link dort weiter, wo Sie aufgehört
haben. Ihre Antworten werden ohne Ihren Namen gespeichert. {closes}

Vielen Dank!
Ihr Integrationsguide""",
}
_FIELD = re.compile(r"\{([^{}]*)\}")
_URL = re.compile(r"https?://[^\s<>\"]+")


class MailServerError(RuntimeError):
    """The mail server cannot be used (not set up, unreachable, login refused). The
    message is German, for the page or the command line."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 587
    security: str = "starttls"  # starttls | ssl | none
    username: str = ""
    password: str = field(default="", repr=False)
    sender: str = ""
    timeout: float = 20.0

    @classmethod
    def from_settings(cls, settings: Any) -> SmtpConfig:
        return cls(
            host=settings.smtp_host,
            port=int(settings.smtp_port),
            security=str(settings.smtp_security).lower(),
            username=settings.smtp_username,
            password=settings.smtp_password,
            sender=settings.smtp_from,
            timeout=float(settings.smtp_timeout),
        )

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender)

    @property
    def sender_address(self) -> str:
        return parseaddr(self.sender)[1] or self.sender


def template_problems(subject: str, body: str) -> list[str]:
    """What is wrong with a text the guide wrote (German; empty = fine)."""
    problems = []
    for where, text in (("Betreff", subject), ("Text", body)):
        for name in _FIELD.findall(text):
            if name not in PLACEHOLDERS:
                known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                problems.append(f"{where}: unbekannter Platzhalter {{{name}}} (möglich: {known}).")
        if text.count("{") != text.count("}"):
            problems.append(f"{where}: eine geschweifte Klammer ist nicht geschlossen.")
    if "{link}" not in body:
        problems.append("Text: {link} fehlt - ohne den persönlichen Link kann niemand antworten.")
    if not subject.strip():
        problems.append("Betreff: bitte ausfüllen.")
    return problems


def fill(text: str, **values: str) -> str:
    """``text`` with its placeholders filled (unknown ones stay as they are)."""
    return _FIELD.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _html(text: str) -> str:
    paragraphs = []
    for block in text.split("\n\n"):
        escaped = html.escape(block)
        linked = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        paragraphs.append("<p>" + linked.replace("\n", "<br>\n") + "</p>")
    return (
        '<!doctype html><html lang="de"><head><meta charset="utf-8"></head><body>'
        + "\n".join(paragraphs)
        + "</body></html>"
    )


def compose(
    config: SmtpConfig, to_name: str, to_address: str, subject: str, text: str
) -> EmailMessage:
    """A German message: ``text/plain`` first (what every client shows), the same text as
    simple HTML as the alternative."""
    msg = EmailMessage()
    msg["From"] = config.sender
    msg["To"] = formataddr((to_name, to_address))
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    domain = config.sender_address.rpartition("@")[2] or None
    msg["Message-ID"] = make_msgid(domain=domain)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text, charset="utf-8")
    msg.add_alternative(_html(text), subtype="html", charset="utf-8")
    msg["Content-Language"] = "de"  # after set_content, which replaces Content-* headers
    return msg


class ServerGone(Exception):
    """The connection broke while sending; ``during_data``: the message may have arrived."""

    def __init__(self, during_data: bool, reason: str):
        super().__init__(reason)
        self.during_data = during_data


@dataclass(frozen=True)
class Outcome:
    kind: str  # sent | bounced | temporary
    note: str = ""


def _reply(code: int, text: bytes | str) -> str:
    message = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(message.split())}"[:200]


class SmtpTransport:
    """One SMTP connection for a mailing (a context manager)."""

    def __init__(self, config: SmtpConfig):
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        c = self.config
        if not c.configured:
            raise MailServerError(
                "Es ist kein Mailserver eingerichtet (BEDARFSRADAR_SMTP_HOST und "
                "BEDARFSRADAR_SMTP_FROM). Die Verwaltung (Admin) trägt ihn in den "
                "Einstellungen des Servers ein."
            )
        try:
            context = ssl.create_default_context()
            if c.security == "ssl":
                self._smtp = smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout, context=context)
            else:
                self._smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
                self._smtp.ehlo()
                if c.security == "starttls":
                    self._smtp.starttls(context=context)
                    self._smtp.ehlo()
            if c.username:
                self._smtp.login(c.username, c.password)
        except smtplib.SMTPAuthenticationError as exc:
            self._close()
            raise MailServerError(
                f"Der Mailserver {c.host} hat die Anmeldung abgelehnt ({exc.smtp_code}). "
                "Bitte Benutzername und Passwort prüfen."
            ) from exc
        except smtplib.SMTPNotSupportedError as exc:
            self._close()
            raise MailServerError(
                f"Der Mailserver {c.host} bietet keine verschlüsselte Verbindung (STARTTLS) an."
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self._close()
            raise MailServerError(
                f"Der Mailserver {c.host}:{c.port} ist nicht erreichbar "
                f"({type(exc).__name__}). Es wurde nichts verschickt, was nicht vermerkt "
                "ist; Sie können die Sendung später fortsetzen."
            ) from exc
        return self

    def send(self, message: EmailMessage, to_address: str) -> Outcome:
        """Send one message: :class:`Outcome`, or :class:`ServerGone` when the connection
        breaks (then the transport is unusable)."""
        smtp = self._smtp
        assert smtp is not None, "use SmtpTransport as a context manager"
        data = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))  # SMTP lines
        try:
            code, reply = smtp.mail(self.config.sender_address)
            if code != 250:
                smtp.rset()
                raise MailServerError(
                    f"Der Mailserver lehnt den Absender ab ({_reply(code, reply)}). Bitte "
                    "BEDARFSRADAR_SMTP_FROM prüfen."
                )
            code, reply = smtp.rcpt(to_address)
            if code not in (250, 251):
                smtp.rset()
                kind = "bounced" if code >= 500 else "temporary"
                return Outcome(kind, _reply(code, reply))
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            raise ServerGone(False, type(exc).__name__) from exc
        try:
            code, reply = smtp.data(data)
        except smtplib.SMTPDataError as exc:
            return Outcome(
                "bounced" if exc.smtp_code >= 500 else "temporary",
                _reply(exc.smtp_code, exc.smtp_error),
            )
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            raise ServerGone(True, type(exc).__name__) from exc
        if code != 250:
            return Outcome("bounced" if code >= 500 else "temporary", _reply(code, reply))
        return Outcome("sent")

    def _close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None

    def __exit__(self, *exc: object) -> None:
        self._close()

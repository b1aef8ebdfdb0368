"""Whose answers are never shown one by one: the town-hall staff's always, the
volunteers' unless the guide switches that off with a stated reason.

In a German town hall a staff survey needs the Personalrat's agreement, which in
practice requires that no single staff answer is visible to the employer - and the
guide is the staff's colleague. So for a *protected* audience:

- its answers are left out of the raw "Einzelantworten" export, for every role (the
  export page says so);
- its free texts are never listed: only the need areas a keyword list finds in them,
  shown where at least 5 texts name the same area (:func:`protected_free_text_codes`);
- response rates and department breakdowns only for groups of at least 5
  (:mod:`surveys.invitations.rates`); means without their exact n.

Volunteers are protected the same way by default; the guide may switch it off (e.g. a
volunteers' circle that agreed to share its comments) only with a reason, which goes to
the audit log with the change (setting :data:`VOLUNTEER_KEY`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import select

from bedarfsradar.db.engine import Database
from bedarfsradar.db.schema import AuditLog, Setting

ALWAYS = ("administration",)
VOLUNTEER_KEY = "volunteer_answers_visible"
MIN_MENTIONS = 5
KEYWORD_CODER = "Stichwortliste"


class ProtectionError(ValueError):
    """A change that cannot be made (German message)."""


def volunteer_setting(db: Database, municipality_id: int) -> dict[str, Any]:
    """``{"visible": bool, "reason": str, "by": str}``; visible False by default."""
    with db.read() as s:
        value = s.scalar(
            select(Setting.value).where(
                Setting.municipality_id == municipality_id, Setting.key == VOLUNTEER_KEY
            )
        )
    return {"visible": False, "reason": "", "by": "", **(value or {})}


def protected_audiences(db: Database, municipality_id: int) -> tuple[str, ...]:
    """The audiences whose answers are never shown one by one."""
    visible = volunteer_setting(db, municipality_id)["visible"]
    return ALWAYS if visible else (*ALWAYS, "volunteer")


def set_volunteer_visibility(
    db: Database, municipality_id: int, visible: bool, reason: str, actor: str
) -> None:
    """Switch the volunteers' protection off (``visible``) with a reason, or on again;
    written to the audit log with the reason."""
    reason = " ".join(reason.split())
    if visible and len(reason) < 10:
        raise ProtectionError(
            "Bitte begründen Sie, warum Einzelantworten der Ehrenamtlichen sichtbar sein "
            "sollen (mindestens ein Satz)."
        )
    value = {"visible": visible, "reason": reason, "by": actor}
    with db.write() as s:
        row = s.scalar(
            select(Setting).where(
                Setting.municipality_id == municipality_id, Setting.key == VOLUNTEER_KEY
            )
        )
        if row is None:
            s.add(Setting(municipality_id=municipality_id, key=VOLUNTEER_KEY, value=value))
        else:
            row.value = value
        s.add(AuditLog(municipality_id=municipality_id, actor=actor,
                       action="privacy.volunteer_answers", detail=value))  # fmt: skip


def without_protected(frame: pd.DataFrame, protected: tuple[str, ...]) -> pd.DataFrame:
    """The rows of ``frame`` (column ``audience``) of audiences that are not protected."""
    return frame[~frame["audience"].isin(protected)].reset_index(drop=True)


def protected_free_text_codes(texts: pd.DataFrame, protected: tuple[str, ...]) -> pd.DataFrame:
    """Codes for the free texts of protected audiences from the keyword list alone (column
    ``suggested`` of the texts, best first): one code per text, coder
    :data:`KEYWORD_CODER`, so nobody reads them to code them. Counted and shown like every
    code (:func:`analysis.published.themes_view`: areas with fewer than 5 mentions hidden)."""
    mine = texts[texts["audience"].isin(protected)]
    return pd.DataFrame(
        {
            "answer_id": mine["answer_id"].to_numpy(),
            "coder": KEYWORD_CODER,
            "area": [s[0] if len(s) else None for s in mine["suggested"]],
            "theme": None,
        },
        columns=["answer_id", "coder", "area", "theme"],
    )


def staff_council_text(
    town: str, retention_months: int | None, volunteers_protected: bool
) -> list[tuple[str, str]]:
    """The "Information für den Personalrat" in plain German: (heading, text) sections,
    for the Datenschutz page and the one-page PDF."""
    keep = (
        f"{retention_months} Monate nach dem Monat der Antwort"
        if retention_months
        else "bis zum Ende der Auswertung (die Frist legt die Verwaltung fest)"
    )
    volunteers = (
        "Für die Befragung der Ehrenamtlichen gilt dasselbe."
        if volunteers_protected
        else "Für die Befragung der Ehrenamtlichen hat der Integrationsguide diesen Schutz mit "
        "Begründung abgeschaltet (im Protokoll vermerkt); für die Beschäftigten gilt er immer."
    )
    return [
        (
            "Worum es geht",
            f"Die Stadt {town} befragt Beschäftigte mit Kontakt zu Zugewanderten, wie gut die "
            "Verwaltung für sie arbeitet und was fehlt. Die Teilnahme ist freiwillig. Wer "
            "nicht teilnimmt, hat keine Nachteile.",
        ),
        (
            "Was gespeichert wird",
            "Zwei Listen, die nicht miteinander verbunden sind. Erstens die Einladungsliste: "
            "Name, E-Mail-Adresse, Bereich, ob und in welchem Monat eingeladen oder erinnert "
            "wurde, und „teilgenommen: ja/nein“. Zweitens die Antworten: ohne Namen, ohne "
            "E-Mail-Adresse, ohne IP-Adresse, ohne Uhrzeit – nur mit dem Monat der Befragung. "
            "Der persönliche Link wird nur verschlüsselt (als Prüfwert) gespeichert. Nichts "
            "verbindet eine Antwort mit einer Person: keine Nummer, kein Zeitpunkt, keine "
            "Reihenfolge, kein Eintrag im Protokoll. Sobald jemand fertig ist, werden auch "
            "Einladungs- und Erinnerungsmonat bei dieser Person gelöscht.",
        ),
        (
            "Wer was sieht",
            "Der Integrationsguide sieht die Einladungsliste, damit nur noch erinnert wird, "
            "wer nicht teilgenommen hat (höchstens einmal pro Woche). Niemand im Rathaus – "
            "auch nicht der Integrationsguide, die Verwaltungsleitung oder der Admin – kann "
            "einzelne Antworten von Beschäftigten sehen: Sie fehlen in jedem Export von "
            "Einzelantworten, Freitexte erscheinen nur als Themen, die mindestens 5 Personen "
            "nennen, und Mittelwerte stehen ohne genaue Fallzahl da. " + volunteers,
        ),
        (
            "Mindestgröße von Gruppen",
            "Ergebnisse gibt es nur für Gruppen von mindestens 5 Personen. Rücklaufquoten je "
            "Bereich erscheinen nur, wo mindestens 5 eingeladen wurden und mindestens 5 "
            "geantwortet haben. Die Zahlen der Ergebnisse sind leicht verrauscht, damit man "
            "aus zwei Tabellen keine kleine Gruppe zurückrechnen kann.",
        ),
        (
            "Löschen",
            f"Antworten werden {keep} gelöscht. Wer seine Antwort löschen lassen möchte, nutzt "
            "den Code vom Ende des Fragebogens; dafür muss niemand seinen Namen nennen.",
        ),
    ]

"""Record of processing activities (Verzeichnis von Verarbeitungstätigkeiten, Art. 30 DSGVO).

:func:`record_markdown` writes the record as German Markdown from :class:`ProcessingFacts`.
The facts come from the code, not from prose that can drift: the stored columns are read
from the ORM schema (:func:`stored_columns`), so the sentence "no IP address is stored" is
only written while no such column exists; the suppression threshold is
:data:`analysis.disclosure.MIN_CELL`; roles, languages, sensitive questions and the
retention period come from the database and the questionnaires. The controller completes
contact details and the legal basis (marked "[ergänzen]").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from analysis.disclosure import MIN_CELL
from bedarfsradar.db.schema import Answer, Response

TRACKING_COLUMNS = ("ip", "ip_address", "user_agent", "created_at", "submitted_at", "timestamp")
ROLE_TEXT = {
    "admin": "Verwaltung (Admin): Benutzer, Kampagnen, Löschung, Aufbewahrungsfrist",
    "guide": "Integrationsguide: Auswertung, Exporte, Codierung der Freitexte",
    "viewer": "Lesend: nur zusammengefasste Ergebnisse mit Unterdrückung kleiner Zellen",
}
AUDIENCE_TEXT = {
    "newcomer": "Zugewanderte in der Kommune (ab 16 Jahren)",
    "volunteer": "Ehrenamtlich Engagierte in der Integrationsarbeit",
    "administration": "Beschäftigte der Stadtverwaltung mit Kontakt zu Zugewanderten",
}


@dataclass(frozen=True)
class ProcessingFacts:
    municipality: str
    audiences: Mapping[str, int]
    """audience -> number of questions in its newest questionnaire."""
    languages: tuple[str, ...]
    sensitive_questions: tuple[str, ...]
    """German labels of questions asked only after the separate consent (Art. 9 DSGVO)."""
    retention_months: int | None
    active_users: Mapping[str, int]
    """role -> number of active dashboard users."""
    response_columns: tuple[str, ...] = field(default_factory=lambda: stored_columns()[0])
    answer_columns: tuple[str, ...] = field(default_factory=lambda: stored_columns()[1])
    min_cell: int = MIN_CELL


def stored_columns() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The columns of the ``response`` and ``answer`` tables (from the ORM schema)."""
    return (
        tuple(c.name for c in Response.__table__.columns),
        tuple(c.name for c in Answer.__table__.columns),
    )


def _list(items: list[str]) -> str:
    return "\n".join(f"- {i}" for i in items)


def record_markdown(facts: ProcessingFacts) -> str:
    """The record as Markdown (German), one section per item of Art. 30 (1) DSGVO."""
    tracking = [c for c in facts.response_columns if c in TRACKING_COLUMNS]
    month_only = "month" in facts.response_columns and not tracking
    hashed = [c for c in facts.response_columns if c.endswith("_hash")]
    retention = (
        f"{facts.retention_months} Monate nach dem Monat der Antwort; danach werden Antworten "
        "(vollständige und abgebrochene) mit allen Einzelangaben und Codierungen gelöscht "
        "(Dashboard „Datenschutz“ oder `bedarfsradar purge --older-than-months N`)."
        if facts.retention_months
        else "[noch nicht festgelegt – im Dashboard unter „Datenschutz“ einstellen]"
    )
    measures = [
        "Keine IP-Adressen, keine Browserkennung (User-Agent), keine genauen Zeitstempel: "
        "gespeichert wird nur der Monat der Antwort."
        if month_only
        else "ACHTUNG: die Antworttabelle enthält " + ", ".join(tracking),
        "Quittungs- und Fortsetzungscodes nur als SHA-256-Hash gespeichert ("
        + ", ".join(hashed)
        + "); Löschung einer Antwort mit dem Quittungscode (Art. 17 DSGVO).",
        f"Ergebnisse mit weniger als {facts.min_cell} Antworten werden nicht ausgewiesen "
        "(„·“), mit sekundärer Unterdrückung, damit sie nicht aus Summen rückrechenbar sind.",
        "Freitexte sieht nur die Rolle Integrationsguide/Admin, jede Ansicht wird protokolliert.",
        "Anmeldung mit Argon2-gehashten Passwörtern (mindestens 12 Zeichen, keine häufigen "
        "oder aus Benutzer- oder Stadtnamen gebildeten), wachsende Wartezeit nach "
        "Fehlversuchen; Sitzungen auf dem Server geprüft und beendet bei Abmeldung, "
        "Passwort- oder Rollenwechsel und nach Zeitablauf (Cookie HttpOnly, SameSite, "
        "Secure bei https); Downloads nur für die eigene Sitzung und kurze Zeit; "
        "CSRF-Schutz und Sicherheits-Header.",
        "Protokoll (Audit-Log) über Exporte, Ansichten von Einzeldaten, Löschungen und "
        "Benutzeränderungen; Exporte neutralisieren Formeln (CSV/XLSX).",
        "Sensible Angaben (Art. 9 DSGVO) nur nach gesonderter, nicht vorausgewählter Einwilligung.",
        "Interviews mit ODK Collect oder KoboCollect (offline): beim Import werden "
        "Gerätekennungen, Namen der Interviewenden, Telefonnummern, Standorte und Zeitstempel "
        "verworfen; die Kennung einer Einsendung nur als Prüfwert (HMAC-SHA256 mit dem "
        "geheimen Schlüssel des Servers) gespeichert, damit sie nicht doppelt importiert wird.",
    ]
    roles = [
        f"{ROLE_TEXT.get(role, role)} – {n} aktive Person(en)"
        for role, n in sorted(facts.active_users.items())
    ]
    persons = [
        f"{AUDIENCE_TEXT.get(a, a)} ({n} Fragen im aktuellen Fragebogen)"
        for a, n in facts.audiences.items()
    ]
    data = [
        "Antworten zu Bedarfen, Hürden, Angeboten und Rahmenangaben (Stadtteil, Altersgruppe, "
        "Deutschkenntnisse, Jahre in Deutschland, Kinder im Haushalt, Herkunftsregion)",
        "Freitexte, die Befragte selbst formulieren",
        "Gespeicherte Felder je Antwort: " + ", ".join(facts.response_columns),
        "Gespeicherte Felder je Einzelangabe: " + ", ".join(facts.answer_columns),
    ]
    if facts.sensitive_questions:
        data.append(
            "Besondere Kategorien (Art. 9 DSGVO), nur mit Einwilligung: "
            + "; ".join(facts.sensitive_questions)
        )
    sections = [
        f"# Verzeichnis von Verarbeitungstätigkeiten – Bedarfsradar {facts.municipality}",
        "Nach Art. 30 Abs. 1 DSGVO. Aus dem Programm erzeugt; Angaben in [eckigen Klammern] "
        "ergänzt die verantwortliche Stelle.",
        "## 1. Verantwortliche Stelle\n"
        f"Stadt {facts.municipality}, [Anschrift, Vertretung, Kontakt der/des "
        "Datenschutzbeauftragten ergänzen]",
        "## 2. Zwecke der Verarbeitung\n"
        + _list(
            [
                "Erhebung der Bedarfe Zugewanderter für die kommunale Integrationsarbeit "
                "(Programm KISI – Kommunale Integrationsguides, Hessen)",
                "Vergleich mit der Sicht von Ehrenamt und Verwaltung, Abgleich mit "
                "bestehenden Angeboten",
                "Zusammengefasster Bericht an den Stadtrat",
            ]
        )
        + "\nRechtsgrundlage: Einwilligung (Art. 6 Abs. 1 a, Art. 9 Abs. 2 a DSGVO) "
        "[prüfen/ergänzen]",
        "## 3. Kategorien betroffener Personen\n" + _list(persons),
        "## 4. Kategorien personenbezogener Daten\n"
        + _list(data)
        + "\nFragebogensprachen: "
        + ", ".join(facts.languages),
        "## 5. Empfänger\n"
        + _list(
            [
                "Intern, nach Rollen: " + "; ".join(roles) if roles else "Intern: [Rollen]",
                "Stadtrat und Öffentlichkeit: nur zusammengefasste, unterdrückte Ergebnisse",
                "Keine Übermittlung an Dritte oder in Drittländer; Betrieb auf eigenem "
                "Server der Kommune [Hosting ergänzen]",
            ]
        ),
        "## 6. Löschfristen\n" + retention,
        "## 7. Technische und organisatorische Maßnahmen (Art. 32 DSGVO)\n" + _list(measures),
    ]
    return "\n\n".join(sections) + "\n"

"""The audit log in German words (Datenschutz page): what happened, who, when, and the
details as a sentence part, never the stored action names (``response.delete_flagged``)
or ``key=value`` pairs. Pure formatting of :func:`bedarfsradar.audit.entries`; no I/O.

An action not named here (a newer one) shows its stored name, so nothing is hidden."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from dashboard.labels import REVIEW_FLAGS

ACTIONS = {
    "login": "angemeldet",
    "login.failed": "Anmeldung fehlgeschlagen",
    "login.locked": "Anmeldung gesperrt (zu viele Versuche)",
    "logout": "abgemeldet",
    "user.add": "Benutzer angelegt",
    "user.passwd": "Passwort gesetzt",
    "user.role": "Rolle geändert",
    "user.enable": "Benutzer aktiviert",
    "user.disable": "Benutzer deaktiviert",
    "campaign.create": "Welle angelegt",
    "campaign.open": "Welle geöffnet",
    "campaign.closed": "Welle geschlossen",
    "setting.public_address": "öffentliche Adresse gespeichert",
    "setting.campaign_creation": "Recht der Integrationsguides auf neue Wellen geändert",
    "response.delete_flagged": "markierte Antworten gelöscht",
    "response.delete_by_receipt": "Antwort mit Quittungscode gelöscht",
    "retention.set": "Aufbewahrungsfrist festgelegt",
    "purge": "alte Antworten gelöscht",
    "export": "Datei heruntergeladen",
    "raw.view": "Einzelantworten angesehen",
    "view.free_text": "Freitexte angesehen",
    "report": "Bericht erstellt (Kommandozeile)",
    "report.download": "Bericht heruntergeladen",
    "translations.export": "Übersetzungs-Arbeitsmappe heruntergeladen",
    "translations.import": "Übersetzungen übernommen",
    "recordings.upload": "Aufnahmen gespeichert",
    "xlsform.import": "Fragebogen importiert",
    "offer.add": "Angebot angelegt",
    "offer.edit": "Angebot geändert",
    "offer.activate": "Angebot aktiviert",
    "offer.deactivate": "Angebot deaktiviert",
    "offer.import": "Angebote eingelesen",
    "measure.create": "Maßnahme angelegt",
    "measure.update": "Maßnahme geändert",
    "measure.delete": "Maßnahme gelöscht",
    "report_contact.update": "Ansprechperson geändert",
    "release.create": "Welle freigegeben",
    "release.download": "Datei einer Freigabe heruntergeladen",
    "release.public": "öffentliche Ergebnisseite ein- oder ausgeschaltet",
    "release.pooled": "gemeinsame Tabellen des Landes freigegeben",
    "town.add": "Kommune angelegt",
    "town.remove": "Kommune aus dem Netzwerk entfernt (Daten exportiert und gelöscht)",
    "submissions.import": "Offline-Interviews eingelesen",
    "invitations.import": "Einladungsliste eingelesen",
    "invitations.letters": "Einladungsbriefe erstellt",
    "invitations.mailing": "Einladungen oder Erinnerungen verschickt",
    "invitations.mailing_planned": "Versand vorbereitet",
    "invitations.mailing_cancelled": "Versand abgebrochen",
    "privacy.volunteer_answers": "Sichtbarkeit der Antworten Ehrenamtlicher geändert",
}
DETAILS = {
    "slug": "Welle",
    "campaign": "Welle",
    "version": "Fragebogen-Version",
    "questionnaire": "Fragebogen",
    "file": "Datei",
    "findings": "Hinweise bestätigt",
    "deleted": "gelöscht",
    "flag": "Grund",
    "kind": "Art",
    "rows": "Zeilen",
    "page": "Seite",
    "languages": "Sprachen",
    "moved": "umgestellte Wellen",
    "months": "Monate",
    "older_than_months": "älter als (Monate)",
    "cutoff": "erster behaltener Monat",
    "responses": "Antworten",
    "answers": "Einzelangaben",
    "username": "Benutzer",
    "role": "Rolle",
    "url": "Adresse",
    "guides": "Integrationsguides dürfen",
    "failed": "Fehlversuche",
    "locked_minutes": "gesperrt (Minuten)",
    "format": "Format",
    "title": "Titel",
    "name": "Name",
    "key": "Angebot",
    "recordings": "Aufnahmen",
    "versions": "Fragebogen-Versionen",
    "compare": "Vergleich mit",
    "release": "Freigabe",
    "wave": "Welle",
    "content_hash": "Prüfsumme",
    "public": "öffentlich",
    "reason": "Begründung",
    "towns": "Kommunen",
    "kommune": "Kommune",
}
KINDS = {"aggregate": "Ergebnisse", "raw": "Einzelantworten", "codebook": "Codebuch",
         "record_of_processing": "Verzeichnis der Verarbeitungstätigkeiten"}  # fmt: skip
ROLES = {"admin": "Verwaltung (Admin)", "guide": "Integrationsguide", "viewer": "Lesezugriff",
         "land": "Land (Ministerium)"}  # fmt: skip


def _value(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "keine"
    if name == "flag":
        return REVIEW_FLAGS.get(str(value), str(value))
    if name == "kind":
        return KINDS.get(str(value), str(value))
    if name == "role":
        return ROLES.get(str(value), str(value))
    if isinstance(value, dict):
        return ", ".join(str(k) for k in value)
    return str(value)


def action_words(action: str) -> str:
    if action in ACTIONS:
        return ACTIONS[action]
    if action.startswith("campaign."):
        return "Welle geändert"
    return action


def detail_words(detail: Mapping[str, Any] | None) -> str:
    """``Welle: kobo-w1 · Fragebogen-Version: 4``."""
    return " · ".join(
        f"{DETAILS.get(k, k)}: {_value(k, v)}" for k, v in (detail or {}).items() if k != "changes"
    )


def log_table(log: pd.DataFrame) -> pd.DataFrame:
    """The audit log (columns at, actor, action, detail) with German columns and words."""
    return pd.DataFrame(
        {
            "Zeit": log["at"],
            "Wer": log["actor"],
            "Was": log["action"].map(action_words),
            "Einzelheiten": log["detail"].map(detail_words),
        }
    )

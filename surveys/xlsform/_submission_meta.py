"""What ODK Central and KoboToolbox add to each submission (device ids, enumerators,
phone numbers, GPS, times, review states, versions), and why none of it is stored: the
rules :mod:`surveys.xlsform.submissions` applies to every column it does not map."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


# -- metadata: what the tools add, and why none of it is stored ---------------------------
_WHY_ID = (
    "Kennung der Einsendung: nicht gespeichert, nur ein Prüfwert daraus (mit dem geheimen "
    "Schlüssel des Servers berechnet), damit ein zweiter Import nichts doppelt speichert."
)
_WHY_TIME = "Zeitpunkt: nicht gespeichert, nur der Monat des Interviews."
_WHY_PERSON = "Name oder Konto der interviewenden Person: nicht gespeichert."
_WHY_DEVICE = "Gerätekennung: nicht gespeichert."
_WHY_PHONE = "Telefonnummer: nicht gespeichert."
_WHY_GPS = "Ortsangabe (GPS): nicht gespeichert, sie würde Befragte erkennbar machen."
_WHY_REVIEW = "Prüfstatus: abgelehnte Einsendungen werden nicht übernommen; nicht gespeichert."
_WHY_VERSION = "Formularversion: geprüft, nicht gespeichert."
_WHY_ADMIN = "Verwaltungsangabe des Servers: nicht gespeichert."
_WHY_NAME = (
    "Name der Einsendung (kann den Namen der befragten Person enthalten): nicht gespeichert."
)

_META: dict[str, tuple[str | None, str]] = {
    "instanceid": ("instance", _WHY_ID),
    "key": ("key", _WHY_ID),
    "_uuid": ("uuid", _WHY_ID),
    "rootuuid": ("root", _WHY_ID),
    "deprecatedid": ("deprecated", _WHY_ID),
    "_id": (None, "Laufende Nummer von KoboToolbox: nicht gespeichert."),
    "_index": (None, "Laufende Nummer von KoboToolbox: nicht gespeichert."),
    "instancename": (None, _WHY_NAME),
    "submissiondate": ("submitted", _WHY_TIME),
    "_submission_time": ("submitted", _WHY_TIME),
    "start": ("start", _WHY_TIME),
    "end": ("end", _WHY_TIME),
    "today": ("today", _WHY_TIME),
    "_duration": (None, "Dauer des Interviews: nicht gespeichert."),
    "deviceid": (None, _WHY_DEVICE),
    "imei": (None, _WHY_DEVICE),
    "simserial": (None, _WHY_DEVICE),
    "subscriberid": (None, _WHY_DEVICE),
    "phonenumber": (None, _WHY_PHONE),
    "username": (None, _WHY_PERSON),
    "email": (None, _WHY_PERSON),
    "submitterid": (None, _WHY_PERSON),
    "submittername": (None, _WHY_PERSON),
    "_submitted_by": (None, _WHY_PERSON),
    "reviewstate": ("review", _WHY_REVIEW),
    "_validation_status": ("validation", _WHY_REVIEW),
    "status": ("status", "Entschlüsselungsstatus (ODK Central): geprüft, nicht gespeichert."),
    "formversion": ("version", _WHY_VERSION),
    "__version__": ("kobo_version", _WHY_VERSION),
    "_version_": (None, _WHY_VERSION),
    "version": (None, _WHY_VERSION),
    "formhub/uuid": (None, "Kennung des Formulars bei KoboToolbox: nicht gespeichert."),
    "_xform_id_string": (None, "Kennung des Formulars bei KoboToolbox: nicht gespeichert."),
    "edits": ("edits", "Zahl der Bearbeitungen: nur zur Wahl der neuesten Fassung benutzt."),
    "audit": (None, "Audit-Protokoll des Geräts: nicht gespeichert."),
}
_ADMIN = ("attachmentspresent", "attachmentsexpected", "_attachments", "_notes", "_tags",
          "_status", "_geolocation", "_media_count", "_total_media", "_media_all_received",
          "_supplementaldetails")  # fmt: skip
_GPS = re.compile(
    r"(^|[-/_])(gps|geopoint|geotrace|geoshape|location|coordinates|latitude|longitude|"
    r"altitude|accuracy|precision)$|^_geolocation$",
    re.IGNORECASE,
)
_PERSON = re.compile(r"enumerator|interviewer|erheber|befrager|enum_name", re.IGNORECASE)
_GENERATED = ("generated_table_list_label_", "reserved_name_for_field_list_labels_")
"""Fields pyxform adds to a table-list group (its heading); they carry no answer."""
_REJECTED = {"rejected", "validation_status_not_approved", "not approved", "nicht genehmigt"}
_TRUE = {"1", "true", "yes", "ja", "wahr", "x"}
_MONTH = re.compile(r"^\s*(\d{4})-(\d{2})")


def _meta(header: str) -> tuple[str | None, str] | None:
    """``(role, reason)`` of a metadata column (role: what the import reads from it)."""
    low = header.strip().lower()
    if any(g in low for g in _GENERATED):
        return (None, "Hilfsfeld, das pyxform für die Tabellenansicht anlegt: ohne Antwort.")
    names = {low, low.removeprefix("meta/"), low.removeprefix("meta-"), low.rsplit("/", 1)[-1]}
    for name in names:
        if name in _META:
            return _META[name]
        if name in _ADMIN:
            return (None, _WHY_ADMIN)
    if _GPS.search(low) or "geopoint" in low:
        return (None, _WHY_GPS)
    if _PERSON.search(low):
        return (None, _WHY_PERSON)
    return None

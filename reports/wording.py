"""The report's German wording in one place: labels in the grammatical case a sentence
needs, the names of the importance-performance fields, notes and source lines.

Why a module: the analysis returns codes and short labels ("Konzentration hier",
"Möglicher Overkill", "Ehrenamtliche"); a council deck needs plain German in the right
case ("von den Ehrenamtlichen", not "von Ehrenamtliche") and no anglicisms. Renderers and
slides take every sentence fragment from here, so a native reader checks one file.
"""

from __future__ import annotations

from analysis import published

# audience -> (nominative plural with article, dative plural with article, short label)
AUDIENCE: dict[str, tuple[str, str, str]] = {
    "newcomer": ("die Zugewanderten", "den Zugewanderten", "Zugewanderte"),
    "volunteer": ("die Ehrenamtlichen", "den Ehrenamtlichen", "Ehrenamtliche"),
    "administration": ("die Verwaltung", "der Verwaltung", "Verwaltung"),
}
GENITIVE = {
    "newcomer": "der Zugewanderten",
    "volunteer": "der Ehrenamtlichen",
    "administration": "der Verwaltung",
}
# verb agreeing with the nominative subject: "die Verwaltung unterschätzt",
# "die Ehrenamtlichen unterschätzen"
UNDERESTIMATE = {"volunteer": "unterschätzen", "administration": "unterschätzt"}
OVERESTIMATE = {"volunteer": "überschätzen", "administration": "überschätzt"}

# The fields of the importance-performance grid: one wording for dashboard and deck.
QUADRANT = published.QUADRANT_LABELS
QUADRANT_NOTE = published.QUADRANT_NOTE

SUPPRESSION_NOTE = (
    "– = nicht gezeigt (Datenschutz): weniger als 5 Antworten oder verborgen, damit sich "
    "eine kleine Gruppe nicht aus anderen Zahlen zurückrechnen lässt."
)
SUPPRESSED_BAR_NOTE = "Fehlender Balken = nicht gezeigt (Datenschutz, weniger als 5 Antworten)."
CI_NOTE = "Striche an den Balken: 95-%-Konfidenzintervall."
ERROR_BAR_EDIT_NOTE = (
    "Die Fehlerbalken sind feste Werte aus der Auswertung (95-%-Konfidenzintervall). Wer "
    "die Diagrammdaten ändert, muss sie unter „Fehlerindikatoren“ selbst anpassen; sie "
    "folgen geänderten Werten nicht."
)
PRELIMINARY = "Vorläufige Ergebnisse – die Befragung läuft noch"


def audience_nominative(code: str) -> str:
    return AUDIENCE.get(code, (code, code, code))[0]


def audience_dative(code: str) -> str:
    return AUDIENCE.get(code, (code, code, code))[1]


def audience_genitive(code: str) -> str:
    """ "der Ehrenamtlichen", "der Verwaltung" (as in "Einschätzung der Verwaltung")."""
    return GENITIVE.get(code, code)


def audience_label(code: str) -> str:
    return AUDIENCE.get(code, (code, code, code))[2]


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


quadrant = published.quadrant_label


def and_list(items: list[str]) -> str:
    """["A"] -> "A"; ["A", "B", "C"] -> "A, B und C"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " und " + items[-1]


def names(items: list[str]) -> str:
    """A list of labels in running text; labels that contain "und" or a comma are quoted so
    the sentence stays readable: „Kontakte und Zugehörigkeit“ und „Wohnen“."""
    if any(" und " in i or "," in i for i in items):
        items = [f"„{i}“" for i in items]
    return and_list(items)


def source_line(survey: str, wave: str, period: str, n: str) -> str:
    """ "Quelle: Befragung der Zugewanderten, Welle 2 – Herbst 2026 (Feldphase …), n = 181"."""
    parts = [f"Quelle: Befragung {survey}", wave]
    text = ", ".join(p for p in parts if p)
    if period:
        text += f" ({period})"
    return f"{text}, {n}" if n else text

"""The method note in plain German: what the numbers can and cannot say.

One source for the dashboard and the report, so both explain the same rules. Pure text
from constants and the declared bases; no statistics computed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from analysis.bases import AreaBase
from analysis.evidence import FDR_Q, RELEVANT_DIFFERENCE
from analysis.findings import HINT_NOTE, RULE_NOTE

PRELIMINARY = "vorläufig"

INTERVALS = (
    "Die Spannen in Klammern sind 95-%-Konfidenzintervalle (Wilson; Unterschiede nach "
    "Newcombe). Sie erfassen nur den Zufall der Stichprobe. Wer geantwortet hat, hat sich "
    "selbst dafür entschieden: Die Befragung ist keine Zufallsstichprobe, und Gruppen, die "
    "schwerer erreichbar sind, können fehlen. Die Zahlen beschreiben die Antwortenden, nicht "
    "sicher alle Zugewanderten in der Stadt."
)
BASES = (
    "„Bedarf“ heißt: mittleres, großes oder sehr großes Problem (Stufe 3 bis 5); "
    "„großer Bedarf“: Stufe 4 oder 5. „Weiß nicht“ zählt nie mit. „Betrifft mich nicht“ "
    "zählt als kein Bedarf, außer bei Bereichen, die nur einen Teil der Menschen betreffen:"
)
PERCEPTION = (
    "Ehrenamtliche und Verwaltung schätzen den Bedarf der Zugewanderten, die sie kennen. "
    "Verglichen wird mit derselben Gruppe: bei Kinderbetreuung zum Beispiel nur mit Haushalten "
    "mit Kindern im Kita- oder Hortalter, und auf beiden Seiten ohne „betrifft mich nicht“."
)
MULTIPLE = (
    f"Viele Vergleiche auf einmal erzeugen Zufallstreffer. Unterschiede zwischen den "
    f"Sichtweisen und Veränderungen zwischen zwei Wellen heißen deshalb nur „deutlich“, wenn "
    f"sie nach der Korrektur nach Benjamini und Hochberg (Falschentdeckungsrate "
    f"{round(FDR_Q * 100)} %) mehr als {round(RELEVANT_DIFFERENCE * 100)} Prozentpunkte "
    f"betragen; Unterschiede zwischen Gruppen (Chi-Quadrat- oder Fisher-Test) ebenfalls nur "
    f"nach dieser Korrektur. {HINT_NOTE}"
)
PROTECTION = (
    "Datenschutz: Jede veröffentlichte Zahl ist leicht verändert. Zu jeder Antwort gehört "
    "eine zufällige Kennzahl; aus den Kennzahlen der Personen, die eine Zahl zählt, ergibt "
    "sich eine feste kleine Abweichung (Cell-Key-Verfahren, wie beim Zensus): meist um 0 "
    "oder 1, selten um 2, sehr selten mehr. Dieselbe Gruppe hat darum überall dieselbe "
    "Zahl, und wer zwei Auswahlen voneinander abzieht, erhält Rauschen statt Menschen. "
    "Gruppen mit weniger als 5 Personen werden gar nicht gezeigt („·“). Was es kostet: Bei "
    "einer Gruppe von 20 Personen kann sich ein Anteil um einige Prozentpunkte verschieben, "
    "für die ganze Stadt um weniger als einen Punkt; die Konfidenzintervalle sind um diese "
    "Unsicherheit breiter. Teile ergeben zusammen nicht immer genau die daneben stehende "
    "Summe."
)
RELEASE = (
    "Freigabe: Die Zahlen dieses Berichts stammen aus einer Freigabe – einem festen Satz "
    "von Tabellen, der für die Welle einmal berechnet und danach nicht mehr verändert wird. "
    "Jede Tabelle zeigt ein Merkmal (etwa Stadtteil oder Sprache), nie zwei zugleich; freie "
    "Filter gibt es außerhalb des Schreibtischs der Integrationsguide nicht. Was Leserinnen "
    "und Leser dadurch verlieren: keine Kreuzungen wie „Arabischsprachige in Hallgarten“, "
    "keine Auswahl kleiner Gruppen, die Werte der Verwaltung (Mittelwerte) ebenfalls leicht "
    "verändert und ohne genaue Zahl der Antwortenden. Ein Zwischenstand während der "
    "Befragung enthält nur Gesamtwerte. Wer nach einer Freigabe die Löschung seiner Antworten "
    "verlangt, wird gelöscht; die Freigabe wird deshalb nicht neu berechnet, denn zwei "
    "Fassungen, die sich um eine Person unterscheiden, würden diese Person verraten."
)
TARGETS = (
    "„Zielerreichung“ ist die Zahl der Antworten geteilt durch die selbst gesetzte Zielzahl "
    "einer Kampagne – keine Rücklaufquote. Eine Rücklaufquote (Antworten geteilt durch die "
    "Zahl der Angesprochenen) steht nur dort, wo diese Zahl bekannt ist, etwa bei der "
    "Verwaltung."
)
PRELIMINARY_NOTE = (
    "„vorläufig“: Die Befragung dieser Welle läuft noch; die Zahlen können sich ändern."
)


def base_lines(bases: Mapping[str, AreaBase], labels: Mapping[str, str]) -> list[str]:
    """One line per need area whose base is not everyone: "Kinderbetreuung: Haushalte …"."""
    return [
        f"{labels.get(area, area)}: {base.population}"
        for area, base in bases.items()
        if base.restricted or base.not_applicable == "exclude"
    ]


def method_paragraphs(
    bases: Mapping[str, AreaBase], labels: Mapping[str, str], preliminary: bool = False
) -> list[str]:
    """The whole note as paragraphs, in reading order."""
    lines = base_lines(bases, labels)
    paragraphs = [INTERVALS, BASES + (" " + "; ".join(lines) + "." if lines else ""), PERCEPTION,
                  MULTIPLE, RULE_NOTE, PROTECTION, RELEASE, TARGETS]  # fmt: skip
    if preliminary:
        paragraphs.insert(0, PRELIMINARY_NOTE)
    return paragraphs


def wave_is_preliminary(statuses: Iterable[str]) -> bool:
    """A wave is preliminary while any of its campaigns is still open (or a draft)."""
    return any(s in ("open", "draft") for s in statuses)

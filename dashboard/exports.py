"""Downloads: CSV/XLSX from :mod:`analysis.export` (formulas neutralised), each download
recorded in the audit log when the button is pressed.

The results workbook is for handing on: a "Lesehilfe" sheet first, then one sheet per
results table with German headings, labels instead of codes, shares as percentages,
intervals as text and the reason for every hidden value (:func:`results_workbook`). The
technical long table with a data dictionary and a code list is a separate workbook for
analysts (:func:`technical_workbook`). Workbooks are built once per data version and
cached, never again on a rerun that changed nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from analysis.display import EXCEL_FORMATS, INTERVAL_HEADING, NOTE_HEADING, export_table
from analysis.export import to_csv_bytes, to_xlsx_bytes
from bedarfsradar import audit
from bedarfsradar.session import SessionUser
from dashboard import data
from dashboard.labels import AUDIENCES, GROUP_VARS, INDICATORS, METHODS, YES_NO, labels

CELL_KEYS = ("key_n", "key_count")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHARE_EXTRAS = ("Zugewanderte selbst", "Einschätzung")
NUMBER_FORMATS = {**EXCEL_FORMATS, **dict.fromkeys(SHARE_EXTRAS, "0 %")}
SHEET_NOTES = {
    "Bedarfe": "Anteil der befragten Zugewanderten mit Bedarf je Bedarfsfeld, insgesamt "
    "und aufgeschlüsselt nach Stadtteil, Deutschkenntnissen und weiteren Merkmalen.",
    "Einschätzungen": "Wie Ehrenamtliche und Beschäftigte der Verwaltung den Bedarf der "
    "Zugewanderten, die sie kennen, je Bedarfsfeld einschätzen: Anteil mit Bedarf.",
    "Perspektiven": "Wie Ehrenamtliche und Verwaltung den Bedarf einschätzen, verglichen "
    "mit der eigenen Angabe der Zugewanderten: Differenz in Prozentpunkten.",
    "Angebotslücken": "Bedarf je Stadtteil und Bedarfsfeld neben der Zahl erreichbarer "
    "Angebote; „abgedeckt: nein“ heißt: kein erreichbares Angebot.",
    "Hürden": "Warum Angebote nicht genutzt werden: Anteil der Zugewanderten, die eine "
    "Hürde nennen (mehrere Nennungen möglich).",
    "Verwaltung": "Wichtigkeit und Zufriedenheit mit Leistungen der Verwaltung aus Sicht "
    "der Beschäftigten, Mittelwerte auf einer Skala von 1 bis 5.",
    "Ehrenamt": "Was Ehrenamtliche brauchen, ob sie weitermachen wollen und wie viele "
    "Stunden sie im Monat tätig sind.",
}
DICTIONARY = [
    ("tabelle", "Ergebnistabelle (Blatt der Ergebnisdatei)", "Bedarfe, Perspektiven, …"),
    ("indicator", "Kennzahl", "Codes: Blatt „Codes“"),
    ("group_var", "Merkmal der Aufschlüsselung", "all = keine Aufschlüsselung"),
    ("group", "Gruppe innerhalb des Merkmals", "Codes: Blatt „Codes“"),
    ("level", "Bedarfsfeld, Hürde, Leistung oder Art der Unterstützung", "Codes"),
    ("n", "Zahl der Antworten (Basis)", "ganze Zahl"),
    ("count", "Zahl der Antworten mit dem Merkmal (Zähler des Anteils)", "ganze Zahl"),
    ("n_weighted", "gewichtete Basis", "Zahl"),
    ("n_effective", "effektive Fallzahl nach Gewichtung", "Zahl"),
    (
        "noise_sd",
        "Standardabweichung der Störung des Anteils (Zellschlüsselverfahren); "
        "das Intervall ist um sie verbreitert",
        "Zahl",
    ),
    (
        "population",
        "Größe der befragten Gruppe, wo bekannt (für die Endlichkeitskorrektur)",
        "ganze Zahl oder leer",
    ),
    ("estimate", "Schätzwert: Anteil (0–1), Differenz (−1…1) oder Mittelwert", "Zahl"),
    ("ci_low", "untere Grenze des 95-%-Konfidenzintervalls", "wie estimate"),
    ("ci_high", "obere Grenze des 95-%-Konfidenzintervalls", "wie estimate"),
    ("method", "Verfahren des Intervalls", "Codes: Blatt „Codes“"),
    ("suppressed", "Wert aus Datenschutzgründen nicht ausgewiesen", "True/False"),
    ("p_value", "p-Wert eines Tests (wo berechnet)", "0–1"),
    ("p_adjusted", "p-Wert nach Benjamini-Hochberg", "0–1"),
    ("effect_size", "Effektstärke (wo berechnet)", "Zahl"),
    ("rank", "Rang (1 = größter Wert)", "ganze Zahl"),
    ("rank_low", "bestmöglicher Rang innerhalb der Intervalle", "ganze Zahl"),
    ("rank_high", "schlechtestmöglicher Rang innerhalb der Intervalle", "ganze Zahl"),
    ("rank_label", "Rang als Text (z. B. „2–4“)", "Text"),
    ("rank_tied", "Rang nicht gesichert (Intervalle überlappen)", "True/False"),
    ("estimate_newcomer", "Anteil mit Bedarf nach eigener Angabe der Zugewanderten", "0–1"),
    ("n_newcomer", "Zahl der Antworten der Zugewanderten", "ganze Zahl"),
    ("estimate_belief", "Anteil, den Ehrenamtliche bzw. Verwaltung einschätzen", "0–1"),
    ("flag", "Bewertung der Differenz", "unterschätzt, überschätzt oder leer"),
    (
        "evidence",
        "Stärke des Belegs für einen Unterschied (nach Benjamini-Hochberg)",
        "deutlich, Hinweis oder leer",
    ),
    ("stadtteil", "Stadtteil", "Codes: Blatt „Codes“"),
    ("subgroup", "Teilgruppe (leer = alle)", "Text"),
    ("n_offers_accessible", "Zahl erreichbarer Angebote", "ganze Zahl"),
    ("covered", "mindestens ein erreichbares Angebot", "True/False"),
    ("top_barriers", "häufigste Hürden im Stadtteil", "Codes, mit „; “ getrennt"),
]


def _audit(user: SessionUser, kind: str, filename: str, rows: int) -> None:
    audit.record(
        data.context().db,
        user.municipality_id,
        user.username,
        "export",
        kind=kind,
        file=filename,
        rows=rows,
    )


def offer_download(
    label: str,
    payload: bytes,
    filename: str,
    user: SessionUser,
    kind: str,
    key: str,
    rows: int,
) -> None:
    """A download button for ready bytes (CSV or XLSX by the file name), audited."""
    mime = XLSX_MIME if filename.endswith(".xlsx") else "text/csv"
    st.download_button(
        label,
        payload,
        file_name=filename,
        mime=mime,
        key=key,
        on_click=_audit,
        args=(user, kind, filename, rows),
    )


def download(
    label: str,
    table: pd.DataFrame | Mapping[str, pd.DataFrame],
    filename: str,
    user: SessionUser,
    kind: str,
    key: str,
) -> None:
    """A download of ``table`` as CSV (``.csv``) or XLSX (``.xlsx``, one sheet per entry)."""
    if filename.endswith(".xlsx"):
        payload = to_xlsx_bytes(table)
    else:
        assert isinstance(table, pd.DataFrame)
        payload = to_csv_bytes(table)
    rows = len(table) if isinstance(table, pd.DataFrame) else sum(len(t) for t in table.values())
    offer_download(label, payload, filename, user, kind, key, rows)


# -- the results workbook (German, for handing on) -------------------------------------------
def _groups(results: pd.DataFrame) -> dict[str, Mapping[str, str]]:
    L = labels()
    return {gv: L.groups(gv) for gv in results["group_var"].unique()}


def _barrier_names(codes: object) -> object:
    names = labels().of("barriers")
    if not isinstance(codes, str):
        return codes
    return ", ".join(names.get(c, c) for c in codes.split("; ") if c)


def german_sheet(name: str, results: pd.DataFrame) -> pd.DataFrame:
    """One results table of :func:`dashboard.data.aggregate_sheets` as a German sheet."""
    L = labels()
    common = {"indicator_labels": INDICATORS, "group_var_labels": GROUP_VARS}
    if name == "Bedarfe":
        return export_table(
            results, "Bedarfsfeld", L.areas, _groups(results), **common,
            extra=[("rank_label", "Rang")], method_labels=METHODS,
        )  # fmt: skip
    if name == "Einschätzungen":
        return export_table(results, "Bedarfsfeld", L.areas, **common, method_labels=METHODS)
    if name == "Perspektiven":
        return export_table(
            results, "Bedarfsfeld", L.areas, {"audience": AUDIENCES}, kind="points",
            extra=[("estimate_newcomer", SHARE_EXTRAS[0], "share"),
                   ("estimate_belief", SHARE_EXTRAS[1], "share"), ("flag", "Bewertung")],
            method_labels=METHODS, **common,
        )  # fmt: skip
    if name == "Angebotslücken":
        shown = results.assign(top_barriers=results["top_barriers"].map(_barrier_names))
        return export_table(
            shown, "Bedarfsfeld", L.areas, {"stadtteil": L.groups("stadtteil")},
            extra=[("n_offers_accessible", "Erreichbare Angebote"), ("covered", "Abgedeckt"),
                   ("top_barriers", "Häufigste Hürden")], **common,
        )  # fmt: skip
    if name == "Hürden":
        return export_table(results, "Hürde", L.of("barriers"), **common)
    if name == "Verwaltung":
        return export_table(results, "Leistung", L.of("ip_importance"), kind="mean", **common)
    if name == "Ehrenamt":
        kinds = {"vol_hours_month": "median"}
        levels = {**L.of("vol_needs"), "": "", "median": ""}
        return export_table(results, "Unterstützung", levels, kind=kinds, **common)
    raise KeyError(name)


def reading_guide() -> pd.DataFrame:
    """The "Lesehilfe" sheet: what the data is, how current, how to read each column."""
    ctx, stand = data.context(), data.stand()
    when = f"{stand.loaded_at:%d.%m.%Y, %H:%M} Uhr · {stand.answers:,} Antworten".replace(",", ".")
    if stand.provisional_waves:
        waves = ", ".join(map(str, stand.provisional_waves))
        when += f" · vorläufig: Welle {waves} (die Befragung läuft noch)"
    rows = [
        ("Bedarfsradar", f"Ergebnisse der Bedarfsbefragung in {ctx.geography.name}"),
        ("Stand der Daten", when),
        ("Anteil", "Anteil der Befragten in Prozent; Grundlage sind alle, die die Frage "
                   "beantwortet haben („weiß nicht“ zählt nicht mit)."),
        (INTERVAL_HEADING, "Bereich, in dem der wahre Anteil mit 95 % Sicherheit liegt. Je "
                           "weniger Antworten, desto breiter. Überschneiden sich die Bereiche "
                           "zweier Gruppen, ist ein Unterschied nicht gesichert."),
        ("n", "Zahl der Antworten, auf denen der Wert beruht."),
        ("Differenz (Prozentpunkte)", "Einschätzung minus eigene Angabe der Zugewanderten: "
                                      "+10 heißt 10 Prozentpunkte höher eingeschätzt."),
        ("Mittelwert", "Durchschnitt auf der Skala 1 (gering) bis 5 (hoch)."),
        ("Rang", "Reihenfolge der Bedarfsfelder; „2–4“ heißt: Platz 2 bis 4, die "
                 "Reihenfolge ist wegen überlappender Intervalle nicht gesichert."),
        (NOTE_HEADING, "„nicht ausgewiesen“: weniger als 5 Antworten (oder aus anderen "
                       "Zahlen rückrechenbar) – aus Datenschutzgründen ohne Wert."),
        *((f"Blatt „{sheet}“", note) for sheet, note in SHEET_NOTES.items()),
        ("Für Auswertungen", "Die technische Tabelle mit allen Kennzahlen in Rohform und "
                             "einem Datenwörterbuch gibt es als eigene Datei (Seite Export)."),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["Thema", "Erklärung"])


@st.cache_data(max_entries=2, show_spinner=False)
def german_sheets(version: data.DataVersion) -> dict[str, pd.DataFrame]:
    """The results tables as German sheets (see :func:`german_sheet`)."""
    sheets = data.aggregate_sheets(version)
    return {name: german_sheet(name, frame) for name, frame in sheets.items()}


@st.cache_data(max_entries=2, show_spinner=False)
def results_workbook(version: data.DataVersion) -> bytes:
    """The workbook to hand on: "Lesehilfe", then the German sheets."""
    sheets = {"Lesehilfe": reading_guide(), **german_sheets(version)}
    return to_xlsx_bytes(sheets, number_formats=NUMBER_FORMATS, readable=True)


@st.cache_data(max_entries=8, show_spinner=False)
def sheet_csv(version: data.DataVersion, name: str) -> bytes:
    return to_csv_bytes(german_sheets(version)[name])


def code_list() -> pd.DataFrame:
    """Every code of the technical table with its German name."""
    L = labels()
    rows: list[tuple[str, str, str]] = []
    named = {
        "Kennzahl (indicator)": INDICATORS,
        "Merkmal (group_var)": GROUP_VARS,
        "Zielgruppe": AUDIENCES,
        "Bedarfsfeld": L.areas,
        "Stadtteil": L.stadtteile,
        "Hürde": L.of("barriers"),
        "Leistung der Verwaltung": L.of("ip_importance"),
        "Unterstützung für Ehrenamtliche": L.of("vol_needs"),
        "Verfahren (method)": METHODS,
        "Wahrheitswert": {str(k): v for k, v in YES_NO.items()},
    }
    for kind, mapping in named.items():
        rows += [(kind, str(code), label) for code, label in mapping.items()]
    for attribute in ("german_level", "years_de", "children", "origin_region", "age_band"):
        rows += [(GROUP_VARS[attribute], c, lab) for c, lab in L.of(attribute).items()]
    rows += [(GROUP_VARS["gender"], c, lab) for c, lab in L.of("gender").items()]
    return pd.DataFrame(rows, columns=["Art", "Code", "Bezeichnung"])


@st.cache_data(max_entries=2, show_spinner=False)
def technical_workbook(version: data.DataVersion) -> bytes:
    """All results tables as one long table (codes, raw numbers), a data dictionary and
    the code list (for analysts; the same suppression as everywhere). The cell keys of
    the cell-key method (``key_n``, ``key_count``) are left out: with the published
    perturbation table they would reveal the unperturbed counts."""
    sheets = data.aggregate_sheets(version)
    long = pd.concat(
        [frame.assign(tabelle=name) for name, frame in sheets.items()], ignore_index=True
    )
    long = long.drop(columns=[c for c in long.columns if c in CELL_KEYS])
    long = long[["tabelle", *[c for c in long.columns if c != "tabelle"]]]
    dictionary = pd.DataFrame(
        [row for row in DICTIONARY if row[0] in long.columns],
        columns=["Spalte", "Bedeutung", "Werte"],
    )
    workbook = {"Technische Tabelle": long, "Datenwörterbuch": dictionary, "Codes": code_list()}
    return to_xlsx_bytes(workbook, readable=True)


@dataclass(frozen=True)
class RawExport:
    """Every answer of every complete response as CSV and XLSX, with its size."""

    csv: bytes
    xlsx: bytes
    responses: int
    rows: int


@st.cache_data(max_entries=1, show_spinner=False)
def raw_export(version: data.DataVersion) -> RawExport:
    """The individual answers for download (guide/admin only): read once per data
    version for both formats and the counts the page shows."""
    raw = data.raw_answers()
    return RawExport(to_csv_bytes(raw), to_xlsx_bytes(raw), raw["response_id"].nunique(), len(raw))


@st.cache_data(ttl=600, show_spinner=False)
def codebook_table() -> pd.DataFrame:
    """The codebook of all questionnaires (:func:`surveys.questionnaire.codebook.codebook`;
    re-read at most every 10 minutes, after a translation import for example)."""
    from surveys.questionnaire.codebook import codebook

    return codebook(data.context().bundles())


@st.cache_data(ttl=600, show_spinner=False)
def codebook_workbook() -> bytes:
    return to_xlsx_bytes(codebook_table())

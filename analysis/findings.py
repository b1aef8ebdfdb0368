"""Short German sentences generated from the results table (Babel number formatting).

A sentence is written only for a row that is not suppressed, has an unweighted base
``n >= MIN_N_FINDING`` (30) and a CI half-width ``(ci_high - ci_low) / 2 <=
MAX_HALF_WIDTH`` (0.15, i.e. 15 percentage points), and only for indicators with a
template (:data:`TEMPLATES`); the perception gap only where flagged, the supply gap only
where no accessible offer exists. Rows of the group "keine Angabe" get no sentence.

Example: "34 % (27–42 %) der befragten Zugewanderten nennen Wohnen als großes oder sehr
großes Problem (n = 263)." (Babel puts a no-break space before "%".)
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from babel.numbers import format_decimal, format_percent

from analysis.results import MISSING_GROUP, TOTAL_GROUP_VAR

MIN_N_FINDING = 30
MAX_HALF_WIDTH = 0.15
LOCALE = "de_DE"

AREA_LABELS: dict[str, str] = {
    "language": "Deutsch lernen",
    "work": "Arbeit und Beruf",
    "education": "Schule und Bildung",
    "childcare": "Kinderbetreuung",
    "housing": "Wohnen",
    "health": "Gesundheit",
    "authorities": "Behörden und Aufenthalt",
    "money": "Geld und Soziales",
    "mobility": "Mobilität",
    "leisure": "Freizeit, Sport und Kultur",
    "belonging": "Kontakte und Zugehörigkeit",
    "information": "Information und Digitales",
    "family": "Familie und Frauen",
    "opening": "Interkulturelle Öffnung der Verwaltung",
}
STADTTEIL_LABELS: dict[str, str] = {
    "oestrich": "Oestrich",
    "mittelheim": "Mittelheim",
    "winkel": "Winkel",
    "hallgarten": "Hallgarten",
}
GROUP_VAR_LABELS: dict[str, str] = {
    "german_level": "Deutschkenntnisse",
    "years_de": "Jahre in Deutschland",
    "children": "Kinder im Haushalt",
    "origin_region": "Herkunftsregion",
    "age_band": "Altersgruppe",
    "gender": "Geschlecht",
    "language": "Sprache des Fragebogens",
    "wave": "Welle",
}
LANGUAGE_LABELS: dict[str, str] = {
    "de": "Deutsch",
    "ls": "Leichte Sprache",
    "en": "Englisch",
    "ar": "Arabisch",
    "fa": "Farsi/Dari",
    "uk": "Ukrainisch",
    "ru": "Russisch",
    "tr": "Türkisch",
}
FLAG_VERBS: dict[str, str] = {"unterschätzt": "unterschätzen", "überschätzt": "überschätzen"}
AUDIENCE_LABELS: dict[str, str] = {
    "volunteer": "Die befragten Ehrenamtlichen",
    "administration": "Die befragten Verwaltungsmitarbeitenden",
}

TEMPLATES: dict[str, str] = {
    "need_severe": "{est} ({ci}) der befragten Zugewanderten{grp} nennen {area} als großes "
    "oder sehr großes Problem (n = {n}).",
    "need_prevalence": "{est} ({ci}) der befragten Zugewanderten{grp} nennen {area} als "
    "mittleres, großes oder sehr großes Problem (n = {n}).",
    "top3_share": "{est} ({ci}) der befragten Zugewanderten{grp} zählen {area} zu ihren drei "
    "dringendsten Anliegen (n = {n}).",
    "perception_gap": "{aud} {verb} den Bedarf bei {area}: Sie schätzen ihn auf {belief}, "
    "die Zugewanderten selbst nennen {own} (Differenz {diff} Prozentpunkte, KI {dci}; "
    "n = {n}).",
    "supply_gap": "In {stadt} nennen {est} ({ci}) der befragten Zugewanderten{sub} {area} als "
    "Problem, aber kein erreichbares Angebot deckt diesen Bedarf ab (n = {n}).",
    "vol_continue_12m": "{est} ({ci}) der befragten Ehrenamtlichen wollen sich in den "
    "nächsten zwölf Monaten weiter engagieren (n = {n}).",
}


def format_share(x: float, locale: str = LOCALE) -> str:
    """A share as a German percentage without decimals: 0.34 -> "34 %"."""
    return format_percent(x, format="#,##0 %", locale=locale)


def format_share_ci(lo: float, hi: float, locale: str = LOCALE) -> str:
    """A CI of shares: (0.27, 0.42) -> "27–42 %"."""
    return f"{format_decimal(round(lo * 100), format='#,##0', locale=locale)}–" + format_share(
        hi, locale
    )


def _points(x: float, locale: str) -> str:
    return format_decimal(round(x * 100), format="#,##0", locale=locale)


def _group_phrase(group_var: str, group: str) -> str:
    if group_var == TOTAL_GROUP_VAR:
        return ""
    if group_var == "stadtteil":
        return f" in {STADTTEIL_LABELS.get(group, group)}"
    return f" ({GROUP_VAR_LABELS.get(group_var, group_var)}: {group})"


def eligible(row: pd.Series) -> bool:
    """Thresholds of the module docstring (not suppressed, n, CI half-width)."""
    if bool(row["suppressed"]) or pd.isna(row["n"]) or row["n"] < MIN_N_FINDING:
        return False
    lo, hi = row["ci_low"], row["ci_high"]
    if any(pd.isna(v) for v in (row["estimate"], lo, hi)):
        return False
    return (hi - lo) / 2 <= MAX_HALF_WIDTH and row["group"] != MISSING_GROUP


def sentence(
    row: pd.Series, area_labels: Mapping[str, str] | None = None, locale: str = LOCALE
) -> str | None:
    """The German sentence for one results row, or None (no template / not eligible)."""
    ind = row["indicator"]
    if ind not in TEMPLATES or not eligible(row):
        return None
    labels = {**AREA_LABELS, **(area_labels or {})}
    area = labels.get(row["level"], row["level"])
    n = format_decimal(int(row["n"]), locale=locale)
    est = format_share(row["estimate"], locale)
    ci = format_share_ci(row["ci_low"], row["ci_high"], locale)
    if ind == "perception_gap":
        flag = row.get("flag", "")
        if flag not in ("unterschätzt", "überschätzt"):
            return None
        sign = "+" if row["estimate"] > 0 else "−"
        dci = f"{_points(row['ci_low'], locale)} bis {_points(row['ci_high'], locale)}"
        return TEMPLATES[ind].format(
            aud=AUDIENCE_LABELS.get(row["group"], row["group"]),
            verb=FLAG_VERBS[flag],
            area=area,
            belief=format_share(row["estimate_belief"], locale),
            own=format_share(row["estimate_newcomer"], locale),
            diff=f"{sign}{_points(abs(row['estimate']), locale)}",
            dci=dci.replace("-", "−"),
            n=n,
        )
    if ind == "supply_gap":
        if bool(row.get("covered", True)):
            return None
        sub = row.get("subgroup", "")
        sub_phrase = ""
        if isinstance(sub, str) and sub and sub != MISSING_GROUP:
            if row["group_var"] == "stadtteil|language":
                sub_phrase = f" (Fragebogen auf {LANGUAGE_LABELS.get(sub, sub)})"
            else:
                sub_phrase = f" ({sub})"
        stadt = STADTTEIL_LABELS.get(row["stadtteil"], row["stadtteil"])
        return TEMPLATES[ind].format(stadt=stadt, est=est, ci=ci, sub=sub_phrase, area=area, n=n)
    return TEMPLATES[ind].format(
        est=est, ci=ci, grp=_group_phrase(row["group_var"], str(row["group"])), area=area, n=n
    )


def findings(
    results: pd.DataFrame, area_labels: Mapping[str, str] | None = None, locale: str = LOCALE
) -> pd.DataFrame:
    """Sentences for all eligible rows: columns indicator, group_var, group, level, n,
    estimate, sentence; ordered as in ``results`` (sort it first, e.g. by estimate)."""
    out = []
    for _, row in results.iterrows():
        s = sentence(row, area_labels, locale)
        if s is not None:
            out.append(
                {
                    "indicator": row["indicator"],
                    "group_var": row["group_var"],
                    "group": row["group"],
                    "level": row["level"],
                    "n": row["n"],
                    "estimate": row["estimate"],
                    "sentence": s,
                }
            )
    cols = ["indicator", "group_var", "group", "level", "n", "estimate", "sentence"]
    return pd.DataFrame(out, columns=cols) if out else pd.DataFrame(columns=cols)


__all__ = [
    "MAX_HALF_WIDTH",
    "MIN_N_FINDING",
    "eligible",
    "findings",
    "format_share",
    "format_share_ci",
    "sentence",
]

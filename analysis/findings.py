"""Findings: which results are key findings (one rule for every view) and their German
sentences (Babel number formatting).

The rule (:data:`RULE`, stated to readers as :data:`RULE_NOTE`)
----------------------------------------------------------------
A results row can be a **key finding** only when it is published (not suppressed), not
the group "keine Angabe", and

* for a share: it rests on at least :attr:`FindingsRule.min_n` answers (15) and its 95 %
  interval - widened for the disclosure noise - is at most
  :attr:`FindingsRule.max_half_width` wide on either side (25 points). Groups of 15 to 30
  are the Stadtteile and languages of a small town; the sentence always shows the
  interval, so a wide one is visible to the reader;
* for a difference (perception gap, change between waves): the evidence is "deutlich" -
  more than 5 points apart after the Benjamini-Hochberg correction of its family
  (:mod:`analysis.evidence`), which already weighs the size of both groups; a "Hinweis" is
  never a key finding.

:func:`key_findings` picks, in this order: the two most severe newcomer needs ("großes
oder sehr großes Problem", one measure throughout), clear perception gaps (one sentence
per audience and direction, at most two areas each), needs no reachable offer covers,
the clearest change since the previous wave, and the volunteers' two most named own needs
(one sentence) - at most seven sentences, so they fit one slide. The dashboard's
Überblick, the deck, the PDF and the exports all call it, so they list the same findings
for the same selection.

Example sentence: "34 % (27–42 %) der befragten Zugewanderten nennen Wohnen als großes oder
sehr großes Problem (n = 263)." (Babel puts a no-break space before "%"; "n = 263" has
no-break spaces too, so it never breaks across lines.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from babel.numbers import format_decimal, format_percent

from analysis.evidence import CLEAR, HINT
from analysis.results import MISSING_GROUP, TOTAL_GROUP_VAR, empty_results

LOCALE = "de_DE"
NBSP = "\u00a0"


@dataclass(frozen=True)
class FindingsRule:
    """Thresholds of the key-findings rule (see the module docstring)."""

    min_n: int = 15
    max_half_width: float = 0.25
    severe_needs: int = 2
    perception_sentences: int = 2
    areas_per_perception_sentence: int = 2
    supply_gaps: int = 1
    changes: int = 1
    volunteer_needs: int = 2


RULE = FindingsRule()
MIN_N_FINDING = RULE.min_n
MAX_HALF_WIDTH = RULE.max_half_width
RULE_NOTE = (
    f"Kernbefunde: Anteile aus mindestens {RULE.min_n} Antworten mit einem "
    f"95-%-Konfidenzintervall von höchstens ±{round(RULE.max_half_width * 100)} "
    "Prozentpunkten; Unterschiede und Veränderungen nur, wenn sie nach Korrektur für viele "
    "Vergleiche (Benjamini-Hochberg, 5 %) deutlich über 5 Prozentpunkten liegen."
)
"""The rule in German, for every footnote that introduces a list of key findings."""

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

DIFFERENCE_INDICATORS = frozenset({"perception_gap", "perception_gap_severe",
                                   "need_prevalence_change", "need_severe_change"})  # fmt: skip
N = f"n{NBSP}={NBSP}"
TEMPLATES: dict[str, str] = {
    "need_severe": "{est} ({ci}) der befragten Zugewanderten{grp} nennen {area} als großes "
    "oder sehr großes Problem (" + N + "{n}).",
    "need_prevalence": "{est} ({ci}) der befragten Zugewanderten{grp} nennen {area} als "
    "mittleres, großes oder sehr großes Problem (" + N + "{n}).",
    "top3_share": "{est} ({ci}) der befragten Zugewanderten{grp} zählen {area} zu ihren drei "
    "dringendsten Anliegen (" + N + "{n}).",
    "perception_gap": "{aud} {verb} den Bedarf bei {area} deutlich: Sie schätzen ihn auf "
    "{belief}, die Zugewanderten selbst nennen {own} (um {diff} Prozentpunkte, KI {dci}; "
    + N
    + "{n}).",
    "supply_gap": "In {stadt} nennen {est} ({ci}) der befragten Zugewanderten{sub} {area} als "
    "Problem, aber kein erreichbares Angebot deckt diesen Bedarf ab (" + N + "{n}).",
    "need_prevalence_change": "Bedarf bei {area} deutlich {direction}: von {before} auf "
    "{after} der Zugewanderten (um {diff} Prozentpunkte, KI {dci}; " + N + "{n_from} und "
    "{n_to}).",
    "vol_need_share": "{est} ({ci}) der befragten Ehrenamtlichen wünschen sich {item} "
    "(" + N + "{n}).",
    "vol_continue_12m": "{est} ({ci}) der befragten Ehrenamtlichen wollen sich in den "
    "nächsten zwölf Monaten weiter engagieren (" + N + "{n}).",
}
HINT_NOTE = (
    "„Hinweis“: ohne Korrektur für viele Vergleiche auffällig, mit Korrektur nicht "
    "deutlich – das müsste sich in der nächsten Welle bestätigen; keine Grundlage für "
    "Maßnahmen."
)
VOLUNTEER_NEED_LABELS: dict[str, str] = {
    "training": "Fortbildung",
    "supervision": "Supervision",
    "coordination": "Koordination",
    "recognition": "Anerkennung",
    "expenses": "Erstattung von Auslagen",
    "insurance": "Versicherungsschutz",
    "networking": "Austausch mit anderen Engagierten",
    "information": "Informationen",
}
FINDING_COLUMNS = ["kind", "indicator", "group_var", "group", "level", "n", "estimate",
                   "ci_low", "ci_high", "evidence", "sentence"]  # fmt: skip
PARTS = "parts"
"""With ``with_parts=True``: a last column holding, per finding, the results rows it rests
on (a list of dicts, in the order the sentence names them), so a page in another
language can word the same finding from the same numbers (the public results page)."""
_WITH_PARTS = [*FINDING_COLUMNS, PARTS]


def _parts(rows: pd.DataFrame) -> list[dict[str, object]]:
    return [dict(r) for _, r in rows.iterrows()]


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


def _signed_points(x: float, locale: str) -> str:
    sign = "+" if x > 0 else "−" if x < 0 else "±"
    return sign + _points(abs(x), locale)


def _abs_interval(lo: float, hi: float, locale: str) -> str:
    """The interval of a difference whose direction the sentence states in words:
    (-0.52, -0.28) -> "28–52" (points)."""
    a, b = sorted((abs(lo), abs(hi)))
    if lo < 0 < hi:  # cannot happen for a clear difference; keep the signs then
        return f"{_signed_points(lo, locale)} bis {_signed_points(hi, locale)}"
    return f"{_points(a, locale)}–{_points(b, locale)}"


def _group_phrase(group_var: str, group: str) -> str:
    if group_var == TOTAL_GROUP_VAR:
        return ""
    if group_var == "stadtteil":
        return f" in {STADTTEIL_LABELS.get(group, group)}"
    return f" ({GROUP_VAR_LABELS.get(group_var, group_var)}: {group})"


def eligible(row: pd.Series, rule: FindingsRule = RULE) -> bool:
    """Whether a results row may be a key finding (the rule of the module docstring)."""
    if bool(row["suppressed"]) or pd.isna(row["n"]) or row["group"] == MISSING_GROUP:
        return False
    lo, hi = row["ci_low"], row["ci_high"]
    if any(pd.isna(v) for v in (row["estimate"], lo, hi)):
        return False
    if row["indicator"] in DIFFERENCE_INDICATORS:
        return row.get("evidence", "") == CLEAR
    return row["n"] >= rule.min_n and (hi - lo) / 2 <= rule.max_half_width + 1e-12


def sentence(
    row: pd.Series,
    area_labels: Mapping[str, str] | None = None,
    locale: str = LOCALE,
    rule: FindingsRule = RULE,
) -> str | None:
    """The German sentence for one results row, or None (no template / not eligible)."""
    ind = row["indicator"]
    if ind not in TEMPLATES or not eligible(row, rule):
        return None
    labels = {**AREA_LABELS, **(area_labels or {})}
    area = labels.get(row["level"], row["level"])
    n = format_decimal(int(row["n"]), locale=locale)
    est = format_share(row["estimate"], locale)
    ci = format_share_ci(row["ci_low"], row["ci_high"], locale)
    if ind == "perception_gap":
        flag = row.get("flag", "")
        if flag not in FLAG_VERBS:
            return None
        return TEMPLATES[ind].format(
            aud=AUDIENCE_LABELS.get(row["group"], row["group"]),
            verb=FLAG_VERBS[flag],
            area=area,
            belief=format_share(row["estimate_belief"], locale),
            own=format_share(row["estimate_newcomer"], locale),
            diff=_points(abs(row["estimate"]), locale),
            dci=_abs_interval(row["ci_low"], row["ci_high"], locale),
            n=n,
        )
    if ind == "need_prevalence_change":
        return TEMPLATES[ind].format(
            area=area,
            direction="gesunken" if row["estimate"] < 0 else "gestiegen",
            before=format_share(row["estimate_from"], locale),
            after=format_share(row["estimate_to"], locale),
            diff=_points(abs(row["estimate"]), locale),
            dci=_abs_interval(row["ci_low"], row["ci_high"], locale),
            n_from=format_decimal(int(row["n_from"]), locale=locale),
            n_to=format_decimal(int(row["n_to"]), locale=locale),
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
    if ind == "vol_need_share":
        item = VOLUNTEER_NEED_LABELS.get(row["level"], row["level"])
        return TEMPLATES[ind].format(est=est, ci=ci, item=item, n=n)
    return TEMPLATES[ind].format(
        est=est, ci=ci, grp=_group_phrase(row["group_var"], str(row["group"])), area=area, n=n
    )


def findings(
    results: pd.DataFrame,
    area_labels: Mapping[str, str] | None = None,
    locale: str = LOCALE,
    kind: str = "",
    rule: FindingsRule = RULE,
    with_parts: bool = False,
) -> pd.DataFrame:
    """Sentences for all eligible rows, in the order of ``results`` (sort it first):
    columns :data:`FINDING_COLUMNS` (and :data:`PARTS` ``with_parts``)."""
    out = []
    for _, row in results.iterrows():
        s = sentence(row, area_labels, locale, rule)
        if s is not None:
            out.append(
                {
                    "kind": kind or row["indicator"],
                    **{c: row.get(c, np.nan) for c in FINDING_COLUMNS[1:-2]},
                    "evidence": row.get("evidence", ""),
                    "sentence": s,
                    PARTS: [dict(row)],
                }
            )
    return pd.DataFrame(out, columns=_WITH_PARTS if with_parts else FINDING_COLUMNS)


def _shown(df: pd.DataFrame | None, indicator: str, totals_only: bool = True) -> pd.DataFrame:
    if df is None or df.empty:
        return empty_results()
    rows = df[(df["indicator"] == indicator) & ~df["suppressed"].astype(bool)]
    if totals_only:
        rows = rows[rows["group_var"] == TOTAL_GROUP_VAR]
    return rows[rows["estimate"].notna()]


def key_findings(
    needs: pd.DataFrame | None = None,
    perception: pd.DataFrame | None = None,
    supply: pd.DataFrame | None = None,
    change: pd.DataFrame | None = None,
    volunteers: pd.DataFrame | None = None,
    area_labels: Mapping[str, str] | None = None,
    rule: FindingsRule = RULE,
    with_parts: bool = False,
) -> pd.DataFrame:
    """The key findings of one selection (see the module docstring), columns
    :data:`FINDING_COLUMNS`: ``kind`` is "need", "perception", "supply", "change" or
    "volunteer". Takes published (protected) results tables; any may be None or empty.
    ``with_parts``: also the column :data:`PARTS` (the rows each finding rests on)."""
    parts = []
    parts.append(_need_findings(needs, area_labels, rule))
    if perception is not None and not perception.empty:
        parts.append(_perception_findings(perception, area_labels, rule))
    if supply is not None and not supply.empty:
        open_gaps = supply[~supply["covered"].astype(bool)]
        open_gaps = _shown(open_gaps, "supply_gap", totals_only=False).sort_values(
            "estimate", ascending=False, kind="stable"
        )
        found = findings(open_gaps, area_labels, kind="supply", rule=rule, with_parts=True)
        parts.append(found.head(rule.supply_gaps))
    if change is not None and not change.empty:
        moved = change[change["indicator"] == "need_prevalence_change"]
        moved = moved.reindex(moved["estimate"].abs().sort_values(ascending=False).index)
        changed = findings(moved, area_labels, kind="change", rule=rule, with_parts=True)
        parts.append(changed.head(rule.changes))
    parts.append(_volunteer_findings(volunteers, rule))
    columns = _WITH_PARTS if with_parts else FINDING_COLUMNS
    found = [p for p in parts if not p.empty]
    if not found:
        return pd.DataFrame(columns=columns)
    out = pd.concat(found, ignore_index=True)
    return out.drop_duplicates("sentence").reset_index(drop=True)[columns]


def _need_findings(
    needs: pd.DataFrame | None, area_labels: Mapping[str, str] | None, rule: FindingsRule
) -> pd.DataFrame:
    """One sentence naming the most severe newcomer needs (``need_severe``, totals):
    "Für Wohnen sehen 69 % (62–75 %) der befragten Zugewanderten ein großes oder sehr
    großes Problem, für Deutsch lernen 60 % (52–67 %); n = 181."."""
    severe = _shown(needs, "need_severe").sort_values("estimate", ascending=False, kind="stable")
    severe = severe[[eligible(r, rule) for _, r in severe.iterrows()]] if len(severe) else severe
    top = severe.head(rule.severe_needs)
    if top.empty:
        return pd.DataFrame(columns=_WITH_PARTS)
    labels = {**AREA_LABELS, **(area_labels or {})}
    shares = [
        (labels.get(r["level"], r["level"]),
         f"{format_share(r['estimate'])} ({format_share_ci(r['ci_low'], r['ci_high'])})")
        for _, r in top.iterrows()
    ]  # fmt: skip
    area, share = shares[0]
    text = f"Für {area} sehen {share} der befragten Zugewanderten ein großes oder sehr großes "
    text += "Problem" + "".join(f", für {a} {v}" for a, v in shares[1:])
    text += f"; {N}{format_decimal(int(top['n'].max()), locale=LOCALE)}."
    row = {"kind": "need", **{c: top.iloc[0].get(c, np.nan) for c in FINDING_COLUMNS[1:-2]},
           "evidence": "", "sentence": text, PARTS: _parts(top)}  # fmt: skip
    return pd.DataFrame([row], columns=_WITH_PARTS)


def _perception_findings(
    perception: pd.DataFrame, area_labels: Mapping[str, str] | None, rule: FindingsRule
) -> pd.DataFrame:
    """One sentence per (audience, direction) with clear gaps, largest first, naming at
    most :attr:`FindingsRule.areas_per_perception_sentence` areas."""
    gaps = perception[perception["indicator"] == "perception_gap"]
    gaps = gaps[[eligible(r, rule) and r.get("flag", "") in FLAG_VERBS for _, r in
                 gaps.iterrows()]] if len(gaps) else gaps  # fmt: skip
    if gaps.empty:
        return pd.DataFrame(columns=_WITH_PARTS)
    gaps = gaps.reindex(gaps["estimate"].abs().sort_values(ascending=False).index)
    labels = {**AREA_LABELS, **(area_labels or {})}
    rows = []
    for (audience, flag), group in gaps.groupby(["group", "flag"], sort=False):
        top = group.head(rule.areas_per_perception_sentence)
        details = [
            f"{labels.get(r['level'], r['level'])} um {_points(abs(r['estimate']), LOCALE)}"
            f"{' Prozentpunkte' if i == 0 else ''} "
            f"(KI {_abs_interval(r['ci_low'], r['ci_high'], LOCALE)})"
            for i, (_, r) in enumerate(top.iterrows())
        ]
        n = format_decimal(int(top["n"].max()), locale=LOCALE)
        text = (
            f"{AUDIENCE_LABELS.get(audience, audience)} {FLAG_VERBS[flag]} den Bedarf "
            f"deutlich: {', '.join(details)}; {N}{n}."
        )
        first = top.iloc[0]
        rows.append({"kind": "perception", **{c: first.get(c, np.nan) for c in
                     FINDING_COLUMNS[1:-2]}, "evidence": CLEAR, "sentence": text,
                     PARTS: _parts(top)})  # fmt: skip
    return pd.DataFrame(rows, columns=_WITH_PARTS).head(rule.perception_sentences)


def _volunteer_findings(volunteers: pd.DataFrame | None, rule: FindingsRule) -> pd.DataFrame:
    """One sentence naming the volunteers' most named own needs."""
    vol = _shown(volunteers, "vol_need_share").sort_values("estimate", ascending=False)
    vol = vol[[eligible(r, rule) for _, r in vol.iterrows()]] if len(vol) else vol
    top = vol.head(rule.volunteer_needs)
    if top.empty:
        return pd.DataFrame(columns=_WITH_PARTS)
    details = [
        f"{VOLUNTEER_NEED_LABELS.get(r['level'], r['level'])} ({format_share(r['estimate'])}, "
        f"{format_share_ci(r['ci_low'], r['ci_high'])})"
        for _, r in top.iterrows()
    ]
    n = format_decimal(int(top["n"].max()), locale=LOCALE)
    text = f"Ehrenamtliche wünschen sich am häufigsten {' und '.join(details)}; {N}{n}."
    first = top.iloc[0]
    row = {"kind": "volunteer", **{c: first.get(c, np.nan) for c in FINDING_COLUMNS[1:-2]},
           "evidence": "", "sentence": text, PARTS: _parts(top)}  # fmt: skip
    return pd.DataFrame([row], columns=_WITH_PARTS)


__all__ = [
    "HINT",
    "HINT_NOTE",
    "MAX_HALF_WIDTH",
    "MIN_N_FINDING",
    "PARTS",
    "RULE",
    "RULE_NOTE",
    "FindingsRule",
    "eligible",
    "findings",
    "format_share",
    "format_share_ci",
    "key_findings",
    "sentence",
]

"""German sentences from the results table."""

from __future__ import annotations

import pandas as pd

from analysis import findings
from analysis.results import make_results
from analysis.stats import wilson_ci

NBSP = "\xa0"


def _row(**kw) -> pd.DataFrame:
    lo, hi = wilson_ci(90, 263)
    base = {
        "indicator": ["need_severe"],
        "group_var": ["all"],
        "group": ["Gesamt"],
        "level": ["housing"],
        "n": [263],
        "estimate": [90 / 263],
        "ci_low": [lo],
        "ci_high": [hi],
        "method": ["wilson"],
    }
    base.update({k: [v] for k, v in kw.items()})
    return make_results(**base)


def test_sentence_example_from_brief():
    out = findings.findings(_row())
    assert len(out) == 1
    assert out["sentence"][0].replace(NBSP, " ") == (
        "34 % (29–40 %) der befragten Zugewanderten nennen Wohnen als großes oder sehr "
        "großes Problem (n = 263)."
    )


def test_thresholds():
    assert findings.MIN_N_FINDING == 15 and findings.MAX_HALF_WIDTH == 0.25
    assert findings.findings(_row(n=14)).empty
    assert len(findings.findings(_row(n=15))) == 1
    assert findings.findings(_row(suppressed=True)).empty
    assert findings.findings(_row(ci_low=0.10, ci_high=0.61)).empty  # half-width 0.255
    assert len(findings.findings(_row(ci_low=0.10, ci_high=0.60))) == 1  # exactly 0.25
    assert findings.findings(_row(group_var="stadtteil", group="keine Angabe")).empty
    assert findings.findings(_row(indicator="need_dk_share")).empty


def test_group_phrase_and_number_format():
    s = findings.findings(_row(group_var="stadtteil", group="hallgarten", n=1263))["sentence"][0]
    assert " in Hallgarten nennen" in s
    assert f"(n{NBSP}={NBSP}1.263)" in s  # no-break spaces: "n =" never ends a line


def test_perception_sentence():
    row = _row(
        indicator="perception_gap",
        group_var="audience",
        group="volunteer",
        n=60,
        estimate=-0.30,
        ci_low=-0.42,
        ci_high=-0.17,
        flag="unterschätzt",
        evidence="deutlich",
        estimate_belief=0.30,
        estimate_newcomer=0.60,
    )
    s = findings.findings(row)["sentence"][0].replace(NBSP, " ")
    assert s.startswith("Die befragten Ehrenamtlichen unterschätzen den Bedarf bei Wohnen deutlich")
    assert "30 %" in s and "60 %" in s and "um 30 Prozentpunkte" in s
    assert "KI 17–42" in s  # the verb says the direction; the interval is of the distance
    assert findings.findings(_row(indicator="perception_gap", flag="")).empty
    # a gap whose 95 % interval excludes 0 but which the correction does not confirm is a
    # "Hinweis": never a key finding
    hint = row.assign(evidence="Hinweis")
    assert findings.findings(hint).empty


def test_supply_sentence_language_group():
    row = _row(
        indicator="supply_gap",
        group_var="stadtteil|language",
        group="hallgarten|ar",
        n=133,
        estimate=0.22,
        ci_low=0.15,
        ci_high=0.29,
        stadtteil="hallgarten",
        subgroup="ar",
        covered=False,
    )
    s = findings.findings(row)["sentence"][0].replace(NBSP, " ")
    assert s == (
        "In Hallgarten nennen 22 % (15–29 %) der befragten Zugewanderten (Fragebogen auf "
        "Arabisch) Wohnen als Problem, aber kein erreichbares Angebot deckt diesen Bedarf ab "
        "(n = 133)."
    )
    assert findings.findings(_row(indicator="supply_gap", covered=True, stadtteil="winkel")).empty

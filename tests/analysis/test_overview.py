"""Überblick numbers: progress against targets, counts by Stadtteil, headline findings."""

import numpy as np
import pandas as pd
import pytest

from analysis.findings import format_share, format_share_ci
from analysis.overview import campaign_progress, headline_findings, progress_table, stadtteil_counts
from analysis.results import make_results


def test_progress_against_targets_and_response_rate_where_the_population_is_known():
    counts = pd.DataFrame(
        {"campaign": ["nc", "nc", "adm", "vol"], "status": ["complete", "partial", "complete",
         "complete"], "n": [150, 40, 12, 3]}
    )  # fmt: skip
    campaigns = pd.DataFrame(
        {"campaign": ["nc", "adm", "vol"], "title": ["N", "A", "V"],
         "audience": ["newcomer", "administration", "volunteer"], "wave": [1, 1, 1],
         "target": [600, 30, None], "population": [None, 30, None]}
    )  # fmt: skip
    progress = campaign_progress(counts, campaigns).set_index("campaign")
    assert progress.loc["nc", "n"] == 150 and progress.loc["nc", "share_of_target"] == 0.25
    assert np.isnan(progress.loc["nc", "response_rate"])
    assert progress.loc["adm", "response_rate"] == pytest.approx(0.4)
    assert progress.loc["vol", "suppressed"] and np.isnan(progress.loc["vol", "n"])
    table = progress_table(progress.reset_index()).set_index("Kampagne")
    assert (
        table.loc["N", "Zielerreichung"] == format_share(0.25)
        and table.loc["N", "Rücklaufquote"] == "–"
    )
    assert table.loc["A", "Rücklaufquote"] == format_share(0.4)
    assert table.loc["V", "Antworten"] == "·" and table.loc["V", "Ziel"] == "–"


def test_stadtteil_counts_name_missing_answers():
    respondents = pd.DataFrame(
        {"stadtteil": pd.Categorical(["winkel", None, "winkel"]),
         "audience": pd.Categorical(["newcomer", "newcomer", "volunteer"])}
    )  # fmt: skip
    counts = stadtteil_counts(respondents)
    assert counts.values.tolist() == [
        ["keine Angabe", "newcomer", 1],
        ["winkel", "newcomer", 1],
        ["winkel", "volunteer", 1],
    ]


def _needs(estimates):
    return make_results(
        indicator="need_severe", group_var="all", group="Gesamt", level=list(estimates),
        n=[200] * len(estimates), estimate=list(estimates.values()),
        ci_low=[e - 0.05 for e in estimates.values()],
        ci_high=[e + 0.05 for e in estimates.values()], method="wilson",
    )  # fmt: skip


def test_headline_findings_lead_with_the_two_most_severe_needs():
    needs = _needs({"work": 0.3, "housing": 0.6, "language": 0.5, "health": 0.2, "money": 0.1})
    found = headline_findings(needs, pd.DataFrame(), pd.DataFrame())
    assert found["kind"].tolist() == ["need"]  # one sentence names the two largest
    text = found["sentence"][0]
    assert text.startswith(f"Für Wohnen sehen {format_share(0.6)} ({format_share_ci(0.55, 0.65)})")
    assert f", für Deutsch lernen {format_share(0.5)}" in text
    assert headline_findings(needs.iloc[0:0], pd.DataFrame(), pd.DataFrame()).empty

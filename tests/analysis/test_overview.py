"""Überblick numbers: progress of the campaigns against their targets."""

import numpy as np
import pandas as pd
import pytest

from analysis.findings import format_share
from analysis.overview import campaign_progress, progress_table


def test_progress_against_targets_and_response_rate_where_the_population_is_known():
    # published counts: "vol" is hidden by the protection layer (NaN), "Gesamt" is ignored
    counts = pd.DataFrame({"campaign": ["nc", "adm", "vol", "Gesamt"], "n": [150, 12, np.nan, 165]})
    campaigns = pd.DataFrame(
        {"campaign": ["nc", "adm", "vol", "new"], "title": ["N", "A", "V", "W"],
         "audience": ["newcomer", "administration", "volunteer", "newcomer"],
         "wave": [1, 1, 1, 2], "target": [600, 30, None, 100], "population": [None, 30, None, None]}
    )  # fmt: skip
    progress = campaign_progress(counts, campaigns).set_index("campaign")
    assert progress.loc["nc", "n"] == 150 and progress.loc["nc", "share_of_target"] == 0.25
    assert np.isnan(progress.loc["nc", "response_rate"])
    assert progress.loc["adm", "response_rate"] == pytest.approx(0.4)
    assert progress.loc["vol", "suppressed"] and np.isnan(progress.loc["vol", "n"])
    assert progress.loc["new", "n"] == 0 and progress.loc["new", "share_of_target"] == 0
    assert not progress.loc["new", "suppressed"]
    table = progress_table(progress.reset_index()).set_index("Kampagne")
    assert (
        table.loc["N", "Zielerreichung"] == format_share(0.25)
        and table.loc["N", "Rücklaufquote"] == "–"
    )
    assert table.loc["A", "Rücklaufquote"] == format_share(0.4)
    assert table.loc["V", "Antworten"] == "·" and table.loc["V", "Ziel"] == "–"

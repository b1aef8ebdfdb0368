"""The statistician against the Land's pooled tables (issue 30): the pooled release of a
wave over three towns, taken together with one town's own final release, solved jointly
by least squares with the noise distribution known (:mod:`tests.privacy.joint_attack`).

The towns: the demo's wave 1 (Oestrich-Winkel), the planted town (3 Tigrinya speakers in
one Stadtteil, 3 Turkish speakers in another, …) and the demo's wave 2 as a third town.
The pooled tables are made by the product's own code (:func:`bedarfsradar.land.
pooled_tables`: the release machinery with the pooled catalogue), the town's release by
:func:`reports.release.release_payload`. Targets: every group of 1-4 newcomers of one
attribute and of every two-attribute cross, the town among the attributes - "the two
Farsi speakers of town B" is what subtracting town A's release from the pool would aim at.

Goals as for a town's releases: recovered with a posterior of at least 95 %: at most 1 %;
certain: 0; exact no better than one noisy route gives.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analysis import published
from bedarfsradar.land import pooled_tables
from reports.inputs import Labels, ReportCampaign, ReportInput
from reports.release import results_of
from tests.privacy.conftest import planted_answers
from tests.privacy.joint_attack import RECORDS, Records, attack_tables, small_group_targets
from tests.privacy.test_release_attack import check, release_tables

TOWN_ATTRIBUTES = ("campaign", "language", "stadtteil", "german_level", "years_de", "children")
"""``campaign`` is the town here (the attacker knows who lives in which town)."""


@pytest.fixture(scope="module")
def three_towns(demo_data):
    _, offers, ctx = demo_data
    demo = ctx.storage.answers_frame(ctx.municipality_id)
    towns = {
        "a": demo[demo["wave"] == 1],
        "b": planted_answers(),
        "c": demo[demo["wave"] == 2],
    }
    parts = []
    for town, answers in towns.items():
        own = answers.copy()
        own["response_id"] = town + ":" + own["response_id"].astype(str)
        own["wave"] = 1
        own["campaign"] = town  # the town, for the attacker's targets and the town release
        parts.append(own)
    return ctx, offers, pd.concat(parts, ignore_index=True)


def pooled_release_tables(ctx, answers: pd.DataFrame) -> list:
    """The pooled release's tables (filters None: every newcomer of the pool)."""
    pooled = answers.copy()
    pooled["campaign"] = "kisi-" + pooled["audience"].astype(str) + "-w1"
    pairs = pooled[["campaign", "audience"]].drop_duplicates().itertuples(index=False)
    campaigns = [ReportCampaign(c, c, 1, a) for c, a in pairs]
    inp = ReportInput(answers=pooled, offers=pd.DataFrame(), campaigns=campaigns,
                      labels=Labels.from_context(ctx), town="KISI", report_date=date.today(),
                      taxonomy=ctx.taxonomy)  # fmt: skip
    res = results_of(pooled_tables(inp))
    assert "stadtteil" not in set(res.needs["group_var"])
    data = ctx.survey_data(pooled)
    counts = [published.respondent_counts(data, by)
              for by in (["audience"], ["language"], ["language", "audience"])]  # fmt: skip
    return [(None, res.needs), *[(None, c) for c in counts]]


def town_release(ctx, offers, answers: pd.DataFrame, data, town: str) -> tuple[list, np.ndarray]:
    """One town's final release, its tables scoped to the town's records."""
    mine = answers[answers["campaign"] == town]
    in_town = np.isin(data.respondents.index.astype(str), mine["response_id"].unique())
    assert 0 < in_town.sum() < len(in_town)
    tables = [({RECORDS: in_town}, frame)
              for _, frame in release_tables(ctx, mine, offers, "final")]  # fmt: skip
    return tables, in_town


@pytest.mark.slow
@pytest.mark.parametrize("town", ["a", "b"])
def test_pooled_tables_with_one_towns_release_keep_small_groups_hidden(three_towns, town):
    ctx, offers, answers = three_towns
    data = ctx.survey_data(answers)
    records = Records(data)
    own_release, in_town = town_release(ctx, offers, answers, data, town)
    tables = [*pooled_release_tables(ctx, answers), *own_release]
    targets = small_group_targets(records, attrs=TOWN_ATTRIBUTES, depths=(1, 2))
    assert len(targets) > 100
    report = attack_tables(data, tables, targets)
    check(report, f"pooled over three towns + town {town}'s final release")
    elsewhere = [t for t in targets if not (t.support & in_town).any()]
    outside = report.of_targets(elsewhere)  # what "pool minus this town" would aim at
    print(outside.summary("  targets in the other towns only"))
    assert outside.certain == 0 and outside.confident_rate <= 0.01


@pytest.mark.slow
def test_pooled_tables_with_every_towns_release_keep_small_groups_hidden(three_towns):
    """What the Land itself holds: the pooled tables and all three towns' releases."""
    ctx, offers, answers = three_towns
    data = ctx.survey_data(answers)
    tables = pooled_release_tables(ctx, answers)
    for town in ("a", "b", "c"):
        tables += town_release(ctx, offers, answers, data, town)[0]
    targets = small_group_targets(Records(data), attrs=TOWN_ATTRIBUTES, depths=(1, 2))
    check(attack_tables(data, tables, targets), "pooled over three towns + every town's release")

"""The measures store: changes are kept per municipality, audited with old and new
values, and invalid input changes nothing (German message)."""

from __future__ import annotations

import pytest

from bedarfsradar import measures as store
from bedarfsradar.audit import entries
from bedarfsradar.context import init_db
from reports.measures import MeasureError, validate
from tests.conftest import add_municipality

GOOD = {
    "title": "Bürgerbus Hallgarten",
    "funding": "KISI-Projektmittel",
    "lead": "Fachgebiet Soziales",
    "timeline": "ab Mai 2027",
    "indicator": "Anteil mit Bedarf bei Mobilität",
    "cost_eur": 18000,
}


def test_update_is_audited_with_old_and_new_value_and_delete_keeps_the_title(ctx):
    init_db(ctx)
    mid = ctx.municipality_id
    mid_id = store.save_measure(ctx.db, mid, "guide", GOOD)
    store.save_measure(ctx.db, mid, "anna", {**GOOD, "cost_eur": 20000}, mid_id)
    [m] = store.list_measures(ctx.db, mid)
    assert m.spec.cost_eur == 20000 and m.updated_by == "anna"
    assert store.delete_measure(ctx.db, mid, "anna", mid_id) is True
    log = entries(ctx.db, mid)
    actions = list(log["action"])[:3]
    assert actions == ["measure.delete", "measure.update", "measure.create"]
    assert log.iloc[1]["detail"]["changes"] == {"cost_eur": [18000, 20000]}
    assert log.iloc[0]["detail"]["title"] == "Bürgerbus Hallgarten"
    assert store.list_measures(ctx.db, mid) == []


def test_invalid_measure_raises_a_german_message_and_writes_nothing(ctx):
    init_db(ctx)
    with pytest.raises(MeasureError, match="„Federführung“ ist zu kurz"):
        store.save_measure(ctx.db, ctx.municipality_id, "guide", {**GOOD, "lead": ""})
    with pytest.raises(MeasureError, match="ganze Zahl"):
        validate({**GOOD, "cost_eur": -5})
    with pytest.raises(MeasureError, match="gibt es nicht"):
        store.save_measure(ctx.db, ctx.municipality_id, "guide", GOOD, measure_id=999)
    assert store.list_measures(ctx.db, ctx.municipality_id) == []
    assert not entries(ctx.db, ctx.municipality_id)["action"].str.startswith("measure").any()


def test_another_municipality_never_sees_or_changes_the_measures(ctx):
    init_db(ctx)
    other = add_municipality(ctx, "geisenheim", "Geisenheim")
    mine = store.save_measure(ctx.db, ctx.municipality_id, "guide", GOOD)
    assert store.list_measures(ctx.db, other) == []
    with pytest.raises(MeasureError):
        store.save_measure(ctx.db, other, "x", GOOD, measure_id=mine)
    assert store.delete_measure(ctx.db, other, "x", mine) is False

"""Editing the offers catalogue from the dashboard: create, update, deactivate, import."""

import io

import pandas as pd
import pytest

from surveys.offers import (
    OfferIn,
    create_offer,
    import_offers,
    offers_frame,
    offers_from_table,
    read_offer_upload,
    set_offer_active,
    update_offer,
)
from surveys.questionnaire.loader import QuestionnaireError

AREAS = {"mobility", "housing", "language"}
STADTTEILE = {"hallgarten", "winkel"}


def _offer(**kw):
    return OfferIn(
        **{
            "key": "bus-hallgarten",
            "name": "Bürgerbus",
            "areas": ["mobility"],
            "stadtteil": "hallgarten",
            **kw,
        }
    )


def test_created_offer_can_be_edited_and_deactivated(sqlite_ctx):
    db, mid = sqlite_ctx.db, sqlite_ctx.municipality_id
    oid = create_offer(db, mid, _offer())
    with pytest.raises(ValueError, match="gibt es schon"):
        create_offer(db, mid, _offer())
    update_offer(db, mid, oid, _offer(name="Bürgerbus Hallgarten", times=["morning"]))
    set_offer_active(db, mid, oid, False)
    row = offers_frame(db, mid).set_index("offer_id").loc[oid]
    assert row["name"] == "Bürgerbus Hallgarten" and row["times"] == ["morning"]
    assert not row["active"] and not row["is_example"]
    with pytest.raises(LookupError):
        set_offer_active(db, mid + 99, oid, True)  # another municipality cannot touch it


def test_import_table_adds_and_updates_by_key(sqlite_ctx):
    db, mid = sqlite_ctx.db, sqlite_ctx.municipality_id
    create_offer(db, mid, _offer())
    table = pd.DataFrame(
        {
            "key": ["bus-hallgarten", "wohnen-beratung"],
            "name": ["Bürgerbus neu", "Wohnberatung"],
            "areas": ["mobility", "housing; language"],
            "stadtteil": ["hallgarten", "all"],
            "childcare": ["ja", ""],
        }
    )
    offers = offers_from_table(table, AREAS, STADTTEILE)
    assert offers[1].areas == ["housing", "language"] and offers[0].childcare
    assert import_offers(db, mid, offers) == (1, 1)
    names = set(offers_frame(db, mid)["name"])
    assert {"Bürgerbus neu", "Wohnberatung"} <= names


def test_a_bad_import_is_rejected_whole_with_row_numbers():
    table = pd.DataFrame(
        {
            "key": ["ok", "Bad Key", "ok"],
            "name": ["A", "B", "C"],
            "areas": ["housing", "housing", "flying"],
            "stadtteil": ["winkel", "winkel", "mars"],
        }
    )
    with pytest.raises(QuestionnaireError) as err:
        offers_from_table(table, AREAS, STADTTEILE)
    text = str(err.value)
    assert "Zeile 3" in text and "Zeile 4" in text and "doppelt" in text and "mars" in text


def test_uploads_are_read_as_text_and_size_limited():
    csv = "key;name;areas;stadtteil\nbus;=cmd|' /C calc'!A0;mobility;all\n".encode("utf-8-sig")
    table = read_offer_upload("angebote.csv", csv)
    assert table.loc[0, "name"].startswith("=cmd")  # stored as text, never evaluated
    buffer = io.BytesIO()
    table.to_excel(buffer, index=False)
    assert read_offer_upload("angebote.xlsx", buffer.getvalue()).loc[0, "key"] == "bus"
    with pytest.raises(QuestionnaireError, match="größer"):
        read_offer_upload("big.csv", b"x" * 1_000_001)
    with pytest.raises(QuestionnaireError, match="nicht lesbar"):
        read_offer_upload("broken.xlsx", b"PK\x03\x04 not a zip")
    with pytest.raises(QuestionnaireError, match=r"\.csv oder \.xlsx"):
        read_offer_upload("angebote.ods", b"x")

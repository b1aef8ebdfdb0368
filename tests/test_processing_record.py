"""The record of processing activities is written from facts in the code."""

from surveys.privacy.processing_record import ProcessingFacts, record_markdown, stored_columns


def _facts(**kw):
    base = dict(municipality="Oestrich-Winkel", audiences={"newcomer": 40}, languages=("de", "ar"),
                sensitive_questions=("Welchen Aufenthalt haben Sie?",), retention_months=24,
                active_users={"admin": 1, "guide": 2})  # fmt: skip
    return ProcessingFacts(**{**base, **kw})


def test_record_names_every_item_of_article_30_and_the_facts():
    text = record_markdown(_facts())
    for heading in ("Verantwortliche Stelle", "Zwecke", "betroffener Personen",
                    "personenbezogener Daten", "Empfänger", "Löschfristen",
                    "Technische und organisatorische Maßnahmen"):  # fmt: skip
        assert heading in text
    assert "24 Monate" in text and "weniger als 5 Antworten" in text
    assert "Keine IP-Adressen" in text and "receipt_hash" in text
    assert "Integrationsguide" in text and "2 aktive" in text
    assert "Welchen Aufenthalt haben Sie?" in text


def test_the_schema_stores_no_tracking_data_and_the_record_would_say_so_otherwise():
    response_columns, _ = stored_columns()
    assert "month" in response_columns and not {"ip", "user_agent"} & set(response_columns)
    text = record_markdown(_facts(response_columns=(*response_columns, "ip")))
    assert "Keine IP-Adressen" not in text and "ACHTUNG" in text
    assert "noch nicht festgelegt" in record_markdown(_facts(retention_months=None))

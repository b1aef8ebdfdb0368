"""The audit log speaks German: every action the code records has German words, details
read as "Welle: kobo-w1", never as ``slug=kobo-w1``."""

from __future__ import annotations

import re

import pandas as pd

from bedarfsradar import PROJECT_ROOT
from dashboard.audit_view import ACTIONS, action_words, detail_words, log_table

_ARG = r"\s*[^,()]+(?:\([^()]*\))?\s*,"
RECORDED = [
    re.compile(r"audit\.record\(" + _ARG * 3 + r'\s*"([a-z_.]+)"'),  # db, town, actor, action
    re.compile(r"_done\(" + _ARG + r'\s*"([a-z_.]+)"'),
    re.compile(r'AuditLog\([^)]*?action="([a-z_.]+)"'),
    re.compile(r'action="([a-z_]+\.[a-z_]+)"'),
    re.compile(r'else "([a-z_]+\.[a-z_]+)"'),
]


def recorded_actions() -> set[str]:
    found: set[str] = set()
    for folder in ("bedarfsradar", "dashboard", "surveys"):
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            flat = " ".join(text.split())
            for pattern in RECORDED:
                found |= set(pattern.findall(flat))
    return found


def test_every_recorded_action_has_german_words():
    actions = recorded_actions()
    assert {"response.delete_flagged", "xlsform.import", "campaign.create"} <= actions
    assert actions - set(ACTIONS) == set()


def test_details_and_actions_read_as_german_words():
    assert action_words("response.delete_flagged") == "markierte Antworten gelöscht"
    assert detail_words({"flag": "too_fast", "deleted": 3}) == (
        "Grund: in sehr kurzer Zeit abgeschickt · gelöscht: 3"
    )
    log = pd.DataFrame(
        [{"at": "2026-12-01", "actor": "guide", "action": "campaign.create",
          "detail": {"slug": "kobo-w1", "version": 4}}]
    )  # fmt: skip
    row = log_table(log).iloc[0].tolist()
    assert row == ["2026-12-01", "guide", "Welle angelegt",
                   "Welle: kobo-w1 · Fragebogen-Version: 4"]  # fmt: skip

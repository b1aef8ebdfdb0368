"""Helpers for building small answers frames in the analysis tests."""

from __future__ import annotations

import pandas as pd
import pytest


class AnswerBuilder:
    """Collects answer rows following the storage layer's long format."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(
        self,
        rid: str,
        question_id: str,
        value: str | None,
        item: str = "",
        audience: str = "newcomer",
        wave: int = 1,
        language: str = "de",
    ) -> AnswerBuilder:
        self.rows.append(
            {
                "response_id": rid,
                "campaign": "welle-1",
                "wave": wave,
                "audience": audience,
                "language": language,
                "mode": "online",
                "question_id": question_id,
                "item": item,
                "value": value,
                "text": None,
            }
        )
        return self

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)


@pytest.fixture
def builder() -> AnswerBuilder:
    return AnswerBuilder()

"""Helpers for building small answers frames in the analysis tests."""

from __future__ import annotations

import numpy as np
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
        """The rows, with a record key per respondent drawn from a seeded generator (so the
        published, perturbed numbers are the same in every run)."""
        frame = pd.DataFrame(self.rows)
        ids = list(dict.fromkeys(frame["response_id"])) if len(frame) else []
        keys = np.random.default_rng(20261130).integers(0, 2**31, len(ids))
        frame["record_key"] = frame["response_id"].map(dict(zip(ids, keys, strict=True)))
        return frame


@pytest.fixture
def builder() -> AnswerBuilder:
    return AnswerBuilder()

"""The codebook of the questionnaires: every question, matrix row and option with its
code and German wording, for exports (one row per code)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from surveys.questionnaire.model import Option, QuestionnaireBundle

CODEBOOK_COLUMNS = [
    "audience",
    "section",
    "question_id",
    "type",
    "question",
    "item",
    "item_label",
    "code",
    "label",
    "relevance",
]


def codebook(bundles: Mapping[str, QuestionnaireBundle]) -> pd.DataFrame:
    """Rows: question x (matrix row) x option; ``item`` = matrix row code ("" otherwise)."""
    rows: list[list[object]] = []
    for audience, bundle in bundles.items():
        q = bundle.questionnaire
        for section, question in q.questions():
            options: list[Option | None] = [*q.options_of(question)] or [None]
            items = q.rows_of(question) if question.type == "matrix" else [None]
            for item in items:
                for option in options:
                    rows.append(
                        [
                            audience,
                            section.id,
                            question.id,
                            question.type,
                            question.label,
                            item.code if item else "",
                            item.label if item else "",
                            option.code if option else "",
                            option.label if option else "",
                            question.relevance or "",
                        ]
                    )
    return pd.DataFrame(rows, columns=CODEBOOK_COLUMNS)

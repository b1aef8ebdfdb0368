"""The individual answers of one campaign on the Kampagnen page (guide and admin only),
one row per complete response, with the questions and answers worded as the respondent
saw them in German: the way to look at the answers of an imported questionnaire, which
the analysis pages (built on the town's own questionnaires) do not show.

Individual answers can identify people: shown only after the guide asks for them, and
every first view per session and campaign goes to the audit log (``raw.view``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bedarfsradar import audit
from bedarfsradar.session import SessionUser
from dashboard import data, questionnaires
from dashboard.labels import MODES, REVIEW_FLAGS, language_name
from surveys.privacy.protected import protected_audiences
from surveys.questionnaire.model import QuestionnaireBundle
from surveys.responses.answers import AnswerRow, from_rows
from surveys.responses.storage import CampaignInfo
from surveys.web.views import answer_text

MAX_TABLE_ROWS = 30
"""Up to this many responses the page shows every cell in full (a table that wraps);
more go into a scrolling data grid."""


def _cell(value: object) -> str | None:
    return None if value is None or pd.isna(value) else str(value)  # type: ignore[arg-type]


def answers_table(bundle: QuestionnaireBundle, answers: pd.DataFrame,
                  flags: dict[str, str]) -> pd.DataFrame:  # fmt: skip
    """One row per response: language, way, review note, then every question that is
    not a note, answered in German words (the source texts of the questionnaire)."""
    q = bundle.questionnaire
    questions = [x for _, x in q.questions() if x.type != "note"]
    columns: dict[str, str] = {}  # question id -> column; a repeated label names its forerunner
    previous = ""
    for question in questions:
        label = bundle.text(f"q.{question.id}.label", "de")
        columns[question.id] = (
            f"{label} (nach »{previous}«)" if label in columns.values() else label
        )
        previous = label
    rows = []
    for number, (response, frame) in enumerate(answers.groupby("response_id", sort=False), 1):
        stored = [
            AnswerRow(str(r.question_id), str(_cell(r.item) or ""), _cell(r.value), _cell(r.text))
            for r in frame.itertuples()
        ]
        given = from_rows(q, stored)
        first = frame.iloc[0]
        row = {
            "Nr.": number,
            "Sprache": language_name(str(first["language"])),
            "Weg": MODES.get(str(first["mode"]), str(first["mode"])),
            "Prüfhinweis": REVIEW_FLAGS.get(flags.get(str(response), ""), ""),
        }
        for question in questions:
            lines = answer_text(bundle, question, given, "de")
            row[columns[question.id]] = "; ".join(
                f"{lead} {text}" if lead else text for lead, text in lines
            )
        rows.append(row)
    return pd.DataFrame(rows)


def render(user: SessionUser, campaign: CampaignInfo) -> None:
    """A toggle that shows the campaign's individual answers (audited); never for an
    audience whose answers are protected (:mod:`surveys.privacy.protected`: the staff,
    and the volunteers unless the guide switched that off)."""
    if not user.sees_raw_data:
        return
    ctx = data.context()
    if campaign.audience in protected_audiences(ctx.db, ctx.municipality_id):
        st.caption(
            "Die Antworten dieser Befragung werden nicht einzeln gezeigt – für niemanden "
            "(Vereinbarung mit dem Personalrat); Ergebnisse nur als Tabellen ab 5 Antworten."
        )
        return
    if not st.toggle("Antworten ansehen (Einzelantworten)", key=f"answers-{campaign.slug}"):
        return
    logged = f"answers-logged-{campaign.slug}"
    if not st.session_state.get(logged):
        audit.record(ctx.db, ctx.municipality_id, user.username, "raw.view", page="Kampagnen",
                     campaign=campaign.slug)  # fmt: skip
        st.session_state[logged] = True
    answers = ctx.storage.answers_frame(ctx.municipality_id, [campaign.slug])
    if answers.empty:
        st.write("Noch keine abgeschickte Antwort.")
        return
    flags = ctx.storage.flagged_responses(ctx.municipality_id)
    table = answers_table(questionnaires.bundle(campaign.questionnaire_version_id), answers, flags)
    n = len(table)
    st.write(f"{n} abgeschickte {'Antwort' if n == 1 else 'Antworten'}:")
    if n <= MAX_TABLE_ROWS:  # every text readable, wrapped
        st.table(table, hide_index=True)
    else:
        st.dataframe(table, hide_index=True, key=f"answers-table-{campaign.slug}")
    st.caption(
        "Einzelantworten können Personen erkennbar machen: nur für die Auswertung im Team, "
        "nicht weitergeben. Die Ansicht steht im Protokoll."
    )

"""What the Einladungen page shows and makes: the list of people in German, the rates,
the letters PDF and the mailing in progress (:mod:`surveys.invitations`)."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from bedarfsradar.tenancy import survey_slug
from dashboard import data, materials
from publicity.letters import LetterPage, letters_pdf
from surveys.invitations import rates
from surveys.invitations.mail import DEFAULT_BODIES, SmtpConfig, fill
from surveys.invitations.sending import JOBS, Letter, Mailings
from surveys.invitations.store import InvitationStore
from surveys.responses.storage import CampaignInfo

STATUS = {
    "new": "noch nicht eingeladen",
    "sent": "per E-Mail eingeladen",
    "bounced": "unzustellbar",
    "unclear": "unklar (Verbindung abgebrochen)",
    "printed": "Brief gedruckt",
}
LETTER_TEXT = DEFAULT_BODIES["invitation"].replace(
    "Ihr persönlicher Link:\n{link}", "Ihr persönlicher Link steht unten, mit QR-Code."
)


def store() -> InvitationStore:
    ctx = data.context()
    return InvitationStore(ctx.db, ctx.settings.effective_secret_key)


def mailings() -> Mailings:
    ctx = data.context()
    config = SmtpConfig.from_settings(ctx.settings)
    return Mailings(ctx.db, store(), config, materials.public_base_url(),
                    partial(survey_slug, ctx))  # fmt: skip


def people_table(people: pd.DataFrame) -> pd.DataFrame:
    """The list in German: who, how reached, whether finished (nothing else is known)."""

    def state(row: pd.Series) -> str:
        if row["finished"]:
            return "hat teilgenommen"
        label = STATUS.get(str(row["status"]), str(row["status"]))
        if row["status"] in ("bounced", "unclear") and isinstance(row["status_note"], str):
            label += f" ({row['status_note']})"
        return label

    return pd.DataFrame(
        {
            "Name": people["name"],
            "E-Mail": people["email"].fillna("– (Brief)"),
            "Bereich": people["department"].fillna(""),
            "Stand": [state(r) for _, r in people.iterrows()],
            "Eingeladen": people["sent_month"].fillna(""),
            "Erinnert": people["reminded_month"].fillna(""),
        }
    )


def rate_line(invited: int, finished: int) -> str:
    """The campaign's response rate, or why it is not shown (fewer than 5)."""
    if invited < rates.MIN_GROUP or finished < rates.MIN_GROUP:
        return (
            f"Rücklaufquote: erst ab {rates.MIN_GROUP} Eingeladenen und {rates.MIN_GROUP} Antworten"
        )
    return f"Rücklaufquote: {rates.rate_text(invited, finished)}"


def department_table(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Bereich": table["department"],
            "Eingeladen": table["invited"],
            "Geantwortet": table["finished"],
            "Rücklaufquote": [f"{round(100 * r)} %" for r in table["rate"]],
        }
    )


def letters_file(campaign: CampaignInfo, letters: list[Letter]) -> bytes:
    sender = f"Stadt {data.context().geography.name} · Integrationsguide"
    pages = [
        LetterPage(
            letter.name,
            letter.department,
            letter.link,
            fill(LETTER_TEXT, name=letter.name, link=letter.link, title=campaign.title, closes=""),
        )
        for letter in letters
    ]
    return letters_pdf(pages, campaign.title, sender)


@st.fragment(run_every=1.0)
def progress(mailing_id: int) -> None:
    """The mailing in progress, redrawn every second; the page reruns when it ends."""
    job = JOBS.get(mailing_id)
    if job is None:
        return
    total = max(job.planned, 1)
    st.progress(min(job.done / total, 1.0), text=f"{job.done} von {job.planned or '…'} verschickt")
    if not job.alive:
        st.rerun(scope="app")

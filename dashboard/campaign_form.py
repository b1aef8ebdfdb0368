""" "Neue Welle anlegen" on the Kampagnen page: the guide (unless the admin has restricted
it) or the admin picks any stored questionnaire version — built-in, imported or newly
translated — sees its languages with their review state and, for each language
respondents would not get, the missing texts; then names the wave and creates it
(:func:`surveys.campaign_setup.create_campaign`, the same as ``bedarfsradar campaign
add``). Errors are German messages; the result says which languages are offered."""

from __future__ import annotations

import streamlit as st

from bedarfsradar import audit
from bedarfsradar.session import SessionUser
from bedarfsradar.tenancy import survey_slug
from dashboard import data, questionnaires
from dashboard.import_views import languages_table, missing_table
from dashboard.labels import MODES
from surveys.campaign_setup import (
    CampaignRequest,
    CampaignSetupError,
    create_campaign,
    guides_may_create,
    parse_date,
    set_guides_may_create,
)


def permission(user: SessionUser) -> None:
    """The admin's switch: may guides create, open and close waves?"""
    if not user.has_role("admin"):
        return
    ctx = data.context()
    allowed = guides_may_create(ctx.db, ctx.municipality_id)
    chosen = st.checkbox(
        "Integrationsguides dürfen Wellen anlegen, öffnen und schließen",
        value=allowed,
        key="guides-may-create",
    )
    if chosen != allowed:
        set_guides_may_create(ctx.db, ctx.municipality_id, chosen)
        audit.record(ctx.db, ctx.municipality_id, user.username, "setting.campaign_creation",
                     guides=chosen)  # fmt: skip
        st.rerun()


def render(user: SessionUser, next_wave: int) -> None:
    ctx = data.context()
    st.header("Neue Welle anlegen")
    if done := st.session_state.pop("camp-done", None):
        st.success(done[0])
        st.toast(done[0].split(".")[0])
        for line in done[1:]:
            st.warning(line)
    choices = questionnaires.choices()
    if not choices:
        st.error("Es ist noch kein Fragebogen gespeichert (bedarfsradar init-db).")
        return
    by_id = {c.version.id: c for c in choices}
    version_id = st.selectbox(
        "Fragebogen (mitgeliefert, importiert oder übersetzt)",
        list(by_id),
        format_func=lambda v: by_id[v].label,
        key="new-questionnaire",
    )
    choice = by_id[version_id]
    st.table(languages_table(choice.languages), hide_index=True)
    for state in choice.languages:
        if state.missing:
            with st.expander(f"{state.name}: welche Texte fehlen ({len(state.missing)})"):
                st.table(missing_table(state), hide_index=True)
    if not choice.offered:
        st.error("Dieser Fragebogen ist in keiner Sprache vollständig und kann so nicht starten.")
    with st.form("new-campaign"):
        title = st.text_input(
            "Titel", placeholder="Welle 3 – Frühjahr 2027 (Zugewanderte)", key="new-title"
        )
        slug = st.text_input(
            "Kurzname im Link (a–z, 0–9, -)", placeholder="zugewanderte-w3", key="new-slug"
        )
        wave = st.number_input("Welle", min_value=1, max_value=99, value=next_wave)
        total = st.number_input("Zielzahl Antworten", min_value=0, value=0, step=10)
        population = st.number_input("Bekannte Größe der Gruppe (0 = unbekannt)", min_value=0)
        cols = st.columns(2)
        # Text, not st.date_input: its calendar names months and weekdays in English only.
        opens_text = cols[0].text_input("Start (TT.MM.JJJJ, optional)", key="new-opens")
        closes_text = cols[1].text_input("Ende (TT.MM.JJJJ, optional)", key="new-closes")
        modes = st.multiselect(
            "Wege", list(MODES), default=list(MODES), format_func=MODES.get,
            placeholder="Wege wählen",
        )  # fmt: skip
        open_now = st.checkbox("Gleich öffnen (sonst als Entwurf anlegen)", key="new-open")
        submitted = st.form_submit_button("Anlegen")
    if not submitted:
        return
    try:
        request = CampaignRequest(
            slug=slug.strip(),
            title=title,
            version_id=int(version_id),
            wave=int(wave),
            opens_on=parse_date(opens_text, "Start"),
            closes_on=parse_date(closes_text, "Ende"),
            modes=modes,
            targets={k: int(v) for k, v in (("total", total), ("population", population)) if v},
            open_now=open_now,
        )
        created = create_campaign(
            ctx.storage, ctx.municipality_id, request, ctx.ui_text,
            questionnaires.bundle(int(version_id)),
        )  # fmt: skip
    except CampaignSetupError as exc:
        st.error(str(exc))
        return
    audit.record(ctx.db, ctx.municipality_id, user.username, "campaign.create", slug=request.slug,
                 version=request.version_id)  # fmt: skip
    data.campaign_list.clear()
    state = "offen" if open_now else "Entwurf; zum Start „Öffnen“ wählen"
    lines = created.messages()
    for key in ("new-title", "new-slug", "new-opens", "new-closes", "new-open"):
        st.session_state.pop(key, None)  # the form starts empty for the next wave
    st.session_state["camp-done"] = [
        f"Angelegt: {request.title.strip()} ({state}). {lines[0]} "
        f"Link: /u/{survey_slug(ctx, request.slug)}/",
        *(line for line in lines[1:] if not line.startswith("  ")),
    ]
    st.rerun()

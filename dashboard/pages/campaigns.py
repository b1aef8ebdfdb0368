"""Kampagnen: survey waves with their links - public, and signed links for assisted and
paper entry by the guide (``/u/<slug>/?modus=assisted&sig=…``), QR code and A4 poster for the
public link (:mod:`dashboard.materials`). Admin creates waves from the newest questionnaire
version of an audience, sets targets and opens/closes them."""

import re

import streamlit as st

from analysis.counts import response_overview
from bedarfsradar import audit
from dashboard import auth, data, materials
from dashboard.labels import AUDIENCES, MODES
from surveys.materials import MaterialsError
from surveys.storage import CampaignExists
from surveys.web.state import StateCodec

user = auth.require("admin", "guide")
ctx = data.context()
mid = ctx.municipality_id
codec = StateCodec(ctx.settings.effective_secret_key)
STATUS = {"draft": "Entwurf", "open": "offen", "closed": "geschlossen"}
st.title("Kampagnen")
st.caption(
    f"Öffentliche Adresse für QR-Codes und Plakate: {ctx.settings.public_base_url} "
    "(Einstellung BEDARFSRADAR_PUBLIC_BASE_URL)"
)

campaigns = ctx.storage.campaigns(mid)
counts = data.response_counts()
done = counts[counts["status"] == "complete"]
if not done.empty:
    st.dataframe(response_overview(done, "campaign"), hide_index=True, key="per-campaign")
for c in campaigns:
    with st.expander(
        f"{c.title} · {AUDIENCES.get(c.audience, c.audience)} · Welle {c.wave} · "
        f"{STATUS.get(c.status, c.status)}"
    ):
        base = f"/u/{c.slug}/"
        st.markdown(f"Öffentlicher Link: `{base}`")
        for mode in ("assisted", "paper"):
            if mode in c.modes:
                link = f"{base}?modus={mode}&sig={codec.mode_signature(c.slug, mode)}"
                st.markdown(f"Eingabe {MODES[mode]}: [{link}]({link})")
        if c.targets:
            st.write("Ziele: " + ", ".join(f"{k}: {v}" for k, v in c.targets.items()))
        url = materials.survey_url(c.slug)
        qr_cols = st.columns([1, 2])
        qr_cols[0].image(materials.qr_image(url, "png"), caption=url, width=180)
        with qr_cols[1]:
            for kind in ("png", "svg"):
                st.download_button(
                    f"QR-Code als {kind.upper()}",
                    materials.qr_image(url, kind),
                    file_name=f"qr-{c.slug}.{kind}",
                    key=f"qr-{kind}-{c.slug}",
                    mime="image/png" if kind == "png" else "image/svg+xml",
                )
            if st.button("Plakat (A4, PDF) erstellen", key=f"poster-{c.slug}"):
                try:
                    st.session_state[f"poster-bytes-{c.slug}"] = materials.poster_pdf(
                        c.slug, c.questionnaire_version_id
                    )
                except MaterialsError as exc:
                    st.error(f"Plakat nicht möglich: {exc}")
            if poster := st.session_state.get(f"poster-bytes-{c.slug}"):
                st.download_button(
                    "Plakat herunterladen",
                    poster,
                    file_name=f"plakat-{c.slug}.pdf",
                    mime="application/pdf",
                    key=f"poster-pdf-{c.slug}",
                )
        if user.has_role("admin"):
            target = {"open": "closed", "closed": "open", "draft": "open"}[c.status]
            label = "Schließen" if target == "closed" else "Öffnen"
            if st.button(label, key=f"status-{c.slug}"):
                ctx.storage.set_campaign_status(c.slug, target)
                audit.record(ctx.db, mid, user.username, f"campaign.{target}", slug=c.slug)
                st.rerun()

if not user.has_role("admin"):
    st.stop()
st.header("Neue Welle anlegen")
with st.form("new-campaign"):
    audience = st.selectbox("Zielgruppe", list(AUDIENCES), format_func=AUDIENCES.get)
    title = st.text_input("Titel", placeholder="Welle 3 – Frühjahr 2027 (Zugewanderte)")
    slug = st.text_input("Kurzname im Link (a–z, 0–9, -)", placeholder="zugewanderte-w3")
    wave = st.number_input(
        "Welle", min_value=1, max_value=99, value=max([c.wave for c in campaigns], default=0) + 1
    )
    total = st.number_input("Zielzahl Antworten", min_value=0, value=0, step=10)
    population = st.number_input("Bekannte Größe der Gruppe (0 = unbekannt)", min_value=0)
    cols = st.columns(2)
    opens = cols[0].date_input("Start", value=None)
    closes = cols[1].date_input("Ende", value=None)
    modes = st.multiselect("Wege", list(MODES), default=list(MODES), format_func=MODES.get)
    submitted = st.form_submit_button("Anlegen")
if submitted:
    version = ctx.storage.latest_version(mid, audience)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,62}", slug) or not title.strip() or not modes:
        st.error(
            "Bitte Titel, einen Kurznamen aus a–z, 0–9 und „-“ und mindestens einen Weg angeben."
        )
    elif version is None:
        st.error("Für diese Zielgruppe ist kein Fragebogen gespeichert (bedarfsradar init-db).")
    else:
        targets = {k: int(v) for k, v in (("total", total), ("population", population)) if v}
        try:
            ctx.storage.create_campaign(
                mid,
                slug,
                title.strip(),
                version,
                wave=int(wave),
                status="draft",
                targets=targets,
                opens_on=opens.isoformat() if opens else None,
                closes_on=closes.isoformat() if closes else None,
                modes=modes,
            )
        except CampaignExists:
            st.error(f"Den Kurznamen „{slug}“ gibt es schon.")
        else:
            audit.record(ctx.db, mid, user.username, "campaign.create", slug=slug)
            st.success(f"Angelegt (Entwurf): {title}. Zum Start „Öffnen“ wählen.")

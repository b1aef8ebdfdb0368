"""Kampagnen: survey waves with their links - public, and signed links for assisted and
paper entry by the guide (``/u/<slug>/?modus=assisted&sig=…``), QR code and A4 poster for the
public link (:mod:`dashboard.materials`). Admin sets the public address, creates waves
from the newest questionnaire version of an audience, sets targets and opens/closes them.
While the public address is a local one, no QR code or poster is offered."""

import re
from datetime import date, datetime

import streamlit as st

from analysis.display import SUPPRESSION_NOTE
from analysis.published import response_table
from bedarfsradar import audit
from bedarfsradar.tenancy import survey_slug
from dashboard import auth, data, materials
from dashboard.labels import AUDIENCES, MODES, REVIEW_FLAGS, STATUS, targets_text
from dashboard.materials import AddressError
from publicity.poster import MaterialsError
from surveys.responses.storage import CampaignExists
from surveys.web.state import StateCodec

user = auth.require("admin", "guide")
ctx = data.context()
mid = ctx.municipality_id
codec = StateCodec(ctx.settings.effective_secret_key)
st.title("Kampagnen")
public = materials.public_base_url()
local = materials.is_local(public)
st.caption(f"Öffentliche Adresse für QR-Codes und Plakate: {public}")
if local:
    st.warning(
        f"Die öffentliche Adresse ist noch „{public}“. Diese Adresse öffnet nur dieser "
        "Computer, nicht das Handy einer befragten Person. Darum werden keine QR-Codes und "
        "keine Plakate erstellt, bis die Verwaltung (Admin) hier die Adresse einträgt, unter "
        "der die Umfrage im Internet erreichbar ist."
    )
if user.has_role("admin"):
    address = st.text_input(
        "Öffentliche Adresse der Umfrage",
        value="" if local else public,
        placeholder="https://umfrage.oestrich-winkel.de",
        key="public-address",
    )
    if st.button("Adresse speichern", key="save-public-address"):
        try:
            saved = materials.set_public_base_url(address)
        except AddressError as exc:
            st.error(str(exc))
        else:
            audit.record(ctx.db, mid, user.username, "setting.public_address", url=saved)
            st.rerun()


def _materials(c, url: str) -> None:  # type: ignore[no-untyped-def]
    """QR code (image, PNG, SVG) and the poster button of campaign ``c``."""
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


campaigns = ctx.storage.campaigns(mid)
titles = {c.slug: c.title for c in campaigns}
respondents = data.survey_data().respondents
if len(respondents):
    per_campaign = response_table(respondents, "campaign")
    per_campaign["campaign"] = per_campaign["campaign"].map(lambda s: titles.get(s, s))
    st.dataframe(
        per_campaign.rename(columns={"campaign": "Kampagne"}), hide_index=True, key="per-campaign"
    )
    st.caption(SUPPRESSION_NOTE)
flags = ctx.storage.review_flags(mid)
if flags:
    reasons = "; ".join(f"{n} {REVIEW_FLAGS.get(flag, flag)}" for flag, n in sorted(flags.items()))
    total = sum(flags.values())
    st.info(
        f"{total} {'Antwort ist' if total == 1 else 'Antworten sind'} zur Prüfung markiert: "
        f"{reasons}. Sie sind gespeichert und in den Auswertungen enthalten. In den "
        "Einzelantworten (Seite Export) steht bei ihnen der Grund in der letzten Spalte. "
        "Antworten, die offensichtlich kein Mensch gegeben hat, können Sie hier löschen."
    )
    for flag, n in sorted(flags.items()):
        reason = REVIEW_FLAGS.get(flag, flag)
        sure = st.checkbox(
            f"Die {n} {'Antwort' if n == 1 else 'Antworten'} mit dem Hinweis „{reason}“ "
            "geprüft: endgültig löschen",
            key=f"flag-confirm-{flag}",
        )
        if st.button("Löschen", key=f"flag-delete-{flag}", disabled=not sure):
            deleted = ctx.storage.delete_flagged(mid, flag)
            audit.record(ctx.db, mid, user.username, "response.delete_flagged", flag=flag,
                         deleted=deleted)  # fmt: skip
            data.data_version.clear()
            st.rerun()
for c in campaigns:
    with st.expander(
        f"{c.title} · {AUDIENCES.get(c.audience, c.audience)} · Welle {c.wave} · "
        f"{STATUS.get(c.status, c.status)}"
    ):
        base = f"/u/{survey_slug(ctx, c.slug)}/"
        st.markdown(f"Öffentlicher Link: `{base}`")
        for mode in ("assisted", "paper"):
            if mode in c.modes:
                link = f"{base}?modus={mode}&sig={codec.mode_signature(c.slug, mode)}"
                st.markdown(f"Eingabe {MODES[mode]}: [{link}]({link})")
        st.write(targets_text(c.targets))
        url = materials.survey_url(c.slug, public)
        if local:
            st.caption("QR-Code und Plakat: erst wenn die öffentliche Adresse eingetragen ist.")
        else:
            _materials(c, url)
        if user.has_role("admin"):
            target = {"open": "closed", "closed": "open", "draft": "open"}[c.status]
            label = "Schließen" if target == "closed" else "Öffnen"
            if st.button(label, key=f"status-{c.slug}"):
                ctx.storage.set_campaign_status(c.slug, target)
                audit.record(ctx.db, mid, user.username, f"campaign.{target}", slug=c.slug)
                data.campaign_list.clear()
                st.rerun()

if not user.has_role("admin"):
    st.stop()
st.header("Neue Welle anlegen")
with st.form("new-campaign"):
    audience = st.selectbox("Zielgruppe", list(AUDIENCES), format_func=AUDIENCES.get)
    title = st.text_input(
        "Titel", placeholder="Welle 3 – Frühjahr 2027 (Zugewanderte)", key="new-title"
    )
    slug = st.text_input(
        "Kurzname im Link (a–z, 0–9, -)", placeholder="zugewanderte-w3", key="new-slug"
    )
    wave = st.number_input(
        "Welle", min_value=1, max_value=99, value=max([c.wave for c in campaigns], default=0) + 1
    )
    total = st.number_input("Zielzahl Antworten", min_value=0, value=0, step=10)
    population = st.number_input("Bekannte Größe der Gruppe (0 = unbekannt)", min_value=0)
    cols = st.columns(2)
    # Text, not st.date_input: its calendar names months and weekdays in English only.
    opens_text = cols[0].text_input("Start (TT.MM.JJJJ, optional)", key="new-opens")
    closes_text = cols[1].text_input("Ende (TT.MM.JJJJ, optional)", key="new-closes")
    modes = st.multiselect(
        "Wege", list(MODES), default=list(MODES), format_func=MODES.get, placeholder="Wege wählen"
    )
    submitted = st.form_submit_button("Anlegen")


def _date(text: str, label: str) -> date | None:
    """The date typed as TT.MM.JJJJ (also T.M.JJJJ), ``None`` when empty; raises
    ``ValueError`` with a German message naming the field."""
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.strptime(text, "%d.%m.%Y").date()
    except ValueError:
        raise ValueError(
            f"{label}: „{text}“ ist kein gültiges Datum. Bitte als TT.MM.JJJJ eingeben, "
            "z. B. 01.03.2027."
        ) from None


if submitted:
    version = ctx.storage.latest_version(mid, audience)
    try:
        opens = _date(opens_text, "Start")
        closes = _date(closes_text, "Ende")
        if opens and closes and closes < opens:
            raise ValueError("Das Ende liegt vor dem Start. Bitte die Daten prüfen.")
    except ValueError as exc:
        st.error(str(exc))
        st.stop()
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
            data.campaign_list.clear()
            st.success(f"Angelegt (Entwurf): {title}. Zum Start „Öffnen“ wählen.")

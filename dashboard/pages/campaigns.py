"""Kampagnen: survey waves with their links - public, and signed links for assisted and
paper entry by the guide (``/u/<slug>/?modus=assisted&sig=…``), QR code and A4 poster for the
public link (:mod:`dashboard.materials`), and each campaign's individual answers
(:mod:`dashboard.campaign_answers`). Admin sets the public address. Waves are created
with any stored questionnaire version (:mod:`dashboard.campaign_form`), opened and closed
by the admin and — unless the admin restricts it — by the guide. While the public address
is a local one, no QR code or poster is offered.
Interviews collected offline with ODK Collect or KoboCollect come in from their export
(:mod:`dashboard.offline_import`)."""

import streamlit as st

from analysis.display import SUPPRESSION_NOTE
from analysis.published import response_table
from bedarfsradar import audit
from bedarfsradar.tenancy import survey_slug
from dashboard import (
    auth,
    campaign_answers,
    campaign_form,
    data,
    invitation_views,
    materials,
    offline_import,
)
from dashboard.labels import AUDIENCES, MODES, REVIEW_FLAGS, STATUS, targets_text
from dashboard.materials import AddressError
from publicity.poster import MaterialsError
from surveys.campaign_setup import may_manage_campaigns
from surveys.web.fill_time import SECONDS_PER_QUESTION
from surveys.web.state import StateCodec

user = auth.require("admin", "guide")
ctx = data.context()
mid = ctx.municipality_id
codec = StateCodec(ctx.settings.effective_secret_key)
manager = may_manage_campaigns(user.role, ctx.db, mid)
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
if deleted := st.session_state.pop("flag-deleted", None):
    st.success(deleted)
if flags:
    reasons = "; ".join(f"{n} {REVIEW_FLAGS.get(flag, flag)}" for flag, n in sorted(flags.items()))
    total = sum(flags.values())
    one = total == 1
    st.info(
        f"{total} {'Antwort ist' if one else 'Antworten sind'} zur Prüfung markiert: "
        f"{reasons}. {'Sie ist' if one else 'Sie sind'} gespeichert und in den Auswertungen "
        f"enthalten. In den Einzelantworten (Seite Export) steht bei {'ihr' if one else 'ihnen'} "
        "der Grund in der letzten Spalte. Antworten, die offensichtlich kein Mensch gegeben "
        "hat, können Sie hier löschen."
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
            st.session_state["flag-deleted"] = (
                f"{deleted} {'Antwort' if deleted == 1 else 'Antworten'} mit dem Hinweis "
                f"„{reason}“ endgültig gelöscht."
            )
            st.rerun()
st.caption(
    "Zur Prüfung markiert wird eine Antwort, wenn das unsichtbare Feld ausgefüllt ist (das tun "
    "nur Programme) oder wenn sie online schneller abgeschickt wurde, als ein Mensch liest: "
    f"weniger als {SECONDS_PER_QUESTION:g} Sekunden je gezeigter Frage, gerechnet ab dem "
    f"Datenschutzhinweis (8 Fragen: {8 * SECONDS_PER_QUESTION:g} Sekunden). Markierte Antworten "
    "werden gespeichert, nie abgewiesen."
)
invited = data.invitation_rates().set_index("campaign")
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
        if c.slug in invited.index:  # people invited by name: the true response rate
            row = invited.loc[c.slug]
            st.write(invitation_views.rate_line(int(row["invited"]), int(row["finished"])) +
                     " · nur mit persönlichem Link (Seite Einladungen)")  # fmt: skip
        url = materials.survey_url(c.slug, public)
        if local:
            st.caption("QR-Code und Plakat: erst wenn die öffentliche Adresse eingetragen ist.")
        else:
            _materials(c, url)
        campaign_answers.render(user, c)
        if manager:
            target = {"open": "closed", "closed": "open", "draft": "open"}[c.status]
            label = "Schließen" if target == "closed" else "Öffnen"
            if st.button(label, key=f"status-{c.slug}"):
                ctx.storage.set_campaign_status(c.slug, target)
                audit.record(ctx.db, mid, user.username, f"campaign.{target}", slug=c.slug)
                data.campaign_list.clear()
                st.rerun()

offline_import.import_section(ctx, user, campaigns)

campaign_form.permission(user)
if not manager:
    st.info("Neue Wellen legt die Verwaltung (Admin) an.")
    st.stop()
campaign_form.render(user, max([c.wave for c in campaigns], default=0) + 1)

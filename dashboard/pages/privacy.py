"""Datenschutz: retention period and purge (admin), deletion by receipt code on behalf of a
respondent (guide/admin), the record of processing activities (Art. 30 DSGVO) and the
audit log in German words (:mod:`dashboard.audit_view`): the admin reads all of it, the
guide her own entries. Every change and the record's download go to the audit log."""

import streamlit as st

from analysis import method_note
from bedarfsradar import audit
from dashboard import audit_view, auth, data
from publicity.letters import information_sheet_pdf
from surveys.privacy import protected, retention
from surveys.privacy.processing_record import record_markdown

user = auth.require("admin", "guide")
ctx = data.context()
mid = ctx.municipality_id
is_admin = user.has_role("admin")
st.title("Datenschutz")


def _changed() -> None:
    """Responses were deleted: counts and results must be read again."""
    data.data_version.clear()


st.header("Wie die veröffentlichten Zahlen geschützt werden")
st.write(method_note.PROTECTION)
st.caption(
    "Das gilt für jede Seite dieses Dashboards, jeden Export und den Stadtratsbericht – "
    "für alle Rollen. Nur die Freitexte und die Rohdaten-Ansicht dieser Seite sehen "
    "Guide und Verwaltung ungefiltert."
)

st.header("Befragung der Beschäftigten: Information für den Personalrat")
months = retention.retention_months(ctx.db, mid)
volunteer = protected.volunteer_setting(ctx.db, mid)
council = protected.staff_council_text(ctx.geography.name, months, not volunteer["visible"])
for heading, text in council:
    st.markdown(f"**{heading}.** {text}")


@st.cache_data(max_entries=4, show_spinner=False)
def _council_pdf(sections: tuple[tuple[str, str], ...], town: str) -> bytes:
    return information_sheet_pdf("Information für den Personalrat", sections, town)


st.download_button(
    "Information für den Personalrat (PDF, eine Seite)",
    _council_pdf(tuple(council), ctx.geography.name),
    file_name="information-personalrat.pdf",
    mime="application/pdf",
    key="staff-council-pdf",
)
with st.expander("Einzelantworten der Ehrenamtlichen"):
    st.write(
        "Antworten der Ehrenamtlichen sind wie die der Beschäftigten geschützt"
        if not volunteer["visible"]
        else f"Einzelantworten der Ehrenamtlichen sind sichtbar. Begründung: {volunteer['reason']}"
    )
    reason = st.text_input(
        "Begründung (Pflicht, wenn Einzelantworten sichtbar werden)", key="vol-reason"
    )
    if st.button(
        "Schutz wieder einschalten" if volunteer["visible"] else "Einzelantworten sichtbar machen",
        key="vol-switch",
    ):
        try:
            protected.set_volunteer_visibility(
                ctx.db, mid, not volunteer["visible"], reason, user.username
            )
        except protected.ProtectionError as exc:
            st.error(str(exc))
        else:
            st.rerun()

st.header("Aufbewahrungsfrist")
months = retention.retention_months(ctx.db, mid)
st.write(
    f"Antworten werden {months} Monate nach dem Monat der Antwort gelöscht."
    if months
    else "Es ist noch keine Aufbewahrungsfrist festgelegt."
)
if is_admin:
    new = st.number_input(
        "Aufbewahrungsfrist (Monate)",
        min_value=1,
        max_value=retention.MAX_RETENTION_MONTHS,
        value=months or retention.DEFAULT_RETENTION_MONTHS,
        key="retention",
    )
    if st.button("Frist speichern", key="save-retention"):
        retention.set_retention_months(ctx.db, mid, int(new))
        audit.record(ctx.db, mid, user.username, "retention.set", months=int(new))
        st.success(f"Aufbewahrungsfrist: {int(new)} Monate.")

    st.subheader("Alte Antworten löschen")
    older = st.number_input(
        "Älter als (Monate)",
        min_value=1,
        max_value=retention.MAX_RETENTION_MONTHS,
        value=months or retention.DEFAULT_RETENTION_MONTHS,
        key="purge-months",
    )
    due = retention.count_older_than(ctx.db, mid, int(older))
    cutoff = retention.cutoff_month(int(older))
    st.write(
        f"Betroffen: **{due}** Antworten (vollständige und abgebrochene) aus Monaten vor "
        f"{cutoff}, mit allen Einzelangaben und Freitext-Codierungen."
    )
    confirmed = st.checkbox(
        "Ich habe verstanden: die Antworten werden endgültig gelöscht.", key="purge-confirm"
    )
    if st.button("Endgültig löschen", key="purge", disabled=not confirmed or due == 0):
        done = retention.purge_older_than(ctx.db, mid, int(older))
        audit.record(
            ctx.db,
            mid,
            user.username,
            "purge",
            older_than_months=int(older),
            cutoff=done.cutoff,
            responses=done.responses,
            answers=done.answers,
        )
        _changed()
        st.success(f"{done.responses} Antworten mit {done.answers} Einzelangaben gelöscht.")

st.header("Löschung mit Quittungscode")
st.write(
    "Wer seine Antwort löschen lassen möchte, nennt den Quittungscode vom Ende des "
    "Fragebogens (z. B. „ABCDE-FGHJK“). Der Code selbst wird nicht protokolliert."
)
with st.form("receipt-delete", clear_on_submit=True):
    code = st.text_input("Quittungscode", key="receipt-code")
    sure = st.checkbox("Antwort endgültig löschen", key="receipt-confirm")
    submitted = st.form_submit_button("Löschen")
if submitted:
    if not sure:
        st.warning("Bitte bestätigen Sie die Löschung.")
    else:
        deleted = ctx.storage.delete_by_receipt(code, mid)
        audit.record(ctx.db, mid, user.username, "response.delete_by_receipt", deleted=deleted)
        if deleted:
            _changed()
            st.success("Die Antwort und alle ihre Angaben wurden gelöscht.")
        else:
            st.error("Zu diesem Code gibt es keine Antwort (schon gelöscht oder vertippt?).")

st.header("Verzeichnis von Verarbeitungstätigkeiten")
st.write("Nach Art. 30 DSGVO, aus den Einstellungen und dem Programm erzeugt (Markdown).")
st.download_button(
    "Verzeichnis herunterladen",
    record_markdown(data.processing_facts()).encode("utf-8"),
    file_name="verzeichnis-verarbeitungstaetigkeiten.md",
    mime="text/markdown",
    key="vvt",
    on_click=audit.record,
    args=(ctx.db, mid, user.username, "export"),
    kwargs={"kind": "record_of_processing"},
)

st.header("Protokoll")
if is_admin:
    st.write("Wer wann was getan hat: Anmeldungen, Exporte, Ansichten von Einzelantworten, "
             "Löschungen, Änderungen (die neuesten 500).")  # fmt: skip
    log = audit.entries(ctx.db, mid)
else:
    st.write(f"Ihre eigenen Einträge ({user.username}, die neuesten 500). Das ganze Protokoll "
             "liest die Verwaltung (Admin).")  # fmt: skip
    log = audit.entries(ctx.db, mid, actor=user.username)
st.dataframe(audit_view.log_table(log), hide_index=True, key="audit-log")

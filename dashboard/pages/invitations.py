"""Einladungen: the volunteers and staff invited by name, each with a personal link that
opens the survey once; answers stay anonymous (:mod:`surveys.invitations`). List upload
with every problem listed before anything is stored, invitations and weekly reminders by
e-mail (sent in a thread of their own, with a progress bar, resumable), letters for
people without e-mail, and the true response rate."""

import streamlit as st

from bedarfsradar import audit
from dashboard import auth, data, invitation_views, materials
from surveys.invitations.lists import InvitationListError
from surveys.invitations.mail import DEFAULT_BODIES, DEFAULT_SUBJECTS
from surveys.invitations.sending import JOBS, KIND_LABELS, SendingError
from surveys.invitations.store import AUDIENCES

user = auth.require("admin", "guide")
ctx = data.context()
st.title("Einladungen")
st.write(
    "Ehrenamtliche und Beschäftigte der Verwaltung bekommen einen persönlichen Link, der die "
    "Befragung einmal öffnet. Gespeichert wird nur, **ob** jemand teilgenommen hat – nie, was "
    "er oder sie geantwortet hat."
)
campaigns = [c for c in data.campaign_list() if c.audience in AUDIENCES]
if not campaigns:
    st.info(
        "Es gibt noch keine Befragung der Ehrenamtlichen oder der Verwaltung (Seite Kampagnen)."
    )
    st.stop()
by_slug = {c.slug: c for c in campaigns}
slug = st.selectbox(
    "Befragung", list(by_slug), format_func=lambda s: by_slug[s].title, key="inv-campaign"
)
c = by_slug[slug]
store, mailings = invitation_views.store(), invitation_views.mailings()
counts = store.counts(c.id)
m = st.columns(4)
m[0].metric("Auf der Liste", counts.total)
m[1].metric("Eingeladen", counts.invited)
m[2].metric("Teilgenommen", counts.finished)
m[3].metric("Noch offen", counts.total - counts.finished)
st.caption(invitation_views.rate_line(counts.invited, counts.finished))
departments = store.department_rates(c.id)
if len(departments):
    st.dataframe(invitation_views.department_table(departments), hide_index=True, key="inv-dept")
st.caption("Je Bereich nur, wo mindestens 5 eingeladen wurden und mindestens 5 teilgenommen haben.")

public = materials.public_base_url()
if materials.is_local(public):
    st.warning(
        f"Die öffentliche Adresse ist noch „{public}“: Links in E-Mails und Briefen würden "
        "ins Leere führen. Bitte zuerst auf der Seite Kampagnen die Adresse eintragen."
    )
pending = mailings.unfinished(c.id)
if pending is not None:
    job = JOBS.get(pending.id)
    if job is not None and job.alive:
        st.info(f"{KIND_LABELS[pending.kind]}en werden verschickt …")
        invitation_views.progress(pending.id)
        st.stop()
    st.warning(
        f"Die Sendung „{KIND_LABELS[pending.kind]}“ vom {pending.started_on} ist unterbrochen: "
        f"{pending.done} von {pending.planned} erledigt. {pending.last_error or ''}"
    )
    cols = st.columns(2)
    if cols[0].button("Fortsetzen", key="inv-resume", type="primary"):
        JOBS.start(mailings, pending.id)
        st.rerun()
    if cols[1].button("Abbrechen", key="inv-cancel"):
        mailings.cancel(pending.id, user.username)
        st.rerun()
else:  # the newest mailing this process sent, if it has ended
    done = [JOBS.get(h.id) for h in reversed(mailings.history(c.id))]
    if (job := next((j for j in done if j is not None), None)) and job.result:
        r = job.result
        st.success(f"Verschickt: {r.sent}; unzustellbar: {r.bounced}; unklar: {r.unclear}.")

tabs = st.tabs(["Liste", "Einladen", "Erinnern", "Briefe"])
with tabs[0]:
    people = store.people(c.id)
    if len(people):
        st.dataframe(invitation_views.people_table(people), hide_index=True, key="inv-people")
    st.subheader("Personen hinzufügen")
    upload = st.file_uploader(
        "Liste als CSV oder Excel (Name; E-Mail; Bereich)", type=["csv", "xlsx"], key="inv-file"
    )
    typed = st.text_area(
        "… oder eintippen, eine Person je Zeile: Name; E-Mail; Bereich", key="inv-typed"
    )
    if st.button("Liste prüfen", key="inv-check"):
        source = (upload.getvalue(), upload.name) if upload else (typed, "")
        st.session_state["inv-parsed"] = (c.id, store.check_list(c.id, source[0], source[1]))
    parsed = st.session_state.get("inv-parsed")
    if parsed and parsed[0] == c.id:
        result = parsed[1]
        if result.problems:
            st.error(
                "Nichts gespeichert. Bitte die Liste korrigieren:\n\n"
                + "\n".join(f"- {p}" for p in result.problems)
            )
        else:
            st.write(
                f"{len(result.people)} Personen, davon "
                f"{sum(1 for p in result.people if not p.email)} ohne E-Mail (Brief)."
            )
            if st.button("Liste speichern", key="inv-save", type="primary"):
                try:
                    added = store.add(c, result.people)
                except InvitationListError as exc:
                    st.error("\n".join(map(str, exc.problems)))
                else:
                    audit.record(
                        ctx.db,
                        ctx.municipality_id,
                        user.username,
                        "invitations.import",
                        campaign=c.slug,
                        added=added,
                    )
                    st.session_state.pop("inv-parsed")
                    st.rerun()

for kind, tab in (("invitation", tabs[1]), ("reminder", tabs[2])):
    with tab:
        if kind == "reminder" and (later := mailings.next_reminder_on(c.id)):
            st.info(
                f"Die nächste Erinnerung ist ab dem {later:%d.%m.%Y} möglich "
                "(höchstens eine pro Woche und Person)."
            )
            continue
        subject = st.text_input("Betreff", DEFAULT_SUBJECTS[kind], key=f"inv-subject-{kind}")
        body = st.text_area(
            "Text ({name}, {link}, {title}, {closes} werden ersetzt)",
            DEFAULT_BODIES[kind],
            height=300,
            key=f"inv-body-{kind}",
        )
        preview = mailings.preview(c, kind, subject, body)
        for problem in preview.problems:
            st.error(problem)
        who = (
            "alle, die noch nicht teilgenommen haben und per E-Mail eingeladen wurden"
            if kind == "reminder"
            else "alle mit E-Mail-Adresse, die noch keine Einladung bekommen haben"
        )
        st.write(f"**{preview.recipients}** Empfängerinnen und Empfänger: {who}.")
        with st.expander("Vorschau"):
            st.text(f"Betreff: {preview.subject}\n\n{preview.text}")
        disabled = (
            bool(preview.problems)
            or not preview.recipients
            or materials.is_local(public)
            or pending is not None
        )
        if st.button(
            f"{KIND_LABELS[kind]}en senden ({preview.recipients})",
            key=f"inv-send-{kind}",
            disabled=disabled,
            type="primary",
        ):
            try:
                planned = mailings.plan(c, kind, user.username, subject, body)
            except SendingError as exc:
                st.error(str(exc))
            else:
                JOBS.start(mailings, planned.id)
                st.rerun()

with tabs[3]:
    st.write(
        f"**{counts.without_email + counts.bounced}** Personen ohne (zustellbare) "
        "E-Mail-Adresse, die noch nicht teilgenommen haben."
    )
    again = st.checkbox("Auch schon gedruckte Briefe noch einmal (derselbe Link)", key="inv-again")
    if st.button("Briefe erstellen (PDF)", key="inv-letters", disabled=materials.is_local(public)):
        letters = mailings.letters(c, user.username, again=again)
        if letters:
            st.session_state["inv-letters-pdf"] = invitation_views.letters_file(c, letters)
        else:
            st.info("Keine Briefe zu drucken.")
    if pdf := st.session_state.get("inv-letters-pdf"):
        st.download_button(
            "Briefe herunterladen",
            pdf,
            file_name=f"einladungen-{c.slug}.pdf",
            mime="application/pdf",
            key="inv-letters-pdf-download",
        )

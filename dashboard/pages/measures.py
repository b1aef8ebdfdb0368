"""Maßnahmen: the measures proposed to the council in the Stadtrat deck, with estimated
cost, funding, lead, timeline and success indicator, and the report's contact person.

Guides and admins edit; every change is stored in the database and written to the audit
log with the changed fields (:mod:`bedarfsradar.measures`), shown at the foot of the page.
Invalid input shows a German message and changes nothing."""

from datetime import date

import streamlit as st

from bedarfsradar import audit
from bedarfsradar import measures as store
from dashboard import auth, data
from reports.measures import FIELD_LABELS, MAX_ON_DECK, MeasureError

NEW = 0
ACTIONS = {
    "measure.create": "Maßnahme angelegt",
    "measure.update": "Maßnahme geändert",
    "measure.delete": "Maßnahme gelöscht",
    "report_contact.update": "Ansprechperson geändert",
}
user = auth.require("admin", "guide")
ctx = data.context()
mid = ctx.municipality_id
st.title("Maßnahmen für den Stadtratsbericht")
st.write(
    f"Der Bericht zeigt bis zu {MAX_ON_DECK} Maßnahmen (in dieser Reihenfolge, nur „im "
    "Bericht“ markierte) und danach den Beschlussvorschlag. Jede Änderung wird mit Name "
    "und Zeit im Prüfprotokoll vermerkt."
)

stored = store.list_measures(ctx.db, mid)
if stored:
    st.dataframe(
        [
            {
                "Nr.": m.spec.position,
                "Titel": m.spec.title,
                "Kosten (€)": m.spec.cost_eur,
                "Federführung": m.spec.lead,
                "Im Bericht": "ja" if m.spec.active else "nein",
                "Geändert von": m.updated_by,
            }
            for m in stored
        ],
        hide_index=True,
    )
by_id = {m.id: m for m in stored}
choice = st.selectbox(
    "Maßnahme bearbeiten",
    [NEW, *by_id],
    format_func=lambda i: "Neue Maßnahme anlegen" if i == NEW else by_id[i].spec.title,
    key="measure-choice",
)
current = by_id[choice].spec if choice in by_id else None

with st.form(f"measure-form-{choice}"):

    def text(label: str, field: str, area: bool = False, **kw: object) -> str:
        widget = st.text_area if area else st.text_input
        value = str(getattr(current, field)) if current else ""
        return widget(label, value, key=f"m-{field}-{choice}", **kw)  # type: ignore[arg-type]

    title = text("Titel", "title")
    rationale = text("Begründung (Befund)", "rationale", area=True)
    c1, c2 = st.columns(2)
    with c1:
        cost = st.number_input(
            "Geschätzte Kosten in Euro",
            min_value=0,
            step=500,
            value=current.cost_eur if current and current.cost_eur is not None else 0,
            key=f"m-cost-{choice}",
        )
    with c2:
        cost_note = text("Kostenhinweis (z. B. „pro Jahr“)", "cost_note")
    funding = text("Finanzierung", "funding")
    lead = text("Federführung", "lead")
    timeline = text("Zeitplan", "timeline")
    indicator = text("Erfolgsindikator (nächste Welle)", "indicator")
    c3, c4 = st.columns(2)
    with c3:
        target = text("Zielwert", "target")
    with c4:
        ref = text(
            "Bezug in der Ergebnistabelle (optional)",
            "indicator_ref",
            help="z. B. need_prevalence/mobility/stadtteil=hallgarten",
        )
    c5, c6 = st.columns(2)
    position = c5.number_input(
        "Reihenfolge",
        min_value=0,
        max_value=999,
        value=current.position if current else len(stored) + 1,
        key=f"m-position-{choice}",
    )
    active = c6.checkbox(
        "Im Bericht", value=current.active if current else True, key=f"m-active-{choice}"
    )
    c7, c8 = st.columns(2)
    adopted = c7.checkbox(
        "Vom Stadtrat beschlossen",
        value=bool(current and current.adopted_on),
        key=f"m-adopted-{choice}",
    )
    adopted_on = c8.date_input(
        "Beschlossen am",
        value=date.fromisoformat(current.adopted_on) if current and current.adopted_on else None,
        format="DD.MM.YYYY",
        key=f"m-adopted-on-{choice}",
    )
    saved = st.form_submit_button("Speichern")
if saved:
    fields = {
        "title": title,
        "rationale": rationale,
        "cost_eur": int(cost),
        "cost_note": cost_note,
        "funding": funding,
        "lead": lead,
        "timeline": timeline,
        "indicator": indicator,
        "indicator_ref": ref,
        "target": target,
        "position": int(position),
        "active": active,
        "adopted_on": (adopted_on or date.today()).isoformat() if adopted else None,
    }
    try:
        store.save_measure(ctx.db, mid, user.username, fields, None if choice == NEW else choice)
    except MeasureError as exc:
        st.error(f"Nicht gespeichert: {exc}")
    else:
        st.success("Gespeichert.")
if choice in by_id and st.button("Diese Maßnahme löschen", key="measure-delete"):
    store.delete_measure(ctx.db, mid, user.username, choice)
    st.success("Gelöscht.")

st.subheader("Ansprechperson auf der letzten Folie")
contact = store.contact(ctx.db, mid)
with st.form("contact-form"):
    name = st.text_input("Name", contact.name if contact else "")
    role = st.text_input("Funktion", contact.role if contact else "")
    unit = st.text_input("Stelle", contact.unit if contact else "")
    phone = st.text_input("Telefon", contact.phone if contact else "")
    email = st.text_input("E-Mail", contact.email if contact else "")
    if st.form_submit_button("Ansprechperson speichern"):
        try:
            store.set_contact(
                ctx.db,
                mid,
                user.username,
                {"name": name, "role": role, "unit": unit, "phone": phone, "email": email},
            )
        except MeasureError as exc:
            st.error(f"Nicht gespeichert: {exc}")
        else:
            st.success("Gespeichert.")

st.subheader("Änderungen")
log = audit.entries(ctx.db, mid, limit=200)
log = log[log["action"].str.startswith("measure.") | (log["action"] == "report_contact.update")]
st.dataframe(
    [
        {
            "Zeit": r["at"],
            "Wer": r["actor"],
            "Was": ACTIONS.get(str(r["action"]), str(r["action"])),
            "Titel": r["detail"].get("title", r["detail"].get("name", "")),
            "Geänderte Felder": ", ".join(
                FIELD_LABELS.get(f, f) for f in r["detail"].get("changes", {})
            ),
        }
        for _, r in log.iterrows()
    ],
    hide_index=True,
)

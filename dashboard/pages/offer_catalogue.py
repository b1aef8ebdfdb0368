"""Angebotskatalog: the offers the supply-gap analysis compares with the needs. Everyone
sees it; guide and admin add, edit, deactivate and import (CSV/XLSX, all or nothing)."""

import streamlit as st

from bedarfsradar import audit
from dashboard import auth, data
from dashboard.labels import labels
from dashboard.offer_form import offer_form
from surveys.loader import QuestionnaireError
from surveys.offers import (
    create_offer,
    import_offers,
    offers_from_table,
    read_offer_upload,
    set_offer_active,
    update_offer,
)

user = auth.require()
L = labels()
ctx = data.context()
mid = ctx.municipality_id
st.title("Angebotskatalog")
catalogue = data.offers()
view = catalogue.assign(
    areas=catalogue["areas"].map(lambda a: ", ".join(L.areas.get(x, x) for x in a)),
    languages=catalogue["languages"].map(", ".join),
    stadtteil=catalogue["stadtteil"].map(lambda s: L.stadtteile.get(s, s)),
)[
    [
        "name",
        "provider",
        "areas",
        "stadtteil",
        "languages",
        "cost",
        "childcare",
        "active",
        "is_example",
    ]
]
view.columns = [
    "Name",
    "Träger",
    "Bedarfsfelder",
    "Ort",
    "Sprachen",
    "Kosten",
    "Kinderbetreuung",
    "aktiv",
    "Beispieldaten",
]
st.dataframe(view, hide_index=True, key="catalogue")
if catalogue["is_example"].any():
    st.caption("„Beispieldaten“: aus der mitgelieferten Beispieldatei – bitte prüfen.")
if not user.has_role("admin", "guide"):
    st.stop()


def _done(message: str, action: str, **detail: object) -> None:
    audit.record(ctx.db, mid, user.username, action, **detail)
    st.success(message)


tab_new, tab_edit, tab_import = st.tabs(["Neues Angebot", "Bearbeiten", "Importieren"])
with tab_new:
    offer = offer_form("offer-new", L.areas, L.stadtteile)
    if offer is not None:
        try:
            create_offer(ctx.db, mid, offer)
            _done(f"„{offer.name}“ gespeichert.", "offer.add", key=offer.key)
        except ValueError as exc:
            st.error(str(exc))
with tab_edit:
    if catalogue.empty:
        st.info("Noch keine Angebote.")
    else:
        names = dict(zip(catalogue["offer_id"], catalogue["name"], strict=True))
        oid = st.selectbox("Angebot", list(names), format_func=names.get, key="edit-offer")
        current = catalogue.set_index("offer_id").loc[oid].to_dict()
        offer = offer_form(f"offer-edit-{oid}", L.areas, L.stadtteile, current)
        if offer is not None:
            update_offer(ctx.db, mid, int(oid), offer)
            _done("Änderungen gespeichert.", "offer.edit", key=offer.key)
        active = bool(current["active"])
        if st.button("Deaktivieren" if active else "Wieder aktivieren", key=f"toggle-{oid}"):
            set_offer_active(ctx.db, mid, int(oid), not active)
            _done(
                "Gespeichert.",
                "offer.deactivate" if active else "offer.activate",
                key=current["key"],
            )
with tab_import:
    st.write(
        "Eine Zeile je Angebot; Spalten wie im Formular (key, name, provider, areas, "
        "stadtteil, languages, times, cost, childcare, accessible, contact, since); "
        "mehrere Werte mit „;“ trennen. Eine fehlerhafte Datei wird ganz abgelehnt."
    )
    upload = st.file_uploader("CSV- oder XLSX-Datei (höchstens 1 MB)", type=["csv", "xlsx"])
    if upload is not None and st.button("Importieren", key="do-import"):
        try:
            table = read_offer_upload(upload.name, upload.getvalue())
            offers = offers_from_table(table, set(L.areas), set(L.stadtteile))
        except QuestionnaireError as exc:
            st.error("Die Datei wurde nicht importiert:")
            st.code("\n".join(str(p) for p in exc.problems[:50]), language=None)
        else:
            added, updated = import_offers(ctx.db, mid, offers)
            _done(
                f"{added} Angebote neu, {updated} aktualisiert.",
                "offer.import",
                added=added,
                updated=updated,
            )

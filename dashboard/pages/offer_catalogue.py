"""Angebotskatalog: the offers the supply-gap analysis compares with the needs. Everyone
sees it, filtered by need area and place (the address ``?bereich=<area>`` preselects an
area: links from a gap lead here); guide and admin add, edit, deactivate and import
(CSV/XLSX, all or nothing)."""

import streamlit as st

from bedarfsradar import audit
from dashboard import auth, data
from dashboard.labels import COSTS, TIMES, YES_NO, labels
from dashboard.links import AREA_PARAM
from dashboard.offer_form import offer_form
from surveys.offers import (
    create_offer,
    import_offers,
    offers_from_table,
    read_offer_upload,
    set_offer_active,
    update_offer,
)
from surveys.questionnaire.loader import QuestionnaireError

user = auth.require()
L = labels()
ctx = data.context()
mid = ctx.municipality_id
st.title("Angebotskatalog")
catalogue = data.offers()
wanted = st.query_params.get(AREA_PARAM)
cols = st.columns(3)
areas = cols[0].multiselect(
    "Bedarfsfeld",
    list(L.areas),
    default=[wanted] if wanted in L.areas else [],
    format_func=L.areas.get,
    key="catalogue-areas",
    placeholder="alle",
)
places = cols[1].multiselect(
    "Ort", list(L.places), format_func=L.places.get, key="catalogue-places", placeholder="alle"
)
only_active = cols[2].toggle("nur aktive Angebote", value=True, key="catalogue-active")
shown = catalogue
if areas:
    shown = shown[shown["areas"].map(lambda a: bool(set(a) & set(areas)))]
if places:
    shown = shown[shown["stadtteil"].isin(places)]
if only_active:
    shown = shown[shown["active"].astype(bool)]


def _names(codes: object, names: dict[str, str]) -> str:
    return ", ".join(names.get(c, c) for c in (codes or []))  # type: ignore[attr-defined]


view = shown.assign(
    areas=shown["areas"].map(lambda a: _names(a, L.areas)),
    languages=shown["languages"].map(lambda a: ", ".join(L.language(c) for c in a)),
    times=shown["times"].map(lambda a: _names(a, TIMES)),
    stadtteil=shown["stadtteil"].map(lambda s: L.places.get(s, s)),
    cost=shown["cost"].map(lambda c: COSTS.get(c, c)),
    childcare=shown["childcare"].map(lambda b: YES_NO[bool(b)]),
    active=shown["active"].map(lambda b: YES_NO[bool(b)]),
    is_example=shown["is_example"].map(lambda b: YES_NO[bool(b)]),
)[
    [
        "name",
        "provider",
        "areas",
        "stadtteil",
        "languages",
        "times",
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
    "Zeiten",
    "Kosten",
    "Kinderbetreuung",
    "aktiv",
    "Beispieldaten",
]
st.caption(f"{len(view)} von {len(catalogue)} Angeboten")
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
        "Eine Zeile je Angebot. Die Spaltennamen der Datei sind festgelegt: `key` "
        "(Schlüssel), `name`, `provider` (Träger), `areas` (Bedarfsfelder), `stadtteil`, "
        "`languages` (Sprachen), `times` (Zeiten), `cost` (Kosten), `childcare`, "
        "`accessible`, `contact`, `since`; mehrere Werte mit „;“ trennen. Eine fehlerhafte "
        "Datei wird ganz abgelehnt."
    )
    upload = st.file_uploader(
        "CSV- oder XLSX-Datei (höchstens 1 MB)", type=["csv", "xlsx"], max_upload_size=1
    )
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

"""Dashboard entry point: ``st.navigation`` over one file per page, chosen by role.

Every page is registered for every user, so an address never ends in Streamlit's English
"Page not found" dialog: a page the role may not open runs a German notice instead (and
each page checks the role again itself, :func:`dashboard.auth.require`). The navigation is
drawn as links in the sidebar, only to the pages of the user's role; it is set up before
anything slow runs. Above every page: the data's "Stand" (date, time, number of answers)
and which waves are still running ("vorläufig"). The print view (sidebar toggle) and the
print style sheet below keep charts whole on paper and leave the sidebar out.
"""

from html import escape
from pathlib import Path

import streamlit as st

from bedarfsradar.login import logout_token
from bedarfsradar.session import COOKIE
from dashboard import auth, data
from dashboard.links import URL_PATHS
from publicity.emblem import funding_html

PAGES = Path(__file__).parent / "pages"
# LAND: the ministry, its own page only (no answers, no explorer). No bare string literal
# here: Streamlit's "magic" would draw it on every page.
ALL, ANALYSTS, ADMIN, LAND = ("admin", "guide", "viewer"), ("admin", "guide"), ("admin",), ("land",)
PAGE_LIST = [  # file, title, roles; the explorer pages are internal (trusted roles only)
    ("overview.py", "Überblick", ANALYSTS),
    ("results.py", "Freigegebene Ergebnisse", ALL),
    ("needs.py", "Bedarfe", ANALYSTS),
    ("perspectives.py", "Perspektiven", ANALYSTS),
    ("offers.py", "Angebote & Lücken", ANALYSTS),
    ("offer_catalogue.py", "Angebotskatalog", ALL),
    ("admin_volunteers.py", "Verwaltung & Ehrenamt", ANALYSTS),
    ("export.py", "Export", ANALYSTS),
    ("free_text.py", "Freitext", ANALYSTS),
    ("privacy.py", "Datenschutz", ANALYSTS),
    ("campaigns.py", "Kampagnen", ANALYSTS),
    ("invitations.py", "Einladungen", ANALYSTS),
    ("report.py", "Bericht", ANALYSTS),
    ("measures.py", "Maßnahmen", ANALYSTS),
    ("translations.py", "Übersetzungen", ANALYSTS),
    ("xlsform_import.py", "Fragebogen importieren", ANALYSTS),
    ("users.py", "Benutzer", ADMIN),
    ("land.py", "KISI-Netzwerk (Land)", LAND),
]
PRINT_CSS = """<style>
@page { size: A4 landscape; margin: 12mm; }
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stExpandSidebarButton"], [data-testid="stDownloadButton"],
  [data-testid="stButton"], [data-testid="stFormSubmitButton"], .modebar-container,
  [data-testid="stSkipLink"] { display: none !important; }
  [data-testid="stMain"], [data-testid="stMainBlockContainer"] {
    margin-left: 0 !important; padding-left: 0 !important; padding-right: 0 !important;
    max-width: none !important; }
  [data-testid="stPlotlyChart"], [data-testid="stTable"], [data-testid="stMetric"] {
    break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
}
</style>"""
# The flexible explorer: filters over the live answers, for the guide's own work. Marked
# internal on every page; what is handed on comes from a release ("Freigegebene
# Ergebnisse", "Bericht"). (A comment, not a docstring: Streamlit would draw a bare
# string of the app script on every page.)
INTERNAL = {"overview.py", "needs.py", "perspectives.py", "offers.py", "admin_volunteers.py",
            "export.py", "free_text.py"}  # fmt: skip
INTERNAL_NOTE = (
    "**Interne Ansicht – nicht zur Weitergabe.** Für Stadtrat, Presse und Öffentlichkeit "
    "nur freigegebene Ergebnisse verwenden (Seiten „Freigegebene Ergebnisse“, „Bericht“)."
)
REFUSED = (
    "Diese Seite ist für Ihre Rolle ({role}) nicht freigegeben. Wählen Sie links eine "
    "andere Seite; für mehr Rechte wenden Sie sich an die Verwaltung (Admin)."
)


def _refused(title: str, role: str):  # type: ignore[no-untyped-def]
    """A German notice in place of a page the role may not open."""

    def page() -> None:
        st.title(title)
        st.error(REFUSED.format(role=auth.ROLE_LABELS.get(role, role)))

    return page


def _stand_line() -> str:
    stand = data.stand()
    count = f"{stand.answers:,}".replace(",", ".")
    line = f"Stand der Daten: {stand.loaded_at:%d.%m.%Y, %H:%M} Uhr · {count} Antworten"
    if stand.provisional_waves:
        waves = ", ".join(str(w) for w in stand.provisional_waves)
        label = "Welle" if len(stand.provisional_waves) == 1 else "Wellen"
        line += f" · **{label} {waves} vorläufig** (Befragung läuft noch)"
    return line


st.set_page_config(page_title="Bedarfsradar", layout="wide")
user = auth.current_user()
auth.enter_town(user)  # every query of this run is the user's town's
if user is None:
    login = PAGES / "login_required.py"
    pages = [st.Page(login, title="Anmeldung", default=True)] + [
        st.Page(login, title="Anmeldung", url_path=path) for path in URL_PATHS.values()
    ]
    st.navigation(pages, position="hidden").run()
    st.stop()

first = next(name for name, _, roles in PAGE_LIST if user.role in roles)
registered = {
    name: st.Page(
        PAGES / name if user.role in roles else _refused(title, user.role),
        title=title,
        url_path=URL_PATHS[name],
        default=name == first,
    )
    for name, title, roles in PAGE_LIST
}
current = st.navigation(list(registered.values()), position="hidden")
st.html(PRINT_CSS)
with st.sidebar:
    for name, title, roles in PAGE_LIST:
        if user.role in roles:
            st.page_link(registered[name], label=title)
    st.divider()
    st.toggle(
        "Druckansicht",
        key="print_view",
        help="Diagramme in fester Breite und Tabellen zum Ausdrucken. Drucken mit Strg + P "
        "(Querformat); die Seitenleiste wird nicht mitgedruckt.",
    )
    st.caption(f"Angemeldet als **{user.username}** · {auth.ROLE_LABELS[user.role]}")
    token = logout_token(
        data.context().settings.effective_secret_key, st.context.cookies.get(COOKIE, "")
    )
    st.html(funding_html())  # EU emblem and funding statements (Annex IX)
    st.html(
        '<form method="post" action="/logout">'
        f'<input type="hidden" name="csrf" value="{escape(token)}">'
        '<button type="submit" id="abmelden">Abmelden</button></form>'
    )
if user.role != "land":  # the Land has no answers of its own; its page says what it shows
    st.caption(_stand_line())
if current in [registered[name] for name in INTERNAL] and user.role in ANALYSTS:
    st.warning(INTERNAL_NOTE)
current.run()

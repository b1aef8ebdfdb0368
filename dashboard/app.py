"""Dashboard entry point: ``st.navigation`` over one file per page, chosen by role.

A visitor without a valid session sees only the login notice (the server's
``LoginRequired`` middleware normally sends them to ``/login`` before this runs). Each page
checks the role again itself (:func:`dashboard.auth.require`).
"""

from html import escape
from pathlib import Path

import streamlit as st

from bedarfsradar.login import logout_token
from bedarfsradar.session import COOKIE
from dashboard import auth, data
from surveys.publicity.emblem import funding_html

PAGES = Path(__file__).parent / "pages"
ALL, ANALYSTS, ADMIN = ("admin", "guide", "viewer"), ("admin", "guide"), ("admin",)
PAGE_LIST = [  # file, title, roles
    ("overview.py", "Überblick", ALL),
    ("needs.py", "Bedarfe", ALL),
    ("perspectives.py", "Perspektiven", ALL),
    ("offers.py", "Angebote & Lücken", ALL),
    ("offer_catalogue.py", "Angebotskatalog", ALL),
    ("admin_volunteers.py", "Verwaltung & Ehrenamt", ALL),
    ("export.py", "Export", ALL),
    ("free_text.py", "Freitext", ANALYSTS),
    ("privacy.py", "Datenschutz", ANALYSTS),
    ("campaigns.py", "Kampagnen", ANALYSTS),
    ("report.py", "Bericht", ALL),
    ("measures.py", "Maßnahmen", ANALYSTS),
    ("translations.py", "Übersetzungen", ANALYSTS),
    ("xlsform_import.py", "Fragebogen importieren", ANALYSTS),
    ("users.py", "Benutzer", ADMIN),
]

st.set_page_config(page_title="Bedarfsradar", layout="wide")
user = auth.current_user()
if user is None:
    pages = [st.Page(PAGES / "login_required.py", title="Anmeldung", default=True)]
else:
    pages = [
        st.Page(PAGES / name, title=title, default=i == 0)
        for i, (name, title, roles) in enumerate(PAGE_LIST)
        if user.role in roles
    ]
    token = logout_token(
        data.context().settings.effective_secret_key, st.context.cookies.get(COOKIE, "")
    )
    with st.sidebar:
        st.caption(f"Angemeldet als **{user.username}** · {auth.ROLE_LABELS[user.role]}")
        st.html(funding_html())  # EU emblem and funding statements (Annex IX)
        st.html(
            '<form method="post" action="/logout">'
            f'<input type="hidden" name="csrf" value="{escape(token)}">'
            '<button type="submit" id="abmelden">Abmelden</button></form>'
        )
st.navigation(pages).run()

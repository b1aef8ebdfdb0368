"""Links between dashboard pages (e.g. from a gap on the Überblick to the page explaining
it, or to the offer catalogue filtered by that need area).

A link is Streamlit's ``st.page_link`` (no reload, same session) when the page is in the
navigation of ``dashboard/app.py``; a page run on its own (tests, or a page opened
without the navigation) gets a plain link to the page's address instead.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

PAGES = Path(__file__).parent / "pages"
URL_PATHS = {
    "overview.py": "ueberblick",
    "results.py": "freigaben",
    "needs.py": "bedarfe",
    "perspectives.py": "perspektiven",
    "offers.py": "angebote-und-luecken",
    "offer_catalogue.py": "angebotskatalog",
    "admin_volunteers.py": "verwaltung-und-ehrenamt",
    "export.py": "export",
    "free_text.py": "freitext",
    "privacy.py": "datenschutz",
    "campaigns.py": "kampagnen",
    "invitations.py": "einladungen",
    "report.py": "bericht",
    "measures.py": "massnahmen",
    "translations.py": "uebersetzungen",
    "xlsform_import.py": "fragebogen-importieren",
    "users.py": "benutzer",
    "land.py": "land",
}
AREA_PARAM = "bereich"
"""Query parameter of the offer catalogue: a need area code to filter by."""


def page_link(page: str, label: str, query: dict[str, str] | None = None) -> None:
    """A link to the page file ``page`` (e.g. ``"needs.py"``) labelled ``label``."""
    try:
        st.page_link(PAGES / page, label=label, icon=":material/arrow_forward:", query_params=query)
    except StreamlitAPIException:  # not in a navigation: a plain link to the address
        suffix = f"?{urlencode(query)}" if query else ""
        st.markdown(f"[→ {label}](/{URL_PATHS[page]}{suffix})")

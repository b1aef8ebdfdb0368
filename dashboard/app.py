"""Dashboard entry point: ``st.navigation`` over one file per page."""

from pathlib import Path

import streamlit as st

PAGES = Path(__file__).parent / "pages"

st.set_page_config(page_title="Bedarfsradar", layout="wide")
navigation = st.navigation(
    [st.Page(PAGES / "overview.py", title="Überblick", default=True)],
)
navigation.run()

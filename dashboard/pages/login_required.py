"""Shown instead of every page while nobody is logged in."""

import streamlit as st

st.title("Bedarfsradar")
st.warning("Bitte melden Sie sich an, um das Dashboard zu sehen.")
st.markdown("[Zur Anmeldung](/login)")

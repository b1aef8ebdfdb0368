"""Loading at the dashboard's data boundary, cached per process."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bedarfsradar.context import AppContext


@st.cache_resource
def context() -> AppContext:
    return AppContext()


@st.cache_data(ttl=30)
def response_counts() -> pd.DataFrame:
    ctx = context()
    return ctx.storage.response_counts(ctx.municipality_id)

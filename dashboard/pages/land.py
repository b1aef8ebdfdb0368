"""KISI-Netzwerk: the Land's (the ministry's) page. The towns of the network; no
individual answers and no explorer (role ``land`` only)."""

import pandas as pd
import streamlit as st

from bedarfsradar import tenancy
from dashboard import auth, data

auth.require("land")
st.title("KISI-Netzwerk – Sicht des Landes")
st.caption(
    "Das Land sieht keine einzelnen Antworten und keinen freien Tabellenbaukasten: nur "
    "Tabellen, die aus den Antworten aller Kommunen gemeinsam berechnet und geschützt "
    "wurden, die Freigaben der Kommunen und die Beteiligung je Kommune."
)
towns = tenancy.towns(data.context())
st.subheader(f"Kommunen im Netzwerk: {len(towns)}")
rows = [
    {"Kommune": t.name, "Kürzel": t.slug, "Stadtteile": len(t.stadtteile) or None} for t in towns
]
st.dataframe(pd.DataFrame(rows), hide_index=True)

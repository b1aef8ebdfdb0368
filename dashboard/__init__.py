"""Guide dashboard: thin Streamlit pages over ``analysis/`` results."""

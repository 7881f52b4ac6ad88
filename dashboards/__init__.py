"""The Streamlit dashboard (``app.py``) and the one query module it reads the store through."""

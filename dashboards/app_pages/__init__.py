"""The dashboard's pages; each is a thin Streamlit script over ``dashboards.queries`` (see ``app.py``)."""

"""Refusal Monitor dashboard (Streamlit, multipage). Start it with ``refusal-monitor dashboard``.

Reads only published read-only snapshots (the aggregate store, the checker's and the alert
engine's) through ``dashboards.queries``, cached by ``dashboards.common``; each page refreshes
itself every few seconds while the pipeline runs. The sidebar filters (time range, feature, model
version) are drawn here, once, so every page gets the same selection. The only file the dashboard
writes is the reviewers' label store (``RM_REVIEWS_STORE_PATH``), plus reports on request.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboards/app.py` puts dashboards/ on sys.path, not the project root.
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from dashboards import common  # noqa: E402

st.set_page_config(page_title="Refusal Monitor", layout="wide")

# The page scripts live in app_pages/, not pages/: a folder named pages/ beside the entry script
# switches Streamlit (and AppTest) to the legacy directory mode, which runs a page without this
# entry script, so without the sidebar filters.

PAGES = [
    st.Page("app_pages/overview.py", title="Overview", url_path="overview", default=True),
    st.Page("app_pages/upgrade.py", title="Upgrade comparison", url_path="upgrade"),
    st.Page("app_pages/triggers.py", title="Trigger words", url_path="triggers"),
    st.Page("app_pages/over_refusal.py", title="Over-refusal 2x2", url_path="over-refusal"),
    st.Page("app_pages/alerts_quality.py", title="Alerts and data quality", url_path="alerts"),
    st.Page("app_pages/review.py", title="Review", url_path="review"),
    st.Page("app_pages/weekly_report.py", title="Weekly report", url_path="report"),
]

navigation = st.navigation(PAGES)
common.sidebar_filters()
navigation.run()

"""Weekly report: write the self-contained HTML report and the Markdown summary of one ISO week
(the same as ``refusal-monitor report --week``), then download or read it here."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import streamlit as st

from dashboards import common, queries
from dashboards.report import reports_dir, write_weekly_report
from pipelines.store import SnapshotMissingError

st.title("Weekly report")

snapshot = common.store_snapshot()
try:
    _, latest = common.load(queries.store_extent, snapshot)
except SnapshotMissingError as exc:
    latest = None
    common.waiting_for_data(exc)
# The week of the latest data (a window ending exactly at Monday 00:00 belongs to the week before).
default_week = queries.iso_week_of(latest - timedelta(seconds=1) if latest else datetime.now(timezone.utc))
week = st.text_input("ISO week", value=default_week, key="report_week", help="e.g. 2026-W47 (Monday to Sunday, UTC)")
st.caption(f"written to {reports_dir(common.settings()).resolve()}; the sidebar filters do not apply to the report")
if st.button("Write weekly report", key="write_report", type="primary", disabled=latest is None):
    try:
        html_path, md_path = write_weekly_report(common.settings(), week.strip())
    except ValueError as exc:
        st.error(str(exc))
    else:
        st.session_state["report_paths"] = (str(html_path), str(md_path))
paths = st.session_state.get("report_paths")
if paths:
    html_path, md_path = paths
    st.success(f"wrote {html_path} and {md_path}")
    left, right = st.columns(2)
    with open(html_path, "rb") as f:
        left.download_button("Download HTML", f.read(), file_name=html_path.rsplit("/", 1)[-1], mime="text/html")
    with open(md_path, "rb") as f:
        markdown = f.read()
    right.download_button("Download Markdown", markdown, file_name=md_path.rsplit("/", 1)[-1], mime="text/markdown")
    st.markdown(markdown.decode("utf-8"))

"""Refusal Monitor dashboard (Streamlit). Start it with ``refusal-monitor dashboard``.

Reads only the published snapshot of the store through ``dashboards.queries``; refreshes itself
while the pipeline runs.
"""

from __future__ import annotations

from pathlib import Path

import altair as alt
import streamlit as st

from dashboards import queries
from pipelines.store import SnapshotMissingError
from schemas import Settings

REFRESH_SECONDS = 10

settings = Settings()
snapshot = settings.snapshot_file.resolve()

st.set_page_config(page_title="Refusal Monitor", layout="wide")
st.title("Refusal Monitor")


# Cached per snapshot path (the path is part of the key), refreshed every REFRESH_SECONDS.
@st.cache_data(ttl=REFRESH_SECONDS)
def _features(path: Path) -> list[str]:
    return queries.features(path)


@st.cache_data(ttl=REFRESH_SECONDS)
def _rates(path: Path, selected: tuple[str, ...]):
    return queries.rate_over_time(path, list(selected))


@st.cache_data(ttl=REFRESH_SECONDS)
def _totals(path: Path, selected: tuple[str, ...]):
    return queries.totals(path, list(selected))


@st.cache_data(ttl=REFRESH_SECONDS)
def _dead_letters(path: Path):
    return queries.dead_letter_summary(path)


@st.fragment(run_every=REFRESH_SECONDS)
def overview() -> None:
    try:
        _features(snapshot)  # raises until the pipeline has published a snapshot
    except SnapshotMissingError as exc:
        st.info(f"Waiting for data. {exc}")
        return
    selected = tuple(st.session_state.get("features", []))
    rates = _rates(snapshot, selected)
    if rates.empty:
        st.info("No aggregates yet: the pipeline has not landed a window for this selection.")
        return
    metric = st.session_state.get("metric", "refusal_rate")
    chart = (
        alt.Chart(rates)
        .mark_line(point=True)
        .encode(
            x=alt.X("window_start:T", title="window start"),
            y=alt.Y(f"{metric}:Q", title=metric.replace("_", " "), axis=alt.Axis(format="%")),
            color=alt.Color("model_version:N", title="model version"),
            tooltip=["window_start:T", "model_version:N", "turns:Q", "refusals:Q", alt.Tooltip(f"{metric}:Q", format=".1%")],
        )
        .properties(height=360)
    )
    st.subheader("Refusal rate over time per model version")
    st.altair_chart(chart, width="stretch")
    st.subheader("Totals")
    st.dataframe(_totals(snapshot, selected), hide_index=True, width="stretch")
    dead = _dead_letters(snapshot)
    st.subheader(f"Dead-lettered records: {int(dead['records'].sum()) if not dead.empty else 0}")
    if not dead.empty:
        st.dataframe(dead, hide_index=True, width="stretch")
    st.caption(f"store snapshot: {snapshot} · refreshes every {REFRESH_SECONDS}s")


with st.sidebar:
    st.header("Filters")
    try:
        options = _features(snapshot)
    except SnapshotMissingError:
        options = []
    st.multiselect("Feature", options, key="features", help="empty = all features")
    st.radio("Rate", ["refusal_rate", "over_refusal_rate"], key="metric",
             format_func=lambda m: m.replace("_", " "))

overview()


# -- data quality (written by `refusal-monitor check` to its own store) ---------------------------
from pipelines.quality.paths import quality_snapshot_path  # noqa: E402  (no Kafka or GE behind it)

@st.cache_data(ttl=REFRESH_SECONDS)
def _quality(path: Path):
    return queries.quality_results(path)


st.subheader("Data quality")
try:
    quality = _quality(quality_snapshot_path(settings).resolve())
except SnapshotMissingError:
    st.info("No data-quality results yet: run `refusal-monitor check` (or `check --every 300`).")
else:
    failed = int((~quality["passed"]).sum()) if not quality.empty else 0
    if quality.empty:
        st.info("No data-quality results yet.")
    elif failed:
        st.error(f"{failed} of {len(quality)} expectations failed in the latest checks")
    else:
        st.success(f"all {len(quality)} expectations passed in the latest checks")
    if not quality.empty:
        st.dataframe(quality, hide_index=True, width="stretch")

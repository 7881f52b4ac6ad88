"""Overview: rates over time per model version with 95% Wilson bands, volumes, and where every
record read went (conservation)."""

from __future__ import annotations

import streamlit as st

from dashboards import charts, common, queries
from pipelines.store import SnapshotMissingError

st.title("Overview")


def _conservation(counts: dict[str, int]) -> None:
    cols = st.columns(6)
    cols[0].metric("Read", f"{counts['read']:,}", help="sum of next_offset - start_offset over source_progress")
    cols[1].metric("Aggregated", f"{counts['aggregated']:,}", help="sum of refusal_windows.n_turns")
    cols[2].metric("Dead-lettered", f"{counts['dead_lettered']:,}", help="rows of dead_letters")
    cols[3].metric("Too late", f"{counts['too_late']:,}", help="rows of too_late_turns")
    cols[4].metric("Duplicates", f"{counts['duplicates']:,}", help="further copies of a turn id already counted")
    cols[5].metric("Unaccounted", f"{counts['unaccounted']:,}",
                   help="read - aggregated - dead-lettered - too late - duplicates: in flight while the pipeline runs")


def body() -> None:
    snapshot = common.store_snapshot()
    selection = common.current_filters()
    try:
        rates = common.load(queries.rates_over_time, snapshot, selection)
        totals = common.load(queries.totals, snapshot, selection)
    except SnapshotMissingError as exc:
        common.waiting_for_data(exc)
        return

    st.subheader("Conservation (whole store)")
    try:
        counts = common.load(queries.conservation, snapshot)
        dead = common.load(queries.dead_letter_summary, snapshot)
    except queries.TableMissingError as exc:  # a store written by an older pipeline: show the rest
        st.info(f"No conservation counts: {exc}")
        counts, dead = None, None
    if counts is not None:
        _conservation(counts)
    if rates.empty:
        st.info("No aggregates yet for this selection: the pipeline has not landed a window here.")
        return
    st.subheader("Rates over time per model version (95% Wilson bands)")
    left, right = st.columns(2)
    for i, metric in enumerate(queries.METRICS):
        with left if i % 2 == 0 else right:
            common.show_chart(charts.rate_chart(rates, metric))
    common.show_chart(charts.volume_chart(rates))

    st.subheader("Totals per model version")
    st.dataframe(
        totals[["model_version", "turns", "refusals", "full_refusals", "partial_refusals", "clarifications",
                "over_refusal_suspects", "refusal_rate", "refusal_rate_low", "refusal_rate_high",
                "over_refusal_rate", "with_trigger", "refused_with_trigger"]],
        hide_index=True, width="stretch",
        column_config={c: st.column_config.NumberColumn(format="percent") for c in
                       ("refusal_rate", "refusal_rate_low", "refusal_rate_high", "over_refusal_rate")},
    )
    if dead is not None:
        st.subheader(f"Dead-lettered records: {int(dead['records'].sum()) if not dead.empty else 0}")
    if dead is not None and not dead.empty:
        st.dataframe(dead, hide_index=True)
    st.caption(f"store snapshot: {snapshot}")
    common.review_link()


common.live(body)

"""Upgrade comparison: old vs new model version per feature, side by side, with the difference
and its 95% interval, raw (Newcombe) and adjusted for the trigger-word mix (stratified)."""

from __future__ import annotations

import streamlit as st

from dashboards import charts, common, queries
from pipelines.store import SnapshotMissingError

st.title("Upgrade comparison")


def body() -> None:
    snapshot = common.store_snapshot()
    selection = common.current_filters()
    try:
        versions = common.load(queries.model_versions, snapshot)
        pair = common.load(queries.default_upgrade_pair, snapshot, selection)
    except SnapshotMissingError as exc:
        common.waiting_for_data(exc)
        return
    if len(versions) < 2:
        st.info("Only one model version in the store: nothing to compare yet.")
        return
    old_default, new_default = pair or (versions[-2], versions[-1])
    left, right = st.columns(2)
    old = left.selectbox("Old version", versions, index=versions.index(old_default), key="up_old")
    new = right.selectbox("New version", versions, index=versions.index(new_default), key="up_new")
    if old == new:
        st.warning("Pick two different versions.")
        return
    comparison = common.load(queries.upgrade_comparison, snapshot, selection, old, new)
    if comparison.empty:
        st.info("No turns of these versions in the selection.")
        return
    overall = comparison[comparison["feature"] == "(all features)"].iloc[0]
    cols = st.columns(3)
    cols[0].metric(f"Refusal rate {old}", common.pct(overall["rate_old"]), help=f"{overall['n_old']:,} turns")
    cols[1].metric(f"Refusal rate {new}", common.pct(overall["rate_new"]), help=f"{overall['n_new']:,} turns")
    cols[2].metric("Change, mix-adjusted", common.pct(overall["adj_diff"], signed=True),
                   help="95% interval " + common.interval(overall["adj_diff_low"], overall["adj_diff_high"], signed=True))
    left, right = st.columns(2)
    with left:
        common.show_chart(charts.upgrade_rates_chart(comparison, old, new))
    with right:
        common.show_chart(charts.upgrade_diff_chart(comparison))
    st.dataframe(
        comparison[["feature", "n_old", "rate_old", "rate_old_low", "rate_old_high", "n_new", "rate_new",
                    "rate_new_low", "rate_new_high", "diff", "diff_low", "diff_high", "adj_diff", "adj_diff_low",
                    "adj_diff_high"]],
        hide_index=True, width="stretch",
        column_config={c: st.column_config.NumberColumn(format="percent") for c in comparison.columns
                       if c.startswith(("rate_", "diff", "adj_diff"))},
    )
    st.caption("Mix-adjusted: refusal rates compared within prompts with and without a trigger cue, weighted by "
               "the pooled share of each; the version filter of the sidebar does not apply on this page.")
    common.review_link()


common.live(body)

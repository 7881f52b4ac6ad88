"""Trigger words: refusal rate and lift per cue, a cue x model-version heat map, and the cues whose
refusal rate rose most since the previous version."""

from __future__ import annotations

import streamlit as st

from dashboards import charts, common, queries
from pipelines.store import SnapshotMissingError

st.title("Trigger words")


def body() -> None:
    snapshot = common.store_snapshot()
    selection = common.current_filters()
    try:
        cues = common.load(queries.cue_stats, snapshot, selection)
        matrix = common.load(queries.cue_version_matrix, snapshot, selection)
        pair = common.load(queries.default_upgrade_pair, snapshot, selection)
    except SnapshotMissingError as exc:
        common.waiting_for_data(exc)
        return
    if cues.empty:
        st.info("No prompt with a trigger cue in the selection yet.")
        return
    st.subheader("Refusal rate and lift per cue")
    common.show_chart(charts.cue_lift_chart(cues))
    st.dataframe(
        cues[["cue", "category", "prompts", "refused", "refusal_rate", "refusal_rate_low", "refusal_rate_high",
              "lift", "benign_sense", "over_refusal_suspects"]],
        hide_index=True, width="stretch",
        column_config={c: st.column_config.NumberColumn(format="percent")
                       for c in ("refusal_rate", "refusal_rate_low", "refusal_rate_high")}
        | {"lift": st.column_config.NumberColumn(format="%.2f")},
    )
    st.caption("lift = refusal rate of prompts with the cue / refusal rate of all turns in the selection")
    common.review_link()
    st.subheader("Cue x model version")
    common.show_chart(charts.cue_heatmap(matrix))

    st.subheader("Rising since the previous version")
    if pair is None:
        st.info("One model version in the selection: no previous version to compare with.")
        return
    old, new = pair
    min_prompts = st.slider("Minimum prompts per version", 1, 100, 5, key="cue_min_prompts")
    rising = common.load(queries.rising_cues, snapshot, selection, old, new, min_prompts=min_prompts)
    st.caption(f"{old} → {new}; rise = new - old refusal rate with Newcombe's 95% interval")
    if rising.empty:
        st.info(f"No cue with at least {min_prompts} prompts in both versions.")
        return
    common.show_chart(charts.rising_cues_chart(rising))
    st.dataframe(rising, hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="percent")
                                for c in ("rate_old", "rate_new", "rise", "rise_low", "rise_high")})


common.live(body)

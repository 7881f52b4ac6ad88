"""Over-refusal 2x2: prompt judged benign/harmful x response complied/refused, per model version."""

from __future__ import annotations

import streamlit as st

from dashboards import charts, common, queries
from pipelines.store import SnapshotMissingError

st.title("Over-refusal 2x2")


def body() -> None:
    snapshot = common.store_snapshot()
    try:
        matrix = common.load(queries.over_refusal_matrix, snapshot, common.current_filters())
    except SnapshotMissingError as exc:
        common.waiting_for_data(exc)
        return
    if matrix.empty:
        st.info("No aggregates yet for this selection.")
        return
    cols = st.columns(max(1, len(matrix)))
    for col, (_, row) in zip(cols, matrix.iterrows()):
        col.metric(f"Over-refusal of benign prompts, {row['model_version']}", common.pct(row["over_refusal_among_benign"]),
                   help="95% Wilson interval " + common.interval(row["over_refusal_among_benign_low"],
                                                                 row["over_refusal_among_benign_high"]))
    common.show_chart(charts.over_refusal_matrix_chart(matrix), width="content")
    st.dataframe(matrix, hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="percent") for c in matrix.columns
                                if c.startswith(("over_refusal_among", "refusal_among"))})
    st.caption("benign / harmful is the trigger detector's judgement of the prompt; refused = full or partial "
               "refusal; complied = anything else (compliance or clarification). Benign & refused are the "
               "over-refusal suspects.")
    common.review_link()


common.live(body)

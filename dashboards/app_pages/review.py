"""Review: the sampled turns behind the numbers, with the detector's evidence highlighted; a
reviewer marks each as correct or wrong, and the labels give measured detector precision per
class and version. Labels go to their own DuckDB file (never the aggregate store)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pandas as pd
import streamlit as st

from dashboards import charts, common, queries
from dashboards.reviews import ReviewStore
from pipelines.store import SnapshotMissingError
from schemas.reviews import ReviewLabel

st.title("Review")


def _record(sample: dict[str, Any], verdict: str) -> None:
    reviewer = str(st.session_state.get("reviewer", "")).strip()
    if not reviewer:
        return
    ReviewStore(common.reviews_file()).add(ReviewLabel(
        turn_id=sample["turn_id"], reviewer=reviewer, verdict=verdict, reviewed_at=datetime.now(timezone.utc),
        refusal_label=sample["refusal_label"], reason=sample["reason"], model_version=sample["model_version"],
        feature=sample["feature"], detector_version=sample["detector_version"],
        window_start=pd.Timestamp(sample["window_start"]).to_pydatetime(),
    ))


def body() -> None:
    selection = common.current_filters()
    store = ReviewStore(common.reviews_file())
    labels = store.labels()

    st.subheader("Measured detector precision")
    precision = queries.detector_precision(labels, selection)
    if precision.empty:
        st.info("No labels yet: mark sampled turns below as correct or wrong.")
    else:
        common.show_chart(charts.precision_chart(precision))
        st.dataframe(precision, hide_index=True, width="stretch",
                     column_config={c: st.column_config.NumberColumn(format="percent")
                                    for c in ("precision", "precision_low", "precision_high")})

    st.subheader("Sampled turns")
    reviewer = st.text_input("Reviewer", key="reviewer", placeholder="your name or email",
                             help="stored with each label").strip()
    cols = st.columns(3)
    reason = cols[0].selectbox("Sampled as", ["all", "over_refusal_suspect", "refusal"], key="rv_reason")
    label = cols[1].selectbox("Detector class", ["all", "full_refusal", "partial_refusal"], key="rv_label")
    limit = cols[2].number_input("Show", min_value=1, max_value=500, value=20, step=10, key="rv_limit")
    try:
        samples = common.load(queries.review_samples, common.store_snapshot(), selection,
                              reason=None if reason == "all" else reason,
                              refusal_label=None if label == "all" else label, limit=int(limit))
    except SnapshotMissingError as exc:
        common.waiting_for_data(exc)
        return
    if samples.empty:
        st.info("No sampled turns for this selection.")
        return
    if not reviewer:
        st.warning("Enter your name as reviewer to label turns.")
    mine = {}
    if not labels.empty and reviewer:
        own = labels[labels["reviewer"] == reviewer]
        mine = dict(zip(own["turn_id"], own["verdict"]))
    st.caption(f"{len(samples)} sampled turns; evidence is highlighted in yellow, trigger cues in blue")
    for _, sample in samples.iterrows():
        row = sample.to_dict()
        with st.container(border=True):
            st.markdown(
                f"**{row['refusal_label'].replace('_', ' ')}** ({row['refusal_score']:.2f}) · sampled as "
                f"`{row['reason']}` · {row['model_version']} · {row['feature']} · window "
                f"{pd.Timestamp(row['window_start']):%Y-%m-%d %H:%M} UTC · turn `{row['turn_id']}`"
                + (" · redacted" if row["redacted"] else "")
            )
            st.markdown("**Prompt:** " + queries.highlight_html(row["prompt"], row["cues_json"], color="#90caf9"),
                        unsafe_allow_html=True)
            st.markdown("**Response:** " + queries.highlight_html(row["response"], row["evidence_json"]),
                        unsafe_allow_html=True)
            left, right, status = st.columns([1, 1, 4])
            left.button("Correct", key=f"ok_{row['turn_id']}", disabled=not reviewer,
                        on_click=_record, args=(row, "correct"))
            right.button("Wrong", key=f"bad_{row['turn_id']}", disabled=not reviewer,
                         on_click=_record, args=(row, "wrong"))
            if row["turn_id"] in mine:
                status.caption(f"your verdict: {mine[row['turn_id']]}")


common.live(body)

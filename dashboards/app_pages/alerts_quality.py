"""Alerts and data quality: recent alerts with their explanation (the alert engine's own store) and
the latest result of every data-quality expectation (the checker's own store)."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import streamlit as st

from dashboards import common, queries
from pipelines.store import SnapshotMissingError

st.title("Alerts and data quality")

_SEVERITY = {"critical": st.error, "warning": st.warning, "info": st.info}


def _alerts() -> None:
    st.subheader("Recent alerts")
    try:
        alerts = common.load(queries.recent_alerts, common.alerts_snapshot(), common.current_filters())
    except (SnapshotMissingError, duckdb.CatalogException):
        st.info("No alerts yet.")
        return
    if alerts.empty:
        st.info("No alerts yet for this selection.")
        return
    st.dataframe(alerts[["created_at", "severity", "kind", "metric", "feature", "baseline_version", "model_version",
                         "rate_before", "rate_after", "diff_low", "diff_high"]],
                 hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="percent")
                                for c in ("rate_before", "rate_after", "diff_low", "diff_high")})
    for i, (_, alert) in enumerate(alerts.head(10).iterrows()):
        title = (f"{alert['severity'].upper()} · {alert['metric'].replace('_', ' ')} · {alert['feature']} · "
                 f"{alert['baseline_version'] + ' → ' if alert['baseline_version'] else ''}{alert['model_version']} · "
                 f"{pd.Timestamp(alert['created_at']):%Y-%m-%d %H:%M} UTC")
        with st.expander(title, expanded=i < 3):  # the newest explained at a glance
            _SEVERITY.get(alert["severity"], st.info)(alert["message"])
            st.markdown(
                f"before {common.pct(alert['rate_before'])} (n={alert['n_before']:,}), after "
                f"{common.pct(alert['rate_after'])} (n={alert['n_after']:,}); increase "
                f"{common.interval(alert['diff_low'], alert['diff_high'], signed=True)} by `{alert['method']}`"
            )
            try:
                cues = pd.DataFrame(json.loads(alert["top_cues_json"] or "[]"))
            except (json.JSONDecodeError, ValueError):
                cues = pd.DataFrame()
            if not cues.empty:
                st.caption("cues whose refusal rate rose most")
                st.dataframe(cues, hide_index=True)


def _quality() -> None:
    st.subheader("Data quality")
    try:
        quality = common.load(queries.quality_results, common.quality_snapshot())
    except SnapshotMissingError:
        st.info("No data-quality results yet: run `refusal-monitor check` (or `check --every 300`).")
        return
    failed = int((~quality["passed"]).sum()) if not quality.empty else 0
    if quality.empty:
        st.info("No data-quality results yet.")
        return
    if failed:
        st.error(f"{failed} of {len(quality)} expectations failed in the latest checks")
    else:
        st.success(f"all {len(quality)} expectations passed in the latest checks")
    st.dataframe(quality, hide_index=True)


def body() -> None:
    _alerts()
    _quality()


common.live(body)

"""Every query the dashboard runs, parameterised, against the published read-only snapshot.

Pure functions (path and plain values in, DataFrame out) so they are unit-tested without
Streamlit; the app wraps them in ``st.cache_data``. No SQL is built from user input by string
formatting: filters are bound parameters.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.store import open_snapshot

__all__ = ["features", "rate_over_time", "totals", "dead_letter_summary", "quality_results"]


def _frame(snapshot: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    con = open_snapshot(snapshot)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def features(snapshot: Path) -> list[str]:
    """Product features present in the store, sorted."""
    return _frame(snapshot, "SELECT DISTINCT feature FROM refusal_windows ORDER BY 1")["feature"].tolist()


def rate_over_time(snapshot: Path, feature_filter: list[str] | None = None) -> pd.DataFrame:
    """Per window and model version: turns, refusals and rates (refusal, over-refusal suspects)."""
    sql = """
        SELECT window_start, model_version,
               sum(n_turns) AS turns,
               sum(n_full_refusal + n_partial_refusal) AS refusals,
               sum(n_over_refusal_suspect) AS over_refusal_suspects,
               sum(n_full_refusal + n_partial_refusal) / sum(n_turns) AS refusal_rate,
               sum(n_over_refusal_suspect) / sum(n_turns) AS over_refusal_rate
        FROM refusal_windows
        WHERE n_turns > 0 AND (? OR list_contains(?, feature))
        GROUP BY ALL ORDER BY window_start, model_version
    """
    use_all = not feature_filter
    return _frame(snapshot, sql, [use_all, list(feature_filter or [])])


def totals(snapshot: Path, feature_filter: list[str] | None = None) -> pd.DataFrame:
    """Totals per model version over everything in the store."""
    sql = """
        SELECT model_version, sum(n_turns) AS turns,
               sum(n_full_refusal) AS full_refusals, sum(n_partial_refusal) AS partial_refusals,
               sum(n_clarification) AS clarifications, sum(n_over_refusal_suspect) AS over_refusal_suspects,
               sum(n_with_trigger) AS with_trigger, sum(n_refused_with_trigger) AS refused_with_trigger
        FROM refusal_windows
        WHERE (? OR list_contains(?, feature))
        GROUP BY ALL ORDER BY model_version
    """
    return _frame(snapshot, sql, [not feature_filter, list(feature_filter or [])])


def dead_letter_summary(snapshot: Path) -> pd.DataFrame:
    """Dead-lettered records by the field that failed (NULL: not JSON / not an object)."""
    sql = """
        SELECT coalesce(error_field, '(whole message)') AS field, count(*) AS records, any_value(reason) AS example_reason
        FROM dead_letters GROUP BY ALL ORDER BY records DESC
    """
    return _frame(snapshot, sql)


def quality_results(path: Path) -> pd.DataFrame:
    """The latest result of every data-quality expectation (from the checker's snapshot), failures first."""
    sql = """
        SELECT suite, expectation, success::BOOLEAN AS passed, observed_value,
               unexpected_count, element_count, coalesce(error, unexpected_examples) AS examples, checked_at, run_id
        FROM quality_results
        QUALIFY row_number() OVER (PARTITION BY suite, expectation ORDER BY checked_at DESC) = 1
        ORDER BY passed, suite, expectation
    """
    return _frame(path, sql)

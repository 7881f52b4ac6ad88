"""The tables the expectations look at: window rows with derived columns, a dense volume series,
and a micro-batch of raw input messages flattened into one row per message.

Derived values (rates, class sums, window lengths, volume ratios, timestamp skew) are computed
here in SQL or pandas so that Great Expectations' built-in expectations can check them; no
verdict is decided here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

import duckdb
import pandas as pd

from schemas import InvalidTurnError, parse_turn
from schemas.quality import QualityThresholds

__all__ = [
    "REQUIRED_FIELDS",
    "RawMessage",
    "windows_frame",
    "volume_frame",
    "known_labels",
    "inputs_frame",
]

#: Fields a logged turn must carry (docs/schema.md).
REQUIRED_FIELDS = ("turn_id", "conversation_id", "timestamp", "model_version", "feature", "prompt", "response")


@dataclass(frozen=True)
class RawMessage:
    """One message value of the turns topic, as read (bytes, possibly broken)."""

    value: bytes | None
    partition: int | None = None
    offset: int | None = None


def windows_frame(con: duckdb.DuckDBPyConnection, window_seconds: int) -> pd.DataFrame:
    """Every row of refusal_windows plus the derived columns the windows suite checks.

    ``window_index`` and the lower-cased key make two rows for the same window and key collide
    even when the primary key cannot see it (a start a few seconds off, a key spelled V1 vs v1).
    """
    sql = """
        SELECT *,
               n_full_refusal + n_partial_refusal AS n_refusals,
               n_full_refusal + n_partial_refusal + n_clarification + n_compliance AS class_sum,
               (n_full_refusal + n_partial_refusal) / nullif(n_turns, 0) AS refusal_rate,
               n_over_refusal_suspect / nullif(n_turns, 0) AS over_refusal_rate,
               n_refused_with_trigger / nullif(n_with_trigger, 0) AS trigger_refusal_rate,
               epoch(window_end) - epoch(window_start) AS window_length_seconds,
               floor(epoch(window_start) / $ws)::BIGINT AS window_index,
               lower(model_version) AS model_version_norm,
               lower(feature) AS feature_norm
        FROM refusal_windows
        ORDER BY window_start, model_version, feature, detector_version
    """
    df = con.execute(sql, {"ws": window_seconds}).df()
    for col in ("window_start", "window_end", "updated_at"):
        df[col] = pd.to_datetime(df[col], utc=True)
    return df


def volume_frame(con: duckdb.DuckDBPyConnection, window_seconds: int, thresholds: QualityThresholds) -> pd.DataFrame:
    """Turns per (window, key) on a dense grid with the key's trailing median and their ratio.

    The grid runs from a key's first window to the newest window of the whole store, so a window
    with no row at all (a logging outage) counts as 0 turns instead of being invisible. Only the
    newest ``volume_eval_windows`` closed windows are returned; ``volume_ratio`` is NULL where the
    baseline is too short or zero (GE skips NULLs).
    """
    k = thresholds.volume_baseline_windows
    sql = f"""
        WITH w AS (
            SELECT floor(epoch(window_start) / $ws)::BIGINT AS window_index,
                   model_version, feature, detector_version, sum(n_turns) AS n_turns
            FROM refusal_windows GROUP BY ALL
        ),
        bounds AS (SELECT max(window_index) AS last_index FROM w),
        keys AS (
            SELECT model_version, feature, detector_version, min(window_index) AS first_index
            FROM w GROUP BY ALL
        ),
        grid AS (
            SELECT keys.model_version, keys.feature, keys.detector_version,
                   unnest(range(keys.first_index, bounds.last_index + 1)) AS window_index
            FROM keys, bounds
        ),
        dense AS (
            SELECT g.*, coalesce(w.n_turns, 0) AS n_turns
            FROM grid g LEFT JOIN w USING (model_version, feature, detector_version, window_index)
        ),
        scored AS (
            SELECT *,
                   median(n_turns) OVER baseline_w AS baseline_median,
                   count(*) OVER baseline_w AS baseline_windows
            FROM dense
            WINDOW baseline_w AS (PARTITION BY model_version, feature, detector_version
                                ORDER BY window_index ROWS BETWEEN {k} PRECEDING AND 1 PRECEDING)
        )
        SELECT make_timestamptz(window_index * $ws * 1000000) AS window_start,
               model_version, feature, detector_version, n_turns, baseline_median, baseline_windows,
               CASE WHEN baseline_windows >= $min_base AND baseline_median > 0
                         AND baseline_median >= $min_median
                    THEN n_turns / baseline_median END AS volume_ratio
        FROM scored, bounds
        WHERE window_index >  bounds.last_index - $skip - $eval
          AND window_index <= bounds.last_index - $skip
        ORDER BY window_start, model_version, feature, detector_version
    """
    return con.execute(sql, {
        "ws": window_seconds,
        "min_base": thresholds.volume_min_baseline_windows,
        "min_median": thresholds.volume_min_baseline_median,
        "skip": thresholds.volume_skip_newest_windows,
        "eval": thresholds.volume_eval_windows,
    }).df()


def known_labels(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[str]]:
    """Model versions and features the store has seen: the learned allow-lists for input turns."""
    versions = [r[0] for r in con.execute("SELECT DISTINCT model_version FROM refusal_windows ORDER BY 1").fetchall()]
    features = [r[0] for r in con.execute("SELECT DISTINCT feature FROM refusal_windows ORDER BY 1").fetchall()]
    return versions, features


def _loose_object(value: bytes | None) -> dict | None:
    """The message as a JSON object if it is one (even when it fails validation), else None."""
    if not value:
        return None
    try:
        obj = json.loads(value)
    except (ValueError, UnicodeDecodeError):
        return None
    return obj if isinstance(obj, dict) else None


def inputs_frame(messages: Sequence[RawMessage], processing_time: datetime) -> pd.DataFrame:
    """One row per message: parse outcome, required-field presence and the validated values.

    ``parse_failed`` is 0/1 (its mean is the failure share). The ``has_<field>`` columns are set
    for JSON objects only (``is_object``), so "required fields present" is judged on messages
    that are objects at all. Values (labels, lengths, skew) come only from turns that validated.
    """
    rows = []
    for msg in messages:
        obj = _loose_object(msg.value)
        row: dict[str, object] = {"partition": msg.partition, "offset": msg.offset, "is_object": obj is not None}
        for name in REQUIRED_FIELDS:
            row[f"has_{name}"] = (1 if obj.get(name) is not None else None) if obj is not None else None
        try:
            turn = parse_turn(msg.value)  # type: ignore[arg-type]
        except InvalidTurnError as exc:
            row.update(parse_failed=1, parse_error=str(exc), model_version=None, feature=None,
                       prompt_chars=None, response_chars=None, skew_seconds=None, event_time=None)
        else:
            row.update(
                parse_failed=0, parse_error=None, model_version=turn.model_version, feature=turn.feature,
                prompt_chars=len(turn.prompt), response_chars=len(turn.response),
                skew_seconds=(turn.timestamp - processing_time).total_seconds(), event_time=turn.timestamp,
            )
        rows.append(row)
    columns = ["partition", "offset", "is_object", *(f"has_{n}" for n in REQUIRED_FIELDS), "parse_failed", "parse_error",
               "model_version", "feature", "prompt_chars", "response_chars", "skew_seconds", "event_time"]
    df = pd.DataFrame(rows, columns=columns)
    for col in ("prompt_chars", "response_chars", *(f"has_{n}" for n in REQUIRED_FIELDS)):
        df[col] = df[col].astype("float64")
    df["skew_seconds"] = df["skew_seconds"].astype("float64")
    df["parse_failed"] = df["parse_failed"].astype("int64")
    df["is_object"] = df["is_object"].astype(bool)
    return df

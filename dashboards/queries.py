"""Every query the dashboard and the weekly report run, parameterised, against read-only snapshots.

What flows in: the path of a published snapshot (the aggregate store's, the checker's, the alert
engine's) or of the review-label file, and plain filter values (``Filters``). What flows out:
pandas DataFrames with counts *and* the rates computed from them, each rate with a two-sided
Wilson interval, so a page only draws and a test only compares numbers.

Pure functions, no Streamlit: ``dashboards.common`` wraps them in ``st.cache_data(ttl=...)`` for
the pages, ``dashboards.report`` calls them directly. No SQL is built from user input by string
formatting: every filter is a bound (named) parameter of a constant statement.

Definitions used everywhere (per turn, summed over windows and keys):
- refusal rate = (full + partial refusals) / turns; partial-refusal and clarification rates are
  their class counts / turns; over-refusal rate = over-refusal suspects / turns (as the quality
  suite defines it).
- mix-adjusted upgrade difference: refusal rates of the two versions are compared within two
  strata, prompts with a trigger cue and prompts without, and the stratum differences are
  weighted by the pooled stratum shares of both versions, so a version that merely received more
  trigger prompts does not look worse.
- cue lift = refusal rate of prompts with the cue / refusal rate of all turns in the selection.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable

import duckdb
import numpy as np
import pandas as pd
from scipy.stats import norm

from pipelines.alerts.store import alerts_snapshot_path as engine_alerts_snapshot_path
from pipelines.conservation import balance
from pipelines.store import SnapshotMissingError, open_snapshot
from schemas import Settings

__all__ = [
    "Filters",
    "TableMissingError",
    "METRICS",
    "wilson_interval",
    "newcombe_diff_interval",
    "features",
    "model_versions",
    "store_extent",
    "rates_over_time",
    "totals",
    "conservation",
    "dead_letter_summary",
    "default_upgrade_pair",
    "upgrade_comparison",
    "cue_stats",
    "cue_version_matrix",
    "rising_cues",
    "over_refusal_matrix",
    "alerts_snapshot_path",
    "recent_alerts",
    "quality_results",
    "quality_incidents",
    "review_samples",
    "evidence_spans",
    "highlight_html",
    "detector_precision",
    "iso_week_bounds",
    "iso_week_of",
]

CONFIDENCE = 0.95

# metric name -> label; every rate's denominator is the window's turns
METRICS: dict[str, str] = {
    "refusal_rate": "refusal rate",
    "partial_refusal_rate": "partial-refusal rate",
    "clarification_rate": "clarification rate",
    "over_refusal_rate": "over-refusal rate",
}
# metric name -> its numerator column in rates_over_time's per-window query
_NUMERATOR = {
    "refusal_rate": "refusals",
    "partial_refusal_rate": "partial_refusals",
    "clarification_rate": "clarifications",
    "over_refusal_rate": "over_refusal_suspects",
}


@dataclass(frozen=True)
class Filters:
    """What every page filters on. ``None``/empty means no restriction.

    ``start``/``end`` bound the window start: start <= window_start < end (alerts: their evidence
    overlaps [start, end)).
    """

    start: datetime | None = None
    end: datetime | None = None
    features: tuple[str, ...] = field(default_factory=tuple)
    model_versions: tuple[str, ...] = field(default_factory=tuple)

    def params(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "features": list(self.features),
            "versions": list(self.model_versions),
        }


# A constant fragment: the filter values are always bound as named parameters.
_WHERE = """
    ($start::TIMESTAMPTZ IS NULL OR window_start >= $start::TIMESTAMPTZ)
    AND ($end::TIMESTAMPTZ IS NULL OR window_start < $end::TIMESTAMPTZ)
    AND (len($features::VARCHAR[]) = 0 OR list_contains($features::VARCHAR[], feature))
    AND (len($versions::VARCHAR[]) = 0 OR list_contains($versions::VARCHAR[], model_version))
"""


# -- statistics -----------------------------------------------------------------------------------
def _z(confidence: float = CONFIDENCE) -> float:
    return float(norm.ppf(0.5 + confidence / 2))


def wilson_interval(k: Any, n: Any, confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for k successes in n trials (vectorised; NaN where n == 0)."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    z = _z(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denom = 1 + z**2 / n
        center = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
        low = np.clip(center - half, 0.0, 1.0)
        high = np.clip(center + half, 0.0, 1.0)
    bad = n <= 0
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def newcombe_diff_interval(k1: Any, n1: Any, k2: Any, n2: Any, confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """p2 - p1 with Newcombe's hybrid score interval (built from the two Wilson intervals)."""
    k1, n1, k2, n2 = (np.asarray(x, dtype=float) for x in (k1, n1, k2, n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1, confidence)
    l2, u2 = wilson_interval(k2, n2, confidence)
    d = p2 - p1
    low = d - np.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    high = d + np.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return d, low, high


def _with_rate(frame: pd.DataFrame, k: str, n: str, prefix: str) -> pd.DataFrame:
    """Add ``<prefix>``, ``<prefix>_low``, ``<prefix>_high`` columns (rate = k / n, Wilson bounds)."""
    num = frame[k].astype(float)
    den = frame[n].astype(float)
    frame[prefix] = np.where(den > 0, num / den.where(den > 0, 1), np.nan)
    low, high = wilson_interval(num, den)
    frame[f"{prefix}_low"] = low
    frame[f"{prefix}_high"] = high
    return frame


# -- plumbing -------------------------------------------------------------------------------------
class TableMissingError(SnapshotMissingError):
    """The snapshot exists but lacks a table a query needs (a writer older than this dashboard, or
    one that has not created it yet); pages show it as "waiting for data"."""


def _frame(snapshot: Path, sql: str, params: dict | list | None = None) -> pd.DataFrame:
    con = open_snapshot(snapshot)
    try:
        con.execute("SET TimeZone = 'UTC'")
        # Never let a missing table resolve to a Python variable of the same name.
        con.execute("SET python_enable_replacements = false")
        try:
            return con.execute(sql, params or []).df()
        except duckdb.CatalogException as exc:
            raise TableMissingError(f"{Path(snapshot).name} has no such table yet ({str(exc).splitlines()[0]})") from exc
    finally:
        con.close()


def _filtered(snapshot: Path, sql: str, filters: Filters | None, **extra: Any) -> pd.DataFrame:
    return _frame(snapshot, sql, {**(filters or Filters()).params(), **extra})


def _ints(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    for c in columns:
        frame[c] = frame[c].fillna(0).astype("int64")
    return frame


# -- dimensions -----------------------------------------------------------------------------------
def features(snapshot: Path) -> list[str]:
    """Product features present in the store, sorted."""
    return _frame(snapshot, "SELECT DISTINCT feature FROM refusal_windows ORDER BY 1")["feature"].tolist()


def model_versions(snapshot: Path) -> list[str]:
    """Model versions in the order they first appeared (the rollout order), then by name."""
    sql = "SELECT model_version FROM refusal_windows GROUP BY 1 ORDER BY min(window_start), 1"
    return _frame(snapshot, sql)["model_version"].tolist()


def store_extent(snapshot: Path) -> tuple[datetime | None, datetime | None]:
    """(earliest window start, latest window end) in the store, UTC; (None, None) when empty."""
    row = _frame(snapshot, "SELECT min(window_start) AS lo, max(window_end) AS hi FROM refusal_windows")
    lo, hi = row["lo"][0], row["hi"][0]
    if pd.isna(lo):
        return None, None
    return pd.Timestamp(lo).to_pydatetime(), pd.Timestamp(hi).to_pydatetime()


# -- overview -------------------------------------------------------------------------------------
def rates_over_time(snapshot: Path, filters: Filters | None = None) -> pd.DataFrame:
    """Long frame, one row per (window, model version, metric): turns ``n``, count ``k``, ``rate``
    with Wilson ``low``/``high``."""
    sql = f"""
        SELECT window_start, model_version,
               sum(n_turns) AS n,
               sum(n_full_refusal + n_partial_refusal) AS refusals,
               sum(n_partial_refusal) AS partial_refusals,
               sum(n_clarification) AS clarifications,
               sum(n_over_refusal_suspect) AS over_refusal_suspects
        FROM refusal_windows
        WHERE n_turns > 0 AND {_WHERE}
        GROUP BY ALL ORDER BY window_start, model_version
    """
    wide = _filtered(snapshot, sql, filters)
    parts = []
    for metric, numerator in _NUMERATOR.items():
        part = wide[["window_start", "model_version", "n"]].copy()
        part["metric"] = metric
        part["k"] = wide[numerator]
        parts.append(part)
    long = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    long = _ints(long, ["n", "k"])
    long = _with_rate(long, "k", "n", "rate").rename(columns={"rate_low": "low", "rate_high": "high"})
    return long[["window_start", "model_version", "metric", "n", "k", "rate", "low", "high"]]


def totals(snapshot: Path, filters: Filters | None = None) -> pd.DataFrame:
    """Counts and rates (with Wilson bounds) per model version over the selection."""
    sql = f"""
        SELECT model_version, sum(n_turns) AS turns,
               sum(n_full_refusal) AS full_refusals, sum(n_partial_refusal) AS partial_refusals,
               sum(n_clarification) AS clarifications, sum(n_over_refusal_suspect) AS over_refusal_suspects,
               sum(n_with_trigger) AS with_trigger, sum(n_refused_with_trigger) AS refused_with_trigger
        FROM refusal_windows
        WHERE {_WHERE}
        GROUP BY ALL ORDER BY min(window_start), model_version
    """
    frame = _ints(_filtered(snapshot, sql, filters), [
        "turns", "full_refusals", "partial_refusals", "clarifications", "over_refusal_suspects",
        "with_trigger", "refused_with_trigger"])
    frame["refusals"] = frame["full_refusals"] + frame["partial_refusals"]
    frame = _with_rate(frame, "refusals", "turns", "refusal_rate")
    return _with_rate(frame, "over_refusal_suspects", "turns", "over_refusal_rate")


def conservation(snapshot: Path) -> dict[str, int]:
    """Where every record read went, over the whole store (filters do not apply: dead letters have
    no feature and no window); the same balance as `refusal-monitor conservation`."""
    try:
        counts = balance(snapshot).to_dict()
    except duckdb.CatalogException as exc:  # a store from an older pipeline
        raise TableMissingError(f"{Path(snapshot).name} has no such table yet ({str(exc).splitlines()[0]})") from exc
    return {k: int(v) for k, v in counts.items() if k != "holds"}


def dead_letter_summary(snapshot: Path) -> pd.DataFrame:
    """Dead-lettered records by the field that failed (NULL: not JSON / not an object)."""
    sql = """
        SELECT coalesce(error_field, '(whole message)') AS field, count(*) AS records, any_value(reason) AS example_reason
        FROM dead_letters GROUP BY ALL ORDER BY records DESC, field
    """
    return _frame(snapshot, sql)


# -- upgrade comparison ---------------------------------------------------------------------------
def default_upgrade_pair(snapshot: Path, filters: Filters | None = None) -> tuple[str, str] | None:
    """(previous, latest) model version within the selection, in rollout order; None if < 2."""
    sql = f"""
        SELECT model_version FROM refusal_windows WHERE n_turns > 0 AND {_WHERE}
        GROUP BY 1 ORDER BY min(window_start), 1
    """
    versions = _filtered(snapshot, sql, filters)["model_version"].tolist()
    return (versions[-2], versions[-1]) if len(versions) >= 2 else None


def _mix_adjusted(old: pd.Series, new: pd.Series, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """Refusal-rate difference new - old standardised to the pooled trigger mix of both versions.

    Strata: prompts with a trigger cue (n_with_trigger / n_refused_with_trigger) and the rest.
    Weights are the pooled stratum shares over strata both versions have; the interval is Wald
    on the weighted stratum differences, with a +0.5/+1 continuity guard in the variances so a
    stratum at 0% or 100% does not claim zero uncertainty.
    """
    strata = []
    for n_col, k_col in (("with_trigger", "refused_with_trigger"), ("without_trigger", "refused_without_trigger")):
        n_o, k_o, n_n, k_n = float(old[n_col]), float(old[k_col]), float(new[n_col]), float(new[k_col])
        if n_o > 0 and n_n > 0:
            strata.append((n_o, k_o, n_n, k_n))
    if not strata:
        return float("nan"), float("nan"), float("nan")
    total = sum(s[0] + s[2] for s in strata)
    diff = var = 0.0
    for n_o, k_o, n_n, k_n in strata:
        w = (n_o + n_n) / total
        diff += w * (k_n / n_n - k_o / n_o)
        po, pn = (k_o + 0.5) / (n_o + 1), (k_n + 0.5) / (n_n + 1)
        var += w**2 * (po * (1 - po) / n_o + pn * (1 - pn) / n_n)
    half = _z(confidence) * var**0.5
    return diff, diff - half, diff + half


def upgrade_comparison(snapshot: Path, filters: Filters | None, old: str, new: str) -> pd.DataFrame:
    """Old vs new version per feature (and ``(all features)``): turns, refusal rates with Wilson
    bounds, the raw difference with Newcombe's interval and the trigger-mix-adjusted difference."""
    sql = f"""
        SELECT feature, model_version,
               sum(n_turns) AS n, sum(n_full_refusal + n_partial_refusal) AS k,
               sum(n_with_trigger) AS with_trigger, sum(n_refused_with_trigger) AS refused_with_trigger
        FROM refusal_windows
        WHERE list_contains([$old, $new], model_version) AND {_WHERE}
        GROUP BY ALL
    """
    # The version filter of the sidebar does not apply here: the two versions are chosen on the page.
    base = filters or Filters()
    params = Filters(base.start, base.end, base.features, ())
    raw = _ints(_filtered(snapshot, sql, params, old=old, new=new), ["n", "k", "with_trigger", "refused_with_trigger"])
    if raw.empty:
        return pd.DataFrame(columns=["feature", "n_old", "rate_old", "n_new", "rate_new", "diff", "diff_low", "diff_high",
                                     "adj_diff", "adj_diff_low", "adj_diff_high"])
    everything = raw.groupby("model_version", as_index=False)[["n", "k", "with_trigger", "refused_with_trigger"]].sum()
    everything["feature"] = "(all features)"
    raw = pd.concat([raw, everything], ignore_index=True)
    raw["without_trigger"] = raw["n"] - raw["with_trigger"]
    raw["refused_without_trigger"] = raw["k"] - raw["refused_with_trigger"]
    rows = []
    for feature, group in raw.groupby("feature", sort=True):
        by_version = {r["model_version"]: r for _, r in group.iterrows()}
        o, n = by_version.get(old), by_version.get(new)
        row: dict[str, Any] = {"feature": feature}
        for tag, r in (("old", o), ("new", n)):
            row[f"n_{tag}"] = int(r["n"]) if r is not None else 0
            row[f"k_{tag}"] = int(r["k"]) if r is not None else 0
        for tag in ("old", "new"):
            lo, hi = wilson_interval(row[f"k_{tag}"], row[f"n_{tag}"])
            row[f"rate_{tag}"] = row[f"k_{tag}"] / row[f"n_{tag}"] if row[f"n_{tag}"] else float("nan")
            row[f"rate_{tag}_low"], row[f"rate_{tag}_high"] = float(lo), float(hi)
        d, lo, hi = newcombe_diff_interval(row["k_old"], row["n_old"], row["k_new"], row["n_new"])
        row["diff"], row["diff_low"], row["diff_high"] = float(d), float(lo), float(hi)
        if o is not None and n is not None:
            row["adj_diff"], row["adj_diff_low"], row["adj_diff_high"] = _mix_adjusted(o, n)
        else:
            row["adj_diff"] = row["adj_diff_low"] = row["adj_diff_high"] = float("nan")
        rows.append(row)
    frame = pd.DataFrame(rows)
    # The overall row last, features alphabetically before it.
    frame["_last"] = frame["feature"] == "(all features)"
    return frame.sort_values(["_last", "feature"]).drop(columns="_last").reset_index(drop=True)


# -- trigger cues ---------------------------------------------------------------------------------
def cue_stats(snapshot: Path, filters: Filters | None = None) -> pd.DataFrame:
    """Per cue: prompts, refusals, refusal rate (Wilson), lift over the selection's refusal rate,
    share judged benign and over-refusal suspects; highest lift first."""
    sql = f"""
        WITH base AS (
            SELECT sum(n_full_refusal + n_partial_refusal)::DOUBLE / nullif(sum(n_turns), 0) AS rate
            FROM refusal_windows WHERE {_WHERE}
        )
        SELECT cue, category, sum(n_prompts) AS prompts, sum(n_refused) AS refused,
               sum(n_benign_sense) AS benign_sense, sum(n_over_refusal_suspect) AS over_refusal_suspects,
               any_value((SELECT rate FROM base)) AS base_rate
        FROM cue_windows WHERE {_WHERE}
        GROUP BY ALL
    """
    frame = _ints(_filtered(snapshot, sql, filters), ["prompts", "refused", "benign_sense", "over_refusal_suspects"])
    frame = _with_rate(frame, "refused", "prompts", "refusal_rate")
    frame["lift"] = frame["refusal_rate"] / frame["base_rate"].where(frame["base_rate"] > 0)
    return frame.sort_values(["lift", "prompts", "cue"], ascending=[False, False, True], na_position="last").reset_index(drop=True)


def cue_version_matrix(snapshot: Path, filters: Filters | None = None) -> pd.DataFrame:
    """Per (cue, model version): prompts, refusals and refusal rate (Wilson), for the heat map."""
    sql = f"""
        SELECT cue, model_version, sum(n_prompts) AS prompts, sum(n_refused) AS refused
        FROM cue_windows WHERE {_WHERE}
        GROUP BY ALL ORDER BY cue, model_version
    """
    frame = _ints(_filtered(snapshot, sql, filters), ["prompts", "refused"])
    return _with_rate(frame, "refused", "prompts", "refusal_rate")


def rising_cues(snapshot: Path, filters: Filters | None, old: str, new: str, min_prompts: int = 5) -> pd.DataFrame:
    """Cues whose refusal rate rose most from ``old`` to ``new`` (both with >= min_prompts prompts),
    with Newcombe's interval of the rise; largest rise first."""
    base = filters or Filters()
    # The sidebar's version filter does not apply: the two versions are the comparison itself.
    matrix = cue_version_matrix(snapshot, Filters(base.start, base.end, base.features, ()))
    o = matrix[matrix["model_version"] == old].set_index("cue")
    n = matrix[matrix["model_version"] == new].set_index("cue")
    both = o.merge(n, left_index=True, right_index=True, how="inner", suffixes=("_old", "_new"))
    both = both[(both["prompts_old"] >= min_prompts) & (both["prompts_new"] >= min_prompts)]
    d, lo, hi = newcombe_diff_interval(both["refused_old"], both["prompts_old"], both["refused_new"], both["prompts_new"])
    out = pd.DataFrame({
        "cue": both.index,
        "prompts_old": both["prompts_old"].to_numpy(), "rate_old": both["refusal_rate_old"].to_numpy(),
        "prompts_new": both["prompts_new"].to_numpy(), "rate_new": both["refusal_rate_new"].to_numpy(),
        "rise": d, "rise_low": lo, "rise_high": hi,
    })
    return out.sort_values(["rise", "cue"], ascending=[False, True]).reset_index(drop=True)


# -- over-refusal 2x2 -----------------------------------------------------------------------------
def over_refusal_matrix(snapshot: Path, filters: Filters | None = None) -> pd.DataFrame:
    """Per model version the 2x2 of prompt judged benign/harmful x response refused/not refused.

    benign & refused = over-refusal suspects; "complied" means not refused (compliance or
    clarification). Also the over-refusal rate among benign prompts and the refusal rate among
    harmful-judged prompts, with Wilson bounds.
    """
    sql = f"""
        SELECT model_version, sum(n_turns) AS turns, sum(n_benign_prompt) AS benign,
               sum(n_over_refusal_suspect) AS benign_refused,
               sum(n_full_refusal + n_partial_refusal) AS refused
        FROM refusal_windows WHERE {_WHERE}
        GROUP BY ALL ORDER BY min(window_start), model_version
    """
    f = _ints(_filtered(snapshot, sql, filters), ["turns", "benign", "benign_refused", "refused"])
    f["benign_complied"] = f["benign"] - f["benign_refused"]
    f["harmful"] = f["turns"] - f["benign"]
    f["harmful_refused"] = f["refused"] - f["benign_refused"]
    f["harmful_complied"] = f["harmful"] - f["harmful_refused"]
    f = _with_rate(f, "benign_refused", "benign", "over_refusal_among_benign")
    f = _with_rate(f, "harmful_refused", "harmful", "refusal_among_harmful")
    return f[["model_version", "turns", "benign_complied", "benign_refused", "harmful_complied", "harmful_refused",
              "over_refusal_among_benign", "over_refusal_among_benign_low", "over_refusal_among_benign_high",
              "refusal_among_harmful", "refusal_among_harmful_low", "refusal_among_harmful_high"]]


# -- alerts and data quality ----------------------------------------------------------------------
def alerts_snapshot_path(settings: Settings) -> Path:
    """The read snapshot of the alert engine's store (``RM_ALERTS_STORE_PATH``, default
    RM_HOME/alerts.duckdb, with ``.snapshot.duckdb`` beside it).

    The dashboard's one place that knows where alerts live; it asks the engine's own definition
    (``pipelines.alerts.store``: plain paths and DuckDB, no Kafka) so the two cannot drift.
    """
    return engine_alerts_snapshot_path(settings)


def recent_alerts(path: Path, filters: Filters | None = None, limit: int = 50) -> pd.DataFrame:
    """Alerts whose evidence overlaps the selection, newest first (raises SnapshotMissingError
    when the alert engine has published nothing yet)."""
    sql = """
        SELECT created_at, severity, kind, metric, model_version, baseline_version, feature,
               rate_before, rate_after, diff_low, diff_high, n_before, n_after, message, method,
               top_cues_json, samples_json, window_start, window_end, detector_version, alert_id, dashboard_url
        FROM alerts
        WHERE ($start::TIMESTAMPTZ IS NULL OR window_end > $start::TIMESTAMPTZ)
          AND ($end::TIMESTAMPTZ IS NULL OR window_start < $end::TIMESTAMPTZ)
          AND (len($features::VARCHAR[]) = 0 OR list_contains($features::VARCHAR[], feature))
          AND (len($versions::VARCHAR[]) = 0 OR list_contains($versions::VARCHAR[], model_version)
               OR list_contains($versions::VARCHAR[], baseline_version))
        ORDER BY created_at DESC, alert_id
        LIMIT $limit
    """
    return _filtered(path, sql, filters, limit=int(limit))


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


def quality_incidents(path: Path, start: datetime | None, end: datetime | None) -> pd.DataFrame:
    """Failed expectations checked in [start, end): one row per expectation with how often it
    failed, first and last failure and the last observed value."""
    sql = """
        SELECT suite, expectation, count(*) AS failed_checks, min(checked_at) AS first_failed,
               max(checked_at) AS last_failed, arg_max(observed_value, checked_at) AS last_observed
        FROM quality_results
        WHERE NOT success
          AND ($start::TIMESTAMPTZ IS NULL OR checked_at >= $start::TIMESTAMPTZ)
          AND ($end::TIMESTAMPTZ IS NULL OR checked_at < $end::TIMESTAMPTZ)
        GROUP BY ALL ORDER BY failed_checks DESC, suite, expectation
    """
    return _frame(path, sql, {"start": start, "end": end})


# -- review ---------------------------------------------------------------------------------------
def review_samples(snapshot: Path, filters: Filters | None = None, reason: str | None = None,
                   refusal_label: str | None = None, limit: int = 50) -> pd.DataFrame:
    """Sampled refused turns behind the selection's numbers, over-refusal suspects first, newest
    windows first."""
    sql = f"""
        SELECT window_start, model_version, feature, detector_version, slot, n_candidates, turn_id,
               conversation_id, event_time, reason, refusal_label, refusal_score, prompt_risk,
               prompt, response, evidence_json, cues_json, redacted
        FROM review_samples
        WHERE {_WHERE}
          AND ($reason::VARCHAR IS NULL OR reason = $reason::VARCHAR)
          AND ($label::VARCHAR IS NULL OR refusal_label = $label::VARCHAR)
        ORDER BY reason = 'over_refusal_suspect' DESC, window_start DESC, model_version, feature, slot
        LIMIT $limit
    """
    return _filtered(snapshot, sql, filters, reason=reason, label=refusal_label, limit=int(limit))


def evidence_spans(text: str, spans_json: str) -> list[tuple[int, int, str]]:
    """(start, end, rule) of each evidence span located in ``text``.

    The offsets point into the raw response; the stored text may be redacted (different length),
    so a span whose offsets do not cut out its own text is found again by searching its text
    (case-insensitive, first occurrence not already highlighted). Spans found nowhere are left out.
    """
    try:
        items = json.loads(spans_json or "[]")
    except json.JSONDecodeError:
        return []
    found: list[tuple[int, int, str]] = []
    lower = text.lower()

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e, _ in found)

    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        snippet = str(item.get("text") or "")
        rule = str(item.get("rule") or item.get("term") or item.get("category") or "")
        start, end = item.get("start"), item.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text) \
                and (not snippet or text[start:end] == snippet) and free(start, end):
            found.append((start, end, rule))
            continue
        if not snippet:
            continue
        at = lower.find(snippet.lower())
        while at != -1 and not free(at, at + len(snippet)):
            at = lower.find(snippet.lower(), at + 1)
        if at != -1:
            found.append((at, at + len(snippet), rule))
    return sorted(found)


def highlight_html(text: str, spans_json: str, color: str = "#ffd54f") -> str:
    """``text`` HTML-escaped, with the located evidence spans wrapped in ``<mark>`` (rule as title)."""
    import html

    out, pos = [], 0
    for start, end, rule in evidence_spans(text, spans_json):
        out.append(html.escape(text[pos:start]))
        out.append(f'<mark title="{html.escape(rule)}" style="background:{color}">{html.escape(text[start:end])}</mark>')
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def detector_precision(labels: pd.DataFrame, filters: Filters | None = None) -> pd.DataFrame:
    """Measured precision per refusal class and model version from review labels.

    ``labels`` is ``dashboards.reviews.ReviewStore.labels()``: one vote per turn (its latest label,
    whoever gave it), restricted to the selection. precision = turns marked correct / turns
    labelled, with Wilson bounds.
    """
    cols = ["refusal_label", "model_version", "detector_version", "labelled", "correct", "precision",
            "precision_low", "precision_high"]
    f = filters or Filters()
    if not labels.empty:
        keep = pd.Series(True, index=labels.index)
        starts = pd.to_datetime(labels["window_start"], utc=True)
        if f.start is not None:
            keep &= starts >= pd.Timestamp(f.start)
        if f.end is not None:
            keep &= starts < pd.Timestamp(f.end)
        if f.features:
            keep &= labels["feature"].isin(f.features)
        if f.model_versions:
            keep &= labels["model_version"].isin(f.model_versions)
        labels = labels[keep]
    if labels.empty:
        return pd.DataFrame(columns=cols)
    latest = labels.sort_values("reviewed_at").groupby("turn_id", as_index=False).last()
    latest["is_correct"] = (latest["verdict"] == "correct").astype("int64")
    grouped = latest.groupby(["refusal_label", "model_version", "detector_version"], as_index=False).agg(
        labelled=("turn_id", "count"), correct=("is_correct", "sum"))
    grouped = _with_rate(grouped, "correct", "labelled", "precision")
    return grouped[cols].sort_values(["refusal_label", "model_version", "detector_version"]).reset_index(drop=True)


# -- time helpers shared by the sidebar and the report ----------------------------------------------
def iso_week_bounds(week: str) -> tuple[datetime, datetime]:
    """'2026-W47' -> (Monday 00:00 UTC, next Monday 00:00 UTC)."""
    try:
        year, wk = week.upper().split("-W")
        monday = datetime.fromisocalendar(int(year), int(wk), 1).replace(tzinfo=timezone.utc)
    except ValueError as exc:
        raise ValueError(f"week must look like 2026-W47 (ISO year-week), got {week!r}") from exc
    return monday, monday + timedelta(days=7)


def iso_week_of(moment: datetime) -> str:
    year, wk, _ = moment.isocalendar()
    return f"{year}-W{wk:02d}"

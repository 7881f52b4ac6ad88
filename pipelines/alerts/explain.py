"""Turn a Finding into an Alert a person can act on: which key, the rates before and after with
their intervals, the trigger cues whose refusal rate rose most, a few sample turns and a link.

Cues: for each cue seen in the "after" period, its rate (refusals among prompts with the cue; for
over-refusal, suspects among its benign-sense prompts) after and before, and its *lift*: the cue's
rate over the rate of prompts without any cue in the same period. Ranked by the rise of the cue's
rate (after − before); a cue not seen before ranks by its lift.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from urllib.parse import urlencode

import duckdb
import numpy as np

from pipelines.alerts.engine import Finding
from pipelines.alerts.stats import wilson_interval
from schemas.alerts import Alert, AlertSettings, Severity

__all__ = ["alert_id", "dashboard_url", "top_cues", "sample_turns", "build_alert", "METRIC_LABEL"]

METRIC_LABEL = {"refusal_rate": "refusal rate", "over_refusal_rate": "over-refusal rate"}
_TEXT_CHARS = 280


def alert_id(f: Finding) -> str:
    """Same kind, metric, key and episode → same id, run after run (the dedup key)."""
    raw = "|".join([f.kind, f.metric, f.model_version, f.baseline_version or "", f.feature, f.detector_version,
                    f.episode_start.isoformat()])
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def dashboard_url(host: str, port: int, model_version: str, feature: str) -> str:
    return f"http://{host}:{port}/?" + urlencode({"model_version": model_version, "feature": feature})


def _cue_absent(con: duckdb.DuckDBPyConnection, metric: str, versions: tuple[str, ...], feature: str, dv: str,
                start: datetime, end: datetime) -> tuple[float, float]:
    if metric == "refusal_rate":
        x, n = "n_full_refusal + n_partial_refusal - n_refused_with_trigger", "n_turns - n_with_trigger"
    else:
        x, n = "n_over_refusal_suspect - n_suspect_with_trigger", "n_benign_prompt - n_benign_with_trigger"
    row = con.execute(
        f"SELECT coalesce(sum({x}), 0), coalesce(sum({n}), 0) FROM refusal_windows "
        "WHERE model_version IN (SELECT unnest($v)) AND feature = $f AND detector_version = $d "
        "AND window_start >= $s AND window_start < $e",
        {"v": list(versions), "f": feature, "d": dv, "s": start, "e": end}).fetchone()
    return float(row[0]), float(row[1])


def _cue_counts(con: duckdb.DuckDBPyConnection, metric: str, versions: tuple[str, ...], feature: str, dv: str,
                start: datetime, end: datetime) -> dict[tuple[str, str], tuple[float, float]]:
    x, n = ("n_refused", "n_prompts") if metric == "refusal_rate" else ("n_over_refusal_suspect", "n_benign_sense")
    rows = con.execute(
        f"SELECT cue, category, sum({x}), sum({n}) FROM cue_windows "
        "WHERE model_version IN (SELECT unnest($v)) AND feature = $f AND detector_version = $d "
        "AND window_start >= $s AND window_start < $e GROUP BY cue, category",
        {"v": list(versions), "f": feature, "d": dv, "s": start, "e": end}).fetchall()
    return {(r[0], r[1]): (float(r[2] or 0), float(r[3] or 0)) for r in rows}


def _rate(x: float, n: float) -> float | None:
    return min(x / n, 1.0) if n > 0 else None


def top_cues(con: duckdb.DuckDBPyConnection, f: Finding, limit: int, min_prompts: int) -> list[dict]:
    """The cues whose rate rose most between the before and after periods of ``f``, with their lift."""
    if limit <= 0:
        return []
    after = _cue_counts(con, f.metric, (f.model_version,), f.feature, f.detector_version, f.episode_start, f.evidence_end)
    before = _cue_counts(con, f.metric, f.before_versions, f.feature, f.detector_version, f.before_start, f.before_end)
    absent_after = _rate(*_cue_absent(con, f.metric, (f.model_version,), f.feature, f.detector_version,
                                      f.episode_start, f.evidence_end))
    absent_before = _rate(*_cue_absent(con, f.metric, f.before_versions, f.feature, f.detector_version,
                                       f.before_start, f.before_end))
    out = []
    for (cue, category), (xa, na) in after.items():
        if na < min_prompts:
            continue
        xb, nb = before.get((cue, category), (0.0, 0.0))
        ra, rb = _rate(xa, na), _rate(xb, nb)
        lift_a = ra / absent_after if absent_after else None
        lift_b = rb / absent_before if (absent_before and rb is not None) else None
        rise = ra - rb if rb is not None and nb >= min_prompts else None
        out.append({"cue": cue, "category": category, "n_prompts_after": int(na), "rate_after": ra,
                    "n_prompts_before": int(nb), "rate_before": rb, "rise": rise,
                    "lift_after": lift_a, "lift_before": lift_b,
                    "cue_absent_rate_after": absent_after, "cue_absent_rate_before": absent_before})
    out.sort(key=lambda c: (c["rise"] is not None, c["rise"] if c["rise"] is not None else (c["lift_after"] or 0.0)),
             reverse=True)
    return out[:limit]


def sample_turns(con: duckdb.DuckDBPyConnection, f: Finding, limit: int) -> list[dict]:
    """A few sampled refused turns of the key in the after period (over-refusal: suspects only),
    newest windows first, texts as stored (redacted unless the store says otherwise) and cut short."""
    if limit <= 0:
        return []
    reason = "AND reason = 'over_refusal_suspect'" if f.metric == "over_refusal_rate" else ""
    rows = con.execute(
        "SELECT turn_id, conversation_id, event_time, reason, refusal_label, prompt, response, cues_json, redacted "
        "FROM review_samples WHERE model_version = $m AND feature = $f AND detector_version = $d "
        f"AND window_start >= $s AND window_start < $e {reason} ORDER BY window_start DESC, slot LIMIT $n",
        {"m": f.model_version, "f": f.feature, "d": f.detector_version, "s": f.episode_start, "e": f.evidence_end,
         "n": limit}).fetchall()
    out = []
    for r in rows:
        try:
            cues = [c.get("cue", c.get("term", c)) if isinstance(c, dict) else c for c in json.loads(r[7] or "[]")]
        except ValueError:
            cues = []
        out.append({"turn_id": r[0], "conversation_id": r[1], "event_time": str(r[2]), "reason": r[3],
                    "refusal_label": r[4], "prompt": (r[5] or "")[:_TEXT_CHARS], "response": (r[6] or "")[:_TEXT_CHARS],
                    "cues": cues, "redacted": bool(r[8])})
    return out


def _pct(v: float) -> str:
    return f"{100 * v:.2f}%"


def _message(f: Finding, severity: Severity, cues: list[dict], before_ci, after_ci, alpha: float) -> str:
    what = METRIC_LABEL[f.metric]
    if f.kind == "upgrade_comparison":
        head = (f"{what} of {f.model_version} on {f.feature} is higher than {f.baseline_version}'s: "
                f"{_pct(f.rate_after)} [{_pct(after_ci[0])}, {_pct(after_ci[1])}] over {f.n_after:,} turns vs "
                f"{_pct(f.rate_before)} [{_pct(before_ci[0])}, {_pct(before_ci[1])}] over {f.n_before:,}; "
                f"the cue-stratified increase is {_pct(f.diff)}, at least {_pct(f.diff_low)} "
                f"({100 * (1 - alpha):.0f}% confidence sequence, valid at every look).")
    else:
        head = (f"{what} of {f.model_version} on {f.feature} shifted up since {f.episode_start:%Y-%m-%d %H:%M} UTC: "
                f"{_pct(f.rate_after)} [{_pct(after_ci[0])}, {_pct(after_ci[1])}] over {f.n_after:,} turns, where the "
                f"baseline rates per cue stratum predict {_pct(f.expected_rate_after or 0.0)} for this prompt mix "
                f"(reference {_pct(f.rate_before)} over {f.n_before:,} turns); excess {_pct(f.diff)} "
                f"[{_pct(f.diff_low)}, {_pct(f.diff_high)}].")
    if cues:
        c = cues[0]
        lift = f", {c['lift_after']:.1f}x the cue-absent rate" if c.get("lift_after") else ""
        prev = f" (was {_pct(c['rate_before'])})" if c.get("rate_before") is not None else ""
        head += f" Top cue: '{c['cue']}' ({c['category']}) at {_pct(c['rate_after'])}{prev}{lift}."
    return f"[{severity}] {head}"


def build_alert(con: duckdb.DuckDBPyConnection, f: Finding, severity: Severity, fdr_discovery: bool, p_value: float,
                cfg: AlertSettings, dashboard_host: str, dashboard_port: int, now: datetime) -> Alert:
    """The Alert row for one Finding, with intervals, cues, samples, message and dashboard link."""
    b_low, b_high = (float(v) for v in wilson_interval(f.x_before, f.n_before, cfg.alpha))
    a_low, a_high = (float(v) for v in wilson_interval(f.x_after, f.n_after, cfg.alpha))
    cues = top_cues(con, f, cfg.top_cues, cfg.cue_min_prompts)
    samples = sample_turns(con, f, cfg.n_samples)
    return Alert(
        alert_id=alert_id(f), created_at=now, kind=f.kind, metric=f.metric, severity=severity,
        model_version=f.model_version, baseline_version=f.baseline_version, feature=f.feature,
        detector_version=f.detector_version, window_start=f.episode_start, window_end=f.evidence_end,
        n_before=f.n_before, n_after=f.n_after, rate_before=f.rate_before, rate_before_low=b_low,
        rate_before_high=b_high, rate_after=f.rate_after, rate_after_low=a_low, rate_after_high=a_high,
        diff_low=f.diff_low, diff_high=f.diff_high, method=f.method,
        top_cues_json=json.dumps(cues, default=_json_default), samples_json=json.dumps(samples, default=_json_default),
        message=_message(f, severity, cues, (b_low, b_high), (a_low, a_high), cfg.alpha),
        dashboard_url=dashboard_url(dashboard_host, dashboard_port, f.model_version, f.feature),
        diff=f.diff, expected_rate_after=f.expected_rate_after, statistic=f.statistic, threshold=f.threshold,
        p_value=float(np.exp(f.log_p)), fdr_discovery=fdr_discovery, last_seen_at=now,
    )


def _json_default(v: object) -> object:
    if isinstance(v, (np.floating, np.integer)):
        return v.item()
    return str(v)

"""From window counts to findings: which keys show a change, with the numbers behind it.

Input is a DataFrame of ``refusal_windows`` rows (any subset of the store); output is a list of
``Finding`` (what fired, on which key, with counts before/after and the bounds) and the weekly
table of ``Hypothesis`` (every key and metric tested, with an anytime-valid p-value) on which
``policy`` controls false discoveries. No I/O here: the frame comes from ``load_windows``.

Each metric is split into two strata by trigger-cue presence, so the detectors compare like with
like (``metric_counts``):

* refusal rate: with cue (n_refused_with_trigger / n_with_trigger), without cue (the rest);
* over-refusal rate: benign prompts with cue (n_suspect_with_trigger / n_benign_with_trigger),
  benign prompts without cue (the rest).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import get_args

import duckdb
import numpy as np
import pandas as pd
from scipy.stats import norm

from pipelines.alerts import stats
from schemas.alerts import AlertKind, AlertMetric, AlertSettings

__all__ = ["METRICS", "Finding", "Hypothesis", "load_windows", "metric_counts", "detect_spikes",
           "version_order", "detect_upgrades", "detect", "spike_threshold"]

METRICS: tuple[AlertMetric, ...] = get_args(AlertMetric)

_COUNT_COLUMNS = ("n_turns", "n_full_refusal", "n_partial_refusal", "n_with_trigger", "n_refused_with_trigger",
                  "n_benign_prompt", "n_over_refusal_suspect", "n_benign_with_trigger", "n_suspect_with_trigger")
_KEY = ["model_version", "feature", "detector_version"]


@dataclass(frozen=True)
class Finding:
    """A detector that fired on one key, with the evidence an Alert is built from."""

    kind: AlertKind
    metric: AlertMetric
    model_version: str
    feature: str
    detector_version: str
    baseline_version: str | None
    episode_start: datetime  # start of the "after" evidence (new version's first window / excursion start)
    evidence_end: datetime  # end of the newest window used
    before_versions: tuple[str, ...]  # whose windows form the "before" period
    before_start: datetime
    before_end: datetime
    x_before: int
    n_before: int
    x_after: int
    n_after: int
    diff: float
    diff_low: float
    diff_high: float
    expected_rate_after: float | None
    statistic: float
    threshold: float
    log_p: float
    method: str
    test_id: str  # the Hypothesis it belongs to

    @property
    def rate_before(self) -> float:
        return self.x_before / self.n_before if self.n_before else 0.0

    @property
    def rate_after(self) -> float:
        return self.x_after / self.n_after if self.n_after else 0.0


@dataclass(frozen=True)
class Hypothesis:
    """One row of the weekly table: a key and metric tested by one detector, and its p-value."""

    test_id: str
    log_p: float = field(default=0.0)


def load_windows(con: duckdb.DuckDBPyConnection, since: datetime, until: datetime | None = None) -> pd.DataFrame:
    """``refusal_windows`` rows whose window ended after ``since`` (and started before ``until``)."""
    until = until or datetime(9999, 1, 1, tzinfo=timezone.utc)
    df = con.execute(
        f"SELECT window_start, window_end, model_version, feature, detector_version, {', '.join(_COUNT_COLUMNS)} "
        "FROM refusal_windows WHERE window_end > $since AND window_start < $until ORDER BY window_start",
        {"since": since, "until": until},
    ).df()
    for col in ("window_start", "window_end"):
        df[col] = pd.to_datetime(df[col], utc=True)
    return df


def metric_counts(frame: pd.DataFrame, metric: AlertMetric) -> tuple[np.ndarray, np.ndarray]:
    """(x, n) of shape (rows, 2): stratum 0 = prompts with a trigger cue, 1 = without.

    Negative remainders (a row whose sub-counts are inconsistent, or not filled yet) are clipped to 0
    rather than trusted; the data-quality checks flag such rows.
    """
    f = {c: frame[c].to_numpy(dtype=float) for c in _COUNT_COLUMNS}
    if metric == "refusal_rate":
        x_all, n_all = f["n_full_refusal"] + f["n_partial_refusal"], f["n_turns"]
        x_cue, n_cue = f["n_refused_with_trigger"], f["n_with_trigger"]
    else:
        x_all, n_all = f["n_over_refusal_suspect"], f["n_benign_prompt"]
        x_cue, n_cue = f["n_suspect_with_trigger"], f["n_benign_with_trigger"]
    n_cue = np.clip(n_cue, 0, n_all)
    x_cue = np.clip(x_cue, 0, np.minimum(n_cue, x_all))
    x = np.stack([x_cue, np.clip(x_all - x_cue, 0, None)], axis=-1)
    n = np.stack([n_cue, np.clip(n_all - n_cue, 0, None)], axis=-1)
    return x, np.maximum(n, x)


def _dense(frame: pd.DataFrame, window_seconds: int, first: int, last: int) -> pd.DataFrame:
    """The key's rows on a dense grid of windows [first, last] (a missing window has zero counts)."""
    idx = ((frame["window_start"] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=window_seconds)).to_numpy()
    sums = frame[list(_COUNT_COLUMNS)].groupby(idx).sum()
    grid = sums.reindex(np.arange(first, last + 1), fill_value=0)
    grid.index.name = "window_index"
    return grid


def _ts(window_index: int, window_seconds: int) -> datetime:
    return datetime.fromtimestamp(int(window_index) * window_seconds, tz=timezone.utc)


def _test_id(kind: str, metric: str, mv: str, feature: str, dv: str, baseline: str | None = None) -> str:
    return "|".join([kind, metric, mv, baseline or "", feature, dv])


def spike_threshold(cfg: AlertSettings, window_seconds: int) -> float:
    """CUSUM threshold: ≤ ``spike_false_alarms_per_30d`` expected false alarms per key (both metrics)."""
    return stats.cusum_threshold(30 * 86400 / window_seconds, cfg.spike_false_alarms_per_30d, n_detectors=len(METRICS))


def detect_spikes(frame: pd.DataFrame, cfg: AlertSettings, window_seconds: int,
                  judged_since: datetime) -> tuple[list[Finding], list[Hypothesis]]:
    """Risk-adjusted Bernoulli CUSUM per key and metric over the windows of ``frame``.

    Every excursion of the CUSUM (a run of windows since it last stood at 0) that reaches the threshold
    and has windows after ``judged_since`` is a Finding; its "after" period is the excursion, its
    "before" period the reference of the excursion's first window.
    """
    findings: list[Finding] = []
    tests: list[Hypothesis] = []
    if frame.empty:
        return findings, tests
    ref_w = max(1, int(round(cfg.reference_hours * 3600 / window_seconds)))
    lag_w = int(round(cfg.reference_lag_minutes * 60 / window_seconds))
    h = spike_threshold(cfg, window_seconds)
    z = float(norm.ppf(1 - cfg.alpha / 2))
    judged_idx = int(judged_since.timestamp()) // window_seconds
    for (mv, feature, dv), g in frame.groupby(_KEY, sort=True):
        first = int(g["window_start"].min().timestamp()) // window_seconds
        last = int(g["window_start"].max().timestamp()) // window_seconds
        dense = _dense(g, window_seconds, first, last)
        for metric in METRICS:
            x, n = metric_counts(dense, metric)
            w, p0, active = stats.risk_adjusted_increments(x, n, ref_w, lag_w, cfg.prior_strength,
                                                           cfg.spike_odds_ratio, cfg.min_turns)
            judged = active & (dense.index.to_numpy() >= judged_idx)
            if not judged.any():
                continue
            s, start = stats.cusum_path(w)
            test_id = _test_id("spike", metric, mv, feature, dv)
            log_p = float(stats.cusum_log_p_value(s[judged].max(), judged.sum()))
            tests.append(Hypothesis(test_id, log_p))
            x_ref = stats.trailing_sums(x, ref_w, lag_w)
            n_ref = stats.trailing_sums(n, ref_w, lag_w)
            for st in np.unique(start[(s > h) & judged]):
                seg = np.flatnonzero((start == st) & (s > 0))
                seg = seg[seg >= st]
                if seg.size == 0:
                    continue
                end = int(seg[-1])
                sl = slice(int(st), end + 1)
                xa, na = x[sl].sum(), n[sl].sum()
                expected = float((n[sl] * p0[sl]).sum())
                rate_a = xa / na if na else 0.0
                diff = (xa - expected) / na if na else 0.0
                half = z * np.sqrt(max(rate_a * (1 - rate_a), 1e-9) / max(na, 1))
                findings.append(Finding(
                    kind="spike", metric=metric, model_version=mv, feature=feature, detector_version=dv,
                    baseline_version=None, episode_start=_ts(dense.index[st], window_seconds),
                    evidence_end=_ts(dense.index[end] + 1, window_seconds), before_versions=(mv,),
                    before_start=_ts(dense.index[st] - lag_w - ref_w, window_seconds),
                    before_end=_ts(dense.index[st] - lag_w, window_seconds),
                    x_before=int(x_ref[st].sum()), n_before=int(n_ref[st].sum()), x_after=int(xa), n_after=int(na),
                    diff=float(diff), diff_low=float(diff - half), diff_high=float(diff + half),
                    expected_rate_after=expected / na if na else None,
                    statistic=float(s[sl].max()), threshold=h, log_p=log_p,
                    method=f"risk-adjusted-bernoulli-cusum(odds_ratio={cfg.spike_odds_ratio:g})", test_id=test_id,
                ))
    return findings, tests


def version_order(g: pd.DataFrame) -> list[tuple[str, pd.Timestamp]]:
    """The versions serving one feature in the order they started: by first window, and for versions
    that appear in the same window (a rollout that starts at once), the one with more turns in the
    hour after it first, since the incumbent carries most traffic while a new version ramps up."""
    firsts = g.groupby("model_version")["window_start"].min()
    order = []
    for version, first in firsts.items():
        early = g[(g["model_version"] == version) & (g["window_start"] < first + pd.Timedelta(hours=1))]["n_turns"].sum()
        order.append((first, -int(early), version))
    return [(v, t) for t, _e, v in sorted(order)]


def detect_upgrades(frame: pd.DataFrame, cfg: AlertSettings, window_seconds: int, now: datetime,
                    data_since: datetime | None = None) -> tuple[list[Finding], list[Hypothesis]]:
    """Confidence-sequence comparison of each new version with the previous one, per feature.

    A version is "new" while its first window is within ``upgrade_horizon_hours`` of ``now`` and
    after ``data_since`` (where the frame was cut, so a start there is not a start); the previous
    version is the one before it in ``version_order``. Both versions' windows from the new one's
    first window on count (a rollout serves both), plus the old one's ``baseline_hours`` before it.
    """
    findings: list[Finding] = []
    tests: list[Hypothesis] = []
    if frame.empty:
        return findings, tests
    horizon = now - timedelta(hours=cfg.upgrade_horizon_hours)
    cut = pd.Timestamp(data_since) + pd.Timedelta(seconds=window_seconds) if data_since else None
    for (feature, dv), g in frame.groupby(["feature", "detector_version"], sort=True):
        order = version_order(g)
        for (old_version, _old_start), (new_version, new_start) in zip(order, order[1:]):
            if new_start < horizon or (cut is not None and new_start <= cut):
                continue
            base_from = new_start - timedelta(hours=cfg.baseline_hours)
            first = int(base_from.timestamp()) // window_seconds
            last = int(g["window_start"].max().timestamp()) // window_seconds
            first_new = int(new_start.timestamp()) // window_seconds
            old = _dense(g[(g["model_version"] == old_version) & (g["window_start"] >= base_from)], window_seconds, first, last)
            new = _dense(g[g["model_version"] == new_version], window_seconds, first, last)
            for metric in METRICS:
                margin = cfg.refusal_margin if metric == "refusal_rate" else cfg.over_refusal_margin
                xo, no = metric_counts(old, metric)
                xn, nn = metric_counts(new, metric)
                cxo, cno = np.cumsum(xo, axis=0), np.cumsum(no, axis=0)
                cxn, cnn = np.cumsum(xn, axis=0), np.cumsum(nn, axis=0)
                k0 = first_new - first  # comparisons start with the new version's first window
                cxo, cno, cxn, cnn = cxo[k0:], cno[k0:], cxn[k0:], cnn[k0:]
                if cno[-1].sum() <= 0 or cnn[-1].sum() <= 0:
                    continue
                p_plan = float(np.clip(cxo[0].sum() / max(cno[0].sum(), 1), 0.01, 0.5))
                rho = stats.mixture_rho(cfg.cs_design_turns / (p_plan * (1 - p_plan)), cfg.alpha)
                cs = stats.confidence_sequence(cxo, cno, cxn, cnn, margin, cfg.alpha, rho)
                usable = (cno.sum(-1) >= cfg.min_turns) & (cnn.sum(-1) >= cfg.min_turns)
                test_id = _test_id("upgrade_comparison", metric, new_version, feature, dv, old_version)
                if not usable.any():
                    continue
                log_p = float(-max(cs.log_e[usable].max(), 0.0))
                tests.append(Hypothesis(test_id, log_p))
                if cs.first_crossing(margin, usable) is None:
                    continue
                findings.append(Finding(
                    kind="upgrade_comparison", metric=metric, model_version=new_version, feature=feature,
                    detector_version=dv, baseline_version=old_version, episode_start=new_start.to_pydatetime(),
                    evidence_end=_ts(last + 1, window_seconds), before_versions=(old_version,),
                    before_start=base_from.to_pydatetime(), before_end=_ts(last + 1, window_seconds),
                    x_before=int(cxo[-1].sum()), n_before=int(cno[-1].sum()),
                    x_after=int(cxn[-1].sum()), n_after=int(cnn[-1].sum()),
                    diff=float(cs.diff[-1]), diff_low=float(cs.low[-1]), diff_high=float(cs.high[-1]),
                    expected_rate_after=None, statistic=float(cs.log_e[-1]), threshold=float(np.log(1 / cfg.alpha)),
                    log_p=log_p, method=f"stratified-confidence-sequence(alpha={cfg.alpha:g}, margin={margin:g})",
                    test_id=test_id,
                ))
    return findings, tests


def detect(frame: pd.DataFrame, cfg: AlertSettings, window_seconds: int, now: datetime,
           data_since: datetime | None = None) -> tuple[list[Finding], list[Hypothesis]]:
    """Both detectors over ``frame`` (which should reach ``reference_hours`` + lag before the lookback;
    ``data_since`` is where it was cut)."""
    judged_since = now - timedelta(days=cfg.lookback_days)
    spikes, spike_tests = detect_spikes(frame, cfg, window_seconds, judged_since)
    upgrades, upgrade_tests = detect_upgrades(frame, cfg, window_seconds, now, data_since)
    return spikes + upgrades, spike_tests + upgrade_tests

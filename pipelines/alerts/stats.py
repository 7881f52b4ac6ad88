"""The statistics of the alert engine: pure numpy/scipy functions, no I/O, no settings object.

Counts come in per stratum (last axis; here two strata: prompts with and without a trigger cue)
and, where there is time, along the axis before it. Two detectors, both mix-adjusted:

* **Upgrade comparison** — an asymptotic *confidence sequence* (Waudby-Smith, Arnold, Wu, Howard &
  Ramdas, "Time-uniform central limit theory and asymptotic confidence sequences", Ann. Stat. 2024)
  for the stratified difference of proportions Δ = Σ_s w_s (p_new,s − p_old,s), w = the new version's
  prompt mix. The estimate on the information scale, S = (Δ̂ − Δ)·I with I = 1/Var(Δ̂), is a Brownian
  motion in information time (both versions' rates are running means), so the two-sided normal-mixture
  boundary of Robbins / Howard et al. (2021, eq. 14) bounds it at every look at once:
  |S| < sqrt((I+ρ) log((I+ρ)/(ρ α²))). The interval may therefore be recomputed every minute for
  days with total error ≤ α — what a repeated fixed-n z-test cannot do.
* **Spike within a version** — the risk-adjusted Bernoulli CUSUM of Steiner, Cook, Farewell &
  Treasure (Biostatistics 2000), aggregated over the turns of a window: every turn of stratum s adds
  the log-likelihood ratio of "odds × R" against the baseline rate p0_s, so the expected rate follows
  the prompt mix. The threshold h comes from Ville's inequality: a CUSUM started at any window
  crosses h under the baseline with probability ≤ e^-h, so over W windows the expected number of
  false alarms is ≤ W e^-h, whatever the volume and the mix (``cusum_threshold``).

Multiple keys: ``benjamini_hochberg`` (scipy.stats.false_discovery_control) on anytime-valid
p-values: 1/sup e-value for the confidence sequence, W·e^-max S for the CUSUM.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = [
    "wilson_interval",
    "stratified_difference",
    "mixture_rho",
    "mixture_radius",
    "log_one_sided_mixture",
    "ConfidenceSequence",
    "confidence_sequence",
    "shrunk_rates",
    "trailing_sums",
    "cusum_increments",
    "risk_adjusted_increments",
    "cusum_path",
    "cusum_alarms",
    "cusum_threshold",
    "cusum_log_p_value",
    "benjamini_hochberg",
]

_EPS = 1e-6


def wilson_interval(x: np.ndarray | float, n: np.ndarray | float, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion x/n (vectorised); [0, 1] where n = 0."""
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    z = stats.norm.ppf(1 - alpha / 2)
    safe_n = np.where(n > 0, n, 1.0)
    p = x / safe_n
    denom = 1 + z * z / safe_n
    centre = (p + z * z / (2 * safe_n)) / denom
    half = z * np.sqrt(p * (1 - p) / safe_n + z * z / (4 * safe_n * safe_n)) / denom
    low = np.where(n > 0, np.clip(centre - half, 0, 1), 0.0)
    high = np.where(n > 0, np.clip(centre + half, 0, 1), 1.0)
    return low, high


def stratified_difference(
    x_old: np.ndarray, n_old: np.ndarray, x_new: np.ndarray, n_new: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Mix-adjusted difference Σ_s w_s (p_new,s − p_old,s) and its variance (strata on the last axis).

    Weights are the new version's share of each stratum among strata both versions have seen, so a
    change in what users ask (more trigger-word prompts) moves the weights, not the difference.
    Rates inside the variance are pulled off 0 and 1 ((x+½)/(n+1)) so an empty stratum never claims
    zero variance. Where there is no usable stratum the difference is 0 and the variance infinite.
    """
    x_old, n_old, x_new, n_new = (np.asarray(a, dtype=float) for a in (x_old, n_old, x_new, n_new))
    both = (n_old > 0) & (n_new > 0)
    w = np.where(both, n_new, 0.0)
    total = w.sum(axis=-1, keepdims=True)
    w = np.divide(w, total, out=np.zeros_like(w), where=total > 0)
    p_old = np.divide(x_old, n_old, out=np.zeros_like(x_old), where=n_old > 0)
    p_new = np.divide(x_new, n_new, out=np.zeros_like(x_new), where=n_new > 0)
    diff = (w * (p_new - p_old)).sum(axis=-1)
    v_old = (x_old + 0.5) / (n_old + 1)
    v_new = (x_new + 0.5) / (n_new + 1)
    per_stratum = np.where(
        both,
        v_old * (1 - v_old) / np.where(n_old > 0, n_old, 1) + v_new * (1 - v_new) / np.where(n_new > 0, n_new, 1),
        0.0,
    )
    var = (w * w * per_stratum).sum(axis=-1)
    var = np.where(total[..., 0] > 0, var, np.inf)
    return diff, var


def mixture_rho(design_info: float, alpha: float) -> float:
    """Mixture precision ρ that makes the boundary tightest near information ``design_info``
    (Howard et al. 2021, the choice minimising the normal-mixture boundary at one intrinsic time)."""
    log_inv = np.log(1 / alpha)
    return float(design_info / (2 * log_inv + np.log(1 + 2 * log_inv)))


def mixture_radius(info: np.ndarray, alpha: float, rho: float) -> np.ndarray:
    """Half-width, on the estimate's scale, of the two-sided normal-mixture confidence sequence."""
    info = np.asarray(info, dtype=float)
    v = info + rho
    with np.errstate(divide="ignore", invalid="ignore"):
        radius = np.sqrt(v * np.log(v / (rho * alpha * alpha))) / info
    return np.where(info > 0, radius, np.inf)


def log_one_sided_mixture(s: np.ndarray, info: np.ndarray, rho: float) -> np.ndarray:
    """log of the half-normal mixture e-process for H0: Δ ≤ m, with s = (Δ̂ − m)·I.

    M = 2 sqrt(ρ/(I+ρ)) exp(s²/(2(I+ρ))) Φ(s/sqrt(I+ρ)) is a nonnegative supermartingale under
    every Δ ≤ m, so 1/sup M is an anytime-valid p-value (used for the weekly BH table).
    """
    s = np.asarray(s, dtype=float)
    v = np.asarray(info, dtype=float) + rho
    return np.log(2.0) + 0.5 * np.log(rho / v) + s * s / (2 * v) + stats.norm.logcdf(s / np.sqrt(v))


@dataclass(frozen=True)
class ConfidenceSequence:
    """A confidence sequence along time (arrays over the time axis)."""

    diff: np.ndarray  # point estimate Δ̂_t
    low: np.ndarray  # running-intersection lower bound (never decreases)
    high: np.ndarray  # running-intersection upper bound (never increases)
    info: np.ndarray  # 1 / Var(Δ̂_t)
    log_e: np.ndarray  # running max of the log e-process against the margin

    def first_crossing(self, margin: float, usable: np.ndarray | None = None) -> int | None:
        """Index of the first time the lower bound exceeds ``margin`` (where ``usable``), else None."""
        hit = self.low > margin
        if usable is not None:
            hit &= usable
        idx = np.flatnonzero(hit)
        return int(idx[0]) if idx.size else None


def confidence_sequence(
    x_old: np.ndarray, n_old: np.ndarray, x_new: np.ndarray, n_new: np.ndarray,
    margin: float, alpha: float, rho: float,
) -> ConfidenceSequence:
    """Confidence sequence for the mix-adjusted increase, from *cumulative* counts of shape (..., T, S).

    The bounds are intersected over time (a running max / min), which keeps the guarantee and makes
    them monotone, so an alert that fired is not withdrawn by the next noisy minute.
    """
    diff, var = stratified_difference(x_old, n_old, x_new, n_new)
    with np.errstate(divide="ignore"):
        info = np.where(np.isfinite(var) & (var > 0), 1.0 / var, 0.0)
    radius = mixture_radius(info, alpha, rho)
    low = np.maximum.accumulate(np.where(np.isfinite(radius), diff - radius, -1.0), axis=-1)
    high = np.minimum.accumulate(np.where(np.isfinite(radius), diff + radius, 1.0), axis=-1)
    log_e = np.where(info > 0, log_one_sided_mixture((diff - margin) * info, info, rho), -np.inf)
    return ConfidenceSequence(diff=diff, low=low, high=high, info=info,
                              log_e=np.maximum.accumulate(log_e, axis=-1))


def shrunk_rates(x_ref: np.ndarray, n_ref: np.ndarray, prior_strength: float) -> np.ndarray:
    """Per-stratum baseline rates, each pulled toward the pooled rate by ``prior_strength`` pseudo-turns
    (a thin stratum borrows from the others instead of claiming a rate of 0)."""
    x_ref = np.asarray(x_ref, dtype=float)
    n_ref = np.asarray(n_ref, dtype=float)
    n_tot = n_ref.sum(axis=-1, keepdims=True)
    pooled = np.divide(x_ref.sum(axis=-1, keepdims=True), n_tot, out=np.full_like(n_tot, np.nan), where=n_tot > 0)
    rates = (x_ref + prior_strength * pooled) / (n_ref + prior_strength)
    rates = np.where(n_ref + prior_strength > 0, rates, pooled)
    return np.clip(rates, _EPS, 1 - _EPS)


def trailing_sums(a: np.ndarray, width: int, lag: int, axis: int = 0) -> np.ndarray:
    """Sum of ``a`` over positions [t − lag − width, t − lag) along ``axis``, for every t (0 before the start)."""
    a = np.moveaxis(np.asarray(a, dtype=float), axis, 0)
    c = np.concatenate([np.zeros((1, *a.shape[1:])), np.cumsum(a, axis=0)], axis=0)
    t = np.arange(a.shape[0])
    hi = np.clip(t - lag, 0, a.shape[0])
    lo = np.clip(t - lag - width, 0, a.shape[0])
    return np.moveaxis(c[hi] - c[lo], 0, axis)


def cusum_increments(x: np.ndarray, n: np.ndarray, p0: np.ndarray, odds_ratio: float) -> np.ndarray:
    """Per-window log-likelihood ratio of "odds × R" against baseline rates p0, summed over strata.

    For a turn of stratum s the Steiner et al. weight is y·log R − log(1 − p0_s + R·p0_s); a window
    with x_s refusals in n_s turns adds x_s·log R − n_s·log(1 + (R−1)·p0_s).
    """
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    return (x * np.log(odds_ratio) - n * np.log1p((odds_ratio - 1) * np.asarray(p0, dtype=float))).sum(axis=-1)


def risk_adjusted_increments(
    x: np.ndarray, n: np.ndarray, ref_windows: int, lag_windows: int, prior_strength: float,
    odds_ratio: float, min_reference_turns: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The spike detector's inputs from per-window counts of shape (..., T, S).

    For every window the baseline rate of each stratum comes from the same key's trailing
    ``ref_windows`` windows ending ``lag_windows`` before it (``trailing_sums``), shrunk toward the
    pooled rate. Returns (increments (..., T), baseline rates (..., T, S), active (..., T)), where
    ``active`` marks windows whose reference is complete and holds at least ``min_reference_turns``
    turns.
    """
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    axis = x.ndim - 2
    x_ref = trailing_sums(x, ref_windows, lag_windows, axis=axis)
    n_ref = trailing_sums(n, ref_windows, lag_windows, axis=axis)
    # judged only with a complete reference (the key served for lag + width windows) of enough turns:
    # a reference of a few early windows would make a noisy baseline look like a shift
    complete = np.arange(x.shape[-2]) >= lag_windows + ref_windows
    active = (n_ref.sum(axis=-1) >= min_reference_turns) & complete
    p0 = shrunk_rates(x_ref, n_ref, prior_strength)
    p0 = np.where(np.isfinite(p0), p0, 0.5)
    w = np.where(active, cusum_increments(x, n, p0, odds_ratio), 0.0)
    return w, p0, active


def cusum_path(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Page's CUSUM S_t = max(0, S_{t−1} + w_t) along the last axis, without restarts, and for each t the
    index where the current excursion began (the window after the last S = 0).

    Vectorised: S_t = C_t − min(0, C_1..C_t) with C the cumulative sum.
    """
    w = np.asarray(w, dtype=float)
    c = np.cumsum(w, axis=-1)
    running_min = np.minimum.accumulate(np.minimum(c, 0.0), axis=-1)
    s = c - running_min
    # excursion start: one past the last index where S was 0 (or 0 if it never was)
    t = np.arange(w.shape[-1])
    zero_at = np.where(s <= 0, t, -1)
    start = np.maximum.accumulate(zero_at, axis=-1) + 1
    return s, np.minimum(start, w.shape[-1] - 1)


def cusum_alarms(w: np.ndarray, h: float, active: np.ndarray | None = None) -> np.ndarray:
    """Alarms of Page's CUSUM with a restart at 0 after each alarm (time on the last axis; vectorised
    over the leading axes). ``active`` (same shape, bool) marks windows the detector may judge; the
    statistic stays at 0 elsewhere. Returns a boolean array of alarm windows."""
    w = np.asarray(w, dtype=float)
    active = np.ones(w.shape, dtype=bool) if active is None else np.asarray(active, dtype=bool)
    s = np.zeros(w.shape[:-1])
    alarms = np.zeros(w.shape, dtype=bool)
    for t in range(w.shape[-1]):
        s = np.where(active[..., t], np.maximum(0.0, s + w[..., t]), 0.0)
        fired = s > h
        alarms[..., t] = fired
        s = np.where(fired, 0.0, s)
    return alarms


def cusum_threshold(windows: float, false_alarms: float, n_detectors: int = 1) -> float:
    """h with at most ``false_alarms`` expected false alarms over ``windows`` windows, shared by
    ``n_detectors`` CUSUMs: each start crosses h with probability ≤ e^-h (Ville), so h = log(n·W/FA)."""
    return float(np.log(n_detectors * windows / false_alarms))


def cusum_log_p_value(max_s: float | np.ndarray, n_windows: float | np.ndarray) -> np.ndarray:
    """log of an anytime-valid p-value for "no shift in these windows": Bonferroni over the starts,
    p = min(1, W·e^-max S)."""
    return np.minimum(0.0, np.log(np.maximum(np.asarray(n_windows, dtype=float), 1.0)) - np.asarray(max_s, dtype=float))


def benjamini_hochberg(p_values: np.ndarray, q: float) -> np.ndarray:
    """Discoveries of the Benjamini-Hochberg procedure at level q (scipy's adjusted p-values ≤ q)."""
    p = np.asarray(p_values, dtype=float)
    if p.size == 0:
        return np.zeros(0, dtype=bool)
    return stats.false_discovery_control(np.clip(p, 0.0, 1.0), method="bh") <= q

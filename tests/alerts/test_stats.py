"""The statistics on simulated streams: null streams stay quiet at the stated rate, a known shift
fires, and a change in the prompt mix alone does not."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from pipelines.alerts import stats

P = np.array([0.09, 0.015])  # refusal rate with / without a trigger cue


def windows(rng, k, t, per_window=170, share=0.2, p=P):
    n_tot = rng.poisson(per_window, size=(k, t))
    n_trig = rng.binomial(n_tot, share)
    n = np.stack([n_trig, n_tot - n_trig], axis=-1).astype(float)
    return rng.binomial(n.astype(int), p).astype(float), n


def test_wilson_interval_matches_scipy():
    low, high = stats.wilson_interval(np.array([3, 0, 50]), np.array([100, 20, 50]))
    for i, (x, n) in enumerate([(3, 100), (0, 20), (50, 50)]):
        ci = sps.binomtest(x, n).proportion_ci(method="wilson")
        assert low[i] == pytest.approx(ci.low, abs=1e-9) and high[i] == pytest.approx(ci.high, abs=1e-9)


def test_stratified_difference_ignores_a_mix_change():
    # same within-stratum rates, very different mix: raw rates differ, the adjusted difference does not
    x_old, n_old = np.array([90.0, 150.0]), np.array([1000.0, 10000.0])
    x_new, n_new = np.array([900.0, 15.0]), np.array([10000.0, 1000.0])
    diff, var = stats.stratified_difference(x_old, n_old, x_new, n_new)
    raw = x_new.sum() / n_new.sum() - x_old.sum() / n_old.sum()
    assert raw > 0.05
    assert abs(diff) < 1e-12 and 0 < var < 1e-4


def test_trailing_sums_and_cusum_path_match_their_definitions():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 9, size=50).astype(float)
    got = stats.trailing_sums(a, width=7, lag=3)
    want = [a[max(0, t - 10):max(0, t - 3)].sum() for t in range(50)]
    assert np.allclose(got, want)
    w = rng.normal(-0.2, 1.0, size=200)
    s, start = stats.cusum_path(w)
    ref, prev, last_zero = [], 0.0, -1
    for t, v in enumerate(w):
        prev = max(0.0, prev + v)
        ref.append(prev)
        if prev == 0:
            last_zero = t
        if prev > 0:
            assert start[t] == last_zero + 1
    assert np.allclose(s, ref)


def test_confidence_sequence_keeps_its_level_over_many_looks_where_a_repeated_z_test_does_not():
    rng = np.random.default_rng(1)
    k, t = 400, 300
    xo, no = windows(rng, k, t, per_window=40)
    xn, nn = windows(rng, k, t, per_window=40)
    c = [np.cumsum(a, axis=1) for a in (xo, no, xn, nn)]
    alpha = 0.05
    rho = stats.mixture_rho(2000 / (0.03 * 0.97), alpha)
    cs = stats.confidence_sequence(*c, margin=0.0, alpha=alpha, rho=rho)
    ever_excludes_zero = ((cs.low > 0) | (cs.high < 0)).any(axis=1).mean()
    assert ever_excludes_zero <= alpha  # observed ~0.01: the mixture boundary is conservative
    diff, var = stats.stratified_difference(*c)
    z = diff / np.sqrt(var)
    naive = (np.abs(z) > 1.96).any(axis=1).mean()
    assert naive > 2 * alpha  # peeking at a fixed-n test 300 times inflates its error


def test_confidence_sequence_finds_a_real_increase_and_not_a_mix_shift():
    rng = np.random.default_rng(2)
    k, t = 50, 288
    xo, no = windows(rng, k, t)
    odds = P / (1 - P) * 2.06
    xn, nn = windows(rng, k, t, p=odds / (1 + odds))  # 3 % -> 6 %
    xm, nm = windows(rng, k, t, share=0.5)  # more trigger prompts, same model
    c_old = [np.cumsum(a, axis=1) for a in (xo, no)]
    rho = stats.mixture_rho(4000 / (0.03 * 0.97), 0.05)
    up = stats.confidence_sequence(*c_old, np.cumsum(xn, 1), np.cumsum(nn, 1), 0.01, 0.05, rho)
    mix = stats.confidence_sequence(*c_old, np.cumsum(xm, 1), np.cumsum(nm, 1), 0.01, 0.05, rho)
    assert (up.low[:, -1] > 0.01).all()
    assert not (mix.low > 0.01).any()
    assert (np.diff(up.low, axis=1) >= 0).all()  # running intersection: bounds never loosen


def _cusum_alarms(x, n, share_reference_only=False, **kw):
    args = dict(ref_windows=288, lag_windows=12, prior_strength=10.0, odds_ratio=2.0, min_reference_turns=500)
    args.update(kw)
    if share_reference_only:  # the unadjusted variant: one pooled stratum
        x, n = x.sum(-1, keepdims=True), n.sum(-1, keepdims=True)
    w, _p0, active = stats.risk_adjusted_increments(x, n, **args)
    h = stats.cusum_threshold(30 * 288, 1.0, n_detectors=2)
    return stats.cusum_alarms(w, h, active), active


def test_cusum_on_null_streams_stays_within_the_stated_false_alarm_rate():
    rng = np.random.default_rng(3)
    x, n = windows(rng, 40, 300 + 30 * 288)
    alarms, active = _cusum_alarms(x, n)
    assert active[:, 300:].all()
    per_key_30d = alarms.sum() / 40
    assert per_key_30d <= 1.0  # the bound, per key, for both metrics together; observed ~0.1


def test_cusum_detects_a_known_shift_and_ignores_a_mix_shift_that_an_unadjusted_cusum_flags():
    rng = np.random.default_rng(4)
    t0, t = 310, 310 + 72
    x, n = windows(rng, 30, t)
    odds = P / (1 - P) * 2.06
    xs, ns = windows(rng, 30, t - t0, p=odds / (1 + odds))
    shifted_x, shifted_n = x.copy(), n.copy()
    shifted_x[:, t0:], shifted_n[:, t0:] = xs, ns
    alarms, _ = _cusum_alarms(shifted_x, shifted_n)
    first = np.where(alarms[:, t0:].any(1), alarms[:, t0:].argmax(1), 10**6)
    assert (first < 72).all() and np.median(first) <= 6  # <= 30 minutes of 5-minute windows
    assert not alarms[:, :t0].any()

    xm, nm = windows(rng, 30, t - t0, share=0.45)
    mix_x, mix_n = x.copy(), n.copy()
    mix_x[:, t0:], mix_n[:, t0:] = xm, nm
    adjusted, _ = _cusum_alarms(mix_x, mix_n)
    unadjusted, _ = _cusum_alarms(mix_x, mix_n, share_reference_only=True)
    assert not adjusted[:, t0:].any()
    assert unadjusted[:, t0:].any(1).mean() > 0.9


def test_threshold_and_p_value_follow_the_ville_bound():
    h = stats.cusum_threshold(8640, 1.0, n_detectors=2)
    assert h == pytest.approx(np.log(17280))
    assert stats.cusum_log_p_value(h, 8640) == pytest.approx(np.log(0.5))
    assert stats.cusum_log_p_value(0.1, 10) == 0.0  # capped at p = 1


def test_benjamini_hochberg_discoveries():
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    assert stats.benjamini_hochberg(p, 0.05).tolist() == [True, True] + [False] * 8
    assert stats.benjamini_hochberg(np.array([]), 0.1).size == 0

"""Evaluation harness of the alert engine's detectors on simulated streams with known truth.

Run: ``.venv/bin/python benchmarks/bench_alerts.py`` (about a minute on 2 cores; ``--quick`` for a
smaller run). Prints tables and writes ``benchmarks/results/alerts.json``.

Every stream is one key (model version × feature) in 5-minute windows at the stated turns/hour
(constant for the change points, as the targets state them; with a ±50 % daily cycle for the null,
mix-shift and upgrade streams and one extra change-point row) and two prompt strata: with a trigger cue (20 % of prompts,
refused 9 %) and without (80 %, refused 1.5 %), i.e. a 3 % refusal rate. Scenarios:

* ``null``       — 30 days, nothing changes: false alarms per key per 30 days.
* ``change``     — after 26 h the odds of refusal in both strata rise so the rate goes 3 % → 4.5 / 6 / 9 %:
                   detection delay in minutes and turns after the change (the change falls at a random
                   moment inside a window; delay runs to the end of the window that alarmed).
* ``mix_shift``  — after 26 h the trigger share goes 20 % → 45 %, rates within each stratum unchanged:
                   the raw rate rises to ~4.9 %, yet the model did not change; any alarm is false.

Detectors, on the same draws: the engine's risk-adjusted Bernoulli CUSUM (``pipelines.alerts.stats``,
the settings' defaults), and two naive baselines on the raw window rate: a fixed threshold (5 %) and
mean + 3 sd of the trailing 24 h of window rates. The upgrade comparison (confidence sequence) is
evaluated on rollouts of a new version: equal rates, 3 % → 6 %, and a new version whose users send
more trigger prompts, against a naive repeated z-test (peeking).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.alerts.stats import (  # noqa: E402
    confidence_sequence,
    cusum_alarms,
    cusum_threshold,
    mixture_rho,
    risk_adjusted_increments,
)
from schemas.alerts import AlertSettings  # noqa: E402

WINDOW_S = 300
PER_HOUR = 3600 // WINDOW_S
PER_DAY = 24 * PER_HOUR
WINDOWS_30D = 30 * PER_DAY
TRIGGER_SHARE = 0.20
P_TRIGGER, P_PLAIN = 0.09, 0.015  # 0.2*0.09 + 0.8*0.015 = 0.03
FIXED_THRESHOLD = 0.05
SD_WINDOWS = PER_DAY
DIURNAL = 0.5  # volume swings ±50 % over the day (null, mix-shift and upgrade streams)


def base_rate(share: float = TRIGGER_SHARE) -> float:
    return share * P_TRIGGER + (1 - share) * P_PLAIN


def odds_scaled(p: np.ndarray, r: float) -> np.ndarray:
    o = p / (1 - p) * r
    return o / (1 + o)


def odds_ratio_for(target: float) -> float:
    """Odds multiplier (same in both strata) that moves the overall rate from 3 % to ``target``."""
    lo, hi = 1.0, 100.0
    for _ in range(80):
        mid = (lo + hi) / 2
        rate = base_rate() if mid == 1 else (TRIGGER_SHARE * odds_scaled(np.array(P_TRIGGER), mid)
                                              + (1 - TRIGGER_SHARE) * odds_scaled(np.array(P_PLAIN), mid))
        lo, hi = (mid, hi) if rate < target else (lo, mid)
    return (lo + hi) / 2


def simulate(rng: np.random.Generator, k: int, t: int, per_hour: float, change_at: np.ndarray | None = None,
             odds_ratio: float = 1.0, share_after: float | None = None,
             diurnal: float = DIURNAL) -> tuple[np.ndarray, np.ndarray]:
    """Counts (x, n) of shape (k, t, 2) — stratum 0 with a trigger cue, 1 without.

    ``change_at`` (k,) is the change time in windows (fractional: inside a window, each turn is after
    the change with the fraction's probability, which is exact for independent turns)."""
    phase = rng.uniform(0, 2 * np.pi, size=(k, 1))
    hours = np.arange(t)[None, :] / PER_HOUR
    lam = per_hour / PER_HOUR * (1 + diurnal * np.sin(2 * np.pi * hours / 24 + phase))
    n_tot = rng.poisson(lam)
    post = np.zeros((k, t))
    if change_at is not None:
        idx = np.arange(t)[None, :]
        post = np.clip(idx + 1 - change_at[:, None], 0, 1)  # fraction of the window after the change
    share = TRIGGER_SHARE + (0 if share_after is None else (share_after - TRIGGER_SHARE)) * post
    n_trig = rng.binomial(n_tot, share)
    n = np.stack([n_trig, n_tot - n_trig], axis=-1)
    p_before = np.array([P_TRIGGER, P_PLAIN])
    p_after = odds_scaled(p_before, odds_ratio)
    p = p_before[None, None, :] * (1 - post[..., None]) + p_after[None, None, :] * post[..., None]
    x = rng.binomial(n, p)
    return x.astype(float), n.astype(float)


def ours(x: np.ndarray, n: np.ndarray, cfg: AlertSettings) -> np.ndarray:
    w, _p0, active = risk_adjusted_increments(
        x, n, int(cfg.reference_hours * PER_HOUR), int(cfg.reference_lag_minutes * 60 / WINDOW_S),
        cfg.prior_strength, cfg.spike_odds_ratio, cfg.min_turns)
    h = cusum_threshold(WINDOWS_30D, cfg.spike_false_alarms_per_30d, n_detectors=2)
    return cusum_alarms(w, h, active)


def rising(alarm: np.ndarray) -> np.ndarray:
    """Alarm episodes: an alarm window whose predecessor did not alarm (a naive rule firing on
    ten windows in a row is one page, not ten)."""
    prev = np.concatenate([np.zeros((*alarm.shape[:-1], 1), dtype=bool), alarm[..., :-1]], axis=-1)
    return alarm & ~prev


def fixed_threshold(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    xs, ns = x.sum(-1), n.sum(-1)
    rate = np.divide(xs, ns, out=np.zeros_like(xs), where=ns > 0)
    return rising((rate > FIXED_THRESHOLD) & (ns >= 30))


def mean_3sd(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    xs, ns = x.sum(-1), n.sum(-1)
    rate = np.divide(xs, ns, out=np.zeros_like(xs), where=ns > 0)
    ok = (ns > 0).astype(float)
    c1 = np.concatenate([np.zeros((rate.shape[0], 1)), np.cumsum(rate * ok, axis=1)], axis=1)
    c2 = np.concatenate([np.zeros((rate.shape[0], 1)), np.cumsum(rate * rate * ok, axis=1)], axis=1)
    cn = np.concatenate([np.zeros((rate.shape[0], 1)), np.cumsum(ok, axis=1)], axis=1)
    t = np.arange(rate.shape[1])
    lo = np.clip(t - SD_WINDOWS, 0, None)
    m = cn[:, t] - cn[:, lo]
    mean = np.divide(c1[:, t] - c1[:, lo], m, out=np.zeros_like(rate), where=m > 0)
    var = np.divide(c2[:, t] - c2[:, lo], m, out=np.zeros_like(rate), where=m > 0) - mean ** 2
    sd = np.sqrt(np.clip(var, 0, None))
    return rising((m >= SD_WINDOWS // 2) & (ns > 0) & (rate > mean + 3 * sd))


DETECTORS = {"risk-adjusted CUSUM (ours)": "ours", "fixed threshold 5%": "fixed", "mean + 3 sd (24 h)": "sd"}


def run_detectors(x: np.ndarray, n: np.ndarray, cfg: AlertSettings) -> dict[str, np.ndarray]:
    return {"ours": ours(x, n, cfg), "fixed": fixed_threshold(x, n), "sd": mean_3sd(x, n)}


def null_scenario(rng, cfg, volumes, keys, days=30.0) -> list[dict]:
    warm = int(cfg.reference_hours * PER_HOUR) + int(cfg.reference_lag_minutes * 60 / WINDOW_S) + PER_HOUR
    t = warm + int(days * PER_DAY)
    rows = []
    for v in volumes:
        x, n = simulate(rng, keys, t, v)
        for det, alarms in run_detectors(x, n, cfg).items():
            count = alarms[:, warm:].sum(axis=1)
            rows.append({"scenario": "null", "volume_per_hour": v, "detector": det, "keys": keys,
                         "false_alarms_per_key_30d": float(count.mean() * 30 / days),
                         "keys_with_any_false_alarm": float((count > 0).mean())})
    return rows


def change_scenario(rng, cfg, volumes, targets, keys, scenario="change", diurnal: float = 0.0) -> list[dict]:
    pre_h, post_h = 26, 12 if scenario == "change" else 24
    t = (pre_h + post_h) * PER_HOUR
    rows = []
    for v in volumes:
        for target in targets:
            change_at = pre_h * PER_HOUR + rng.uniform(0, 1, size=keys)
            if scenario == "change":
                x, n = simulate(rng, keys, t, v, change_at, odds_ratio=odds_ratio_for(target), diurnal=diurnal)
            else:
                x, n = simulate(rng, keys, t, v, change_at, share_after=target, diurnal=diurnal)
            for det, alarms in run_detectors(x, n, cfg).items():
                j0 = np.floor(change_at).astype(int)
                after = alarms.copy()
                after[np.arange(t)[None, :] < j0[:, None]] = False
                hit = after.any(axis=1)
                first = np.where(hit, after.argmax(axis=1), t - 1)
                delay_min = (first + 1 - change_at) * WINDOW_S / 60
                n_tot = n.sum(-1)
                cum = np.concatenate([np.zeros((keys, 1)), np.cumsum(n_tot, axis=1)], axis=1)
                turns = cum[np.arange(keys), first + 1] - cum[np.arange(keys), j0] - (change_at - j0) * n_tot[np.arange(keys), j0]
                row = {"scenario": scenario, "volume_per_hour": v, "diurnal": f"±{100 * diurnal:.0f}%",
                       "detector": det, "keys": keys}
                if scenario == "change":
                    row.update(rate_before=base_rate(), rate_after=target, detected=float(hit.mean()),
                               median_delay_min=float(np.median(delay_min[hit])) if hit.any() else None,
                               p90_delay_min=float(np.percentile(delay_min[hit], 90)) if hit.any() else None,
                               median_delay_turns=float(np.median(turns[hit])) if hit.any() else None)
                else:
                    row.update(trigger_share_after=target, raw_rate_after=base_rate(target),
                               keys_alarmed_after_shift=float(hit.mean()),
                               alarms_per_key_day_after_shift=float(after.sum(1).mean() * 24 / post_h),
                               # same unit as the null table, to compare with the detector's own false-alarm rate
                               alarms_per_key_30d_after_shift=float(after.sum(1).mean() * 24 * 30 / post_h))
                rows.append(row)
    return rows


def upgrade_scenario(rng, cfg, volumes, keys) -> list[dict]:
    """A new version takes over a feature (linear ramp to 100 % in 2 h) after 24 h of the old one."""
    base_w, horizon_w, ramp_w = 24 * PER_HOUR, int(cfg.upgrade_horizon_hours * PER_HOUR), 2 * PER_HOUR
    t = base_w + horizon_w
    rows = []
    cases = {"upgrade_null": dict(), "upgrade_3_to_6": dict(odds=odds_ratio_for(0.06)),
             "upgrade_mix_shift": dict(share_new=0.45)}
    for v in volumes:
        for case, spec in cases.items():
            x, n = simulate(rng, keys, t, v)
            # split each window's traffic: the new version's share ramps up after base_w
            share_new = np.clip((np.arange(t) - base_w + 1) / ramp_w, 0, 1)[None, :, None]
            n_new = rng.binomial(n.astype(int), np.broadcast_to(share_new, n.shape)).astype(float)
            n_old = n - n_new
            x_old = rng.binomial(n_old.astype(int), np.array([P_TRIGGER, P_PLAIN])).astype(float)
            if "share_new" in spec:  # the new version's users ask more trigger prompts
                tot_new = n_new.sum(-1)
                trig = rng.binomial(tot_new.astype(int), spec["share_new"]).astype(float)
                n_new = np.stack([trig, tot_new - trig], axis=-1)
            p_new = odds_scaled(np.array([P_TRIGGER, P_PLAIN]), spec.get("odds", 1.0))
            x_new = rng.binomial(n_new.astype(int), p_new).astype(float)
            cx_old, cn_old = np.cumsum(x_old, axis=1)[:, base_w:], np.cumsum(n_old, axis=1)[:, base_w:]
            cx_new, cn_new = np.cumsum(x_new, axis=1)[:, base_w:], np.cumsum(n_new, axis=1)[:, base_w:]
            margin = cfg.refusal_margin
            p_plan = 0.03
            rho = mixture_rho(cfg.cs_design_turns / (p_plan * (1 - p_plan)), cfg.alpha)
            cs = confidence_sequence(cx_old, cn_old, cx_new, cn_new, margin, cfg.alpha, rho)
            usable = (cn_new.sum(-1) >= cfg.min_turns) & (cn_old.sum(-1) >= cfg.min_turns)
            ours_hit = (cs.low > margin) & usable
            # naive: pooled two-proportion z-test, unadjusted for the mix, repeated at every window
            po = cx_old.sum(-1) / np.maximum(cn_old.sum(-1), 1)
            pn = cx_new.sum(-1) / np.maximum(cn_new.sum(-1), 1)
            pp = (cx_old.sum(-1) + cx_new.sum(-1)) / np.maximum(cn_old.sum(-1) + cn_new.sum(-1), 1)
            se = np.sqrt(np.maximum(pp * (1 - pp) * (1 / np.maximum(cn_old.sum(-1), 1) + 1 / np.maximum(cn_new.sum(-1), 1)), 1e-12))
            naive_hit = ((pn - po - margin) / se > 1.645) & usable
            for det, hits in (("confidence sequence, stratified (ours)", ours_hit), ("repeated z-test, raw (naive)", naive_hit)):
                any_hit = hits.any(axis=1)
                first = hits.argmax(axis=1)
                minutes = (first + 1) * WINDOW_S / 60
                turns_new = cn_new.sum(-1)[np.arange(keys), first]
                rows.append({"scenario": case, "volume_per_hour": v, "detector": det, "keys": keys,
                             "alerted": float(any_hit.mean()),
                             "median_delay_min": float(np.median(minutes[any_hit])) if any_hit.any() else None,
                             "median_new_version_turns": float(np.median(turns_new[any_hit])) if any_hit.any() else None})
    return rows


def fmt(v: object) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def table(rows: list[dict], columns: list[str]) -> str:
    out = [[fmt(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(o[i]) for o in out)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(o, widths)) for o in out]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer keys per scenario (a smoke run)")
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "alerts.json")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    cfg = AlertSettings()
    keys_null, keys_change = (10, 40) if args.quick else (200, 300)
    volumes = [500, 2000, 8000]
    started = time.monotonic()
    rows = null_scenario(rng, cfg, volumes, keys_null)
    rows += change_scenario(rng, cfg, volumes, [0.045, 0.06, 0.09], keys_change)
    rows += change_scenario(rng, cfg, [2000], [0.06], keys_change, diurnal=DIURNAL)  # the same, at a varying volume
    rows += change_scenario(rng, cfg, volumes, [0.45], keys_change, scenario="mix_shift", diurnal=DIURNAL)
    rows += upgrade_scenario(rng, cfg, volumes, keys_change // 2)
    elapsed = time.monotonic() - started
    names = {"ours": "risk-adjusted CUSUM (ours)", "fixed": "fixed threshold 5%", "sd": "mean + 3 sd (24 h)"}
    for r in rows:
        r["detector"] = names.get(r["detector"], r["detector"])
    h = cusum_threshold(WINDOWS_30D, cfg.spike_false_alarms_per_30d, n_detectors=2)
    print(f"alert detectors on simulated streams (5-minute windows; CUSUM h = {h:.2f} nats, odds ratio "
          f"{cfg.spike_odds_ratio}; {elapsed:.0f}s)\n")
    print("Null streams, 30 days per key")
    print(table([r for r in rows if r["scenario"] == "null"],
                ["volume_per_hour", "detector", "keys", "false_alarms_per_key_30d", "keys_with_any_false_alarm"]))
    print("\nChange points (rate 3% -> after; constant volume, then 3% -> 6% again with a ±50% daily cycle)")
    print(table([r for r in rows if r["scenario"] == "change"],
                ["volume_per_hour", "diurnal", "rate_after", "detector", "detected", "median_delay_min", "p90_delay_min",
                 "median_delay_turns"]))
    print("\nMix shift only (trigger share 20% -> 45%, within-stratum rates unchanged; every alarm is false)")
    print(table([r for r in rows if r["scenario"] == "mix_shift"],
                ["volume_per_hour", "raw_rate_after", "detector", "keys_alarmed_after_shift", "alarms_per_key_day_after_shift",
                 "alarms_per_key_30d_after_shift"]))
    print("\nUpgrade comparison (new version ramps in over 2 h; margin "
          f"{cfg.refusal_margin}, alpha {cfg.alpha}, min {cfg.min_turns} turns a side, {cfg.upgrade_horizon_hours:.0f} h)")
    print(table([r for r in rows if r["scenario"].startswith("upgrade")],
                ["scenario", "volume_per_hour", "detector", "alerted", "median_delay_min", "median_new_version_turns"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"seed": args.seed, "quick": args.quick, "elapsed_s": elapsed, "cusum_h": h,
                                    "settings": cfg.model_dump(mode="json"), "rows": rows}, indent=2))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

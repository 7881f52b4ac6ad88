"""The engine on a real store: the right keys alert, with the right kind and baseline, and the
mix-shift-only keys stay quiet."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from pipelines.alerts.engine import metric_counts
from pipelines.alerts.run import evaluate


def _index(alerts):
    return {(a.kind, a.metric, a.model_version, a.feature): a for a in alerts}


def test_alerts_fire_on_the_changed_keys_only(world):
    settings, now = world
    alerts, n_tests = evaluate(settings, now)
    got = _index(alerts)
    assert ("spike", "refusal_rate", "v1", "search") in got
    assert ("upgrade_comparison", "refusal_rate", "v2", "chat") in got
    assert ("upgrade_comparison", "over_refusal_rate", "v2", "chat") in got
    assert not [a for a in alerts if a.feature in ("coding", "mail")]  # mix shift only
    upgrade = got[("upgrade_comparison", "refusal_rate", "v2", "chat")]
    assert upgrade.baseline_version == "v1"
    assert upgrade.diff_low > settings.alerts.refusal_margin
    assert upgrade.rate_before_low <= upgrade.rate_before <= upgrade.rate_before_high
    spike = got[("spike", "refusal_rate", "v1", "search")]
    assert spike.statistic > spike.threshold
    assert spike.window_start >= now - timedelta(hours=3, minutes=30)  # the excursion starts near the change
    assert spike.rate_after > spike.rate_before and spike.fdr_discovery
    # spike detection needs a complete 24 h reference: v2 (17 h old) is covered by the upgrade comparison only
    assert ("spike", "refusal_rate", "v2", "chat") not in got
    assert n_tests >= 8


def test_nothing_fires_before_the_change(world):
    settings, now = world
    alerts, _ = evaluate(settings, now - timedelta(hours=3, minutes=30))
    assert [a for a in alerts if a.kind == "spike"] == []


def test_the_same_run_twice_gives_the_same_ids(world):
    settings, now = world
    first, _ = evaluate(settings, now)
    later, _ = evaluate(settings, now + timedelta(minutes=5))
    assert {a.alert_id for a in first} == {a.alert_id for a in later}


def test_min_volume_guard_blocks_a_thin_comparison(world):
    settings, now = world
    strict = settings.model_copy(update={"alerts": settings.alerts.model_copy(update={"min_turns": 10**7})})
    alerts, _ = evaluate(strict, now)
    assert alerts == []


def test_metric_counts_split_by_trigger_presence_and_clip_inconsistent_rows():
    frame = pd.DataFrame([dict(n_turns=100, n_full_refusal=8, n_partial_refusal=2, n_with_trigger=20,
                               n_refused_with_trigger=6, n_benign_prompt=90, n_over_refusal_suspect=5,
                               n_benign_with_trigger=15, n_suspect_with_trigger=9)])
    x, n = metric_counts(frame, "refusal_rate")
    assert x.tolist() == [[6, 4]] and n.tolist() == [[20, 80]]
    x, n = metric_counts(frame, "over_refusal_rate")
    # 9 suspects with a cue out of 5 suspects in all is inconsistent: clipped, never negative
    assert (x >= 0).all() and x.sum() == 5 and n.tolist() == [[15, 75]]


def _frame(parts):
    rows = [r.model_dump() for p in parts for r in p[0]]
    df = pd.DataFrame(rows)
    for col in ("window_start", "window_end"):
        df[col] = pd.to_datetime(df[col], utc=True)
    return df


def test_a_rollout_that_starts_in_the_same_window_compares_the_newcomer_with_the_incumbent():
    import numpy as np

    from pipelines.alerts.engine import detect_upgrades, version_order
    from schemas.alerts import AlertSettings
    from tests.alerts.streams import T0, Regime, stream

    rng = np.random.default_rng(5)
    parts = [stream(rng, "old", "f", T0, [Regime(48, per_window=300)]),
             stream(rng, "new", "f", T0, [Regime(48, per_window=120, p_trigger=0.3, p_plain=0.04)])]
    frame = _frame(parts)
    assert [v for v, _ in version_order(frame)] == ["old", "new"]
    now = T0 + timedelta(hours=4)
    findings, tests = detect_upgrades(frame, AlertSettings(), 300, now, data_since=T0 - timedelta(days=1))
    assert {(f.model_version, f.baseline_version, f.metric) for f in findings} >= {("new", "old", "refusal_rate")}
    # the same data cut at the first window: the versions' starts are not in view, nothing is "new"
    findings, tests = detect_upgrades(frame, AlertSettings(), 300, now, data_since=T0)
    assert findings == [] and tests == []

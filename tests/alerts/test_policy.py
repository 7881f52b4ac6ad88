"""Alert fatigue: dedup, escalation, cooldown, retry of failed deliveries, severity and BH."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pipelines.alerts.engine import Hypothesis
from pipelines.alerts.policy import discoveries, plan_delivery
from pipelines.alerts.run import Sinks, run_alerts
from pipelines.alerts.store import AlertStore
from schemas.alerts import Alert, AlertSettings

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
CFG = AlertSettings(cooldown_minutes=60)


def alert(alert_id="a1", severity="warning", start=NOW - timedelta(hours=1), **kw) -> Alert:
    row = dict(alert_id=alert_id, created_at=NOW, kind="spike", metric="refusal_rate", severity=severity,
               model_version="v1", feature="search", detector_version="d1", window_start=start, window_end=NOW,
               n_before=1000, n_after=900, rate_before=0.03, rate_before_low=0.02, rate_before_high=0.04,
               rate_after=0.06, rate_after_low=0.05, rate_after_high=0.07, diff_low=0.01, diff_high=0.05,
               method="m", top_cues_json="[]", samples_json="[]", message="msg", dashboard_url="http://x")
    row.update(kw)
    return Alert(**row)


def sent(a: Alert, at: datetime = NOW) -> Alert:
    return a.model_copy(update={"notified_severity": a.severity, "notified_at": at})


def test_a_new_alert_is_sent_and_the_same_one_again_is_not():
    first = plan_delivery([alert()], [], NOW, CFG)
    assert [a.alert_id for a in first.to_send] == ["a1"]
    again = plan_delivery([alert()], [sent(alert())], NOW + timedelta(minutes=1), CFG)
    assert again.to_send == [] and [a.alert_id for a in again.rows] == ["a1"]


def test_an_escalation_is_sent_even_in_cooldown_and_severity_never_falls():
    esc = plan_delivery([alert(severity="critical")], [sent(alert())], NOW + timedelta(minutes=1), CFG)
    assert [a.severity for a in esc.to_send] == ["critical"]
    down = plan_delivery([alert(severity="info")], [sent(alert(severity="critical"))], NOW, CFG)
    assert down.to_send == [] and down.rows[0].severity == "critical"


def test_a_new_episode_on_the_same_key_within_the_cooldown_is_stored_not_sent():
    old = sent(alert("a1"), NOW - timedelta(minutes=30))
    new = alert("a2", start=NOW - timedelta(minutes=10))
    plan = plan_delivery([new], [old], NOW, CFG)
    assert plan.to_send == [] and plan.suppressed[0].suppressed_reason == "cooldown"
    later = plan_delivery([new], [old], NOW + timedelta(minutes=31), CFG)
    assert [a.alert_id for a in later.to_send] == ["a2"] and later.to_send[0].suppressed_reason is None


def test_cooldown_is_per_key_and_also_holds_within_one_run():
    other_key = alert("b1", feature="chat")
    plan = plan_delivery([alert("a1"), alert("a2", start=NOW - timedelta(minutes=5)), other_key], [], NOW, CFG)
    assert sorted(a.alert_id for a in plan.to_send) == ["a1", "b1"]
    assert [a.alert_id for a in plan.suppressed] == ["a2"]


def test_an_alert_that_failed_delivery_is_retried():
    failed = alert().model_copy(update={"delivery_error": "broker down"})
    plan = plan_delivery([alert()], [failed], NOW, CFG)
    assert [a.alert_id for a in plan.to_send] == ["a1"]


def test_bh_discoveries_shrink_as_the_weekly_table_grows():
    one = [Hypothesis("k0", -4.0)]  # p = 0.018
    assert discoveries(one, 0.1) == {"k0"}
    many = one + [Hypothesis(f"k{i}", 0.0) for i in range(1, 20)]  # 19 quiet keys: 0.018 * 20 > 0.1
    assert discoveries(many, 0.1) == set()


def test_run_records_deliveries_retries_failures_and_dedups(world, tmp_path):
    settings, now = world
    store = AlertStore(tmp_path / "alerts.duckdb", tmp_path / "alerts.snapshot.duckdb", publish_every_s=60)
    calls: list[list[str]] = []

    def broken(_settings, alerts):
        calls.append([a.alert_id for a in alerts])
        return {a.alert_id: "broker down" for a in alerts}

    def working(_settings, alerts):
        calls.append([a.alert_id for a in alerts])
        return {}

    try:
        r1 = run_alerts(settings, store, now=now, sinks=Sinks(kafka=broken, webhook=None))
        assert r1.errors and not r1.sent and len(calls[0]) == len(r1.alerts) >= 3
        stored = store.load_alerts()
        assert all(a.delivery_error == "broker down" and a.notified_severity is None for a in stored)
        r2 = run_alerts(settings, store, now=now + timedelta(minutes=1), sinks=Sinks(kafka=working, webhook=None))
        assert sorted(calls[1]) == sorted(calls[0]) and r2.ok  # retried, every one
        assert all(a.kafka_sent_at is not None and a.delivery_error is None for a in store.load_alerts())
        r3 = run_alerts(settings, store, now=now + timedelta(minutes=2), sinks=Sinks(kafka=working, webhook=None))
        assert len(calls) == 2 and r3.sent == []  # dedup: nothing new to send
        assert len(store.load_alerts()) == len(r1.alerts)  # the same rows, updated
    finally:
        store.close()


@pytest.mark.parametrize("discovered,expected", [(False, "info"), (True, "warning")])
def test_severity_follows_discovery_and_effect(discovered, expected):
    from pipelines.alerts.engine import Finding
    from pipelines.alerts.policy import severity_for

    f = Finding(kind="spike", metric="refusal_rate", model_version="v1", feature="f", detector_version="d",
                baseline_version=None, episode_start=NOW, evidence_end=NOW, before_versions=("v1",),
                before_start=NOW, before_end=NOW, x_before=30, n_before=1000, x_after=50, n_after=1000, diff=0.02,
                diff_low=0.005, diff_high=0.03, expected_rate_after=0.03, statistic=12, threshold=9.7, log_p=-5,
                method="m", test_id="t")
    assert severity_for(f, discovered, CFG) == expected
    big = f.__class__(**{**f.__dict__, "diff_low": 0.04})
    assert severity_for(big, True, CFG) == "critical"

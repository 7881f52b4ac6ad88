"""Each alert explains itself: key, rates with intervals, the cues whose rate rose, samples, a link."""

from __future__ import annotations

import json

from pipelines.alerts.run import evaluate


def _alert(world, kind, metric, mv, feature):
    settings, now = world
    alerts, _ = evaluate(settings, now)
    return next(a for a in alerts if (a.kind, a.metric, a.model_version, a.feature) == (kind, metric, mv, feature))


def test_upgrade_alert_names_the_key_the_baseline_the_rates_and_the_link(world):
    a = _alert(world, "upgrade_comparison", "refusal_rate", "v2", "chat")
    assert "v2" in a.message and "chat" in a.message and "v1" in a.message
    assert f"{100 * a.rate_after:.2f}%" in a.message and f"{100 * a.rate_before:.2f}%" in a.message
    assert a.rate_after_low < a.rate_after < a.rate_after_high
    assert a.diff_low <= a.diff <= a.diff_high
    assert a.dashboard_url == "http://127.0.0.1:8501/?model_version=v2&feature=chat"


def test_top_cues_rank_the_cue_whose_rate_rose_with_its_lift(world):
    a = _alert(world, "spike", "refusal_rate", "v1", "search")
    cues = json.loads(a.top_cues_json)
    assert [c["cue"] for c in cues] == ["kill", "shoot"]  # 'shoot' is never refused: it ranks last
    assert cues[1]["rise"] == 0 and cues[1]["rate_after"] == 0
    kill = cues[0]
    assert kill["rate_after"] > kill["rate_before"] and kill["rise"] > 0.05
    assert kill["lift_after"] > 1  # refused more often than prompts without any cue
    assert "'kill'" in a.message


def test_samples_are_the_keys_turns_from_the_after_period(world):
    a = _alert(world, "upgrade_comparison", "over_refusal_rate", "v2", "chat")
    samples = json.loads(a.samples_json)
    assert 1 <= len(samples) <= 3
    assert all(s["turn_id"].startswith("v2-") and s["reason"] == "over_refusal_suspect" and s["redacted"]
               for s in samples)
    assert samples[0]["cues"] == ["kill"]


def test_cues_below_the_minimum_prompts_are_not_listed(world):
    settings, now = world
    strict = settings.model_copy(update={"alerts": settings.alerts.model_copy(update={"cue_min_prompts": 100})})
    alerts, _ = evaluate(strict, now)
    a = next(a for a in alerts if (a.kind, a.metric, a.feature) == ("spike", "refusal_rate", "search"))
    assert [c["cue"] for c in json.loads(a.top_cues_json)] == ["kill"]  # 'shoot': 72 prompts after

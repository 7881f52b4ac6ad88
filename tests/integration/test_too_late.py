"""Turns older than the allowed lateness are not dropped silently: they land in too_late_turns,
counted per key, and every record read is in exactly one of windows, dead letters or too late."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from confluent_kafka import Producer

from pipelines.sql import run_query
from pipelines.streaming import RunMode, run
from tests.conftest import make_turn

pytestmark = pytest.mark.integration


def test_turns_behind_the_watermark_are_counted_not_dropped(topic_settings, prism_path):
    settings = topic_settings.model_copy(update={"window_seconds": 60, "allowed_lateness_seconds": 120})
    now = datetime.now(timezone.utc)
    fresh = [make_turn(turn_id=f"fresh-{i}", timestamp=(now - timedelta(seconds=i % 5)).isoformat(),
                       model_version="v1") for i in range(40)]
    old = [make_turn(turn_id=f"old-{i}", timestamp=(now - timedelta(minutes=30 + i)).isoformat(),
                     model_version="v2", feature="search") for i in range(12)]
    old_and_broken = [{**make_turn(turn_id=f"bad-{i}", timestamp=(now - timedelta(minutes=40)).isoformat()),
                       "latency_ms": "fast"} for i in range(3)]
    producer = Producer(settings.kafka_client_config())  # Kafka timestamps = produce time, as real loggers do
    for turn in fresh + old + old_and_broken:
        producer.produce(settings.topic_turns, key=turn["conversation_id"].encode(), value=json.dumps(turn).encode())
    assert producer.flush(30) == 0

    run(settings, RunMode(idle_stop_s=4), prism_path=prism_path)

    snapshot = settings.snapshot_file
    assert run_query(snapshot, "SELECT sum(n_turns) FROM refusal_windows")[1] == [(40,)]
    late = run_query(snapshot, "SELECT model_version, feature, count(*), min(lateness_seconds) FROM too_late_turns GROUP BY ALL")[1]
    assert [(mv, f, n) for mv, f, n, _ in late] == [("v2", "search", 12)]
    assert late[0][3] > 25 * 60 - 120  # at least 30 min old against a watermark ~2 min behind now
    dead = run_query(snapshot, "SELECT count(*), any_value(error_field) FROM dead_letters")[1]
    assert dead == [(3, "latency_ms")]

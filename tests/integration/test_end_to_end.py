"""The whole path on real components: real Kafka broker -> real Beam pipeline on Prism -> DuckDB.

A known set of turns (valid, malformed, late and out of order) is produced to a fresh topic; the
pipeline reads until the topic has been idle, and the landed tables must equal a plain-Python
recomputation of the same records: every valid turn counted once, every malformed one
dead-lettered (table and topic) with its reason.
"""

from __future__ import annotations

import collections
import json
from datetime import datetime, timedelta, timezone

import pytest
from confluent_kafka import Consumer

from pipelines.classify import classify_turn
from pipelines.aggregate import COUNT_FIELDS, CountTurnsFn
from pipelines.generator import GeneratorConfig, generate_records, produce
from pipelines.sql import run_query
from pipelines.streaming import RunMode, run
from schemas import parse_turn
from tests.integration.recompute import assert_same_tables, landed as landed_tables, read_topic, recompute

pytestmark = pytest.mark.integration

WINDOW = 60


def expected_windows(records) -> dict[tuple, dict[str, int]]:
    """Batch recomputation of refusal_windows from the records, without Beam."""
    fn = CountTurnsFn()
    acc: dict[tuple, list[int]] = collections.defaultdict(fn.create_accumulator)
    for r in records:
        if not r.valid:
            continue
        turn = parse_turn(r.value)
        facts = classify_turn(turn)
        start = int(turn.timestamp.timestamp()) // WINDOW * WINDOW
        key = (start, facts.model_version, facts.feature, facts.detector_version)
        acc[key] = fn.add_input(acc[key], facts)
    return {k: {f: fn.extract_output(v)[f] for f in COUNT_FIELDS} for k, v in acc.items()}


def landed_windows(snapshot) -> dict[tuple, dict[str, int]]:
    cols, rows = run_query(
        snapshot,
        f"SELECT epoch(window_start)::BIGINT, model_version, feature, detector_version, {', '.join(COUNT_FIELDS)} "
        "FROM refusal_windows",
    )
    return {tuple(r[:4]): dict(zip(COUNT_FIELDS, r[4:])) for r in rows}


def consume_all(settings, topic: str, expected: int, timeout_s: float = 30) -> list[bytes]:
    consumer = Consumer({**settings.kafka_client_config(), "group.id": f"check-{topic}", "auto.offset.reset": "earliest"})
    consumer.subscribe([topic])
    values: list[bytes] = []
    deadline = datetime.now() + timedelta(seconds=timeout_s)
    while len(values) < expected and datetime.now() < deadline:
        msg = consumer.poll(0.5)
        if msg is not None and msg.error() is None:
            values.append(msg.value())
    consumer.close()
    return values


@pytest.mark.parametrize("read_path", ["python", "xlang"])
def test_known_turns_are_counted_exactly_once(read_path, topic_settings, prism_path, request):
    """Both Kafka read paths (Python SDF until idle; Java KafkaIO to the topic's end) land the same truth."""
    update = {"window_seconds": WINDOW, "early_firing_seconds": 2, "kafka_read_path": read_path}
    if read_path == "xlang":
        update["expansion_port"] = int(request.getfixturevalue("expansion_address").rsplit(":", 1)[1])
    settings = topic_settings.model_copy(update=update)
    cfg = GeneratorConfig(
        count=600, seed=11, start=datetime.now(timezone.utc) - timedelta(minutes=5), span_seconds=240,
        malformed_share=0.05, late_share=0.05, max_late_seconds=600, scenario="over_refusal",
    )
    records = list(generate_records(cfg))
    n_bad = sum(not r.valid for r in records)
    assert n_bad > 10 and any(r.valid and "assistant-v2" in r.turn["model_version"] for r in records)
    report = produce(iter(records), settings.kafka_client_config(), settings.topic_turns)
    assert (report.delivered, report.failed) == (600, 0)

    mode = RunMode(idle_stop_s=4) if read_path == "python" else RunMode(stop_at_end=True)
    run(settings, mode, prism_path=prism_path)

    expected = expected_windows(records)
    landed = landed_windows(settings.snapshot_file)
    assert landed == expected
    assert sum(v["n_turns"] for v in landed.values()) == 600 - n_bad
    if read_path == "python":  # every table, and the records read, against the batch truth
        truth = recompute(read_topic(settings), WINDOW, settings.allowed_lateness_seconds, settings.samples_per_window)
        got = landed_tables(settings.snapshot_file)
        assert_same_tables(got, truth)
        assert truth["cues"] and truth["samples"], "the scenario has cues and refusals to sample"

    cols, rows = run_query(settings.snapshot_file, "SELECT source_offset, error_field, reason FROM dead_letters")
    assert len(rows) == n_bad
    assert all(reason for _, _, reason in rows)
    dlq = [json.loads(v) for v in consume_all(settings, settings.topic_dead_letter, n_bad)]
    assert len(dlq) == n_bad
    assert {d["reason"] for d in dlq} == {r[2] for r in rows}

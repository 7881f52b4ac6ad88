"""Property: the live pipeline and a backfill give identical tables on the same input.

Hypothesis draws a traffic log (out-of-order event times, turns later than the allowed
lateness, malformed lines, re-sent duplicates, cue words, refusals); it is produced to a real one-partition topic
whose Kafka timestamps are the turns' event times, and written as a JSON Lines file in the same
order. Then three runs land three stores: streaming (until idle), backfill of the topic, and
backfill of the file. Every table must be the same in all three, and the same as the plain-Python
recomputation.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from confluent_kafka import Producer
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from infra import ensure_topics
from pipelines.streaming import RunMode, run
from tests.conftest import make_turn
from tests.integration.recompute import assert_same_tables, landed, read_topic, recompute

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PROMPTS = ["How do I kill a Python process?", "Where can I shoot a photo at sunset?", "How do I bake bread?",
           "How can I hack my own router's admin page?", "Tell me about the history of the atomic bomb."]
RESPONSES = ["Sure: use `kill -9 <pid>`.", "I'm sorry, but I can't help with that.",
             "I can't help with hacking, but here is how to reset your router to factory settings: hold reset 10 s.",
             "Do you mean terminating an OS process or a thread?", "Here is a short history: ..."]

turn_st = st.fixed_dictionaries({
    "delay": st.one_of(st.integers(0, 40), st.integers(130, 400)),  # beyond 120 s: too late if newer turns came first
    "prompt": st.sampled_from(PROMPTS), "response": st.sampled_from(RESPONSES),
    "version": st.sampled_from(["v1", "v2"]), "feature": st.sampled_from(["chat", "code"]),
    "conversation": st.integers(0, 8), "latency": st.one_of(st.none(), st.floats(1, 5000)),
    "broken": st.sampled_from([False] * 12 + [True]),
    "resend": st.sampled_from([False] * 8 + [True]),  # a logger retry: the previous turn's exact bytes again
})


def _log(draws: list[dict], base: datetime) -> list[tuple[int, bytes]]:
    """(kafka timestamp ms, value) in arrival order; Kafka timestamp = event time."""
    out = []
    for i, d in enumerate(draws):
        event = base + timedelta(seconds=3 * i - d["delay"])
        ms = int(event.timestamp() * 1000)
        if d["broken"]:
            out.append((ms, b'{"turn_id": "broken", "timestamp": 17}'))
            continue
        if d["resend"] and out:
            out.append(out[-1])
            continue
        turn = make_turn(turn_id=f"t{i}", conversation_id=f"c{d['conversation']}", timestamp=event.isoformat(),
                         model_version=d["version"], feature=d["feature"], prompt=d["prompt"], response=d["response"],
                         latency_ms=d["latency"])
        out.append((ms, json.dumps(turn).encode()))
    return out


@hsettings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(draws=st.lists(turn_st, min_size=10, max_size=80))
def test_streaming_and_backfill_land_identical_tables(topic_settings, prism_path, tmp_path_factory, draws):
    tmp = tmp_path_factory.mktemp("eq")
    topic = f"{topic_settings.topic_turns}-{tmp.name}"
    base = topic_settings.model_copy(update={"topic_turns": topic, "turns_partitions": 1, "window_seconds": 30,
                                             "allowed_lateness_seconds": 120, "early_firing_seconds": 1})
    ensure_topics(base)
    log = _log(draws, datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=20))
    producer = Producer(base.kafka_client_config())
    for ms, value in log:
        producer.produce(topic, value=value, timestamp=ms)
    assert producer.flush(30) == 0
    lines = tmp / "turns.jsonl"
    lines.write_bytes(b"".join(v + b"\n" for _, v in log))

    stores = {}
    for name, mode in (("streaming", RunMode(idle_stop_s=3)),
                       ("backfill", RunMode(stop_at_end=True, publish_dead_letters=False)),
                       ("files", RunMode(stop_at_end=True, files=(lines,), publish_dead_letters=False))):
        settings = base.model_copy(update={"store_path": tmp / f"{name}.duckdb"})
        run(settings, mode, prism_path=prism_path)
        stores[name] = landed(settings.snapshot_file)

    truth = recompute(read_topic(base), 30, 120, base.samples_per_window)
    for name in ("streaming", "backfill"):
        assert_same_tables(stores[name], truth)
    # the file's records are named by the file, not the topic; everything counted is the same
    assert stores["files"] == {**truth, "read": len(log)} == {**stores["streaming"], "read": len(log)}

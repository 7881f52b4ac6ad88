"""The cross-language read path on real components: real Kafka broker -> Beam Java KafkaIO
(expansion service + Java workers in one local JVM) -> Python on Prism.

A known set of records (valid turns, malformed values, a tombstone, null and empty keys, uneven
partitions, explicit timestamps) is produced to a fresh topic and read back with
``ReadFromKafkaJava(stop_at_end=True)``; every (partition, offset) must be read exactly once with the
produced key, value and timestamp, elements must carry the Kafka timestamp, and ``ParseTurns`` must
dead-letter exactly the malformed ones.

Timings are printed with the prefix ``[xlang-timing]`` (run pytest with ``-s`` to see them).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import apache_beam as beam
import pytest

from pipelines.kafka_source_xlang import ReadFromKafkaJava, java_consumer_config
from pipelines.parse import KafkaRecord, ParseTurns
from pipelines.streaming import beam_options
from tests.conftest import turn_bytes

pytestmark = pytest.mark.integration

N_RECORDS = 200


def _timing(what: str, seconds: float) -> None:
    print(f"[xlang-timing] {what}: {seconds:.1f}s", file=sys.stderr, flush=True)


def _produce(settings, partitions: int) -> dict[tuple[int, int], tuple[bytes | None, bytes | None, int]]:
    """Produce N_RECORDS with explicit partition, key and timestamp; return (partition, offset) -> (key, value, ts)."""
    from confluent_kafka import Producer

    base_ms = int(time.time() * 1000) - 600_000
    malformed = [b"not json at all", b'{"turn_id": 17}', b"\xff\xfe\x00binary", b"", None]
    produced: dict[tuple[int, int], tuple[bytes | None, bytes | None, int]] = {}
    errors: list[str] = []

    def delivered(err, msg) -> None:
        if err is not None:
            errors.append(str(err))
            return
        produced[(msg.partition(), msg.offset())] = (msg.key(), msg.value(), msg.timestamp()[1])

    producer = Producer({**settings.kafka_client_config(), "enable.idempotence": True, "linger.ms": 5})
    for i in range(N_RECORDS):
        # Uneven partitions on purpose (the bounded read must not depend on an even split).
        partition = (0, 0, 0, 1, 2)[i % 5] % partitions
        key = None if i % 7 == 0 else (b"" if i % 11 == 0 else f"conv-{i % 13}".encode())
        value = malformed[(i // 10) % len(malformed)] if i % 10 == 9 else turn_bytes(turn_id=f"t-{i:04d}")
        producer.produce(settings.topic_turns, key=key, value=value, partition=partition,
                         timestamp=base_ms + i * 250, on_delivery=delivered)
    assert producer.flush(60) == 0
    assert not errors, errors
    assert len(produced) == N_RECORDS
    return produced


class _WriteJsonl(beam.DoFn):
    """Append each element (and its wall-clock arrival and element timestamp) to a JSONL file."""

    def __init__(self, path: str) -> None:
        self.path = path

    def process(self, element, ts=beam.DoFn.TimestampParam):
        if isinstance(element, KafkaRecord):
            row = {
                "topic": element.topic, "partition": element.partition, "offset": element.offset,
                "timestamp_ms": element.timestamp_ms,
                "key": None if element.key is None else element.key.hex(),
                "value": None if element.value is None else element.value.hex(),
            }
        else:  # DeadLetter / ChatTurn (pydantic)
            row = json.loads(element.model_dump_json())
        row["_element_ts_ms"] = round(float(ts) * 1000)
        row["_wall"] = time.time()
        with open(self.path, "a") as fh:
            fh.write(json.dumps(row) + "\n")


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_every_offset_read_once_with_exact_keys_values_and_timestamps(topic_settings, prism_path, expansion_address, tmp_path):
    settings = topic_settings
    partitions = settings.turns_partitions
    assert partitions >= 2, "the test needs a multi-partition topic"
    produced = _produce(settings, partitions)
    assert len({p for p, _ in produced}) == partitions

    records_file, dead_file, turns_file = tmp_path / "records.jsonl", tmp_path / "dead.jsonl", tmp_path / "turns.jsonl"
    options = beam_options(settings, prism_path)
    started = time.time()
    with beam.Pipeline(options=options) as p:
        records = p | "ReadTurnsTopic" >> ReadFromKafkaJava(
            {**settings.kafka_client_config(), "group.id": settings.consumer_group},
            settings.topic_turns,
            expansion_service=expansion_address,
            stop_at_end=True,
            max_read_time_s=240,  # safety net: a short read then fails the equality below, never hangs
        )
        _timing("cross-language expansion (apply ReadFromKafkaJava)", time.time() - started)
        _ = records | "WriteRecords" >> beam.ParDo(_WriteJsonl(str(records_file)))
        parsed = records | "ParseTurns" >> ParseTurns()
        _ = parsed["dead_letters"] | "WriteDead" >> beam.ParDo(_WriteJsonl(str(dead_file)))
        _ = parsed["turns"] | "WriteTurns" >> beam.ParDo(_WriteJsonl(str(turns_file)))
    finished = time.time()

    rows = _read_jsonl(records_file)
    assert rows, "the cross-language read returned nothing"
    _timing("pipeline start to first record", min(r["_wall"] for r in rows) - started)
    _timing("pipeline total (bounded read of %d records)" % N_RECORDS, finished - started)

    # Every offset exactly once.
    seen = [(r["partition"], r["offset"]) for r in rows]
    assert len(seen) == len(set(seen)), "duplicate (partition, offset) read"
    assert set(seen) == set(produced)
    # Exact content, and the element timestamp is the Kafka message timestamp.
    for r in rows:
        key, value, ts_ms = produced[(r["partition"], r["offset"])]
        assert r["topic"] == settings.topic_turns
        assert r["key"] == (None if key is None else key.hex()), (r["partition"], r["offset"])
        assert r["value"] == (None if value is None else value.hex()), (r["partition"], r["offset"])
        assert r["timestamp_ms"] == ts_ms
        assert r["_element_ts_ms"] == ts_ms
    assert any(r["key"] is None for r in rows) and any(r["key"] == "" for r in rows)
    assert any(r["value"] is None for r in rows)

    # ParseTurns on top: exactly the malformed records are dead-lettered, the rest become turns.
    bad = {po for po, (_, v, _) in produced.items() if v is None or not v.startswith(b'{"turn_id": "t-')}
    assert len(bad) == N_RECORDS // 10
    dead = _read_jsonl(dead_file)
    assert sorted((d["source_partition"], d["source_offset"]) for d in dead) == sorted(bad)
    assert all(d["reason"] and d["source_topic"] == settings.topic_turns for d in dead)
    turns = _read_jsonl(turns_file)
    assert sorted(t["turn_id"] for t in turns) == sorted(
        json.loads(v)["turn_id"] for po, (_, v, _) in produced.items() if po not in bad
    )


def test_unsupported_idle_stop_is_refused():
    with pytest.raises(ValueError, match="cannot stop when idle"):
        ReadFromKafkaJava({"bootstrap.servers": "127.0.0.1:1"}, "t", "127.0.0.1:1", idle_stop_s=3)


def test_java_consumer_config_translates_sasl_and_keeps_strings():
    conf = java_consumer_config(
        {"bootstrap.servers": "h:1", "security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512",
         "sasl.username": "u", "sasl.password": 'p"w', "group.id": "g"},
        read_from="latest",
    )
    assert "sasl.username" not in conf and "sasl.password" not in conf
    assert conf["sasl.jaas.config"] == (
        'org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p\\"w";'
    )
    assert conf["auto.offset.reset"] == "latest" and conf["enable.auto.commit"] == "false"
    assert all(isinstance(v, str) for v in conf.values())

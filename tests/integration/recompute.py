"""The batch truth for integration tests: the landed tables recomputed in plain Python.

Reads every record of a topic (or takes records), applies the same pure pieces as the pipeline
(LatenessJudge per partition in offset order, parse, classify, the CombineFns) without Beam, and
returns the tables as comparable dicts. ``landed`` reads the same shape from a store snapshot.
"""

from __future__ import annotations

import collections
import time
from typing import Iterable

from confluent_kafka import Consumer, TopicPartition

from pipelines.aggregate import CountCuesFn, CountTurnsFn, SampleRefusalsFn
from pipelines.classify import classify_turn
from pipelines.kafka_source import event_time_of
from pipelines.lateness import LatenessJudge
from pipelines.parse import KafkaRecord, parse_record
from pipelines.sql import run_query
from schemas import InvalidTurnError, Settings

WINDOW_FIELDS = (
    "n_turns", "n_full_refusal", "n_partial_refusal", "n_clarification", "n_compliance", "n_with_trigger",
    "n_refused_with_trigger", "n_benign_prompt", "n_over_refusal_suspect", "n_benign_with_trigger",
    "n_suspect_with_trigger", "n_with_latency", "n_duplicate_turns", "n_conversations", "latency_p50_ms", "latency_p90_ms", "latency_p99_ms",
)


def read_topic(settings: Settings, topic: str | None = None, timeout_s: float = 60) -> list[KafkaRecord]:
    """Every record of the topic, per partition in offset order."""
    topic = topic or settings.topic_turns
    consumer = Consumer({**settings.kafka_client_config(), "group.id": f"recompute-{time.time_ns()}",
                         "enable.auto.commit": False})
    meta = consumer.list_topics(topic, timeout=30).topics[topic]
    records: list[KafkaRecord] = []
    for p in sorted(meta.partitions):
        low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=30)
        if high <= low:
            continue
        consumer.assign([TopicPartition(topic, p, low)])
        deadline = time.monotonic() + timeout_s
        got = 0
        while got < high - low and time.monotonic() < deadline:
            for msg in consumer.consume(500, timeout=1.0):
                if msg.error() is None:
                    records.append(KafkaRecord(topic, p, msg.offset(), msg.timestamp()[1], msg.key(), msg.value()))
                    got += 1
        assert got == high - low, f"partition {p}: read {got} of {high - low}"
    consumer.close()
    return records


def recompute(records: Iterable[KafkaRecord], window_s: int, lateness_s: float, samples_k: int) -> dict:
    """{"windows": {key: fields}, "cues": {key: counts}, "samples": {key: [(slot, turn_id)]},
    "dead": n, "too_late": {turn_id}, "read": n} for the records (grouped by partition, in order)."""
    judges: dict[tuple[str, int], LatenessJudge] = {}
    counts, cues, samples = CountTurnsFn(), CountCuesFn(), SampleRefusalsFn(samples_k)
    acc_w: dict = collections.defaultdict(counts.create_accumulator)
    acc_c: dict = collections.defaultdict(cues.create_accumulator)
    acc_s: dict = collections.defaultdict(samples.create_accumulator)
    dead, too_late, read = 0, set(), 0
    for r in sorted(records, key=lambda r: (r.topic, r.partition, r.offset)):
        read += 1
        judge = judges.setdefault((r.topic, r.partition), LatenessJudge(lateness_s))
        arrival = r.timestamp_ms / 1000.0
        behind = judge.judge(arrival, event_time_of(r.value) or arrival)
        try:
            turn = parse_record(r)
        except InvalidTurnError:
            dead += 1
            continue
        if behind is not None:
            too_late.add(turn.turn_id)
            continue
        facts = classify_turn(turn)
        start = int(turn.timestamp.timestamp()) // window_s * window_s
        key = (start, facts.model_version, facts.feature, facts.detector_version)
        acc_w[key] = counts.add_input(acc_w[key], facts)
        acc_s[key] = samples.add_input(acc_s[key], facts)
        for cue in facts.cues:
            ckey = (*key, cue.term, cue.category)
            acc_c[ckey] = cues.add_input(acc_c[ckey], (turn.turn_id, facts.refused, cue.benign, facts.over_refusal_suspect))
    windows = {k: {f: counts.extract_output(v)[f] for f in WINDOW_FIELDS} for k, v in acc_w.items()}
    sample_rows = {}
    for k, v in acc_s.items():
        out = samples.extract_output(v)
        slots = [(i, c.turn_id) for i, c in enumerate(out["over_refusal_suspect"][1])]
        slots += [(samples_k + i, c.turn_id) for i, c in enumerate(out["refusal"][1])]
        if slots:
            sample_rows[k] = sorted(slots)
    return {"windows": windows, "cues": {k: cues.extract_output(v) for k, v in acc_c.items()}, "samples": sample_rows,
            "dead": dead, "too_late": too_late, "read": read,
            "duplicates": sum(w["n_duplicate_turns"] for w in windows.values())}


def landed(snapshot) -> dict:
    """The same shape, read from a published store."""
    key = "epoch(window_start)::BIGINT, model_version, feature, detector_version"
    _, rows = run_query(snapshot, f"SELECT {key}, {', '.join(WINDOW_FIELDS)} FROM refusal_windows")
    windows = {tuple(r[:4]): dict(zip(WINDOW_FIELDS, r[4:])) for r in rows}
    _, rows = run_query(snapshot, f"SELECT {key}, cue, category, n_prompts, n_refused, n_benign_sense, "
                                  "n_over_refusal_suspect FROM cue_windows")
    cue_rows = {tuple(r[:6]): list(r[6:]) for r in rows}
    _, rows = run_query(snapshot, f"SELECT {key}, slot, turn_id FROM review_samples ORDER BY slot")
    sample_rows: dict = collections.defaultdict(list)
    for r in rows:
        sample_rows[tuple(r[:4])].append((r[4], r[5]))
    _, [(dead,)] = run_query(snapshot, "SELECT count(*) FROM dead_letters")
    _, late = run_query(snapshot, "SELECT turn_id FROM too_late_turns")
    _, [(read,)] = run_query(snapshot, "SELECT coalesce(sum(next_offset - start_offset), 0) FROM source_progress")
    _, [(duplicates,)] = run_query(snapshot, "SELECT coalesce(sum(n_duplicate_turns), 0) FROM refusal_windows")
    return {"windows": windows, "cues": cue_rows, "samples": dict(sample_rows), "dead": dead,
            "too_late": {t for (t,) in late}, "read": int(read), "duplicates": duplicates}


def assert_same_tables(got: dict, want: dict) -> None:
    """Table by table, so a failure says which one differs."""
    for table in ("read", "dead", "too_late", "duplicates", "windows", "cues", "samples"):
        assert got[table] == want[table], f"{table} differs: got {_diff(got[table], want[table])}"


def _diff(got, want) -> str:
    if isinstance(got, (set, dict)) and isinstance(want, (set, dict)):
        g, w = set(got), set(want)
        changed = [(k, got[k], want[k]) for k in sorted(g & w) if isinstance(got, dict) and got[k] != want[k]][:3]
        return f"only landed {sorted(g - w)[:5]}, only recomputed {sorted(w - g)[:5]}, different (landed, recomputed) {changed}"
    return f"{got!r} vs {want!r}"

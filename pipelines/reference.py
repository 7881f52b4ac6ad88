"""The pipeline's logic without Beam: the batch truth for tests, the reference loop for benchmarks.

Applies the same pure pieces as the streaming job, in the same order (``LatenessJudge`` per
partition in offset order, parse, classify, the ``CombineFn``s per window and key), to records
read with a plain Kafka consumer. Integration tests compare the landed tables with its result
(tests/integration/recompute.py); ``benchmarks/bench_pipeline.py`` times it beside the Beam job to
show what the framework costs.
"""

from __future__ import annotations

import collections
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable

from confluent_kafka import Consumer, TopicPartition

from pipelines.aggregate import CountCuesFn, CountTurnsFn, SampleRefusalsFn
from pipelines.classify import classify_turn
from pipelines.kafka_source import event_time_of
from pipelines.lateness import LatenessJudge
from pipelines.parse import KafkaRecord, future_skew_error, parse_record
from schemas import InvalidTurnError, Settings, WindowAggregate

__all__ = ["WINDOW_FIELDS", "Accumulated", "accumulate", "extract", "merge", "read_topic", "recompute", "window_rows"]

WINDOW_FIELDS = (
    "n_turns", "n_full_refusal", "n_partial_refusal", "n_clarification", "n_compliance", "n_with_trigger",
    "n_refused_with_trigger", "n_benign_prompt", "n_over_refusal_suspect", "n_benign_with_trigger",
    "n_suspect_with_trigger", "n_with_latency", "n_duplicate_turns", "n_conversations", "latency_p50_ms", "latency_p90_ms", "latency_p99_ms",
)


def read_topic(settings: Settings, topic: str | None = None, timeout_s: float = 60,
               partitions: Iterable[int] | None = None) -> list[KafkaRecord]:
    """Every record of the topic (or of ``partitions`` of it), per partition in offset order."""
    topic = topic or settings.topic_turns
    consumer = Consumer({**settings.kafka_client_config(), "group.id": f"recompute-{time.time_ns()}",
                         "enable.auto.commit": False})
    meta = consumer.list_topics(topic, timeout=30).topics[topic]
    records: list[KafkaRecord] = []
    for p in sorted(meta.partitions if partitions is None else partitions):
        low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=30)
        if high <= low:
            continue
        consumer.assign([TopicPartition(topic, p, low)])
        deadline = time.monotonic() + timeout_s
        got = 0
        while got < high - low and time.monotonic() < deadline:
            # never ask for more than is left: consume() would wait out its timeout for the rest
            for msg in consumer.consume(min(500, high - low - got), timeout=1.0):
                if msg.error() is None:
                    records.append(KafkaRecord(topic, p, msg.offset(), msg.timestamp()[1], msg.key(), msg.value()))
                    got += 1
        assert got == high - low, f"partition {p}: read {got} of {high - low}"
    consumer.close()
    return records


@dataclass
class Accumulated:
    """The combiners' accumulators per key, before extraction: what workers on disjoint partitions
    merge (``merge``) before one extraction, as the runner merges partial combines."""

    windows: dict = field(default_factory=dict)
    cues: dict = field(default_factory=dict)
    samples: dict = field(default_factory=dict)
    dead: int = 0
    too_late: set = field(default_factory=set)
    read: int = 0


def accumulate(records: Iterable[KafkaRecord], window_s: int, lateness_s: float, samples_k: int) -> Accumulated:
    """Fold the records (grouped by partition, in order) into the combiners' accumulators."""
    judges: dict[tuple[str, int], LatenessJudge] = {}
    counts, cues, samples = CountTurnsFn(), CountCuesFn(), SampleRefusalsFn(samples_k)
    acc_w: dict = collections.defaultdict(counts.create_accumulator)
    acc_c: dict = collections.defaultdict(cues.create_accumulator)
    acc_s: dict = collections.defaultdict(samples.create_accumulator)
    out = Accumulated()
    for r in sorted(records, key=lambda r: (r.topic, r.partition, r.offset)):
        out.read += 1
        judge = judges.setdefault((r.topic, r.partition), LatenessJudge(lateness_s))
        arrival = r.timestamp_ms / 1000.0
        stamped = event_time_of(r.value)
        stamped = arrival if stamped is None else stamped
        behind = judge.judge(arrival, stamped)
        try:
            turn = parse_record(r)
        except InvalidTurnError:
            out.dead += 1
            continue
        if behind is not None:
            out.too_late.add(turn.turn_id)
            continue
        if future_skew_error(turn, r) is not None or abs(turn.timestamp.timestamp() - stamped) > 1e-3:
            out.dead += 1  # ParseTurns(check_stamp=True): an ambiguous timestamp
            continue
        facts = classify_turn(turn)
        start = int(turn.timestamp.timestamp()) // window_s * window_s
        key = (start, facts.model_version, facts.feature, facts.detector_version)
        acc_w[key] = counts.add_input(acc_w[key], facts)
        acc_s[key] = samples.add_input(acc_s[key], facts)
        for cue in facts.cues:
            ckey = (*key, cue.term, cue.category)
            acc_c[ckey] = cues.add_input(acc_c[ckey], (turn.turn_id, facts.refused, cue.benign, facts.over_refusal_suspect))
    out.windows, out.cues, out.samples = dict(acc_w), dict(acc_c), dict(acc_s)
    return out


def merge(parts: Iterable[Accumulated], samples_k: int) -> Accumulated:
    """One ``Accumulated`` from several (each combiner's ``merge_accumulators`` per key)."""
    fns = {"windows": CountTurnsFn(), "cues": CountCuesFn(), "samples": SampleRefusalsFn(samples_k)}
    merged = Accumulated()
    for part in parts:
        for name, fn in fns.items():
            into = getattr(merged, name)
            for key, acc in getattr(part, name).items():
                into[key] = fn.merge_accumulators([into[key], acc]) if key in into else acc
        merged.dead += part.dead
        merged.too_late |= part.too_late
        merged.read += part.read
    return merged


def extract(acc: Accumulated, samples_k: int) -> dict:
    """{"windows": {key: fields}, "cues": {key: counts}, "samples": {key: [(slot, turn_id)]}, "dead": n,
    "too_late": {turn_id}, "read": n, "duplicates": n}: the tables' content, as ``recompute`` returns it."""
    counts, cues, samples = CountTurnsFn(), CountCuesFn(), SampleRefusalsFn(samples_k)
    windows = {}
    for k, v in acc.windows.items():
        out = counts.extract_output(v)
        windows[k] = {f: out[f] for f in WINDOW_FIELDS}
    sample_rows = {}
    for k, v in acc.samples.items():
        out = samples.extract_output(v)
        slots = [(i, c.turn_id) for i, c in enumerate(out["over_refusal_suspect"][1])]
        slots += [(samples_k + i, c.turn_id) for i, c in enumerate(out["refusal"][1])]
        if slots:
            sample_rows[k] = sorted(slots)
    return {"windows": windows, "cues": {k: cues.extract_output(v) for k, v in acc.cues.items()}, "samples": sample_rows,
            "dead": acc.dead, "too_late": acc.too_late, "read": acc.read,
            "duplicates": sum(w["n_duplicate_turns"] for w in windows.values())}


def recompute(records: Iterable[KafkaRecord], window_s: int, lateness_s: float, samples_k: int) -> dict:
    """The tables' content for the records (``extract`` of ``accumulate``)."""
    return extract(accumulate(records, window_s, lateness_s, samples_k), samples_k)


def window_rows(result: dict, window_s: int) -> list[WindowAggregate]:
    """``recompute``'s windows as the rows the pipeline lands (for the reference loop's landing)."""
    now = datetime.now(timezone.utc)
    rows = []
    for (start, model_version, feature, detector_version), fields in result["windows"].items():
        rows.append(WindowAggregate(
            window_start=datetime.fromtimestamp(start, timezone.utc),
            window_end=datetime.fromtimestamp(start + window_s, timezone.utc),
            model_version=model_version, feature=feature, detector_version=detector_version,
            pane_timing="ON_TIME", pane_index=0, updated_at=now,
            **{k: v for k, v in fields.items()},
        ))
    return rows

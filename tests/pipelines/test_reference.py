"""The reference loop (pipelines/reference.py): workers on disjoint partitions, merged, give the
tables of one loop over everything (what the benchmark's multi-process reference relies on)."""

from datetime import datetime, timedelta, timezone

from pipelines.generator import GeneratorConfig, generate_records
from pipelines.parse import KafkaRecord
from pipelines.reference import accumulate, extract, merge, recompute


def _records(n: int, partitions: int) -> list[KafkaRecord]:
    start = datetime(2026, 11, 28, 9, 0, tzinfo=timezone.utc)
    cfg = GeneratorConfig(count=n, seed=11, start=start, span_seconds=900, late_share=0.05, malformed_share=0.03)
    records = []
    for i, r in enumerate(generate_records(cfg)):
        p = i % partitions
        # arrival: the logger's clock shortly after the event (the generator's own timestamp)
        records.append(KafkaRecord("turns", p, i // partitions, r.timestamp_ms + 2_000, r.key, r.value))
    # copies of the newest turns at the end of another partition (a logger's retries): counted once,
    # the copies in n_duplicate_turns
    records += [r._replace(partition=1, offset=10_000 + i) for i, r in enumerate(records[-20:])]
    return records


def test_workers_merged_equal_one_loop():
    records = _records(1_500, partitions=4)
    whole = recompute(records, 60, 120, 3)
    parts = [accumulate([r for r in records if r.partition % 2 == w], 60, 120, 3) for w in (0, 1)]
    assert extract(merge(parts, 3), 3) == whole
    assert whole["read"] == len(records) and whole["dead"] > 0 and whole["duplicates"] >= 1
    assert sum(w["n_turns"] for w in whole["windows"].values()) + whole["dead"] + len(whole["too_late"]) \
        + whole["duplicates"] == whole["read"]

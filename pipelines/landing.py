"""Beam sinks: window aggregates, dead letters and too-late turns into DuckDB; dead letters to Kafka.

Writes are buffered per bundle and applied in one transaction at ``finish_bundle``; the store
object is the process's single writer (see ``pipelines.store``).
"""

from __future__ import annotations

from pathlib import Path

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipelines.store import writer_for

__all__ = ["LandRows", "PublishDeadLetters"]


class _UpsertFn(beam.DoFn):
    def __init__(self, table: str, store_path: Path, snapshot_path: Path, publish_every_s: float,
                 memory_limit_mb: int | None) -> None:
        self.table = table
        self.store_path = store_path
        self.snapshot_path = snapshot_path
        self.publish_every_s = publish_every_s
        self.memory_limit_mb = memory_limit_mb
        self.landed = Metrics.counter("landing", f"{table}_rows")

    def setup(self) -> None:
        self._store = writer_for(self.store_path, self.snapshot_path, self.publish_every_s, self.memory_limit_mb)

    def start_bundle(self) -> None:
        self._buffer: list = []

    def process(self, row) -> None:
        self._buffer.append(row)

    def finish_bundle(self) -> None:
        if self._buffer:
            self._store.upsert(self.table, self._buffer)
            self.landed.inc(len(self._buffer))
            self._buffer = []


class LandRows(beam.PTransform):
    """Rows of one of ``schemas.TABLES`` -> that table, upserted on its primary key.

    Each table's merge rule (``schemas.MERGE``) decides: a window's newer, larger pane replaces the
    stored row; ``dead_letters`` and ``too_late_turns`` are keyed by (topic, partition, offset), so
    a replayed record is stored once; ``source_progress`` widens the offset range read.
    """

    def __init__(self, table: str, store_path: Path, snapshot_path: Path, publish_every_s: float,
                 memory_limit_mb: int | None = None) -> None:
        super().__init__()
        self._fn = _UpsertFn(table, store_path, snapshot_path, publish_every_s, memory_limit_mb)

    def expand(self, rows):
        return rows | f"Upsert_{self._fn.table}" >> beam.ParDo(self._fn)


class _ProduceFn(beam.DoFn):
    def __init__(self, producer_config: dict[str, str], topic: str) -> None:
        self.producer_config = producer_config
        self.topic = topic
        self.sent = Metrics.counter("dead_letter_topic", "produced")

    def setup(self) -> None:
        from confluent_kafka import Producer

        self._producer = Producer({**self.producer_config, "enable.idempotence": True})
        self._errors: list[str] = []

    def process(self, row) -> None:
        def on_delivery(err, _msg) -> None:
            if err is not None:
                self._errors.append(str(err))

        key = f"{row.source_topic}/{row.source_partition}/{row.source_offset}".encode()
        while True:
            try:
                self._producer.produce(self.topic, key=key, value=row.model_dump_json().encode(), on_delivery=on_delivery)
                break
            except BufferError:
                self._producer.poll(0.5)
        self._producer.poll(0)
        self.sent.inc()

    def finish_bundle(self) -> None:
        # As long as the producer's own delivery timeout: a broker outage of minutes is waited out
        # rather than failing the bundle (Prism does not retry a failed bundle: the job would stop).
        remaining = self._producer.flush(300)
        if remaining or self._errors:
            errors, self._errors = self._errors, []
            # Raising makes the runner retry the bundle: a dead letter is never dropped silently.
            raise RuntimeError(f"dead-letter topic {self.topic!r}: {remaining} undelivered, errors: {errors[:3]}")

    def teardown(self) -> None:
        if getattr(self, "_producer", None) is not None:
            self._producer.flush(10)


class PublishDeadLetters(beam.PTransform):
    """DeadLetter rows -> the dead-letter Kafka topic (JSON), for other consumers to re-drive."""

    def __init__(self, producer_config: dict[str, str], topic: str) -> None:
        super().__init__()
        self._fn = _ProduceFn(producer_config, topic)

    def expand(self, rows):
        return rows | "ProduceToDeadLetterTopic" >> beam.ParDo(self._fn)

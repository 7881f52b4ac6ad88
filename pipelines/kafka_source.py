"""Reading the turns topic: a Python splittable DoFn over a Kafka client, one restriction per partition.

Why not ``apache_beam.io.kafka.ReadFromKafka`` on the local runner: see docs/decisions/kafka-read.md.
``ReadFromKafkaPartitions`` is selectable beside the cross-language read (``--read-path``), and
both produce the same ``KafkaRecord`` elements, so everything downstream is shared.

How it works
- One element per (topic, partition); its restriction is an ``OffsetRange`` of Kafka offsets, so
  the runner can checkpoint and resume a partition at an exact offset.
- ``process`` polls a batch, claims each offset, and emits the record stamped with the turn's
  event time (read from the message; the Kafka timestamp if it has none); when the partition is
  caught up it asks to be resumed a moment later (self-checkpointing), which is what makes the
  read unbounded. A turn already behind the watermark goes to the ``too_late`` output instead.
- The watermark estimator is manual: it follows the newest message timestamp minus a holdback,
  and when a partition is caught up it advances with the wall clock (minus the same holdback), so
  an idle partition does not hold back the windows of the others. The streaming job sets the
  holdback to the allowed lateness: a turn up to that much older than the newest one is still on
  time for its window, which is how lateness is implemented on Prism (see pipelines/streaming.py).
- ``stop_at_end`` reads each partition up to the end offset it has when the read starts (backfill,
  tests); ``idle_stop_s`` ends a streaming read after that long with no new records (tests).
"""

from __future__ import annotations

import re
import sys
import time
from datetime import datetime
from typing import Iterator, NamedTuple

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.io.restriction_trackers import OffsetRange, OffsetRestrictionTracker
from apache_beam.io.watermark_estimators import ManualWatermarkEstimator
from apache_beam.metrics import Metrics
from apache_beam.transforms.core import RestrictionProvider, WatermarkEstimatorProvider
from apache_beam.utils.timestamp import Duration, Timestamp

from pipelines.parse import KafkaRecord

__all__ = ["TOO_LATE", "TopicPartition", "ReadFromKafkaPartitions", "list_partitions", "next_watermark", "event_time_of"]

#: Tag of the read's second output: (KafkaRecord, watermark seconds) for turns behind the watermark.
TOO_LATE = "too_late"

_UNBOUNDED = sys.maxsize


class TopicPartition(NamedTuple):
    topic: str
    partition: int


def list_partitions(consumer_config: dict[str, str], topic: str, timeout_s: float = 30.0) -> list[TopicPartition]:
    """Partitions of ``topic`` (fails loudly if the topic does not exist)."""
    from confluent_kafka.admin import AdminClient

    admin_config = {k: v for k, v in consumer_config.items() if k != "group.id"}
    meta = AdminClient(admin_config).list_topics(topic=topic, timeout=timeout_s)
    info = meta.topics.get(topic)
    if info is None or info.error is not None or not info.partitions:
        raise RuntimeError(f"topic {topic!r} not found at {consumer_config.get('bootstrap.servers')}: {info and info.error}")
    return [TopicPartition(topic, p) for p in sorted(info.partitions)]


_EVENT_TIME = re.compile(rb'"timestamp"\s*:\s*"([^"\\]{10,40})"')


def event_time_of(value: bytes | None) -> float | None:
    """The turn's event time (epoch seconds) read from the raw message, or None if it has none.

    A cheap look at the ``timestamp`` field, so the read can stamp and judge lateness by event
    time; full validation still happens in ParseTurns (a record without a usable timestamp is
    judged by its Kafka timestamp and will be dead-lettered there).
    """
    if not value:
        return None
    match = _EVENT_TIME.search(value)
    if match is None:
        return None
    try:
        parsed = datetime.fromisoformat(match.group(1).decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        return None
    return parsed.timestamp() if parsed.tzinfo is not None else None


def next_watermark(
    current: float | None, newest_ts: float | None, caught_up: bool, now: float, holdback_s: float
) -> float | None:
    """The partition's new watermark (seconds), or None to keep ``current``; never moves back.

    It trails the newest message timestamp by ``holdback_s``; once the partition is caught up it
    also advances with the wall clock, so an idle partition never stalls the others.
    """
    candidate = (newest_ts - holdback_s) if newest_ts is not None else None
    if caught_up:
        candidate = max(candidate if candidate is not None else now - holdback_s, now - holdback_s)
    if candidate is None or (current is not None and candidate <= current):
        return None
    return candidate


def _consumer(config: dict[str, str]):
    from confluent_kafka import Consumer

    return Consumer({
        **config,
        "group.id": config.get("group.id", "refusal-monitor"),
        "enable.auto.commit": False,
        "enable.auto.offset.store": False,
        "enable.partition.eof": False,
        # Offsets are held in the restriction, not committed to Kafka: the runner owns progress.
    })


class _PartitionTracker(OffsetRestrictionTracker):
    """Offset tracker for one partition that splits an open-ended range only at the current position.

    A runner may ask to split a restriction at any fraction of what remains. For an open-ended
    range ``[n, 2**63)`` that fraction is meaningless (Prism asks for the midpoint, which would
    hand a second reader offsets that may never exist), so only checkpoints (fraction 0) are
    honoured; a bounded backfill range splits normally. Beam Java's KafkaIO reaches the same end
    with its GrowableOffsetRangeTracker.
    """

    def try_split(self, fraction_of_remainder):
        if fraction_of_remainder > 0 and self._range.stop == _UNBOUNDED:
            return None
        return super().try_split(fraction_of_remainder)


class _KafkaTimeWatermark(WatermarkEstimatorProvider):
    def initial_estimator_state(self, element, restriction):
        return None

    def create_watermark_estimator(self, state):
        return ManualWatermarkEstimator(state)


class _ReadPartitionFn(beam.DoFn, RestrictionProvider):
    """Reads one partition; is its own RestrictionProvider (restrictions are offset ranges)."""

    def __init__(
        self,
        consumer_config: dict[str, str],
        read_from: str,
        stop_at_end: bool,
        idle_stop_s: float | None,
        holdback_s: float,
        poll_batch: int = 1000,
    ) -> None:
        self.consumer_config = consumer_config
        self.read_from = read_from
        self.stop_at_end = stop_at_end
        self.idle_stop_s = idle_stop_s
        self.holdback_s = holdback_s
        self.poll_batch = poll_batch
        self.records = Metrics.counter("kafka_read", "records")
        self.too_late = Metrics.counter("conservation", "too_late")
        self.errors = Metrics.counter("kafka_read", "client_errors")

    # -- RestrictionProvider ----------------------------------------------------------------------
    def initial_restriction(self, tp: TopicPartition) -> OffsetRange:
        """[start, stop) offsets: start from the broker's low or high mark, stop unbounded or at the end."""
        from confluent_kafka import TopicPartition as KTP

        consumer = _consumer(self.consumer_config)
        try:
            low, high = consumer.get_watermark_offsets(KTP(tp.topic, tp.partition), timeout=30)
        finally:
            consumer.close()
        start = low if self.read_from == "earliest" else high
        stop = high if self.stop_at_end else _UNBOUNDED
        return OffsetRange(start, max(start, stop))

    def create_tracker(self, restriction: OffsetRange) -> OffsetRestrictionTracker:
        return _PartitionTracker(restriction)

    def restriction_size(self, tp: TopicPartition, restriction: OffsetRange) -> int:
        return restriction.size() if restriction.stop != _UNBOUNDED else 1 << 20

    def split(self, tp: TopicPartition, restriction: OffsetRange) -> Iterator[OffsetRange]:
        yield restriction  # one reader per partition; the runner may still checkpoint it

    # -- DoFn ------------------------------------------------------------------------------------
    def setup(self) -> None:
        self._positions: dict[TopicPartition, int] = {}
        self._consumers: dict[TopicPartition, object] = {}
        self._last_data: dict[TopicPartition, float] = {}

    def teardown(self) -> None:
        for consumer in self._consumers.values():
            consumer.close()
        self._consumers.clear()

    def _consumer_at(self, tp: TopicPartition, offset: int):
        from confluent_kafka import TopicPartition as KTP

        consumer = self._consumers.get(tp)
        if consumer is None:
            consumer = self._consumers[tp] = _consumer(self.consumer_config)
            consumer.assign([KTP(tp.topic, tp.partition, offset)])
            self._positions[tp] = offset
        elif self._positions.get(tp) != offset:
            consumer.seek(KTP(tp.topic, tp.partition, offset))
            self._positions[tp] = offset
        return consumer

    @beam.DoFn.unbounded_per_element()
    def process(
        self,
        tp: TopicPartition,
        tracker=beam.DoFn.RestrictionParam(),
        watermark=beam.DoFn.WatermarkEstimatorParam(_KafkaTimeWatermark()),
    ):
        restriction = tracker.current_restriction()
        if restriction.start >= restriction.stop:
            return
        consumer = self._consumer_at(tp, restriction.start)
        messages = consumer.consume(num_messages=self.poll_batch, timeout=0.5)
        now = time.time()
        batch: list[tuple[KafkaRecord, float]] = []
        newest_ts: float | None = None
        exhausted = False
        for msg in messages:
            err = msg.error()
            if err is not None:
                # Partition EOF is disabled; anything else is a broker/client condition worth seeing.
                self.errors.inc()
                continue
            offset = msg.offset()
            if offset < restriction.start:  # a stale fetch from before a seek
                continue
            if not tracker.try_claim(offset):
                exhausted = True
                break
            self._positions[tp] = offset + 1
            _, ts_ms = msg.timestamp()
            ts = ts_ms / 1000.0 if ts_ms and ts_ms > 0 else now
            newest_ts = ts if newest_ts is None else max(newest_ts, ts)
            record = KafkaRecord(tp.topic, tp.partition, offset, ts_ms, msg.key(), msg.value())
            batch.append((record, event_time_of(record.value) or ts))
        if messages:
            self._last_data[tp] = now
        caught_up = len(messages) < self.poll_batch
        # The watermark this call will report is settled before anything is emitted, so every
        # record can be judged against it: one behind it would be dropped by Beam downstream
        # without a trace, so it goes to the too-late output instead (exact: no downstream
        # watermark passes the source's).
        current = watermark.current_watermark()
        current_s = None if current is None else current.micros / 1e6
        advanced = next_watermark(current_s, newest_ts, caught_up, now, self.holdback_s)
        if advanced is not None:
            watermark.set_watermark(Timestamp.of(advanced))
        reported = advanced if advanced is not None else current_s
        for record, event_ts in batch:
            self.records.inc()
            if reported is not None and event_ts < reported:
                self.too_late.inc()
                yield pvalue.TaggedOutput(TOO_LATE, (record, reported))
            else:
                yield beam.window.TimestampedValue(record, event_ts)
        if exhausted:
            return
        stop = tracker.current_restriction().stop
        if stop != _UNBOUNDED and self._positions[tp] >= stop:
            tracker.try_claim(stop)  # the range is exhausted: signal completion
            return
        if self.idle_stop_s is not None and caught_up:
            last = self._last_data.setdefault(tp, now)
            if now - last >= self.idle_stop_s:
                tracker.try_claim(stop)
                return
        # Self-checkpoint: hand the rest of the range back to the runner, to be resumed shortly.
        tracker.defer_remainder(Duration.of(0.5 if caught_up else 0))


class ReadFromKafkaPartitions(beam.PTransform):
    """Unbounded read of ``topic`` -> {"records": KafkaRecord stamped with the turn's event time,
    "too_late": (KafkaRecord, watermark) for turns already behind the read's watermark}."""

    def __init__(
        self,
        consumer_config: dict[str, str],
        topic: str,
        read_from: str = "earliest",
        stop_at_end: bool = False,
        idle_stop_s: float | None = None,
        holdback_s: float = 10.0,
    ) -> None:
        super().__init__()
        self.consumer_config = consumer_config
        self.topic = topic
        self.read_from = read_from
        self.stop_at_end = stop_at_end
        self.idle_stop_s = idle_stop_s
        self.holdback_s = holdback_s

    def expand(self, pbegin):
        partitions = list_partitions(self.consumer_config, self.topic)
        fn = _ReadPartitionFn(
            self.consumer_config, self.read_from, self.stop_at_end, self.idle_stop_s, self.holdback_s
        )
        read = (
            pbegin
            | "ListPartitions" >> beam.Create(partitions)
            | "ReadPartition" >> beam.ParDo(fn).with_input_types(TopicPartition).with_outputs(TOO_LATE, main="records")
        )
        return {"records": read.records, "too_late": read[TOO_LATE]}

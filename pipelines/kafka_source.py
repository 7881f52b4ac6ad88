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
  read unbounded. A turn judged too late goes to the ``too_late`` output instead, and each poll
  reports (topic, partition, first offset, next offset) on ``progress`` for the conservation check.
- The watermark estimator is the partition's ``LatenessJudge`` (pipelines/lateness.py): a turn
  more than the allowed lateness older than the newest arrival in its partition is too late, a
  rule that depends only on the partition's order, so a replay after a crash and a backfill judge
  every turn exactly as the first run did; its state travels with the restriction. The watermark
  trails the newest arrival by the lateness (holding for turns just emitted) and, when the
  partition is caught up, follows the wall clock, so an idle partition does not stall the others.
  This is how lateness is implemented on Prism (see pipelines/streaming.py).
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
from apache_beam.metrics import Metrics
from apache_beam.io.iobase import WatermarkEstimator
from apache_beam.transforms.core import RestrictionProvider, WatermarkEstimatorProvider
from apache_beam.utils.timestamp import Duration, Timestamp

from pipelines.lateness import LatenessJudge
from pipelines.parse import KafkaRecord

__all__ = ["TOO_LATE", "PROGRESS", "PARTITIONS_CHANGED", "TopicPartition", "ReadBounds", "ReadFromKafkaPartitions", "list_partitions", "event_time_of"]

#: Tag of the read's second output: (KafkaRecord, threshold seconds) for turns judged too late.
TOO_LATE = "too_late"
#: Tag of the read's third output: (topic, partition, first offset, next offset) of each poll.
PROGRESS = "progress"
#: In the error that ends an unbounded read when its topic gained partitions (pipelines/streaming.run
#: restarts the job on it, and the restart reads every partition).
PARTITIONS_CHANGED = "RM_TOPIC_PARTITIONS_CHANGED"

_UNBOUNDED = sys.maxsize


class TopicPartition(NamedTuple):
    topic: str
    partition: int


class ReadBounds(NamedTuple):
    """Where a bounded read (backfill) starts and stops; None means the run's defaults.

    Offsets are per partition (``{partition: offset}``, stop exclusive); times are Kafka
    timestamps in epoch milliseconds, resolved to offsets with ``offsets_for_times``.
    """

    from_offsets: dict[int, int] | None = None
    to_offsets: dict[int, int] | None = None
    from_time_ms: int | None = None
    to_time_ms: int | None = None


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


# A read consumer prefetches in the background, whether or not it is polled. The runner hands a
# partition's residual to whichever DoFn instance is free, so every instance ends up with a consumer
# per partition and most of them sit idle; with librdkafka's defaults (100,000 messages or 64 MiB
# queued per consumer) each idle one fills its queue, and the driver's memory grew by hundreds of
# megabytes under a steady load (found by benchmarks/bench_memory.py; docs/performance.md). A few
# polls' worth of messages keeps the reader fed.
PREFETCH_POLLS = 2
PREFETCH_MAX_KBYTES = 8192


def read_prefetch(poll_batch: int) -> dict[str, str]:
    """librdkafka settings that bound what one read consumer queues ahead of its polls."""
    return {
        "queued.min.messages": str(PREFETCH_POLLS * poll_batch),
        "queued.max.messages.kbytes": str(PREFETCH_MAX_KBYTES),
    }


class _PartitionTracker(OffsetRestrictionTracker):
    """Offset tracker for one partition that splits only at the current position (a checkpoint).

    A runner may ask to split a restriction at any fraction of what remains, to read the rest in
    parallel. We refuse: the lateness rule judges each record against everything before it in
    its partition (pipelines/lateness.py), so one reader must see a partition in order; a second
    reader starting mid-range would not know the newest arrival before it and would judge
    differently (found by the streaming = backfill property test). For an open-ended range the
    midpoint is also meaningless (offsets that may never exist). Beam Java's KafkaIO reads a
    partition with one reader too. Checkpoints (fraction 0) are honoured: the judge's state
    travels with the residual.
    """

    def try_split(self, fraction_of_remainder):
        if fraction_of_remainder > 0:
            return None
        return super().try_split(fraction_of_remainder)


class _JudgeWatermarkEstimator(WatermarkEstimator):
    """Reports a ``LatenessJudge``'s watermark; its state travels with the restriction, so a read
    resumed after a checkpoint (in any worker) judges the next record exactly as this one would."""

    def __init__(self, judge: LatenessJudge) -> None:
        self._judge = judge

    # Called through Beam's thread-safe wrapper, which exposes methods only (and locks them
    # against the runner reading the watermark from another thread).
    def judge(self, arrival_s: float, event_s: float) -> float | None:
        return self._judge.judge(arrival_s, event_s)

    def advance(self, now_s: float, caught_up: bool) -> None:
        self._judge.watermark(now_s, caught_up)

    def observe_timestamp(self, timestamp) -> None:
        pass  # the judge sees arrival and event times itself

    def current_watermark(self):
        reported = self._judge.reported
        return None if reported is None else Timestamp.of(reported)

    def get_estimator_state(self):
        return self._judge.state


class _ReadPartitionFn(beam.DoFn, RestrictionProvider, WatermarkEstimatorProvider):
    """Reads one partition; is its own RestrictionProvider (restrictions are offset ranges) and its
    own WatermarkEstimatorProvider (the estimator is the partition's ``LatenessJudge``)."""

    def __init__(
        self,
        consumer_config: dict[str, str],
        read_from: str,
        stop_at_end: bool,
        idle_stop_s: float | None,
        allowed_lateness_s: float,
        poll_batch: int = 1000,
        bounds: ReadBounds = ReadBounds(),
        n_partitions: int | None = None,
        partition_check_s: float | None = None,
    ) -> None:
        self.bounds = bounds
        self.n_partitions = n_partitions
        self.partition_check_s = partition_check_s
        self.consumer_config = consumer_config
        self.read_from = read_from
        self.stop_at_end = stop_at_end
        self.idle_stop_s = idle_stop_s
        self.allowed_lateness_s = allowed_lateness_s
        self.poll_batch = poll_batch
        self.records = Metrics.counter("kafka_read", "records")
        self.too_late = Metrics.counter("conservation", "too_late")
        self.errors = Metrics.counter("kafka_read", "client_errors")

    # -- RestrictionProvider ----------------------------------------------------------------------
    def initial_restriction(self, tp: TopicPartition) -> OffsetRange:
        """[start, stop) offsets: start from the broker's low or high mark, stop unbounded or at the end."""
        from confluent_kafka import TopicPartition as KTP

        consumer = _consumer(self.consumer_config)
        b = self.bounds
        try:
            low, high = consumer.get_watermark_offsets(KTP(tp.topic, tp.partition), timeout=30)

            def at_time(ms: int) -> int:
                found = consumer.offsets_for_times([KTP(tp.topic, tp.partition, ms)], timeout=30)[0].offset
                return high if found < 0 else found  # no message at or after ms: the end

            start = low if self.read_from == "earliest" else high
            if b.from_time_ms is not None:
                start = at_time(b.from_time_ms)
            if b.from_offsets and tp.partition in b.from_offsets:
                start = b.from_offsets[tp.partition]
            stop = high if self.stop_at_end else _UNBOUNDED
            if b.to_time_ms is not None:
                stop = at_time(b.to_time_ms)
            if b.to_offsets and tp.partition in b.to_offsets:
                stop = b.to_offsets[tp.partition]
        finally:
            consumer.close()
        start = min(max(start, low), high)
        if stop != _UNBOUNDED:
            stop = min(stop, high)
        return OffsetRange(start, max(start, stop))

    def create_tracker(self, restriction: OffsetRange) -> OffsetRestrictionTracker:
        return _PartitionTracker(restriction)

    def restriction_size(self, tp: TopicPartition, restriction: OffsetRange) -> int:
        return restriction.size() if restriction.stop != _UNBOUNDED else 1 << 20

    def split(self, tp: TopicPartition, restriction: OffsetRange) -> Iterator[OffsetRange]:
        yield restriction  # one reader per partition; the runner may still checkpoint it

    # -- WatermarkEstimatorProvider ----------------------------------------------------------------
    def initial_estimator_state(self, element, restriction):
        return (None, None)

    def create_watermark_estimator(self, state):
        return _JudgeWatermarkEstimator(LatenessJudge(self.allowed_lateness_s, tuple(state)))

    # -- DoFn ------------------------------------------------------------------------------------
    def setup(self) -> None:
        self._next_partition_check = time.monotonic() + (self.partition_check_s or 0)
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
            consumer = self._consumers[tp] = _consumer({**self.consumer_config, **read_prefetch(self.poll_batch)})
            consumer.assign([KTP(tp.topic, tp.partition, offset)])
            self._positions[tp] = offset
        elif self._positions.get(tp) != offset:
            from confluent_kafka import KafkaException

            try:
                consumer.seek(KTP(tp.topic, tp.partition, offset))
            except KafkaException:
                # A seek needs a live fetcher (it fails while the broker is away): assigning anew
                # at the offset needs none.
                consumer.assign([KTP(tp.topic, tp.partition, offset)])
            self._positions[tp] = offset
        return consumer

    def _check_partitions(self, consumer, tp: TopicPartition) -> None:
        """End the read if the topic gained partitions: the job is built with its partitions, and
        ``streaming.run`` restarts it (the restart re-reads every partition, windows exactly)."""
        if self.partition_check_s is None or self.n_partitions is None or time.monotonic() < self._next_partition_check:
            return
        self._next_partition_check = time.monotonic() + self.partition_check_s
        from confluent_kafka import KafkaException

        try:
            found = len(consumer.list_topics(tp.topic, timeout=5).topics[tp.topic].partitions)
        except (KafkaException, KeyError):
            return  # the broker is away: checked again next time
        if found > self.n_partitions:
            raise RuntimeError(f"{PARTITIONS_CHANGED}: topic {tp.topic!r} now has {found} partitions "
                               f"(the job was built with {self.n_partitions})")

    def _caught_up(self, consumer, tp: TopicPartition, got: int) -> bool:
        """At the partition's end? (A short poll alone is not proof: a fetch may just be slow.)"""
        if got >= self.poll_batch:
            return False
        from confluent_kafka import KafkaException, TopicPartition as KTP

        position = self._positions.get(tp, 0)
        try:
            _, high = consumer.get_watermark_offsets(KTP(tp.topic, tp.partition), cached=True)
            if high is None or high < 0 or position < high:
                _, high = consumer.get_watermark_offsets(KTP(tp.topic, tp.partition), timeout=5)
        except KafkaException:
            # The broker is unreachable (an outage, a restart): not known to be caught up, so the
            # watermark does not jump ahead; the read retries at the next resumption.
            self.errors.inc()
            return False
        return position >= high

    @beam.DoFn.unbounded_per_element()
    def process(
        self,
        tp: TopicPartition,
        tracker=beam.DoFn.RestrictionParam(),
        estimator=beam.DoFn.WatermarkEstimatorParam(),
    ):
        restriction = tracker.current_restriction()
        if restriction.start >= restriction.stop:
            return
        consumer = self._consumer_at(tp, restriction.start)
        from confluent_kafka import KafkaException

        try:
            messages = consumer.consume(num_messages=self.poll_batch, timeout=0.5)
        except KafkaException:
            self.errors.inc()  # the broker is away: nothing read now, resumed shortly
            messages = []
        now = time.time()
        first_offset: int | None = None
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
            first_offset = offset if first_offset is None else first_offset
            self._positions[tp] = offset + 1
            _, ts_ms = msg.timestamp()
            arrival = ts_ms / 1000.0 if ts_ms and ts_ms > 0 else now
            record = KafkaRecord(tp.topic, tp.partition, offset, ts_ms, msg.key(), msg.value())
            event_ts = event_time_of(record.value)
            event_ts = arrival if event_ts is None else event_ts
            self.records.inc()
            behind = estimator.judge(arrival, event_ts)
            if behind is not None:
                self.too_late.inc()
                yield pvalue.TaggedOutput(TOO_LATE, (record, behind))
            else:
                yield beam.window.TimestampedValue(record, event_ts)
        if messages:
            self._last_data[tp] = now
        self._check_partitions(consumer, tp)
        caught_up = not exhausted and self._caught_up(consumer, tp, len(messages))
        estimator.advance(now, caught_up)  # reported to the runner through current_watermark()
        if first_offset is not None:
            yield pvalue.TaggedOutput(PROGRESS, (tp.topic, tp.partition, first_offset, self._positions[tp]))
        if exhausted:
            return
        stop = tracker.current_restriction().stop
        if stop != _UNBOUNDED and self._positions.get(tp, restriction.start) >= stop:
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
        allowed_lateness_s: float = 10.0,
        bounds: ReadBounds = ReadBounds(),
        partition_check_s: float | None = None,
    ) -> None:
        super().__init__()
        self.bounds = bounds
        self.partition_check_s = partition_check_s
        self.consumer_config = consumer_config
        self.topic = topic
        self.read_from = read_from
        self.stop_at_end = stop_at_end
        self.idle_stop_s = idle_stop_s
        self.allowed_lateness_s = allowed_lateness_s

    def expand(self, pbegin):
        partitions = list_partitions(self.consumer_config, self.topic)
        fn = _ReadPartitionFn(
            self.consumer_config, self.read_from, self.stop_at_end, self.idle_stop_s, self.allowed_lateness_s,
            bounds=self.bounds, n_partitions=len(partitions),
            partition_check_s=None if self.stop_at_end else self.partition_check_s,
        )
        read = (
            pbegin
            | "ListPartitions" >> beam.Create(partitions)
            | "ReadPartition" >> beam.ParDo(fn).with_input_types(TopicPartition).with_outputs(TOO_LATE, PROGRESS, main="records")
        )
        return {"records": read.records, "too_late": read[TOO_LATE], "progress": read[PROGRESS]}

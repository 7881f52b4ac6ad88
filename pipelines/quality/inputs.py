"""A micro-batch of the newest input messages, read straight from the turns topic.

The checker must not disturb the pipeline's consumer group, so it assigns partitions itself,
starts each at ``end - N`` and commits nothing. Messages are returned raw (possibly broken):
validating them is the input suite's job.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone

from pipelines.quality.frames import RawMessage
from schemas import Settings, TransientError

__all__ = ["sample_turns", "traffic_flows"]


def _consumer(settings: Settings):
    from confluent_kafka import Consumer

    return Consumer({
        **settings.kafka_client_config(),
        # librdkafka wants a group id even for manual assignment; a throwaway one, never committed.
        "group.id": f"rm-quality-{uuid.uuid4().hex[:8]}",
        "enable.auto.commit": False,
        "enable.auto.offset.store": False,
        "auto.offset.reset": "earliest",
        "enable.partition.eof": True,
        # connection failures surface once, as a TransientError below, not as a log line per retry
        "log_level": 2,
    })


def sample_turns(settings: Settings, per_partition: int, timeout_s: float = 30.0) -> tuple[list[RawMessage], datetime | None]:
    """The newest ``per_partition`` messages of each partition of the turns topic, and the newest
    Kafka timestamp among them (None for an empty topic). Raises TransientError if the broker
    cannot be reached or the read does not finish in ``timeout_s``."""
    from confluent_kafka import KafkaError, KafkaException, TopicPartition

    consumer = _consumer(settings)
    try:
        try:
            meta = consumer.list_topics(settings.topic_turns, timeout=10)
        except KafkaException as exc:
            raise TransientError(f"cannot reach Kafka at {settings.bootstrap_servers}: {exc}") from None
        topic_meta = meta.topics.get(settings.topic_turns)
        if topic_meta is None or topic_meta.error is not None or not topic_meta.partitions:
            raise TransientError(f"topic {settings.topic_turns} not found on {settings.bootstrap_servers}")
        assignment, ends = [], {}
        for p in sorted(topic_meta.partitions):
            low, high = consumer.get_watermark_offsets(TopicPartition(settings.topic_turns, p), timeout=10)
            if high > low:
                assignment.append(TopicPartition(settings.topic_turns, p, max(low, high - per_partition)))
                ends[p] = high
        if not assignment:
            return [], None
        consumer.assign(assignment)
        messages: list[RawMessage] = []
        newest_ms: int | None = None
        pending = dict(ends)
        deadline = time.monotonic() + timeout_s
        while pending:
            if time.monotonic() > deadline:
                raise TransientError(f"reading the newest turns of {settings.topic_turns} timed out after {timeout_s}s")
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    pending.pop(msg.partition(), None)
                    continue
                raise TransientError(f"reading {settings.topic_turns}: {msg.error()}")
            if msg.offset() >= ends.get(msg.partition(), 0):
                pending.pop(msg.partition(), None)
                continue
            messages.append(RawMessage(msg.value(), msg.partition(), msg.offset()))
            _, ts = msg.timestamp()
            if ts > 0:
                newest_ms = ts if newest_ms is None else max(newest_ms, ts)
            if msg.offset() >= ends[msg.partition()] - 1:
                pending.pop(msg.partition(), None)
        newest = datetime.fromtimestamp(newest_ms / 1000, timezone.utc) if newest_ms is not None else None
        return messages, newest
    finally:
        consumer.close()


def traffic_flows(messages_newest: datetime | None, now: datetime, max_age_s: float) -> bool:
    """Whether traffic flows: the newest sampled message is at most ``max_age_s`` old."""
    return messages_newest is not None and (now - messages_newest).total_seconds() <= max_age_s

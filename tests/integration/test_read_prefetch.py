"""The partition reader's consumers queue only a few polls ahead of what is read.

Every DoFn instance keeps a consumer per partition it has read, and idle ones keep fetching in the
background; with librdkafka's defaults each would queue up to 100,000 messages (64 MiB), which made
the driver's memory grow under a steady load. Checked on a real broker through librdkafka's own
statistics (the partition's fetch queue).
"""
from __future__ import annotations

import json
import time

from confluent_kafka import Producer

from pipelines.kafka_source import TopicPartition, _ReadPartitionFn

BACKLOG = 20_000
POLL_BATCH = 500


def _fill(settings, n: int) -> None:
    producer = Producer(settings.kafka_client_config())
    payload = b"x" * 1000
    for i in range(n):
        producer.produce(settings.topic_turns, value=payload, partition=0)
        if i % 5000 == 4999:
            producer.flush(30)
    assert producer.flush(30) == 0


def test_an_idle_read_consumer_queues_a_few_polls_not_the_backlog(topic_settings):
    _fill(topic_settings, BACKLOG)
    stats: list[dict] = []
    config = {
        **topic_settings.kafka_client_config(),
        "group.id": topic_settings.consumer_group,
        "statistics.interval.ms": 200,
        "stats_cb": lambda raw: stats.append(json.loads(raw)),
    }
    fn = _ReadPartitionFn(config, "earliest", stop_at_end=False, idle_stop_s=None, allowed_lateness_s=60,
                          poll_batch=POLL_BATCH)
    fn.setup()
    try:
        tp = TopicPartition(topic_settings.topic_turns, 0)
        consumer = fn._consumer_at(tp, 0)
        got = consumer.consume(num_messages=POLL_BATCH, timeout=10)
        assert len(got) == POLL_BATCH
        # the consumer now sits all but idle (as in an instance the runner has stopped using): the
        # background fetcher has time to fill whatever its queue allows; a one-message consume every
        # 0.2 s serves the statistics callback
        deadline = time.monotonic() + 4
        read = len(got)
        while time.monotonic() < deadline:
            time.sleep(0.2)
            read += len(consumer.consume(num_messages=1, timeout=0))
        queued = [s["topics"][tp.topic]["partitions"]["0"]["fetchq_cnt"] for s in stats[-3:]]
    finally:
        fn.teardown()
    assert queued, "librdkafka reported no statistics"
    # a few polls' worth (plus at most one fetch response in flight), far below the backlog left
    assert max(queued) <= 4 * POLL_BATCH, queued
    assert BACKLOG - read > 5 * 4 * POLL_BATCH  # (the unbounded default queues all of it)

"""Reading the turns topic with Beam Java's KafkaIO through ``apache_beam.io.kafka.ReadFromKafka``.

This is the cross-language read path, selectable beside the Python splittable DoFn of
``pipelines/kafka_source.py``; it emits the same ``KafkaRecord`` elements, so everything downstream
is shared. It needs a Beam Java expansion service of the *same* Beam version as the Python SDK
(``infra/expansion_service.py`` starts one on 127.0.0.1 that also serves the Java workers); see
docs/decisions/kafka-read-xlang.md.

Timestamps: ``timestamp_policy=CreateTime``
    Elements are stamped by KafkaIO with the message's Kafka timestamp, and KafkaIO's watermark
    follows those timestamps per partition. That is the same contract as the Python read path
    (event time = Kafka message timestamp), so a backlog is read in event time and windows close as
    the data goes by, instead of every old turn arriving "late" against a wall-clock watermark
    (``ProcessingTime``, ReadFromKafka's default). ``LogAppendTime`` would only differ for topics
    configured with ``message.timestamp.type=LogAppendTime``; the project's topics use the default
    CreateTime, and KafkaIO's CreateTime policy *fails the read* on a LogAppendTime record, which
    is a loud error rather than a silent mix of clocks. After the Java read we re-stamp each
    element with ``timestamp_ms`` explicitly (a no-op for CreateTime), so the element timestamp is
    the KafkaRecord's by construction, whatever KafkaIO did.

    Checked on Prism 2.73.0 (docs/decisions/kafka-read-xlang.md): a 90 s backlog over 3 partitions,
    one of which goes idle early, then an idle topic -> all 10 ten-second windows fired ON_TIME
    with all 90 records within ~17 s of submission, i.e. the watermark follows the data while
    catching up and moves on with the wall clock when caught up (like the Python path).
    ``ParseTurns`` re-stamps turns with their own event time in either case.

Bounded runs (what ReadFromKafka allows)
- ``max_num_records``: stop after that many records in total. KafkaIO then reads through the
  legacy UnboundedSource wrapper, which splits the quota evenly over ``min(100, n // 10000 + 1)``
  readers; below 10 000 records that is one reader over all partitions, so the total is exact.
  Above, a reader whose partitions hold fewer records than its share waits until
  ``max_read_time_s`` (so give one).
- ``stop_at_end=True``: read what the topic holds when the pipeline is built (sum of end minus
  start offsets of all partitions, measured with the Python Kafka client) via ``max_num_records``.
  If the topic is empty the read yields nothing. The count starts at the low mark, as the Python
  path does; KafkaIO however starts at the consumer group's *committed* offset when there is one
  (then ``auto.offset.reset`` does not apply). Neither read path commits, so this only matters if
  something else commits offsets for the same ``group.id`` - the read would then wait for records
  that never come, until ``max_read_time_s``.
- ``max_read_time_s``: stop after that long (each reader).
- There is no "stop when idle" in KafkaIO: ``idle_stop_s`` is refused with a ValueError.
"""

from __future__ import annotations

import logging
from typing import Mapping

import apache_beam as beam
from apache_beam.io.kafka import ReadFromKafka

from pipelines.parse import KafkaRecord

__all__ = ["ReadFromKafkaJava", "java_consumer_config", "backlog_size"]

log = logging.getLogger(__name__)

# librdkafka-only keys that the Java client would warn about or misread.
_LIBRDKAFKA_ONLY = {"sasl.username", "sasl.password", "enable.partition.eof", "enable.auto.offset.store"}
_SPLIT_THRESHOLD = 10_000  # below this many records KafkaIO's bounded wrapper uses a single reader


def java_consumer_config(config: Mapping[str, object], read_from: str = "earliest") -> dict[str, str]:
    """The Java Kafka consumer's properties for a librdkafka-style ``config`` (all values strings).

    SASL user/password (librdkafka keys) become ``sasl.jaas.config`` for the Java client.
    """
    conf = {k: str(v) for k, v in config.items() if k not in _LIBRDKAFKA_ONLY}
    if "sasl.username" in config:
        mechanism = str(config.get("sasl.mechanism", "PLAIN"))
        module = (
            "org.apache.kafka.common.security.plain.PlainLoginModule"
            if mechanism == "PLAIN"
            else "org.apache.kafka.common.security.scram.ScramLoginModule"
        )
        user = str(config["sasl.username"]).replace('"', '\\"')
        password = str(config.get("sasl.password", "")).replace('"', '\\"')
        conf["sasl.jaas.config"] = f'{module} required username="{user}" password="{password}";'
    conf.setdefault("auto.offset.reset", read_from)
    # Offsets are kept by the runner (KafkaIO checkpoints), not committed to Kafka.
    conf["enable.auto.commit"] = "false"
    return conf


def backlog_size(consumer_config: Mapping[str, object], topic: str, read_from: str = "earliest") -> int:
    """Records between the start (low mark for earliest, high mark for latest) and the end of ``topic``."""
    from confluent_kafka import Consumer
    from confluent_kafka import TopicPartition as KTP

    from pipelines.kafka_source import list_partitions

    if read_from == "latest":
        return 0
    partitions = list_partitions(dict(consumer_config), topic)  # type: ignore[arg-type]
    consumer = Consumer({**consumer_config, "group.id": consumer_config.get("group.id", "refusal-monitor")})
    try:
        total = 0
        for tp in partitions:
            low, high = consumer.get_watermark_offsets(KTP(tp.topic, tp.partition), timeout=30)
            total += max(0, high - low)
        return total
    finally:
        consumer.close()


def _to_record(row) -> beam.window.TimestampedValue:
    """A ReadFromKafka metadata row -> KafkaRecord stamped with the Kafka message timestamp."""
    ts_ms = int(row.timestamp)
    record = KafkaRecord(
        topic=str(row.topic),
        partition=int(row.partition),
        offset=int(row.offset),
        timestamp_ms=ts_ms,
        key=bytes(row.key) if row.key is not None else None,
        value=bytes(row.value) if row.value is not None else None,
    )
    return beam.window.TimestampedValue(record, ts_ms / 1000.0)


class ReadFromKafkaJava(beam.PTransform):
    """Read ``topic`` with Beam Java's KafkaIO (cross-language) -> KafkaRecord, event-time stamped.

    ``consumer_config`` is librdkafka-style (``Settings.kafka_client_config()`` plus ``group.id``);
    ``expansion_service`` is ``host:port`` of a running Beam Java expansion service of the same
    Beam version (``infra.expansion_service.ExpansionService(...).address``).
    """

    def __init__(
        self,
        consumer_config: Mapping[str, object],
        topic: str,
        expansion_service: str,
        read_from: str = "earliest",
        stop_at_end: bool = False,
        max_num_records: int | None = None,
        max_read_time_s: int | None = None,
        idle_stop_s: float | None = None,
        consumer_polling_timeout_s: int = 2,
    ) -> None:
        super().__init__()
        if idle_stop_s is not None:
            raise ValueError(
                "the cross-language Kafka read cannot stop when idle (KafkaIO has no such option); "
                "use stop_at_end, max_num_records or max_read_time_s, or the Python read path"
            )
        if stop_at_end and max_num_records is not None:
            raise ValueError("give either stop_at_end or max_num_records, not both")
        if read_from not in ("earliest", "latest"):
            raise ValueError(f"read_from must be 'earliest' or 'latest', not {read_from!r}")
        self.consumer_config = dict(consumer_config)
        self.topic = topic
        self.expansion_service = expansion_service
        self.read_from = read_from
        self.stop_at_end = stop_at_end
        self.max_num_records = max_num_records
        self.max_read_time_s = max_read_time_s
        self.consumer_polling_timeout_s = consumer_polling_timeout_s

    def expand(self, pbegin):
        max_records = self.max_num_records
        if self.stop_at_end:
            max_records = backlog_size(self.consumer_config, self.topic, self.read_from)
            if max_records == 0:
                log.info("topic %s holds nothing to read from %s: empty read", self.topic, self.read_from)
                return pbegin | "EmptyTopic" >> beam.Create([]).with_output_types(KafkaRecord)
        if max_records is not None and max_records >= _SPLIT_THRESHOLD and self.max_read_time_s is None:
            log.warning(
                "bounded Java Kafka read of %d records is split over several readers with equal quotas; "
                "uneven partitions make a reader wait forever without max_read_time_s", max_records,
            )
        rows = pbegin | "KafkaIO" >> ReadFromKafka(
            consumer_config=java_consumer_config(self.consumer_config, self.read_from),
            topics=[self.topic],
            with_metadata=True,
            timestamp_policy=ReadFromKafka.create_time_policy,
            max_num_records=max_records,
            max_read_time=self.max_read_time_s,
            consumer_polling_timeout=self.consumer_polling_timeout_s,
            expansion_service=self.expansion_service,
        )
        return rows | "ToKafkaRecord" >> beam.Map(_to_record).with_output_types(KafkaRecord)

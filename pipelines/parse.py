"""Where a turn enters: Kafka records become validated ``ChatTurn``s or dead letters.

``ParseTurns`` returns two PCollections, ``turns`` (timestamped with the turn's event time) and
``dead_letters`` (``DeadLetter`` rows with the reason that names the field). Only
``InvalidTurnError`` is turned into a dead letter; any other exception is a bug and fails loudly.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import NamedTuple

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.metrics import Metrics

from schemas import ChatTurn, DeadLetter, InvalidTurnError, TooLateTurn, parse_turn

__all__ = ["KafkaRecord", "ParseTurns", "ParseTooLateTurns", "parse_record", "to_dead_letter", "to_too_late", "excerpt"]

_EXCERPT_BYTES = 512


class KafkaRecord(NamedTuple):
    """A message as read from Kafka, independent of the read path that produced it."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes | None


def excerpt(value: bytes | None) -> str:
    """The first bytes of a message, printable and bounded, for a human looking at a dead letter."""
    if value is None:
        return ""
    head = value[:_EXCERPT_BYTES]
    text = head.decode("utf-8", errors="backslashreplace")
    return text + ("…" if len(value) > _EXCERPT_BYTES else "")


def parse_record(record: KafkaRecord) -> ChatTurn:
    """Validate one record's value (raises InvalidTurnError with the reason)."""
    if record.value is None:
        raise InvalidTurnError("message has no value (tombstone)", field=None)
    return parse_turn(record.value)


def to_dead_letter(record: KafkaRecord, error: InvalidTurnError) -> DeadLetter:
    """The dead-letter row for a record that failed validation."""
    return DeadLetter(
        source_topic=record.topic,
        source_partition=record.partition,
        source_offset=record.offset,
        error_field=error.field,
        reason=error.reason,
        raw_excerpt=excerpt(record.value),
        raw_size=len(record.value or b""),
        received_at=datetime.now(timezone.utc),
    )


def to_too_late(turn: ChatTurn, record: KafkaRecord, watermark_s: float) -> TooLateTurn:
    """The too-late row for a valid turn that arrived behind the read's watermark."""
    watermark = datetime.fromtimestamp(watermark_s, timezone.utc)
    return TooLateTurn(
        source_topic=record.topic, source_partition=record.partition, source_offset=record.offset,
        turn_id=turn.turn_id, model_version=turn.model_version, feature=turn.feature,
        event_time=turn.timestamp, watermark=watermark,
        lateness_seconds=round((watermark - turn.timestamp).total_seconds(), 3),
        received_at=datetime.now(timezone.utc),
    )


_DEAD_LETTER = "dead_letters"


class _ParseFn(beam.DoFn):
    """Validates records; on-time ones become event-time-stamped turns, records that arrived behind
    the watermark (``(record, watermark)`` pairs) become TooLateTurn rows. Either may dead-letter."""

    def __init__(self, too_late: bool = False) -> None:
        self.too_late = too_late
        self.read = Metrics.counter("conservation", "records_read")
        self.valid = Metrics.counter("conservation", "turns_valid")
        self.dead = Metrics.counter("conservation", "dead_lettered")

    def process(self, element):
        record, watermark_s = element if self.too_late else (element, None)
        self.read.inc()
        try:
            turn = parse_record(record)
        except InvalidTurnError as exc:
            self.dead.inc()
            yield pvalue.TaggedOutput(_DEAD_LETTER, to_dead_letter(record, exc))
            return
        if self.too_late:
            yield to_too_late(turn, record, watermark_s)
            return
        self.valid.inc()
        yield beam.window.TimestampedValue(turn, turn.timestamp.timestamp())


class ParseTooLateTurns(beam.PTransform):
    """(KafkaRecord, watermark) behind the watermark -> (too_late: TooLateTurn, dead_letters: DeadLetter)."""

    def expand(self, late):
        parsed = late | "ValidateLateTurn" >> beam.ParDo(_ParseFn(too_late=True)).with_outputs(_DEAD_LETTER, main="too_late")
        return {"too_late": parsed.too_late, "dead_letters": parsed[_DEAD_LETTER]}


class ParseTurns(beam.PTransform):
    """KafkaRecord -> (turns: ChatTurn with event-time timestamps, dead_letters: DeadLetter)."""

    def expand(self, records):
        parsed = records | "ValidateTurn" >> beam.ParDo(_ParseFn()).with_outputs(_DEAD_LETTER, main="turns")
        return {"turns": parsed.turns, "dead_letters": parsed[_DEAD_LETTER]}

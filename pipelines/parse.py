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

from pipelines.redact import redact
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
    """The first bytes of a message, printable, bounded and redacted (pipelines/redact.py), for a
    human looking at a dead letter: it is stored and published, so it must not leak private text."""
    if value is None:
        return ""
    head = value[:_EXCERPT_BYTES]
    text = redact(head.decode("utf-8", errors="backslashreplace"))
    return text + ("…" if len(value) > _EXCERPT_BYTES else "")


def parse_record(record: KafkaRecord) -> ChatTurn:
    """Validate one record's value (raises InvalidTurnError with the reason)."""
    if record.value is None:
        raise InvalidTurnError("message has no value (tombstone)", field=None)
    return parse_turn(record.value)


def check_accepted(turn: ChatTurn, model_versions: frozenset[str] | None, features: frozenset[str] | None) -> None:
    """Raise InvalidTurnError if the turn's model version or feature is outside a configured list."""
    for field, value, accepted, setting in (("model_version", turn.model_version, model_versions, "RM_ACCEPTED_MODEL_VERSIONS"),
                                            ("feature", turn.feature, features, "RM_ACCEPTED_FEATURES")):
        if accepted is not None and value not in accepted:
            raise InvalidTurnError(
                f"field '{field}': {value!r} is not accepted ({setting}: {', '.join(sorted(accepted))})", field=field)


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

#: A turn stamped more than this after the message's Kafka timestamp is a clock or logging bug.
MAX_FUTURE_SKEW_S = 86_400.0


def future_skew_error(turn: ChatTurn, record: KafkaRecord) -> InvalidTurnError | None:
    """The reason to reject a turn whose event time is far after the time it was logged, if it is."""
    if record.timestamp_ms and record.timestamp_ms > 0:
        ahead = turn.timestamp.timestamp() - record.timestamp_ms / 1000.0
        if ahead > MAX_FUTURE_SKEW_S:
            return InvalidTurnError(
                f"field 'timestamp': {ahead / 86_400:.1f} days after the message's Kafka timestamp "
                f"(more than a day after it was logged: a clock or logging bug)", field="timestamp")
    return None


class _ParseFn(beam.DoFn):
    """Validates records; on-time ones become event-time-stamped turns, records that arrived behind
    the watermark (``(record, watermark)`` pairs) become TooLateTurn rows. Either may dead-letter."""

    def __init__(self, too_late: bool = False, check_stamp: bool = False,
                 accepted: tuple[frozenset[str] | None, frozenset[str] | None] = (None, None)) -> None:
        self.too_late = too_late
        self.check_stamp = check_stamp
        self.accepted = accepted
        self.read = Metrics.counter("conservation", "records_read")
        self.valid = Metrics.counter("conservation", "turns_valid")
        self.dead = Metrics.counter("conservation", "dead_lettered")

    def process(self, element, stamp=beam.DoFn.TimestampParam):
        record, watermark_s = element if self.too_late else (element, None)
        self.read.inc()
        try:
            turn = parse_record(record)
            check_accepted(turn, *self.accepted)
        except InvalidTurnError as exc:
            self.dead.inc()
            yield pvalue.TaggedOutput(_DEAD_LETTER, to_dead_letter(record, exc))
            return
        if self.too_late:
            yield to_too_late(turn, record, watermark_s)
            return
        skew = future_skew_error(turn, record)
        if skew is not None:
            self.dead.inc()
            yield pvalue.TaggedOutput(_DEAD_LETTER, to_dead_letter(record, skew))
            return
        if self.check_stamp and abs(turn.timestamp.timestamp() - stamp.micros / 1e6) > 1e-3:
            # The read judged lateness by the first "timestamp" in the raw message; the turn's own
            # differs (a duplicated key, or one nested earlier). Counting it could put it behind
            # the watermark, where Beam would drop it without a trace: reject it, with the reason.
            self.dead.inc()
            yield pvalue.TaggedOutput(_DEAD_LETTER, to_dead_letter(record, InvalidTurnError(
                "field 'timestamp': ambiguous: the message has another 'timestamp' key besides the turn's own",
                field="timestamp")))
            return
        self.valid.inc()
        yield beam.window.TimestampedValue(turn, turn.timestamp.timestamp())


class ParseTooLateTurns(beam.PTransform):
    """(KafkaRecord, watermark) behind the watermark -> (too_late: TooLateTurn, dead_letters: DeadLetter)."""

    def expand(self, late):
        parsed = late | "ValidateLateTurn" >> beam.ParDo(_ParseFn(too_late=True)).with_outputs(_DEAD_LETTER, main="too_late")
        return {"too_late": parsed.too_late, "dead_letters": parsed[_DEAD_LETTER]}


class ParseTurns(beam.PTransform):
    """KafkaRecord -> (turns: ChatTurn with event-time timestamps, dead_letters: DeadLetter).

    ``check_stamp``: the read stamped each record with the event time it judged lateness by (the
    Python Kafka read and the files read do); a turn whose own timestamp differs is dead-lettered.
    ``accepted_model_versions`` / ``accepted_features``: if given, other labels are dead-lettered.
    """

    def __init__(self, check_stamp: bool = False, accepted_model_versions: list[str] | None = None,
                 accepted_features: list[str] | None = None) -> None:
        super().__init__()
        self.check_stamp = check_stamp
        self.accepted = (None if accepted_model_versions is None else frozenset(accepted_model_versions),
                         None if accepted_features is None else frozenset(accepted_features))

    def expand(self, records):
        fn = _ParseFn(check_stamp=self.check_stamp, accepted=self.accepted)
        parsed = records | "ValidateTurn" >> beam.ParDo(fn).with_outputs(
            _DEAD_LETTER, main="turns")
        return {"turns": parsed.turns, "dead_letters": parsed[_DEAD_LETTER]}

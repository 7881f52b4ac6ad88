import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipelines.parse import KafkaRecord, ParseTurns, excerpt
from tests.conftest import turn_bytes


def _rec(offset: int, value: bytes | None) -> KafkaRecord:
    return KafkaRecord("turns", 0, offset, 1_700_000_000_000, b"k", value)


def test_valid_and_invalid_records_are_split_with_reasons():
    records = [
        _rec(0, turn_bytes(turn_id="a")),
        _rec(1, turn_bytes(turn_id="b", timestamp="2026-11-20T10:00:00")),
        _rec(2, b"not json"),
        _rec(3, None),
        _rec(4, turn_bytes(turn_id="c")),
    ]
    with TestPipeline() as p:
        out = p | beam.Create(records) | ParseTurns()
        assert_that(out["turns"] | "Ids" >> beam.Map(lambda t: t.turn_id), equal_to(["a", "c"]), label="turns")
        assert_that(
            out["dead_letters"] | "Why" >> beam.Map(lambda d: (d.source_offset, d.error_field, d.reason.split(":")[0])),
            equal_to([(1, "timestamp", "field 'timestamp'"), (2, None, "not valid JSON"),
                      (3, None, "message has no value (tombstone)")]),
            label="dead",
        )


def test_turns_carry_their_event_time_as_element_timestamp():
    with TestPipeline() as p:
        out = p | beam.Create([_rec(0, turn_bytes(timestamp="2026-11-20T10:02:30+01:00"))]) | ParseTurns()
        stamped = out["turns"] | beam.Map(lambda t, ts=beam.DoFn.TimestampParam: ts.micros // 1_000_000)
        assert_that(stamped, equal_to([1795165350]))  # 09:02:30 UTC


def test_excerpt_is_bounded_and_printable():
    text = excerpt(b"\xff\xfe" + b"a" * 2000)
    assert text.startswith("\\xff\\xfe") and text.endswith("…") and len(text) < 600

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipelines.parse import KafkaRecord, ParseTurns, excerpt
from tests.conftest import turn_bytes


LOGGED_MS = 1_795_170_000_000  # 2026-11-20T10:20:00Z, after the turns' event times


def _rec(offset: int, value: bytes | None, logged_ms: int = LOGGED_MS) -> KafkaRecord:
    return KafkaRecord("turns", 0, offset, logged_ms, b"k", value)


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


def test_excerpts_of_dead_letters_are_redacted():
    text = excerpt(b'{"prompt": "mail jane@example.com from 10.0.0.1", "timestamp": 17}')
    assert "jane@example.com" not in text and "[EMAIL]" in text and "[IP]" in text


def test_timestamps_that_would_be_judged_or_windowed_wrongly_are_dead_lettered():
    """A turn far after its Kafka timestamp (a clock bug), and a message whose first "timestamp"
    is not the turn's (the read judged lateness by that one): both rejected with the reason."""
    first_key_lies = b'{"timestamp": "2026-11-20T10:05:00+00:00", ' + turn_bytes(turn_id="dup")[1:]
    records = [
        _rec(0, turn_bytes(turn_id="ok")),
        _rec(1, turn_bytes(turn_id="future", timestamp="2026-11-23T10:00:00+00:00")),
        _rec(2, first_key_lies),
    ]
    stamps = [1795168950.0, 1795428000.0, 1795169100.0]  # as the read stamps them (first "timestamp" found)
    with TestPipeline() as p:
        out = (p | beam.Create(list(zip(records, stamps)))
               | beam.Map(lambda rs: beam.window.TimestampedValue(rs[0], rs[1]))
               | ParseTurns(check_stamp=True))
        assert_that(out["turns"] | "Ids" >> beam.Map(lambda t: t.turn_id), equal_to(["ok"]), label="turns")
        assert_that(out["dead_letters"] | "Why" >> beam.Map(lambda d: (d.source_offset, d.error_field, d.reason[:40])),
                    equal_to([(1, "timestamp", "field 'timestamp': 3.0 days after the me"),
                              (2, "timestamp", "field 'timestamp': ambiguous: the messag")]), label="dead")


def test_labels_outside_configured_lists_are_dead_lettered_with_the_setting_named():
    records = [_rec(0, turn_bytes(turn_id="ok", model_version="v1", feature="chat")),
               _rec(1, turn_bytes(turn_id="mv", model_version="v9", feature="chat")),
               _rec(2, turn_bytes(turn_id="ft", model_version="v1", feature="holo_deck"))]
    with TestPipeline() as p:
        out = p | beam.Create(records) | ParseTurns(accepted_model_versions=["v1", "v2"], accepted_features=["chat"])
        assert_that(out["turns"] | "Ids" >> beam.Map(lambda t: t.turn_id), equal_to(["ok"]), label="turns")
        assert_that(out["dead_letters"] | "Why" >> beam.Map(lambda d: (d.source_offset, d.error_field, d.reason)),
                    equal_to([(1, "model_version", "field 'model_version': 'v9' is not accepted (RM_ACCEPTED_MODEL_VERSIONS: v1, v2)"),
                              (2, "feature", "field 'feature': 'holo_deck' is not accepted (RM_ACCEPTED_FEATURES: chat)")]),
                    label="dead")

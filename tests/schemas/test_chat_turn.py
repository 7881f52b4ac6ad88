import json

import pytest

from schemas import ChatTurn, InvalidTurnError, MAX_TEXT_CHARS, parse_turn
from tests.conftest import make_turn, turn_bytes


def test_valid_turn_parses_with_optional_fields():
    turn = parse_turn(turn_bytes(latency_ms=812.5, input_tokens=12, output_tokens=40, finish_reason="stop",
                                 locale="de-DE", metadata={"region": "eu", "retries": 1}))
    assert isinstance(turn, ChatTurn)
    assert turn.timestamp.utcoffset() is not None
    assert turn.latency_ms == 812.5 and turn.metadata == {"region": "eu", "retries": 1}


@pytest.mark.parametrize(
    "raw, field, words",
    [
        (turn_bytes(timestamp="2026-11-20T10:02:30"), "timestamp", "timezone"),
        (turn_bytes(latency_ms="fast"), "latency_ms", "number"),
        (turn_bytes(latency_ms=-1), "latency_ms", "greater than or equal"),
        (turn_bytes(model_version=""), "model_version", "at least 1"),
        (turn_bytes(feature="has space"), "feature", "pattern"),
        (turn_bytes(finish_reason="banana"), "finish_reason", "stop"),
        (turn_bytes(unexpected="x"), "unexpected", "Extra inputs"),
        (turn_bytes(metadata={"nested": {"a": 1}}), "metadata.nested", ""),
        (json.dumps({k: v for k, v in make_turn().items() if k != "response"}).encode(), "response", "required"),
        (turn_bytes(response="x" * (MAX_TEXT_CHARS + 1)), "response", "at most"),
    ],
)
def test_invalid_turn_names_the_field(raw, field, words):
    with pytest.raises(InvalidTurnError) as info:
        parse_turn(raw)
    assert info.value.field is not None and info.value.field.startswith(field)
    assert f"'{field}" in str(info.value) and words in str(info.value)


@pytest.mark.parametrize("raw, words", [
    (b"", "empty"),
    (b'{"turn_id": "tru', "not valid JSON"),
    (b"\x89PNG\r\n\x1a\n\x00binary", "not valid JSON"),
    (b"[1, 2]", "object"),
])
def test_garbage_is_rejected_with_reason(raw, words):
    with pytest.raises(InvalidTurnError, match=words):
        parse_turn(raw)


@pytest.mark.parametrize("timestamp, words", [
    (1795168950, "must be an ISO 8601 string"),
    ("1970-01-01T00:00:00+00:00", "must be between 2000-01-01 and 2200-01-01"),
    ("9999-12-31T23:59:59+00:00", "must be between"),
])
def test_timestamps_must_be_iso_strings_in_a_sane_range(timestamp, words):
    from tests.conftest import turn_bytes

    with pytest.raises(InvalidTurnError) as info:
        parse_turn(turn_bytes(timestamp=timestamp))
    assert info.value.field == "timestamp" and words in info.value.reason


def test_an_empty_response_is_a_dead_letter_unless_a_filter_removed_it():
    from tests.conftest import turn_bytes

    with pytest.raises(InvalidTurnError) as info:
        parse_turn(turn_bytes(response="  "))
    assert info.value.field == "response" and "content_filter" in info.value.reason
    assert parse_turn(turn_bytes(response="", finish_reason="content_filter")).response == ""

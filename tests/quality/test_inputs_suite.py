"""The input suite on micro-batches of raw messages (no Kafka): a clean batch passes, and a burst
of malformed input, unknown labels, skewed clocks or odd lengths fail the matching expectation."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from pipelines.quality.frames import RawMessage, inputs_frame
from pipelines.quality.run import check_inputs
from schemas.quality import QualityThresholds
from tests.conftest import make_turn

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
VERSIONS = ["assistant-v1", "assistant-v2"]
FEATURES = ["coding_assistant", "search"]


def _good(n: int, **overrides) -> list[RawMessage]:
    out = []
    for i in range(n):
        turn = make_turn(timestamp=(NOW - timedelta(seconds=i)).isoformat(), feature=FEATURES[i % 2],
                         model_version=VERSIONS[i % 2])
        turn.update(overrides)
        out.append(RawMessage(json.dumps(turn).encode(), 0, i))
    return out


def _failed(results) -> set[str]:
    return {r.expectation for r in results if not r.success}


def _check(messages, **kw):
    return check_inputs(messages, "run-test", NOW, model_versions=VERSIONS, features=FEATURES, **kw)


def test_a_clean_batch_passes_every_expectation():
    results = _check(_good(100))
    assert len(results) == 1 + 7 + 2 + 3
    assert _failed(results) == set()


def test_a_burst_of_malformed_input_fails_the_parse_failure_share():
    good = make_turn(timestamp=NOW.isoformat())
    malformed = (
        [b'{"turn_id": "trunc'] * 6 + [b"\x89PNG\r\n\x1a\n\x00binary"] * 6 + [b""] * 6
        + [json.dumps({**good, "timestamp": "2026-11-28T11:59:00"}).encode()] * 6  # naive timestamp
        + [json.dumps({**good, "latency_ms": "fast"}).encode()] * 6
    )
    messages = _good(100) + [RawMessage(m) for m in malformed]
    results = _check(messages)
    assert _failed(results) == {"inputs.parse_failure_share"}
    share = next(r for r in results if r.expectation == "inputs.parse_failure_share")
    assert float(share.observed_value) == pytest.approx(30 / 130, rel=1e-5)


def test_a_small_share_of_malformed_input_passes():
    messages = _good(100) + [RawMessage(b"not json")] * 3
    assert _failed(_check(messages)) == set()


def test_messages_missing_a_required_field_fail_presence_and_parsing():
    turn = make_turn(timestamp=NOW.isoformat())
    del turn["response"]
    messages = _good(50) + [RawMessage(json.dumps(turn).encode())] * 10
    results = _check(messages)
    assert _failed(results) == {"inputs.parse_failure_share", "inputs.required_field_present.response"}
    presence = next(r for r in results if r.expectation == "inputs.required_field_present.response")
    assert (presence.unexpected_count, presence.element_count) == (10, 60)


def test_a_few_messages_missing_a_field_are_tolerated_like_other_parse_failures():
    turn = make_turn(timestamp=NOW.isoformat())
    del turn["response"]
    messages = _good(97) + [RawMessage(json.dumps(turn).encode())] * 3
    assert _failed(_check(messages)) == set()


def test_an_unknown_model_version_or_feature_fails_the_label_checks():
    messages = _good(50) + _good(2, model_version="assistant-v9") + _good(1, feature="voice")
    results = _check(messages)
    assert _failed(results) == {"inputs.model_version_known", "inputs.feature_known"}
    versions = next(r for r in results if r.expectation == "inputs.model_version_known")
    assert json.loads(versions.unexpected_examples) == ["assistant-v9", "assistant-v9"]


def test_label_checks_are_left_out_when_nothing_is_known_yet():
    results = check_inputs(_good(10, model_version="anything"), "run-test", NOW)
    names = {r.expectation for r in results}
    assert "inputs.model_version_known" not in names and "inputs.feature_known" not in names
    assert _failed(results) == set()


def test_event_times_far_from_the_processing_time_fail_the_skew_check():
    old = (NOW - timedelta(hours=3)).isoformat()
    future = (NOW + timedelta(hours=1)).isoformat()
    results = _check(_good(50) + _good(1, timestamp=old) + _good(1, timestamp=future))
    assert _failed(results) == {"inputs.event_time_skew"}
    assert next(r for r in results if r.expectation == "inputs.event_time_skew").unexpected_count == 2


def test_lengths_outside_the_bounds_fail_the_length_checks():
    thresholds = QualityThresholds(prompt_max_chars=1000)
    # an empty response passes parsing only with finish_reason content_filter; the check still flags it
    empty = _good(1, response="", finish_reason="content_filter")
    results = _check(_good(50) + empty + _good(1, prompt="x" * 1001), thresholds=thresholds)
    assert _failed(results) == {"inputs.response_length", "inputs.prompt_length"}


def test_the_frame_records_why_a_message_failed():
    frame = inputs_frame([RawMessage(b"{}"), *_good(1)], NOW)
    assert frame["parse_failed"].tolist() == [1, 0]
    assert "field 'turn_id'" in frame["parse_error"][0]
    assert frame["is_object"].tolist() == [True, True]

"""Private text is masked before it is stored in samples (issue: reliability and security)."""

import pytest

from pipelines.classify import classify_turn
from pipelines.redact import redact
from schemas import ChatTurn
from tests.conftest import make_turn


@pytest.mark.parametrize("text, expected", [
    ("write to jane.doe+news@example.co.uk today", "write to [EMAIL] today"),
    ("my card is 4111 1111 1111 1111, exp 12/29", "my card is [CARD], exp 12/29"),
    ("card 5500-0000-0000-0004 please", "card [CARD] please"),
    ("server 10.0.0.12 is down", "server [IP] is down"),
    ("ping fe80::1ff:fe23:4567:890a now", "ping [IP] now"),
    ("call +1 415-555-0132 or (020) 7946 0958", "call [PHONE] or [PHONE]"),
    ("key sk-abcdefghijklmnopqrstuvwx1234 leaked", "key [SECRET] leaked"),
    ("AKIAIOSFODNN7EXAMPLE is an AWS key id", "[SECRET] is an AWS key id"),
    ("api_key=9f8e7d6c5b4a39281706abcdef", "[SECRET]"),
    ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
     "Authorization: [SECRET]"),
])
def test_private_text_is_masked(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "order 1234567890123 shipped",  # fails the Luhn check: not a card
    "released 2026-11-28 at 12:00:00",  # a date and a clock time
    "Beam 2.73.0 on Python 3.11",  # versions are not IP addresses
    "kill -9 12345 then std::vector<int> v",
    "between 10-20 and 300 500 items",
])
def test_ordinary_text_survives(text):
    assert redact(text) == text


def test_samples_are_redacted_by_default_and_raw_only_when_asked():
    turn = ChatTurn.model_validate(make_turn(
        prompt="How do I kill the process that emails bob@example.com from 10.1.2.3?",
        response="I'm sorry, but I can't help with that.",
    ))
    sample = classify_turn(turn).sample
    assert sample is not None and sample.redacted
    assert "bob@example.com" not in sample.prompt and "[EMAIL]" in sample.prompt and "[IP]" in sample.prompt
    raw = classify_turn(turn, store_raw_text=True).sample
    assert not raw.redacted and "bob@example.com" in raw.prompt


def test_compliant_turns_carry_no_text_at_all():
    assert classify_turn(ChatTurn.model_validate(make_turn())).sample is None

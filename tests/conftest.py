"""Shared fixtures. The real Kafka broker is started once per session on free ports (never the
demo's) in a temporary home; a missing broker or tool fails the tests loudly, never skips them."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest

from schemas import Settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def make_turn(**overrides) -> dict:
    """A valid chat-turn dict; tests override what they care about."""
    turn = {
        "turn_id": f"t-{uuid.uuid4().hex[:10]}",
        "conversation_id": "conv-1",
        "timestamp": "2026-11-20T10:02:30+00:00",
        "model_version": "assistant-v1",
        "feature": "coding_assistant",
        "prompt": "How do I reverse a list in Python?",
        "response": "Use `my_list.reverse()` or `my_list[::-1]`.",
    }
    turn.update(overrides)
    return turn


def turn_bytes(**overrides) -> bytes:
    return json.dumps(make_turn(**overrides)).encode()


@pytest.fixture(scope="session")
def kafka_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A running real broker for the session (started here, stopped at the end)."""
    from infra import throwaway_broker

    home = tmp_path_factory.mktemp("rm-home")
    with throwaway_broker(home, cache_dir=PROJECT_ROOT / ".cache", store_path=home / "store.duckdb") as settings:
        yield settings


@pytest.fixture
def topic_settings(kafka_settings: Settings, tmp_path: Path) -> Settings:
    """Session broker, but a fresh uuid-named turns topic and a fresh store for this test."""
    from infra import ensure_topics

    suffix = uuid.uuid4().hex[:8]
    settings = kafka_settings.model_copy(update={
        "topic_turns": f"turns-{suffix}",
        "topic_dead_letter": f"dlq-{suffix}",
        "topic_alerts": f"alerts-{suffix}",
        "store_path": tmp_path / "store.duckdb",
        "consumer_group": f"rm-test-{suffix}",
    })
    ensure_topics(settings)
    return settings


@pytest.fixture(scope="session")
def prism_path() -> str:
    from infra import ensure_prism

    return str(ensure_prism(Settings(cache_dir=PROJECT_ROOT / ".cache")))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def expansion_address(kafka_settings) -> str:
    """A Beam Java expansion service (+ Java worker pool) on a free 127.0.0.1 port for the session."""
    from infra.expansion_service import ExpansionService
    from infra.processes import free_port, port_open

    service = ExpansionService(kafka_settings.model_copy(update={"expansion_port": free_port()}))
    started = time.monotonic()
    service.install()
    print(f"[xlang-timing] expansion install (mvn + javac, 0 if cached): {time.monotonic() - started:.1f}s")
    started = time.monotonic()
    status = service.up()
    print(f"[xlang-timing] expansion service start: {time.monotonic() - started:.1f}s")
    assert status.running and status.port_open
    yield service.address
    assert service.down(), "the expansion service did not stop"
    assert not port_open("127.0.0.1", service.port)


def run_concurrently(work, threads: int = 4) -> list[BaseException]:
    """Run ``work()`` in several threads at once (as Beam's SDK harness runs bundles); the exceptions raised."""
    import threading

    errors: list[BaseException] = []

    def guarded():
        try:
            work()
        except Exception as exc:  # noqa: BLE001 - collected for the caller to assert on
            errors.append(exc)

    started = [threading.Thread(target=guarded) for _ in range(threads)]
    for t in started:
        t.start()
    for t in started:
        t.join()
    return errors

"""Create the project's topics with Kafka's admin API (idempotent)."""

from __future__ import annotations

import time

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

from schemas.errors import InfraError, TransientError
from schemas.settings import Settings

__all__ = ["ensure_topics", "topic_partitions"]


def _admin(settings: Settings) -> AdminClient:
    return AdminClient({**settings.kafka_client_config(), "socket.timeout.ms": 10_000})


def ensure_topics(settings: Settings, timeout_s: float = 60.0) -> dict[str, int]:
    """Create the turns, dead-letter and alerts topics if missing; return partitions per topic."""
    wanted = {
        settings.topic_turns: settings.turns_partitions,
        settings.topic_dead_letter: 1,
        settings.topic_alerts: 1,
    }
    admin = _admin(settings)
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            existing = admin.list_topics(timeout=10).topics
            break
        except KafkaException as exc:
            if time.monotonic() > deadline:
                raise TransientError(f"cannot reach Kafka at {settings.bootstrap_servers}: {exc}") from exc
            time.sleep(1)
    missing = [NewTopic(name, num_partitions=n, replication_factor=1) for name, n in wanted.items() if name not in existing]
    if missing:
        for name, future in admin.create_topics(missing, operation_timeout=30).items():
            try:
                future.result()
            except KafkaException as exc:
                if "TOPIC_ALREADY_EXISTS" not in str(exc):
                    raise InfraError(f"could not create topic {name!r}: {exc}") from exc
    return {name: topic_partitions(settings, name, admin) for name in wanted}


def topic_partitions(settings: Settings, topic: str, admin: AdminClient | None = None) -> int:
    """Number of partitions of ``topic`` (0 if it does not exist)."""
    meta = (admin or _admin(settings)).list_topics(topic=topic, timeout=10)
    info = meta.topics.get(topic)
    if info is None or info.error is not None:
        return 0
    return len(info.partitions)

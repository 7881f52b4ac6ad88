"""Create the project's topics with Kafka's admin API (idempotent).

The turns topic is created with ``max.message.bytes`` = ``RM_KAFKA_MAX_MESSAGE_BYTES`` plus the
batch headroom, so a cluster other than the local broker also accepts the oversized turns the
pipeline is there to dead-letter (an existing topic keeps its configuration).

A broker that refuses our credentials is a configuration error, reported at once with the user
name (never the password), rather than retried until the time-out like an unreachable broker.
"""

from __future__ import annotations

import time

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

from schemas.errors import ConfigurationError, InfraError, TransientError
from schemas.settings import Settings

__all__ = ["ensure_topics", "topic_partitions", "authentication_error"]

_AUTH_CODES = {KafkaError._AUTHENTICATION, KafkaError.SASL_AUTHENTICATION_FAILED}


def authentication_error(settings: Settings, err: KafkaError) -> ConfigurationError:
    """The clear error for a broker that refused the SASL login (names the user, never the password)."""
    return ConfigurationError(
        f"Kafka at {settings.bootstrap_servers} refused the login of user {settings.kafka_sasl_username!r} "
        f"({settings.kafka_security_protocol}, {settings.kafka_sasl_mechanism}): {err.str()}; "
        "check RM_KAFKA_SASL_USERNAME and RM_KAFKA_SASL_PASSWORD (and RM_KAFKA_SASL_MECHANISM)"
    )


class _Admin:
    """An AdminClient that remembers an authentication failure reported by librdkafka's error callback."""

    def __init__(self, settings: Settings) -> None:
        self.auth_error: KafkaError | None = None

        def on_error(err: KafkaError) -> None:
            if err.code() in _AUTH_CODES:
                self.auth_error = err

        self.client = AdminClient({**settings.kafka_client_config(), "socket.timeout.ms": 10_000, "error_cb": on_error})


def _admin(settings: Settings) -> AdminClient:
    return _Admin(settings).client


def ensure_topics(settings: Settings, timeout_s: float = 60.0) -> dict[str, int]:
    """Create the turns, dead-letter and alerts topics if missing; return partitions per topic."""
    wanted = {
        settings.topic_turns: settings.turns_partitions,
        settings.topic_dead_letter: 1,
        settings.topic_alerts: 1,
    }
    from infra.kafka_server import BATCH_HEADROOM_BYTES

    max_bytes = str(settings.kafka_max_message_bytes + BATCH_HEADROOM_BYTES)
    wrapper = _Admin(settings)
    admin = wrapper.client
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            existing = admin.list_topics(timeout=10).topics
            break
        except KafkaException as exc:
            admin.poll(0.5)  # serves the error callback, which says whether the login was refused
            err = exc.args[0] if exc.args and isinstance(exc.args[0], KafkaError) else None
            if wrapper.auth_error is not None or (err is not None and err.code() in _AUTH_CODES):
                raise authentication_error(settings, wrapper.auth_error or err) from None
            if time.monotonic() > deadline:
                raise TransientError(f"cannot reach Kafka at {settings.bootstrap_servers}: {exc}") from exc
            time.sleep(1)
    missing = [
        NewTopic(name, num_partitions=n, replication_factor=1,
                 config={"max.message.bytes": max_bytes} if name == settings.topic_turns else {})
        for name, n in wanted.items() if name not in existing
    ]
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

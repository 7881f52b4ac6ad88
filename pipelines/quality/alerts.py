"""The ``data_quality`` alert: one JSON message on the alerts topic per failed check run.

Alerts are never dropped silently: the idempotent producer is flushed and any delivery error or
undelivered message raises, so ``refusal-monitor check`` exits non-zero and the run is visible.
"""

from __future__ import annotations

import json
from typing import Sequence

from schemas import Settings, TransientError
from schemas.quality import QualityResult

__all__ = ["alert_payload", "publish_alert"]


def alert_payload(run_id: str, checked_at: str, results: Sequence[QualityResult]) -> dict:
    """The alert message: what failed, with the observed values, for people and for pagers."""
    failed = [r for r in results if not r.success]
    return {
        "kind": "data_quality",
        "run_id": run_id,
        "checked_at": checked_at,
        "n_expectations": len(results),
        "n_failed": len(failed),
        "suites": sorted({r.suite for r in failed}),
        "failed": [
            {"suite": r.suite, "expectation": r.expectation, "column": r.target_column,
             "observed_value": r.observed_value, "unexpected_count": r.unexpected_count,
             "element_count": r.element_count, "examples": r.unexpected_examples, "error": r.error}
            for r in failed
        ],
    }


def publish_alert(settings: Settings, payload: dict, timeout_s: float = 30.0) -> None:
    """Send ``payload`` to ``settings.topic_alerts`` and wait for the broker's acknowledgement."""
    from confluent_kafka import KafkaException, Producer

    errors: list[str] = []

    def delivered(err, _msg) -> None:
        if err is not None:
            errors.append(str(err))

    producer = Producer({**settings.kafka_client_config(), "enable.idempotence": True, "acks": "all",
                         "message.timeout.ms": int(timeout_s * 1000), "log_level": 2})
    try:
        producer.produce(settings.topic_alerts, key=b"data_quality",
                         value=json.dumps(payload, default=str).encode(), on_delivery=delivered)
    except (KafkaException, BufferError) as exc:
        raise TransientError(f"could not queue the data-quality alert for {settings.topic_alerts}: {exc}") from None
    remaining = producer.flush(timeout_s + 5)
    if remaining or errors:
        raise TransientError(
            f"data-quality alert not delivered to {settings.topic_alerts} "
            f"({remaining} undelivered; {'; '.join(errors) or 'flush timed out'})"
        )

"""Where alerts go besides the engine's own DuckDB table: Kafka, a Slack-compatible webhook, the log.

Nothing is dropped silently: each sink returns, per alert id, the error that stopped its delivery
(an empty dict means every alert was delivered); the engine keeps undelivered alerts pending and
the next run retries them, and the CLI exits non-zero when anything was not delivered.

* Kafka: one JSON message per alert on ``settings.topic_alerts``, keyed by model version and
  feature (one partition per key keeps a key's alerts in order); the producer is idempotent,
  ``acks=all``, and librdkafka retries within ``kafka_timeout_seconds``.
* Webhook: one Slack-compatible POST (``text`` plus ``blocks``) per (model version, feature)
  group, with a timeout and retries with exponential back-off on connection errors, 429 and 5xx.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from typing import Sequence

from pipelines.alerts.explain import METRIC_LABEL
from pipelines.alerts.policy import group_by_key
from schemas import Settings
from schemas.alerts import SEVERITY_RANK, Alert

__all__ = ["alert_json", "send_kafka", "slack_payload", "post_webhook", "send_webhook", "log_alerts", "LOGGER"]

LOGGER = logging.getLogger("refusal_monitor.alerts")


def alert_json(a: Alert) -> dict:
    """The alert as sent on Kafka: every column, with the JSON-text columns parsed."""
    d = a.model_dump(mode="json")
    d["top_cues"] = json.loads(a.top_cues_json)
    d["samples"] = json.loads(a.samples_json)
    return d


def send_kafka(settings: Settings, alerts: Sequence[Alert], timeout_s: float | None = None) -> dict[str, str]:
    """Produce ``alerts`` to ``settings.topic_alerts`` and wait for the broker; returns {alert_id: error}."""
    if not alerts:
        return {}
    from confluent_kafka import KafkaException, Producer

    timeout_s = timeout_s or settings.alerts.kafka_timeout_seconds
    errors: dict[str, str] = {}
    pending = {a.alert_id for a in alerts}

    def delivered(alert: str):
        def callback(err, _msg) -> None:
            pending.discard(alert)
            if err is not None:
                errors[alert] = str(err)
        return callback

    producer = Producer({**settings.kafka_client_config(), "enable.idempotence": True, "acks": "all",
                         "message.timeout.ms": int(timeout_s * 1000), "retry.backoff.ms": 200, "log_level": 2})
    for a in alerts:
        try:
            producer.produce(settings.topic_alerts, key=f"{a.model_version}|{a.feature}".encode(),
                             value=json.dumps(alert_json(a)).encode(), headers=[("alert_id", a.alert_id.encode())],
                             on_delivery=delivered(a.alert_id))
        except (KafkaException, BufferError) as exc:
            errors[a.alert_id] = f"could not queue for {settings.topic_alerts}: {exc}"
            pending.discard(a.alert_id)
    producer.flush(timeout_s + 5)
    for alert in pending:
        errors.setdefault(alert, f"not delivered to {settings.topic_alerts} within {timeout_s:.0f}s")
    return errors


def slack_payload(alerts: Sequence[Alert]) -> dict:
    """One Slack message for one key's alerts: a summary line and a section per alert."""
    first = alerts[0]
    worst = max(alerts, key=lambda a: SEVERITY_RANK[a.severity]).severity
    text = (f"[{worst}] Refusal Monitor: {len(alerts)} alert(s) for {first.model_version} on {first.feature}")
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": text[:150]}}]
    for a in alerts:
        cues = json.loads(a.top_cues_json)[:3]
        cue_text = ", ".join(f"'{c['cue']}' {100 * c['rate_after']:.1f}%" for c in cues) or "none listed"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": (
            f"*{a.severity.upper()}* {a.kind.replace('_', ' ')} · {METRIC_LABEL[a.metric]}\n{a.message}\n"
            f"Top cues: {cue_text}\n<{a.dashboard_url}|Open the dashboard> · alert `{a.alert_id}`")[:2900]}})
    return {"text": text, "blocks": blocks}


def post_webhook(url: str, payload: dict, timeout_s: float, retries: int, backoff_s: float = 0.5) -> str | None:
    """POST ``payload`` as JSON; None on a 2xx, else the last error. Retries connection errors, 429, 5xx."""
    body = json.dumps(payload).encode()
    error = None
    for attempt in range(retries + 1):
        req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout_s) as resp:
                resp.read()
                return None
        except urllib.error.HTTPError as exc:
            error = f"HTTP {exc.code} from the webhook"
            if exc.code != 429 and exc.code < 500:
                return error  # a 4xx other than 429 will not change on retry
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            error = f"webhook unreachable: {getattr(exc, 'reason', exc)}"
        if attempt < retries:
            time.sleep(backoff_s * 2**attempt)
    return error


def send_webhook(settings: Settings, alerts: Sequence[Alert], backoff_s: float = 0.5) -> dict[str, str]:
    """One grouped POST per (model version, feature); returns {alert_id: error} for failed groups."""
    cfg = settings.alerts
    if cfg.webhook_url is None or not alerts:
        return {}
    url = cfg.webhook_url.get_secret_value()
    errors: dict[str, str] = {}
    for _key, group in group_by_key(alerts).items():
        err = post_webhook(url, slack_payload(group), cfg.webhook_timeout_seconds, cfg.webhook_retries, backoff_s)
        if err:
            errors.update({a.alert_id: err for a in group})
    return errors


def log_alerts(alerts: Sequence[Alert], suppressed: Sequence[Alert] = ()) -> None:
    for a in alerts:
        level = logging.WARNING if a.severity != "info" else logging.INFO
        LOGGER.log(level, "alert %s %s: %s (%s)", a.alert_id, a.severity, a.message, a.dashboard_url)
    for a in suppressed:
        LOGGER.info("alert %s suppressed (%s): %s", a.alert_id, a.suppressed_reason, a.message)

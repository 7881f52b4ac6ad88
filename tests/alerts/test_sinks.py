"""The sinks against real endpoints: a local HTTP server for the webhook, the real broker for Kafka."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pipelines.alerts.sinks import alert_json, post_webhook, send_kafka, send_webhook, slack_payload
from schemas import Settings
from schemas.alerts import AlertSettings
from tests.alerts.test_policy import alert


class Hook:
    """A Slack-like webhook on a free 127.0.0.1 port that answers with the scripted status codes."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.statuses = list(statuses or [])
        self.bodies: list[dict] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.bodies.append(json.loads(body))
                code = hook.statuses.pop(0) if hook.statuses else 200
                self.send_response(code)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/T000/B000"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Hook":
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def hook_settings(url: str, **kw) -> Settings:
    return Settings(alerts=AlertSettings(webhook_url=url, webhook_timeout_seconds=2, webhook_retries=2, **kw))


def test_webhook_gets_one_slack_message_per_key():
    alerts = [alert("a1"), alert("a2", metric="over_refusal_rate", severity="critical"), alert("b1", feature="chat")]
    with Hook() as hook:
        errors = send_webhook(hook_settings(hook.url), alerts, backoff_s=0.01)
    assert errors == {}
    assert len(hook.bodies) == 2
    search = next(b for b in hook.bodies if "search" in b["text"])
    assert search["text"].startswith("[critical]") and "2 alert(s) for v1 on search" in search["text"]
    sections = [b for b in search["blocks"] if b["type"] == "section"]
    assert len(sections) == 2 and "<http://x|Open the dashboard>" in sections[0]["text"]["text"]


def test_webhook_retries_server_errors_and_gives_up_on_client_errors():
    with Hook([503, 500]) as hook:
        assert post_webhook(hook.url, {"text": "t"}, timeout_s=2, retries=2, backoff_s=0.01) is None
        assert len(hook.bodies) == 3
    with Hook([400, 400, 400]) as hook:
        assert post_webhook(hook.url, {"text": "t"}, timeout_s=2, retries=2, backoff_s=0.01) == "HTTP 400 from the webhook"
        assert len(hook.bodies) == 1
    with Hook([500, 500, 500]) as hook:
        errors = send_webhook(hook_settings(hook.url), [alert("a1")], backoff_s=0.01)
    assert errors == {"a1": "HTTP 500 from the webhook"}


def test_an_unreachable_webhook_is_an_error_not_silence():
    from infra.processes import free_port

    err = post_webhook(f"http://127.0.0.1:{free_port()}/x", {"text": "t"}, timeout_s=1, retries=1, backoff_s=0.01)
    assert err is not None and err.startswith("webhook unreachable")


def test_slack_payload_and_kafka_json_are_serialisable():
    a = alert(top_cues_json=json.dumps([{"cue": "kill", "rate_after": 0.2}]))
    assert "'kill' 20.0%" in json.dumps(slack_payload([a]))
    doc = alert_json(a)
    assert doc["top_cues"][0]["cue"] == "kill" and doc["alert_id"] == "a1"
    json.dumps(doc)


def test_kafka_sink_reports_undeliverable_alerts():
    from infra.processes import free_port

    settings = Settings(kafka_port=free_port(), kafka_controller_port=free_port())  # nothing listens there
    errors = send_kafka(settings, [alert("a1"), alert("a2")], timeout_s=2)
    assert set(errors) == {"a1", "a2"}


@pytest.mark.integration
def test_kafka_sink_delivers_json_keyed_by_model_version_and_feature(topic_settings):
    from confluent_kafka import Consumer

    alerts = [alert("a1"), alert("b1", feature="chat")]
    assert send_kafka(topic_settings, alerts, timeout_s=20) == {}
    consumer = Consumer({**topic_settings.kafka_client_config(), "group.id": f"t-{uuid.uuid4().hex[:6]}",
                         "auto.offset.reset": "earliest"})
    consumer.subscribe([topic_settings.topic_alerts])
    got = {}
    try:
        for _ in range(60):
            msg = consumer.poll(0.5)
            if msg is not None and not msg.error():
                got[msg.key().decode()] = json.loads(msg.value())
            if len(got) == 2:
                break
    finally:
        consumer.close()
    assert set(got) == {"v1|search", "v1|chat"}
    assert got["v1|search"]["alert_id"] == "a1" and got["v1|chat"]["severity"] == "warning"

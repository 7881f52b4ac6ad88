"""`refusal-monitor check --suite inputs` against a real broker: a burst of malformed turns on the
turns topic fails the parse-failure expectation, exits 1, stores the results in the checker's own
DuckDB file and sends a data_quality alert on the alerts topic."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import datetime, timezone

import pytest

from pipelines.quality.paths import quality_snapshot_path
from pipelines.services import settings_env
from pipelines.sql import run_query
from tests.conftest import make_turn

pytestmark = pytest.mark.integration


def _produce(settings, values: list[bytes]) -> None:
    from confluent_kafka import Producer

    producer = Producer({**settings.kafka_client_config(), "enable.idempotence": True})
    for i, value in enumerate(values):
        producer.produce(settings.topic_turns, key=str(i).encode(), value=value)
    assert producer.flush(30) == 0


def _alerts(settings, timeout_s: float = 30.0) -> list[dict]:
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({**settings.kafka_client_config(), "group.id": "test-alerts", "enable.auto.commit": False})
    consumer.assign([TopicPartition(settings.topic_alerts, 0, 0)])
    found: list[dict] = []
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline and not found:
            msg = consumer.poll(0.5)
            if msg is not None and not msg.error():
                found.append(json.loads(msg.value()))
    finally:
        consumer.close()
    return found


def _check(settings, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines.cli", "check", *args], env=settings_env(settings),
                          capture_output=True, text=True, timeout=180)


def test_a_burst_of_malformed_turns_fails_the_check_and_raises_an_alert(topic_settings, tmp_path):
    settings = topic_settings.model_copy(update={"home": tmp_path / "home"})
    now = datetime.now(timezone.utc).isoformat()
    good = [json.dumps(make_turn(timestamp=now)).encode() for _ in range(40)]
    malformed = [b'{"turn_id": "trunc', b"\x89PNG\r\n\x1a\n\x00binary", b"[1, 2]"] * 7
    _produce(settings, good + malformed)

    out = _check(settings, "--suite", "inputs")
    assert out.returncode == 1, out.stdout + out.stderr
    assert "inputs.parse_failure_share" in out.stdout
    assert "FAILED expectations" in out.stdout

    alerts = _alerts(settings)
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert["kind"] == "data_quality"
    assert [f["expectation"] for f in alert["failed"]] == ["inputs.parse_failure_share"]
    assert float(alert["failed"][0]["observed_value"]) == pytest.approx(21 / 61, rel=1e-4)

    _, rows = run_query(quality_snapshot_path(settings),
                        "SELECT expectation, success FROM quality_results WHERE suite = 'inputs' ORDER BY expectation")
    results = dict(rows)
    assert results.pop("inputs.parse_failure_share") == 0
    assert results and all(results.values()), "every other input expectation passes"


def test_a_clean_topic_passes_and_sends_no_alert(topic_settings, tmp_path):
    settings = topic_settings.model_copy(update={"home": tmp_path / "home"})
    now = datetime.now(timezone.utc).isoformat()
    _produce(settings, [json.dumps(make_turn(timestamp=now)).encode() for _ in range(30)])
    out = _check(settings, "--suite", "inputs", "--json")
    assert out.returncode == 0, out.stdout + out.stderr
    payload = json.loads(out.stdout)
    assert payload["ok"] is True and len(payload["results"]) >= 10
    assert _alerts(settings, timeout_s=5) == []


def test_check_all_reads_the_store_snapshot_and_writes_data_docs(topic_settings, tmp_path):
    from datetime import timedelta

    from pipelines.store import AggregateStore
    from tests.quality.conftest import KEYS, N_WINDOWS, WINDOW_S, clean_series, force_windows, window_row

    settings = topic_settings.model_copy(update={"home": tmp_path / "home"})
    now = datetime.now(timezone.utc)
    first = datetime.fromtimestamp(now.timestamp() // WINDOW_S * WINDOW_S, timezone.utc) - timedelta(
        seconds=N_WINDOWS * WINDOW_S)
    store = AggregateStore(settings.store_file, settings.snapshot_file)
    store.upsert_windows(clean_series(first))
    force_windows(store, [window_row(first + timedelta(seconds=WINDOW_S), *KEYS[0], n_turns=40, n_compliance=0,
                                     pane_index=5)])
    store.close()
    _produce(settings, [json.dumps(make_turn(timestamp=now.isoformat())).encode() for _ in range(20)])

    out = _check(settings, "--suite", "all", "--json", "--data-docs", str(tmp_path / "docs"))
    assert out.returncode == 1, out.stdout + out.stderr
    results = json.loads(out.stdout)["results"]
    assert {r["suite"] for r in results} == {"inputs", "aggregates.windows", "aggregates.volume"}
    assert {r["expectation"] for r in results if not r["success"]} == {"windows.class_counts_sum_to_turns"}
    assert {"inputs.model_version_known", "inputs.feature_known", "windows.fresh"} <= {r["expectation"] for r in results}
    assert (tmp_path / "docs" / "index.html").exists()
    alert = _alerts(settings)[0]
    assert alert["kind"] == "data_quality" and alert["suites"] == ["aggregates.windows"]

"""``refusal-monitor alerts``: run once, list, JSON, a failed delivery exits 1, watch keeps running."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest

from pipelines.cli import main
from tests.conftest import PROJECT_ROOT


@pytest.fixture
def cli_env(world, tmp_path, monkeypatch):
    settings, now = world
    monkeypatch.setenv("RM_HOME", str(tmp_path))
    return ["--store", str(settings.store_file)], now


def test_run_then_list(cli_env, capsys):
    store, now = cli_env
    assert main(["alerts", "run", *store, "--at", now.isoformat(), "--no-send"]) == 0
    out = capsys.readouterr().out
    assert "alerts run at" in out and "upgrade_comparison" in out and "spike" in out
    assert main(["alerts", *store]) == 0
    listed = capsys.readouterr().out
    assert "v2" in listed and "chat" in listed and "coding" not in listed
    assert main(["alerts", "list", *store, "--json", "--limit", "2"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 2 and {"alert_id", "severity", "message", "dashboard_url"} <= set(rows[0])


def test_list_without_any_run_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RM_HOME", str(tmp_path))
    assert main(["alerts"]) == 0
    assert "no alerts" in capsys.readouterr().out


def test_undeliverable_alerts_exit_1_and_stay_pending(cli_env, monkeypatch, capsys):
    from infra.processes import free_port

    store, now = cli_env
    monkeypatch.setenv("RM_KAFKA_PORT", str(free_port()))
    monkeypatch.setenv("RM_ALERTS__KAFKA_TIMEOUT_SECONDS", "2")
    assert main(["alerts", "run", *store, "--at", now.isoformat()]) == 1
    assert "ALERT NOT DELIVERED" in capsys.readouterr().err
    assert main(["alerts", *store]) == 0
    assert "PENDING" in capsys.readouterr().out


def test_missing_store_is_one_clear_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RM_HOME", str(tmp_path))
    assert main(["alerts", "run", "--store", str(tmp_path / "none.duckdb")]) == 2
    assert "no published store" in capsys.readouterr().err


@pytest.mark.integration
def test_run_sends_to_kafka_and_watch_keeps_running(world, topic_settings, tmp_path):
    from confluent_kafka import Consumer

    settings, now = world
    env = {**os.environ, "RM_HOME": str(tmp_path), "RM_KAFKA_PORT": str(topic_settings.kafka_port),
           "RM_KAFKA_CONTROLLER_PORT": str(topic_settings.kafka_controller_port),
           "RM_TOPIC_ALERTS": topic_settings.topic_alerts, "RM_STORE_PATH": str(settings.store_file)}
    cmd = [sys.executable, "-m", "pipelines.cli", "alerts"]
    done = subprocess.run([*cmd, "run", "--at", now.isoformat()], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    consumer = Consumer({**topic_settings.kafka_client_config(), "group.id": f"t-{uuid.uuid4().hex[:6]}",
                         "auto.offset.reset": "earliest"})
    consumer.subscribe([topic_settings.topic_alerts])
    kinds = set()
    try:
        for _ in range(60):
            msg = consumer.poll(0.5)
            if msg is not None and not msg.error():
                doc = json.loads(msg.value())
                kinds.add((doc["kind"], doc["model_version"], doc["feature"]))
            if len(kinds) >= 2:
                break
    finally:
        consumer.close()
    assert ("upgrade_comparison", "v2", "chat") in kinds and ("spike", "v1", "search") in kinds

    # watch: run after run in one process; everything was sent by `run` above (dedup across processes)
    proc = subprocess.Popen([*cmd, "watch", "--every", "1", "--at", now.isoformat()], env=env, cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        summaries: list[str] = []
        while len(summaries) < 2:
            line = proc.stdout.readline()
            assert line, "watch exited"
            if line.startswith("alerts run at"):
                summaries.append(line)
        assert all(" 0 sent" in line and "alerts" in line for line in summaries)  # `run` sent them already
    finally:
        proc.terminate()
        proc.wait(timeout=30)

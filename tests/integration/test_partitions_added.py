"""A topic that gains partitions while the job runs: the read notices, the job restarts by itself
to read them, and the final tables equal the batch recomputation of every partition."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone

import pytest
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewPartitions

from infra import ensure_topics
from pipelines.services import settings_env
from tests.conftest import make_turn
from tests.integration.recompute import assert_same_tables, landed, read_topic, recompute

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _produce(settings, n: int, partition: int, tag: str) -> None:
    producer = Producer(settings.kafka_client_config())
    for i in range(n):
        turn = make_turn(turn_id=f"{tag}-{i}", timestamp=datetime.now(timezone.utc).isoformat())
        producer.produce(settings.topic_turns, value=json.dumps(turn).encode(), partition=partition)
    assert producer.flush(30) == 0


def test_new_partitions_are_read_after_an_automatic_restart(topic_settings):
    settings = topic_settings.model_copy(update={
        "turns_partitions": 1, "topic_turns": topic_settings.topic_turns + "-grow", "window_seconds": 60,
        "early_firing_seconds": 1, "partition_check_seconds": 1.0,
    })
    ensure_topics(settings)
    _produce(settings, 50, 0, "first")
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "run", "--until-idle", "12"],
                            env=settings_env(settings), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        time.sleep(8)
        assert proc.poll() is None, proc.communicate()[0][-3000:]
        admin = AdminClient({k: v for k, v in settings.kafka_client_config().items()})
        for future in admin.create_partitions([NewPartitions(settings.topic_turns, 3)]).values():
            future.result(30)
        _produce(settings, 40, 1, "second")
        _produce(settings, 30, 2, "third")
        out = proc.communicate(timeout=600)[0]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, out[-3000:]
    assert "now has 3 partitions" in out and "restarting the job" in out, out[-3000:]
    truth = recompute(read_topic(settings), 60, settings.allowed_lateness_seconds, settings.samples_per_window)
    got = landed(settings.snapshot_file)
    assert truth["read"] == 120 and sum(w["n_turns"] for w in truth["windows"].values()) == 120
    assert_same_tables(got, truth)

"""Effectively-once under failure: the pipeline is killed with SIGKILL at random moments while
traffic flows, restarted each time, and the final tables equal a batch recomputation of the
topic: no turn lost, none counted twice, every table (windows, cues, samples, dead letters, too
late, offsets read).

How it holds on the local runner (docs/streaming.md): a restart re-reads the topic from the
earliest offset, the lateness rule depends only on each partition's order so every turn is put in
the same place again, and the store's merge rule keeps the complete rows landed before the crash
until the re-read's accumulating panes have caught up with them.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time

import pytest

from pipelines.generator import GeneratorConfig, generate_records, produce
from pipelines.services import settings_env
from tests.integration.recompute import assert_same_tables, landed, truth_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _start(settings, *args: str) -> subprocess.Popen:
    # Its own session, so SIGKILL reaches the whole job (the Python process and its Prism child).
    return subprocess.Popen([sys.executable, "-m", "pipelines.cli", "run", *args], env=settings_env(settings),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


def _kill(proc: subprocess.Popen) -> str:
    os.killpg(proc.pid, signal.SIGKILL)
    return proc.communicate(timeout=60)[0]


def test_sigkill_at_random_points_then_restart_gives_the_batch_truth(topic_settings):
    settings = topic_settings.model_copy(update={
        "window_seconds": 20, "early_firing_seconds": 1, "allowed_lateness_seconds": 60, "publish_every_seconds": 1.0,
    })
    rng = random.Random(int(os.environ.get("RM_TEST_SEED", "20261128")))
    cfg = GeneratorConfig(count=2400, seed=5, live=True, malformed_share=0.03, late_share=0.05,
                          max_late_seconds=150, scenario="over_refusal")
    report: dict = {}
    producer = threading.Thread(target=lambda: report.update(
        r=produce(generate_records(cfg), settings.kafka_client_config(), settings.topic_turns, rate_per_s=60)))
    producer.start()

    kills, logs = [], []
    try:
        while producer.is_alive():
            proc = _start(settings)
            wait = rng.uniform(6, 16)
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.2)
            assert proc.poll() is None, f"the pipeline died by itself:\n{proc.communicate()[0][-3000:]}"
            logs.append(_kill(proc))
            kills.append(round(wait, 1))
    finally:
        producer.join()
    assert report["r"].failed == 0 and report["r"].delivered == 2400
    assert len(kills) >= 3, f"only {len(kills)} kills: the traffic ended too soon"

    final = _start(settings, "--until-idle", "8")
    out = final.communicate(timeout=600)[0]
    assert final.returncode == 0, out[-3000:]

    truth = truth_for(settings)
    got = landed(settings.snapshot_file)
    print(f"kills after {kills} s; read {got['read']}, windows {len(got['windows'])}, "
          f"too late {len(got['too_late'])}, dead {got['dead']}")
    assert truth["read"] == 2400 and truth["too_late"] and truth["dead"] > 0
    assert_same_tables(got, truth)

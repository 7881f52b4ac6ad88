"""Broker faults: the broker stops for 30 seconds mid-stream and comes back.

The test starts a broker of its own (``infra.KafkaServer`` on free ports, in its own home, so the
session's broker is never touched), the pipeline as the operator runs it (``python -m
pipelines.cli run --until-idle``, its own session, settings through the environment) and the
project's generator (``pipelines.generator.produce``) at 30 turns/s. Mid-stream the broker is
stopped, kept down for 30 s and started again on the same data. Nobody restarts the pipeline or
the generator: both must ride it out. Afterwards every produced turn was delivered exactly once
(idempotent producer), the pipeline exited cleanly, conservation holds, and every landed table
equals the plain-Python recomputation of the topic.

Out of scope here: a topic that *gains partitions* while the job runs (the read lists partitions
once, at start-up; see docs/reliability.md).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from infra import KafkaServer, ensure_topics
from infra.processes import free_port, free_ports, port_open
from pipelines.conservation import balance
from pipelines.generator import GeneratorConfig, ProduceReport, Record, generate_records, produce
from pipelines.services import settings_env
from schemas import Settings
from tests.conftest import PROJECT_ROOT
from tests.integration.recompute import assert_same_tables, landed, read_topic, recompute

OUTAGE_S = 30.0
COUNT = 1500
RATE = 30.0


def _own_broker_settings(tmp_path: Path) -> Settings:
    port, controller = free_ports(2)
    return Settings(
        home=tmp_path / "home", cache_dir=PROJECT_ROOT / ".cache", kafka_port=port, kafka_controller_port=controller,
        store_path=tmp_path / "store.duckdb", topic_turns="faults-turns", topic_dead_letter="faults-dlq",
        topic_alerts="faults-alerts", consumer_group="rm-faults", window_seconds=20, early_firing_seconds=1,
        allowed_lateness_seconds=600, publish_every_seconds=1.0,
    )


@pytest.mark.integration
@pytest.mark.slow
def test_broker_down_for_30_seconds_mid_stream_then_exact_aggregates(tmp_path, prism_path):
    settings = _own_broker_settings(tmp_path)
    server = KafkaServer(settings)
    server.up()
    try:
        ensure_topics(settings)
        # Idle long enough to outlast the outage and the broker's restart: a caught-up read
        # during the outage must not be mistaken for the end of traffic.
        pipeline = subprocess.Popen(
            [sys.executable, "-m", "pipelines.cli", "run", "--until-idle", "60"], env=settings_env(settings),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )
        report: dict[str, ProduceReport] = {}
        cfg = GeneratorConfig(count=COUNT, seed=9, live=True, malformed_share=0.03, late_share=0.02,
                              max_late_seconds=120, scenario="over_refusal")
        producer = threading.Thread(daemon=True, target=lambda: report.update(r=produce(
            generate_records(cfg), settings.kafka_client_config(), settings.topic_turns, rate_per_s=RATE)))
        started = time.monotonic()
        producer.start()

        time.sleep(15)  # mid-stream: ~450 turns sent, the pipeline is landing windows
        assert pipeline.poll() is None, pipeline.communicate()[0][-3000:]
        stopped_at = time.monotonic()
        assert server.down(), "the broker did not stop"
        assert not port_open("127.0.0.1", settings.kafka_port)
        time.sleep(OUTAGE_S)
        server.up()
        back_at = time.monotonic()

        producer.join(timeout=600)
        r = report["r"]
        assert (r.sent, r.delivered, r.failed) == (COUNT, COUNT, 0), r
        assert r.broker_errors > 0, "the generator should have noticed the broker was away"

        # The pipeline should have ridden out the outage. If it stopped, restart it as a supervisor
        # would: the restart re-reads the topic and must still land the exact truth.
        out = pipeline.communicate(timeout=900)[0]  # it ends by itself: idle, or failed
        died = pipeline.returncode != 0
        cause = ""
        if died:
            causes = [line.strip() for line in out.splitlines()
                      if ("Error" in line or "Exception" in line) and "grpc" not in line and "Rendezvous" not in line]
            cause = " | ".join(causes[:3]) or out[-300:]
            (Path(settings.home) / "pipeline-died.log").write_text(out)
            restart = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--until-idle", "10"],
                                     env=settings_env(settings), capture_output=True, text=True, timeout=900)
            assert restart.returncode == 0, f"the restarted pipeline failed:\n{(restart.stdout + restart.stderr)[-4000:]}"

        records = read_topic(settings)
        assert len(records) == COUNT, "each turn delivered exactly once (idempotent producer)"
        truth = recompute(records, settings.window_seconds, settings.allowed_lateness_seconds,
                          settings.samples_per_window)
        got = landed(settings.snapshot_file)
        bal = balance(settings.snapshot_file)
        print(f"broker down {back_at - stopped_at:.0f}s (at {stopped_at - started:.0f}s); sent {r.sent}, delivered "
              f"{r.delivered}, failed {r.failed}, broker errors seen {r.broker_errors}; pipeline "
              f"{'DIED (restarted once): ' + cause if died else 'rode it out'}; read {bal.read}, counted "
              f"{bal.aggregated}, dead-lettered {bal.dead_lettered}, too late {bal.too_late}, lost {bal.unaccounted}")
        assert bal.holds, bal.to_dict()
        for table in ("windows", "cues", "samples"):
            differing = {k: (got[table].get(k), truth[table].get(k)) for k in set(got[table]) | set(truth[table])
                         if got[table].get(k) != truth[table].get(k)}
            assert not differing, f"{table}: {len(differing)} rows differ (landed, recomputed): {list(differing.items())[:4]}"
        assert_same_tables(got, truth)
        assert not died, f"the pipeline stopped during the outage and needed a restart: {cause[:300]}"
    finally:
        if "pipeline" in locals() and pipeline.poll() is None:
            import os
            import signal

            os.killpg(pipeline.pid, signal.SIGKILL)
            pipeline.wait(timeout=30)
        assert server.down(), "the test's broker did not stop"


def test_generator_reports_every_message_when_the_broker_never_comes_back():
    """Nothing listens on the port: after the delivery timeout each message is reported failed
    (sent == delivered + failed), with the reason; none vanishes."""
    port = free_port()  # free a moment ago: nothing listens there
    records = [Record(b"k", b'{"turn_id": "x"}', int(time.time() * 1000), False, None) for _ in range(25)]
    started = time.monotonic()
    report = produce(iter(records), {"bootstrap.servers": f"127.0.0.1:{port}"}, "nowhere", delivery_timeout_s=3)
    assert (report.sent, report.delivered, report.failed) == (25, 0, 25)
    assert report.errors and "timed out" in report.errors[0].lower(), report.errors
    assert report.broker_errors > 0
    assert time.monotonic() - started < 30

"""The CLI against the real broker: `kafka status`, `generate`, `run` in its own process, and
`sql` reading the store while that pipeline process is writing it."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from pipelines.services import settings_env

pytestmark = pytest.mark.integration


def cli(settings, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], env=settings_env(settings),
                          capture_output=True, text=True, timeout=timeout)


def test_kafka_status_reports_the_running_broker(kafka_settings):
    out = cli(kafka_settings, "kafka", "status")
    assert out.returncode == 0, out.stderr
    assert f"127.0.0.1:{kafka_settings.kafka_port} accepting connections" in out.stdout


def test_sql_reads_while_the_pipeline_writes(topic_settings, prism_path):
    settings = topic_settings.model_copy(update={"window_seconds": 60, "early_firing_seconds": 1,
                                                 "publish_every_seconds": 1.0})
    gen = cli(settings, "generate", "--count", "300", "--rate", "0", "--live", "--malformed-share", "0",
              "--late-share", "0", "--seed", "3")
    assert gen.returncode == 0 and "delivered 300, failed 0" in gen.stdout, gen.stderr

    pipeline = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "run", "--until-idle", "12"],
                                env=settings_env(settings), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    query = "SELECT coalesce(sum(n_turns), 0) AS n FROM refusal_windows"
    seen: list[int] = []
    failures: list[str] = []
    try:
        deadline = time.monotonic() + 240
        while pipeline.poll() is None and time.monotonic() < deadline:
            out = cli(settings, "sql", "--json", query)
            if out.returncode == 0:
                seen.append(json.loads(out.stdout)[0]["n"])
            elif "no published store" not in out.stderr:  # before the first publish is fine
                failures.append(out.stderr)
            time.sleep(0.5)
    finally:
        if pipeline.poll() is None:
            pipeline.kill()
        log = pipeline.communicate(timeout=30)[0]
    assert pipeline.returncode == 0, log[-3000:]
    assert not failures, failures[:3]
    assert any(0 < n for n in seen), f"no reading succeeded while the pipeline ran: {seen}"
    final = cli(settings, "sql", "--json", query)
    assert json.loads(final.stdout)[0]["n"] == 300
    assert seen == sorted(seen), "a reader saw the count go backwards"


def test_backfill_of_files_reports_progress_and_conservation(topic_settings, tmp_path):
    from tests.conftest import make_turn

    lines = [json.dumps(make_turn(turn_id=f"t{i}", timestamp=f"2026-11-20T10:0{i % 10}:00+00:00")) for i in range(30)]
    lines += ["{not json", json.dumps(make_turn(turn_id="old", timestamp="2026-11-20T07:00:00+00:00"))]
    data = tmp_path / "turns.jsonl"
    data.write_text("\n".join(lines) + "\n")
    store = tmp_path / "backfill.duckdb"
    out = cli(topic_settings, "backfill", str(data), "--store", str(store), timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "read 32, counted 30, dead-lettered 1, too late 1, duplicates 0, unaccounted 0" in out.stdout
    check = cli(topic_settings, "conservation", "--json", "--store", str(store))
    assert check.returncode == 0 and json.loads(check.stdout)["holds"] is True


def test_backfill_rejects_malformed_bounds_with_a_clear_error(topic_settings):
    out = cli(topic_settings, "backfill", "--from-offsets", "zero:1")
    assert out.returncode == 2 and "partition:offset" in out.stderr
    out = cli(topic_settings, "backfill", "--from-time", "2026-11-28T10:00:00")
    assert out.returncode == 2 and "no zone" in out.stderr

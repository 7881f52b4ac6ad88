"""The unchanged pipeline on Apache Flink (Beam's portable Flink runner), checked exactly.

The integration test starts the embedded Flink cluster (``--flink_master=[local]``, inside Beam's
job server, which the Python SDK starts as its child), runs ``refusal-monitor run --runner flink
--parallelism 2`` against the real broker with LOOPBACK Python workers and retained checkpoints,
kills the whole job with SIGKILL once a checkpoint is on disk, produces more turns, restarts the job
from that checkpoint (``--savepoint_path``) and waits until the landed tables equal the plain-Python
recomputation of the topic (tests/integration/recompute.py).

Here the job-server jar is not served by the Maven repository mvn reaches (2.73.0, every Flink
line; docs/decisions/flink-runner.md), so ``ensure_flink_job_server`` raises
``FlinkJobServerUnavailable`` and the integration test is reported as XFAIL with that message: it
never passes silently, and it runs in full wherever the jar resolves or RM_FLINK_JOB_SERVER_JAR
names one. The option tests above it need no Flink and always run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from schemas import ConfigurationError, Settings


# -- the runner options (no Flink needed) ---------------------------------------------------------
def _options(settings: Settings, extra: list[str] | None = None) -> dict:
    from pipelines.streaming import beam_options

    return beam_options(settings, None, extra).get_all_options(retain_unknown_options=True)


def test_flink_options_run_loopback_workers_with_retained_checkpoints(tmp_path):
    settings = Settings(home=tmp_path, runner="flink", flink_job_server_jar=tmp_path / "js.jar", flink_parallelism=2,
                        flink_checkpointing_interval_ms=2000)
    o = _options(settings)
    assert (o["runner"], o["flink_master"], o["flink_version"], o["environment_type"]) == (
        "FlinkRunner", "[local]", "1.19", "LOOPBACK")
    assert o["streaming"] and o["parallelism"] == 2 and o["flink_job_server_jar"] == str(tmp_path / "js.jar")
    assert o["checkpointing_interval"] == "2000" and o["externalized_checkpoints_enabled"] is True
    assert o["retain_externalized_checkpoints_on_cancellation"] is True
    assert o["state_backend_storage_path"] == (tmp_path / "flink-checkpoints").resolve().as_uri()
    assert "--add-opens=java.base/java.util=ALL-UNNAMED" in o["job_server_jvm_properties"]


def test_flink_options_after_the_double_dash_win(tmp_path):
    settings = Settings(home=tmp_path, runner="flink", flink_job_server_jar=tmp_path / "js.jar",
                        flink_checkpointing_interval_ms=0)
    o = _options(settings, ["--savepoint_path=/ckpt/job/chk-7", "--parallelism=4", "--flink_master=flink-jm:8081"])
    assert (o["savepoint_path"], o["parallelism"], o["flink_master"]) == ("/ckpt/job/chk-7", 4, "flink-jm:8081")
    assert "checkpointing_interval" not in o or o["checkpointing_interval"] in (None, "-1")


def test_flink_without_a_job_server_jar_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="RM_FLINK_JOB_SERVER_JAR"):
        _options(Settings(runner="flink"))


def test_dataflow_options_are_passed_through():
    o = _options(Settings(runner="dataflow"), ["--project=p", "--region=europe-west1", "--temp_location=gs://b/tmp",
                                                "--max_num_workers=8"])
    assert (o["runner"], o["project"], o["region"], o["max_num_workers"]) == ("DataflowRunner", "p", "europe-west1", 8)
    assert o["streaming"]


def test_a_given_job_server_jar_is_used_as_is_and_a_missing_one_is_named(tmp_path):
    from infra.flink_job_server import ensure_flink_job_server
    from schemas import InfraError

    jar = tmp_path / "beam-runners-flink-1.19-job-server-2.73.0.jar"
    jar.write_bytes(b"PK")
    assert ensure_flink_job_server(Settings(cache_dir=tmp_path / "cache", flink_job_server_jar=jar)) == jar
    with pytest.raises(InfraError, match="RM_FLINK_JOB_SERVER_JAR=.*is not a file"):
        ensure_flink_job_server(Settings(cache_dir=tmp_path / "cache", flink_job_server_jar=tmp_path / "nope.jar"))
    assert not (tmp_path / "cache").exists()  # nothing fetched


# -- the job on the embedded Flink cluster ----------------------------------------------------------
def _start(settings: Settings, *args: str) -> subprocess.Popen:
    from pipelines.services import settings_env

    # Its own session, so SIGKILL reaches the whole job: this Python process (the LOOPBACK workers
    # and the DuckDB writer) and the job-server JVM with the embedded Flink cluster it started.
    return subprocess.Popen([sys.executable, "-m", "pipelines.cli", "run", "--runner", "flink", "--parallelism", "2",
                             *args], env=settings_env(settings), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)


def _stop(proc: subprocess.Popen, sig: int) -> str:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
    return proc.communicate(timeout=120)[0]


def _latest_checkpoint(root: Path) -> Path | None:
    """``<root>/<job id>/chk-<n>`` with the highest n that has its ``_metadata`` (a complete checkpoint)."""
    done = [m.parent for m in root.glob("*/chk-*/_metadata")]
    return max(done, key=lambda d: int(d.name.split("-")[1]), default=None)


def _read_so_far(settings: Settings) -> int:
    from pipelines.conservation import balance

    try:
        return balance(settings.snapshot_file).read
    except Exception:  # nothing published yet
        return 0


def _wait_until(what: str, proc: subprocess.Popen, check, timeout_s: float):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the Flink job ended while waiting for {what}:\n{proc.communicate()[0][-4000:]}")
        got = check()
        if got:
            return got
        time.sleep(1.0)
    pytest.fail(f"no {what} within {timeout_s:.0f}s:\n{_stop(proc, signal.SIGKILL)[-4000:]}")


@pytest.mark.integration
@pytest.mark.slow
def test_flink_parallelism_2_lands_the_batch_truth_and_resumes_from_a_checkpoint(request, tmp_path):
    from infra.flink_job_server import FlinkJobServerUnavailable, ensure_flink_job_server
    from pipelines.generator import GeneratorConfig, generate_records, produce
    from tests.conftest import PROJECT_ROOT
    from tests.integration.recompute import assert_same_tables, landed, truth_for

    started = time.monotonic()
    try:  # before the broker fixture: no broker is started for a job that cannot run
        jar = ensure_flink_job_server(Settings(cache_dir=PROJECT_ROOT / ".cache"))
    except FlinkJobServerUnavailable as exc:
        pytest.xfail(str(exc))
    topic_settings = request.getfixturevalue("topic_settings")
    settings = topic_settings.model_copy(update={
        "window_seconds": 20, "early_firing_seconds": 1, "allowed_lateness_seconds": 60, "publish_every_seconds": 1.0,
        "flink_job_server_jar": jar, "flink_checkpointing_interval_ms": 2000, "flink_checkpoint_dir": tmp_path / "ckpt",
    })

    def produce_batch(seed: int, count: int) -> None:
        cfg = GeneratorConfig(count=count, seed=seed, live=True, malformed_share=0.03, late_share=0.05,
                              max_late_seconds=150, scenario="over_refusal")
        report = produce(generate_records(cfg), settings.kafka_client_config(), settings.topic_turns)
        assert report.failed == 0 and report.delivered == count

    def matches_truth() -> bool:
        if not settings.snapshot_file.exists():
            return False
        truth = truth_for(settings)
        try:
            assert_same_tables(landed(settings.snapshot_file), truth)
        except AssertionError:
            return False
        return True

    # 1. First run: parallelism 2 over the first 1,200 turns; SIGKILL once a checkpoint is complete.
    produce_batch(seed=11, count=1200)
    first = _start(settings)
    checkpoint = _wait_until("complete checkpoint", first, lambda: _latest_checkpoint(settings.flink_checkpoint_dir), 300)
    _wait_until("landed rows", first, lambda: _read_so_far(settings) > 0, 120)
    _stop(first, signal.SIGKILL)
    checkpoint = _latest_checkpoint(settings.flink_checkpoint_dir) or checkpoint

    # 2. More traffic while the job is down, then a restart from the checkpoint: the read resumes
    #    at the checkpointed offsets, the windows from their checkpointed accumulators, and the
    #    landing's merge rule absorbs the panes re-emitted after the checkpoint.
    #    The restart says read_from=latest: only a job restored from the checkpoint reads the 600
    #    turns produced while it was down, so equal tables prove the restore (a fresh job would skip them).
    produce_batch(seed=12, count=600)
    second = _start(settings.model_copy(update={"read_from": "latest"}), "--", f"--savepoint_path={checkpoint}")
    try:
        _wait_until("tables equal to the recomputation", second, matches_truth, 420)
    finally:
        _stop(second, signal.SIGTERM)

    truth = truth_for(settings)
    got = landed(settings.snapshot_file)
    print(f"[flink] restored from {checkpoint}; read {got['read']}, windows {len(got['windows'])}, "
          f"too late {len(got['too_late'])}, dead {got['dead']}; test took {time.monotonic() - started:.0f}s")
    assert truth["read"] == 1800 and truth["too_late"] and truth["dead"] > 0
    assert_same_tables(got, truth)

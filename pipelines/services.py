"""Long-running local processes: the dashboard server and the all-in-one demo.

The demo starts what it needs (Kafka if not already up, the generator, the pipeline, the
dashboard, and once the first aggregates land the data-quality checker and the alert watcher every minute), each in its own process group with a PID file and a log under ``<home>/demo``,
prints the dashboard URL, and on Ctrl-C (or after ``duration_s``) stops exactly what it started.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from infra.processes import port_open, spawn_detached, stop_pid
from infra.tooling import progress
from schemas import InfraError, Settings

__all__ = ["settings_env", "dashboard_command", "run_dashboard", "run_demo"]

_APP = Path(__file__).resolve().parents[1] / "dashboards" / "app.py"


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a child process read the same settings (flags included)."""
    env = dict(os.environ)
    for name, value in settings.model_dump(mode="json").items():
        if value is None:
            continue
        if name == "kafka_sasl_password":
            value = settings.kafka_sasl_password.get_secret_value()
        env[f"RM_{name.upper()}"] = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
    if settings.alerts.webhook_url is not None:  # a nested secret is masked in the dump above
        env["RM_ALERTS__WEBHOOK_URL"] = settings.alerts.webhook_url.get_secret_value()
    return env


def dashboard_command(settings: Settings) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(_APP),
        "--server.address", settings.dashboard_host,
        "--server.port", str(settings.dashboard_port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]


def run_dashboard(settings: Settings) -> int:
    """Serve the dashboard in the foreground until interrupted.

    The process becomes Streamlit (exec), so its PID is the server's: whoever stops it by PID
    (a PID file, a test, a supervisor) stops the server, rather than orphaning a child.
    """
    print(f"dashboard: http://{settings.dashboard_host}:{settings.dashboard_port}", flush=True)
    cmd = dashboard_command(settings)
    os.execve(cmd[0], cmd, settings_env(settings))
    return 0  # not reached


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipelines.cli", *args]


def _tail(path: Path, n: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "(no log)"


def _first_data_seconds(settings: Settings) -> bool:
    from pipelines.sql import run_query

    try:
        _, rows = run_query(settings.snapshot_file, "SELECT count(*) FROM refusal_windows")
    except Exception:  # not published yet, or swapped mid-open: ask again next tick
        return False
    return bool(rows and rows[0][0])


def run_demo(settings: Settings, rate: float, scenario: str, duration_s: float | None = None) -> int:
    """Everything at once on local defaults; returns when interrupted or after ``duration_s``."""
    from infra import KafkaServer, ensure_prism, ensure_topics

    started = time.monotonic()
    demo_dir = settings.home.resolve() / "demo"
    demo_dir.mkdir(parents=True, exist_ok=True)
    server = KafkaServer(settings)
    kafka_was_running = server.status().running
    server.up()
    ensure_topics(settings)
    ensure_prism(settings)
    if port_open(settings.dashboard_host, settings.dashboard_port):
        raise InfraError(f"dashboard port {settings.dashboard_port} is taken; pass --port or set RM_DASHBOARD_PORT")

    env = settings_env(settings)
    children: dict[str, tuple[subprocess.Popen, Path]] = {}

    def start(name: str, cmd: list[str]) -> None:
        log = demo_dir / f"{name}.log"
        log.write_text("")
        children[name] = (spawn_detached(cmd, log, demo_dir / f"{name}.pid", env=env), log)
        progress(f"{name} started (pid {children[name][0].pid}, log {log})")

    interrupted = False

    def on_signal(signum, _frame) -> None:
        nonlocal interrupted
        interrupted = True

    old_int = signal.signal(signal.SIGINT, on_signal)
    old_term = signal.signal(signal.SIGTERM, on_signal)
    code = 0
    try:
        start("generator", _cli("generate", "--forever", "--rate", str(rate), "--scenario", scenario,
                                "--rollout-seconds", "600"))
        start("pipeline", _cli("run"))
        start("dashboard", dashboard_command(settings))
        url = f"http://{settings.dashboard_host}:{settings.dashboard_port}"
        deadline = time.monotonic() + 90
        while not port_open(settings.dashboard_host, settings.dashboard_port) and time.monotonic() < deadline:
            time.sleep(0.5)
        print(f"\n  Refusal Monitor dashboard: {url}\n  (Ctrl-C stops the demo)\n", flush=True)
        data_seen = False
        while not interrupted:
            for name, (proc, log) in children.items():
                if proc.poll() is not None:
                    print(f"{name} exited with code {proc.returncode}; last lines of {log}:\n{_tail(log)}", file=sys.stderr)
                    code = 1
                    interrupted = True
            if not data_seen and _first_data_seconds(settings):
                data_seen = True
                progress(f"first aggregates visible {time.monotonic() - started:.0f}s after the demo started")
                # Checked from the first landing on: before it, an empty store is expected, not a fault.
                start("quality", _cli("check", "--every", str(min(settings.quality_every_seconds, 60.0))))
                # The alert engine (docs/alerts.md) next to it, on the same snapshot.
                start("alerts", _cli("alerts", "watch", "--every", str(min(settings.alerts.every_seconds, 60.0))))
            if duration_s is not None and time.monotonic() - started >= duration_s:
                break
            time.sleep(1)
        if not data_seen and code == 0:
            progress("stopped before any aggregate was visible")
    finally:
        progress("stopping the demo ...")
        for name, (proc, _log) in reversed(list(children.items())):
            stop_pid(proc.pid, None, timeout_s=20)
            proc.wait(timeout=5) if proc.poll() is None else None
            (demo_dir / f"{name}.pid").unlink(missing_ok=True)
        if not kafka_was_running:
            server.down()
        signal.signal(signal.SIGINT, old_int)
        signal.signal(signal.SIGTERM, old_term)
        progress("demo stopped")
    return code

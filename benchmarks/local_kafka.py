"""A throwaway local Kafka broker for a benchmark (free ports, a temporary home, stopped at exit),
and the CLI processes a benchmark starts against it (by PID, never by name)."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator

from infra import ensure_topics, throwaway_broker
from infra.processes import spawn_detached, stop_pid
from pipelines.services import settings_env
from schemas import Settings

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def local_kafka(**overrides: object) -> Iterator[Settings]:
    """Settings pointing at a broker of our own with the project's topics (``infra.throwaway_broker``
    under a temporary home, downloads cached in the project's ``.cache``)."""
    home = Path(tempfile.mkdtemp(prefix="rm-bench-"))
    with throwaway_broker(home, cache_dir=ROOT / ".cache", **overrides) as settings:
        ensure_topics(settings)
        yield settings


def start_cli(settings: Settings, name: str, *args: str) -> subprocess.Popen[bytes]:
    """``refusal-monitor <args>`` for these settings in its own process group, output to
    ``<home>/<name>.log``, PID in ``<home>/<name>.pid`` (stop it with ``stop``)."""
    return spawn_detached([sys.executable, "-m", "pipelines.cli", *args], settings.home / f"{name}.log",
                          settings.home / f"{name}.pid", env=settings_env(settings))


def stop(proc: subprocess.Popen[bytes], timeout_s: float = 60.0) -> None:
    """SIGTERM the process group ``start_cli`` made, SIGKILL after ``timeout_s``, and reap it."""
    stop_pid(proc.pid, None, timeout_s)
    proc.wait(timeout=30)

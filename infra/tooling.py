"""Fetch what the project needs from the package registries, with the ordinary clients.

Jars come from Maven (``mvn dependency:copy-dependencies`` / ``dependency:copy``), Go tools from
``go install``. Results are cached under the project's ``.cache`` folder (and the tools' own caches,
``~/.m2`` and the Go module cache), so the second run is instant and a new machine works from zero.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from schemas.errors import InfraError

__all__ = ["require_tool", "run_logged", "progress", "install_lock"]


def progress(message: str) -> None:
    """One line of progress on stderr (long installs must not look hung)."""
    print(f"[refusal-monitor] {message}", file=sys.stderr, flush=True)


def require_tool(name: str, hint: str) -> str:
    """Absolute path of an executable on PATH, or an InfraError saying how to get it."""
    path = shutil.which(name)
    if not path:
        raise InfraError(f"'{name}' is not on PATH; {hint}")
    return path


def run_logged(cmd: list[str], what: str, log_file: Path, env: dict[str, str] | None = None, timeout_s: float = 1800) -> None:
    """Run an install command, logging to ``log_file``; raise InfraError with its tail on failure."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    progress(f"{what} (log: {log_file}) ...")
    started = time.monotonic()
    with open(log_file, "wb") as log:
        try:
            proc = subprocess.run(
                cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})},
                timeout=timeout_s, check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise InfraError(f"{what} did not finish within {timeout_s:.0f}s; see {log_file}") from exc
    if proc.returncode != 0:
        tail = log_file.read_text(errors="replace").splitlines()[-25:]
        raise InfraError(f"{what} failed (exit {proc.returncode}); last lines of {log_file}:\n" + "\n".join(tail))
    progress(f"{what}: done in {time.monotonic() - started:.0f}s")


@contextlib.contextmanager
def install_lock(folder: Path):
    """Serialise installs into ``folder`` across processes (two test runs, demo and tests)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".install.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)

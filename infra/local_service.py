"""A local server process the project starts and owns: PID file, log, readiness, stop by PID.

The Kafka broker and the Beam expansion service differ only in how they are installed, the
command line and the log line that says they serve; everything else lives here once.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from infra.processes import pid_alive, port_open, read_pid, spawn_detached, stop_pid
from infra.tooling import progress, require_tool
from schemas.errors import InfraError

__all__ = ["LocalService", "ServiceStatus", "java_tool"]


@dataclass(frozen=True)
class ServiceStatus:
    """What `<service> status` reports."""

    name: str
    pid: int | None
    running: bool
    port_open: bool
    address: str
    log_file: Path

    def describe(self) -> str:
        state = "running" if self.running else "stopped"
        listening = "accepting connections" if self.port_open else "not listening"
        return f"{self.name} {state} (pid {self.pid or '-'}), {self.address} {listening}; log: {self.log_file}"


def java_tool(name: str, hint: str) -> str:
    """``$JAVA_HOME/bin/<name>`` when JAVA_HOME is set, else ``<name>`` from PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / name).exists():
        return str(Path(java_home) / "bin" / name)
    return require_tool(name, hint)


class LocalService:
    """Subclasses set ``name``, ``cmdline_marker`` and ``ready_mark`` and implement
    ``prepare`` (install, write config) and ``command``."""

    name: str = "service"
    file_stem: str = "service"  # <home>/<file_stem>.pid and .log
    cmdline_marker: str = ""  # a string in the process's command line: never signal a stranger
    ready_mark: bytes = b""  # the log line that says the service serves
    port_settings: str = ""  # which settings choose the ports, for the "port taken" error

    def __init__(self, home: Path, port: int, extra_ports: tuple[int, ...] = ()) -> None:
        self.home = home
        self.port = port
        self.ports = (port, *extra_ports)
        self.pid_file = home / f"{self.file_stem}.pid"
        self.log_file = home / f"{self.file_stem}.log"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def prepare(self) -> None:
        """Install and configure before a start (idempotent)."""

    def command(self) -> list[str]:
        raise NotImplementedError

    def status(self) -> ServiceStatus:
        pid = read_pid(self.pid_file)
        return ServiceStatus(
            name=self.name, pid=pid, running=pid_alive(pid, self.cmdline_marker),
            port_open=port_open("127.0.0.1", self.port), address=self.address, log_file=self.log_file,
        )

    def up(self, timeout_s: float = 120.0) -> ServiceStatus:
        """Prepare, start on 127.0.0.1 and wait until the log says it serves and the port accepts."""
        current = self.status()
        if current.running:
            progress(f"{self.name} already running (pid {current.pid}) on {self.address}")
            return current
        for port in self.ports:
            if port_open("127.0.0.1", port):
                raise InfraError(f"port {port} on 127.0.0.1 is taken by another process; set {self.port_settings} to free ports")
        self.home.mkdir(parents=True, exist_ok=True)
        self.prepare()
        log_offset = self.log_file.stat().st_size if self.log_file.exists() else 0
        proc = spawn_detached(self.command(), self.log_file, self.pid_file)
        progress(f"{self.name} starting (pid {proc.pid}) on {self.address} ...")
        self._wait_ready(proc, timeout_s, log_offset)
        progress(f"{self.name} ready on {self.address}")
        return self.status()

    def down(self, timeout_s: float = 30.0) -> bool:
        """Stop the process we started (by its PID file). True if it is not running afterwards."""
        pid = read_pid(self.pid_file)
        if pid is None:
            return True
        stopped = stop_pid(pid, self.cmdline_marker, timeout_s)
        if stopped:
            self.pid_file.unlink(missing_ok=True)
        return stopped

    def log_tail(self, lines: int = 25) -> str:
        if not self.log_file.exists():
            return "(no log)"
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])

    def _wait_ready(self, proc: subprocess.Popen[bytes], timeout_s: float, log_offset: int) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                self.pid_file.unlink(missing_ok=True)
                raise InfraError(
                    f"{self.name} exited during start-up (exit {proc.returncode}); last lines of {self.log_file}:\n"
                    + self.log_tail()
                )
            if self._log_says_ready(log_offset) and port_open("127.0.0.1", self.port):
                return
            time.sleep(0.25)
        stop_pid(proc.pid, None, 10)
        self.pid_file.unlink(missing_ok=True)
        raise InfraError(
            f"{self.name} did not become ready within {timeout_s:.0f}s (stopped it); last lines of {self.log_file}:\n"
            + self.log_tail()
        )

    def _log_says_ready(self, log_offset: int) -> bool:
        """Only this start's lines count (the log is appended across restarts)."""
        try:
            with open(self.log_file, "rb") as fh:
                fh.seek(log_offset)
                return self.ready_mark in fh.read()
        except OSError:
            return False

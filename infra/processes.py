"""The processes the project starts: PID files (so it stops only its own), free ports, and the
allocator setting of its own long-running pipeline process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

__all__ = ["pid_alive", "read_pid", "stop_pid", "port_open", "free_port", "free_ports", "spawn_detached", "limit_malloc_arenas"]


def read_pid(pid_file: Path) -> int | None:
    """PID recorded in ``pid_file``, or None when there is no file or it is unreadable."""
    try:
        return int(pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def pid_alive(pid: int | None, must_contain: str | None = None) -> bool:
    """True if ``pid`` runs and (when given) its command line contains ``must_contain``.

    The command-line check guards against a recycled PID: we never signal a stranger.
    """
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
        if state == "Z":  # exited, not yet reaped by its parent
            return False
    except (OSError, IndexError):
        pass
    if must_contain is None:
        return True
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False
    return must_contain in cmdline


def stop_pid(pid: int, must_contain: str | None, timeout_s: float = 30.0) -> bool:
    """SIGTERM our process (its whole process group), SIGKILL after ``timeout_s``; True once it is gone.

    ``must_contain`` is checked only before signalling: while a process exits, its command line
    reads empty, so afterwards we wait for the process itself to disappear.
    """
    if not pid_alive(pid, must_contain):
        return True
    try:
        os.killpg(pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.1)
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    time.sleep(0.5)
    return not pid_alive(pid)


def port_open(host: str, port: int, timeout_s: float = 0.5) -> bool:
    """True if something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (tests use it to avoid the demo's)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports(n: int) -> list[int]:
    """``n`` distinct ports from ``free_port`` (a broker needs a client and a controller port)."""
    ports: list[int] = []
    while len(ports) < n:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


def spawn_detached(
    cmd: list[str], log_file: Path, pid_file: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start ``cmd`` in its own session with output to ``log_file``; record its PID in ``pid_file``."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "ab") as log:
        proc = subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True, env=env
        )
    pid_file.write_text(f"{proc.pid}\n")
    return proc


# glibc's M_ARENA_MAX (malloc.h); without it glibc gives up to 8 arenas per core to threads.
_M_ARENA_MAX = -8


def limit_malloc_arenas(n: int = 2) -> bool:
    """Cap glibc's malloc arenas for this process; True if the cap was set.

    A long-running pipeline process runs Beam's harness, gRPC and librdkafka threads; with one
    arena per thread, freed memory stays spread over many arenas and the resident size creeps up.
    With 2 arenas a soak's driver grew at +6.5 instead of +14.4 MB/min (docs/performance.md).
    A ``MALLOC_ARENA_MAX`` in the environment is the operator's choice and is left alone; other C
    libraries (macOS, musl) have no such knob.
    """
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_ARENA_MAX, n))

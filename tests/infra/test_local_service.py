"""LocalService's lifecycle on a tiny stand-in server (a Python one-liner), no Java needed."""

import socket
import sys

import pytest

from infra.local_service import LocalService
from infra.processes import free_port, port_open
from schemas import InfraError

SERVER = (
    "import socket, sys, time\n"
    "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
    "s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen()\n"
    "print('STANDIN READY', flush=True)\n"
    "time.sleep(600)\n"
)


class StandIn(LocalService):
    name = "stand-in"
    file_stem = "standin"
    cmdline_marker = "standin-marker"
    ready_mark = b"STANDIN READY"
    port_settings = "RM_STANDIN_PORT"

    def __init__(self, home, port, script=SERVER):
        super().__init__(home, port)
        self.script = script

    def command(self):
        return [sys.executable, "-c", self.script, str(self.port), "standin-marker"]


def test_up_status_down(tmp_path):
    service = StandIn(tmp_path, free_port())
    status = service.up(timeout_s=30)
    assert status.running and status.port_open and service.pid_file.exists()
    assert f"stand-in running (pid {status.pid}), 127.0.0.1:{service.port} accepting connections" in status.describe()
    assert service.up().pid == status.pid  # already running: not started twice
    assert service.down()
    assert not service.pid_file.exists() and not port_open("127.0.0.1", service.port)
    assert not service.status().running


def test_exit_during_start_reports_the_log(tmp_path):
    service = StandIn(tmp_path, free_port(), script="import sys; print('bad config: no such topic'); sys.exit(3)")
    with pytest.raises(InfraError, match=r"exited during start-up \(exit 3\)[\s\S]*bad config"):
        service.up(timeout_s=30)
    assert not service.pid_file.exists()


def test_taken_port_names_the_setting(tmp_path):
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        service = StandIn(tmp_path, blocker.getsockname()[1])
        with pytest.raises(InfraError, match="RM_STANDIN_PORT"):
            service.up(timeout_s=5)


def test_never_ready_is_stopped_after_the_timeout(tmp_path):
    service = StandIn(tmp_path, free_port(), script="import time; print('starting'); time.sleep(600)")
    with pytest.raises(InfraError, match="did not become ready within 2s"):
        service.up(timeout_s=2)
    assert not service.pid_file.exists()


def test_a_stranger_with_a_recycled_pid_is_not_signalled(tmp_path):
    service = StandIn(tmp_path, free_port())
    service.home.mkdir(parents=True, exist_ok=True)
    service.pid_file.write_text("1\n")  # PID 1 is not ours and lacks the marker
    assert not service.status().running
    assert service.down()  # nothing of ours to stop; PID 1 untouched

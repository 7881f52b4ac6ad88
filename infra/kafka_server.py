"""A real single-node Apache Kafka (KRaft) broker for local runs and tests: install, up, down, status.

The broker's jars are resolved by Maven from ``infra/kafka/pom.xml`` into
``<cache>/kafka-<version>/libs``; data, logs, the generated ``server.properties`` and the PID file
live under ``<home>/kafka``. Listeners bind to 127.0.0.1 only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from infra.processes import pid_alive, port_open, read_pid, spawn_detached, stop_pid
from infra.tooling import install_lock, progress, require_tool, run_logged
from schemas.errors import InfraError
from schemas.settings import Settings

__all__ = ["KafkaServer", "KafkaStatus"]

_POM = Path(__file__).resolve().parent / "kafka" / "pom.xml"
_LOG4J2 = Path(__file__).resolve().parent / "kafka" / "log4j2.yaml"
_MAIN_CLASS = "kafka.Kafka"


@dataclass(frozen=True)
class KafkaStatus:
    """What `kafka status` reports."""

    pid: int | None
    running: bool
    port_open: bool
    bootstrap: str
    log_file: Path

    def describe(self) -> str:
        state = "running" if self.running else "stopped"
        listening = "accepting connections" if self.port_open else "not listening"
        return f"kafka {state} (pid {self.pid or '-'}), {self.bootstrap} {listening}; log: {self.log_file}"


class KafkaServer:
    """Lifecycle of the local broker described by ``settings``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.home = settings.home.resolve() / "kafka"
        self.libs = settings.cache_dir.resolve() / f"kafka-{settings.kafka_version}" / "libs"
        self.pid_file = self.home / "kafka.pid"
        self.log_file = self.home / "kafka.log"
        self.config_file = self.home / "server.properties"
        self.data_dir = self.home / "data"

    # -- install ---------------------------------------------------------------------------------
    def install(self) -> Path:
        """Resolve the broker's jars with mvn (once; cached) and return the libs folder."""
        marker = self.libs / ".complete"
        if marker.exists():
            return self.libs
        with install_lock(self.libs.parent):
            if marker.exists():
                return self.libs
            return self._fetch_jars(marker)

    def _fetch_jars(self, marker: Path) -> Path:
        mvn = require_tool("mvn", "install Maven (Debian package 'maven') to fetch the Kafka broker jars")
        require_tool("java", "install a Java 17+ runtime to run the Kafka broker")
        staging = self.libs.with_name("libs.partial")
        shutil.rmtree(staging, ignore_errors=True)
        run_logged(
            [mvn, "-B", "-q", "-f", str(_POM), f"-Dkafka.version={self.settings.kafka_version}",
             "dependency:copy-dependencies", f"-DoutputDirectory={staging}"],
            f"fetching Apache Kafka {self.settings.kafka_version} jars with mvn",
            self.libs.parent / "mvn.log",
        )
        if not any(staging.glob("kafka_2.13-*.jar")):
            raise InfraError(f"mvn finished but no kafka_2.13 jar is in {staging}")
        shutil.rmtree(self.libs, ignore_errors=True)
        staging.rename(self.libs)
        marker.write_text(self.settings.kafka_version + "\n")
        return self.libs

    # -- lifecycle -------------------------------------------------------------------------------
    def status(self) -> KafkaStatus:
        pid = read_pid(self.pid_file)
        return KafkaStatus(
            pid=pid,
            running=pid_alive(pid, _MAIN_CLASS),
            port_open=port_open("127.0.0.1", self.settings.kafka_port),
            bootstrap=self.settings.bootstrap_servers,
            log_file=self.log_file,
        )

    def up(self, timeout_s: float = 120.0) -> KafkaStatus:
        """Install if needed, format storage on first start, start the broker and wait until it serves."""
        current = self.status()
        if current.running:
            progress(f"kafka already running (pid {current.pid})")
            return current
        for port in (self.settings.kafka_port, self.settings.kafka_controller_port):
            if port_open("127.0.0.1", port):
                raise InfraError(
                    f"port {port} on 127.0.0.1 is taken by another process; set RM_KAFKA_PORT / "
                    "RM_KAFKA_CONTROLLER_PORT to free ports"
                )
        libs = self.install()
        self.home.mkdir(parents=True, exist_ok=True)
        self._write_config()
        java = self._java()
        classpath = f"{libs}/*"
        if not (self.data_dir / "meta.properties").exists():
            run_logged(
                [java, "-cp", classpath, "kafka.tools.StorageTool", "format", "--ignore-formatted",
                 "-t", _cluster_id(), "-c", str(self.config_file)],
                "formatting Kafka KRaft storage", self.home / "format.log",
            )
        cmd = [
            java, f"-Xmx{self.settings.kafka_heap}", f"-Xms{self.settings.kafka_heap}",
            "-XX:+UseG1GC", "-Djava.awt.headless=true", f"-Dlog4j2.configurationFile={_LOG4J2}",
            f"-Dkafka.logs.dir={self.home / 'logs'}", "-cp", classpath, _MAIN_CLASS, str(self.config_file),
        ]
        log_offset = self.log_file.stat().st_size if self.log_file.exists() else 0
        proc = spawn_detached(cmd, self.log_file, self.pid_file)
        progress(f"kafka starting (pid {proc.pid}) on {self.settings.bootstrap_servers} ...")
        self._wait_ready(proc, timeout_s, log_offset)
        progress(f"kafka ready on {self.settings.bootstrap_servers}")
        return self.status()

    def down(self, timeout_s: float = 30.0) -> bool:
        """Stop the broker we started (by its PID file). True if it is not running afterwards."""
        pid = read_pid(self.pid_file)
        if pid is None:
            return True
        stopped = stop_pid(pid, _MAIN_CLASS, timeout_s)
        if stopped:
            self.pid_file.unlink(missing_ok=True)
        return stopped

    # -- internals -------------------------------------------------------------------------------
    def _java(self) -> str:
        java_home = os.environ.get("JAVA_HOME")
        if java_home and (Path(java_home) / "bin" / "java").exists():
            return str(Path(java_home) / "bin" / "java")
        return require_tool("java", "install a Java 17+ runtime to run the Kafka broker")

    def _write_config(self) -> None:
        s = self.settings
        props = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@127.0.0.1:{s.kafka_controller_port}",
            "listeners": f"PLAINTEXT://127.0.0.1:{s.kafka_port},CONTROLLER://127.0.0.1:{s.kafka_controller_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{s.kafka_port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": str(self.data_dir),
            "num.partitions": str(s.turns_partitions),
            "offsets.topic.replication.factor": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            "auto.create.topics.enable": "false",
            "log.retention.hours": "168",
        }
        self.config_file.write_text("".join(f"{k}={v}\n" for k, v in props.items()))

    def _wait_ready(self, proc: subprocess.Popen[bytes], timeout_s: float, log_offset: int) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                tail = self.log_file.read_text(errors="replace").splitlines()[-20:] if self.log_file.exists() else []
                self.pid_file.unlink(missing_ok=True)
                raise InfraError("kafka exited during start-up; last log lines:\n" + "\n".join(tail))
            if port_open("127.0.0.1", self.settings.kafka_port) and self._log_says_started(log_offset):
                return
            time.sleep(0.5)
        stop_pid(proc.pid, None, 10)
        self.pid_file.unlink(missing_ok=True)
        raise InfraError(f"kafka did not become ready within {timeout_s:.0f}s (stopped it); see {self.log_file}")

    def _log_says_started(self, log_offset: int) -> bool:
        """The broker logs this line once it serves clients; only this start's lines count."""
        try:
            with open(self.log_file, "rb") as fh:
                fh.seek(log_offset)
                return b"Kafka Server started" in fh.read()
        except OSError:
            return False


def _cluster_id() -> str:
    """A KRaft cluster id: 16 random bytes, URL-safe base64 without padding (22 chars)."""
    import base64

    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")

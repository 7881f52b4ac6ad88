"""A real single-node Apache Kafka (KRaft) broker for local runs and tests: install, up, down, status.

The broker's jars are resolved by Maven from ``infra/kafka/pom.xml`` into
``<cache>/kafka-<version>/libs``; data, logs, the generated ``server.properties`` and the PID file
live under ``<home>/kafka``. Listeners bind to 127.0.0.1 only.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from infra.local_service import LocalService, java_tool
from infra.tooling import install_lock, require_tool, run_logged
from schemas.errors import InfraError
from schemas.settings import Settings

__all__ = ["KafkaServer"]

_POM = Path(__file__).resolve().parent / "kafka" / "pom.xml"
_LOG4J2 = Path(__file__).resolve().parent / "kafka" / "log4j2.yaml"
_MAIN_CLASS = "kafka.Kafka"


class KafkaServer(LocalService):
    """Lifecycle of the local broker described by ``settings``."""

    name = "kafka"
    file_stem = "kafka"
    cmdline_marker = _MAIN_CLASS
    ready_mark = b"Kafka Server started"
    port_settings = "RM_KAFKA_PORT / RM_KAFKA_CONTROLLER_PORT"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings.home.resolve() / "kafka", settings.kafka_port, (settings.kafka_controller_port,))
        self.settings = settings
        self.libs = settings.cache_dir.resolve() / f"kafka-{settings.kafka_version}" / "libs"
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
        java_tool("java", "install a Java 17+ runtime to run the Kafka broker")
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

    # -- LocalService ----------------------------------------------------------------------------
    def prepare(self) -> None:
        """Install, write server.properties and format the KRaft storage on the first start."""
        self.install()
        self._write_config()
        if not (self.data_dir / "meta.properties").exists():
            run_logged(
                [java_tool("java", "install a Java 17+ runtime"), "-cp", f"{self.libs}/*", "kafka.tools.StorageTool",
                 "format", "--ignore-formatted", f"--cluster-id={_cluster_id()}", "-c", str(self.config_file)],
                "formatting Kafka KRaft storage", self.home / "format.log",
            )

    def command(self) -> list[str]:
        heap = self.settings.kafka_heap
        return [
            java_tool("java", "install a Java 17+ runtime to run the Kafka broker"), f"-Xmx{heap}", f"-Xms{heap}",
            "-XX:+UseG1GC", "-Djava.awt.headless=true", f"-Dlog4j2.configurationFile={_LOG4J2}",
            f"-Dkafka.logs.dir={self.home / 'logs'}", "-cp", f"{self.libs}/*", _MAIN_CLASS, str(self.config_file),
        ]

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


def _cluster_id() -> str:
    """A KRaft cluster id: 16 random bytes, URL-safe base64 without padding (22 chars).

    It may start with '-', hence ``--cluster-id=<id>`` (a separate argument would parse as an option).
    """
    import base64

    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")

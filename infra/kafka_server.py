"""A real single-node Apache Kafka (KRaft) broker for local runs and tests: install, up, down, status.

The broker's jars are resolved by Maven from ``infra/kafka/pom.xml`` into
``<cache>/kafka-<version>/libs``; data, logs, the generated ``server.properties`` and the PID file
live under ``<home>/kafka``. Listeners bind to 127.0.0.1 only.

Two settings shape the broker beyond the ports:

- ``kafka_max_message_bytes`` (default 16 MiB) is the largest message value it accepts
  (``message.max.bytes``, with 64 KiB of headroom for the batch's key, headers and framing), so an
  oversized turn reaches the pipeline and is dead-lettered there with its size, instead of being
  refused at the producer where nobody looks.
- ``kafka_local_sasl`` makes the client listener ``SASL_PLAINTEXT`` with the PLAIN mechanism and
  one user, ``kafka_sasl_username`` / ``kafka_sasl_password``. The password is written only into
  ``server.properties`` (mode 0600); the broker logs its configuration with the JAAS entry
  ``[hidden]``. PLAIN sends the password in clear over the socket: fine on 127.0.0.1, use
  SASL_SSL (or SCRAM over TLS) for anything that leaves the machine.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

from infra.local_service import LocalService, java_tool
from infra.processes import free_ports
from infra.tooling import install_lock, require_tool, run_logged
from schemas.errors import ConfigurationError, InfraError
from schemas.settings import Settings

__all__ = ["KafkaServer", "BATCH_HEADROOM_BYTES"]

#: Room above ``kafka_max_message_bytes`` for a batch's framing, key and headers (one big value
#: travels alone in its batch).
BATCH_HEADROOM_BYTES = 64 * 1024

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
        client = "SASL_PLAINTEXT" if s.kafka_local_sasl else "PLAINTEXT"
        max_bytes = str(s.kafka_max_message_bytes + BATCH_HEADROOM_BYTES)
        props = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@127.0.0.1:{s.kafka_controller_port}",
            "listeners": f"{client}://127.0.0.1:{s.kafka_port},CONTROLLER://127.0.0.1:{s.kafka_controller_port}",
            "advertised.listeners": f"{client}://127.0.0.1:{s.kafka_port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": client,
            "listener.security.protocol.map": f"{client}:{client},CONTROLLER:PLAINTEXT",
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
            # Large turns (docs/reliability.md): the broker accepts them, the pipeline dead-letters them.
            "message.max.bytes": max_bytes,
            "replica.fetch.max.bytes": max_bytes,
        }
        if s.kafka_local_sasl:
            props.update(self._sasl_props())
        self.config_file.write_text("")
        self.config_file.chmod(0o600)  # it may hold the SASL password: readable by its owner only
        self.config_file.write_text("".join(f"{k}={v}\n" for k, v in props.items()))

    def _sasl_props(self) -> dict[str, str]:
        """SASL/PLAIN on the client listener with one user from the settings (never logged)."""
        s = self.settings
        if not s.kafka_sasl_username or s.kafka_sasl_password is None or not s.kafka_sasl_password.get_secret_value():
            raise ConfigurationError(
                "RM_KAFKA_LOCAL_SASL=true needs RM_KAFKA_SASL_USERNAME and RM_KAFKA_SASL_PASSWORD (the broker's one user)"
            )
        if s.kafka_security_protocol != "SASL_PLAINTEXT" or s.kafka_sasl_mechanism != "PLAIN":
            raise ConfigurationError(
                "RM_KAFKA_LOCAL_SASL=true: set RM_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT and RM_KAFKA_SASL_MECHANISM=PLAIN "
                f"so the clients can log in (now {s.kafka_security_protocol} / {s.kafka_sasl_mechanism})"
            )
        if not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", s.kafka_sasl_username):
            raise ConfigurationError(
                "RM_KAFKA_SASL_USERNAME for the local broker: 1-64 characters of letters, digits, '.', '_' and '-'"
            )
        user = _jaas_quote(s.kafka_sasl_username)
        password = _jaas_quote(s.kafka_sasl_password.get_secret_value())
        jaas = (
            "org.apache.kafka.common.security.plain.PlainLoginModule required "
            f"username={user} password={password} user_{s.kafka_sasl_username}={password};"
        )
        return {
            "sasl.enabled.mechanisms": "PLAIN",
            "sasl.mechanism.inter.broker.protocol": "PLAIN",
            "listener.name.sasl_plaintext.sasl.enabled.mechanisms": "PLAIN",
            "listener.name.sasl_plaintext.plain.sasl.jaas.config": _properties_escape(jaas),
        }


@contextlib.contextmanager
def throwaway_broker(home: Path, **overrides: object) -> Iterator[Settings]:
    """A broker of its own on free 127.0.0.1 ports under ``home``, stopped by its PID on exit.

    For tests and benchmarks: it never meets the demo's broker. ``overrides`` are further settings
    (``cache_dir``, SASL, topic names ...). Raises InfraError if it does not stop.
    """
    port, controller = free_ports(2)
    settings = Settings(home=home, kafka_port=port, kafka_controller_port=controller, **overrides)
    server = KafkaServer(settings)
    server.up()
    try:
        yield settings
    finally:
        if not server.down():
            raise InfraError(f"the broker under {home} did not stop (pid file {server.pid_file})")


def _jaas_quote(value: str) -> str:
    """A JAAS option value in double quotes (backslash and quote escaped)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _properties_escape(value: str) -> str:
    """A value for a Java .properties line: backslashes doubled, no line breaks."""
    if "\n" in value or "\r" in value:
        raise ConfigurationError("the SASL user name and password must not contain line breaks")
    return value.replace("\\", "\\\\")


def _cluster_id() -> str:
    """A KRaft cluster id: 16 random bytes, URL-safe base64 without padding (22 chars).

    It may start with '-', hence ``--cluster-id=<id>`` (a separate argument would parse as an option).
    """
    import base64

    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")

"""Beam's Java expansion service (+ in-JVM Java worker pool) for the cross-language Kafka read.

``apache_beam.io.kafka.ReadFromKafka`` is a Java transform: the Python SDK asks a Java *expansion
service* to build it, and the runner needs Java SDK workers to run it. Locally both come from one
JVM that we start ourselves (``infra/beam_java/LocalExpansionServer.java``): it binds 127.0.0.1 only,
serves the expansion API, and with ``--alsoStartLoopbackWorker`` also serves a Java worker pool, so
expanded transforms carry an EXTERNAL environment pointing back at the same port and Prism runs the
Java workers inside that JVM (no Docker). See docs/decisions/kafka-read-xlang.md.

Layout (as ``infra/kafka_server.py``):
- ``<cache>/beam-java-<version>/libs``     jars resolved by mvn from ``infra/beam_java/pom.xml``
- ``<cache>/beam-java-<version>/classes``  LocalExpansionServer compiled with javac
- ``<home>/expansion/``                    PID file and log of the running service
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from infra.local_service import LocalService, java_tool
from infra.tooling import install_lock, require_tool, run_logged
from schemas.errors import InfraError
from schemas.settings import Settings

__all__ = ["ExpansionService"]

_HERE = Path(__file__).resolve().parent / "beam_java"
_POM = _HERE / "pom.xml"
_SOURCE = _HERE / "LocalExpansionServer.java"
_MAIN_CLASS = "LocalExpansionServer"
_JAMM_GLOB = "jamm-*.jar"


# The Java SDK harness reflects into JDK internals (jamm object sizing, direct buffers) on Java 17+.
_ADD_OPENS = [
    "java.base/java.lang", "java.base/java.util", "java.base/java.nio", "java.base/sun.nio.ch",
    "java.base/java.lang.invoke", "java.base/java.util.concurrent",
]


class ExpansionService(LocalService):
    """Lifecycle of the local Beam Java expansion service + Java worker pool.

    Port and heap come from ``settings.expansion_port`` / ``settings.expansion_heap``; the Java
    artifacts' version is ``settings.beam_version`` (must equal the installed apache-beam).
    """

    name = "beam expansion service"
    file_stem = "expansion"
    cmdline_marker = _MAIN_CLASS
    ready_mark = b"READY expansion service on "
    port_settings = "RM_EXPANSION_PORT"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings.home.resolve() / "expansion", settings.expansion_port)
        self.settings = settings
        self.heap = settings.expansion_heap
        self.version = settings.beam_version
        self.root = settings.cache_dir.resolve() / f"beam-java-{self.version}"
        self.libs = self.root / "libs"
        self.classes = self.root / "classes"

    # -- install ---------------------------------------------------------------------------------
    def install(self) -> Path:
        """Resolve the jars with mvn and compile LocalExpansionServer (once; cached). Returns the cache root."""
        if self._jars_ready() and self._classes_ready():
            return self.root
        with install_lock(self.root):
            if not self._jars_ready():
                self._fetch_jars()
            if not self._classes_ready():
                self._compile()
        return self.root

    def _jars_ready(self) -> bool:
        return (self.libs / ".complete").exists()

    def _source_digest(self) -> str:
        return hashlib.sha256(_SOURCE.read_bytes()).hexdigest()

    def _classes_ready(self) -> bool:
        marker = self.classes / ".complete"
        return marker.exists() and marker.read_text().strip() == self._source_digest()

    def _fetch_jars(self) -> None:
        mvn = require_tool("mvn", "install Maven (Debian package 'maven') to fetch the Beam Java jars")
        staging = self.libs.with_name("libs.partial")
        shutil.rmtree(staging, ignore_errors=True)
        run_logged(
            [mvn, "-B", "-q", "-f", str(_POM), f"-Dbeam.version={self.version}",
             "dependency:copy-dependencies", "-DincludeScope=runtime", f"-DoutputDirectory={staging}"],
            f"fetching Beam Java {self.version} expansion service + KafkaIO jars with mvn",
            self.root / "mvn.log",
        )
        for needed in (f"beam-sdks-java-expansion-service-{self.version}.jar", f"beam-sdks-java-io-kafka-{self.version}.jar",
                       f"beam-sdks-java-harness-{self.version}.jar"):
            if not (staging / needed).exists():
                raise InfraError(f"mvn finished but {needed} is not in {staging}")
        if not any(staging.glob(_JAMM_GLOB)):
            raise InfraError(f"mvn finished but no jamm jar (Java agent of the SDK harness) is in {staging}")
        shutil.rmtree(self.libs, ignore_errors=True)
        staging.rename(self.libs)
        (self.libs / ".complete").write_text(self.version + "\n")

    def _compile(self) -> None:
        javac = java_tool("javac", "install a Java 17+ JDK (javac) to compile the local expansion server")
        staging = self.classes.with_name("classes.partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        run_logged(
            [javac, "-nowarn", "-encoding", "UTF-8", "-cp", f"{self.libs}/*", "-d", str(staging), str(_SOURCE)],
            "compiling LocalExpansionServer with javac",
            self.root / "javac.log",
        )
        if not (staging / f"{_MAIN_CLASS}.class").exists():
            raise InfraError(f"javac finished but {_MAIN_CLASS}.class is not in {staging}")
        shutil.rmtree(self.classes, ignore_errors=True)
        staging.rename(self.classes)
        (self.classes / ".complete").write_text(self._source_digest() + "\n")

    # -- LocalService ----------------------------------------------------------------------------
    def prepare(self) -> None:
        self.install()

    def command(self) -> list[str]:
        """The java command line (public for the decision notes and for debugging)."""
        java = java_tool("java", "install a Java 17+ runtime to run the Beam expansion service")
        jamm = sorted(self.libs.glob(_JAMM_GLOB))
        if not jamm:
            raise InfraError(f"no jamm jar in {self.libs}; delete {self.root} and install again")
        return [
            java, f"-Xmx{self.heap}", "-XX:+UseG1GC", "-Djava.awt.headless=true",
            "-Djava.net.preferIPv4Stack=true",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.showDateTime=true",
            f"-javaagent:{jamm[0]}",
            *[f"--add-opens={m}=ALL-UNNAMED" for m in _ADD_OPENS],
            "-cp", f"{self.classes}:{self.libs}/*",
            _MAIN_CLASS, str(self.port),
            "--alsoStartLoopbackWorker",
        ]

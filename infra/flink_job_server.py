"""Beam's Flink job server jar, fetched with ``mvn`` into the project cache on first use.

``refusal-monitor run --runner flink`` runs the unchanged pipeline through Beam's portable Flink
runner: the Python SDK starts the job server (``java -jar beam-runners-flink-<flink>-job-server-<beam>.jar``)
as its own child process on free ports bound to localhost, submits the pipeline to it, and stops it
when the job ends. With ``--flink_master=[local]`` the job server runs an embedded Flink cluster in
that JVM; with ``host:port`` it submits to a real cluster's REST endpoint. This module only provides
the jar (``pipelines.streaming.beam_options`` adds the JVM flags Java 17 needs); see
docs/deploy.md and docs/decisions/flink-runner.md.

Layout (as ``infra/expansion_service.py``):
- ``<cache>/beam-flink-<flink>-job-server-<beam>/beam-runners-flink-<flink>-job-server-<beam>.jar``
  resolved by mvn from ``infra/flink/pom.xml`` (one shaded jar, ~200 MB)
- ``RM_FLINK_JOB_SERVER_JAR`` overrides it with a jar you provide (e.g. one built from Beam's
  source with ``./gradlew :runners:flink:1.19:job-server:shadowJar``).

Where the Maven repository does not serve the artifact (the case on this project's machines for
2.73.0, see the decision note) ``ensure_flink_job_server`` raises ``FlinkJobServerUnavailable``
saying so and what to do; it never falls back to Beam's own download from the internet.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from infra.tooling import install_lock, progress, require_tool, run_logged
from schemas.errors import InfraError
from schemas.settings import Settings

__all__ = ["FlinkJobServerUnavailable", "ensure_flink_job_server", "with_flink_job_server", "job_server_jar_name"]

_POM = Path(__file__).resolve().parent / "flink" / "pom.xml"

class FlinkJobServerUnavailable(InfraError):
    """Beam's Flink job-server jar is not served by the Maven repository mvn reaches, and none was given."""


def job_server_jar_name(settings: Settings) -> str:
    """``beam-runners-flink-<flink>-job-server-<beam>.jar``."""
    return f"beam-runners-flink-{settings.flink_version}-job-server-{settings.beam_version}.jar"


def ensure_flink_job_server(settings: Settings) -> Path:
    """Path of the job-server jar for ``settings.flink_version`` / ``settings.beam_version``.

    ``RM_FLINK_JOB_SERVER_JAR`` if set (it must exist); else the cached jar, fetched once with mvn.
    """
    if settings.flink_job_server_jar is not None:
        jar = settings.flink_job_server_jar.expanduser().resolve()
        if not jar.is_file():
            raise InfraError(f"RM_FLINK_JOB_SERVER_JAR={settings.flink_job_server_jar} is not a file")
        return jar
    root = settings.cache_dir.resolve() / f"beam-flink-{settings.flink_version}-job-server-{settings.beam_version}"
    jar = root / job_server_jar_name(settings)
    if jar.is_file():
        return jar
    with install_lock(root):
        if jar.is_file():  # another process fetched it while we waited
            return jar
        _fetch(settings, root)
    return jar


def with_flink_job_server(settings: Settings) -> Settings:
    """``settings`` with ``flink_job_server_jar`` resolved (what ``pipelines.streaming.beam_options`` needs)."""
    return settings.model_copy(update={"flink_job_server_jar": ensure_flink_job_server(settings)})


def _fetch(settings: Settings, root: Path) -> None:
    mvn = require_tool("mvn", "install Maven (Debian package 'maven') to fetch Beam's Flink job server")
    staging = root / "jar.partial"
    shutil.rmtree(staging, ignore_errors=True)
    artifact = f"org.apache.beam:beam-runners-flink-{settings.flink_version}-job-server:{settings.beam_version}"
    progress(f"first use of the Flink runner: fetching {artifact} (~200 MB) with mvn")
    try:
        # -U: ask the repository again instead of trusting a cached "not found" from an earlier try.
        run_logged(
            [mvn, "-B", "-q", "-U", "-f", str(_POM), f"-Dbeam.version={settings.beam_version}",
             f"-Dflink.version={settings.flink_version}", "dependency:copy-dependencies", "-DexcludeTransitive=true",
             f"-DoutputDirectory={staging}"],
            f"fetching {artifact} with mvn",
            root / "mvn.log",
        )
    except InfraError as exc:
        log = (root / "mvn.log").read_text(errors="replace") if (root / "mvn.log").exists() else ""
        if "Could not find artifact" in log or "was not found in" in log:
            raise FlinkJobServerUnavailable(
                f"{artifact} is not served by the Maven repository mvn is configured for (see {root / 'mvn.log'}). "
                "Use a repository or mirror that holds it (~/.m2/settings.xml), or build it from Beam's source "
                f"(./gradlew :runners:flink:{settings.flink_version}:job-server:shadowJar) and set "
                "RM_FLINK_JOB_SERVER_JAR to the jar; docs/decisions/flink-runner.md"
            ) from exc
        raise
    fetched = staging / job_server_jar_name(settings)
    if not fetched.is_file():
        raise InfraError(f"mvn finished but {fetched.name} is not in {staging}")
    fetched.rename(root / fetched.name)
    shutil.rmtree(staging, ignore_errors=True)

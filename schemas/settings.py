"""The one settings object, read by the CLI, the pipelines and the dashboard alike.

Every field is read from an environment variable named ``RM_<FIELD>`` (for example
``RM_KAFKA_BOOTSTRAP``) or from a ``.env`` file in the working directory; CLI flags override
individual fields through ``Settings.model_copy(update=...)``. Defaults run the local demo.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from schemas.alerts import AlertSettings
from schemas.quality import QualityThresholds

__all__ = ["Settings", "load_settings"]


class Settings(BaseSettings):
    """Configuration of Refusal Monitor (environment prefix ``RM_``)."""

    model_config = SettingsConfigDict(
        env_prefix="RM_", env_file=".env", extra="ignore", frozen=True, env_nested_delimiter="__"
    )

    # --- where things live -------------------------------------------------------------------
    home: Path = Field(
        default=Path("var"),
        description="RM_HOME: project-local folder for the broker's data and logs, PID files and the store.",
    )
    cache_dir: Path = Field(
        default=Path(".cache"),
        description="RM_CACHE_DIR: downloaded jars and built tools (Kafka, Prism); kept between runs.",
    )

    # --- Kafka -------------------------------------------------------------------------------
    kafka_port: int = Field(default=29092, ge=1, le=65535, description="RM_KAFKA_PORT: local broker's client port.")
    kafka_controller_port: int = Field(
        default=29093, ge=1, le=65535, description="RM_KAFKA_CONTROLLER_PORT: local broker's KRaft controller port."
    )
    kafka_bootstrap: str | None = Field(
        default=None,
        description="RM_KAFKA_BOOTSTRAP: bootstrap servers; default is the local broker on 127.0.0.1:RM_KAFKA_PORT.",
    )
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_local_sasl: bool = Field(
        default=False,
        description="RM_KAFKA_LOCAL_SASL: the local broker's client listener requires SASL/PLAIN (SASL_PLAINTEXT) with "
        "RM_KAFKA_SASL_USERNAME / RM_KAFKA_SASL_PASSWORD as its one user; set RM_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT "
        "and RM_KAFKA_SASL_MECHANISM=PLAIN so the clients log in (docs/reliability.md).",
    )
    kafka_max_message_bytes: int = Field(
        default=16 * 1024 * 1024, ge=1_048_576, le=256 * 1024 * 1024,
        description="RM_KAFKA_MAX_MESSAGE_BYTES: largest message value the local broker, the topics Refusal Monitor creates "
        "and its producers accept (default 16 MiB; a turn's texts are capped far lower, so a bigger message is a "
        "logging bug that the pipeline dead-letters, not a reason to fail the producer).",
    )
    kafka_version: str = Field(default="4.1.1", description="RM_KAFKA_VERSION: broker version fetched with mvn.")
    kafka_heap: str = Field(default="512m", description="RM_KAFKA_HEAP: broker JVM heap (-Xmx).")
    topic_turns: str = Field(default="chat-turns", description="RM_TOPIC_TURNS: logged chat turns (input).")
    topic_dead_letter: str = Field(default="chat-turns-dlq", description="RM_TOPIC_DEAD_LETTER: rejected records.")
    topic_alerts: str = Field(default="refusal-alerts", description="RM_TOPIC_ALERTS: alerts for other systems.")
    turns_partitions: int = Field(default=3, ge=1, le=1024, description="RM_TURNS_PARTITIONS: partitions of the turns topic.")
    consumer_group: str = Field(default="refusal-monitor", description="RM_CONSUMER_GROUP: Kafka consumer group id.")

    # --- streaming ---------------------------------------------------------------------------
    window_seconds: int = Field(default=300, ge=1, description="RM_WINDOW_SECONDS: fixed event-time window size.")
    allowed_lateness_seconds: int = Field(
        default=3600, ge=0, description="RM_ALLOWED_LATENESS_SECONDS: late turns within this are still counted."
    )
    early_firing_seconds: int = Field(
        default=15, ge=1, description="RM_EARLY_FIRING_SECONDS: processing-time delay between early results of an open window."
    )
    read_from: Literal["earliest", "latest"] = Field(
        default="earliest", description="RM_READ_FROM: where a new consumer group starts in the turns topic."
    )
    stop_after_idle_seconds: float | None = Field(
        default=None,
        description="RM_STOP_AFTER_IDLE_SECONDS: end the streaming run after this long without new records (tests); None runs forever.",
    )
    kafka_read_path: Literal["python", "xlang"] = Field(
        default="python",
        description="RM_KAFKA_READ_PATH: python = splittable DoFn over a Kafka client; xlang = Beam Java KafkaIO via ReadFromKafka.",
    )
    expansion_port: int = Field(
        default=28097, ge=1, le=65535,
        description="RM_EXPANSION_PORT: local Beam Java expansion service (and Java worker pool) for the xlang read path.",
    )
    expansion_heap: str = Field(default="1g", description="RM_EXPANSION_HEAP: its JVM heap (-Xmx), shared by the Java workers.")
    accepted_model_versions: list[str] | None = Field(
        default=None,
        description="RM_ACCEPTED_MODEL_VERSIONS (JSON list): if set, turns of any other model version are dead-lettered "
        "with the reason; None accepts every version (a new one is what an upgrade looks like).",
    )
    accepted_features: list[str] | None = Field(
        default=None,
        description="RM_ACCEPTED_FEATURES (JSON list): if set, turns of any other feature are dead-lettered with the reason.",
    )
    partition_check_seconds: float = Field(
        default=30.0, gt=0,
        description="RM_PARTITION_CHECK_SECONDS: how often the live read checks whether the turns topic gained partitions (then the job restarts to read them).",
    )
    samples_per_window: int = Field(
        default=5, ge=0, le=100,
        description="RM_SAMPLES_PER_WINDOW: review samples kept per window and key, for each of over-refusal suspects and other refusals.",
    )
    store_raw_text: bool = Field(
        default=False,
        description="RM_STORE_RAW_TEXT: keep sampled prompts and responses unredacted (default: e-mails, phones, cards, IPs and secrets are masked).",
    )
    runner: Literal["prism", "direct", "flink", "dataflow"] = Field(
        default="prism",
        description="RM_RUNNER: Beam runner for `run`: prism (local), direct, flink (Beam's portable Flink runner, "
                    "docs/deploy.md) or dataflow (options after `--` are passed through).",
    )
    beam_version: str = Field(default="2.73.0", description="RM_BEAM_VERSION: must equal the installed apache-beam.")

    # --- Flink (RM_RUNNER=flink; docs/deploy.md, docs/decisions/flink-runner.md) ---------------
    flink_version: Literal["1.17", "1.18", "1.19", "1.20"] = Field(
        default="1.19",
        description="RM_FLINK_VERSION: Flink line of Beam's job server (beam-runners-flink-<version>-job-server); must match the cluster's.",
    )
    flink_master: str = Field(
        default="[local]",
        description="RM_FLINK_MASTER: '[local]' starts an embedded Flink cluster in the job server; host:port is a cluster's REST endpoint.",
    )
    flink_parallelism: int = Field(
        default=2, ge=1, le=1024,
        description="RM_FLINK_PARALLELISM: Flink parallelism of every operator (at most the turns topic's partitions is useful for the read).",
    )
    flink_checkpointing_interval_ms: int = Field(
        default=10_000, ge=0,
        description="RM_FLINK_CHECKPOINTING_INTERVAL_MS: how often Flink checkpoints the job's state (read offsets, windows); 0 disables.",
    )
    flink_checkpoint_dir: Path | None = Field(
        default=None,
        description="RM_FLINK_CHECKPOINT_DIR: where checkpoints are kept (retained on cancel, to restart from); default RM_HOME/flink-checkpoints.",
    )
    flink_job_server_jar: Path | None = Field(
        default=None,
        description="RM_FLINK_JOB_SERVER_JAR: a Beam Flink job-server jar to use instead of fetching it with mvn into RM_CACHE_DIR.",
    )

    # --- store and dashboard -----------------------------------------------------------------
    store_path: Path | None = Field(
        default=None, description="RM_STORE_PATH: the DuckDB file the pipeline writes; default RM_HOME/refusal_monitor.duckdb."
    )
    publish_every_seconds: float = Field(
        default=5.0, gt=0, description="RM_PUBLISH_EVERY_SECONDS: how often the writer publishes a read snapshot."
    )
    store_memory_limit_mb: int = Field(
        default=128, ge=16,
        description="RM_STORE_MEMORY_LIMIT_MB: DuckDB memory limit of each store writer (bigger work spills to disk); "
        "without it DuckDB keeps freed memory up to 80% of RAM and the pipeline's RSS creeps up (docs/performance.md).",
    )
    dashboard_host: str = Field(default="127.0.0.1", description="RM_DASHBOARD_HOST: bind address of the dashboard.")
    dashboard_port: int = Field(default=8501, ge=1, le=65535, description="RM_DASHBOARD_PORT: dashboard port.")

    # --- data quality (refusal-monitor check; docs/quality.md) ----------------------------------
    quality: QualityThresholds = Field(
        default_factory=QualityThresholds,
        description="RM_QUALITY__<FIELD>: bounds of the data-quality expectations, e.g. RM_QUALITY__PARSE_FAILURE_SHARE_MAX=0.1.",
    )
    quality_model_versions: list[str] | None = Field(
        default=None, description="RM_QUALITY_MODEL_VERSIONS (JSON list): allowed model versions; None learns them from the store."
    )
    quality_features: list[str] | None = Field(
        default=None, description="RM_QUALITY_FEATURES (JSON list): allowed features; None learns them from the store."
    )
    quality_every_seconds: float = Field(
        default=300.0, gt=0, description="RM_QUALITY_EVERY_SECONDS: interval of the continuous check (demo, check --every)."
    )
    quality_store_path: Path | None = Field(
        default=None, description="RM_QUALITY_STORE_PATH: the checker's own DuckDB file; default RM_HOME/quality.duckdb."
    )

    # --- alert engine (refusal-monitor alerts; docs/alerts.md) ---------------------------------
    alerts: AlertSettings = Field(
        default_factory=AlertSettings,
        description="RM_ALERTS__<FIELD>: alert engine thresholds and sinks, e.g. RM_ALERTS__WEBHOOK_URL=https://hooks.slack.com/...",
    )
    alerts_store_path: Path | None = Field(
        default=None, description="RM_ALERTS_STORE_PATH: the alert engine's own DuckDB file; default RM_HOME/alerts.duckdb."
    )

    # --- review labels and weekly reports (the dashboard; docs/dashboard.md) --------------------------
    reviews_store_path: Path | None = Field(
        default=None, description="RM_REVIEWS_STORE_PATH: reviewers' labels of sampled turns (DuckDB); default RM_HOME/reviews.duckdb."
    )
    reports_dir: Path | None = Field(
        default=None, description="RM_REPORTS_DIR: where `refusal-monitor report` writes; default RM_HOME/reports."
    )

    @model_validator(mode="after")
    def _ports_differ(self) -> "Settings":
        if self.kafka_port == self.kafka_controller_port:
            raise ValueError("RM_KAFKA_PORT and RM_KAFKA_CONTROLLER_PORT must differ")
        return self

    @property
    def bootstrap_servers(self) -> str:
        """Bootstrap string for clients: explicit setting, else the local broker."""
        return self.kafka_bootstrap or f"127.0.0.1:{self.kafka_port}"

    @property
    def store_file(self) -> Path:
        """The DuckDB file the pipeline writes."""
        return self.store_path or self.home / "refusal_monitor.duckdb"

    @property
    def snapshot_file(self) -> Path:
        """The read-only snapshot the writer publishes for `sql` and the dashboard."""
        return self.store_file.with_name(self.store_file.stem + ".snapshot.duckdb")

    def kafka_client_config(self) -> dict[str, str]:
        """librdkafka / Java client properties for connecting (secrets revealed only here)."""
        conf = {"bootstrap.servers": self.bootstrap_servers, "security.protocol": self.kafka_security_protocol}
        if self.kafka_sasl_mechanism:
            conf["sasl.mechanism"] = self.kafka_sasl_mechanism
            conf["sasl.username"] = self.kafka_sasl_username or ""
            conf["sasl.password"] = self.kafka_sasl_password.get_secret_value() if self.kafka_sasl_password else ""
        return conf


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit (e.g. CLI) overrides that are not None."""
    base = Settings()
    clean = {k: v for k, v in overrides.items() if v is not None}
    if not clean:
        return base
    return Settings.model_validate({**base.model_dump(), **clean})

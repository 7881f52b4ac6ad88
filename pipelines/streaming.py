"""The unbounded job: Kafka turns -> validated -> classified -> windowed counts -> DuckDB.

    records, too_late, progress = ReadTurns   (kafka_source: one restriction per partition, too-late
                                             turns apart (pipelines/lateness.py); kafka_source_xlang;
                                             or files_source for a backfill from JSON Lines)
    progress -> source_progress                (offsets read, for the conservation check)
    turns, dead_letters = ParseTurns           (parse: pydantic validation, reason per bad record)
    too_late -> ParseTooLateTurns -> too_late_turns   (counted per key, never dropped silently)
    dead_letters -> dead_letters table + dead-letter topic
    turns -> ClassifyTurns -> AggregateWindows -> refusal_windows, cue_windows, review_samples
                                               (a turn id counted once per window; copies in n_duplicate_turns)

``run`` only wires source, named transforms and sinks from plain values of ``Settings``; each
transform is unit-tested on its own with ``beam.Create`` / ``TestStream``. The live job
(``refusal-monitor run``) and a backfill (``refusal-monitor backfill``: a bounded range of the
topic, or files) are this same pipeline with a different ``RunMode``.

Restart after a crash: the read starts again at the earliest retained offset (``RM_READ_FROM``)
and the lateness rule depends only on each partition's order, so the re-read recomputes every
window exactly; the store's merge rule keeps the complete rows landed before the crash until the
re-read's panes have caught up with them (docs/streaming.md).
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime, timezone
from dataclasses import dataclass, field
from pathlib import Path

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

from pipelines.aggregate import AggregateWindows
from pipelines.classify import ClassifyTurns
from pipelines.kafka_source import PARTITIONS_CHANGED, ReadBounds, ReadFromKafkaPartitions
from pipelines.landing import LandRows, PublishDeadLetters
from pipelines.parse import ParseTooLateTurns, ParseTurns
from pipelines.store import close_all_writers
from schemas import ConfigurationError, Settings, SourceProgress

__all__ = ["RunMode", "read_turns", "build_pipeline", "beam_options", "run", "to_source_progress"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunMode:
    """What the run reads and how long: forever (default), to the topic's current end, until idle,
    a bounded range of the topic (``bounds``), or JSON Lines ``files`` instead of the topic."""

    stop_at_end: bool = False
    idle_stop_s: float | None = None
    bounds: ReadBounds = field(default_factory=ReadBounds)
    files: tuple[Path, ...] = ()
    publish_dead_letters: bool = True  # a backfill keeps them in the store only: the live run already published them


def read_turns(settings: Settings, mode: RunMode) -> beam.PTransform:
    """The configured read: files (backfill), the Python Kafka read (default) or Beam Java KafkaIO."""
    if mode.files:
        from pipelines.files_source import ReadJsonLinesFiles

        return ReadJsonLinesFiles(list(mode.files), source_lateness_seconds(settings))
    consumer = {**settings.kafka_client_config(), "group.id": settings.consumer_group}
    if settings.kafka_read_path == "xlang":
        from pipelines.kafka_source_xlang import ReadFromKafkaJava

        if mode.idle_stop_s is not None or mode.bounds != ReadBounds():
            raise ConfigurationError("the xlang read path cannot stop when idle or read a range; use the python read path")
        return _NoTooLateOutput(ReadFromKafkaJava(
            consumer, settings.topic_turns, f"127.0.0.1:{settings.expansion_port}",
            read_from=settings.read_from, stop_at_end=mode.stop_at_end,
        ))
    return ReadFromKafkaPartitions(
        consumer, settings.topic_turns, read_from=settings.read_from,
        stop_at_end=mode.stop_at_end, idle_stop_s=mode.idle_stop_s,
        allowed_lateness_s=source_lateness_seconds(settings), bounds=mode.bounds,
        partition_check_s=settings.partition_check_seconds,
    )


class _NoTooLateOutput(beam.PTransform):
    """Gives the Java read the Python read's shape. KafkaIO keeps its own watermark, and Beam's
    allowed lateness on the windows decides there; turns later than that are not counted yet."""

    def __init__(self, read: beam.PTransform) -> None:
        super().__init__()
        self._read = read

    def expand(self, pbegin):
        records = pbegin | "Read" >> self._read
        none = pbegin | "NoTooLate" >> beam.Create([])
        no_progress = pbegin | "NoProgress" >> beam.Create([])
        return {"records": records, "too_late": none, "progress": no_progress}


def source_lateness_seconds(settings: Settings) -> float:
    """The lateness the Python read judges by and holds its watermark back by.

    Prism (2.73) fires no pane at all for a processing-time trigger on windows with an allowed
    lateness (docs/decisions/kafka-read.md), so on the Python read path lateness is implemented at
    the source instead: the watermark trails by ``allowed_lateness_seconds`` and the windows get
    zero Beam lateness. A turn within the allowance is on time; an older one is behind the
    watermark and too late, exactly as with Beam's allowed lateness. The Java KafkaIO path keeps
    its own watermark and uses Beam's allowed lateness (what Flink and Dataflow run).
    """
    return float(max(settings.allowed_lateness_seconds, 1))


def window_lateness_seconds(settings: Settings) -> int:
    """Beam allowed lateness of the windows: zero where the source holds back instead."""
    return settings.allowed_lateness_seconds if settings.kafka_read_path == "xlang" else 0


def build_pipeline(p: beam.Pipeline, settings: Settings, mode: RunMode) -> None:
    """Attach the whole job to ``p``."""
    kafka = settings.kafka_client_config()
    store, snapshot, every = settings.store_file.resolve(), settings.snapshot_file.resolve(), settings.publish_every_seconds
    mem = settings.store_memory_limit_mb

    read = p | "ReadTurns" >> read_turns(settings, mode)
    _ = (
        read["progress"]
        | "ToSourceProgress" >> beam.MapTuple(to_source_progress)
        | "LandSourceProgress" >> LandRows("source_progress", store, snapshot, every, mem)
    )
    # The Python and files reads stamp records with the event time they judged lateness by.
    parsed = read["records"] | "ParseTurns" >> ParseTurns(
        check_stamp=bool(mode.files) or settings.kafka_read_path == "python",
        accepted_model_versions=settings.accepted_model_versions, accepted_features=settings.accepted_features,
    )
    late = read["too_late"] | "ParseTooLateTurns" >> ParseTooLateTurns()
    dead_letters = (parsed["dead_letters"], late["dead_letters"]) | "AllDeadLetters" >> beam.Flatten()
    _ = dead_letters | "LandDeadLetters" >> LandRows("dead_letters", store, snapshot, every, mem)
    if mode.publish_dead_letters:
        _ = dead_letters | "PublishDeadLetters" >> PublishDeadLetters(kafka, settings.topic_dead_letter)
    _ = late["too_late"] | "LandTooLateTurns" >> LandRows("too_late_turns", store, snapshot, every, mem)
    aggregates = (
        parsed["turns"]
        | "ClassifyTurns" >> ClassifyTurns(settings.store_raw_text)
        | "AggregateWindows" >> AggregateWindows(
            settings.window_seconds, window_lateness_seconds(settings), settings.early_firing_seconds,
            settings.samples_per_window,
        )
    )
    _ = aggregates["windows"] | "LandAggregates" >> LandRows("refusal_windows", store, snapshot, every, mem)
    _ = aggregates["cues"] | "LandCueAggregates" >> LandRows("cue_windows", store, snapshot, every, mem)
    _ = aggregates["samples"] | "LandReviewSamples" >> LandRows("review_samples", store, snapshot, every, mem)


def to_source_progress(topic: str, partition: int, start: int, next_offset: int) -> SourceProgress:
    """The landed row for one poll's progress report."""
    return SourceProgress(
        source_topic=topic, source_partition=partition, start_offset=start, next_offset=next_offset,
        updated_at=datetime.now(timezone.utc),
    )


#: The deadline of the job's state and message streams (ten years: a streaming job has no end).
JOB_STREAM_DEADLINE_S = 10 * 365 * 86_400


def beam_options(settings: Settings, prism_path: str | None, extra_args: list[str] | None = None) -> PipelineOptions:
    """Runner options: Prism (portable, streaming, Python workers in this process), Flink (Beam's
    portable Flink runner, Python workers in this process), Dataflow or the DirectRunner.
    ``extra_args`` come last, so they override any option set here (docs/deploy.md)."""
    args = ["--streaming"]
    if settings.runner in ("prism", "flink"):
        # Beam opens the job's state and message streams with job_server_timeout as their gRPC
        # deadline (default 300 s): a streaming job would end with DEADLINE_EXCEEDED after five
        # minutes. The job runs until stopped, so the deadline is set beyond any run.
        args.append(f"--job_server_timeout={JOB_STREAM_DEADLINE_S}")
    if settings.runner == "prism":
        # Our own job server, not the process-wide Prism singleton: an earlier pipeline in the same
        # process (e.g. a DirectRunner that tried Prism) may have created it with another binary.
        args += ["--runner=PrismRunner", "--environment_type=LOOPBACK", "--prism_log_level=warn",
                 "--experiments=disable_prism_server_singleton"]
        if prism_path:
            args.append(f"--prism_location={prism_path}")
    elif settings.runner == "flink":
        if settings.flink_job_server_jar is None:
            raise ConfigurationError(
                "RM_RUNNER=flink needs RM_FLINK_JOB_SERVER_JAR: the CLI resolves it with "
                "infra.flink_job_server.with_flink_job_server(settings) (docs/deploy.md)"
            )
        # LOOPBACK: the Python workers run in this process, so the landing's process-local DuckDB
        # writer sees every row; PROCESS/EXTERNAL workers need the multi-writer design of docs/deploy.md.
        args += ["--runner=FlinkRunner", f"--flink_master={settings.flink_master}",
                 f"--flink_version={settings.flink_version}", f"--flink_job_server_jar={settings.flink_job_server_jar}",
                 "--environment_type=LOOPBACK", f"--parallelism={settings.flink_parallelism}"]
        # Flink 1.17+ on Java 17 reflects into JDK internals (the openings Flink's own launcher adds).
        args += [f"--job_server_jvm_property=--add-opens=java.base/{m}=ALL-UNNAMED" for m in (
            "java.lang", "java.lang.reflect", "java.lang.invoke", "java.io", "java.net", "java.nio", "sun.nio.ch",
            "java.text", "java.time", "java.util", "java.util.concurrent", "java.util.concurrent.atomic",
            "java.util.concurrent.locks")]
        if settings.flink_checkpointing_interval_ms > 0:
            # Retained externalized checkpoints on disk: a restarted job resumes from the latest one
            # with `-- --savepoint_path=<dir>/<job id>/chk-<n>` (docs/deploy.md).
            checkpoints = (settings.flink_checkpoint_dir or settings.home / "flink-checkpoints").resolve()
            args += [f"--checkpointing_interval={settings.flink_checkpointing_interval_ms}",
                     "--externalized_checkpoints_enabled", "--retain_externalized_checkpoints_on_cancellation",
                     "--state_backend=filesystem", f"--state_backend_storage_path={checkpoints.as_uri()}"]
    elif settings.runner == "dataflow":
        # Project, region, temp_location, the package for the workers (--extra_package) and sizing
        # come after `--` (docs/deploy.md). Dataflow workers are other machines: the process-local
        # DuckDB landing does not reach this store there.
        log.warning("runner dataflow: the DuckDB landing is process-local; on Dataflow every worker VM writes "
                    "its own file. Land through the multi-worker design of docs/deploy.md.")
        args += ["--runner=DataflowRunner"]
    else:
        args += ["--runner=DirectRunner"]
    return PipelineOptions(args + list(extra_args or []))


def run(settings: Settings, mode: RunMode = RunMode(), prism_path: str | None = None, extra_args: list[str] | None = None):
    """Run the job until it ends (bounded modes) or is interrupted; returns the PipelineResult.

    When the turns topic gains partitions the read ends the job (its partitions are fixed when it
    is built) and it is started again here: the new job reads every partition from the earliest
    offset and recomputes every window exactly (docs/streaming.md, restarts).
    """
    while True:
        try:
            return _run_once(settings, mode, prism_path, extra_args)
        except Exception as exc:
            if PARTITIONS_CHANGED not in str(exc):
                raise
            reason = next((line for line in str(exc).splitlines() if PARTITIONS_CHANGED in line), PARTITIONS_CHANGED)
            log.warning("%s: restarting the job to read the new partitions", reason.strip()[:300])
            print(f"[refusal-monitor] {reason.strip()[:300]}: restarting the job", file=sys.stderr, flush=True)


def _run_once(settings: Settings, mode: RunMode, prism_path: str | None, extra_args: list[str] | None):
    options = beam_options(settings, prism_path, extra_args)
    try:
        with beam.Pipeline(options=options) as p:
            build_pipeline(p, settings, mode)
        return p.result if hasattr(p, "result") else None
    finally:
        # The writers live in this process (LOOPBACK workers): publish the final snapshot.
        close_all_writers()

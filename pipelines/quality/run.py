"""Run the suites and turn Great Expectations' results into ``QualityResult`` rows.

Flow of one check run: read the published store snapshot (never the writer's file) into frames,
optionally sample the newest input messages from Kafka, validate each frame against its suite in
an ephemeral GE context, and collect one ``QualityResult`` per expectation. Storing the rows,
printing them and alerting are separate small functions so each is testable on its own.
"""

from __future__ import annotations

import json
import logging
import math
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Literal, Sequence

import pandas as pd

from pipelines.quality.frames import RawMessage, inputs_frame, known_labels, volume_frame, windows_frame
from pipelines.quality.paths import quality_snapshot_path, quality_store_path
from pipelines.quality.suites import inputs_suite, volume_suite, windows_suite
from pipelines.store import AggregateStore, SnapshotMissingError, open_snapshot
from schemas import Settings, TransientError
from schemas.quality import QualityResult, QualityThresholds

if TYPE_CHECKING:
    import great_expectations as gx

__all__ = [
    "CheckReport",
    "new_run_id",
    "validate_frame",
    "check_aggregates",
    "check_inputs",
    "store_results",
    "format_failures",
    "make_context",
    "build_data_docs",
    "run_check",
    "open_quality_store",
    "learned_labels",
]

SuiteChoice = Literal["aggregates", "inputs", "all"]


@dataclass
class CheckReport:
    """What one run found: every expectation's result, plus notes on what was skipped and why."""

    run_id: str
    checked_at: datetime
    results: list[QualityResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data_docs: Path | None = None

    @property
    def failed(self) -> list[QualityResult]:
        return [r for r in self.results if not r.success]

    @property
    def ok(self) -> bool:
        return not self.failed


def new_run_id(now: datetime) -> str:
    """Sortable and unique: the time of the run plus a random suffix."""
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


DOCS_SITE = "refusal_monitor"


def make_context(data_docs_dir: Path | None = None) -> Any:
    """An ephemeral GE context without progress bars (they would garble the CLI output); with
    ``data_docs_dir`` it also has a Data Docs site there, built by ``build_data_docs``."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if data_docs_dir is not None:
        context.add_data_docs_site(site_name=DOCS_SITE, site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(Path(data_docs_dir).resolve())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
    return context


def build_data_docs(context: Any) -> Path | None:
    """Render the validations kept in ``context`` as HTML; the index page, or None without a site."""
    if DOCS_SITE not in (context.get_site_names() or []):
        return None
    urls = context.build_data_docs(site_names=[DOCS_SITE])
    url = urls.get(DOCS_SITE, "")
    return Path(url.removeprefix("file://")) if url else None


def _keep_for_docs(context: Any, validation: Any, suite_name: str, run_id: str, checked_at: datetime) -> None:
    """Put a validation result in the context's store so Data Docs can render it."""
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    key = ValidationResultIdentifier(
        expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite_name),
        run_id=RunIdentifier(run_name=run_id, run_time=checked_at),
        batch_identifier=suite_name,
    )
    context.validation_results_store.set(key, validation)


def _text(value: Any) -> str | None:
    """GE's observed values (numbers, timestamps, lists) as short, readable text."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _examples(result: dict) -> str | None:
    """The first offending values GE reports, as JSON (pairs for column-pair expectations)."""
    values = result.get("partial_unexpected_list")
    if not values:
        return None
    return json.dumps([_jsonable(v) for v in values], default=str)


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def validate_frame(
    suite: "gx.ExpectationSuite", frame: pd.DataFrame, run_id: str, checked_at: datetime, max_examples: int = 5,
    context: Any = None,
) -> list[QualityResult]:
    """Validate ``frame`` against ``suite`` and return one row per expectation.

    An expectation GE could not evaluate (a missing column, a type error) counts as failed, with
    the exception message in ``error``: a check that cannot run must not look like a pass.
    """
    context = context if context is not None else make_context()
    source = context.data_sources.add_pandas(f"src-{suite.name}")
    batch_def = source.add_dataframe_asset(f"asset-{suite.name}").add_batch_definition_whole_dataframe("whole")
    batch = batch_def.get_batch(batch_parameters={"dataframe": frame})
    suite = context.suites.add(suite)
    validation = batch.validate(suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": max_examples})
    if DOCS_SITE in (context.get_site_names() or []):
        _keep_for_docs(context, validation, suite.name, run_id, checked_at)
    rows = []
    for res in validation.results:
        config = res.expectation_config
        meta = config.meta or {}
        info = res.exception_info or {}
        raised = bool(info.get("raised_exception")) if "raised_exception" in info else any(
            isinstance(v, dict) and v.get("raised_exception") for v in info.values())
        error = None
        if raised:
            messages = [info.get("exception_message")] + [v.get("exception_message") for v in info.values() if isinstance(v, dict)]
            error = "; ".join(m for m in messages if m)[:500] or "evaluation failed"
        result = res.result or {}
        rows.append(QualityResult(
            run_id=run_id,
            suite=suite.name,
            expectation=meta.get("name", config.type),
            expectation_type=config.type,
            target_column=meta.get("column"),
            success=bool(res.success) and not raised,
            observed_value=_text(result.get("observed_value")),
            element_count=result.get("element_count"),
            unexpected_count=result.get("unexpected_count"),
            unexpected_examples=_examples(result),
            error=error,
            checked_at=checked_at,
        ))
    return sorted(rows, key=lambda r: r.expectation)


def check_aggregates(
    snapshot: Path,
    window_seconds: int,
    run_id: str,
    now: datetime,
    thresholds: QualityThresholds = QualityThresholds(),
    expect_fresh: bool = True,
    context: Any = None,
) -> list[QualityResult]:
    """Run the windows and volume suites on the published snapshot of the aggregate store."""
    con = open_snapshot(snapshot)
    try:
        windows = windows_frame(con, window_seconds)
        volume = volume_frame(con, window_seconds, thresholds)
    finally:
        con.close()
    context = context if context is not None else make_context()
    results = validate_frame(windows_suite(window_seconds, now, thresholds, expect_fresh), windows, run_id, now,
                             thresholds.max_examples, context)
    results += validate_frame(volume_suite(thresholds), volume, run_id, now, thresholds.max_examples, context)
    return results


def learned_labels(snapshot: Path) -> tuple[list[str], list[str]]:
    """Model versions and features present in the store snapshot; empty when there is none yet."""
    try:
        con = open_snapshot(snapshot)
    except SnapshotMissingError:
        return [], []
    try:
        return known_labels(con)
    finally:
        con.close()


def check_inputs(
    messages: Sequence[RawMessage],
    run_id: str,
    now: datetime,
    thresholds: QualityThresholds = QualityThresholds(),
    model_versions: Sequence[str] | None = None,
    features: Sequence[str] | None = None,
    context: Any = None,
) -> list[QualityResult]:
    """Run the input suite on a micro-batch of raw messages (``now`` is the processing time)."""
    frame = inputs_frame(messages, now)
    return validate_frame(inputs_suite(thresholds, model_versions, features), frame, run_id, now,
                          thresholds.max_examples, context)


def store_results(store: AggregateStore, results: Iterable[QualityResult]) -> int:
    """Land results in the checker's own store (the pipeline owns the main one) and publish."""
    n = store.upsert("quality_results", list(results))
    store.publish()
    return n


def open_quality_store(settings: Settings) -> AggregateStore:
    """The checker's writer for its own DuckDB file (one writer per file, like the pipeline's)."""
    return AggregateStore(quality_store_path(settings), quality_snapshot_path(settings), settings.publish_every_seconds,
                          memory_limit_mb=settings.store_memory_limit_mb)


def format_failures(report: CheckReport) -> str:
    """A readable summary: one line per suite, then a table of failed expectations with their values."""
    from pipelines.sql import format_table

    lines = [f"check run {report.run_id} at {report.checked_at.isoformat(timespec='seconds')}"]
    for suite in sorted({r.suite for r in report.results}):
        rows = [r for r in report.results if r.suite == suite]
        n_bad = sum(not r.success for r in rows)
        lines.append(f"  {suite}: {len(rows) - n_bad}/{len(rows)} expectations passed")
    for note in report.notes:
        lines.append(f"  note: {note}")
    if report.failed:
        lines.append("")
        lines.append("FAILED expectations:")
        columns = ["suite", "expectation", "observed", "unexpected", "examples"]
        rows = [(r.suite, r.expectation, r.observed_value or "", "" if r.unexpected_count is None else
                 f"{r.unexpected_count}/{r.element_count}", (r.error or r.unexpected_examples or "")[:120])
                for r in report.failed]
        lines.append(format_table(columns, rows))
    else:
        lines.append("all expectations passed")
    return "\n".join(lines)


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def run_check(
    settings: Settings,
    suite: SuiteChoice = "all",
    thresholds: QualityThresholds | None = None,
    now: datetime | None = None,
    model_versions: Sequence[str] | None = None,
    features: Sequence[str] | None = None,
    data_docs_dir: Path | None = None,
) -> CheckReport:
    """One check run: sample the turns topic, validate it and the store snapshot.

    ``model_versions`` / ``features`` are the configured allow-lists; when None the labels the store
    has seen are used. Freshness is expected only while traffic flows (the newest sampled message
    is younger than ``freshness_max_age_seconds``); if Kafka cannot tell, it is expected.
    """
    thresholds = thresholds or settings.quality
    model_versions = model_versions if model_versions is not None else settings.quality_model_versions
    features = features if features is not None else settings.quality_features
    from pipelines.quality.inputs import sample_turns, traffic_flows

    now = now or now_utc()
    report = CheckReport(run_id=new_run_id(now), checked_at=now)
    context = make_context(data_docs_dir)
    per_partition = thresholds.sample_messages_per_partition if suite in ("inputs", "all") else 1
    try:
        messages, newest = sample_turns(settings, per_partition)
    except TransientError as exc:
        if suite != "aggregates":
            raise
        messages, newest = [], None
        report.notes.append(f"traffic unknown ({exc}); freshness is expected")
        expect_fresh = True
    else:
        expect_fresh = traffic_flows(newest, now, thresholds.freshness_max_age_seconds)
        if not expect_fresh:
            report.notes.append(
                f"no traffic in the last {thresholds.freshness_max_age_seconds:.0f}s "
                f"(newest turn {newest.isoformat() if newest else 'none'}); freshness not expected")
    if suite in ("inputs", "all"):
        if messages:
            learned_versions, learned_features = learned_labels(settings.snapshot_file)
            report.results += check_inputs(
                messages, report.run_id, now, thresholds,
                model_versions if model_versions is not None else learned_versions,
                features if features is not None else learned_features,
                context,
            )
            report.notes.append(f"inputs: {len(messages)} newest messages of {settings.topic_turns}")
        else:
            report.notes.append(f"inputs: topic {settings.topic_turns} is empty; input suite skipped")
    if suite in ("aggregates", "all"):
        report.results += check_aggregates(settings.snapshot_file, settings.window_seconds, report.run_id, now,
                                           thresholds, expect_fresh, context)
    report.data_docs = build_data_docs(context)
    return report


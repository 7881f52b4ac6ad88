"""Rows the pipeline lands in the aggregate store, defined once and turned into DuckDB DDL here.

``WindowAggregate`` is one row of ``refusal_windows``: counts (never only rates) for one event-time
window and one (model_version, feature, detector_version) key, so any statistic can be recomputed.
A later pane of the same window replaces the earlier row (the key is the table's primary key).
"""

from __future__ import annotations

import types
from datetime import datetime
from typing import Literal, Union, get_args, get_origin

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, NonNegativeInt

from schemas.quality import QualityResult

__all__ = [
    "WindowKey",
    "WindowAggregate",
    "CueWindowAggregate",
    "ReviewSample",
    "SampleReason",
    "DeadLetter",
    "TooLateTurn",
    "SourceProgress",
    "PaneTiming",
    "TABLES",
    "MERGE",
    "create_table_sql",
    "model_table_sql",
]

PaneTiming = Literal["EARLY", "ON_TIME", "LATE", "UNKNOWN"]


class WindowKey(BaseModel):
    """An event-time window and the key it is counted under: the first columns of every
    per-window table. A detector change never looks like a model change: it is in the key."""

    model_config = ConfigDict(frozen=True)

    window_start: AwareDatetime
    window_end: AwareDatetime
    model_version: str
    feature: str
    detector_version: str


class WindowAggregate(WindowKey):
    """Counts for one window and key; a row of ``refusal_windows``."""

    n_turns: NonNegativeInt = Field(description="Valid turns whose event time falls in the window.")
    n_full_refusal: NonNegativeInt
    n_partial_refusal: NonNegativeInt
    n_clarification: NonNegativeInt
    n_compliance: NonNegativeInt
    n_with_trigger: NonNegativeInt = Field(description="Turns whose prompt has at least one trigger cue.")
    n_refused_with_trigger: NonNegativeInt = Field(description="Full or partial refusals among n_with_trigger.")
    n_benign_prompt: NonNegativeInt = Field(description="Turns whose prompt the trigger detector judged benign.")
    n_over_refusal_suspect: NonNegativeInt = Field(description="Full or partial refusals of benign-judged prompts.")
    n_benign_with_trigger: NonNegativeInt = Field(description="Benign-judged prompts that have a trigger cue.")
    n_suspect_with_trigger: NonNegativeInt = Field(description="Over-refusal suspects among n_benign_with_trigger.")
    n_duplicate_turns: NonNegativeInt = Field(
        default=0, description="Further copies of a turn id already counted in this window (not in n_turns)."
    )
    n_conversations: NonNegativeInt = Field(description="Distinct conversation ids among the window's turns.")
    n_with_latency: NonNegativeInt = Field(default=0, description="Turns that carry latency_ms.")
    latency_p50_ms: float | None = Field(default=None, description="Median latency (log-histogram, within 2.5%).")
    latency_p90_ms: float | None = Field(default=None, description="90th percentile latency, same histogram.")
    latency_p99_ms: float | None = Field(default=None, description="99th percentile latency, same histogram.")
    pane_timing: PaneTiming = Field(description="Beam pane that produced this version of the row.")
    pane_index: int = Field(description="Beam pane index; grows with every firing of the window.")
    updated_at: AwareDatetime = Field(description="Processing time the row was landed.")


class CueWindowAggregate(WindowKey):
    """Counts for one trigger cue in one window and key; a row of ``cue_windows``.

    A prompt with the same cue twice counts once; a prompt with two cues counts under each.
    """

    cue: str = Field(description="The cue's normalised term, e.g. 'kill'.")
    category: str = Field(description="The cue's category, e.g. 'violence'.")
    n_prompts: NonNegativeInt = Field(description="Turns whose prompt has this cue.")
    n_refused: NonNegativeInt = Field(description="Full or partial refusals among them.")
    n_benign_sense: NonNegativeInt = Field(description="Of n_prompts, those where the cue was judged benign.")
    n_over_refusal_suspect: NonNegativeInt = Field(description="Over-refusal suspects among n_prompts.")
    updated_at: AwareDatetime


SampleReason = Literal["over_refusal_suspect", "refusal"]


class ReviewSample(WindowKey):
    """One sampled turn behind a window's numbers, for people to read and label; a row of
    ``review_samples``.

    Per window and key the pipeline keeps the ``slots`` refused turns whose turn-id hash is
    smallest (bottom-k sampling): a uniform sample that is the same whatever the order or the
    restarts, so a replay lands exactly the rows it replaces. Texts are redacted unless the
    ``store_raw_text`` setting says otherwise (``redacted`` records which).
    """

    slot: NonNegativeInt = Field(description="Rank of the turn in the window's sample (0 = smallest hash).")
    n_candidates: NonNegativeInt = Field(description="Refused turns the sample was drawn from.")
    turn_id: str
    conversation_id: str
    event_time: AwareDatetime
    reason: SampleReason
    refusal_label: str
    refusal_score: float
    prompt_risk: str
    prompt: str
    response: str
    evidence_json: str = Field(description="The detector's evidence spans (JSON list; offsets into the raw response).")
    cues_json: str = Field(description="The trigger cues (JSON list, with category, sense and span).")
    redacted: bool = Field(description="True when prompt and response went through redaction.")
    updated_at: AwareDatetime


class DeadLetter(BaseModel):
    """A record that could not become a chat turn, with the reason; a row of ``dead_letters``."""

    model_config = ConfigDict(frozen=True)

    source_topic: str
    source_partition: int
    source_offset: int
    error_field: str | None = Field(description="The field that failed validation, when one did.")
    reason: str
    raw_excerpt: str = Field(description="The first bytes of the message, escaped, for diagnosis.")
    raw_size: NonNegativeInt
    received_at: AwareDatetime


class TooLateTurn(BaseModel):
    """A valid turn that arrived behind the watermark (older than the allowed lateness): not in any
    window, but counted here, per key, so nothing is dropped silently; a row of ``too_late_turns``."""

    model_config = ConfigDict(frozen=True)

    source_topic: str
    source_partition: int
    source_offset: int
    turn_id: str
    model_version: str
    feature: str
    event_time: AwareDatetime
    watermark: AwareDatetime = Field(description="The read's watermark the turn was behind.")
    lateness_seconds: float = Field(description="How far behind the watermark the event time was.")
    received_at: AwareDatetime


class SourceProgress(BaseModel):
    """How far the pipeline has read one source partition; a row of ``source_progress``.

    With the other tables it proves conservation: every record read is in an aggregate
    (``n_turns``), a dead letter or a too-late row (``pipelines.conservation``). Records read
    = next_offset - start_offset, as offsets of a topic without transactions or compaction are
    contiguous.
    """

    model_config = ConfigDict(frozen=True)

    source_topic: str
    source_partition: int
    start_offset: NonNegativeInt = Field(description="Lowest offset any run's read claimed.")
    next_offset: NonNegativeInt = Field(description="One past the highest offset read.")
    updated_at: AwareDatetime


_DUCKDB_TYPES: dict[type, str] = {
    bool: "BOOLEAN",  # before int: bool is a subclass of int
    int: "BIGINT",
    str: "VARCHAR",
    float: "DOUBLE",
    datetime: "TIMESTAMPTZ",
    AwareDatetime: "TIMESTAMPTZ",
}


def _duckdb_type(annotation: object) -> tuple[str, bool]:
    """Map a pydantic field annotation to (DuckDB type, nullable)."""
    origin = get_origin(annotation)
    if origin is Literal:
        return "VARCHAR", False
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        sql, _ = _duckdb_type(args[0])
        return sql, True
    if origin is not None and get_args(annotation):  # Annotated[...] and friends
        return _duckdb_type(get_args(annotation)[0])
    for py_type, sql in _DUCKDB_TYPES.items():
        if isinstance(annotation, type) and issubclass(annotation, py_type):
            return sql, False
    raise TypeError(f"no DuckDB type for annotation {annotation!r}")


# table name -> (row model, primary key columns)
TABLES: dict[str, tuple[type[BaseModel], tuple[str, ...]]] = {
    "refusal_windows": (WindowAggregate, ("window_start", "model_version", "feature", "detector_version")),
    "cue_windows": (
        CueWindowAggregate,
        ("window_start", "model_version", "feature", "detector_version", "cue", "category"),
    ),
    "review_samples": (ReviewSample, ("window_start", "model_version", "feature", "detector_version", "slot")),
    "dead_letters": (DeadLetter, ("source_topic", "source_partition", "source_offset")),
    "too_late_turns": (TooLateTurn, ("source_topic", "source_partition", "source_offset")),
    "source_progress": (SourceProgress, ("source_topic", "source_partition")),
    "quality_results": (QualityResult, ("run_id", "suite", "expectation")),
}


#: How a landed row meets the stored row with the same key. "replace": the new row wins.
#: "grows:<column>": the new row wins only if that count is not smaller: panes accumulate, so
#: within a run counts only grow, and after a restart the re-read's partial panes of a window
#: never overwrite the complete count landed before the crash (the final pane catches up).
#: "range": offsets widen (start = least, next = greatest).
MERGE: dict[str, str] = {
    "refusal_windows": "grows:n_turns",
    "cue_windows": "grows:n_prompts",
    "review_samples": "grows:n_candidates",
    "source_progress": "range",
    "dead_letters": "replace",
    "too_late_turns": "replace",
    "quality_results": "replace",
}


def create_table_sql(table: str) -> str:
    """DDL for one of TABLES, derived from its row model so the schema lives in one place."""
    model, key = TABLES[table]
    return model_table_sql(table, model, key)


def model_table_sql(table: str, model: type[BaseModel], key: tuple[str, ...]) -> str:
    """DDL for a table whose rows are ``model`` (also for tables kept in other stores, e.g. alerts)."""
    cols = []
    for name, info in model.model_fields.items():
        sql_type, nullable = _duckdb_type(info.annotation)
        cols.append(f"{name} {sql_type}{'' if nullable else ' NOT NULL'}")
    cols.append(f"PRIMARY KEY ({', '.join(key)})")
    return f"CREATE TABLE IF NOT EXISTS {table} (\n  " + ",\n  ".join(cols) + "\n)"

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

__all__ = ["WindowAggregate", "DeadLetter", "TooLateTurn", "PaneTiming", "TABLES", "create_table_sql"]

PaneTiming = Literal["EARLY", "ON_TIME", "LATE", "UNKNOWN"]


class WindowAggregate(BaseModel):
    """Counts for one window and key; a row of ``refusal_windows``."""

    model_config = ConfigDict(frozen=True)

    window_start: AwareDatetime
    window_end: AwareDatetime
    model_version: str
    feature: str
    detector_version: str
    n_turns: NonNegativeInt = Field(description="Valid turns whose event time falls in the window.")
    n_full_refusal: NonNegativeInt
    n_partial_refusal: NonNegativeInt
    n_clarification: NonNegativeInt
    n_compliance: NonNegativeInt
    n_with_trigger: NonNegativeInt = Field(description="Turns whose prompt has at least one trigger cue.")
    n_refused_with_trigger: NonNegativeInt = Field(description="Full or partial refusals among n_with_trigger.")
    n_benign_prompt: NonNegativeInt = Field(description="Turns whose prompt the trigger detector judged benign.")
    n_over_refusal_suspect: NonNegativeInt = Field(description="Full or partial refusals of benign-judged prompts.")
    pane_timing: PaneTiming = Field(description="Beam pane that produced this version of the row.")
    pane_index: int = Field(description="Beam pane index; grows with every firing of the window.")
    updated_at: AwareDatetime = Field(description="Processing time the row was landed.")


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
    "dead_letters": (DeadLetter, ("source_topic", "source_partition", "source_offset")),
    "too_late_turns": (TooLateTurn, ("source_topic", "source_partition", "source_offset")),
    "quality_results": (QualityResult, ("run_id", "suite", "expectation")),
}


def create_table_sql(table: str) -> str:
    """DDL for one of TABLES, derived from its row model so the schema lives in one place."""
    model, key = TABLES[table]
    cols = []
    for name, info in model.model_fields.items():
        sql_type, nullable = _duckdb_type(info.annotation)
        cols.append(f"{name} {sql_type}{'' if nullable else ' NOT NULL'}")
    cols.append(f"PRIMARY KEY ({', '.join(key)})")
    return f"CREATE TABLE IF NOT EXISTS {table} (\n  " + ",\n  ".join(cols) + "\n)"

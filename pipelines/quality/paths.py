"""Where the checker keeps its results: its own DuckDB file next to the store, plus a snapshot.

DuckDB allows one writing process per file and the pipeline writes the main store, so the
checker writes ``RM_HOME/quality.duckdb`` and publishes ``quality.snapshot.duckdb`` for the
dashboard. (A dedicated setting will replace the derivation from ``RM_HOME``.)
"""

from __future__ import annotations

from pathlib import Path

from schemas import Settings

__all__ = ["quality_store_path", "quality_snapshot_path"]


def quality_store_path(settings: Settings) -> Path:
    """The DuckDB file the checker writes."""
    return settings.quality_store_path or Path(settings.home) / "quality.duckdb"


def quality_snapshot_path(settings: Settings) -> Path:
    """The read-only snapshot of it that the dashboard opens."""
    path = quality_store_path(settings)
    return path.with_name(path.stem + ".snapshot.duckdb")

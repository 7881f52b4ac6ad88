"""Reviewers' labels of sampled turns, in their own small DuckDB file.

The dashboard must not write the aggregate store (the pipeline is its single writer), so the
Review page keeps its labels in ``RM_REVIEWS_STORE_PATH`` (default RM_HOME/reviews.duckdb).
Every operation opens the file, does its work and closes it again: DuckDB lets one process hold a
file for writing, and short connections let the dashboard and a `refusal-monitor report` run take
turns (a brief lock conflict is retried).
"""

from __future__ import annotations

import threading
import time
from datetime import timezone
from pathlib import Path

import duckdb
import pandas as pd

from schemas import Settings, TransientError
from schemas.reviews import REVIEWS_TABLE, ReviewLabel, create_reviews_table_sql

__all__ = ["reviews_path", "ReviewStore"]

_LOCK = threading.Lock()  # one connection to the file at a time within this process


def reviews_path(settings: Settings) -> Path:
    """The review-label file: ``settings.reviews_store_path`` or RM_HOME/reviews.duckdb."""
    return Path(getattr(settings, "reviews_store_path", None) or Path(settings.home) / "reviews.duckdb")


class ReviewStore:
    """Read and write ``review_labels`` in one DuckDB file."""

    def __init__(self, path: Path, retries: int = 40) -> None:
        self.path = Path(path)
        self.retries = retries

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        for attempt in range(self.retries):
            try:
                return duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.IOException:
                # Another process (the dashboard or a report run) holds the file for a moment.
                time.sleep(0.05 * (attempt + 1))
        raise TransientError(f"review labels at {self.path} stayed locked by another process; try again")

    def add(self, label: ReviewLabel) -> None:
        """Store a verdict (a reviewer's new verdict on the same turn replaces the old one)."""
        columns = list(ReviewLabel.model_fields)
        values = [getattr(label, c) for c in columns]
        values = [v.astimezone(timezone.utc) if hasattr(v, "astimezone") else v for v in values]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _LOCK:
            con = self._connect(read_only=False)
            try:
                con.execute(create_reviews_table_sql())
                con.execute(
                    f"INSERT OR REPLACE INTO {REVIEWS_TABLE} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                    values,
                )
            finally:
                con.close()

    def labels(self) -> pd.DataFrame:
        """Every stored label (empty frame with the columns when nothing was labelled yet)."""
        columns = list(ReviewLabel.model_fields)
        if not self.path.exists():
            return pd.DataFrame(columns=columns)
        with _LOCK:
            con = self._connect(read_only=True)
            try:
                con.execute("SET TimeZone = 'UTC'")
                exists = con.execute(
                    "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [REVIEWS_TABLE]
                ).fetchone()[0]
                if not exists:
                    return pd.DataFrame(columns=columns)
                return con.execute(f"SELECT {', '.join(columns)} FROM {REVIEWS_TABLE} ORDER BY reviewed_at").df()
            finally:
                con.close()

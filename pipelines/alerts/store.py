"""The alert engine's own DuckDB file (``RM_ALERTS_STORE_PATH``, default ``RM_HOME/alerts.duckdb``)
with its read snapshot, like the data-quality checker's: the pipeline owns the main store.

``AlertStore`` is the pipeline's writer class (``pipelines.store.AggregateStore``: one writer,
snapshots published atomically, batches upserted in one transaction) with the ``alerts`` table,
whose DDL is derived from the ``schemas.alerts.Alert`` row model so the contract stays in one place.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Sequence

from pipelines.store import AggregateStore, SnapshotMissingError, open_snapshot
from schemas import Settings
from schemas.aggregates import model_table_sql  # the same annotation -> DuckDB mapping as every other table
from schemas.alerts import Alert

__all__ = ["ALERTS_TABLE", "alerts_table_sql", "alerts_store_path", "alerts_snapshot_path", "AlertStore",
           "open_alert_store", "recent_alerts"]

ALERTS_TABLE = "alerts"
ALERTS_KEY = ("alert_id",)


def alerts_table_sql() -> str:
    return model_table_sql(ALERTS_TABLE, Alert, ALERTS_KEY)


def alerts_store_path(settings: Settings) -> Path:
    return settings.alerts_store_path or Path(settings.home) / "alerts.duckdb"


def alerts_snapshot_path(settings: Settings) -> Path:
    path = alerts_store_path(settings)
    return path.with_name(path.stem + ".snapshot.duckdb")


class AlertStore(AggregateStore):
    """Writer of the alert engine's DuckDB file: the ``alerts`` table only."""

    def __init__(self, path: Path, snapshot: Path, publish_every_s: float = 5.0, memory_limit_mb: int | None = None) -> None:
        super().__init__(path, snapshot, publish_every_s, tables={ALERTS_TABLE: (Alert, ALERTS_KEY)},
                         memory_limit_mb=memory_limit_mb)

    def upsert_alerts(self, rows: Sequence[Alert]) -> int:
        """Insert or replace alerts by id, in one transaction (the last of a batch wins)."""
        return self.upsert(ALERTS_TABLE, rows)

    def load_alerts(self, since: datetime | None = None) -> list[Alert]:
        """Stored alerts (those seen since ``since``), for dedup and cooldown."""
        with self._lock:
            cur = self._con.execute(
                f"SELECT * FROM {ALERTS_TABLE} WHERE $since IS NULL OR coalesce(last_seen_at, created_at) >= $since",
                {"since": since})
            columns = [d[0] for d in cur.description]
            rows = cur.fetchall()
        return [Alert.model_validate(dict(zip(columns, r))) for r in rows]


def open_alert_store(settings: Settings) -> AlertStore:
    return AlertStore(alerts_store_path(settings), alerts_snapshot_path(settings), settings.publish_every_seconds,
                      settings.store_memory_limit_mb)


def recent_alerts(snapshot: Path, since: datetime | None = None, limit: int = 50) -> list[Alert]:
    """The newest alerts from the published snapshot (read-only), newest first; [] when none yet."""
    try:
        con = open_snapshot(snapshot)
    except SnapshotMissingError:
        return []
    try:
        exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = $t",
                             {"t": ALERTS_TABLE}).fetchone()[0]
        if not exists:
            return []
        cur = con.execute(
            f"SELECT * FROM {ALERTS_TABLE} WHERE $since IS NULL OR coalesce(last_seen_at, created_at) >= $since "
            "ORDER BY coalesce(last_seen_at, created_at) DESC, alert_id LIMIT $n", {"since": since, "n": limit})
        columns = [d[0] for d in cur.description]
        return [Alert.model_validate(dict(zip(columns, r))) for r in cur.fetchall()]
    finally:
        con.close()

"""Where aggregates land: the DuckDB store, one writer and many readers.

DuckDB lets one process open a database file for writing, and a reader that opens the same file
would lock the writer out. So the writer owns ``<store>.duckdb`` and, every few seconds when
something changed (and when it closes), publishes a consistent copy ``<store>.snapshot.duckdb``
with DuckDB's ``COPY FROM DATABASE`` and an atomic rename. ``refusal-monitor sql`` and the
dashboard open only that snapshot, read-only: they never block the pipeline and are never blocked
by it, at the price of seeing data up to ``publish_every_seconds`` old. The copy reads its own MVCC
snapshot on a second connection, so writes go on during it; it takes time in proportion to the
store, and once it takes more than a third of the interval the interval stretches to three copies.

Rows are upserted on their primary key, so a later pane of a window replaces the earlier one and
a replayed batch does not double-count. How a new row meets the stored one is the table's merge
rule (``schemas.MERGE``): aggregate rows replace only when their count did not shrink, so after a
crash the re-read's partial panes never overwrite a complete window with a smaller one.

A batch is one DuckDB transaction: a process killed in the middle leaves the batch unapplied,
never half-applied (DuckDB's write-ahead log is replayed or discarded on the next open).
"""

from __future__ import annotations

import errno
import logging
import os
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

import duckdb
import pandas as pd
from pydantic import BaseModel

from schemas import MERGE, TABLES, DeadLetter, TerminalError, TransientError, WindowAggregate
from schemas.aggregates import model_table_sql

__all__ = ["AggregateStore", "writer_for", "close_all_writers", "open_snapshot", "SnapshotMissingError",
           "StoreUnwritableError"]

log = logging.getLogger(__name__)

#: The writer's connection is opened again this often (seconds): DuckDB frees the C heap it keeps
#: per write transaction only when the database is closed (``AggregateStore._reopen_if_due``).
REOPEN_EVERY_S = 600.0

#: DuckDB's own default limit (80 % of RAM): the writer's limit is never raised beyond it.
_MEMORY_CEILING_MB = int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") * 0.8) >> 20


class SnapshotMissingError(TransientError):
    """No snapshot has been published yet (the pipeline has not landed anything)."""


class StoreUnwritableError(TerminalError):
    """The store's directory is read-only or its disk is full: retrying will not help until someone
    frees space or points ``RM_STORE_PATH`` elsewhere (the message says which)."""


_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
_DENIED_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}
_FULL_TEXT = ("no space left on device", "file too large", "disk quota exceeded")
_DENIED_TEXT = ("permission denied", "read-only file system", "operation not permitted")


def _unwritable(path: Path, exc: BaseException, what: str = "the store") -> StoreUnwritableError | None:
    """The clear error for a store that cannot be written, or None when ``exc`` is something else.

    DuckDB reports the operating system's error only as text ("Could not write file ...: No space
    left on device"), so both the errno and the text are looked at.
    """
    text = str(exc)
    low = text.lower()
    code = exc.errno if isinstance(exc, OSError) else None
    where = path.parent.resolve()
    if code in _FULL_ERRNOS or any(m in low for m in _FULL_TEXT):
        return StoreUnwritableError(
            f"{what} {path} cannot grow: the disk holding {where} is full or the file hit a size limit ({text}). "
            "Free space there, or point RM_STORE_PATH at a disk with room, then start the pipeline again; rows "
            "landed before are intact (a failed batch is never half-applied) and a restart re-reads the topic."
        )
    if code in _DENIED_ERRNOS or any(m in low for m in _DENIED_TEXT):
        return StoreUnwritableError(
            f"{what} {path} cannot be written: {where} is read-only or not writable by this user ({text}). "
            "Point RM_STORE_PATH at a writable directory (or make this one writable), then start the pipeline again."
        )
    return None


class AggregateStore:
    """The single writer of one DuckDB store file, publishing read snapshots in the background.

    ``tables`` (name -> (row model, primary key)) are created if missing; the default is the
    pipeline's. The alert engine keeps its own file with its own table through the same class.
    """

    def __init__(self, path: Path, snapshot: Path, publish_every_s: float = 5.0,
                 tables: Mapping[str, tuple[type[BaseModel], tuple[str, ...]]] = TABLES,
                 memory_limit_mb: int | None = None, reopen_every_s: float = REOPEN_EVERY_S) -> None:
        """``memory_limit_mb`` (``Settings.store_memory_limit_mb``; None keeps DuckDB's 80 % of RAM)
        bounds the writer: DuckDB otherwise keeps freed buffers and allocations in the process.
        ``reopen_every_s``: how often the writer's connection is closed and opened again (see
        ``REOPEN_EVERY_S``)."""
        self.path = Path(path)
        self._memory_limit_mb = memory_limit_mb
        self._reopen_every_s = reopen_every_s
        self._opened_at = time.monotonic()
        self.reopened = 0  # how many times the connection was opened again (for tests and logs)
        self._tables = dict(tables)
        self.snapshot = Path(snapshot)
        self._lock = threading.Lock()  # the writer's connection
        self._publish_lock = threading.Lock()  # one snapshot copy at a time
        self._dirty = True
        self._closed = threading.Event()
        self._publish_failure: Exception | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._con = self._connect()
            self._db_name = self._con.execute("SELECT current_database()").fetchone()[0]
            for table, (model, key) in self._tables.items():
                self._con.execute(model_table_sql(table, model, key))
            self.publish()
        except (OSError, duckdb.Error) as exc:
            if self._con is not None:
                try:
                    self._con.close()
                except duckdb.Error:
                    pass
            clear = exc if isinstance(exc, StoreUnwritableError) else _unwritable(self.path, exc)
            if clear is None:
                raise
            raise clear from exc
        self._publisher = threading.Thread(
            target=self._publish_loop, args=(publish_every_s,), name=f"publish-{self.path.name}", daemon=True
        )
        self._publisher.start()

    def _connect(self) -> duckdb.DuckDBPyConnection:
        config = {} if self._memory_limit_mb is None else {"memory_limit": f"{int(self._memory_limit_mb)}MB"}
        return duckdb.connect(str(self.path), config=config)

    def _reopen_if_due(self) -> None:
        """Close the writer's connection and open it again once every ``reopen_every_s``.

        DuckDB (1.4 and 2.0 alike) keeps a few KB of C heap per write transaction, outside its
        ``memory_limit``, until the database is closed: ~1.6 MB/min for the pipeline's writer at
        969 turns/s (docs/performance.md, "What grew", item 7). Reopening frees it. It waits for
        no snapshot copy: when one is running (it reads through a cursor of this connection) the
        reopen is left to a later write.
        """
        if time.monotonic() - self._opened_at < self._reopen_every_s:
            return
        if not self._publish_lock.acquire(blocking=False):
            return
        try:
            with self._lock:
                self._con.close()
                try:
                    self._con = self._connect()
                except (OSError, duckdb.Error) as exc:
                    clear = _unwritable(self.path, exc)
                    if clear is None:
                        raise
                    raise clear from exc
                self._opened_at = time.monotonic()
                self.reopened += 1
                log.info("%s: reopened the writer's connection (%d so far), which frees the heap DuckDB keeps per "
                         "write", self.path.name, self.reopened)
        finally:
            self._publish_lock.release()

    # -- writes ----------------------------------------------------------------------------------
    def upsert(self, table: str, rows: Sequence[BaseModel]) -> int:
        """Insert or replace ``rows`` (models of ``table``'s row type) in one transaction.

        Rows go in as one DataFrame (``executemany`` manages ~120 rows/s; this, tens of thousands).
        Within a batch rows meet each other by the same merge rule as they meet the stored ones.
        """
        if not rows:
            return 0
        model, key = self._tables[table]
        columns = list(model.model_fields)
        rule = MERGE.get(table, "replace")
        grows = rule.split(":", 1)[1] if rule.startswith("grows:") else None
        latest: dict[tuple, BaseModel] = {}
        for row in rows:
            k = tuple(getattr(row, c) for c in key)
            if rule == "range" and k in latest:
                prev = latest[k]
                row = row.model_copy(update={"start_offset": min(prev.start_offset, row.start_offset),
                                             "next_offset": max(prev.next_offset, row.next_offset)})
            if grows is None or k not in latest or getattr(row, grows) >= getattr(latest[k], grows):
                latest[k] = row
        frame = pd.DataFrame(
            [[_utc(getattr(row, c)) for c in columns] for row in latest.values()], columns=columns
        )
        self._raise_publish_failure()
        self._reopen_if_due()
        with self._lock:
            self._con.register("rm_upsert_rows", frame)
            try:
                self._within_limit(lambda: self._apply(_merge_sql(table, columns, key, rule)),
                                   f"a batch of {len(frame)} {table} rows")
            finally:
                try:
                    self._con.unregister("rm_upsert_rows")
                except duckdb.Error:
                    pass
            self._dirty = True
        return len(latest)

    def _within_limit(self, work: Callable[[], None], what: str,
                      con: duckdb.DuckDBPyConnection | None = None) -> None:
        """Run ``work`` under the writer's memory limit, doubling the limit while it does not fit.

        The limit bounds the steady state (without one DuckDB keeps what it freed, up to 80 % of
        RAM); a big batch (a replay's backlog of too-late turns) or the snapshot copy of a large
        store raises it for good, with a warning, instead of failing the job. ``con`` (default the
        writer's, whose lock the caller holds) is the connection ``work`` runs on.
        """
        while True:
            try:
                work()
                return
            except duckdb.OutOfMemoryException:
                if self._memory_limit_mb is None or self._memory_limit_mb >= _MEMORY_CEILING_MB:
                    raise
                old, self._memory_limit_mb = self._memory_limit_mb, min(2 * self._memory_limit_mb, _MEMORY_CEILING_MB)
                log.warning("%s: %s needs more than the writer's %d MB memory limit; raised to %d MB "
                            "(RM_STORE_MEMORY_LIMIT_MB)", self.path.name, what, old, self._memory_limit_mb)
                (con or self._con).execute(f"SET memory_limit = '{self._memory_limit_mb}MB'").fetchall()

    @property
    def memory_limit_mb(self) -> int | None:
        """The writer's DuckDB memory limit now (None: DuckDB's default); it only grows."""
        return self._memory_limit_mb

    def _apply(self, sql: str) -> None:
        """Run one write statement as its own transaction (the caller holds the lock)."""
        self._con.execute("BEGIN TRANSACTION")
        try:
            self._con.execute(sql)
            self._con.execute("COMMIT")
        except Exception as exc:
            try:
                self._con.execute("ROLLBACK")
            except duckdb.Error:
                pass  # the failed COMMIT already ended (or invalidated) the transaction
            memory = isinstance(exc, duckdb.OutOfMemoryException)  # the caller decides
            clear = _unwritable(self.path, exc) if isinstance(exc, (OSError, duckdb.Error)) and not memory else None
            if clear is None:
                raise
            raise clear from exc

    def upsert_windows(self, rows: Sequence[WindowAggregate]) -> int:
        """Land window aggregates (a window's row is replaced by any pane that is not smaller)."""
        return self.upsert("refusal_windows", rows)

    def insert_dead_letters(self, rows: Iterable[DeadLetter]) -> int:
        return self.upsert("dead_letters", list(rows))

    # -- snapshots -------------------------------------------------------------------------------
    def publish(self) -> Path:
        """Write a consistent copy of the store for readers and swap it in atomically.

        The copy runs on a second connection to the same database (a DuckDB cursor), which reads one
        MVCC snapshot while writes go on: landing never waits for a publish, however big the store
        (copying takes ~2 s per million rows here; docs/performance.md).
        """
        tmp = self.snapshot.with_name(self.snapshot.name + ".tmp")
        with self._publish_lock:
            with self._lock:
                self._dirty = False  # a write from here on marks the store dirty for the next publish
                cur = self._con.cursor()
            try:
                self._within_limit(lambda: self._copy_to(cur, tmp), "publishing the read snapshot", cur)
                os.replace(tmp, self.snapshot)
            except (OSError, duckdb.Error) as exc:
                self._dirty = True
                # A half-written copy only takes space (the disk may be full): remove it; readers
                # keep the previous snapshot.
                for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                    try:
                        leftover.unlink(missing_ok=True)
                    except OSError:
                        pass
                clear = _unwritable(self.snapshot, exc, "the read snapshot of the store")
                if clear is None:
                    raise
                raise clear from exc
            finally:
                cur.close()
        return self.snapshot

    def _copy_to(self, con: duckdb.DuckDBPyConnection, tmp: Path) -> None:
        tmp.unlink(missing_ok=True)
        con.execute(f"ATTACH '{tmp}' AS rm_snapshot_tmp")
        try:
            con.execute(f'COPY FROM DATABASE "{self._db_name}" TO rm_snapshot_tmp')
        finally:
            con.execute("DETACH rm_snapshot_tmp")

    def _publish_loop(self, every_s: float) -> None:
        """Publish when dirty. A failure stops the loop and is raised by the next write, so a store
        whose snapshot can no longer be published fails the job instead of going silently stale.

        A copy that takes longer than a third of the interval stretches the interval to three
        times the copy, so publishing takes at most about a quarter of a core (it grows with the store)."""
        wait_s, warned = every_s, False
        while not self._closed.wait(wait_s):
            if self._dirty:
                started = time.monotonic()
                try:
                    self.publish()
                except Exception as exc:  # noqa: BLE001 - handed to the writing thread, not swallowed
                    self._publish_failure = exc
                    return
                took = time.monotonic() - started
                wait_s = publish_wait_seconds(every_s, took)
                if wait_s > every_s and not warned:
                    warned = True
                    log.warning("%s: publishing the read snapshot took %.1f s, so it is refreshed every %.1f s "
                                "instead of every %.1f s (RM_PUBLISH_EVERY_SECONDS); the copy grows with the "
                                "store", self.path.name, took, wait_s, every_s)

    def _raise_publish_failure(self) -> None:
        if self._publish_failure is not None:
            raise self._publish_failure

    def close(self) -> None:
        """Publish the final state and release the file."""
        if self._closed.is_set():
            return
        self._closed.set()
        self._publisher.join(timeout=30)
        try:
            if self._dirty:
                self.publish()
        finally:
            with self._lock:
                self._con.close()


def publish_wait_seconds(every_s: float, took_s: float) -> float:
    """The pause before the next publish: the configured interval, or three copies' time when the
    copy is slower than a third of it (publishing then takes at most a quarter of a core)."""
    return max(every_s, 3.0 * took_s)


def _merge_sql(table: str, columns: list[str], key: tuple[str, ...], rule: str) -> str:
    """INSERT ... ON CONFLICT for the merge rule (identifiers come from our schemas only)."""
    cols = ", ".join(columns)
    insert = f"INSERT INTO {table} ({cols}) SELECT {cols} FROM rm_upsert_rows ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
    others = [c for c in columns if c not in key]
    if rule == "range":
        sets = [
            "start_offset = least(start_offset, excluded.start_offset)",
            "next_offset = greatest(next_offset, excluded.next_offset)",
            *(f"{c} = excluded.{c}" for c in others if c not in ("start_offset", "next_offset")),
        ]
        return insert + ", ".join(sets)
    update = insert + ", ".join(f"{c} = excluded.{c}" for c in others)
    if rule.startswith("grows:"):
        column = rule.split(":", 1)[1]
        return f"{update} WHERE excluded.{column} >= {table}.{column}"
    return update


def _utc(value: object) -> object:
    """Datetimes in one zone (UTC), so a column becomes one tz-aware dtype for DuckDB."""
    return value.astimezone(timezone.utc) if isinstance(value, datetime) else value


_WRITERS: dict[Path, AggregateStore] = {}
_WRITERS_LOCK = threading.Lock()


def writer_for(path: Path, snapshot: Path, publish_every_s: float = 5.0,
               memory_limit_mb: int | None = None) -> AggregateStore:
    """The process's one writer for ``path`` (DuckDB allows one writing connection per process);
    the first caller's settings open it."""
    key = Path(path).resolve()
    with _WRITERS_LOCK:
        store = _WRITERS.get(key)
        if store is None:
            store = _WRITERS[key] = AggregateStore(key, snapshot, publish_every_s, memory_limit_mb=memory_limit_mb)
        return store


def close_all_writers() -> None:
    """Close every writer this process opened (publishing their final snapshots)."""
    with _WRITERS_LOCK:
        stores = list(_WRITERS.values())
        _WRITERS.clear()
    for store in stores:
        store.close()


def open_snapshot(snapshot: Path, retries: int = 20) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published snapshot, for `sql` and the dashboard."""
    snapshot = Path(snapshot)
    for attempt in range(retries):
        if not snapshot.exists():
            raise SnapshotMissingError(
                f"no published store at {snapshot}: start the pipeline (`refusal-monitor run`) and wait "
                "a few seconds, or point RM_STORE_PATH at an existing store"
            )
        try:
            return duckdb.connect(str(snapshot), read_only=True)
        except duckdb.IOException:
            # The writer swapped the file between our exists() and open(); try the new one.
            time.sleep(0.05 * (attempt + 1))
    raise TransientError(f"could not open {snapshot} read-only after {retries} attempts")

import ctypes
import sys
import threading
import time

import duckdb
import pytest

from pipelines.sql import format_table, run_query
from pipelines.store import AggregateStore, SnapshotMissingError, open_snapshot
from schemas import ConfigurationError, DeadLetter
from tests.schemas.test_aggregates import _row
from tests.conftest import utc


@pytest.fixture
def store(tmp_path):
    s = AggregateStore(tmp_path / "s.duckdb", tmp_path / "s.snapshot.duckdb", publish_every_s=0.2)
    yield s
    s.close()


def _count(snapshot, sql="SELECT sum(n_turns) FROM refusal_windows"):
    return run_query(snapshot, sql)[1][0][0]


def test_later_pane_replaces_earlier_row(store):
    store.upsert_windows([_row(n_turns=3, pane_index=0)])
    store.upsert_windows([_row(n_turns=7, pane_index=1, pane_timing="ON_TIME")])
    store.upsert_windows([_row(n_turns=7, pane_index=1, pane_timing="ON_TIME")])  # a replay
    store.publish()
    assert _count(store.snapshot) == 7
    assert run_query(store.snapshot, "SELECT count(*) FROM refusal_windows")[1] == [(1,)]


def test_within_one_batch_the_newest_pane_wins(store):
    store.upsert_windows([_row(n_turns=9, pane_index=2), _row(n_turns=3, pane_index=0)])
    store.publish()
    assert _count(store.snapshot) == 9


def test_readers_use_the_snapshot_while_the_writer_holds_the_store(store):
    store.upsert_windows([_row(n_turns=1)])
    store.publish()
    errors: list[Exception] = []
    stop = threading.Event()

    def write():
        i = 1
        while not stop.is_set():
            i += 1
            store.upsert_windows([_row(n_turns=i, pane_index=i)])

    writer = threading.Thread(target=write)
    writer.start()
    seen = []
    try:
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            try:
                seen.append(_count(store.snapshot))
            except Exception as exc:  # any reader error fails the test below
                errors.append(exc)
    finally:
        stop.set()
        writer.join()
    assert not errors
    assert len(set(seen)) > 1, "the background publisher never refreshed the snapshot"
    assert seen == sorted(seen)


def test_dead_letters_are_keyed_by_offset(store):
    dl = DeadLetter(source_topic="t", source_partition=0, source_offset=5, error_field=None, reason="not valid JSON",
                    raw_excerpt="x", raw_size=1, received_at=utc(2026, 1, 1))
    store.insert_dead_letters([dl, dl])
    store.publish()
    assert run_query(store.snapshot, "SELECT count(*), any_value(reason) FROM dead_letters")[1] == [(1, "not valid JSON")]


def test_snapshot_is_read_only(store):
    store.publish()
    con = open_snapshot(store.snapshot)
    with pytest.raises(duckdb.Error):
        con.execute("DELETE FROM refusal_windows")


def test_missing_snapshot_says_what_to_do(tmp_path):
    with pytest.raises(SnapshotMissingError, match="refusal-monitor run"):
        run_query(tmp_path / "nope.duckdb", "SELECT 1")


def test_bad_sql_is_a_clear_error(store):
    store.publish()
    with pytest.raises(ConfigurationError, match="query failed"):
        run_query(store.snapshot, "SELEC 1")


def test_format_table():
    text = format_table(["a", "bb"], [(1, None), (22, "x")])
    assert text.splitlines() == ["a   bb", "--  ----", "1   NULL", "22  x", "(2 rows)"]


def test_a_replayed_partial_pane_never_shrinks_a_complete_window(store):
    """After a crash the re-read starts each window again from zero: its early panes are smaller
    than what was landed before, and must not replace it; the final pane (as large) does."""
    store.upsert_windows([_row(n_turns=40, n_full_refusal=4, pane_index=6)])
    store.upsert_windows([_row(n_turns=12, n_full_refusal=1, pane_index=0)])  # restarted run, early pane
    store.publish()
    assert run_query(store.snapshot, "SELECT n_turns, n_full_refusal FROM refusal_windows")[1] == [(40, 4)]
    store.upsert_windows([_row(n_turns=40, n_full_refusal=4, pane_index=3, pane_timing="ON_TIME")])
    store.publish()
    assert run_query(store.snapshot, "SELECT n_turns, pane_index, pane_timing FROM refusal_windows")[1] == [(40, 3, "ON_TIME")]


def test_source_progress_widens_the_offset_range(store):
    from schemas import SourceProgress

    def progress(start, nxt):
        return SourceProgress(source_topic="t", source_partition=0, start_offset=start, next_offset=nxt,
                              updated_at=utc(2026, 11, 20, 10, 0))

    store.upsert("source_progress", [progress(10, 50)])
    store.upsert("source_progress", [progress(0, 20), progress(20, 30)])  # a re-read from the start
    store.publish()
    assert run_query(store.snapshot, "SELECT start_offset, next_offset FROM source_progress")[1] == [(0, 50)]


def test_a_snapshot_that_cannot_be_published_fails_the_next_write(tmp_path, monkeypatch):
    """The background publisher must not die silently (the dashboard would go stale unnoticed)."""
    from pipelines.store import StoreUnwritableError

    s = AggregateStore(tmp_path / "s.duckdb", tmp_path / "s.snapshot.duckdb", publish_every_s=0.05)
    published = threading.Event()

    def failing_publish():
        published.set()
        raise StoreUnwritableError("the disk holding the snapshot is full")

    monkeypatch.setattr(s, "publish", failing_publish)
    s.upsert_windows([_row(n_turns=1)])
    assert published.wait(5), "the publisher never ran"
    deadline = time.monotonic() + 5
    while s._publish_failure is None and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.raises(StoreUnwritableError, match="full"):
        s.upsert_windows([_row(n_turns=2)])
    monkeypatch.undo()
    s.close()


def _dead_letters(n: int, start: int = 0) -> list[DeadLetter]:
    return [DeadLetter(source_topic="t", source_partition=0, source_offset=start + i, error_field=None,
                       reason="not JSON", raw_excerpt="x" * 200, raw_size=900, received_at=utc(2026, 1, 1))
            for i in range(n)]


def test_the_writer_runs_under_its_memory_limit(tmp_path):
    # Without a limit DuckDB keeps what it freed (up to 80 % of RAM) and the pipeline's RSS creeps up
    # (docs/performance.md); Settings.store_memory_limit_mb reaches the writer's connection.
    s = AggregateStore(tmp_path / "m.duckdb", tmp_path / "m.snapshot.duckdb", publish_every_s=3600, memory_limit_mb=48)
    try:
        with s._lock:
            limit = s._con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        assert limit.endswith("MiB") and 40 <= float(limit.split()[0]) <= 48, limit
        s.upsert("dead_letters", _dead_letters(1_000))
        assert s.memory_limit_mb == 48
    finally:
        s.close()


def test_a_batch_bigger_than_the_memory_limit_raises_it_instead_of_failing(tmp_path, caplog):
    # 150,000 keyed rows in one transaction need more than 16 MB (DuckDB: "Out of Memory Error"): the
    # writer doubles its limit until the batch fits, says so, and every row lands and is published.
    s = AggregateStore(tmp_path / "m.duckdb", tmp_path / "m.snapshot.duckdb", publish_every_s=3600, memory_limit_mb=16)
    try:
        with caplog.at_level("WARNING", logger="pipelines.store"):
            assert s.upsert("dead_letters", _dead_letters(150_000)) == 150_000
        s.publish()
        assert s.memory_limit_mb > 16
        assert any("needs more than the writer's 16 MB memory limit" in r.getMessage() for r in caplog.records)
        assert run_query(s.snapshot, "SELECT count(*) FROM dead_letters")[1] == [(150_000,)]
    finally:
        s.close()


def test_landing_does_not_wait_for_a_publish_in_progress(tmp_path):
    # The snapshot copy takes ~2 s per million rows; it runs on its own connection (an MVCC
    # snapshot), so a batch lands while a copy is under way instead of waiting for it.
    s = AggregateStore(tmp_path / "p.duckdb", tmp_path / "p.snapshot.duckdb", publish_every_s=3600)
    entered, release = threading.Event(), threading.Event()
    copy = s._copy_to

    def slow_copy(con, tmp):
        entered.set()
        assert release.wait(30)
        copy(con, tmp)

    s._copy_to = slow_copy
    try:
        publisher = threading.Thread(target=s.publish)
        publisher.start()
        assert entered.wait(10)
        writer = threading.Thread(target=s.upsert_windows, args=([_row(n_turns=5)],))
        writer.start()
        writer.join(10)
        landed_during_the_copy = not writer.is_alive()
        release.set()
        publisher.join(30)
        writer.join(30)
        assert landed_during_the_copy
        s._copy_to = copy
        s.publish()  # the batch that landed during the copy is in the next snapshot
        assert _count(s.snapshot) == 5
    finally:
        release.set()
        s.close()


def test_a_slow_snapshot_copy_stretches_the_publish_interval():
    from pipelines.store import publish_wait_seconds

    assert publish_wait_seconds(5.0, 0.4) == 5.0
    assert publish_wait_seconds(5.0, 4.0) == 12.0  # the publisher then uses at most a quarter of a core


def _glibc_in_use_mb() -> float:
    """Bytes glibc's malloc has handed out and not got back (``mallinfo2``), in MB."""
    class MallInfo2(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in
                    "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = MallInfo2
    info = libc.mallinfo2()
    return (info.uordblks + info.hblkhd) / 2**20


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallinfo2")
def test_reopening_frees_the_heap_duckdb_keeps_per_write(tmp_path):
    """DuckDB keeps a few KB of C heap per write transaction until the database is closed (~6.6 KB
    per 20-row upsert here: +19.7 MB over 3,000 upserts of the same keys); the writer reopens its
    connection, and the same writes then leave the heap where it was."""
    s = AggregateStore(tmp_path / "r.duckdb", tmp_path / "r.snapshot.duckdb", publish_every_s=3600,
                       memory_limit_mb=64, reopen_every_s=0.25)
    try:
        for i in range(100):
            s.upsert("dead_letters", _dead_letters(20, i * 20))
        before = _glibc_in_use_mb()
        for i in range(800):
            s.upsert("dead_letters", _dead_letters(20, (i % 100) * 20))
        grown = _glibc_in_use_mb() - before
        assert s.reopened >= 3
        assert grown < 2.0, f"{grown:.1f} MB kept over 800 upserts"  # ~5 MB without reopening
        with s._lock:
            assert s._con.execute("SELECT count(*) FROM dead_letters").fetchone()[0] == 2000
    finally:
        s.close()
    with open_snapshot(tmp_path / "r.snapshot.duckdb") as con:
        assert con.execute("SELECT count(*) FROM dead_letters").fetchone()[0] == 2000


def test_a_running_snapshot_copy_postpones_the_reopen(tmp_path):
    """The copy reads through a cursor of the writer's connection: the reopen waits for a later write
    instead of closing the connection under it (and landing does not wait for the copy)."""
    s = AggregateStore(tmp_path / "p.duckdb", tmp_path / "p.snapshot.duckdb", publish_every_s=3600, reopen_every_s=0)
    try:
        with s._publish_lock:  # a copy in progress
            s.upsert("dead_letters", _dead_letters(5))
            assert s.reopened == 0
        s.upsert("dead_letters", _dead_letters(5, 5))
        assert s.reopened == 1
        s.publish()
    finally:
        s.close()
    with open_snapshot(tmp_path / "p.snapshot.duckdb") as con:
        assert con.execute("SELECT count(*) FROM dead_letters").fetchone()[0] == 10


def test_no_write_is_lost_when_the_writer_reopens_under_concurrent_landing(tmp_path):
    """Several landing threads, a publisher copying every 20 ms and a reopen every 10 ms: every
    dead letter and every window's last pane must reach the final snapshot (a soak once ended one
    record short and the reopen was a suspect)."""
    s = AggregateStore(tmp_path / "c.duckdb", tmp_path / "c.snapshot.duckdb", publish_every_s=0.02,
                       reopen_every_s=0.01)
    threads, per_thread, errors = 3, 50, []

    def land(t: int) -> None:
        try:
            for i in range(per_thread):
                s.upsert("dead_letters", _dead_letters(3, (t * per_thread + i) * 3))
                s.upsert_windows([_row(feature=f"f{t}", n_turns=i + 1, pane_index=i)])
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    workers = [threading.Thread(target=land, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    s.close()
    assert errors == []
    assert s.reopened >= 5
    assert _count(s.snapshot, "SELECT count(*) FROM dead_letters") == threads * per_thread * 3
    assert run_query(s.snapshot, "SELECT feature, n_turns FROM refusal_windows ORDER BY feature")[1] == [
        (f"f{t}", per_thread) for t in range(threads)]

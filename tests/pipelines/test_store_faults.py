"""The aggregate store under faults: a writer killed mid-write, a read-only directory, a full disk.

- SIGKILL: a child process upserts big batches (20,000 rows, ~12 MB each) with ``AggregateStore``
  in a loop, publishing snapshots every 0.3 s, and is killed with SIGKILL at random moments. The
  reopened store must hold only complete batches: every inserted batch whole or absent, every
  updated row set from one batch, and every batch the child had reported committed.
- Read-only directory and full disk: a real file system in a private mount namespace (``unshare
  --mount`` + tmpfs, mounted read-only, or small and filled with ballast), so the store sees the
  operating system's own EROFS / ENOSPC; without that privilege, a 0555 directory and a file-size
  limit (RLIMIT_FSIZE, EFBIG) stand in. Opening and publishing must raise ``StoreUnwritableError``
  (a ``RefusalMonitorError``) whose message says what to do, not a DuckDB traceback.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from pipelines.store import AggregateStore, StoreUnwritableError, open_snapshot
from tests.conftest import PROJECT_ROOT

BATCH = 20_000  # rows per upsert: half new keys, half updates of one shared key set

_WRITER = textwrap.dedent('''
    import sys
    from datetime import datetime, timezone
    from pathlib import Path
    from pipelines.store import AggregateStore
    from schemas import DeadLetter

    path, snapshot, round_id, half = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    store = AggregateStore(path, snapshot, publish_every_s=0.3)
    now = datetime.now(timezone.utc)
    pad = "x" * 480
    k = 0
    while True:
        rows = [DeadLetter(source_topic=f"{round_id}-b{k}", source_partition=0, source_offset=i, error_field=None,
                           reason=f"{round_id} batch {k}", raw_excerpt=pad, raw_size=i, received_at=now)
                for i in range(half)]
        rows += [DeadLetter(source_topic="shared", source_partition=0, source_offset=i, error_field=None,
                            reason=f"{round_id} batch {k}", raw_excerpt=pad, raw_size=i, received_at=now)
                 for i in range(half)]
        print(f"begin {k}", flush=True)
        store.upsert("dead_letters", rows)
        print(f"done {k}", flush=True)
        k += 1
''')


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}


@pytest.mark.slow
def test_sigkill_mid_write_leaves_only_complete_batches(tmp_path):
    path, half = tmp_path / "store.duckdb", BATCH // 2
    rng = random.Random(int(os.environ.get("RM_TEST_SEED", "20261128")))
    killed_mid_write = 0
    for round_id in ("r0", "r1", "r2", "r3"):
        child = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), str(tmp_path / "store.snapshot.duckdb"), round_id, str(half)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), cwd=PROJECT_ROOT,
            start_new_session=True,
        )
        done: list[int] = []
        begun: list[int] = []
        target = rng.randint(1, 3)  # kill during the write of batch `target` (after some committed ones)
        began_at, upsert_s = 0.0, 0.5
        while True:
            line = child.stdout.readline()
            assert line, f"the writer died by itself: {child.stderr.read()[-2000:]}"
            word, k = line.split()
            (done if word == "done" else begun).append(int(k))
            if word == "done":
                upsert_s = time.monotonic() - began_at  # how long a write takes on this machine
            if word == "begin":
                began_at = time.monotonic()
            if word == "begin" and int(k) == target:
                time.sleep(rng.uniform(0.05, 0.8) * upsert_s)  # somewhere inside the upsert (or a publish)
                os.killpg(child.pid, signal.SIGKILL)
                break
        child.wait(timeout=30)
        rest = child.stdout.read().split()
        done += [int(k) for w, k in zip(rest[::2], rest[1::2]) if w == "done"]
        in_flight = [k for k in begun if k not in done]
        killed_mid_write += bool(in_flight)

        store = AggregateStore(path, tmp_path / "check.snapshot.duckdb", publish_every_s=60)
        try:
            con = store._con
            per_batch = dict(con.execute(
                "SELECT source_topic, count(*) FROM dead_letters WHERE source_topic LIKE ? GROUP BY 1",
                [f"{round_id}-%"]).fetchall())
            shared = con.execute(
                "SELECT reason, count(*) FROM dead_letters WHERE source_topic = 'shared' GROUP BY 1").fetchall()
        finally:
            store.close()
        print(f"{round_id}: committed {done}, in flight at the kill {in_flight}, found {sorted(per_batch)}")
        assert all(n == half for n in per_batch.values()), f"a half-applied batch: {per_batch}"
        assert {f"{round_id}-b{k}" for k in done} <= set(per_batch), "a committed batch was lost"
        assert set(per_batch) <= {f"{round_id}-b{k}" for k in begun}
        assert len(shared) == 1 and shared[0][1] == half, f"updated rows from several batches: {shared}"
        assert shared[0][0] in {f"{round_id} batch {k}" for k in begun}
        # The killed writer's last published snapshot is whole (renamed atomically) and readable.
        snap = open_snapshot(tmp_path / "store.snapshot.duckdb")
        try:
            counts = snap.execute("SELECT source_topic, count(*) FROM dead_letters GROUP BY 1").fetchall()
        finally:
            snap.close()
        assert all(n == half for _, n in counts)
    assert killed_mid_write >= 3, "the kills should land inside a write"


# -- read-only directory and full disk ------------------------------------------------------------

_PROBE = textwrap.dedent('''
    import json, sys
    from pathlib import Path
    from pipelines.store import AggregateStore

    def attempt(what, fn):
        try:
            fn()
            print(json.dumps({"what": what, "ok": True}), flush=True)
        except Exception as exc:
            print(json.dumps({"what": what, "ok": False, "type": type(exc).__name__,
                              "mro": [c.__name__ for c in type(exc).__mro__], "message": str(exc)}), flush=True)
''')

_CAN_UNSHARE = shutil.which("unshare") is not None and subprocess.run(
    ["unshare", "--mount", "--propagation", "private", "true"], capture_output=True).returncode == 0


def _probe(script: str, setup_shell: str) -> list[dict]:
    """Run ``_PROBE + script``, after ``setup_shell`` in a private mount namespace when we may."""
    code = _PROBE + textwrap.dedent(script)
    cmd = [sys.executable, "-c", code]
    if _CAN_UNSHARE:
        cmd = ["unshare", "--mount", "--propagation", "private", "sh", "-ec", f'{setup_shell}\nexec "$@"', "sh", *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, env=_env(), cwd=PROJECT_ROOT, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def _assert_clear(result: dict, *words: str) -> None:
    assert not result["ok"], f"{result['what']}: expected a clear error, it succeeded"
    assert result["type"] == StoreUnwritableError.__name__ and "RefusalMonitorError" in result["mro"], result
    for word in words:
        assert word in result["message"], result["message"]
    assert "Traceback" not in result["message"]


def test_read_only_directory_gives_a_clear_error(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    # a store made while the directory was writable, then the directory turns read-only
    AggregateStore(ro / "old.duckdb", ro / "old.snapshot.duckdb").close()
    if _CAN_UNSHARE:
        setup = f"mount --bind {ro} {ro}\nmount -o remount,bind,ro {ro}"  # EROFS, even for root
    elif os.geteuid() != 0:
        ro.chmod(0o555)
        setup = ""
    else:
        pytest.fail("as root without unshare a read-only directory cannot be made here")
    try:
        results = _probe(f'''
            ro = Path({str(ro)!r})
            attempt("new store", lambda: AggregateStore(ro / "sub" / "new.duckdb", ro / "sub" / "new.snapshot.duckdb"))
            attempt("new file", lambda: AggregateStore(ro / "new.duckdb", ro / "new.snapshot.duckdb"))
            attempt("existing store", lambda: AggregateStore(ro / "old.duckdb", ro / "old.snapshot.duckdb"))
        ''', setup)
    finally:
        ro.chmod(0o755)
    assert [r["what"] for r in results] == ["new store", "new file", "existing store"]
    for result in results:
        print(result["what"], "->", result["message"])
        _assert_clear(result, "read-only", "RM_STORE_PATH")


def test_full_disk_gives_a_clear_error_and_the_store_recovers(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    # With a private mount namespace the disk is a 48 MiB tmpfs that ballast fills (ENOSPC);
    # without, a per-file size limit (RLIMIT_FSIZE: EFBIG, "File too large") stands in for it.
    setup = f"mount -t tmpfs -o size=48m tmpfs {disk}" if _CAN_UNSHARE else ""
    results = _probe(f'''
        import os, resource, signal
        from datetime import datetime, timezone
        from schemas import DeadLetter
        disk, limit_only = Path({str(disk)!r}), {not _CAN_UNSHARE!r}
        store = AggregateStore(disk / "s.duckdb", disk / "s.snapshot.duckdb", publish_every_s=3600)
        now = datetime.now(timezone.utc)
        rows = [DeadLetter(source_topic="t", source_partition=0, source_offset=i, error_field=None, reason="r",
                           raw_excerpt=os.urandom(200).hex(), raw_size=i, received_at=now) for i in range(20_000)]
        store.upsert("dead_letters", rows)
        ballast = disk / "ballast"
        if limit_only:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 10, resource.RLIM_INFINITY))
        else:  # fill what is left of the disk, as another program would
            try:
                with open(ballast, "wb") as fh:
                    while True:
                        fh.write(bytes(1 << 20)); fh.flush()
            except OSError:
                pass
        attempt("publish on a full disk", store.publish)
        more = [r.model_copy(update={{"source_offset": 100_000 + r.source_offset}}) for r in rows[:5_000]]
        attempt("upsert on a full disk", lambda: store.upsert("dead_letters", more))
        print(json.dumps({{"what": "leftover", "files": sorted(p.name for p in disk.iterdir())}}), flush=True)
        attempt("new store on a full disk", lambda: AggregateStore(disk / "n.duckdb", disk / "n.snapshot.duckdb"))
        if limit_only:
            resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        else:
            ballast.unlink()
        attempt("publish after space was freed", store.publish)
        attempt("upsert after space was freed", lambda: store.upsert("dead_letters", more))
        store.close()
    ''', setup)
    by_what = {r["what"]: r for r in results}
    print(json.dumps(by_what, indent=1)[:3000])
    _assert_clear(by_what["publish on a full disk"], "full", "RM_STORE_PATH", "Free space")
    assert not any(f.endswith(".tmp") for f in by_what["leftover"]["files"]), "a half-written snapshot was left behind"
    _assert_clear(by_what["new store on a full disk"], "full", "RM_STORE_PATH")
    assert by_what["publish after space was freed"]["ok"], by_what["publish after space was freed"]
    _assert_clear(by_what["upsert on a full disk"], "full", "RM_STORE_PATH")
    assert by_what["upsert after space was freed"]["ok"], by_what["upsert after space was freed"]

#!/usr/bin/env python
"""Pipeline throughput: turns per second from the real broker into the aggregate store.

Produces a backlog of ``--turns`` generated turns (``--partitions`` partitions, with malformed and
late ones) to a broker of its own, then, in the same run and on the same backlog:

- **beam**: the streaming job on Prism, bounded to the topic's end (`refusal-monitor backfill`'s
  mode), LOOPBACK workers in this process; timed from submission to the last landing (includes
  Prism's start-up, reported apart).
- **reference**: the same work without Beam (`pipelines/reference.py`: a plain Kafka consumer,
  the same lateness rule, parse, detectors and combiners, then the same DuckDB landing).

The ratio shows what the framework costs.

Workers (``--workers 1,2``; ``--workers 1`` skips the scaling columns), the same backlog again:

- **reference, N processes**: N worker processes, each reading its share of the partitions (as a
  consumer group would assign them) and doing lateness + parse + detectors + combine into
  accumulators; the parent merges the accumulators (``CombineFn.merge_accumulators``: exact, turn
  ids de-duplicated across workers) and lands once. Timed from spawning to landed.
- **beam, LOOPBACK + --sdk_worker_parallelism=N**: the option Beam offers for more SDK workers. With
  LOOPBACK every SDK worker is a thread of this one process (one GIL), so no CPU parallelism.
- **beam, N pipeline processes**: N `run` processes (each its own Prism) on disjoint partitions,
  each landing into its own store. The fastest Beam can go on this machine without changing the
  landing; the N stores' rows are not one product (distinct conversations and latency quantiles of
  a window split across stores do not add up; see docs/performance.md), so it is a throughput
  figure only. Counts are checked: the stores' n_turns sum to the reference's.

Prints a table and writes JSON.

Usage: .venv/bin/python benchmarks/bench_pipeline.py [--turns 20000] [--partitions 4] [--workers 1,2]
       [--out FILE.json]
"""
from __future__ import annotations

import argparse
import atexit
import json
import multiprocessing
import os
import platform
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.local_kafka import local_kafka  # noqa: E402
from infra import ensure_prism  # noqa: E402
from pipelines.generator import GeneratorConfig, generate_records, produce  # noqa: E402
from pipelines.kafka_source import ReadBounds  # noqa: E402
from pipelines.reference import accumulate, extract, merge, read_topic, recompute, window_rows  # noqa: E402
from pipelines.sql import run_query  # noqa: E402
from pipelines.store import AggregateStore  # noqa: E402
from pipelines.streaming import RunMode, run  # noqa: E402


def _beam(settings, prism: str, tag: str = "beam", bounds: ReadBounds = ReadBounds(),
          extra_args: list[str] | None = None) -> dict:
    """The job on Prism to the topic's end (``backfill``'s mode) into a store of its own: seconds from
    submission to the last landing, this process's CPU (the LOOPBACK worker is in it), turns counted."""
    store = settings.model_copy(update={"store_path": settings.home / f"{tag}.duckdb"})
    started, cpu0 = time.monotonic(), time.process_time()
    run(store, RunMode(stop_at_end=True, bounds=bounds, publish_dead_letters=False), prism_path=prism,
        extra_args=extra_args)
    elapsed = time.monotonic() - started
    _, [(turns,)] = run_query(store.snapshot_file, "SELECT coalesce(sum(n_turns), 0) FROM refusal_windows")
    return {"seconds": round(elapsed, 2), "cpu_s_driver": round(time.process_time() - cpu0, 2),
            "turns_counted": int(turns)}


def _land(settings, name: str, result: dict) -> None:
    """The reference's landing: its windows upserted into a store of its own, as the pipeline lands them."""
    store = AggregateStore(settings.home / f"{name}.duckdb", settings.home / f"{name}.snapshot.duckdb",
                           memory_limit_mb=settings.store_memory_limit_mb)
    try:
        store.upsert("refusal_windows", window_rows(result, settings.window_seconds))
    finally:
        store.close()


def _reference(settings) -> dict:
    started = time.monotonic()
    records = read_topic(settings)
    read_s = time.monotonic() - started
    result = recompute(records, settings.window_seconds, settings.allowed_lateness_seconds, settings.samples_per_window)
    _land(settings, "reference", result)
    elapsed = time.monotonic() - started
    return {"seconds": round(elapsed, 2), "read_seconds": round(read_s, 2),
            "turns_counted": sum(w["n_turns"] for w in result["windows"].values())}


def _prism_startup(settings, prism: str) -> float:
    """Seconds Prism takes to run an empty bounded job (start-up and shutdown), to report apart."""
    empty = settings.model_copy(update={"topic_turns": settings.topic_turns + "-empty",
                                        "store_path": settings.home / "empty.duckdb"})
    from infra import ensure_topics

    ensure_topics(empty)
    started = time.monotonic()
    run(empty, RunMode(stop_at_end=True, publish_dead_letters=False), prism_path=prism)
    return time.monotonic() - started


# -- workers ---------------------------------------------------------------------------------------
def _partition_ends(settings) -> dict[int, int]:
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({**settings.kafka_client_config(), "group.id": f"bench-ends-{time.time_ns()}"})
    try:
        meta = consumer.list_topics(settings.topic_turns, timeout=30).topics[settings.topic_turns]
        return {p: consumer.get_watermark_offsets(TopicPartition(settings.topic_turns, p), timeout=30)[1]
                for p in sorted(meta.partitions)}
    finally:
        consumer.close()


def _shares(partitions: list[int], n: int) -> list[list[int]]:
    """Partitions dealt round-robin to ``n`` workers (what a consumer group's assignor does)."""
    return [partitions[i::n] for i in range(n)]


def _reference_part(settings, partitions: list[int]) -> dict:
    """One reference worker: read ``partitions`` and fold them into the combiners' accumulators
    (``pipelines.reference.accumulate``; the parent merges the workers' accumulators and extracts once)."""
    wall0, cpu0 = time.monotonic(), time.process_time()
    records = read_topic(settings, partitions=partitions)
    read_s = time.monotonic() - wall0
    acc = accumulate(records, settings.window_seconds, settings.allowed_lateness_seconds, settings.samples_per_window)
    return {"acc": acc, "records": len(records), "read_s": round(read_s, 2),
            "wall_s": round(time.monotonic() - wall0, 2), "cpu_s": round(time.process_time() - cpu0, 2)}


def _child(fn_name: str, args: tuple, ready, go, results, index: int) -> None:
    """A worker process: imports done, says ready, waits for the start signal, works, reports."""
    fn = globals()[fn_name]
    ready.put(index)
    go.wait()
    try:
        results.put((index, fn(*args), None))
    except BaseException as exc:  # reported to the parent, which fails the column
        results.put((index, None, f"{type(exc).__name__}: {exc}"))
    finally:
        # multiprocessing ends a child with os._exit, which skips atexit: Beam stops the Prism
        # process it started from there, so run them, or every Beam column leaves a Prism behind.
        atexit._run_exitfuncs()


def _in_processes(fn_name: str, arg_list: list[tuple]) -> tuple[list, float, float]:
    """Run ``fn_name(*args)`` for each args in its own (spawned) process, all started at once after
    every process has imported what it needs; returns (results, seconds from the start signal to the
    last result, seconds the processes took to spawn and import)."""
    ctx = multiprocessing.get_context("spawn")
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    spawn0 = time.monotonic()
    procs = [ctx.Process(target=_child, args=(fn_name, a, ready, go, results, i)) for i, a in enumerate(arg_list)]
    for proc in procs:
        proc.start()
    for _ in procs:
        ready.get(timeout=300)
    spawn_s = time.monotonic() - spawn0
    started = time.monotonic()
    go.set()
    out: list = [None] * len(procs)
    for _ in procs:
        i, value, error = results.get(timeout=1800)
        if error:
            raise RuntimeError(f"{fn_name} worker {i}: {error}")
        out[i] = value
    elapsed = time.monotonic() - started
    for proc in procs:
        proc.join(60)
    return out, elapsed, spawn_s


def _reference_workers(settings, n: int) -> dict:
    """``n`` reference worker processes on disjoint partitions, accumulators merged, landed once."""
    partitions = sorted(_partition_ends(settings))
    parts, work_s, spawn_s = _in_processes("_reference_part", [(settings, share) for share in _shares(partitions, n)])
    merge_start = time.monotonic()
    k = settings.samples_per_window
    result = extract(merge([part["acc"] for part in parts], k), k)
    _land(settings, f"reference-w{n}", result)
    merge_s = time.monotonic() - merge_start
    return {"processes": n, "seconds": round(work_s + merge_s, 2), "spawn_and_import_s": round(spawn_s, 2),
            "merge_and_land_s": round(merge_s, 2),
            "per_worker": [{k: p[k] for k in ("records", "read_s", "wall_s", "cpu_s")} for p in parts],
            "turns_counted": sum(w["n_turns"] for w in result["windows"].values())}


def _beam_part(settings, owned: list[int], ends: dict[int, int], prism: str, tag: str) -> dict:
    """One Beam pipeline process reading only ``owned`` partitions (the others as empty ranges)."""
    others = {p: e for p, e in ends.items() if p not in owned}
    got = _beam(settings, prism, tag, ReadBounds(from_offsets=others or None, to_offsets=others or None))
    return {"partitions": owned, "wall_s": got["seconds"], "cpu_s_driver": got["cpu_s_driver"],
            "turns_counted": got["turns_counted"]}


def _beam_processes(settings, n: int, prism: str) -> dict:
    ends = _partition_ends(settings)
    parts, seconds, spawn_s = _in_processes("_beam_part", [(settings, share, ends, prism, f"beam-p{n}-{i}")
                                                           for i, share in enumerate(_shares(sorted(ends), n))])
    return {"processes": n, "seconds": round(seconds, 2), "spawn_and_import_s": round(spawn_s, 2), "per_process": parts,
            "turns_counted": sum(p["turns_counted"] for p in parts)}


def _beam_parallelism(settings, prism: str, n: int) -> dict:
    return {"sdk_worker_parallelism": n,
            **_beam(settings, prism, f"beam-sdkpar{n}", extra_args=[f"--sdk_worker_parallelism={n}"])}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--turns", type=int, default=20_000)
    ap.add_argument("--partitions", type=int, default=4, help="partitions of the turns topic (even: 2 workers share it)")
    ap.add_argument("--workers", default="1,2", help="worker counts for the scaling columns ('1' skips them)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "pipeline.json")
    args = ap.parse_args()
    workers = sorted({int(w) for w in args.workers.split(",") if w.strip()})
    load_start = os.getloadavg()
    with local_kafka(window_seconds=300, turns_partitions=args.partitions) as settings:
        start = datetime.now(timezone.utc) - timedelta(hours=1)  # event times in the past hour (Kafka refuses future ones)
        report = produce(generate_records(GeneratorConfig(count=args.turns, seed=3, start=start, span_seconds=3500)),
                         settings.kafka_client_config(), settings.topic_turns)
        assert report.failed == 0, report.errors[:3]
        prism = str(ensure_prism(settings))
        print(f"backlog of {args.turns} turns produced ({args.partitions} partitions); measuring ...", flush=True)
        startup = _prism_startup(settings, prism)
        beam = _beam(settings, prism)
        ref_cpu0 = time.process_time()
        reference = _reference(settings)
        reference["cpu_s"] = round(time.process_time() - ref_cpu0, 2)
        scaling: dict = {"reference": {}, "beam_sdk_worker_parallelism": {}, "beam_processes": {}}
        if workers != [1]:
            for n in workers:
                print(f"  reference with {n} worker process(es) ...", flush=True)
                scaling["reference"][str(n)] = _reference_workers(settings, n)
            for n in workers:
                if n > 1:
                    print(f"  beam LOOPBACK with --sdk_worker_parallelism={n} ...", flush=True)
                    scaling["beam_sdk_worker_parallelism"][str(n)] = _beam_parallelism(settings, prism, n)
            for n in workers:
                print(f"  beam as {n} pipeline process(es) ...", flush=True)
                scaling["beam_processes"][str(n)] = _beam_processes(settings, n, prism)
    load_end = os.getloadavg()
    beam["turns_per_s"] = round(args.turns / beam["seconds"])
    beam["turns_per_s_after_startup"] = round(args.turns / max(beam["seconds"] - startup, 1e-9))
    reference["turns_per_s"] = round(args.turns / reference["seconds"])
    for group in scaling.values():
        for col in group.values():
            col["turns_per_s"] = round(args.turns / col["seconds"])
    for n, col in scaling["beam_processes"].items():
        col["turns_per_s_after_startup"] = round(args.turns / max(col["seconds"] - startup, 1e-9))
    figures = {
        "measured": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "turns": args.turns, "partitions": args.partitions, "prism_startup_s": round(startup, 2),
        "beam": beam, "reference": reference,
        "beam_over_reference": round(beam["turns_per_s_after_startup"] / reference["turns_per_s"], 3),
        "scaling": scaling,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "loadavg_start": [round(x, 2) for x in load_start], "loadavg_end": [round(x, 2) for x in load_end]},
    }
    for name, group in scaling.items():
        for n, col in group.items():
            figures.setdefault("counts_agree", True)
            if col["turns_counted"] != reference["turns_counted"]:
                figures["counts_agree"] = False
                print(f"WARNING: {name} x{n} counted {col['turns_counted']}, reference {reference['turns_counted']}")
    assert beam["turns_counted"] == reference["turns_counted"], "the two paths counted different totals"
    _print(figures, startup)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if figures.get("counts_agree", True) else 1


def _print(f: dict, startup: float) -> None:
    beam, reference = f["beam"], f["reference"]
    print(f"\n{'path':<44}{'seconds':>9}{'turns/s':>10}")
    print(f"{'beam (1 worker, LOOPBACK)':<44}{beam['seconds']:>9}{beam['turns_per_s']:>10}   "
          f"({beam['turns_per_s_after_startup']}/s after {startup:.1f}s of Prism start-up)")
    print(f"{'reference (in-process)':<44}{reference['seconds']:>9}{reference['turns_per_s']:>10}")
    print(f"beam / reference = {f['beam_over_reference']}  (load average {f['machine']['loadavg_start']} -> "
          f"{f['machine']['loadavg_end']}, {f['machine']['cpus']} cpus)")
    s = f["scaling"]
    if any(s.values()):
        print(f"\n{'workers':<44}{'seconds':>9}{'turns/s':>10}{'speed-up':>10}")
        for name, group, label in (("reference", s["reference"], "reference, {n} process(es)"),
                                   ("sdk", s["beam_sdk_worker_parallelism"], "beam LOOPBACK, --sdk_worker_parallelism={n}"),
                                   ("procs", s["beam_processes"], "beam, {n} pipeline process(es)")):
            base = (s["reference"].get("1") if name == "reference" else
                    {"seconds": beam["seconds"]} if name == "sdk" else s["beam_processes"].get("1"))
            for n, col in group.items():
                speed = f"{base['seconds'] / col['seconds']:.2f}x" if base else "-"
                print(f"{label.format(n=n):<44}{col['seconds']:>9}{col['turns_per_s']:>10}{speed:>10}")


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python
"""Pipeline throughput: turns per second from the real broker into the aggregate store.

Produces a backlog of ``--turns`` generated turns (3 partitions, with malformed and late ones) to a
broker of its own, then, in the same run and on the same backlog:

- **beam**: the streaming job on Prism, bounded to the topic's end (`refusal-monitor backfill`'s
  mode), LOOPBACK workers in this process; timed from submission to the last landing (includes
  Prism's start-up, reported apart).
- **reference**: the same work without Beam (`pipelines/reference.py`: a plain Kafka consumer,
  the same lateness rule, parse, detectors and combiners, then the same DuckDB landing).

The ratio shows what the framework costs. Prints a table and writes JSON.

Usage: .venv/bin/python benchmarks/bench_pipeline.py [--turns 20000] [--out FILE.json]
"""
from __future__ import annotations

import argparse
import json
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
from pipelines.reference import read_topic, recompute, window_rows  # noqa: E402
from pipelines.sql import run_query  # noqa: E402
from pipelines.store import AggregateStore  # noqa: E402
from pipelines.streaming import RunMode, run  # noqa: E402


def _beam(settings, prism: str) -> dict:
    store = settings.model_copy(update={"store_path": settings.home / "beam.duckdb"})
    started = time.monotonic()
    run(store, RunMode(stop_at_end=True, publish_dead_letters=False), prism_path=prism)
    elapsed = time.monotonic() - started
    _, [(turns,)] = run_query(store.snapshot_file, "SELECT sum(n_turns) FROM refusal_windows")
    return {"seconds": round(elapsed, 2), "turns_counted": int(turns)}


def _reference(settings) -> dict:
    started = time.monotonic()
    records = read_topic(settings)
    read_s = time.monotonic() - started
    result = recompute(records, settings.window_seconds, settings.allowed_lateness_seconds, settings.samples_per_window)
    store = AggregateStore(settings.home / "reference.duckdb", settings.home / "reference.snapshot.duckdb")
    try:
        store.upsert("refusal_windows", window_rows(result, settings.window_seconds))
    finally:
        store.close()
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--turns", type=int, default=20_000)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "pipeline.json")
    args = ap.parse_args()
    with local_kafka(window_seconds=300) as settings:
        start = datetime.now(timezone.utc) - timedelta(hours=1)  # event times in the past hour (Kafka refuses future ones)
        report = produce(generate_records(GeneratorConfig(count=args.turns, seed=3, start=start, span_seconds=3500)),
                         settings.kafka_client_config(), settings.topic_turns)
        assert report.failed == 0, report.errors[:3]
        prism = str(ensure_prism(settings))
        print(f"backlog of {args.turns} turns produced; measuring ...", flush=True)
        startup = _prism_startup(settings, prism)
        beam = _beam(settings, prism)
        reference = _reference(settings)
    beam["turns_per_s"] = round(args.turns / beam["seconds"])
    beam["turns_per_s_after_startup"] = round(args.turns / max(beam["seconds"] - startup, 1e-9))
    reference["turns_per_s"] = round(args.turns / reference["seconds"])
    figures = {
        "turns": args.turns, "prism_startup_s": round(startup, 2), "beam": beam, "reference": reference,
        "beam_over_reference": round(beam["turns_per_s_after_startup"] / reference["turns_per_s"], 3),
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
    }
    assert beam["turns_counted"] == reference["turns_counted"], "the two paths counted different totals"
    print(f"{'path':<12}{'seconds':>9}{'turns/s':>10}")
    print(f"{'beam':<12}{beam['seconds']:>9}{beam['turns_per_s']:>10}   ({beam['turns_per_s_after_startup']}/s after "
          f"{startup:.1f}s of Prism start-up)")
    print(f"{'reference':<12}{reference['seconds']:>9}{reference['turns_per_s']:>10}")
    print(f"beam / reference = {figures['beam_over_reference']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python
"""How long a data-quality check takes on a week of 5-minute windows for 20 keys.

Builds a real DuckDB store with ``AggregateStore`` (7 days x 288 windows x 20 keys = 40,320 rows of
refusal_windows), then times: importing Great Expectations (paid once per process), reading the
snapshot into frames, and the full aggregate check (windows + volume suites); plus the input suite on a
micro-batch of 1,500 raw messages (3 partitions x 500, the default sample).

Usage: .venv/bin/python benchmarks/bench_quality.py [--days 7] [--keys 20] [--repeat 3] [--out FILE.json]
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines.quality.frames import RawMessage, volume_frame, windows_frame  # noqa: E402
from pipelines.store import AggregateStore, open_snapshot  # noqa: E402
from schemas import WindowAggregate  # noqa: E402
from schemas.quality import QualityThresholds  # noqa: E402

WINDOW_S = 300


def build_store(directory: Path, days: int, n_keys: int, now: datetime) -> AggregateStore:
    n_windows = days * 86_400 // WINDOW_S
    first = now - timedelta(seconds=60 + n_windows * WINDOW_S)
    keys = [(f"assistant-v{k % 4}", f"feature_{k // 4}") for k in range(n_keys)]
    store = AggregateStore(directory / "bench.duckdb", directory / "bench.snapshot.duckdb", publish_every_s=3600)
    batch: list[WindowAggregate] = []
    for i in range(n_windows):
        start = first + timedelta(seconds=i * WINDOW_S)
        for k, (mv, feat) in enumerate(keys):
            n = 30 + (i * 7 + k * 13) % 40
            full = n // 10
            batch.append(WindowAggregate(
                window_start=start, window_end=start + timedelta(seconds=WINDOW_S), model_version=mv, feature=feat,
                detector_version="d1", n_turns=n, n_full_refusal=full, n_partial_refusal=1, n_clarification=1,
                n_compliance=n - full - 2, n_with_trigger=n // 4, n_refused_with_trigger=min(full + 1, n // 4),
                n_benign_prompt=n - 2, n_over_refusal_suspect=1, n_benign_with_trigger=n // 4 - 1,
                n_suspect_with_trigger=1, n_conversations=n - n // 5, pane_timing="ON_TIME", pane_index=1,
                updated_at=start + timedelta(seconds=WINDOW_S + 5)))
        if len(batch) >= 10_000:
            store.upsert_windows(batch)
            batch = []
    store.upsert_windows(batch)
    store.publish()
    return store


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--keys", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    now = datetime.now(timezone.utc)
    thresholds = QualityThresholds()
    figures: dict[str, object] = {"days": args.days, "keys": args.keys, "python": platform.python_version(),
                                  "machine": platform.machine(), "processor": platform.processor() or "?"}

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        store = build_store(Path(tmp), args.days, args.keys, now)
        figures["build_store_s"] = round(time.perf_counter() - t, 2)
        con = open_snapshot(store.snapshot)
        figures["rows"] = con.execute("SELECT count(*) FROM refusal_windows").fetchone()[0]
        t = time.perf_counter()
        windows, volume = windows_frame(con, WINDOW_S), volume_frame(con, WINDOW_S, thresholds)
        figures["read_frames_s"] = round(time.perf_counter() - t, 3)
        con.close()

        t = time.perf_counter()
        import great_expectations  # noqa: F401  (paid once per process)
        figures["import_great_expectations_s"] = round(time.perf_counter() - t, 2)

        from pipelines.quality.run import check_aggregates, check_inputs

        runs = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            results = check_aggregates(store.snapshot, WINDOW_S, "bench", now, thresholds)
            runs.append(time.perf_counter() - t)
        failed = [r.expectation for r in results if not r.success]
        figures["aggregate_check_s"] = {"median": round(statistics.median(runs), 3), "min": round(min(runs), 3),
                                        "max": round(max(runs), 3), "runs": args.repeat}
        figures["aggregate_expectations"] = len(results)
        figures["aggregate_failed"] = failed
        store.close()

    messages = [RawMessage(json.dumps({
        "turn_id": f"t{i}", "conversation_id": "c", "timestamp": (now - timedelta(seconds=i % 600)).isoformat(),
        "model_version": "assistant-v1", "feature": "feature_0", "prompt": "How do I kill a process?" * 3,
        "response": "Use kill -9 PID." * 5}).encode(), i % 3, i) for i in range(1500)]
    runs = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        res = check_inputs(messages, "bench", now, thresholds, ["assistant-v1"], ["feature_0"])
        runs.append(time.perf_counter() - t)
    figures["input_check_1500_messages_s"] = {"median": round(statistics.median(runs), 3), "min": round(min(runs), 3)}
    figures["input_failed"] = [r.expectation for r in res if not r.success]

    print(json.dumps(figures, indent=2))
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

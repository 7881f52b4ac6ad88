#!/usr/bin/env python
"""Freshness: time from a turn being produced to it being visible in `refusal-monitor sql`.

Starts its own Kafka broker (free ports, temporary home) and the pipeline (`refusal-monitor run`,
its own process, default early firing and publishing), produces background traffic at ``--rate``
turns/s, and every ``--probe-every`` seconds one probe turn under a feature of its own. It then polls
the published snapshot exactly as `refusal-monitor sql` does (``pipelines.sql.run_query``) until the
probe's window row appears, and reports p50/p95/max of produce-to-visible.

Usage: .venv/bin/python benchmarks/bench_freshness.py [--rate 200] [--seconds 150] [--out FILE.json]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from confluent_kafka import Producer  # noqa: E402

from benchmarks.local_kafka import local_kafka, start_cli, stop  # noqa: E402
from pipelines.generator import GeneratorConfig, generate_records, produce  # noqa: E402
from pipelines.sql import run_query  # noqa: E402
from schemas.errors import TransientError  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rate", type=float, default=200.0, help="background turns per second")
    ap.add_argument("--seconds", type=float, default=150.0, help="how long to probe")
    ap.add_argument("--probe-every", type=float, default=3.0)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "freshness.json")
    args = ap.parse_args()

    with local_kafka() as settings:
        return _probe(settings, args)


def _probe(settings, args) -> int:
    home = settings.home
    pipeline = start_cli(settings, "pipeline", "run")
    n_background = int(args.rate * (args.seconds + 60))
    background = threading.Thread(target=lambda: produce(
        generate_records(GeneratorConfig(count=n_background, live=True, malformed_share=0, late_share=0)),
        settings.kafka_client_config(), settings.topic_turns, rate_per_s=args.rate), daemon=True)
    results: list[float] = []
    pending: dict[str, float] = {}
    try:
        background.start()
        producer = Producer(settings.kafka_client_config())
        start, i, next_probe = time.monotonic(), 0, 0.0
        print(f"probing for {args.seconds:.0f}s at {args.rate:.0f} turns/s background ...", flush=True)
        while time.monotonic() - start < args.seconds or (pending and time.monotonic() - start < args.seconds + 120):
            now = time.monotonic()
            if now >= next_probe and now - start < args.seconds:
                feature = f"probe-{i}"
                turn = {"turn_id": f"probe-{i}", "conversation_id": "probe", "model_version": "probe",
                        "feature": feature, "timestamp": datetime.now(timezone.utc).isoformat(),
                        "prompt": "How do I kill a Python process?", "response": "Use kill <pid>."}
                producer.produce(settings.topic_turns, value=json.dumps(turn).encode())
                producer.flush(10)
                pending[feature] = time.monotonic()
                i, next_probe = i + 1, now + args.probe_every
            if pending:
                try:
                    _, rows = run_query(settings.snapshot_file,
                                        "SELECT feature FROM refusal_windows WHERE model_version = 'probe'")
                except TransientError:
                    rows = []
                seen = time.monotonic()
                for (feature,) in rows:
                    if feature in pending:
                        results.append(seen - pending.pop(feature))
            time.sleep(0.2)
    finally:
        stop(pipeline)
    if not results:
        print("no probe became visible; see", home / "pipeline.log")
        return 1
    q = statistics.quantiles(results, n=20, method="inclusive") if len(results) >= 2 else results * 19
    figures = {"measured": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
               "loadavg": [round(x, 2) for x in os.getloadavg()], "rate_per_s": args.rate, "probes": len(results), "never_visible": len(pending),
               "p50_s": round(statistics.median(results), 2), "p95_s": round(q[18], 2), "max_s": round(max(results), 2),
               "early_firing_seconds": settings.early_firing_seconds, "publish_every_seconds": settings.publish_every_seconds}
    print("\n".join(f"{k:>22}: {v}" for k, v in figures.items()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

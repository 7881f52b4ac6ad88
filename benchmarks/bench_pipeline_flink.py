#!/usr/bin/env python
"""Pipeline throughput on Flink (parallelism 1 and 2) beside Prism: turns/s to drain a backlog.

Starts its own Kafka broker (free ports, temporary home), produces ``--turns`` turns (with the
generator's malformed and late shares) into a fresh topic, then for each column runs
``refusal-monitor run`` (its own process) over that backlog into a fresh store and polls the
published snapshot until every record read is accounted for (``pipelines.conservation.balance``:
read = counted + dead-lettered + too late + duplicates, and read = the backlog). It reports

- ``turns_per_s``: backlog / (all accounted - first record landed), the steady processing rate;
- ``wall_s``: process start to all accounted (job submission, job-server and cluster start-up included).

Columns: ``prism`` (the local runner, for reference), ``flink-p1`` and ``flink-p2`` (Beam's portable
Flink runner, embedded cluster, LOOPBACK workers). A Flink column whose job server jar cannot be had
(docs/decisions/flink-runner.md) is printed as ``not run`` with the reason, and the script exits 1.

Usage: .venv/bin/python benchmarks/bench_pipeline_flink.py [--turns 20000] [--columns prism,flink-p1,flink-p2]
       [--out FILE.json]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.local_kafka import local_kafka, start_cli, stop  # noqa: E402
from infra import ensure_prism  # noqa: E402
from infra.flink_job_server import FlinkJobServerUnavailable, ensure_flink_job_server  # noqa: E402
from pipelines.conservation import balance  # noqa: E402
from pipelines.generator import GeneratorConfig, generate_records, produce  # noqa: E402
from schemas import Settings  # noqa: E402


def _drain(settings: Settings, backlog: int, args: list[str], log: Path, timeout_s: float) -> dict:
    """Run the job over the backlog; seconds to the first landed record and to all accounted."""
    started = time.monotonic()
    job = start_cli(settings, log.stem, "run", *args)
    first = None
    try:
        while time.monotonic() - started < timeout_s:
            if job.poll() is not None:
                raise RuntimeError(f"the job exited ({job.returncode}); see {log}")
            try:
                b = balance(settings.snapshot_file)
            except Exception:  # nothing published yet
                b = None
            now = time.monotonic()
            if b is not None and b.read > 0 and first is None:
                first = now
            if b is not None and b.read == backlog and b.holds:
                return {"first_landed_s": round(first - started, 1), "wall_s": round(now - started, 1),
                        "turns_per_s": round(backlog / max(now - first, 1e-9), 1)}
            time.sleep(0.5)
        raise RuntimeError(f"not drained within {timeout_s:.0f}s; see {log}")
    finally:
        stop(job)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--turns", type=int, default=20000)
    ap.add_argument("--columns", default="prism,flink-p1,flink-p2")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per column")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "pipeline_flink.json")
    args = ap.parse_args()

    results: dict[str, dict] = {}
    failed = False
    with local_kafka(early_firing_seconds=1, publish_every_seconds=1.0) as base:
        home = base.home
        report = produce(generate_records(GeneratorConfig(count=args.turns, seed=3)), base.kafka_client_config(),
                         base.topic_turns)
        assert report.failed == 0, report.errors[:3]
        print(f"backlog: {args.turns} turns in {base.topic_turns} ({base.turns_partitions} partitions)", flush=True)
        for column in args.columns.split(","):
            settings = base.model_copy(update={"store_path": home / f"{column}.duckdb",
                                               "consumer_group": f"bench-{column}"})
            run_args = ["--until-idle", "30"]
            try:
                if column == "prism":
                    ensure_prism(settings)
                    settings = settings.model_copy(update={"runner": "prism"})
                elif column.startswith("flink-p"):
                    jar = ensure_flink_job_server(settings)
                    settings = settings.model_copy(update={
                        "runner": "flink", "flink_job_server_jar": jar, "flink_parallelism": int(column[len("flink-p"):]),
                        "flink_checkpoint_dir": home / f"{column}-ckpt"})
                else:
                    raise ValueError(f"unknown column {column!r}: prism, flink-p<N>")
                results[column] = _drain(settings, args.turns, run_args, home / f"{column}.log", args.timeout)
            except (FlinkJobServerUnavailable, RuntimeError) as exc:
                failed = True
                results[column] = {"not_run": str(exc)}
            print(f"{column:>10}: {results[column]}", flush=True)
    # The machine may be shared: the load average says how much of the 2 cores the columns had.
    figures = {"turns": args.turns, "partitions": base.turns_partitions, "cores": os.cpu_count(),
               "loadavg_at_end": [round(x, 2) for x in os.getloadavg()], "columns": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python
"""Memory soak: resident memory of every process of the running pipeline under a steady load.

Starts its own Kafka broker (free ports, temporary home, ``benchmarks/local_kafka.py``), the pipeline
exactly as ``refusal-monitor run`` / the demo does (``python -m pipelines.cli run``, its own process
group: the Python driver with the LOOPBACK SDK worker in it, and the Prism Go binary it starts), and
the demo's load generator (``refusal-monitor generate --forever --rate R``, live event times, with
the generator's malformed and late shares). For ``--minutes`` it samples with psutil, every
``--sample-every`` seconds, the RSS and CPU time of every process of the pipeline: the driver and all
its descendants (Prism), and the Kafka JVM (and any child). The generator is sampled too and shown
apart: it is the load, not the pipeline.

Per process it reports RSS at the start (first sample after ``--warmup-minutes``), peak and end, and
the growth as a least-squares slope over the post-warm-up samples (``scipy.stats.linregress``: MB/min,
its 95 % confidence interval and p-value) with a verdict:

- ``grows``: the whole CI is above zero and the slope would add more than ``--tolerance`` (default
  max(10 MB, 5 % of the start RSS)) per hour;
- ``flat``: even the CI's upper end adds less than that per hour;
- ``inconclusive``: neither.

Successive samples are autocorrelated (RSS moves in steps), so the p-value is optimistic; the verdict
leans on the slope's size per hour, not on significance alone.

Whether the consumer kept up: every ``--balance-every`` seconds the topic's end offsets (produced) and
the store's conservation balance (read, landed) are recorded; at the end the generator is stopped and
the pipeline given ``--drain-seconds`` to read and land everything, and the report says how far behind
it was at the end of the load and how long it took to catch up.

Usage: .venv/bin/python benchmarks/bench_memory.py [--rate 700] [--minutes 15] [--warmup-minutes 2]
       [--sample-every 5] [--out benchmarks/results/memory.json]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
from confluent_kafka import Consumer, KafkaException, TopicPartition  # noqa: E402
from scipy import stats  # noqa: E402

from benchmarks.local_kafka import local_kafka, start_cli  # noqa: E402
from infra import KafkaServer, ensure_prism  # noqa: E402
from infra.processes import read_pid, stop_pid  # noqa: E402
from pipelines.conservation import balance  # noqa: E402

MB = 1024 * 1024



def _role(proc: psutil.Process, pipeline_pid: int, kafka_pid: int | None, generator_pid: int) -> str:
    """A stable name for a sampled process."""
    if proc.pid == pipeline_pid:
        return "pipeline driver+worker (python)"
    if proc.pid == kafka_pid:
        return "kafka broker (jvm)"
    if proc.pid == generator_pid:
        return "load generator (python, not pipeline)"
    try:
        name, cmd = proc.name(), " ".join(proc.cmdline()[:2])
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        name, cmd = "?", ""
    if "prism" in name or "prism" in cmd:
        return "prism runner (go)"
    return f"{name} (child)"


def _tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


class TopicEnd:
    """Sum of the turns topic's end offsets (records produced so far)."""

    def __init__(self, settings) -> None:
        self.topic = settings.topic_turns
        self.consumer = Consumer({**settings.kafka_client_config(), "group.id": f"bench-memory-{time.time_ns()}",
                                  "enable.auto.commit": False})
        meta = self.consumer.list_topics(self.topic, timeout=30).topics[self.topic]
        self.partitions = sorted(meta.partitions)

    def __call__(self, attempts: int = 30) -> int:
        for attempt in range(attempts):
            try:
                return sum(high - low for low, high in (
                    self.consumer.get_watermark_offsets(TopicPartition(self.topic, p), timeout=10)
                    for p in self.partitions))
            except KafkaException:  # e.g. NOT_LEADER right after the topic was made: ask again
                if attempt == attempts - 1:
                    raise
                time.sleep(1)
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.consumer.close()


def _balance(settings) -> dict | None:
    try:
        return balance(settings.snapshot_file).to_dict()
    except Exception:  # nothing published yet, or swapped mid-open
        return None


def _fit(times_min: list[float], rss_mb: list[float], tolerance_mb_per_h: float) -> dict:
    """Least-squares growth of RSS over the post-warm-up samples, with its 95 % CI and a verdict."""
    n = len(times_min)
    if n < 3 or max(times_min) - min(times_min) <= 0:
        return {"samples": n, "verdict": "too few samples"}
    fit = stats.linregress(times_min, rss_mb)
    half = stats.t.ppf(0.975, n - 2) * fit.stderr
    low, high = fit.slope - half, fit.slope + half
    if low > 0 and fit.slope * 60 > tolerance_mb_per_h:
        verdict = "grows"
    elif high * 60 < tolerance_mb_per_h:
        verdict = "flat"
    else:
        verdict = "inconclusive"
    third = max(1, n // 3)
    return {
        "samples": n, "slope_mb_per_min": round(fit.slope, 4), "ci95_mb_per_min": [round(low, 4), round(high, 4)],
        "p_value": float(f"{fit.pvalue:.3g}"), "significant_p05": bool(fit.pvalue < 0.05 and fit.slope > 0),
        "mb_per_hour": round(fit.slope * 60, 1), "tolerance_mb_per_hour": round(tolerance_mb_per_h, 1),
        "first_third_mean_mb": round(sum(rss_mb[:third]) / third, 1),
        "last_third_mean_mb": round(sum(rss_mb[-third:]) / third, 1), "verdict": verdict,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rate", type=float, default=700.0, help="turns per second produced (default: about half "
                    "the sustained throughput of benchmarks/results/pipeline.json)")
    ap.add_argument("--minutes", type=float, default=15.0, help="how long the load runs")
    ap.add_argument("--warmup-minutes", type=float, default=None,
                    help="samples before this are left out of start/slope (default min(2, minutes/4))")
    ap.add_argument("--sample-every", type=float, default=5.0, help="seconds between RSS samples")
    ap.add_argument("--balance-every", type=float, default=30.0, help="seconds between produced/read checks")
    ap.add_argument("--drain-seconds", type=float, default=180.0, help="time allowed to catch up after the load")
    ap.add_argument("--tolerance-mb-per-hour", type=float, default=None,
                    help="growth per hour below which a process counts as flat (default max(10, 5%% of start))")
    ap.add_argument("--allowed-lateness-seconds", type=int, default=None,
                    help="RM_ALLOWED_LATENESS_SECONDS for the run (default: the settings' 3600). A window's state "
                         "is held for the window plus this, so memory can only level off after that long")
    ap.add_argument("--beam-args", default="",
                    help="extra Beam options for `refusal-monitor run -- ...` (default: none, the pipeline as the demo runs it)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "memory.json")
    args = ap.parse_args()
    warmup = args.warmup_minutes if args.warmup_minutes is not None else min(2.0, args.minutes / 4)

    overrides = {} if args.allowed_lateness_seconds is None else {"allowed_lateness_seconds": args.allowed_lateness_seconds}
    with local_kafka(**overrides) as settings:
        ensure_prism(settings)
        report = _soak(settings, args, warmup)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    _print(report)
    print(f"wrote {args.out}")
    return 1 if report["failure"] else 0  # not keeping up is a figure (reported), a crash is a failure


def _soak(settings, args, warmup_min: float) -> dict:
    home = settings.home
    kafka_pid = read_pid(KafkaServer(settings).pid_file)
    load_start = [os.getloadavg()]
    beam_args = args.beam_args.split()
    pipeline = start_cli(settings, "pipeline", "run", *(["--", *beam_args] if beam_args else []))
    generator = start_cli(settings, "generator", "generate", "--forever", "--rate", str(args.rate), "--scenario", "steady")
    print(f"soak: {args.rate:.0f} turns/s for {args.minutes:g} min (warm-up {warmup_min:g} min), pipeline pid "
          f"{pipeline.pid}, kafka pid {kafka_pid}, generator pid {generator.pid}; logs in {home}", flush=True)
    samples: dict[str, dict] = {}  # key -> {"role", "pid", "t": [...], "rss": [...], "cpu": [...]}
    checks: list[dict] = []
    loads: list[list[float]] = []
    topic_end = TopicEnd(settings)
    started = time.monotonic()
    next_balance = 0.0
    failure = None
    try:
        while (elapsed := time.monotonic() - started) < args.minutes * 60:
            if pipeline.poll() is not None:
                failure = f"the pipeline exited with code {pipeline.returncode}; see {home / 'pipeline.log'}"
                break
            if generator.poll() is not None:
                failure = f"the generator exited with code {generator.returncode}; see {home / 'generator.log'}"
                break
            procs = _tree(pipeline.pid) + (_tree(kafka_pid) if kafka_pid else []) + _tree(generator.pid)
            for proc in procs:
                try:
                    with proc.oneshot():
                        rss, cpu = proc.memory_info().rss, sum(proc.cpu_times()[:2])
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                key = f"{proc.pid}"
                entry = samples.setdefault(key, {"role": _role(proc, pipeline.pid, kafka_pid, generator.pid),
                                                 "pid": proc.pid, "t": [], "rss": [], "cpu": []})
                entry["t"].append(elapsed)
                entry["rss"].append(rss)
                entry["cpu"].append(cpu)
            loads.append(list(os.getloadavg()))
            if elapsed >= next_balance:
                b = _balance(settings)
                produced = topic_end()
                checks.append({"t_s": round(elapsed, 1), "produced": produced,
                               "read": b["read"] if b else 0, "landed": (b["read"] - b["unaccounted"]) if b else 0})
                last = checks[-1]
                print(f"  {elapsed / 60:5.1f} min: produced {produced}, read {last['read']}, landed {last['landed']}, "
                      f"driver RSS {samples.get(str(pipeline.pid), {}).get('rss', [0])[-1] / MB:.0f} MB, "
                      f"load {os.getloadavg()[0]:.1f}", flush=True)
                next_balance = elapsed + args.balance_every
            time.sleep(max(0.0, args.sample_every - (time.monotonic() - started - elapsed)))
        # The end of the load: how far behind, then how long to catch up.
        at_load_end = {"produced": topic_end(), **(_balance(settings) or {"read": 0, "unaccounted": 0})}
        stop_pid(generator.pid, None, timeout_s=20)
        generator.wait(10)
        produced = topic_end()
        drain_start, caught_up, final = time.monotonic(), False, None
        while failure is None and time.monotonic() - drain_start < args.drain_seconds:
            final = _balance(settings)
            if final and final["read"] == produced and final["unaccounted"] == 0:
                caught_up = True
                break
            if pipeline.poll() is not None:
                failure = f"the pipeline exited with code {pipeline.returncode} while draining"
                break
            time.sleep(2)
        drain_s = time.monotonic() - drain_start
    finally:
        topic_end.close()
        if generator.poll() is None:
            stop_pid(generator.pid, None, timeout_s=20)
        stop_pid(pipeline.pid, None, timeout_s=60)
    load_end = os.getloadavg()

    horizon_s = settings.window_seconds + settings.allowed_lateness_seconds
    processes = []
    for entry in samples.values():
        post = [(t, r) for t, r in zip(entry["t"], entry["rss"]) if t >= warmup_min * 60]
        if not post:
            post = list(zip(entry["t"], entry["rss"]))
        t_min = [t / 60 for t, _ in post]
        rss_mb = [r / MB for _, r in post]
        start_mb = rss_mb[0]
        tol = args.tolerance_mb_per_hour if args.tolerance_mb_per_hour is not None else max(10.0, 0.05 * start_mb)
        cpu_post = [c for t, c in zip(entry["t"], entry["cpu"]) if t >= warmup_min * 60] or entry["cpu"]
        span_s = (post[-1][0] - post[0][0]) or 1e-9
        processes.append({
            "role": entry["role"], "pid": entry["pid"], "part_of_pipeline": "not pipeline" not in entry["role"],
            "first_seen_s": round(entry["t"][0], 1), "last_seen_s": round(entry["t"][-1], 1),
            "rss_start_mb": round(start_mb, 1), "rss_peak_mb": round(max(r / MB for r in entry["rss"]), 1),
            "rss_peak_post_warmup_mb": round(max(rss_mb), 1), "rss_end_mb": round(rss_mb[-1], 1),
            "cpu_s_total": round(entry["cpu"][-1], 1),
            "cpu_cores_post_warmup": round((cpu_post[-1] - cpu_post[0]) / span_s, 2),
            "growth": _fit(t_min, rss_mb, tol),
            # The first windows are released only after window + allowed lateness: from then on the
            # state should stop growing, so that is where a leak would show.
            "growth_after_state_horizon": (
                _fit([t / 60 for t in entry["t"] if t >= horizon_s], [r / MB for t, r in zip(entry["t"], entry["rss"])
                                                                     if t >= horizon_s], tol)
                if entry["t"][-1] - horizon_s >= 180 else
                {"verdict": f"soak shorter than the state horizon ({horizon_s / 60:g} min) + 3 min"}),
            "samples": {"t_s": [round(t, 1) for t in entry["t"]], "rss_mb": [round(r / MB, 1) for r in entry["rss"]]},
        })
    processes.sort(key=lambda p: (not p["part_of_pipeline"], -p["rss_peak_mb"]))
    post_checks = [c for c in checks if c["t_s"] >= warmup_min * 60]
    lag_fit = None
    if len(post_checks) >= 3:
        f = stats.linregress([c["t_s"] / 60 for c in post_checks], [c["produced"] - c["read"] for c in post_checks])
        lag_fit = {"slope_records_per_min": round(float(f.slope), 1), "p_value": float(f"{f.pvalue:.3g}")}
    return {
        "measured": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "rate_per_s": args.rate, "minutes": args.minutes, "warmup_minutes": warmup_min,
        "sample_every_s": args.sample_every, "failure": failure,
        "pipeline": {"command": "refusal-monitor run" + (" -- " + args.beam_args if args.beam_args.strip() else ""),
                     "runner": settings.runner, "window_seconds": settings.window_seconds,
                     "early_firing_seconds": settings.early_firing_seconds, "kafka_heap": settings.kafka_heap,
                     "allowed_lateness_seconds": settings.allowed_lateness_seconds,
                     "state_horizon_minutes": round((settings.window_seconds + settings.allowed_lateness_seconds) / 60, 1),
                     "partitions": settings.turns_partitions},
        "processes": processes,
        "pipeline_rss_peak_sum_mb": round(sum(p["rss_peak_mb"] for p in processes if p["part_of_pipeline"]), 1),
        "consumer": {
            "produced": produced, "achieved_rate_per_s": round(at_load_end["produced"] / (args.minutes * 60), 1),
            "read_at_load_end": at_load_end.get("read", 0),
            "lag_at_load_end": at_load_end["produced"] - at_load_end.get("read", 0),
            "unlanded_at_load_end": at_load_end["produced"] - at_load_end.get("read", 0) + at_load_end.get("unaccounted", 0),
            "lag_trend_post_warmup": lag_fit,
            "final_balance": final, "caught_up": caught_up and failure is None,
            "drain_seconds": round(drain_s, 1),
            "checks": checks,
        },
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "memory_gb": round(psutil.virtual_memory().total / 1024 ** 3, 1),
                    "loadavg_start": [round(x, 2) for x in load_start[0]], "loadavg_end": [round(x, 2) for x in load_end],
                    "loadavg_1min_mean": round(sum(l[0] for l in loads) / len(loads), 2) if loads else None,
                    "loadavg_1min_max": round(max(l[0] for l in loads), 2) if loads else None},
    }


def _print(r: dict) -> None:
    print(f"\nmemory soak: {r['rate_per_s']:.0f} turns/s for {r['minutes']:g} min, warm-up {r['warmup_minutes']:g} min "
          f"excluded; load average mean {r['machine']['loadavg_1min_mean']} on {r['machine']['cpus']} cpus")
    horizon = r["pipeline"].get("state_horizon_minutes")
    if horizon and horizon > r["minutes"]:
        print(f"(window state is held {horizon:g} min (window + allowed lateness), longer than the soak: the pipeline's "
              f"state can only level off after that)")
    if r["failure"]:
        print(f"FAILED: {r['failure']}")
    head = f"{'process':<40}{'pid':>8}{'start MB':>10}{'peak MB':>9}{'end MB':>8}{'MB/min':>9}{'95% CI':>19}{'p':>9}  {'cores':>5}  verdict"
    print(head)
    print("-" * len(head))
    for p in r["processes"]:
        g = p["growth"]
        ci = g.get("ci95_mb_per_min")
        ci_s = f"[{ci[0]:+.3f},{ci[1]:+.3f}]" if ci else "-"
        slope = f"{g['slope_mb_per_min']:+.3f}" if "slope_mb_per_min" in g else "-"
        pv = f"{g['p_value']:.2g}" if "p_value" in g else "-"
        print(f"{p['role']:<40}{p['pid']:>8}{p['rss_start_mb']:>10.0f}{p['rss_peak_mb']:>9.0f}{p['rss_end_mb']:>8.0f}"
              f"{slope:>9}{ci_s:>19}{pv:>9}  {p['cpu_cores_post_warmup']:>5.2f}  {g['verdict']}")
    for p in r["processes"]:
        after = p.get("growth_after_state_horizon") or {}
        if "slope_mb_per_min" in after:
            ci = after.get("ci95_mb_per_min")
            ci_s = f" [{ci[0]:+.3f},{ci[1]:+.3f}]" if ci else ""
            print(f"  after the state horizon ({horizon:g} min), {p['role']}: {after['slope_mb_per_min']:+.3f} MB/min"
                  f"{ci_s} {after['verdict']}")
    c = r["consumer"]
    print(f"pipeline processes' peak RSS summed: {r['pipeline_rss_peak_sum_mb']:.0f} MB")
    print(f"consumer: produced {c['produced']} ({c['achieved_rate_per_s']}/s achieved), lag at the end of the load "
          f"{c['lag_at_load_end']} records (not yet landed {c['unlanded_at_load_end']}), lag trend "
          f"{c['lag_trend_post_warmup']}; {'caught up' if c['caught_up'] else 'did NOT catch up'} "
          f"{c['drain_seconds']}s after the load stopped; final balance {c['final_balance']}")


if __name__ == "__main__":
    raise SystemExit(main())

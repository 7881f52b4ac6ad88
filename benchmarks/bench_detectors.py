#!/usr/bin/env python
"""Throughput benchmark for the detectors (single process, one core).

Workloads:
  (a) xstest: the 2,250 XSTest v2 completions used only as input text (with their prompts);
  (b) mix:    a generated realistic length mix — short chat answers, medium answers and
              ~10 KB markdown + code answers, with occasional refusals.

Usage: python benchmarks/bench_detectors.py [--out benchmarks/results/detectors.json] [--xstest DIR] [--seconds 2]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from detectors import DETECTOR_VERSION, analyze_turn, classify_response, detect_cues  # noqa: E402
from detectors.triggers import clear_cache  # noqa: E402

PROMPTS = [
    "How do I kill a Python process that hangs?", "Write a bash script that backs up my home directory.",
    "Explain the difference between TCP and UDP.", "How do I make a bomb?", "What's the best way to shoot portraits at night?",
    "Summarise the causes of World War I.", "How can I hack my own router if I forgot the password?", "Give me a recipe for lasagne.",
    "What is Harry Potter's address?", "Refactor this Java class to use dependency injection.",
]
SENTENCES = [
    "This approach works well for most workloads and keeps the configuration simple.",
    "You can tune the timeout if the service is slow to start.",
    "Make sure the user running the job has permission to write to the target directory.",
    "In practice the bottleneck is usually I/O rather than CPU.",
    "If the process ignores SIGTERM, escalate to SIGKILL after a grace period.",
    "The history here is interesting: the protocol was designed in the 1970s for unreliable networks.",
    "Remember to pin your dependency versions so builds are reproducible.",
]
CODE = '''```python
import os
import signal
import subprocess


def kill_tree(pid: int, sig: int = signal.SIGTERM) -> None:
    """Kill a process and all its children."""
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    for child in out.stdout.split():
        kill_tree(int(child), sig)
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        print("process already gone")
    except PermissionError:
        print("Access denied: I cannot signal that process")
```
'''
REFUSALS = [
    "I'm sorry, but I can't help with that request.",
    "I can't provide instructions for that, but I'm happy to help with something else.",
    "That's not something I'll help with.",
]


def gen_answer(rng: random.Random, target: int) -> str:
    parts = []
    n = 0
    sec = 1
    while n < target:
        r = rng.random()
        if r < 0.15:
            s = f"\n## Step {sec}\n"
            sec += 1
        elif r < 0.30:
            s = "\n" + "\n".join(f"- {rng.choice(SENTENCES)}" for _ in range(rng.randint(2, 5))) + "\n"
        elif r < 0.42:
            s = "\n" + CODE
        else:
            s = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 5))) + "\n"
        parts.append(s)
        n += len(s)
    return "".join(parts)[: max(target, 40)]


def realistic_mix(n: int = 600, seed: int = 7) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        r = rng.random()
        prompt = rng.choice(PROMPTS)
        if r < 0.15:
            resp = rng.choice(REFUSALS)
            if rng.random() < 0.5:
                resp += " " + gen_answer(rng, 300)
        elif r < 0.45:
            resp = gen_answer(rng, rng.randint(150, 600))
        elif r < 0.80:
            resp = gen_answer(rng, rng.randint(1000, 3000))
        else:
            resp = gen_answer(rng, rng.randint(9500, 10500))  # ~10 KB markdown + code
        out.append((prompt, resp))
    return out


def load_xstest(d: Path) -> list[tuple[str, str]]:
    rows = []
    for f in sorted((d / "model_completions").glob("xstest_v2_completions_*.csv")):
        with f.open(newline="", encoding="utf-8") as fh:
            rows += [(r["prompt"], r["completion"]) for r in csv.DictReader(fh)]
    return rows


def rate(fn, items, seconds: float, reset=clear_cache, clock=time.perf_counter) -> float:
    """Items per second. The trigger memo is cleared before every pass, so a prompt is only served from the memo when it
    repeats *within* the workload (XSTest: each prompt answered by 5 models), never because an earlier pass saw it."""
    done = 0
    t0 = clock()
    while True:
        reset()
        for it in items:
            fn(it)
        done += len(items)
        el = clock() - t0
        if el >= seconds:
            return done / el


def cpu_rate(fn, items, passes: int = 3, reset=clear_cache) -> float:
    """Items per CPU-second of this process, best of ``passes`` passes: on a shared machine (other jobs on the same
    cores) wall-clock rates drop with the load, CPU time much less."""
    best = float("inf")
    for _ in range(passes):
        reset()
        t0 = time.process_time()
        for it in items:
            fn(it)
        best = min(best, time.process_time() - t0)
    return len(items) / best if best > 0 else float("inf")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="benchmarks/results/detectors.json")
    ap.add_argument("--xstest", default="/work/shared/benchmarks/xstest")
    ap.add_argument("--seconds", type=float, default=2.0, help="minimum timing per measurement")
    a = ap.parse_args(argv)
    workloads = {}
    xs = Path(a.xstest)
    if (xs / "model_completions").is_dir():
        workloads["xstest"] = load_xstest(xs)
    else:
        print(f"warning: XSTest not found at {xs}; skipping workload (a)", file=sys.stderr)
    workloads["mix"] = realistic_mix()
    t0 = time.perf_counter()
    sum(range(10_000_000))
    calib = time.perf_counter() - t0
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    results = {"detector_version": DETECTOR_VERSION, "python": platform.python_version(), "machine": platform.machine(),
               "cpu_count": os.cpu_count(), "single_process": True, "loadavg": load,
               # CPU calibration: a modern laptop core does this in ~0.15-0.25 s on CPython 3.11
               "calibration_sum_range_1e7_s": round(calib, 3), "workloads": {}}
    rows = []
    for name, items in workloads.items():
        mean_len = sum(len(r) for _p, r in items) / len(items)
        w = {"n_items": len(items), "mean_response_chars": round(mean_len, 1), "max_response_chars": max(len(r) for _p, r in items)}
        w["refusal_per_s"] = rate(lambda it: classify_response(it[1], it[0]), items, a.seconds)
        w["triggers_per_s"] = rate(lambda it: detect_cues(it[0]), items, a.seconds)
        # every call a cold miss: the cost of a never-seen prompt
        w["triggers_uncached_per_s"] = rate(lambda it: (clear_cache(), detect_cues(it[0])), items, a.seconds)
        w["both_per_s"] = rate(lambda it: analyze_turn(it[0], it[1]), items, a.seconds)
        results["workloads"][name] = w
        w["both_uncached_per_s"] = rate(lambda it: (clear_cache(), analyze_turn(it[0], it[1])), items, a.seconds)
        w["both_per_cpu_s"] = cpu_rate(lambda it: analyze_turn(it[0], it[1]), items)
        rows.append((name, len(items), mean_len, w["refusal_per_s"], w["triggers_per_s"], w["triggers_uncached_per_s"], w["both_per_s"],
                     w["both_uncached_per_s"], w["both_per_cpu_s"]))
    print(f"detectors {DETECTOR_VERSION} — responses per second, one core (python {platform.python_version()}; "
          f"calibration sum(range(1e7)) = {calib:.2f} s; loadavg {load})")
    print("(triggers/s, both/s: memo cleared per pass, so only repeats within the workload hit it; *_cold: every prompt a miss;")
    print(" both/cpu-s: the same as both/s per CPU-second of this process, best of 3 passes, less sensitive to other load)")
    print(f"{'workload':10s} {'n':>6s} {'mean chars':>11s} {'refusal/s':>11s} {'triggers/s':>11s} {'trig_cold/s':>11s} {'both/s':>10s} "
          f"{'both_cold/s':>11s} {'both/cpu-s':>11s}")
    for name, n, ml, r1, r2, r2c, r3, r3c, r3p in rows:
        print(f"{name:10s} {n:6d} {ml:11.0f} {r1:11.0f} {r2:11.0f} {r2c:11.0f} {r3:10.0f} {r3c:11.0f} {r3p:11.0f}")
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

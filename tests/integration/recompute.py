"""The batch truth for integration tests: ``pipelines.reference`` recomputes the tables in plain
Python from the topic; ``landed`` reads the same shape from a store snapshot.
"""

from __future__ import annotations

import collections

from pipelines.reference import WINDOW_FIELDS, read_topic, recompute  # noqa: F401  (re-exported for the tests)
from pipelines.sql import run_query


def truth_for(settings) -> dict:
    """The recomputation of the settings' turns topic, with the settings' window and lateness."""
    return recompute(read_topic(settings), settings.window_seconds, settings.allowed_lateness_seconds,
                     settings.samples_per_window)


def landed(snapshot) -> dict:
    """The same shape, read from a published store."""
    key = "epoch(window_start)::BIGINT, model_version, feature, detector_version"
    _, rows = run_query(snapshot, f"SELECT {key}, {', '.join(WINDOW_FIELDS)} FROM refusal_windows")
    windows = {tuple(r[:4]): dict(zip(WINDOW_FIELDS, r[4:])) for r in rows}
    _, rows = run_query(snapshot, f"SELECT {key}, cue, category, n_prompts, n_refused, n_benign_sense, "
                                  "n_over_refusal_suspect FROM cue_windows")
    cue_rows = {tuple(r[:6]): list(r[6:]) for r in rows}
    _, rows = run_query(snapshot, f"SELECT {key}, slot, turn_id FROM review_samples ORDER BY slot")
    sample_rows: dict = collections.defaultdict(list)
    for r in rows:
        sample_rows[tuple(r[:4])].append((r[4], r[5]))
    _, [(dead,)] = run_query(snapshot, "SELECT count(*) FROM dead_letters")
    _, late = run_query(snapshot, "SELECT turn_id FROM too_late_turns")
    _, [(read,)] = run_query(snapshot, "SELECT coalesce(sum(next_offset - start_offset), 0) FROM source_progress")
    _, [(duplicates,)] = run_query(snapshot, "SELECT coalesce(sum(n_duplicate_turns), 0) FROM refusal_windows")
    return {"windows": windows, "cues": cue_rows, "samples": dict(sample_rows), "dead": dead,
            "too_late": {t for (t,) in late}, "read": int(read), "duplicates": duplicates}


def assert_same_tables(got: dict, want: dict) -> None:
    """Table by table, so a failure says which one differs."""
    for table in ("read", "dead", "too_late", "duplicates", "windows", "cues", "samples"):
        assert got[table] == want[table], f"{table} differs: got {_diff(got[table], want[table])}"


def _diff(got, want) -> str:
    if isinstance(got, (set, dict)) and isinstance(want, (set, dict)):
        g, w = set(got), set(want)
        changed = [(k, got[k], want[k]) for k in sorted(g & w) if isinstance(got, dict) and got[k] != want[k]][:3]
        return f"only landed {sorted(g - w)[:5]}, only recomputed {sorted(w - g)[:5]}, different (landed, recomputed) {changed}"
    return f"{got!r} vs {want!r}"

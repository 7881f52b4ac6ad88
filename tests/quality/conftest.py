"""A real aggregate store holding a clean series (3 keys, 2 hours of 5-minute windows), which
each test then breaks in one way."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pipelines.store import AggregateStore
from schemas import WindowAggregate

WINDOW_S = 300
KEYS = [("assistant-v1", "search"), ("assistant-v1", "coding_assistant"), ("assistant-v2", "search")]
N_WINDOWS = 24


def window_row(start: datetime, model_version: str, feature: str, n_turns: int, **overrides) -> WindowAggregate:
    """A self-consistent row: classes sum to n_turns, every sub-count within its parent count."""
    full, partial, clar = n_turns // 10, 1, 1
    with_trigger = n_turns // 4
    refused_with_trigger = min(full + partial, with_trigger)
    row = dict(
        window_start=start, window_end=start + timedelta(seconds=WINDOW_S), model_version=model_version,
        feature=feature, detector_version="d1", n_turns=n_turns, n_full_refusal=full, n_partial_refusal=partial,
        n_clarification=clar, n_compliance=n_turns - full - partial - clar, n_with_trigger=with_trigger,
        n_refused_with_trigger=refused_with_trigger, n_benign_prompt=n_turns - 2,
        n_over_refusal_suspect=min(refused_with_trigger, 2), n_benign_with_trigger=with_trigger // 2,
        n_suspect_with_trigger=min(refused_with_trigger, 2, with_trigger // 2), n_conversations=max(1, n_turns // 3),
        pane_timing="ON_TIME", pane_index=1,
        updated_at=start + timedelta(seconds=WINDOW_S + 5),
    )
    row.update(overrides)
    return WindowAggregate(**row)


def clean_series(first_start: datetime, n_windows: int = N_WINDOWS, keys=KEYS) -> list[WindowAggregate]:
    rows = []
    for i in range(n_windows):
        start = first_start + timedelta(seconds=i * WINDOW_S)
        for k, (mv, feat) in enumerate(keys):
            rows.append(window_row(start, mv, feat, n_turns=40 + 10 * k + (i * 7) % 9))
    return rows


@pytest.fixture
def now() -> datetime:
    """Processing time of the check: a minute after the newest window closed."""
    return datetime(2026, 11, 28, 12, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def series_start(now: datetime) -> datetime:
    return now - timedelta(seconds=60) - timedelta(seconds=N_WINDOWS * WINDOW_S)


@pytest.fixture
def store(tmp_path: Path, series_start: datetime):
    """A real DuckDB store (the pipeline's writer class) with the clean series landed."""
    s = AggregateStore(tmp_path / "store.duckdb", tmp_path / "store.snapshot.duckdb", publish_every_s=60)
    s.upsert_windows(clean_series(series_start))
    s.publish()
    yield s
    s.close()


def force_windows(store, rows: list[WindowAggregate]) -> None:
    """Overwrite window rows whatever their counts: simulates a corrupted store for the checks
    (the store itself never lets a smaller pane replace a larger one)."""
    with store._lock:
        for r in rows:
            store._con.execute(
                "DELETE FROM refusal_windows WHERE window_start = ? AND model_version = ? AND feature = ? AND detector_version = ?",
                [r.window_start, r.model_version, r.feature, r.detector_version],
            )
    store.upsert_windows(rows)

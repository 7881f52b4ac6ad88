"""A store with known numbers for the dashboard tests: every table created with
``schemas.create_table_sql``, known rows inserted, then published as the snapshot readers open
(plus the checker's and the alert engine's stores). Tests assert the numbers the pages show
against the hand-computed figures in ``KNOWN``."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest
from pydantic import BaseModel

from pipelines.alerts.store import alerts_table_sql
from schemas import TABLES, create_table_sql
from schemas.alerts import Alert

APP = str(Path(__file__).resolve().parents[2] / "dashboards" / "app.py")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


W46 = utc(2026, 11, 12, 10, 0)  # Thursday of ISO week 2026-W46
W47_A = utc(2026, 11, 20, 10, 0)  # Friday of 2026-W47
W47_B = utc(2026, 11, 20, 10, 5)
UPDATED = utc(2026, 11, 20, 12, 0)


def _window(start: datetime, version: str, feature: str, n: int, full: int, partial: int, clar: int,
            trig: int, refused_trig: int, benign: int, suspects: int) -> dict:
    return dict(
        window_start=start, window_end=start.replace(minute=start.minute + 5), model_version=version, feature=feature,
        detector_version="d1", n_turns=n, n_full_refusal=full, n_partial_refusal=partial, n_clarification=clar,
        n_compliance=n - full - partial - clar, n_with_trigger=trig, n_refused_with_trigger=refused_trig,
        n_benign_prompt=benign, n_over_refusal_suspect=suspects, n_benign_with_trigger=0, n_suspect_with_trigger=0,
        n_conversations=n, n_with_latency=0, latency_p50_ms=None, latency_p90_ms=None, latency_p99_ms=None,
        pane_timing="ON_TIME", pane_index=0, updated_at=UPDATED,
    )


WINDOWS = [
    _window(W46, "v1", "search", 100, 10, 5, 5, 20, 8, 90, 6),
    _window(W47_A, "v1", "search", 100, 8, 2, 10, 20, 6, 80, 4),
    _window(W47_A, "v1", "coding", 50, 2, 3, 0, 10, 2, 45, 1),
    _window(W47_B, "v2", "search", 100, 20, 5, 5, 40, 18, 85, 12),
    {**_window(W47_B, "v2", "coding", 50, 5, 5, 5, 20, 8, 40, 6), "n_duplicate_turns": 1},
]


def _cue(start: datetime, version: str, feature: str, cue: str, category: str, prompts: int, refused: int) -> dict:
    return dict(window_start=start, window_end=start.replace(minute=start.minute + 5), model_version=version,
                feature=feature, detector_version="d1", cue=cue, category=category, n_prompts=prompts, n_refused=refused,
                n_benign_sense=prompts // 2, n_over_refusal_suspect=refused // 2, updated_at=UPDATED)


CUES = [
    _cue(W47_A, "v1", "search", "kill", "violence", 10, 2),
    _cue(W47_B, "v2", "search", "kill", "violence", 20, 10),
    _cue(W47_A, "v1", "coding", "bomb", "weapons", 5, 4),
    _cue(W47_B, "v2", "coding", "bomb", "weapons", 10, 7),
    _cue(W47_A, "v1", "search", "shoot", "violence", 8, 1),
    _cue(W47_B, "v2", "search", "shoot", "violence", 8, 1),
]


def _sample(start: datetime, version: str, feature: str, slot: int, turn_id: str, reason: str, label: str,
            prompt: str, response: str, evidence: list[dict], cues: list[dict], redacted: bool) -> dict:
    return dict(window_start=start, window_end=start.replace(minute=start.minute + 5), model_version=version,
                feature=feature, detector_version="d1", slot=slot, n_candidates=5, turn_id=turn_id,
                conversation_id=f"c-{turn_id}", event_time=start, reason=reason, refusal_label=label,
                refusal_score=0.9, prompt_risk="benign", prompt=prompt, response=response,
                evidence_json=json.dumps(evidence), cues_json=json.dumps(cues), redacted=redacted, updated_at=UPDATED)


SAMPLES = [
    _sample(W47_B, "v2", "search", 0, "t-kill", "over_refusal_suspect", "full_refusal",
            "How do I kill a Python process?", "I can't help with killing processes.",
            [{"start": 0, "end": 12, "text": "I can't help", "rule": "first_person_cannot"}],
            [{"term": "kill", "category": "violence", "sense": "benign", "start": 9, "end": 13, "text": "kill"}], False),
    # Redacted: the evidence offsets point into the raw response, so they no longer fit the stored text.
    _sample(W47_B, "v2", "coding", 0, "t-redacted", "refusal", "partial_refusal",
            "Email [EMAIL] the bomb recipe", "Sorry [EMAIL], I cannot assist with that part.",
            [{"start": 31, "end": 39, "text": "I cannot", "rule": "first_person_cannot"}], [], True),
    _sample(W47_A, "v1", "search", 0, "t-v1", "refusal", "full_refusal",
            "Tell me how to shoot a film at night", "I won't do that.",
            [{"start": 0, "end": 7, "text": "I won't", "rule": "first_person_will_not"}], [], False),
]

DEAD_LETTERS = [
    dict(source_topic="turns", source_partition=0, source_offset=i, error_field=field, reason=f"bad {field}",
         raw_excerpt="{", raw_size=1, received_at=UPDATED)
    for i, field in enumerate(["prompt", "prompt", None])
]
TOO_LATE = [
    dict(source_topic="turns", source_partition=1, source_offset=i, turn_id=f"late-{i}", model_version="v1",
         feature="search", event_time=W46, watermark=UPDATED, lateness_seconds=7200.0, received_at=UPDATED)
    for i in range(2)
]
PROGRESS = [
    dict(source_topic="turns", source_partition=0, start_offset=0, next_offset=300, updated_at=UPDATED),
    dict(source_topic="turns", source_partition=1, start_offset=0, next_offset=106, updated_at=UPDATED),
]

QUALITY = [
    dict(run_id="r1", suite="aggregates.windows", expectation="windows.fresh", expectation_type="expect_x",
         success=False, observed_value="stale 2h", unexpected_count=None, element_count=None, unexpected_examples=None,
         error=None, checked_at=utc(2026, 11, 19, 8, 0)),
    dict(run_id="r1", suite="aggregates.windows", expectation="windows.class_counts_sum_to_turns",
         expectation_type="expect_x", success=True, observed_value=None, unexpected_count=0, element_count=5,
         unexpected_examples=None, error=None, checked_at=utc(2026, 11, 19, 8, 0)),
]
ALERTS = [
    dict(alert_id="a-1", created_at=utc(2026, 11, 20, 11, 0), kind="upgrade_comparison", metric="over_refusal_rate",
         severity="critical", model_version="v2", baseline_version="v1", feature="search", detector_version="d1",
         window_start=W47_A, window_end=utc(2026, 11, 20, 10, 10), n_before=100, n_after=100, rate_before=0.04,
         rate_before_low=0.02, rate_before_high=0.1, rate_after=0.12, rate_after_low=0.07, rate_after_high=0.2,
         diff_low=0.01, diff_high=0.15, method="confidence-sequence",
         top_cues_json=json.dumps([{"cue": "kill", "lift": 2.5}]), samples_json="[]",
         message="v2 over-refuses benign search prompts with 'kill' three times as often as v1.",
         dashboard_url="http://127.0.0.1:8501/upgrade"),
]

# Hand-computed figures the tests assert (all data unless a week is named).
KNOWN = {
    "read": 406, "aggregated": 400, "dead_lettered": 3, "too_late": 2, "duplicates": 1, "unaccounted": 0,
    "turns": {"v1": 250, "v2": 150},
    "refusals": {"v1": 30, "v2": 35},
    # mix-adjusted v1 -> v2, all features: strata with trigger (v1 16/50, v2 26/60) and without
    # (v1 14/200, v2 9/90), weights 110/400 and 290/400.
    "adj_diff_all": 110 / 400 * (26 / 60 - 16 / 50) + 290 / 400 * (9 / 90 - 14 / 200),
}


def _insert(con: duckdb.DuckDBPyConnection, table: str, model: type[BaseModel], rows: list[dict]) -> None:
    columns = list(model.model_fields)
    for row in rows:
        valid = model.model_validate(row)  # the fixture's rows honour the contract (defaults filled in)
        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                    [getattr(valid, c) for c in columns])


def _publish(path: Path) -> Path:
    """Publish ``path`` as its read snapshot, the way readers expect to find it."""
    snapshot = path.with_name(path.stem + ".snapshot.duckdb")
    shutil.copyfile(path, snapshot)
    return snapshot


def build_store(home: Path) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / "store.duckdb"
    con = duckdb.connect(str(path))
    for table in TABLES:
        con.execute(create_table_sql(table))
    for table, rows in (("refusal_windows", WINDOWS), ("cue_windows", CUES), ("review_samples", SAMPLES),
                        ("dead_letters", DEAD_LETTERS), ("too_late_turns", TOO_LATE), ("source_progress", PROGRESS)):
        _insert(con, table, TABLES[table][0], rows)
    con.close()
    return _publish(path)


def build_quality_store(home: Path) -> Path:
    path = home / "quality.duckdb"
    con = duckdb.connect(str(path))
    con.execute(create_table_sql("quality_results"))
    _insert(con, "quality_results", TABLES["quality_results"][0], QUALITY)
    con.close()
    return _publish(path)


def build_alerts_store(home: Path) -> Path:
    path = home / "alerts.duckdb"
    con = duckdb.connect(str(path))
    con.execute(alerts_table_sql())  # the alert engine's own DDL of the contract
    _insert(con, "alerts", Alert, ALERTS)
    con.close()
    return _publish(path)


@dataclass
class KnownStore:
    home: Path
    snapshot: Path
    quality: Path | None
    alerts: Path | None


def _env(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    monkeypatch.setenv("RM_HOME", str(home))
    monkeypatch.setenv("RM_STORE_PATH", str(home / "store.duckdb"))
    for name in ("RM_QUALITY_STORE_PATH", "RM_REVIEWS_STORE_PATH", "RM_REPORTS_DIR", "RM_ALERTS_STORE_PATH"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def known_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> KnownStore:
    """The known aggregate store with the checker's and the alert engine's stores beside it."""
    home = tmp_path / "home"
    store = KnownStore(home, build_store(home), build_quality_store(home), build_alerts_store(home))
    _env(monkeypatch, home)
    return store


@pytest.fixture
def bare_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> KnownStore:
    """The known aggregate store alone: no alerts, no data-quality results yet."""
    home = tmp_path / "home"
    store = KnownStore(home, build_store(home), None, None)
    _env(monkeypatch, home)
    return store

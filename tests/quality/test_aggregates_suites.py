"""The aggregate suites on a real DuckDB store: a clean series passes every expectation, and each
injected fault fails exactly the expectation(s) meant to catch it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from pipelines.quality.run import check_aggregates
from tests.quality.conftest import KEYS, N_WINDOWS, WINDOW_S, clean_series, force_windows, window_row

ALL_WINDOW_EXPECTATIONS = 19
ALL_VOLUME_EXPECTATIONS = 1


def _check(store, now, **kw):
    store.publish()
    return check_aggregates(store.snapshot, WINDOW_S, "run-test", now, **kw)


def _failed(results) -> set[str]:
    return {r.expectation for r in results if not r.success}


def test_clean_store_passes_everything(store, now):
    results = _check(store, now)
    assert len(results) == ALL_WINDOW_EXPECTATIONS + ALL_VOLUME_EXPECTATIONS
    assert _failed(results) == set()
    assert all(r.error is None for r in results)
    volume = next(r for r in results if r.expectation == "volume.within_band_of_trailing_median")
    assert volume.element_count == 12 * len(KEYS), "the newest 12 closed windows of every key are judged"


def test_a_rate_above_one_fails_the_rate_and_the_suspect_bounds(store, now, series_start):
    start = series_start + timedelta(seconds=5 * WINDOW_S)
    force_windows(store, [window_row(start, *KEYS[0], n_turns=40, n_over_refusal_suspect=50, pane_index=9)])
    results = _check(store, now)
    assert _failed(results) == {
        "windows.over_refusal_rate_in_0_1",
        "windows.over_refusal_suspects_le_refusals",
        "windows.over_refusal_suspects_le_benign",
    }
    rate = next(r for r in results if r.expectation == "windows.over_refusal_rate_in_0_1")
    assert rate.unexpected_count == 1
    assert json.loads(rate.unexpected_examples) == [1.25]


def test_class_counts_that_do_not_sum_to_turns_fail_only_the_sum(store, now, series_start):
    start = series_start + timedelta(seconds=3 * WINDOW_S)
    good = window_row(start, *KEYS[1], n_turns=50)
    force_windows(store, [window_row(start, *KEYS[1], n_turns=50, n_compliance=good.n_compliance + 3, pane_index=9)])
    results = _check(store, now)
    assert _failed(results) == {"windows.class_counts_sum_to_turns"}
    assert next(r for r in results if r.expectation == "windows.class_counts_sum_to_turns").unexpected_count == 1


def test_a_stale_newest_window_fails_freshness(store, now):
    later = now + timedelta(hours=2)  # the pipeline stopped landing two hours ago
    results = _check(store, later)
    assert _failed(results) == {"windows.fresh"}
    fresh = next(r for r in results if r.expectation == "windows.fresh")
    assert fresh.observed_value == (now - timedelta(seconds=60)).isoformat()


def test_freshness_is_not_expected_without_traffic(store, now):
    results = _check(store, now + timedelta(hours=2), expect_fresh=False)
    assert _failed(results) == set()
    assert "windows.fresh" not in {r.expectation for r in results}


def test_an_empty_store_fails_while_traffic_flows(tmp_path, now):
    from pipelines.store import AggregateStore

    empty = AggregateStore(tmp_path / "e.duckdb", tmp_path / "e.snapshot.duckdb")
    try:
        assert _failed(_check(empty, now)) == {"windows.not_empty", "windows.fresh"}
    finally:
        empty.close()


@pytest.mark.parametrize("variant", ["key_spelled_differently", "window_start_off_by_seconds"])
def test_a_duplicated_window_key_fails_uniqueness(store, now, series_start, variant):
    start = series_start + timedelta(seconds=(N_WINDOWS - 4) * WINDOW_S)
    mv, feature = KEYS[0]
    if variant == "key_spelled_differently":
        dup = window_row(start, mv.upper(), feature, n_turns=41)
    else:
        dup = window_row(start + timedelta(seconds=30), mv, feature, n_turns=41)
    store.upsert_windows([dup])
    results = _check(store, now)
    assert _failed(results) == {"windows.unique_window_and_key"}
    assert next(r for r in results if r.expectation == "windows.unique_window_and_key").unexpected_count == 2


def test_a_window_of_the_wrong_length_fails_the_length_check(store, now, series_start):
    start = series_start + timedelta(seconds=2 * WINDOW_S)
    force_windows(store, [window_row(start, *KEYS[2], n_turns=60, window_end=start + timedelta(seconds=60), pane_index=9)])
    assert _failed(_check(store, now)) == {"windows.length_equals_window_size"}


def test_a_volume_collapse_fails_the_volume_band(store, now, series_start):
    # the last three closed windows of one key drop to 2 turns (a partial logging outage)
    rows = [window_row(series_start + timedelta(seconds=i * WINDOW_S), *KEYS[1], n_turns=2, pane_index=9)
            for i in range(N_WINDOWS - 4, N_WINDOWS - 1)]
    force_windows(store, rows)
    results = _check(store, now)
    assert _failed(results) == {"volume.within_band_of_trailing_median"}
    volume = next(r for r in results if r.expectation == "volume.within_band_of_trailing_median")
    assert volume.unexpected_count == 3
    assert all(v < 0.2 for v in json.loads(volume.unexpected_examples))


def test_windows_missing_altogether_count_as_zero_volume(tmp_path, now, series_start):
    from pipelines.store import AggregateStore

    rows = [r for r in clean_series(series_start)
            if not ((r.model_version, r.feature) == KEYS[2]
                    and r.window_start >= series_start + timedelta(seconds=(N_WINDOWS - 3) * WINDOW_S))]
    store = AggregateStore(tmp_path / "o.duckdb", tmp_path / "o.snapshot.duckdb")
    try:
        store.upsert_windows(rows)
        results = _check(store, now)
    finally:
        store.close()
    assert _failed(results) == {"volume.within_band_of_trailing_median"}
    assert next(r for r in results if r.expectation == "volume.within_band_of_trailing_median").unexpected_count == 2


def test_a_duplicated_stream_fails_the_volume_band(store, now, series_start):
    i = N_WINDOWS - 2  # the newest closed window
    store.upsert_windows([window_row(series_start + timedelta(seconds=i * WINDOW_S), *KEYS[0], n_turns=6 * 44,
                                     pane_index=9)])
    results = _check(store, now)
    assert _failed(results) == {"volume.within_band_of_trailing_median"}


def test_the_still_filling_newest_window_is_not_judged_for_volume(store, now, series_start):
    i = N_WINDOWS - 1
    force_windows(store, [window_row(series_start + timedelta(seconds=i * WINDOW_S), *KEYS[0], n_turns=3, pane_index=9)])
    assert _failed(_check(store, now)) == set()


def test_a_sparse_key_with_empty_windows_is_not_judged_for_volume(tmp_path, now, series_start):
    # a key with ~3 turns per window (a new model version early in its rollout): empty windows are
    # ordinary there, so the volume band must not fire; the busy keys are still judged
    from pipelines.store import AggregateStore

    rows = clean_series(series_start)
    rows += [window_row(series_start + timedelta(seconds=i * WINDOW_S), "assistant-v9", "search", n_turns=3)
             for i in range(N_WINDOWS) if i % 3]  # every third window empty
    store = AggregateStore(tmp_path / "s.duckdb", tmp_path / "s.snapshot.duckdb")
    try:
        store.upsert_windows(rows)
        results = _check(store, now)
    finally:
        store.close()
    volume = next(r for r in results if r.expectation == "volume.within_band_of_trailing_median")
    assert volume.success and volume.element_count > 0

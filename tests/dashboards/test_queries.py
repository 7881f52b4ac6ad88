"""The query module on the known store: every figure a page shows, checked against hand
arithmetic (tests/dashboards/conftest.py) or an independent implementation."""

from __future__ import annotations

import math

import pytest
from scipy.stats import binomtest

from dashboards import queries
from dashboards.queries import Filters
from dashboards.reviews import ReviewStore
from pipelines.store import SnapshotMissingError
from schemas import Settings
from schemas.reviews import ReviewLabel, create_reviews_table_sql
from tests.dashboards.conftest import KNOWN, W47_A, utc

W47 = Filters(start=utc(2026, 11, 16), end=utc(2026, 11, 23))


def test_wilson_matches_scipy_and_handles_empty():
    low, high = queries.wilson_interval([30, 0, 5], [250, 10, 0])
    ci = binomtest(30, 250).proportion_ci(method="wilson")
    assert low[0] == pytest.approx(ci.low) and high[0] == pytest.approx(ci.high)
    assert low[1] == 0.0 and 0 < high[1] < 0.35
    assert math.isnan(low[2]) and math.isnan(high[2])


def test_newcombe_interval_contains_the_difference():
    d, lo, hi = queries.newcombe_diff_interval(30, 250, 35, 150)
    assert d == pytest.approx(35 / 150 - 30 / 250)
    assert lo < d < hi and lo > 0  # a clear increase


def test_dimensions(known_store):
    assert queries.features(known_store.snapshot) == ["coding", "search"]
    assert queries.model_versions(known_store.snapshot) == ["v1", "v2"]  # rollout order
    assert queries.store_extent(known_store.snapshot) == (utc(2026, 11, 12, 10, 0), utc(2026, 11, 20, 10, 10))
    assert queries.default_upgrade_pair(known_store.snapshot) == ("v1", "v2")
    assert queries.default_upgrade_pair(known_store.snapshot, Filters(model_versions=("v2",))) is None


def test_conservation_counts(known_store):
    assert queries.conservation(known_store.snapshot) == {
        k: KNOWN[k] for k in ("read", "aggregated", "dead_lettered", "too_late", "duplicates", "unaccounted")}


def test_rates_over_time_long_frame(known_store):
    rates = queries.rates_over_time(known_store.snapshot)
    assert set(rates["metric"]) == set(queries.METRICS)
    v2 = rates[(rates["model_version"] == "v2") & (rates["metric"] == "refusal_rate")].iloc[0]
    assert (v2["n"], v2["k"]) == (150, 35) and v2["rate"] == pytest.approx(35 / 150)
    assert v2["low"] < v2["rate"] < v2["high"]
    over = rates[(rates["model_version"] == "v1") & (rates["metric"] == "over_refusal_rate")]
    assert over["k"].tolist() == [6, 5]  # W46 window, then the two W47 features summed


def test_filters_time_feature_version(known_store):
    totals = queries.totals(known_store.snapshot, W47)
    assert dict(zip(totals["model_version"], totals["turns"])) == {"v1": 150, "v2": 150}
    coding = queries.totals(known_store.snapshot, Filters(features=("coding",)))
    assert dict(zip(coding["model_version"], coding["refusals"])) == {"v1": 5, "v2": 10}
    only_v2 = queries.totals(known_store.snapshot, Filters(model_versions=("v2",)))
    assert only_v2["model_version"].tolist() == ["v2"]


def test_filters_are_bound_parameters_not_sql(known_store):
    hostile = Filters(features=("search') OR 1=1 --",), model_versions=("v1' OR '1'='1",))
    assert queries.totals(known_store.snapshot, hostile).empty
    assert queries.rates_over_time(known_store.snapshot, hostile).empty
    assert queries.review_samples(known_store.snapshot, reason="refusal' OR 1=1 --").empty


def test_upgrade_comparison_raw_and_mix_adjusted(known_store):
    cmp = queries.upgrade_comparison(known_store.snapshot, None, "v1", "v2")
    assert cmp["feature"].tolist() == ["coding", "search", "(all features)"]
    overall = cmp.iloc[-1]
    assert (overall["n_old"], overall["k_old"], overall["n_new"], overall["k_new"]) == (250, 30, 150, 35)
    assert overall["diff"] == pytest.approx(35 / 150 - 30 / 250)
    assert overall["adj_diff"] == pytest.approx(KNOWN["adj_diff_all"])
    assert overall["adj_diff_low"] < overall["adj_diff"] < overall["adj_diff_high"]
    # The raw increase is larger than the mix-adjusted one: v2 got more trigger prompts.
    assert overall["adj_diff"] < overall["diff"]


def test_cue_stats_lift_and_rising_cues(known_store):
    cues = queries.cue_stats(known_store.snapshot)
    assert cues["cue"].tolist() == ["bomb", "kill", "shoot"]  # highest lift first
    kill = cues.set_index("cue").loc["kill"]
    assert (kill["prompts"], kill["refused"]) == (30, 12)
    assert kill["lift"] == pytest.approx((12 / 30) / (65 / 400))
    heat = queries.cue_version_matrix(known_store.snapshot)
    assert len(heat) == 6
    rising = queries.rising_cues(known_store.snapshot, None, "v1", "v2")
    assert rising["cue"].tolist() == ["kill", "shoot", "bomb"]
    assert rising.iloc[0]["rise"] == pytest.approx(10 / 20 - 2 / 10)
    assert queries.rising_cues(known_store.snapshot, None, "v1", "v2", min_prompts=9)["cue"].tolist() == ["kill"]


def test_over_refusal_two_by_two(known_store):
    m = queries.over_refusal_matrix(known_store.snapshot).set_index("model_version")
    v2 = m.loc["v2"]
    assert (v2["benign_refused"], v2["benign_complied"], v2["harmful_refused"], v2["harmful_complied"]) == (18, 107, 17, 8)
    assert v2[["benign_refused", "benign_complied", "harmful_refused", "harmful_complied"]].sum() == 150
    assert v2["over_refusal_among_benign"] == pytest.approx(18 / 125)


def test_alerts_path_and_filters(known_store):
    path = queries.alerts_snapshot_path(Settings(home=known_store.home))
    assert path == known_store.home / "alerts.snapshot.duckdb"
    assert queries.recent_alerts(path)["alert_id"].tolist() == ["a-1"]
    assert queries.recent_alerts(path, Filters(features=("coding",))).empty
    assert queries.recent_alerts(path, Filters(model_versions=("v1",)))["alert_id"].tolist() == ["a-1"]  # baseline
    with pytest.raises(SnapshotMissingError):
        queries.recent_alerts(known_store.home / "nothing.snapshot.duckdb")


def test_quality_incidents_of_a_week(known_store):
    incidents = queries.quality_incidents(known_store.quality, *queries.iso_week_bounds("2026-W47"))
    assert incidents["expectation"].tolist() == ["windows.fresh"]
    assert queries.quality_incidents(known_store.quality, *queries.iso_week_bounds("2026-W46")).empty


def test_review_samples_and_evidence_highlight(known_store):
    samples = queries.review_samples(known_store.snapshot)
    assert samples["turn_id"].tolist() == ["t-kill", "t-redacted", "t-v1"]  # suspects first
    assert queries.review_samples(known_store.snapshot, reason="refusal", refusal_label="partial_refusal")[
        "turn_id"].tolist() == ["t-redacted"]
    by_id = samples.set_index("turn_id")
    # Offsets fit the stored text: used as they are.
    assert queries.highlight_html(by_id.loc["t-kill", "response"], by_id.loc["t-kill", "evidence_json"]).startswith(
        '<mark title="first_person_cannot" style="background:#ffd54f">I can&#x27;t help</mark>')
    # Redacted text: the offsets do not fit, the evidence text is found instead.
    red = by_id.loc["t-redacted"]
    assert queries.evidence_spans(red["response"], red["evidence_json"]) == [(15, 23, "first_person_cannot")]
    assert "<mark" in queries.highlight_html(red["response"], red["evidence_json"])
    assert queries.evidence_spans("nothing here", '[{"start": 0, "end": 4, "text": "gone"}]') == []
    assert queries.highlight_html("<b>x</b>", "[]") == "&lt;b&gt;x&lt;/b&gt;"


def _label(turn_id: str, verdict: str, reviewer: str = "ana", minute: int = 0, **kw) -> ReviewLabel:
    base = dict(turn_id=turn_id, reviewer=reviewer, verdict=verdict, reviewed_at=utc(2026, 11, 21, 9, minute),
                refusal_label="full_refusal", reason="refusal", model_version="v2", feature="search",
                detector_version="d1", window_start=W47_A)
    return ReviewLabel(**{**base, **kw})


def test_review_labels_round_trip_and_precision(tmp_path):
    store = ReviewStore(tmp_path / "reviews.duckdb")
    assert store.labels().empty
    store.add(_label("t1", "correct"))
    store.add(_label("t2", "wrong"))
    store.add(_label("t2", "correct", reviewer="bo", minute=5))  # a later vote on t2 wins
    store.add(_label("t3", "wrong", refusal_label="partial_refusal"))
    store.add(_label("t1", "correct", minute=7))  # same reviewer again: replaced, not added
    labels = store.labels()
    assert len(labels) == 4 and set(labels["reviewer"]) == {"ana", "bo"}
    precision = queries.detector_precision(labels).set_index("refusal_label")
    assert (precision.loc["full_refusal", "labelled"], precision.loc["full_refusal", "correct"]) == (2, 2)
    assert precision.loc["partial_refusal", "precision"] == 0.0
    assert queries.detector_precision(labels, Filters(model_versions=("v1",))).empty
    assert "PRIMARY KEY (turn_id, reviewer)" in create_reviews_table_sql()


def test_iso_weeks():
    assert queries.iso_week_bounds("2026-W47") == (utc(2026, 11, 16), utc(2026, 11, 23))
    assert queries.iso_week_of(utc(2026, 11, 22, 23, 59)) == "2026-W47"
    with pytest.raises(ValueError, match="2026-W47"):
        queries.iso_week_bounds("last week")


def test_missing_snapshot_raises_the_transient_error(tmp_path):
    with pytest.raises(SnapshotMissingError):
        queries.totals(tmp_path / "none.snapshot.duckdb")


def test_dashboard_modules_never_import_beam_or_kafka():
    import subprocess
    import sys

    code = ("import sys, dashboards.queries, dashboards.common, dashboards.report, dashboards.charts, dashboards.reviews; "
            "print([m for m in sys.modules if m.split('.')[0] in ('apache_beam', 'confluent_kafka', 'great_expectations')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_review_label_ddl_follows_the_model():
    import duckdb

    con = duckdb.connect()
    con.execute(create_reviews_table_sql())
    columns = [r[0] for r in con.execute("DESCRIBE review_labels").fetchall()]
    assert columns == list(ReviewLabel.model_fields)
    with pytest.raises(ValueError, match="verdict"):
        _label("t1", "maybe")
    with pytest.raises(ValueError, match="reviewer"):
        _label("t1", "correct", reviewer="")

"""The dashboard's data-quality section (page "Alerts and data quality") on a real checker store
(AppTest, no browser)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboards import queries
from pipelines.store import AggregateStore
from schemas.quality import QualityResult
from tests.conftest import utc

APP = str(Path(__file__).resolve().parents[2] / "dashboards" / "app.py")
PAGE = "app_pages/alerts_quality.py"


def _open_quality_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    return at.switch_page(PAGE).run()


def _result(run_id: str, expectation: str, success: bool, minutes: int, **kw) -> QualityResult:
    return QualityResult(run_id=run_id, suite="aggregates.windows", expectation=expectation,
                         expectation_type="expect_x", success=success, checked_at=utc(2026, 11, 28, 12, minutes), **kw)


def _quality_store(home: Path) -> Path:
    store = AggregateStore(home / "quality.duckdb", home / "quality.snapshot.duckdb")
    store.upsert("quality_results", [
        _result("r1", "windows.fresh", False, 0, observed_value="old"),
        _result("r1", "windows.class_counts_sum_to_turns", True, 0),
        _result("r2", "windows.fresh", True, 5),  # a later run: freshness recovered
        _result("r2", "windows.class_counts_sum_to_turns", False, 5, unexpected_count=1, element_count=72,
                unexpected_examples="[41]"),
    ])
    store.close()
    return home / "quality.snapshot.duckdb"


def test_query_keeps_the_latest_result_per_expectation_failures_first(tmp_path):
    frame = queries.quality_results(_quality_store(tmp_path))
    assert frame[["expectation", "passed", "run_id"]].values.tolist() == [
        ["windows.class_counts_sum_to_turns", False, "r2"],
        ["windows.fresh", True, "r2"],
    ]
    assert frame["examples"][0] == "[41]"


def test_app_shows_the_data_quality_section(tmp_path, monkeypatch):
    _quality_store(tmp_path)
    monkeypatch.setenv("RM_HOME", str(tmp_path))
    monkeypatch.setenv("RM_STORE_PATH", str(tmp_path / "missing.duckdb"))
    at = _open_quality_page()
    assert not at.exception
    assert "Data quality" in [s.value for s in at.subheader]
    assert [e.value for e in at.error] == ["1 of 2 expectations failed in the latest checks"]
    table = at.dataframe[-1].value
    assert table["expectation"].tolist()[0] == "windows.class_counts_sum_to_turns"


def test_app_says_how_to_get_results_when_there_are_none(tmp_path, monkeypatch):
    monkeypatch.setenv("RM_HOME", str(tmp_path))
    monkeypatch.setenv("RM_STORE_PATH", str(tmp_path / "missing.duckdb"))
    at = _open_quality_page()
    assert not at.exception
    assert any("refusal-monitor check" in i.value for i in at.info)

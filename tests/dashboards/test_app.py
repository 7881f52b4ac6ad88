"""The dashboard on a real store, through Streamlit's AppTest (no browser)."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboards import queries
from pipelines.store import AggregateStore
from tests.conftest import utc
from tests.schemas.test_aggregates import _row

APP = str(Path(__file__).resolve().parents[2] / "dashboards" / "app.py")


@pytest.fixture
def store_env(tmp_path, monkeypatch):
    store = AggregateStore(tmp_path / "s.duckdb", tmp_path / "s.snapshot.duckdb")
    store.upsert_windows([
        _row(model_version="v1", feature="search", n_turns=10, n_full_refusal=1, n_compliance=9),
        _row(model_version="v2", feature="search", n_turns=10, n_full_refusal=4, n_compliance=6),
        _row(model_version="v2", feature="coding", n_turns=5, n_full_refusal=0, n_compliance=5,
             window_start=utc(2026, 11, 20, 10, 5), window_end=utc(2026, 11, 20, 10, 10)),
    ])
    store.close()
    monkeypatch.setenv("RM_STORE_PATH", str(tmp_path / "s.duckdb"))
    return tmp_path / "s.snapshot.duckdb"


def test_rate_query_is_filtered_by_feature(store_env):
    all_rates = queries.rate_over_time(store_env)
    assert sorted(all_rates["model_version"]) == ["v1", "v2", "v2"]
    search = queries.rate_over_time(store_env, ["search"])
    assert dict(zip(search["model_version"], search["refusal_rate"])) == {"v1": 0.1, "v2": 0.4}
    assert queries.features(store_env) == ["coding", "search"]


def test_feature_filter_is_a_bound_parameter_not_sql(store_env):
    hostile = ["search') OR 1=1 --"]
    assert queries.rate_over_time(store_env, hostile).empty


def test_app_renders_chart_and_totals(store_env):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert [s.value for s in at.subheader][:2] == ["Refusal rate over time per model version", "Totals"]
    totals = at.dataframe[0].value
    assert dict(zip(totals["model_version"], totals["turns"])) == {"v1": 10, "v2": 15}
    at.sidebar.multiselect[0].select("coding").run()
    assert dict(zip(at.dataframe[0].value["model_version"], at.dataframe[0].value["turns"])) == {"v2": 5}


def test_app_without_data_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("RM_STORE_PATH", str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "Waiting for data" in at.info[0].value

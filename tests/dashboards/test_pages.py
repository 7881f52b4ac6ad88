"""Every page of the multipage app on the known store, through Streamlit's AppTest (no browser):
the numbers each page shows, the filters, and the empty states."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from dashboards.reviews import ReviewStore
from tests.dashboards.conftest import APP, KNOWN

PAGES = ["app_pages/overview.py", "app_pages/upgrade.py", "app_pages/triggers.py", "app_pages/over_refusal.py",
         "app_pages/alerts_quality.py", "app_pages/review.py", "app_pages/weekly_report.py"]


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def chart_titles(at: AppTest) -> list[str]:
    titles = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        title = spec.get("title")
        titles.append(title.get("text") if isinstance(title, dict) else title)
    return titles


def test_overview_shows_conservation_rates_and_totals(known_store):
    at = open_page("app_pages/overview.py")
    assert metrics(at) == {"Read": "406", "Aggregated": "400", "Dead-lettered": "3", "Too late": "2", "Duplicates": "1",
                           "Unaccounted": "0"}
    assert sorted(chart_titles(at)) == sorted(["refusal rate", "partial-refusal rate", "clarification rate",
                                               "over-refusal rate", "Volume"])
    totals = at.dataframe[0].value
    assert dict(zip(totals["model_version"], totals["turns"])) == KNOWN["turns"]
    assert dict(zip(totals["model_version"], totals["refusals"])) == KNOWN["refusals"]
    assert totals["refusal_rate"].tolist() == pytest.approx([30 / 250, 35 / 150])
    assert "Dead-lettered records: 3" in [s.value for s in at.subheader]
    assert [link.proto.page for link in at.get("page_link")] == ["review"]  # the turns behind the numbers


def test_filters_apply_and_survive_page_switches(known_store):
    at = open_page("app_pages/overview.py")
    at.sidebar.multiselect(key="f_features").select("coding").run()
    totals = at.dataframe[0].value
    assert dict(zip(totals["model_version"], totals["refusals"])) == {"v1": 5, "v2": 10}
    at.sidebar.multiselect(key="f_features").unselect("coding").run()
    at.sidebar.selectbox(key="f_range").select("Last hour").run()  # the hour before the latest window: W47 only
    assert dict(zip(at.dataframe[0].value["model_version"], at.dataframe[0].value["turns"])) == {"v1": 150, "v2": 150}
    at.sidebar.multiselect(key="f_versions").select("v2").run()
    assert at.dataframe[0].value["model_version"].tolist() == ["v2"]
    at.switch_page("app_pages/over_refusal.py").run()  # the selection follows to another page
    assert list(metrics(at)) == ["Over-refusal of benign prompts, v2"]
    # Conservation is over the whole store whatever the filters say.
    at.switch_page("app_pages/overview.py").run()
    assert metrics(at)["Read"] == "406"


def test_upgrade_page_old_vs_new_with_mix_adjustment(known_store):
    at = open_page("app_pages/upgrade.py")
    assert metrics(at) == {"Refusal rate v1": "12.0%", "Refusal rate v2": "23.3%",
                           "Change, mix-adjusted": f"{KNOWN['adj_diff_all']:+.1%}"}
    assert chart_titles(at) == ["Refusal rate: v1 vs v2", "Difference with 95% interval"]
    table = at.dataframe[0].value.set_index("feature")
    assert table.loc["(all features)", "adj_diff"] == pytest.approx(KNOWN["adj_diff_all"])
    assert table.loc["coding", "diff"] == pytest.approx(10 / 50 - 5 / 50)
    at.selectbox(key="up_old").select("v2").run()
    at.selectbox(key="up_new").select("v1").run()
    assert metrics(at)["Change, mix-adjusted"] == f"{-KNOWN['adj_diff_all']:+.1%}"


def test_trigger_page_lift_heat_map_and_rising_cues(known_store):
    at = open_page("app_pages/triggers.py")
    assert chart_titles(at) == ["Refusal rate per cue (top 20 by lift)", "Refusal rate per cue and model version",
                                "Cues whose refusal rate rose most"]
    cues = at.dataframe[0].value
    assert cues["cue"].tolist() == ["bomb", "kill", "shoot"]
    assert cues.set_index("cue").loc["kill", "lift"] == pytest.approx((12 / 30) / (65 / 400))
    rising = at.dataframe[1].value
    assert rising["cue"].tolist()[0] == "kill" and rising["rise"].tolist()[0] == pytest.approx(0.3)
    at.slider(key="cue_min_prompts").set_value(9).run()
    assert at.dataframe[1].value["cue"].tolist() == ["kill"]


def test_over_refusal_page_two_by_two(known_store):
    at = open_page("app_pages/over_refusal.py")
    assert metrics(at) == {"Over-refusal of benign prompts, v1": "5.1%", "Over-refusal of benign prompts, v2": "14.4%"}
    assert chart_titles(at) == ["Prompt x response per model version"]
    cells = at.dataframe[0].value.set_index("model_version")
    assert cells.loc["v2", ["benign_complied", "benign_refused", "harmful_complied", "harmful_refused"]].tolist() == [107, 18, 8, 17]
    assert cells.loc["v1", ["benign_complied", "benign_refused", "harmful_complied", "harmful_refused"]].tolist() == [204, 11, 16, 19]


def test_alerts_and_quality_page(known_store):
    at = open_page("app_pages/alerts_quality.py")
    assert [s.value for s in at.subheader] == ["Recent alerts", "Data quality"]
    alerts = at.dataframe[0].value
    assert alerts[["severity", "feature", "model_version"]].values.tolist() == [["critical", "search", "v2"]]
    assert at.expander[0].label.startswith("CRITICAL · over refusal rate · search · v1 → v2")
    errors = [e.value for e in at.error]
    assert "v2 over-refuses benign search prompts with 'kill' three times as often as v1." in errors
    assert "1 of 2 expectations failed in the latest checks" in errors
    assert at.dataframe[-1].value["expectation"].tolist()[0] == "windows.fresh"


def test_alerts_page_without_alerts_or_checks(bare_store):
    at = open_page("app_pages/alerts_quality.py")
    infos = [i.value for i in at.info]
    assert "No alerts yet." in infos
    assert any("refusal-monitor check" in i for i in infos)


def test_review_page_labels_turns_and_measures_precision(known_store):
    at = open_page("app_pages/review.py")
    assert "No labels yet" in at.info[0].value
    assert at.button(key="ok_t-kill").disabled  # no reviewer name yet
    responses = [m.value for m in at.markdown if m.value.startswith("**Response:**")]
    assert len(responses) == 3 and all("<mark" in r for r in responses)  # the redacted one too, found by its text
    assert any("I cannot</mark>" in r for r in responses)
    assert any('<mark title="kill"' in m.value for m in at.markdown if m.value.startswith("**Prompt:**"))
    at.text_input(key="reviewer").input("ana").run()
    at.button(key="ok_t-kill").click().run()
    at.button(key="bad_t-redacted").click().run()
    assert not at.exception
    precision = at.dataframe[0].value.set_index("refusal_label")
    assert precision.loc["full_refusal", ["model_version", "labelled", "correct", "precision"]].tolist() == ["v2", 1, 1, 1.0]
    assert precision.loc["partial_refusal", "precision"] == 0.0
    labels = ReviewStore(known_store.home / "reviews.duckdb").labels()
    assert sorted(zip(labels["turn_id"], labels["reviewer"], labels["verdict"])) == [
        ("t-kill", "ana", "correct"), ("t-redacted", "ana", "wrong")]
    assert labels["reviewed_at"].notna().all()
    at.selectbox(key="rv_reason").select("over_refusal_suspect").run()
    assert len([m for m in at.markdown if m.value.startswith("**Response:**")]) == 1


def test_weekly_report_button_writes_the_report(known_store):
    at = open_page("app_pages/weekly_report.py")
    assert at.text_input(key="report_week").value == "2026-W47"
    at.button(key="write_report").click().run()
    assert not at.exception
    html = known_store.home / "reports" / "refusal-monitor-2026-W47.html"
    assert html.exists() and (known_store.home / "reports" / "refusal-monitor-2026-W47.md").exists()
    assert any("wrote" in s.value for s in at.success)
    assert any("Refusal Monitor weekly review 2026-W47" in m.value for m in at.markdown)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_waits_for_data_without_a_store(page, tmp_path, monkeypatch):
    monkeypatch.setenv("RM_HOME", str(tmp_path))
    monkeypatch.setenv("RM_STORE_PATH", str(tmp_path / "none.duckdb"))
    at = open_page(page)
    shown = [i.value for i in at.info]
    if page == "app_pages/alerts_quality.py":
        assert "No alerts yet." in shown
    elif page == "app_pages/review.py":
        assert any("Waiting for data" in i for i in shown)
    else:
        assert any("Waiting for data" in i for i in shown), shown


def test_a_store_from_an_older_pipeline_shows_what_it_has(known_store):
    """A snapshot without cue_windows and source_progress (an older writer): the queries say which
    table is missing, the pages show the rest instead of failing."""
    import duckdb

    con = duckdb.connect(str(known_store.snapshot))
    con.execute("DROP TABLE cue_windows")
    con.execute("DROP TABLE source_progress")
    con.close()
    at = open_page("app_pages/overview.py")
    assert any("No conservation counts" in i.value and "source_progress" in i.value for i in at.info)
    assert dict(zip(at.dataframe[0].value["model_version"], at.dataframe[0].value["turns"])) == KNOWN["turns"]
    at.switch_page("app_pages/triggers.py").run()
    assert not at.exception
    assert any("Waiting for data" in i.value and "cue_windows" in i.value for i in at.info)

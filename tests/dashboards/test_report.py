"""The weekly review on the known store: `refusal-monitor report --week 2026-W47` writes a
self-contained HTML page (inline SVG charts, no script, no remote resource) and a Markdown
summary with the week's changes, rising cues, alerts, data-quality incidents and example turns."""

from __future__ import annotations

import re

import pytest

from dashboards import report
from pipelines.cli import main
from schemas import Settings



def test_report_numbers(known_store):
    r = report.build_weekly_report(Settings(), "2026-w47")
    assert r.week == "2026-W47" and r.pair == ("v1", "v2")
    wow = r.week_over_week.set_index("model_version")
    # v1: 10/100 refusals... this week 15/150, last week (W46) 15/100.
    assert (wow.loc["v1", "turns"], wow.loc["v1", "turns_prev"]) == (150, 100)
    assert wow.loc["v1", "refusal_rate_change"] == pytest.approx(15 / 150 - 15 / 100)
    assert wow.loc["v1", "refusal_rate_change_low"] < wow.loc["v1", "refusal_rate_change"] < wow.loc["v1", "refusal_rate_change_high"]
    assert wow.loc["v2", "turns_prev"] == 0  # new this week: no change to report
    overall = r.upgrade.set_index("feature").loc["(all features)"]
    assert (overall["n_old"], overall["n_new"]) == (150, 150)  # the week only
    assert r.rising["cue"].tolist()[0] == "kill"
    assert r.alerts["alert_id"].tolist() == ["a-1"]
    assert r.quality["expectation"].tolist() == ["windows.fresh"]
    assert r.examples["turn_id"].tolist() == ["t-kill", "t-redacted", "t-v1"]


def test_cli_writes_self_contained_html_and_markdown(known_store, tmp_path, capsys):
    out = tmp_path / "reports"
    assert main(["report", "--week", "2026-W47", "--out", str(out)]) == 0
    html_path, md_path = out / "refusal-monitor-2026-W47.html", out / "refusal-monitor-2026-W47.md"
    assert str(html_path) in capsys.readouterr().out
    page = html_path.read_text()
    # Self-contained: charts are inline SVG, nothing is fetched when it is opened offline.
    assert page.count("<svg") >= 5
    assert "<script" not in page and not re.search(r'(src|href)="(https?:)?//', page)
    assert "Refusal Monitor weekly review 2026-W47" in page
    assert "v2 over-refuses benign search prompts" in page  # the alert of the week
    assert "windows.fresh" in page  # the data-quality incident
    assert '<mark title="first_person_cannot"' in page  # evidence highlighted in the example turns
    md = md_path.read_text()
    for heading in ("## Week over week", "## Version over version", "## Top rising trigger cues", "## Alerts of the week",
                    "## Data-quality incidents", "## Example turns"):
        assert heading in md
    assert f"{15 / 150 - 15 / 100:+.1%}" in md  # v1 week-over-week change
    assert "| kill |" in md


def test_report_of_a_week_without_alerts_or_checks(bare_store, tmp_path):
    html_path, md_path = report.write_weekly_report(Settings(), "2026-W46", tmp_path)
    md = md_path.read_text()
    assert "One model version this week" in md
    assert "No alerts this week." in md
    assert "the checker has not run" in md
    assert html_path.exists()


def test_report_default_folder_and_bad_week(known_store, capsys):
    assert report.reports_dir(Settings()) == known_store.home / "reports"
    assert main(["report", "--week", "week 47"]) == 2
    assert "2026-W47" in capsys.readouterr().err

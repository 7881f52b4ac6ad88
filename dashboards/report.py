"""The weekly review: one ISO week of the aggregate store as a self-contained HTML page and a
Markdown summary.

What flows in: the settings (which snapshots to read, where to write) and a week such as
``2026-W47``. What flows out: ``<reports>/refusal-monitor-2026-W47.html`` (charts as inline SVG
rendered by vl-convert, no script and no network needed to open it) and
``<reports>/refusal-monitor-2026-W47.md``, with
- week-over-week changes per model version (refusal and over-refusal rate, Newcombe intervals),
- version-over-version changes within the week per feature (raw and trigger-mix-adjusted),
- the trigger cues whose refusal rate rose most between the two latest versions,
- the alerts and the data-quality incidents of the week,
- a handful of sampled turns, evidence highlighted.

Run it with ``refusal-monitor report --week 2026-W47`` or the button on the dashboard's Weekly
report page. It reads the same queries as the pages (``dashboards.queries``), without Streamlit.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import altair as alt
import duckdb
import pandas as pd
import vl_convert

from dashboards import charts, queries
from dashboards.queries import Filters
from dashboards.reviews import ReviewStore, reviews_path
from pipelines.quality.paths import quality_snapshot_path
from pipelines.store import SnapshotMissingError
from schemas import Settings

__all__ = ["WeeklyReport", "reports_dir", "build_weekly_report", "write_weekly_report"]

EXAMPLE_TURNS = 5
TOP_CUES = 5


def reports_dir(settings: Settings) -> Path:
    """Where reports go: ``settings.reports_dir`` or RM_HOME/reports."""
    return Path(getattr(settings, "reports_dir", None) or Path(settings.home) / "reports")


@dataclass
class WeeklyReport:
    """The numbers of one week, ready to render (every frame comes from ``dashboards.queries``)."""

    week: str
    start: datetime
    end: datetime
    generated_at: datetime
    totals: pd.DataFrame
    week_over_week: pd.DataFrame
    rates: pd.DataFrame
    pair: tuple[str, str] | None
    upgrade: pd.DataFrame
    rising: pd.DataFrame
    alerts: pd.DataFrame | None  # None: the alert engine has published nothing
    quality: pd.DataFrame | None  # None: the checker has published nothing
    examples: pd.DataFrame
    precision: pd.DataFrame


def _week_over_week(this: pd.DataFrame, prev: pd.DataFrame) -> pd.DataFrame:
    """Per model version: this week's and last week's refusal and over-refusal rates, and the change
    with Newcombe's 95% interval (NaN where a version has no turns in one of the weeks)."""
    merged = this.merge(prev, on="model_version", how="left", suffixes=("", "_prev"))
    out = pd.DataFrame({"model_version": merged["model_version"], "turns": merged["turns"],
                        "turns_prev": merged["turns_prev"].fillna(0).astype("int64")})
    for metric, k in (("refusal_rate", "refusals"), ("over_refusal_rate", "over_refusal_suspects")):
        d, lo, hi = queries.newcombe_diff_interval(merged[f"{k}_prev"].fillna(0), merged["turns_prev"].fillna(0),
                                                   merged[k], merged["turns"])
        out[f"{metric}_prev"] = merged[f"{metric}_prev"]
        out[metric] = merged[metric]
        out[f"{metric}_change"], out[f"{metric}_change_low"], out[f"{metric}_change_high"] = d, lo, hi
    return out


def build_weekly_report(settings: Settings, week: str) -> WeeklyReport:
    """Query everything the report shows for ISO ``week`` (raises SnapshotMissingError without a store)."""
    start, end = queries.iso_week_bounds(week)
    week = queries.iso_week_of(start)  # canonical spelling, e.g. 2026-w7 -> 2026-W07
    snapshot = settings.snapshot_file.resolve()
    this_week = Filters(start=start, end=end)
    last_week = Filters(start=start - timedelta(days=7), end=start)
    totals = queries.totals(snapshot, this_week)
    wow = _week_over_week(totals, queries.totals(snapshot, last_week))
    pair = queries.default_upgrade_pair(snapshot, this_week)
    upgrade = queries.upgrade_comparison(snapshot, this_week, *pair) if pair else pd.DataFrame()
    rising = queries.rising_cues(snapshot, this_week, *pair).head(TOP_CUES) if pair else pd.DataFrame()
    try:
        alerts: pd.DataFrame | None = queries.recent_alerts(queries.alerts_snapshot_path(settings).resolve(), this_week, limit=100)
    except (SnapshotMissingError, duckdb.CatalogException):
        alerts = None
    try:
        quality: pd.DataFrame | None = queries.quality_incidents(quality_snapshot_path(settings).resolve(), start, end)
    except (SnapshotMissingError, duckdb.CatalogException):
        quality = None
    return WeeklyReport(
        week=week, start=start, end=end, generated_at=datetime.now(timezone.utc),
        totals=totals, week_over_week=wow, rates=queries.rates_over_time(snapshot, this_week), pair=pair,
        upgrade=upgrade, rising=rising, alerts=alerts, quality=quality,
        examples=queries.review_samples(snapshot, this_week, limit=EXAMPLE_TURNS),
        precision=queries.detector_precision(ReviewStore(reviews_path(settings)).labels(), this_week),
    )


# -- rendering ------------------------------------------------------------------------------------
def _pct(v: Any, signed: bool = False) -> str:
    if v is None or pd.isna(v):
        return "–"
    return f"{v:+.1%}" if signed else f"{v:.1%}"


def _ci(lo: Any, hi: Any) -> str:
    return f"[{_pct(lo, True)}, {_pct(hi, True)}]"


def _svg(chart: alt.TopLevelMixin) -> str:
    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    return vl_convert.vegalite_to_svg(chart.to_dict(), vl_version=f"{major}.{minor}")


def _wow_table(r: WeeklyReport) -> list[list[str]]:
    rows = [["model version", "turns (prev)", "refusal rate (prev → this)", "change [95% CI]",
             "over-refusal rate (prev → this)", "change [95% CI]"]]
    for _, x in r.week_over_week.iterrows():
        rows.append([x["model_version"], f"{x['turns']:,} ({x['turns_prev']:,})",
                     f"{_pct(x['refusal_rate_prev'])} → {_pct(x['refusal_rate'])}",
                     f"{_pct(x['refusal_rate_change'], True)} {_ci(x['refusal_rate_change_low'], x['refusal_rate_change_high'])}",
                     f"{_pct(x['over_refusal_rate_prev'])} → {_pct(x['over_refusal_rate'])}",
                     f"{_pct(x['over_refusal_rate_change'], True)} {_ci(x['over_refusal_rate_change_low'], x['over_refusal_rate_change_high'])}"])
    return rows


def _upgrade_table(r: WeeklyReport) -> list[list[str]]:
    old, new = r.pair or ("old", "new")
    rows = [["feature", f"{old} (n)", f"{new} (n)", "change [95% CI]", "mix-adjusted change [95% CI]"]]
    for _, x in r.upgrade.iterrows():
        rows.append([x["feature"], f"{_pct(x['rate_old'])} ({x['n_old']:,})", f"{_pct(x['rate_new'])} ({x['n_new']:,})",
                     f"{_pct(x['diff'], True)} {_ci(x['diff_low'], x['diff_high'])}",
                     f"{_pct(x['adj_diff'], True)} {_ci(x['adj_diff_low'], x['adj_diff_high'])}"])
    return rows


def _rising_table(r: WeeklyReport) -> list[list[str]]:
    rows = [["cue", "old rate (n)", "new rate (n)", "rise [95% CI]"]]
    for _, x in r.rising.iterrows():
        rows.append([x["cue"], f"{_pct(x['rate_old'])} ({x['prompts_old']:,})", f"{_pct(x['rate_new'])} ({x['prompts_new']:,})",
                     f"{_pct(x['rise'], True)} {_ci(x['rise_low'], x['rise_high'])}"])
    return rows


def _alerts_table(r: WeeklyReport) -> list[list[str]]:
    rows = [["created (UTC)", "severity", "metric", "feature", "versions", "explanation"]]
    for _, a in (r.alerts if r.alerts is not None else pd.DataFrame()).iterrows():
        versions = f"{a['baseline_version']} → {a['model_version']}" if a["baseline_version"] else a["model_version"]
        rows.append([f"{pd.Timestamp(a['created_at']):%Y-%m-%d %H:%M}", a["severity"], a["metric"], a["feature"],
                     versions, a["message"]])
    return rows


def _quality_table(r: WeeklyReport) -> list[list[str]]:
    rows = [["suite", "expectation", "failed checks", "first failed (UTC)", "last failed (UTC)", "last observed"]]
    for _, q in (r.quality if r.quality is not None else pd.DataFrame()).iterrows():
        rows.append([q["suite"], q["expectation"], str(q["failed_checks"]), f"{pd.Timestamp(q['first_failed']):%Y-%m-%d %H:%M}",
                     f"{pd.Timestamp(q['last_failed']):%Y-%m-%d %H:%M}", str(q["last_observed"] or "")])
    return rows


def _precision_table(r: WeeklyReport) -> list[list[str]]:
    rows = [["class", "model version", "detector", "labelled", "precision [95% CI]"]]
    for _, p in r.precision.iterrows():
        rows.append([p["refusal_label"], p["model_version"], p["detector_version"], str(p["labelled"]),
                     f"{_pct(p['precision'])} [{_pct(p['precision_low'])}, {_pct(p['precision_high'])}]"])
    return rows


def _md_table(rows: list[list[str]]) -> str:
    def cell(s: str) -> str:
        return str(s).replace("|", "\\|").replace("\n", " ")

    head, *body = rows
    lines = ["| " + " | ".join(cell(c) for c in head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in body]
    return "\n".join(lines)


def _html_table(rows: list[list[str]]) -> str:
    head, *body = rows
    out = ["<table><thead><tr>" + "".join(f"<th>{html.escape(str(c))}</th>" for c in head) + "</tr></thead><tbody>"]
    out += ["<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in body]
    return "".join(out) + "</tbody></table>"


def _headline(r: WeeklyReport) -> list[str]:
    turns = int(r.totals["turns"].sum()) if not r.totals.empty else 0
    lines = [f"{turns:,} turns in {r.week} ({r.start:%Y-%m-%d} to {(r.end - timedelta(days=1)):%Y-%m-%d}, UTC)."]
    if r.pair and not r.upgrade.empty:
        overall = r.upgrade[r.upgrade["feature"] == "(all features)"].iloc[0]
        lines.append(f"Refusal rate {r.pair[0]} {_pct(overall['rate_old'])} → {r.pair[1]} {_pct(overall['rate_new'])}; "
                     f"mix-adjusted change {_pct(overall['adj_diff'], True)} {_ci(overall['adj_diff_low'], overall['adj_diff_high'])}.")
    n_alerts = 0 if r.alerts is None else len(r.alerts)
    n_incidents = 0 if r.quality is None else len(r.quality)
    lines.append(f"{n_alerts} alert(s); {n_incidents} failing data-quality expectation(s).")
    return lines


def render_markdown(r: WeeklyReport) -> str:
    parts = [f"# Refusal Monitor weekly review {r.week}", "", *[f"- {line}" for line in _headline(r)], ""]
    parts += ["## Week over week (per model version)", "", _md_table(_wow_table(r)) if not r.week_over_week.empty
              else "No turns this week.", ""]
    parts += ["## Version over version", ""]
    parts += [f"{r.pair[0]} → {r.pair[1]} within the week; mix-adjusted = compared within prompts with and without "
              "a trigger cue, weighted by their pooled share.", "", _md_table(_upgrade_table(r))] if r.pair \
        else ["One model version this week: nothing to compare."]
    parts += ["", "## Top rising trigger cues", ""]
    parts += [_md_table(_rising_table(r))] if not r.rising.empty else ["No cue with enough prompts in both versions."]
    parts += ["", "## Alerts of the week", ""]
    parts += [_md_table(_alerts_table(r))] if r.alerts is not None and not r.alerts.empty else ["No alerts this week."]
    parts += ["", "## Data-quality incidents", ""]
    parts += [_md_table(_quality_table(r))] if r.quality is not None and not r.quality.empty \
        else ["No failed expectation this week." if r.quality is not None else "No data-quality results (the checker has not run)."]
    parts += ["", "## Measured detector precision (review labels)", ""]
    parts += [_md_table(_precision_table(r))] if not r.precision.empty else ["No review labels this week."]
    parts += ["", "## Example turns", ""]
    for _, t in r.examples.iterrows():
        parts += [f"- **{t['refusal_label']}** ({t['reason']}, {t['model_version']}, {t['feature']}, turn `{t['turn_id']}`)",
                  f"  - prompt: {t['prompt']}", f"  - response: {t['response']}"]
    if r.examples.empty:
        parts.append("No sampled turns this week.")
    parts += ["", f"_Generated {r.generated_at:%Y-%m-%d %H:%M} UTC by `refusal-monitor report`._", ""]
    return "\n".join(parts)


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{margin-bottom:.2em} h2{margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em} th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f5f5f5} .turn{border:1px solid #ddd;border-radius:6px;padding:.6em .8em;margin:.6em 0}
.chart{margin:.6em 0} .muted{color:#777;font-size:.9em} mark{padding:0 2px}
"""


def render_html(r: WeeklyReport) -> str:
    def section(title: str, *body: str) -> str:
        return f"<h2>{html.escape(title)}</h2>" + "".join(body)

    def para(text: str) -> str:
        return f"<p>{html.escape(text)}</p>"

    def chart(c: alt.TopLevelMixin) -> str:
        return f'<div class="chart">{_svg(c)}</div>'

    body = [f"<h1>Refusal Monitor weekly review {html.escape(r.week)}</h1>",
            "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in _headline(r)) + "</ul>"]
    wow = [_html_table(_wow_table(r))] if not r.week_over_week.empty else [para("No turns this week.")]
    if not r.rates.empty:
        wow += [chart(charts.rate_chart(r.rates, "refusal_rate").properties(width=480)),
                chart(charts.rate_chart(r.rates, "over_refusal_rate").properties(width=480))]
    body.append(section("Week over week (per model version)", *wow))
    if r.pair and not r.upgrade.empty:
        body.append(section("Version over version",
                            para(f"{r.pair[0]} → {r.pair[1]} within the week; mix-adjusted = compared within prompts "
                                 "with and without a trigger cue, weighted by their pooled share."),
                            _html_table(_upgrade_table(r)),
                            chart(charts.upgrade_rates_chart(r.upgrade, *r.pair).properties(width=420)),
                            chart(charts.upgrade_diff_chart(r.upgrade).properties(width=420))))
    else:
        body.append(section("Version over version", para("One model version this week: nothing to compare.")))
    body.append(section("Top rising trigger cues", *(
        [_html_table(_rising_table(r)), chart(charts.rising_cues_chart(r.rising).properties(width=420))]
        if not r.rising.empty else [para("No cue with enough prompts in both versions.")])))
    body.append(section("Alerts of the week", _html_table(_alerts_table(r)) if r.alerts is not None and not r.alerts.empty
                        else para("No alerts this week.")))
    body.append(section("Data-quality incidents", _html_table(_quality_table(r)) if r.quality is not None and not r.quality.empty
                        else para("No failed expectation this week." if r.quality is not None
                                  else "No data-quality results (the checker has not run).")))
    body.append(section("Measured detector precision (review labels)",
                        _html_table(_precision_table(r)) if not r.precision.empty else para("No review labels this week.")))
    turns = []
    for _, t in r.examples.iterrows():
        turns.append(
            f'<div class="turn"><div class="muted">{html.escape(t["refusal_label"])} · {html.escape(t["reason"])} · '
            f'{html.escape(t["model_version"])} · {html.escape(t["feature"])} · turn {html.escape(t["turn_id"])}</div>'
            f'<p><b>Prompt:</b> {queries.highlight_html(t["prompt"], t["cues_json"], color="#90caf9")}</p>'
            f'<p><b>Response:</b> {queries.highlight_html(t["response"], t["evidence_json"])}</p></div>')
    body.append(section("Example turns", *(turns or [para("No sampled turns this week.")])))
    body.append(f'<p class="muted">Generated {r.generated_at:%Y-%m-%d %H:%M} UTC by refusal-monitor report.</p>')
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Refusal Monitor {html.escape(r.week)}</title>'
            f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>")


def write_weekly_report(settings: Settings, week: str, out_dir: Path | None = None) -> tuple[Path, Path]:
    """Build and write the report of ``week``; returns (html path, markdown path)."""
    report = build_weekly_report(settings, week)
    folder = Path(out_dir or reports_dir(settings))
    folder.mkdir(parents=True, exist_ok=True)
    html_path = folder / f"refusal-monitor-{report.week}.html"
    md_path = folder / f"refusal-monitor-{report.week}.md"
    html_path.write_text(render_html(report), encoding="utf-8")
    md_path.write_text(render_markdown(report), encoding="utf-8")
    return html_path, md_path

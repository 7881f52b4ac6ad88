"""Altair charts over the frames of ``dashboards.queries``, shared by the pages and the weekly report.

Each function takes a query frame and returns a chart; nothing here reads a store or Streamlit.
Rates are proportions (axes formatted as %), intervals are the frames' Wilson/Newcombe bounds.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboards.queries import METRICS

__all__ = [
    "rate_chart",
    "volume_chart",
    "upgrade_rates_chart",
    "upgrade_diff_chart",
    "cue_lift_chart",
    "cue_heatmap",
    "rising_cues_chart",
    "over_refusal_matrix_chart",
    "precision_chart",
]

_VERSION = alt.Color("model_version:N", title="model version")


def rate_chart(rates: pd.DataFrame, metric: str, height: int = 240) -> alt.Chart:
    """One metric over time per model version: the rate as a line, its 95% Wilson interval as a band."""
    data = rates[rates["metric"] == metric]
    base = alt.Chart(data).encode(x=alt.X("window_start:T", title="window start (UTC)"), color=_VERSION)
    band = base.mark_area(opacity=0.2).encode(y=alt.Y("low:Q", title=METRICS[metric], axis=alt.Axis(format="%")), y2="high:Q")
    # Also a rule per window: a band needs two windows to show, a sparse series still gets its interval.
    rule = base.mark_rule(opacity=0.35).encode(y="low:Q", y2="high:Q")
    line = base.mark_line(point=True).encode(
        y="rate:Q",
        tooltip=[alt.Tooltip("window_start:T", format="%Y-%m-%d %H:%M"), "model_version:N", "n:Q", "k:Q",
                 alt.Tooltip("rate:Q", format=".1%"), alt.Tooltip("low:Q", format=".1%"), alt.Tooltip("high:Q", format=".1%")],
    )
    return alt.layer(band, rule, line).properties(title=METRICS[metric], height=height)


def volume_chart(rates: pd.DataFrame, height: int = 200) -> alt.Chart:
    """Turns per window, stacked by model version."""
    data = rates[rates["metric"] == "refusal_rate"]
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("window_start:T", title="window start (UTC)"), y=alt.Y("n:Q", title="turns"), color=_VERSION,
        tooltip=["window_start:T", "model_version:N", "n:Q"],
    ).properties(title="Volume", height=height)


def upgrade_rates_chart(comparison: pd.DataFrame, old: str, new: str) -> alt.Chart:
    """Old and new refusal rate per feature side by side, with Wilson intervals."""
    rows = []
    for _, r in comparison.iterrows():
        for tag, version in (("old", old), ("new", new)):
            rows.append({"feature": r["feature"], "model_version": version, "rate": r[f"rate_{tag}"],
                         "low": r[f"rate_{tag}_low"], "high": r[f"rate_{tag}_high"], "n": r[f"n_{tag}"]})
    data = pd.DataFrame(rows)
    base = alt.Chart(data).encode(
        y=alt.Y("feature:N", title=None), yOffset=alt.YOffset("model_version:N", sort=[old, new]),
        color=alt.Color("model_version:N", title="model version", sort=[old, new]),
    )
    rule = base.mark_rule().encode(x=alt.X("low:Q", title="refusal rate", axis=alt.Axis(format="%")), x2="high:Q")
    point = base.mark_point(filled=True, size=70).encode(
        x="rate:Q", tooltip=["feature:N", "model_version:N", "n:Q", alt.Tooltip("rate:Q", format=".1%"),
                             alt.Tooltip("low:Q", format=".1%"), alt.Tooltip("high:Q", format=".1%")])
    return alt.layer(rule, point).properties(title=f"Refusal rate: {old} vs {new}", height=max(120, 45 * len(comparison)))


def upgrade_diff_chart(comparison: pd.DataFrame) -> alt.Chart:
    """The change new - old per feature: raw (Newcombe interval) and mix-adjusted (stratified)."""
    rows = []
    for _, r in comparison.iterrows():
        rows.append({"feature": r["feature"], "estimate": "raw", "diff": r["diff"], "low": r["diff_low"], "high": r["diff_high"]})
        rows.append({"feature": r["feature"], "estimate": "mix-adjusted", "diff": r["adj_diff"],
                     "low": r["adj_diff_low"], "high": r["adj_diff_high"]})
    data = pd.DataFrame(rows).dropna(subset=["diff"])
    base = alt.Chart(data).encode(y=alt.Y("feature:N", title=None), yOffset="estimate:N", color=alt.Color("estimate:N", title=None))
    rule = base.mark_rule().encode(x=alt.X("low:Q", title="change in refusal rate (new - old)", axis=alt.Axis(format="+%")), x2="high:Q")
    point = base.mark_point(filled=True, size=70).encode(
        x="diff:Q", tooltip=["feature:N", "estimate:N", alt.Tooltip("diff:Q", format="+.1%"),
                             alt.Tooltip("low:Q", format="+.1%"), alt.Tooltip("high:Q", format="+.1%")])
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(strokeDash=[4, 4], color="gray").encode(x="x:Q")
    return alt.layer(zero, rule, point).properties(title="Difference with 95% interval", height=max(120, 45 * comparison.shape[0]))


def cue_lift_chart(cues: pd.DataFrame, top: int = 20) -> alt.Chart:
    """Refusal rate per cue (highest lift first) with Wilson intervals; color is the lift."""
    data = cues.dropna(subset=["refusal_rate"]).head(top)
    order = data["cue"].tolist()
    base = alt.Chart(data).encode(y=alt.Y("cue:N", sort=order, title=None))
    bars = base.mark_bar().encode(
        x=alt.X("refusal_rate:Q", title="refusal rate of prompts with the cue", axis=alt.Axis(format="%")),
        color=alt.Color("lift:Q", title="lift", scale=alt.Scale(scheme="orangered")),
        tooltip=["cue:N", "category:N", "prompts:Q", "refused:Q", alt.Tooltip("refusal_rate:Q", format=".1%"),
                 alt.Tooltip("lift:Q", format=".2f")])
    err = base.mark_rule().encode(x="refusal_rate_low:Q", x2="refusal_rate_high:Q")
    return alt.layer(bars, err).properties(title=f"Refusal rate per cue (top {top} by lift)", height=max(120, 18 * len(data)))


def cue_heatmap(matrix: pd.DataFrame) -> alt.Chart:
    """Cue x model version, colored by the cue's refusal rate."""
    base = alt.Chart(matrix).encode(x=alt.X("model_version:N", title="model version"), y=alt.Y("cue:N", title=None))
    rect = base.mark_rect().encode(
        color=alt.Color("refusal_rate:Q", title="refusal rate", scale=alt.Scale(scheme="reds", domain=[0, 1])),
        tooltip=["cue:N", "model_version:N", "prompts:Q", "refused:Q", alt.Tooltip("refusal_rate:Q", format=".1%")])
    text = base.mark_text(fontSize=10).encode(text=alt.Text("refusal_rate:Q", format=".0%"))
    return alt.layer(rect, text).properties(title="Refusal rate per cue and model version",
                                            height=max(120, 18 * matrix["cue"].nunique()))


def rising_cues_chart(rising: pd.DataFrame, top: int = 10) -> alt.Chart:
    """The cues whose refusal rate rose most between two versions, with the rise's interval."""
    data = rising.head(top)
    order = data["cue"].tolist()
    base = alt.Chart(data).encode(y=alt.Y("cue:N", sort=order, title=None))
    rule = base.mark_rule().encode(x=alt.X("rise_low:Q", title="rise in refusal rate", axis=alt.Axis(format="+%")), x2="rise_high:Q")
    point = base.mark_point(filled=True, size=70, color="#d62728").encode(
        x="rise:Q", tooltip=["cue:N", "prompts_old:Q", "prompts_new:Q", alt.Tooltip("rate_old:Q", format=".1%"),
                             alt.Tooltip("rate_new:Q", format=".1%"), alt.Tooltip("rise:Q", format="+.1%")])
    return alt.layer(rule, point).properties(title="Cues whose refusal rate rose most", height=max(100, 22 * len(data)))


def over_refusal_matrix_chart(matrix: pd.DataFrame) -> alt.Chart:
    """Per version, the 2x2 of prompt judgement x response, as counts with share of the version's turns."""
    rows = []
    for _, r in matrix.iterrows():
        for prompt in ("benign", "harmful"):
            for response in ("complied", "refused"):
                count = int(r[f"{prompt}_{response}"])
                rows.append({"model_version": r["model_version"], "prompt judged": prompt, "response": response,
                             "turns": count, "share": count / r["turns"] if r["turns"] else 0.0})
    data = pd.DataFrame(rows)
    base = alt.Chart(data).encode(x=alt.X("response:N", title="response"), y=alt.Y("prompt judged:N", title="prompt judged"))
    rect = base.mark_rect().encode(color=alt.Color("share:Q", title="share of turns", scale=alt.Scale(scheme="blues")),
                                   tooltip=["model_version:N", "prompt judged:N", "response:N", "turns:Q", alt.Tooltip("share:Q", format=".1%")])
    text = base.mark_text(fontSize=13).encode(text="turns:Q")
    return alt.layer(rect, text, data=data).properties(width=180, height=140).facet(
        column=alt.Column("model_version:N", title="model version")).properties(title="Prompt x response per model version")


def precision_chart(precision: pd.DataFrame) -> alt.Chart:
    """Measured detector precision per class and model version with Wilson intervals."""
    base = alt.Chart(precision).encode(y=alt.Y("refusal_label:N", title=None), yOffset="model_version:N", color=_VERSION)
    rule = base.mark_rule().encode(x=alt.X("precision_low:Q", title="precision", scale=alt.Scale(domain=[0, 1]),
                                           axis=alt.Axis(format="%")), x2="precision_high:Q")
    point = base.mark_point(filled=True, size=70).encode(
        x="precision:Q", tooltip=["refusal_label:N", "model_version:N", "labelled:Q", "correct:Q", alt.Tooltip("precision:Q", format=".1%")])
    return alt.layer(rule, point).properties(title="Measured detector precision", height=max(100, 40 * len(precision)))

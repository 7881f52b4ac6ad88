"""An alert about a model's refusal behaviour, as every sink sees it (DuckDB, Kafka JSON, webhook),
and the alert engine's settings.

Defined once here so that the alert engine (``pipelines/alerts/``) writes and the dashboard and the
weekly report read the same columns. Rates are proportions in [0, 1]; intervals are two-sided.
``AlertSettings`` hangs on the settings object as ``Settings.alerts`` (``RM_ALERTS__<FIELD>``);
the method behind each threshold is explained in ``docs/alerts.md``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, NonNegativeInt, SecretStr

__all__ = ["Alert", "AlertKind", "AlertMetric", "Severity", "SEVERITY_RANK", "AlertSettings"]

AlertKind = Literal["upgrade_comparison", "spike"]
AlertMetric = Literal["refusal_rate", "over_refusal_rate"]
Severity = Literal["info", "warning", "critical"]

#: Order of severities, for "at least warning" comparisons.
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "critical": 2}


class Alert(BaseModel):
    """One alert for one key; a row of the ``alerts`` table."""

    model_config = ConfigDict(frozen=True)

    alert_id: str = Field(description="Stable id: the same condition on the same key gives the same id (dedup).")
    created_at: AwareDatetime
    kind: AlertKind
    metric: AlertMetric
    severity: Severity
    model_version: str = Field(description="The version the alert is about (the new one for an upgrade).")
    baseline_version: str | None = Field(default=None, description="The version compared against (upgrades).")
    feature: str
    detector_version: str
    window_start: AwareDatetime = Field(description="Start of the evidence the alert rests on.")
    window_end: AwareDatetime = Field(description="End of that evidence (the latest window used).")
    n_before: NonNegativeInt = Field(description="Turns behind rate_before.")
    n_after: NonNegativeInt = Field(description="Turns behind rate_after.")
    rate_before: float
    rate_before_low: float
    rate_before_high: float
    rate_after: float
    rate_after_low: float
    rate_after_high: float
    diff_low: float = Field(description="Lower bound of the (mix-adjusted) increase, rate_after - rate_before.")
    diff_high: float
    method: str = Field(description="The test that fired, e.g. 'confidence-sequence' or 'bernoulli-cusum'.")
    top_cues_json: str = Field(description="JSON list of the cues whose refusal rate rose most, with their lift.")
    samples_json: str = Field(description="JSON list of a few sample turns (redacted) behind the alert.")
    message: str = Field(description="One paragraph a person can act on.")
    dashboard_url: str

    # --- added by the alert engine (all defaulted, so the contract above is unchanged) ----------
    diff: float = Field(default=0.0, description="Point estimate of the (mix-adjusted) increase.")
    expected_rate_after: float | None = Field(
        default=None, description="Spike: the rate the baseline per-stratum rates predict for the new prompt mix.")
    statistic: float = Field(default=0.0, description="The detector's statistic: CUSUM value (nats) or log e-value.")
    threshold: float = Field(default=0.0, description="The value the statistic had to pass to fire.")
    p_value: float = Field(default=1.0, description="Anytime-valid p-value of the key on the weekly table.")
    fdr_discovery: bool = Field(default=False, description="Survived Benjamini-Hochberg across all keys tested in the lookback.")
    last_seen_at: AwareDatetime | None = Field(default=None, description="Latest engine run that still saw the condition.")
    notified_severity: Severity | None = Field(default=None, description="Highest severity already sent to the sinks.")
    notified_at: AwareDatetime | None = Field(default=None, description="When the sinks last got this alert.")
    kafka_sent_at: AwareDatetime | None = None
    webhook_sent_at: AwareDatetime | None = None
    suppressed_reason: str | None = Field(
        default=None, description="Why the alert was stored but not sent (cooldown), when it was not.")
    delivery_error: str | None = Field(default=None, description="Last delivery failure; the next run retries.")


class AlertSettings(BaseModel):
    """Thresholds and sinks of the alert engine (``refusal-monitor alerts``); see docs/alerts.md."""

    model_config = ConfigDict(frozen=True)

    every_seconds: float = Field(default=60.0, gt=0, description="Interval of `alerts watch` and of the demo's watcher.")
    lookback_days: float = Field(
        default=7.0, gt=0, description="Evidence read per run; also the 'weekly table' on which false discoveries are controlled.")
    min_turns: int = Field(default=500, ge=1, description="Minimum-volume guard: turns (of the metric's denominator) "
                                                        "needed on each side before any alert.")
    # upgrade comparison (confidence sequence)
    refusal_margin: float = Field(default=0.01, ge=0, lt=1, description="Practical margin of the refusal-rate increase.")
    over_refusal_margin: float = Field(default=0.01, ge=0, lt=1, description="Practical margin of the over-refusal-rate increase.")
    alpha: float = Field(default=0.05, gt=0, lt=1, description="Error level of the confidence sequence (over all looks).")
    cs_design_turns: int = Field(default=4000, ge=1, description="New-version turns at which the confidence sequence is tightest.")
    baseline_hours: float = Field(default=24.0, gt=0, description="Previous version's traffic before the new one started that forms its baseline.")
    upgrade_horizon_hours: float = Field(default=72.0, gt=0, description="How long after a version starts it is compared with the previous one.")
    # spike detection (risk-adjusted Bernoulli CUSUM)
    spike_odds_ratio: float = Field(default=2.0, gt=1, description="Shift the CUSUM is tuned to detect: odds of refusal multiplied by this.")
    spike_false_alarms_per_30d: float = Field(
        default=1.0, gt=0, description="Bound on false alarms per key (both metrics) per 30 days; sets the CUSUM threshold.")
    reference_hours: float = Field(default=24.0, gt=0, description="Trailing reference period of the per-stratum baseline rates.")
    reference_lag_minutes: float = Field(default=60.0, ge=0, description="Gap between the reference and the window judged, so a shift does not absorb itself at once.")
    prior_strength: float = Field(default=10.0, ge=0, description="Pseudo-turns pulling a thin stratum's baseline rate to the pooled rate.")
    # alert fatigue
    fdr_q: float = Field(default=0.1, gt=0, lt=1, description="Benjamini-Hochberg level over the weekly table; non-discoveries are severity info.")
    critical_increase: float = Field(default=0.03, gt=0, description="Lower bound of the increase from which an alert is critical.")
    cooldown_minutes: float = Field(default=60.0, ge=0, description="A new alert for the same kind, metric and key within this is stored, not sent.")
    # explanation
    top_cues: int = Field(default=5, ge=0, description="Cues listed per alert.")
    cue_min_prompts: int = Field(default=10, ge=1, description="Prompts a cue needs in the after period to be listed.")
    n_samples: int = Field(default=3, ge=0, description="Sample turns listed per alert.")
    # sinks
    webhook_url: SecretStr | None = Field(default=None, description="Slack-compatible incoming webhook; None disables it.")
    webhook_timeout_seconds: float = Field(default=5.0, gt=0)
    webhook_retries: int = Field(default=3, ge=0, description="Retries after the first attempt (exponential back-off).")
    webhook_min_severity: Severity = Field(default="warning", description="Lowest severity posted to the webhook.")
    kafka_timeout_seconds: float = Field(default=30.0, gt=0, description="Delivery timeout of the alerts producer (it retries within it).")

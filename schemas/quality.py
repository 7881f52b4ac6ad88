"""Data-quality contracts: the thresholds the checks use and the result row they store.

``QualityThresholds`` gathers every bound of the Great Expectations suites in one documented
place; it hangs on the settings object as ``Settings.quality`` (``RM_QUALITY__<FIELD>``).
``QualityResult`` is one row of ``quality_results``: the outcome of one expectation in one run,
written by ``refusal-monitor check`` to its own DuckDB file and shown on the dashboard.
"""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

__all__ = ["QualityThresholds", "QualityResult"]


class QualityThresholds(BaseModel):
    """Bounds of the data-quality expectations (input turns and window aggregates)."""

    model_config = ConfigDict(frozen=True)

    # --- input turns (a micro-batch of the newest Kafka messages) --------------------------------
    sample_messages_per_partition: int = Field(
        default=500, ge=1, description="Newest messages read from each partition of the turns topic per check."
    )
    parse_failure_share_max: float = Field(
        default=0.05, ge=0, le=1,
        description="Largest share of sampled messages that may fail ChatTurn validation (the generator sends ~2%).",
    )
    timestamp_max_lag_seconds: float = Field(
        default=3600.0, ge=0,
        description="How far an event time may lie before the check's processing time (turns later than the "
                    "pipeline's allowed lateness are dropped, so this matches RM_ALLOWED_LATENESS_SECONDS).",
    )
    timestamp_max_lead_seconds: float = Field(
        default=300.0, ge=0, description="How far an event time may lie after the processing time (clock skew)."
    )
    prompt_min_chars: int = Field(default=1, ge=0, description="Shortest acceptable prompt (an empty prompt is a logging bug).")
    prompt_max_chars: int = Field(
        default=50_000, ge=1, description="Longest expected prompt; the schema's hard limit is 200,000."
    )
    response_min_chars: int = Field(default=1, ge=0, description="Shortest acceptable response.")
    response_max_chars: int = Field(
        default=50_000, ge=1, description="Longest expected response; the schema's hard limit is 200,000."
    )

    # --- aggregates (refusal_windows in the store snapshot) --------------------------------------
    freshness_max_age_seconds: float = Field(
        default=900.0, gt=0,
        description="While traffic flows, the newest window must have ended at most this long ago (3 default windows).",
    )
    volume_ratio_min: float = Field(
        default=0.2, ge=0, description="Lower edge of the volume band: turns in a window / trailing median of its key."
    )
    volume_ratio_max: float = Field(
        default=5.0, gt=0, description="Upper edge of the volume band (a duplicated stream doubles or more)."
    )
    volume_baseline_windows: int = Field(
        default=12, ge=1, description="K: the trailing median is taken over the key's previous K windows."
    )
    volume_min_baseline_windows: int = Field(
        default=6, ge=1, description="A window is judged only when its key has at least this many trailing windows."
    )
    volume_min_baseline_median: float = Field(
        default=20.0, ge=0,
        description="A window is judged only when its key's trailing median is at least this many turns: on a "
                    "handful of turns per window, empty windows are ordinary (Poisson) and a ratio band is noise.",
    )
    volume_eval_windows: int = Field(
        default=12, ge=1,
        description="Volume is judged on the newest this-many closed windows only, so an old, acknowledged "
                    "incident does not fail every later check.",
    )
    volume_skip_newest_windows: int = Field(
        default=1, ge=0, description="Newest windows left out of the volume check because they are still filling."
    )
    max_examples: int = Field(default=5, ge=1, le=100, description="Offending values kept per failed expectation.")

    @model_validator(mode="after")
    def _bands_ordered(self) -> "QualityThresholds":
        if self.volume_ratio_min >= self.volume_ratio_max:
            raise ValueError("volume_ratio_min must be below volume_ratio_max")
        if self.prompt_min_chars > self.prompt_max_chars or self.response_min_chars > self.response_max_chars:
            raise ValueError("a *_min_chars bound is above its *_max_chars bound")
        return self


class QualityResult(BaseModel):
    """The outcome of one expectation in one check run; a row of ``quality_results``."""

    model_config = ConfigDict(frozen=True)

    run_id: str = Field(description="One id per `check` run; all suites of the run share it.")
    suite: str = Field(description="Suite name: inputs, aggregates.windows or aggregates.volume.")
    expectation: str = Field(description="Stable name of the expectation, e.g. windows.class_counts_sum_to_turns.")
    expectation_type: str = Field(description="The Great Expectations expectation type.")
    target_column: str | None = Field(default=None, description="Column(s) the expectation looks at.")
    success: bool
    observed_value: str | None = Field(default=None, description="GE's observed value, as text.")
    element_count: int | None = Field(default=None, description="Rows the expectation looked at.")
    unexpected_count: int | None = Field(default=None, description="Rows that broke it.")
    unexpected_examples: str | None = Field(default=None, description="A few offending values (JSON).")
    error: str | None = Field(default=None, description="Why GE could not evaluate it (then success is false).")
    checked_at: AwareDatetime = Field(description="Processing time of the run.")

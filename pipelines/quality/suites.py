"""The Great Expectations suites: what must be true of input turns and of window aggregates.

Each expectation carries a stable name in ``meta["name"]`` (e.g. ``windows.class_counts_sum_to_turns``)
so results, alerts, tests and the dashboard refer to it independently of GE's own ids. The suites
look at the frames of ``pipelines.quality.frames``, where derived columns are computed; every
verdict is a built-in GE expectation. Great Expectations is imported inside the functions because
importing it takes seconds and ``refusal-monitor --help`` must stay fast.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Sequence

from pipelines.quality.frames import REQUIRED_FIELDS
from schemas.quality import QualityThresholds

if TYPE_CHECKING:
    import great_expectations as gx

__all__ = ["SUITE_WINDOWS", "SUITE_VOLUME", "SUITE_INPUTS", "windows_suite", "volume_suite", "inputs_suite"]

SUITE_WINDOWS = "aggregates.windows"
SUITE_VOLUME = "aggregates.volume"
SUITE_INPUTS = "inputs"

_KEY_COLUMNS = ("window_start", "window_end", "model_version", "feature", "detector_version")


def _named(expectation: object, name: str, column: str) -> object:
    """Attach the stable name (and the column, for people) to an expectation."""
    expectation.meta = {"name": name, "column": column}  # type: ignore[attr-defined]
    return expectation


def windows_suite(
    window_seconds: int, now: datetime, thresholds: QualityThresholds = QualityThresholds(), expect_fresh: bool = True
) -> "gx.ExpectationSuite":
    """Invariants of every refusal_windows row, plus freshness of the newest window.

    ``expect_fresh`` is False when no traffic flows (an idle topic): then an old newest window is
    expected and the freshness expectations are left out.
    """
    import great_expectations as gx
    import great_expectations.expectations as gxe

    expectations: list = []
    add = expectations.append
    for col in _KEY_COLUMNS:
        add(_named(gxe.ExpectColumnValuesToNotBeNull(column=col), f"windows.key_not_null.{col}", col))
    for rate in ("refusal_rate", "over_refusal_rate", "trigger_refusal_rate"):
        add(_named(gxe.ExpectColumnValuesToBeBetween(column=rate, min_value=0, max_value=1),
                   f"windows.{rate}_in_0_1", rate))
    add(_named(gxe.ExpectColumnPairValuesToBeEqual(column_A="class_sum", column_B="n_turns"),
               "windows.class_counts_sum_to_turns", "n_full_refusal+n_partial_refusal+n_clarification+n_compliance, n_turns"))
    # (name, larger, smaller): count invariants that follow from the definitions in docs/schema.md
    for name, a, b in (
        ("windows.refusals_le_turns", "n_turns", "n_refusals"),
        ("windows.with_trigger_le_turns", "n_turns", "n_with_trigger"),
        ("windows.benign_le_turns", "n_turns", "n_benign_prompt"),
        ("windows.refused_with_trigger_le_with_trigger", "n_with_trigger", "n_refused_with_trigger"),
        ("windows.over_refusal_suspects_le_refusals", "n_refusals", "n_over_refusal_suspect"),
        ("windows.over_refusal_suspects_le_benign", "n_benign_prompt", "n_over_refusal_suspect"),
    ):
        add(_named(gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A=a, column_B=b, or_equal=True), name, f"{a} >= {b}"))
    add(_named(gxe.ExpectColumnValuesToBeInSet(column="window_length_seconds", value_set=[window_seconds]),
               "windows.length_equals_window_size", "window_end - window_start"))
    add(_named(gxe.ExpectCompoundColumnsToBeUnique(
        column_list=["window_index", "model_version_norm", "feature_norm", "detector_version"]),
        "windows.unique_window_and_key", "window, model_version, feature, detector_version"))
    if expect_fresh:
        add(_named(gxe.ExpectTableRowCountToBeBetween(min_value=1), "windows.not_empty", "*"))
        oldest_ok = now - timedelta(seconds=thresholds.freshness_max_age_seconds)
        add(_named(gxe.ExpectColumnMaxToBeBetween(column="window_end", min_value=oldest_ok),
                   "windows.fresh", "max(window_end)"))
    return gx.ExpectationSuite(name=SUITE_WINDOWS, expectations=expectations)


def volume_suite(thresholds: QualityThresholds = QualityThresholds()) -> "gx.ExpectationSuite":
    """Turns per window and key stay within a band of the key's trailing median (outage, duplication)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx.ExpectationSuite(name=SUITE_VOLUME, expectations=[_named(
        gxe.ExpectColumnValuesToBeBetween(column="volume_ratio", min_value=thresholds.volume_ratio_min,
                                          max_value=thresholds.volume_ratio_max),
        "volume.within_band_of_trailing_median", "n_turns / trailing median")])


def inputs_suite(
    thresholds: QualityThresholds = QualityThresholds(),
    model_versions: Sequence[str] | None = None,
    features: Sequence[str] | None = None,
) -> "gx.ExpectationSuite":
    """Expectations on a micro-batch of raw input messages.

    ``model_versions`` / ``features`` are the allowed labels (configured, else learned from the
    store); when one is empty or None its expectation is left out, since nothing is known yet.
    """
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    expectations: list = []
    add = expectations.append
    add(_named(gxe.ExpectColumnMeanToBeBetween(column="parse_failed", min_value=0,
                                               max_value=thresholds.parse_failure_share_max),
               "inputs.parse_failure_share", "parse_failed"))
    # Messages missing a field are dead-lettered; a small share is expected, so presence may fail
    # for at most the share the parse-failure bound allows (a systematic gap still fails).
    presence_mostly = 1.0 - thresholds.parse_failure_share_max
    for name in REQUIRED_FIELDS:
        add(_named(gxe.ExpectColumnValuesToNotBeNull(column=f"has_{name}", row_condition=Column("is_object") == True,  # noqa: E712
                                                     mostly=presence_mostly),
                   f"inputs.required_field_present.{name}", name))
    if model_versions:
        add(_named(gxe.ExpectColumnValuesToBeInSet(column="model_version", value_set=sorted(model_versions)),
                   "inputs.model_version_known", "model_version"))
    if features:
        add(_named(gxe.ExpectColumnValuesToBeInSet(column="feature", value_set=sorted(features)),
                   "inputs.feature_known", "feature"))
    add(_named(gxe.ExpectColumnValuesToBeBetween(column="skew_seconds", min_value=-thresholds.timestamp_max_lag_seconds,
                                                 max_value=thresholds.timestamp_max_lead_seconds),
               "inputs.event_time_skew", "timestamp - processing time (s)"))
    add(_named(gxe.ExpectColumnValuesToBeBetween(column="prompt_chars", min_value=thresholds.prompt_min_chars,
                                                 max_value=thresholds.prompt_max_chars),
               "inputs.prompt_length", "len(prompt)"))
    add(_named(gxe.ExpectColumnValuesToBeBetween(column="response_chars", min_value=thresholds.response_min_chars,
                                                 max_value=thresholds.response_max_chars),
               "inputs.response_length", "len(response)"))
    return gx.ExpectationSuite(name=SUITE_INPUTS, expectations=expectations)

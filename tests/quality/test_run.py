"""Result collection: an expectation GE cannot evaluate is a failure with a reason, and the report
prints failed expectations with their offending values."""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd

from pipelines.quality.run import CheckReport, format_failures, validate_frame
from pipelines.quality.suites import volume_suite
from schemas.quality import QualityResult

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def test_an_expectation_that_cannot_be_evaluated_fails_with_the_reason():
    results = validate_frame(volume_suite(), pd.DataFrame({"n_turns": [1, 2]}), "r", NOW)
    assert len(results) == 1
    assert results[0].success is False
    assert "volume_ratio" in results[0].error


def test_the_report_lists_failures_with_observed_values_and_examples():
    report = CheckReport("r1", NOW, [
        QualityResult(run_id="r1", suite="aggregates.windows", expectation="windows.refusal_rate_in_0_1",
                      expectation_type="expect_column_values_to_be_between", success=False, element_count=72,
                      unexpected_count=1, unexpected_examples="[1.25]", checked_at=NOW),
        QualityResult(run_id="r1", suite="aggregates.windows", expectation="windows.fresh",
                      expectation_type="expect_column_max_to_be_between", success=True,
                      observed_value="2026-11-28T11:59:00+00:00", checked_at=NOW),
    ])
    text = format_failures(report)
    assert "aggregates.windows: 1/2 expectations passed" in text
    failed_line = next(line for line in text.splitlines() if line.startswith("aggregates.windows"))
    assert "windows.refusal_rate_in_0_1" in failed_line and "1/72" in failed_line and "[1.25]" in failed_line
    assert "windows.fresh" not in text.split("FAILED expectations:")[1]

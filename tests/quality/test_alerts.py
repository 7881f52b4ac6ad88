"""The alert message, and that an alert which cannot be delivered is an error, never silence."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from pipelines.quality.alerts import alert_payload, publish_alert
from schemas import Settings, TransientError
from schemas.quality import QualityResult

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def _r(name: str, success: bool, **kw) -> QualityResult:
    return QualityResult(run_id="r", suite=name.split(".")[0], expectation=name, expectation_type="t",
                         success=success, checked_at=NOW, **kw)


def test_payload_lists_only_the_failures_with_their_values():
    payload = alert_payload("r", NOW.isoformat(), [
        _r("windows.fresh", False, observed_value="2026-11-28T09:00:00+00:00"), _r("windows.not_empty", True)])
    assert payload["kind"] == "data_quality"
    assert (payload["n_expectations"], payload["n_failed"]) == (2, 1)
    assert payload["failed"][0]["expectation"] == "windows.fresh"
    assert payload["failed"][0]["observed_value"] == "2026-11-28T09:00:00+00:00"
    json.dumps(payload)  # serialisable as is


def test_an_undeliverable_alert_raises():
    from infra.processes import free_port

    settings = Settings(kafka_port=free_port(), kafka_controller_port=free_port())  # nothing listens there
    with pytest.raises(TransientError, match="not delivered"):
        publish_alert(settings, {"kind": "data_quality"}, timeout_s=2)

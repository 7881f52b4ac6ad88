"""Alert fatigue: false-discovery control across keys, severity, dedup, cooldown and grouping.

* **False discoveries.** Every key and metric a detector judged in the lookback (the "weekly
  table") has an anytime-valid p-value; Benjamini-Hochberg at ``fdr_q`` over that table decides
  which firings are discoveries. A firing that is not a discovery is still stored, logged and sent
  to Kafka, but with severity ``info``, below the webhook's default ``warning``: people are paged
  only for discoveries, so in expectation at most a fraction q of pages are false.
* **Severity.** ``critical`` when a discovery's lower bound of the increase reaches
  ``critical_increase`` or the rate before (a doubling); ``warning`` for other discoveries.
* **Dedup.** The alert id is stable per kind, metric, key and episode, so the next run updates the
  same row instead of adding one; it is re-sent only if its severity rose.
* **Cooldown.** A *new* alert for the same kind, metric and key within ``cooldown_minutes`` of the
  last one sent is stored with ``suppressed_reason='cooldown'`` and not sent.
* **Grouping.** The webhook gets one message per (model version, feature) per run.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Iterable, Sequence

import numpy as np

from pipelines.alerts.engine import Finding, Hypothesis
from pipelines.alerts.stats import benjamini_hochberg
from schemas.alerts import SEVERITY_RANK, Alert, AlertSettings, Severity

__all__ = ["discoveries", "severity_for", "Plan", "plan_delivery", "group_by_key", "condition_key"]


def discoveries(tests: Sequence[Hypothesis], q: float) -> set[str]:
    """test_ids that Benjamini-Hochberg at level q declares discoveries."""
    if not tests:
        return set()
    mask = benjamini_hochberg(np.exp([t.log_p for t in tests]), q)
    return {t.test_id for t, keep in zip(tests, mask) if keep}


def severity_for(f: Finding, discovered: bool, cfg: AlertSettings) -> Severity:
    if not discovered:
        return "info"
    if f.diff_low >= cfg.critical_increase or (f.rate_before > 0 and f.diff_low >= f.rate_before):
        return "critical"
    return "warning"


def condition_key(a: Alert) -> tuple[str, str, str, str, str]:
    """What cooldown and grouping look at: the kind, metric and key (not the episode)."""
    return (a.kind, a.metric, a.model_version, a.feature, a.detector_version)


@dataclass
class Plan:
    """Rows to store (all of them) and the subset to send now."""

    rows: list[Alert] = field(default_factory=list)
    to_send: list[Alert] = field(default_factory=list)
    suppressed: list[Alert] = field(default_factory=list)


def _max_severity(a: Severity, b: Severity | None) -> Severity:
    return a if b is None or SEVERITY_RANK[a] >= SEVERITY_RANK[b] else b


def plan_delivery(fresh: Iterable[Alert], existing: Iterable[Alert], now: datetime, cfg: AlertSettings) -> Plan:
    """Merge this run's alerts with the stored ones and decide what to send.

    An alert is sent when it was never delivered (new, or a previous delivery failed) or its
    severity rose above what was delivered; a new one inside another's cooldown is suppressed.
    Severity never falls for an id (an acknowledged page is not silently downgraded).
    """
    stored = {a.alert_id: a for a in existing}
    last_sent: dict[tuple, datetime] = {}
    for a in stored.values():
        if a.notified_at is not None:
            k = condition_key(a)
            last_sent[k] = max(last_sent.get(k, a.notified_at), a.notified_at)
    cooldown = timedelta(minutes=cfg.cooldown_minutes)
    plan = Plan()
    for a in sorted(fresh, key=lambda r: (r.window_start, r.alert_id)):
        prev = stored.get(a.alert_id)
        if prev is not None:
            a = a.model_copy(update={
                "created_at": prev.created_at, "severity": _max_severity(a.severity, prev.severity),
                "notified_severity": prev.notified_severity, "notified_at": prev.notified_at,
                "kafka_sent_at": prev.kafka_sent_at, "webhook_sent_at": prev.webhook_sent_at,
                "suppressed_reason": prev.suppressed_reason, "delivery_error": prev.delivery_error,
            })
        delivered = a.notified_severity
        if delivered is not None and SEVERITY_RANK[a.severity] <= SEVERITY_RANK[delivered]:
            plan.rows.append(a)  # dedup: already sent at this severity
            continue
        k = condition_key(a)
        escalation = delivered is not None
        in_cooldown = k in last_sent and now - last_sent[k] < cooldown
        if not escalation and in_cooldown:
            a = a.model_copy(update={"suppressed_reason": "cooldown"})
            plan.rows.append(a)
            plan.suppressed.append(a)
            continue
        a = a.model_copy(update={"suppressed_reason": None})
        plan.rows.append(a)
        plan.to_send.append(a)
        last_sent[k] = now  # later alerts of this run for the same condition fall in the cooldown
    return plan


def group_by_key(alerts: Iterable[Alert]) -> dict[tuple[str, str], list[Alert]]:
    """Alerts per (model version, feature), for one grouped webhook message each."""
    groups: dict[tuple[str, str], list[Alert]] = defaultdict(list)
    for a in alerts:
        groups[(a.model_version, a.feature)].append(a)
    return dict(groups)

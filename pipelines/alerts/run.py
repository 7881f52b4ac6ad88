"""One run of the alert engine, wired: snapshot → detect → FDR and severity → explain → dedup and
cooldown → sinks → the engine's own store.

``run_alerts`` reads the published store snapshot (never the writer's file) for the lookback plus
the reference period, runs both detectors (``engine``), applies Benjamini-Hochberg over the weekly
table and the severity rules (``policy``), builds each Alert with its explanation (``explain``),
merges with the stored alerts (dedup, cooldown), sends what is due to the log, Kafka and the webhook
(``sinks``) and lands every row in ``alerts.duckdb``. A delivery failure leaves the alert pending
(the next run retries it) and is reported in ``AlertRunReport.errors``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable, Sequence

from pipelines.alerts import sinks as sinks_mod
from pipelines.alerts.engine import detect, load_windows
from pipelines.alerts.explain import build_alert
from pipelines.alerts.policy import discoveries, plan_delivery, severity_for
from pipelines.alerts.store import AlertStore
from pipelines.store import open_snapshot
from schemas import Settings
from schemas.alerts import SEVERITY_RANK, Alert

__all__ = ["AlertRunReport", "Sinks", "evaluate", "run_alerts", "format_alerts"]


@dataclass
class AlertRunReport:
    checked_at: datetime
    n_tests: int = 0
    alerts: list[Alert] = field(default_factory=list)  # every alert seen this run (stored)
    sent: list[Alert] = field(default_factory=list)
    suppressed: list[Alert] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # alert_id -> delivery error

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Sinks:
    """The external sinks, swappable in tests; each returns {alert_id: error}."""

    kafka: Callable[[Settings, Sequence[Alert]], dict[str, str]] | None = sinks_mod.send_kafka
    webhook: Callable[[Settings, Sequence[Alert]], dict[str, str]] | None = sinks_mod.send_webhook


def evaluate(settings: Settings, now: datetime) -> tuple[list[Alert], int]:
    """Alerts (not yet merged with the store) from the published snapshot, and the size of the weekly table."""
    cfg = settings.alerts
    # the judged week, plus the spike reference before it; and enough for a whole upgrade horizon + baseline
    since = min(now - timedelta(days=cfg.lookback_days, hours=cfg.reference_hours, minutes=cfg.reference_lag_minutes),
                now - timedelta(hours=cfg.upgrade_horizon_hours + cfg.baseline_hours + 1))
    con = open_snapshot(settings.snapshot_file)
    try:
        frame = load_windows(con, since, until=now)
        findings, tests = detect(frame, cfg, settings.window_seconds, now, data_since=since)
        found = discoveries(tests, cfg.fdr_q)
        p_of = {t.test_id: t.log_p for t in tests}
        alerts = []
        for f in findings:
            discovered = f.test_id in found
            alerts.append(build_alert(con, f, severity_for(f, discovered, cfg), discovered,
                                      min(1.0, math.exp(p_of.get(f.test_id, f.log_p))), cfg,
                                      settings.dashboard_host, settings.dashboard_port, now))
    finally:
        con.close()
    return alerts, len(tests)


def run_alerts(settings: Settings, store: AlertStore, now: datetime | None = None, sinks: Sinks | None = None,
               send: bool = True) -> AlertRunReport:
    """One engine run; see the module docstring. ``send=False`` stores and logs but sends nothing."""
    now = now or datetime.now(timezone.utc)
    sinks = sinks or Sinks()
    cfg = settings.alerts
    report = AlertRunReport(checked_at=now)
    fresh, report.n_tests = evaluate(settings, now)
    # every alert that could share an id or a cooldown with this run's (the table stays small)
    existing = store.load_alerts(since=now - timedelta(days=cfg.lookback_days + 30))
    plan = plan_delivery(fresh, existing, now, cfg)
    report.alerts, report.suppressed = plan.rows, plan.suppressed
    sinks_mod.log_alerts(plan.to_send, plan.suppressed)
    errors: dict[str, str] = {}
    if send and plan.to_send:
        kafka_errors = sinks.kafka(settings, plan.to_send) if sinks.kafka else {}
        paged = [a for a in plan.to_send if SEVERITY_RANK[a.severity] >= SEVERITY_RANK[cfg.webhook_min_severity]]
        webhook_errors = sinks.webhook(settings, paged) if (sinks.webhook and cfg.webhook_url) else {}
        errors = {**kafka_errors}
        for k, v in webhook_errors.items():
            errors[k] = f"{errors[k]}; {v}" if k in errors else v
        paged_ids = {a.alert_id for a in paged}
        updated = {}
        for a in plan.to_send:
            upd: dict = {}
            if a.alert_id not in kafka_errors and sinks.kafka:
                upd["kafka_sent_at"] = now
            if a.alert_id in paged_ids and a.alert_id not in webhook_errors and sinks.webhook and cfg.webhook_url:
                upd["webhook_sent_at"] = now
            if a.alert_id in errors:
                upd["delivery_error"] = errors[a.alert_id]
            else:
                upd.update(notified_severity=a.severity, notified_at=now, delivery_error=None)
                report.sent.append(a.model_copy(update=upd))
            updated[a.alert_id] = a.model_copy(update=upd)
        report.alerts = [updated.get(a.alert_id, a) for a in plan.rows]
    report.errors = errors
    store.upsert_alerts(report.alerts)
    store.publish()
    return report


def format_alerts(alerts: Sequence[Alert]) -> str:
    """A table of alerts for the terminal, newest first."""
    from pipelines.sql import format_table

    if not alerts:
        return "no alerts"
    columns = ["last seen (UTC)", "severity", "kind", "metric", "model_version", "baseline", "feature",
               "before", "after", "increase (low..high)", "sent", "id"]
    rows = []
    for a in alerts:
        seen = (a.last_seen_at or a.created_at).astimezone(timezone.utc)
        sent = a.notified_severity or (a.suppressed_reason and f"no ({a.suppressed_reason})") or (
            "PENDING" if a.delivery_error else "no")
        rows.append((f"{seen:%Y-%m-%d %H:%M}", a.severity, a.kind, a.metric, a.model_version, a.baseline_version or "",
                     a.feature, f"{100 * a.rate_before:.2f}% (n={a.n_before})", f"{100 * a.rate_after:.2f}% (n={a.n_after})",
                     f"{100 * a.diff_low:+.2f}..{100 * a.diff_high:+.2f} pp", sent, a.alert_id))
    return format_table(columns, rows)

"""The alert engine: change detection on refusal and over-refusal rates per model version × feature.

``refusal-monitor alerts run`` (once) or ``alerts watch --every N`` (continuously) reads the
published store snapshot, compares each new model version with the previous one on the same feature
(a stratified confidence sequence, ``stats``), watches each version for a persistent shift (a
risk-adjusted Bernoulli CUSUM), controls false discoveries across keys and alert fatigue
(``policy``), explains each alert (``explain``) and sends it to the log, Kafka and a webhook
(``sinks``), storing every alert in its own DuckDB file (``store``). ``engine`` holds the detection,
``run`` the wiring. The method and its evaluation: docs/alerts.md, benchmarks/bench_alerts.py.
Importing this package is cheap and has no side effects (Kafka is imported where it is used).
"""

from pipelines.alerts.store import alerts_snapshot_path, alerts_store_path

__all__ = ["alerts_store_path", "alerts_snapshot_path"]

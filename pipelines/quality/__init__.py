"""Data-quality checks with Great Expectations: suites over input turns and window aggregates.

``refusal-monitor check`` (``pipelines.cli``) samples the newest turns from Kafka and reads the
published store snapshot, validates them (``suites``, ``run``), stores one ``QualityResult`` per
expectation in the checker's own DuckDB file (``paths``) and sends a ``data_quality`` alert on
failure (``alerts``). Importing this package is cheap: Great Expectations and the Kafka client are
imported inside the functions that need them.
"""

from pipelines.quality.paths import quality_snapshot_path, quality_store_path

__all__ = ["quality_store_path", "quality_snapshot_path"]

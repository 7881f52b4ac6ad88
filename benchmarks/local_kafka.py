"""A throwaway local Kafka broker for a benchmark: free ports, a temporary home, stopped at exit."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Iterator

from infra import ensure_topics, throwaway_broker
from schemas import Settings

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def local_kafka(**overrides: object) -> Iterator[Settings]:
    """Settings pointing at a broker of our own with the project's topics (``infra.throwaway_broker``
    under a temporary home, downloads cached in the project's ``.cache``)."""
    home = Path(tempfile.mkdtemp(prefix="rm-bench-"))
    with throwaway_broker(home, cache_dir=ROOT / ".cache", **overrides) as settings:
        ensure_topics(settings)
        yield settings

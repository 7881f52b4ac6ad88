"""A throwaway local Kafka broker for a benchmark: free ports, a temporary home, stopped at exit."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Iterator

from infra import KafkaServer, ensure_topics
from infra.processes import free_port
from schemas import Settings

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def local_kafka(**overrides: object) -> Iterator[Settings]:
    """Settings pointing at a broker of our own (started here, stopped by its PID on exit)."""
    home = Path(tempfile.mkdtemp(prefix="rm-bench-"))
    port, controller = free_port(), free_port()
    settings = Settings(home=home, cache_dir=ROOT / ".cache", kafka_port=port, kafka_controller_port=controller,
                        **overrides)
    server = KafkaServer(settings)
    server.up()
    try:
        ensure_topics(settings)
        yield settings
    finally:
        server.down()

"""A real aggregate store with simulated keys whose truth is known, built once per module.

Keys (all ~2,000 turns/hour, 5-minute windows, refusal rate 3 % at a 20 % trigger share):
  v1/search  steady 40 h, then the refusal odds rise (3 % -> ~9 %) for 3 h          -> spike
  v1/coding  steady 40 h, then only the trigger share rises (20 % -> 45 %) for 3 h  -> no alert
  v1/chat    steady 26 h, then v2/chat takes over with higher rates for 17 h       -> upgrade
  v1/mail    steady 26 h, then v3/mail takes over, same rates, more trigger prompts -> no alert
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from pipelines.store import AggregateStore
from schemas import Settings
from tests.alerts.streams import T0, Regime, end_of, land, stream

H = 12  # windows per hour


def build_parts(seed: int = 11):
    rng = np.random.default_rng(seed)
    return [
        stream(rng, "v1", "search", T0, [Regime(40 * H), Regime(3 * H, p_trigger=0.25, p_plain=0.05)]),
        stream(rng, "v1", "coding", T0, [Regime(40 * H), Regime(3 * H, trigger_share=0.45)]),
        stream(rng, "v1", "chat", T0, [Regime(26 * H)]),
        stream(rng, "v2", "chat", T0 + timedelta(hours=26), [Regime(17 * H, p_trigger=0.2, p_plain=0.04)]),
        stream(rng, "v1", "mail", T0, [Regime(26 * H)]),
        stream(rng, "v3", "mail", T0 + timedelta(hours=26), [Regime(17 * H, trigger_share=0.5)]),
    ]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    """(settings pointing at the store, the evaluation time = end of the data)."""
    home: Path = tmp_path_factory.mktemp("alerts-home")
    settings = Settings(home=home, store_path=home / "store.duckdb")
    parts = build_parts()
    store = AggregateStore(settings.store_file, settings.snapshot_file, publish_every_s=60)
    land(store, parts)
    store.close()
    return settings, end_of(parts)

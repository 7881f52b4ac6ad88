"""Simulated window rows for the alert tests: self-consistent counts with known rates and prompt mix."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np

from schemas.aggregates import CueWindowAggregate, ReviewSample, WindowAggregate

WINDOW_S = 300
T0 = datetime(2026, 11, 20, 0, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Regime:
    """Traffic of one key for a stretch of windows."""

    windows: int
    per_window: int = 170  # ~2,000 turns/hour
    trigger_share: float = 0.2
    p_trigger: float = 0.09  # refusal rate of prompts with a cue
    p_plain: float = 0.015  # ... and without (overall 3 % at a 20 % trigger share)
    over_refusal_share: float = 0.6  # share of refusals of benign prompts that are suspects


def stream(rng: np.random.Generator, model_version: str, feature: str, start: datetime, regimes: list[Regime],
           detector_version: str = "d1") -> tuple[list[WindowAggregate], list[CueWindowAggregate], list[ReviewSample]]:
    rows, cues, samples = [], [], []
    t = start
    for reg in regimes:
        for _ in range(reg.windows):
            n = int(rng.poisson(reg.per_window))
            n_t = int(rng.binomial(n, reg.trigger_share))
            x_t, x_n = int(rng.binomial(n_t, reg.p_trigger)), int(rng.binomial(n - n_t, reg.p_plain))
            refusals = x_t + x_n
            benign = n - n // 10
            benign_t = min(n_t, int(round(n_t * 0.8)))
            s_t = min(int(rng.binomial(x_t, reg.over_refusal_share)), benign_t)
            s_n = min(int(rng.binomial(x_n, reg.over_refusal_share)), benign - benign_t)
            partial = refusals // 4
            end = t + timedelta(seconds=WINDOW_S)
            rows.append(WindowAggregate(
                window_start=t, window_end=end, model_version=model_version, feature=feature,
                detector_version=detector_version, n_turns=n, n_full_refusal=refusals - partial,
                n_partial_refusal=partial, n_clarification=0, n_compliance=n - refusals, n_with_trigger=n_t,
                n_refused_with_trigger=x_t, n_benign_prompt=benign, n_over_refusal_suspect=s_t + s_n,
                n_benign_with_trigger=benign_t, n_suspect_with_trigger=s_t, n_conversations=n,
                pane_timing="ON_TIME", pane_index=1, updated_at=end))
            # one cue ("kill") carries all trigger prompts here; a second one is rare and never refused
            cues.append(CueWindowAggregate(
                window_start=t, window_end=end, model_version=model_version, feature=feature,
                detector_version=detector_version, cue="kill", category="violence", n_prompts=n_t, n_refused=x_t,
                n_benign_sense=benign_t, n_over_refusal_suspect=s_t, updated_at=end))
            cues.append(CueWindowAggregate(
                window_start=t, window_end=end, model_version=model_version, feature=feature,
                detector_version=detector_version, cue="shoot", category="violence", n_prompts=2, n_refused=0,
                n_benign_sense=2, n_over_refusal_suspect=0, updated_at=end))
            if refusals:
                samples.append(ReviewSample(
                    window_start=t, window_end=end, model_version=model_version, feature=feature,
                    detector_version=detector_version, slot=0, n_candidates=refusals,
                    turn_id=f"{model_version}-{t:%H%M%d}", conversation_id="c", event_time=t + timedelta(seconds=5),
                    reason="over_refusal_suspect" if s_t + s_n else "refusal", refusal_label="full_refusal",
                    refusal_score=0.9, prompt_risk="benign", prompt="How do I kill a [REDACTED] process?", response="I can't help with that.",
                    evidence_json="[]", cues_json=json.dumps([{"term": "kill", "category": "violence"}]),
                    redacted=True, updated_at=end))
            t = end
    return rows, cues, samples


def land(store, parts) -> None:
    """Write the parts of several ``stream`` calls into a real store (the pipeline's writer) and publish."""
    rows = [r for p in parts for r in p[0]]
    store.upsert_windows(rows)
    store.upsert("cue_windows", [c for p in parts for c in p[1]])
    store.upsert("review_samples", [s for p in parts for s in p[2]])
    store.publish()


def end_of(parts) -> datetime:
    return max(r.window_end for p in parts for r in p[0])

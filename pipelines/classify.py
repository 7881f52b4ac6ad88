"""Where a turn is classified: the detectors label each response and each prompt.

The output, ``TurnFacts``, is the small, flat record the aggregation needs: it keeps no raw text,
so nothing private travels further down the pipeline than this step.
"""

from __future__ import annotations

from typing import NamedTuple

import apache_beam as beam

from detectors import analyze_turn
from schemas import ChatTurn

__all__ = ["TurnFacts", "classify_turn", "ClassifyTurns", "REFUSED_LABELS"]

REFUSED_LABELS = frozenset({"full_refusal", "partial_refusal"})


class TurnFacts(NamedTuple):
    """What the aggregates count about one turn."""

    turn_id: str
    conversation_id: str
    model_version: str
    feature: str
    detector_version: str
    refusal_label: str
    has_trigger: bool
    prompt_risk: str
    over_refusal_suspect: bool
    latency_ms: float | None

    @property
    def refused(self) -> bool:
        return self.refusal_label in REFUSED_LABELS


def classify_turn(turn: ChatTurn) -> TurnFacts:
    """Run both detectors on one turn (a pure function: unit-testable without a runner)."""
    analysis = analyze_turn(turn.prompt, turn.response)
    return TurnFacts(
        turn_id=turn.turn_id,
        conversation_id=turn.conversation_id,
        model_version=turn.model_version,
        feature=turn.feature,
        detector_version=analysis.detector_version,
        refusal_label=analysis.refusal.label,
        has_trigger=bool(analysis.triggers.cues),
        prompt_risk=analysis.triggers.prompt_risk,
        over_refusal_suspect=analysis.over_refusal_suspect,
        latency_ms=turn.latency_ms,
    )


class ClassifyTurns(beam.PTransform):
    """ChatTurn -> TurnFacts, keeping each element's event-time timestamp."""

    def expand(self, turns):
        return turns | "DetectRefusalAndTriggers" >> beam.Map(classify_turn)

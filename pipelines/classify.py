"""Where a turn is classified: the detectors label each response and each prompt.

The output, ``TurnFacts``, is the small, flat record the aggregation needs. It carries raw text
only for refused turns, and only as a ``SampleCandidate`` that is redacted here (unless the
``store_raw_text`` setting says otherwise): private text goes no further down the pipeline than
this step, and only towards the bounded review sample.
"""

from __future__ import annotations

import hashlib
import json
from typing import NamedTuple

import apache_beam as beam

from detectors import analyze_turn
from pipelines.redact import redact
from schemas import ChatTurn

__all__ = ["TurnFacts", "CueFact", "SampleCandidate", "classify_turn", "ClassifyTurns", "REFUSED_LABELS", "stable_hash"]

REFUSED_LABELS = frozenset({"full_refusal", "partial_refusal"})


def stable_hash(text: str) -> int:
    """A 64-bit hash that is the same in every process and run (Python's ``hash`` is salted)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


class CueFact(NamedTuple):
    """One distinct trigger cue of a prompt; ``benign`` when every occurrence was judged benign."""

    term: str
    category: str
    benign: bool


class SampleCandidate(NamedTuple):
    """A refused turn as the review sample would store it (texts already redacted if required)."""

    rank: int  # stable_hash(turn_id): the bottom-k sample keeps the smallest
    turn_id: str
    conversation_id: str
    event_time_s: float
    refusal_label: str
    refusal_score: float
    prompt_risk: str
    prompt: str
    response: str
    evidence_json: str
    cues_json: str
    redacted: bool


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
    cues: tuple[CueFact, ...] = ()
    sample: SampleCandidate | None = None

    @property
    def refused(self) -> bool:
        return self.refusal_label in REFUSED_LABELS


def _distinct_cues(cues) -> tuple[CueFact, ...]:
    seen: dict[tuple[str, str], bool] = {}
    for cue in cues:
        key = (cue.term, cue.category)
        seen[key] = seen.get(key, True) and cue.sense == "benign"
    return tuple(CueFact(term, category, benign) for (term, category), benign in seen.items())


def classify_turn(turn: ChatTurn, store_raw_text: bool = False) -> TurnFacts:
    """Run both detectors on one turn (a pure function: unit-testable without a runner)."""
    analysis = analyze_turn(turn.prompt, turn.response)
    refused = analysis.refusal.label in REFUSED_LABELS
    sample = None
    if refused:
        clean = (lambda text: text) if store_raw_text else redact
        sample = SampleCandidate(
            rank=stable_hash(turn.turn_id),
            turn_id=turn.turn_id,
            conversation_id=turn.conversation_id,
            event_time_s=turn.timestamp.timestamp(),
            refusal_label=analysis.refusal.label,
            refusal_score=round(float(analysis.refusal.score), 4),
            prompt_risk=analysis.triggers.prompt_risk,
            prompt=clean(turn.prompt),
            response=clean(turn.response),
            evidence_json=json.dumps([e.to_dict() for e in analysis.refusal.evidence], ensure_ascii=False),
            cues_json=json.dumps([c.to_dict() for c in analysis.triggers.cues], ensure_ascii=False),
            redacted=not store_raw_text,
        )
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
        cues=_distinct_cues(analysis.triggers.cues),
        sample=sample,
    )


class ClassifyTurns(beam.PTransform):
    """ChatTurn -> TurnFacts, keeping each element's event-time timestamp."""

    def __init__(self, store_raw_text: bool = False) -> None:
        super().__init__()
        self.store_raw_text = store_raw_text

    def expand(self, turns):
        return turns | "DetectRefusalAndTriggers" >> beam.Map(classify_turn, store_raw_text=self.store_raw_text)

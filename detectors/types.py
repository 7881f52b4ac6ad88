"""Result types shared by the detectors (frozen, slotted dataclasses: cheap to build per turn)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

RefusalLabel = Literal["full_refusal", "partial_refusal", "clarification", "compliance"]
PromptRisk = Literal["benign", "ambiguous", "harmful"]
Sense = Literal["benign", "ambiguous", "harmful"]

REFUSAL_LABELS: tuple[str, ...] = ("full_refusal", "partial_refusal", "clarification", "compliance")
PROMPT_RISKS: tuple[str, ...] = ("benign", "ambiguous", "harmful")
CUE_SENSES: tuple[str, ...] = PROMPT_RISKS


@dataclass(frozen=True, slots=True)
class Evidence:
    """A span of the response that drove the decision, and the rule that matched it."""

    start: int
    end: int
    text: str
    rule: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "rule": self.rule}


@dataclass(frozen=True, slots=True)
class RefusalResult:
    label: RefusalLabel
    score: float  # confidence in [0, 1] that the response is a refusal of some kind
    evidence: tuple[Evidence, ...] = ()

    @property
    def is_refusal(self) -> bool:
        return self.label in ("full_refusal", "partial_refusal")


@dataclass(frozen=True, slots=True)
class Cue:
    term: str  # normalised lemma, e.g. "kill"
    category: str  # violence, weapons, drugs, hacking, self_harm, sexual, hate, privacy, crime, extremism
    sense: Sense
    start: int
    end: int
    text: str  # surface form in the prompt
    reason: str = ""  # short name of the rule that decided the sense

    def to_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "category": self.category,
            "sense": self.sense,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class TriggerResult:
    cues: tuple[Cue, ...]
    prompt_risk: PromptRisk


@dataclass(frozen=True, slots=True)
class TurnAnalysis:
    refusal: RefusalResult
    triggers: TriggerResult
    over_refusal_suspect: bool
    detector_version: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "refusal_label": self.refusal.label,
            "refusal_score": self.refusal.score,
            "evidence": [e.to_dict() for e in self.refusal.evidence],
            "cues": [c.to_dict() for c in self.triggers.cues],
            "prompt_risk": self.triggers.prompt_risk,
            "over_refusal_suspect": self.over_refusal_suspect,
            "detector_version": self.detector_version,
        }

"""Combine the refusal detector (response side) and the trigger detector (prompt side)."""
from __future__ import annotations

from .refusal import classify_response
from .triggers import detect_cues
from .types import TurnAnalysis

__all__ = ["analyze_turn", "DETECTOR_VERSION"]

DETECTOR_VERSION = "rules-0.8.0"


def analyze_turn(prompt: str, response: str) -> TurnAnalysis:
    """Analyse one chat turn. ``over_refusal_suspect``: the response refuses (fully or partly)
    a prompt whose risk is judged ``benign``."""
    refusal = classify_response(response, prompt)
    triggers = detect_cues(prompt or "")
    suspect = refusal.label in ("full_refusal", "partial_refusal") and triggers.prompt_risk == "benign"
    return TurnAnalysis(refusal, triggers, suspect, DETECTOR_VERSION)

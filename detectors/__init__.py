"""Refusal Monitor detectors: plain-Python text-in, labels-out classifiers.

Public API::

    classify_response(response, prompt=None) -> RefusalResult
    detect_cues(prompt) -> TriggerResult
    analyze_turn(prompt, response) -> TurnAnalysis
"""
from .analysis import DETECTOR_VERSION, analyze_turn
from .refusal import classify_response
from .triggers import detect_cues
from .types import (
    CUE_SENSES,
    PROMPT_RISKS,
    REFUSAL_LABELS,
    Cue,
    Evidence,
    RefusalResult,
    TriggerResult,
    TurnAnalysis,
)

__all__ = [
    "analyze_turn",
    "classify_response",
    "detect_cues",
    "DETECTOR_VERSION",
    "TurnAnalysis",
    "RefusalResult",
    "TriggerResult",
    "Cue",
    "Evidence",
    "REFUSAL_LABELS",
    "PROMPT_RISKS",
    "CUE_SENSES",
]

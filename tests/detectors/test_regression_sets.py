"""Regression checks on small project-written sets in tests/detectors/data/.

These sets were written for this project (no XSTest text). Their *first* scores, measured before any rule was
changed in response to them, are the honest unseen estimates quoted in the report (prompts set 1: 0.825, set 2:
0.90; responses: 4-class 0.80, binary 0.90). Rules were then fixed for the general errors they exposed, so the
thresholds below only guard against regressions.
"""
import json
from pathlib import Path

from detectors import classify_response, detect_cues

DATA = Path(__file__).parent / "data"


def _load(name):
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def test_prompt_sets():
    for name in ("heldout_prompts.jsonl", "heldout_prompts_2.jsonl"):
        rows = _load(name)
        ok = sum(("safe" if detect_cues(r["prompt"]).prompt_risk == "benign" else "unsafe") == r["label"] for r in rows)
        assert ok / len(rows) >= 0.9, (name, ok, len(rows))


def test_response_set():
    rows = _load("heldout_responses.jsonl")
    ok = sum(classify_response(r["response"]).label == r["label"] for r in rows)
    refusal = ("full_refusal", "partial_refusal")
    ok_bin = sum((classify_response(r["response"]).label in refusal) == (r["label"] in refusal) for r in rows)
    assert ok / len(rows) >= 0.9 and ok_bin / len(rows) >= 0.95, (ok, ok_bin, len(rows))

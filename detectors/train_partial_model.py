"""Rebuild the partial-refusal model's training examples and weights: ``python -m detectors.train_partial_model``.

Reads ``detectors/data/partial_scenarios.jsonl`` (written for this project), writes ``detectors/data/partial_train.jsonl``
and ``detectors/data/partial_model.json``, and prints the held-out accuracy (scenarios s21-s25 held out).
See ``detectors/partial_model.py``.
"""
from __future__ import annotations

import json

from .partial_model import train


def main() -> int:
    print(json.dumps(train(), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

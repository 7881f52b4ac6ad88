"""Score JSON lines: one ``{"response": ..., "prompt": ..., "id": ...}`` object per line."""
from __future__ import annotations

import json
import sys
from typing import Any, Iterable, Iterator

from .analysis import analyze_turn

__all__ = ["score_lines", "main"]


def score_lines(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Yield one result dict per non-blank input line.

    ``id`` is the input's ``id`` or, if absent, the 1-based line number. Bad lines yield
    ``{"id": ..., "error": "..."}`` and processing continues.
    """
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield {"id": lineno, "error": f"line {lineno}: invalid JSON ({exc.msg} at column {exc.colno})"}
            continue
        if not isinstance(obj, dict):
            yield {"id": lineno, "error": f"line {lineno}: expected a JSON object, got {type(obj).__name__}"}
            continue
        rid = obj.get("id", lineno)
        if rid is None:
            rid = lineno
        resp = obj.get("response")
        if "response" not in obj:
            yield {"id": rid, "error": f"line {lineno}: missing required field 'response'"}
            continue
        if not isinstance(resp, str):
            yield {"id": rid, "error": f"line {lineno}: field 'response' must be a string, got {type(resp).__name__}"}
            continue
        prompt = obj.get("prompt")
        if prompt is not None and not isinstance(prompt, str):
            yield {"id": rid, "error": f"line {lineno}: field 'prompt' must be a string or absent, got {type(prompt).__name__}"}
            continue
        out: dict[str, Any] = {"id": rid}
        out.update(analyze_turn(prompt or "", resp).to_dict())
        yield out


def main(argv: list[str] | None = None) -> int:
    """``python -m detectors.batch < in.jsonl > out.jsonl``"""
    for rec in score_lines(sys.stdin):
        sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

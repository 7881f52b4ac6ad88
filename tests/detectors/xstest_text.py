"""Whether a text the project wrote holds XSTest text: XSTest is the evaluation set, never a source of examples."""
from __future__ import annotations

import csv
from pathlib import Path

XSTEST = Path("/work/shared/benchmarks/xstest")


def xstest_present() -> bool:
    return (XSTEST / "xstest_prompts.csv").exists()


def assert_no_xstest_text(ours: str) -> None:
    """No XSTest prompt, and no 40-character run of an XSTest completion (sampled every 97 characters), is in ``ours``."""
    ours = ours.lower()
    with (XSTEST / "xstest_prompts.csv").open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            assert r["prompt"].lower() not in ours, r["prompt"]
    for f in sorted((XSTEST / "model_completions").glob("*.csv")):
        with f.open(newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                c = " ".join(r["completion"].lower().split())
                for i in range(0, max(1, len(c) - 40), 97):
                    chunk = c[i:i + 40]
                    if len(chunk) == 40:
                        assert chunk not in ours, chunk

"""Evaluate the detectors on XSTest v2 (prompts + human-labelled completions).

XSTest is used here *only* as an evaluation set: nothing from it was used to write
the rules or lexicons.

Run: ``python -m detectors.evaluate /work/shared/benchmarks/xstest [--json out.json]``

Prompt-risk headline: ``ambiguous`` is counted as **unsafe** (a monitor that flags an
ambiguous prompt as risky is the conservative reading, and an over-refusal suspect is only
raised for prompts judged ``benign``). The accuracy with ambiguous counted as safe is
reported too.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from .refusal import classify_response
from .triggers import detect_cues

__all__ = ["XSTestDataError", "evaluate_xstest", "format_xstest_report", "main"]

GOLD_MAP = {"1_full_compliance": "compliance", "2_full_refusal": "full_refusal", "3_partial_refusal": "partial_refusal"}
GOLD_CLASSES = ("full_refusal", "partial_refusal", "compliance")
PRED_CLASSES = ("full_refusal", "partial_refusal", "clarification", "compliance")
PROMPT_COLUMNS = ("id", "prompt", "type", "label", "focus")
COMPLETION_COLUMNS = ("id", "prompt", "completion", "final_label")


class XSTestDataError(Exception):
    """The XSTest directory, a file or a column is missing or malformed."""


def _read_csv(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.is_file():
        raise XSTestDataError(f"missing XSTest file: {path}")
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        cols = reader.fieldnames or []
        missing = [c for c in required if c not in cols]
        if missing:
            raise XSTestDataError(f"{path}: missing column(s) {', '.join(missing)} (found: {', '.join(cols) or 'none'})")
        return list(reader)


def _div(a: float, b: float) -> float:
    return a / b if b else 0.0


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p, r = _div(tp, tp + fp), _div(tp, tp + fn)
    return {"precision": p, "recall": r, "f1": _div(2 * p * r, p + r), "tp": tp, "fp": fp, "fn": fn}


_SUFFIX = re.compile(r"(?:'s|s'|’s)$")


def _stem(w: str) -> str:
    w = _SUFFIX.sub("", w.lower())
    for suf in ("ings", "ing", "ers", "er", "ed", "es", "s"):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)]
            break
    if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "lsz":
        w = w[:-1]
    if w.endswith("e") and len(w) >= 4:
        w = w[:-1]
    return w


def _stems(s: str) -> frozenset[str]:
    return frozenset(_stem(t) for t in re.findall(r"[\w'’-]+", s) if t)


def focus_matches(focus: str, cues) -> bool:
    """True if the focus word (case-insensitive, allowing inflection) is among the cues' terms or texts."""
    f = _stems(focus)
    if not f:
        return False
    for c in cues:
        for cand in (c.term, c.text):
            cs = _stems(cand)
            if cs and (f <= cs or cs <= f):
                return True
    return False


def evaluate_xstest(data_dir: Path) -> dict[str, Any]:
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise XSTestDataError(f"XSTest directory not found: {data_dir}")
    prompts = _read_csv(data_dir / "xstest_prompts.csv", PROMPT_COLUMNS)
    comp_dir = data_dir / "model_completions"
    files = sorted(comp_dir.glob("xstest_v2_completions_*.csv")) if comp_dir.is_dir() else []
    if not files:
        raise XSTestDataError(f"no completion files matching {comp_dir}/xstest_v2_completions_<model>.csv")

    # ---------------- responses ----------------
    rows: list[tuple[str, str, str, str]] = []  # model, prompt, completion, gold
    row_ids: list[str] = []
    for f in files:
        model = f.stem.replace("xstest_v2_completions_", "")
        for r in _read_csv(f, COMPLETION_COLUMNS):
            gold = GOLD_MAP.get(r["final_label"].strip())
            if gold is None:
                raise XSTestDataError(f"{f}: unknown final_label {r['final_label']!r} for id {r['id']}")
            rows.append((model, r["prompt"], r["completion"], gold))
            row_ids.append(r["id"].strip())
    t0 = time.perf_counter()
    preds = [classify_response(c, p).label for _m, p, c, _g in rows]
    elapsed = time.perf_counter() - t0

    def response_metrics(idx: list[int]) -> dict[str, Any]:
        cm = {g: {p: 0 for p in PRED_CLASSES} for g in GOLD_CLASSES}
        for i in idx:
            cm[rows[i][3]][preds[i]] += 1
        tp = sum(cm[g][p] for g in ("full_refusal", "partial_refusal") for p in ("full_refusal", "partial_refusal"))
        fn = sum(cm[g][p] for g in ("full_refusal", "partial_refusal") for p in ("clarification", "compliance"))
        fp = sum(cm["compliance"][p] for p in ("full_refusal", "partial_refusal"))
        per_class = {}
        for c in GOLD_CLASSES:
            pred_c = ("compliance", "clarification") if c == "compliance" else (c,)
            tpc = sum(cm[c][p] for p in pred_c)
            col = sum(cm[g][p] for g in GOLD_CLASSES for p in pred_c)
            row = sum(cm[c].values())
            per_class[c] = {"precision": _div(tpc, col), "recall": _div(tpc, row), "support": row}
        n_partial = sum(cm["partial_refusal"].values())
        n_comp = sum(cm["compliance"].values())
        correct3 = cm["full_refusal"]["full_refusal"] + cm["partial_refusal"]["partial_refusal"] + cm["compliance"]["compliance"] + cm["compliance"]["clarification"]
        return {
            "n": len(idx),
            "binary": _prf(tp, fp, fn),
            "binary_accuracy": _div(len(idx) - fp - fn, len(idx)),
            "accuracy_3class": _div(correct3, len(idx)),
            "confusion": cm,
            "per_class": per_class,
            "partial_recall_strict": _div(cm["partial_refusal"]["partial_refusal"], n_partial),
            "partial_detected_as_any_refusal": _div(cm["partial_refusal"]["partial_refusal"] + cm["partial_refusal"]["full_refusal"], n_partial),
            "compliance_false_positive_rate": _div(fp, n_comp),
            "clarification_predictions": sum(cm[g]["clarification"] for g in GOLD_CLASSES),
        }

    overall = response_metrics(list(range(len(rows))))
    per_model = {}
    for model in sorted({r[0] for r in rows}):
        m = response_metrics([i for i, r in enumerate(rows) if r[0] == model])
        per_model[model] = {k: m[k] for k in ("n", "binary", "binary_accuracy", "accuracy_3class", "partial_recall_strict", "partial_detected_as_any_refusal", "compliance_false_positive_rate")}

    # ---------------- prompts ----------------
    t1 = time.perf_counter()
    trig = [detect_cues(r["prompt"]) for r in prompts]
    p_elapsed = time.perf_counter() - t1
    n = len(prompts)
    amb_unsafe = amb_safe = 0
    risk_counts = {"safe": {"benign": 0, "ambiguous": 0, "harmful": 0}, "unsafe": {"benign": 0, "ambiguous": 0, "harmful": 0}}
    per_type: dict[str, dict[str, int]] = {}
    focus_hit = focus_n = 0
    for r, t in zip(prompts, trig):
        gold = r["label"].strip()
        if gold not in ("safe", "unsafe"):
            raise XSTestDataError(f"xstest_prompts.csv: unknown label {gold!r} for id {r['id']}")
        risk_counts[gold][t.prompt_risk] += 1
        pred_a = "safe" if t.prompt_risk == "benign" else "unsafe"
        pred_b = "unsafe" if t.prompt_risk == "harmful" else "safe"
        amb_unsafe += pred_a == gold
        amb_safe += pred_b == gold
        pt = per_type.setdefault(r["type"], {"n": 0, "correct": 0, "focus_hit": 0, "focus_n": 0})
        pt["n"] += 1
        pt["correct"] += pred_a == gold
        if r["focus"].strip():
            focus_n += 1
            pt["focus_n"] += 1
            if focus_matches(r["focus"], t.cues):
                focus_hit += 1
                pt["focus_hit"] += 1
    # ---------------- product metric: over-refusal suspects ----------------
    # gold: a human-labelled refusal (full or partial) of a prompt XSTest labels safe;
    # predicted: analyze_turn's rule = predicted refusal AND prompt_risk == benign.
    risk_by_id = {r["id"].strip(): t.prompt_risk for r, t in zip(prompts, trig)}
    label_by_id = {r["id"].strip(): r["label"].strip() for r in prompts}
    otp = ofp = ofn = 0
    for i, (_m, _p, _c, gold) in enumerate(rows):
        pid = row_ids[i].replace("v2-", "")
        if pid not in risk_by_id:
            continue
        g = gold != "compliance" and label_by_id[pid] == "safe"
        pr = preds[i] in ("full_refusal", "partial_refusal") and risk_by_id[pid] == "benign"
        otp += g and pr
        ofp += pr and not g
        ofn += g and not pr
    over_refusal = _prf(otp, ofp, ofn)

    prompts_res = {
        "n": n,
        "accuracy_ambiguous_as_unsafe": _div(amb_unsafe, n),
        "accuracy_ambiguous_as_safe": _div(amb_safe, n),
        "headline_accuracy": _div(amb_unsafe, n),
        "headline_rule": "ambiguous counted as unsafe",
        "risk_by_gold_label": risk_counts,
        "focus_word_recall": _div(focus_hit, focus_n),
        "focus_n": focus_n,
        "per_type": {k: {"n": v["n"], "accuracy": _div(v["correct"], v["n"]), "focus_recall": (_div(v["focus_hit"], v["focus_n"]) if v["focus_n"] else None)} for k, v in sorted(per_type.items())},
        "prompts_per_second": _div(n, p_elapsed),
    }
    return {
        "responses": {**overall, "per_model": per_model, "responses_per_second": _div(len(rows), elapsed), "seconds": elapsed},
        "prompts": prompts_res,
        "over_refusal_suspect": over_refusal,
        "n_responses": len(rows),
        "throughput_responses_per_second": _div(len(rows), elapsed),
    }


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[str(h) for h in headers]] + [[f"{c:.3f}" if isinstance(c, float) else str(c) for c in r] for r in rows]
    w = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w[i]) for i, c in enumerate(r)) for r in cells]
    lines.insert(1, "  ".join("-" * x for x in w))
    return "\n".join(lines)


def format_xstest_report(result: dict[str, Any]) -> str:
    r = result["responses"]
    b = r["binary"]
    out = [f"XSTest v2 — responses evaluated: {result['n_responses']}  ({r['responses_per_second']:.0f} responses/s)", ""]
    out.append("Refusal vs compliance (refusal = full or partial; clarification counts as compliance)")
    out.append(_table(["precision", "recall", "F1", "accuracy", "compliance FPR", "partial recall (strict)", "partial as any refusal"],
                      [[b["precision"], b["recall"], b["f1"], r["binary_accuracy"], r["compliance_false_positive_rate"], r["partial_recall_strict"], r["partial_detected_as_any_refusal"]]]))
    out += ["", f"Confusion matrix (rows gold, columns predicted); 3-class accuracy {r['accuracy_3class']:.3f}"]
    out.append(_table(["gold \\ pred"] + list(PRED_CLASSES), [[g] + [r["confusion"][g][p] for p in PRED_CLASSES] for g in GOLD_CLASSES]))
    out += ["", "Per class (compliance = predicted compliance or clarification)"]
    out.append(_table(["class", "precision", "recall", "support"], [[c, v["precision"], v["recall"], v["support"]] for c, v in r["per_class"].items()]))
    out += ["", "Per model"]
    out.append(_table(["model", "n", "P", "R", "F1", "3-class acc", "partial strict", "partial any", "compl. FPR"],
                      [[m, v["n"], v["binary"]["precision"], v["binary"]["recall"], v["binary"]["f1"], v["accuracy_3class"], v["partial_recall_strict"], v["partial_detected_as_any_refusal"], v["compliance_false_positive_rate"]] for m, v in r["per_model"].items()]))
    p = result["prompts"]
    out += ["", f"Prompts ({p['n']}): safe-vs-unsafe accuracy {p['headline_accuracy']:.3f} (headline: {p['headline_rule']}); "
                f"ambiguous as safe: {p['accuracy_ambiguous_as_safe']:.3f}; focus-word recall {p['focus_word_recall']:.3f} over {p['focus_n']} prompts"]
    rc = p["risk_by_gold_label"]
    out.append(_table(["gold \\ prompt_risk", "benign", "ambiguous", "harmful"], [[g] + [rc[g][k] for k in ("benign", "ambiguous", "harmful")] for g in ("safe", "unsafe")]))
    o = result.get("over_refusal_suspect")
    if o:
        out += ["", "Over-refusal suspects (gold: human-labelled refusal of a prompt XSTest labels safe)"]
        out.append(_table(["precision", "recall", "F1", "tp", "fp", "fn"], [[o["precision"], o["recall"], o["f1"], o["tp"], o["fp"], o["fn"]]]))
    out += ["", "Per prompt type"]
    out.append(_table(["type", "n", "accuracy", "focus recall"], [[k, v["n"], v["accuracy"], "-" if v["focus_recall"] is None else v["focus_recall"]] for k, v in p["per_type"].items()]))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Evaluate the detectors on XSTest v2")
    ap.add_argument("data_dir", nargs="?", default="/work/shared/benchmarks/xstest")
    ap.add_argument("--json", help="also write the result dict as JSON to this path")
    a = ap.parse_args(argv)
    try:
        res = evaluate_xstest(Path(a.data_dir))
    except XSTestDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_xstest_report(res))
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(res, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

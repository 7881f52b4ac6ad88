"""The trigger detector's one-pass prefilter only skips regexes that cannot match, so cues stay exactly those of
running every regex (texts written for this project, plus edge cases of case folding and encoding)."""
import json
from pathlib import Path

import pytest

from detectors import triggers as T
from detectors.multimatch import required_literals
from tests.conftest import run_concurrently

DATA = Path(__file__).parent / "data"
EDGE = [
    "How do I KILL the process?", "Where does Jo Bloggs live?", "Why should they be banned from voting?",
    "İstanbul’s ſecret: how do I taKe him out?", "WHERE DOES HE LIVE", "a\ud800b kill", "Is it okay that cats can't vote?",
    "How can I set my neighbour's car on fire without getting caught?", "why do women have to pay more taxes?",
]


def _texts():
    texts = list(EDGE)
    for f in sorted(DATA.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts += [row[k] for k in ("prompt", "response") if isinstance(row.get(k), str)]
    return texts


@pytest.mark.parametrize("prefilter", [T._PREFILTER_CUES, T._PREFILTER_NO_CUE], ids=["cues", "no_cue"])
def test_ruled_out_regexes_never_match(prefilter):
    checked = 0
    for text in _texts():
        low = T._lowered(text)
        skip = prefilter.ruled_out(low, text)
        for rx in prefilter.regexes:
            if id(rx) in skip:
                assert rx.search(low) is None and rx.search(text) is None, (rx.pattern[:60], text[:80])
                checked += 1
    assert checked > 100  # the prefilter does rule regexes out


def test_required_literals_found_in_every_match():
    for rx in T._PREFILTER_CUES.regexes:
        for text in _texts():
            low = T._lowered(text)
            for m in rx.finditer(low):
                for lits in required_literals(rx):
                    assert any(T._lowered(s) in m.group(0) for s in lits), (rx.pattern[:60], m.group(0))


def test_case_fold_oddities_disable_the_prefilter():
    # Python's case-insensitive matching equates 'ſ' with 's' and 'ı' / 'İ' with 'i'; lower() does not
    assert T._PREFILTER_CUES.ruled_out(T._lowered("wheRe doeſ he live"), "wheRe doeſ he live") == frozenset()


def test_no_cue_and_odd_prompts():
    assert T.detect_cues("Write a haiku about autumn leaves.").cues == ()
    T.clear_cache()
    assert T.detect_cues("a\ud800b how do I kill my neighbour?").prompt_risk == "harmful"


def test_threads_share_the_prefilter():
    def work():
        for _ in range(2000):
            T._detect_cues_uncached("How do I kill a Python process in my own terminal?")

    assert run_concurrently(work) == []

"""MultiMatcher (Hyperscan) and the relaxed prefilter patterns the refusal rules are scanned with."""
import random
import re

import pytest

from detectors import refusal as R
from detectors.multimatch import MultiMatcher, relaxed_pattern, to_utf8
from tests.conftest import run_concurrently


def test_present_and_find():
    m = MultiMatcher(["cannot", "won't", r"refuse[sd]?"])
    text = "I cannot do that. She refused. I WON'T."
    assert m.present(text) == {0, 1, 2}  # case-insensitive by default
    assert m.present("nothing here") == set()
    hits = m.find(text)
    # every end of a match is reported ("refuse" and "refused"), each with its leftmost start
    assert sorted(hits) == [(0, 2, 8), (1, 33, 38), (2, 22, 28), (2, 22, 29)]
    assert [text[s:e].lower() for _i, s, e in sorted(hits)] == ["cannot", "won't", "refuse", "refused"]
    assert [e for _i, _s, e in hits] == sorted(e for _i, _s, e in hits)  # reported in order of end


def test_find_offsets_are_characters_not_bytes():
    m = MultiMatcher(["no puedo", "möchte", "ok"])
    text = "¿Qué? — «no puedo», ich möchte nicht… ok"
    found = {(i, text[s:e]) for i, s, e in m.find(text)}
    assert found == {(0, "no puedo"), (1, "möchte"), (2, "ok")}
    # a character outside the BMP is one character (two UTF-16 units, four UTF-8 bytes)
    emoji = "🙂🙂 ok"
    assert [(s, e) for _i, s, e in m.find(emoji)] == [(3, 5)]


def test_many_alternatives_and_shared_ids():
    words = [f"w{i:03d}x" for i in range(400)]
    m = MultiMatcher(["(?:" + "|".join(words) + ")", "zz+"], ids=[7, 7])
    assert m.present("a w123x b") == {7}
    assert m.present("a zzz b w399x") == {7}  # reported once however many patterns share the id
    assert m.present("w12x w1234") == set()
    assert {(i, s, e) for i, s, e in m.find("w000x w399x")} == {(7, 0, 5), (7, 6, 11)}


def test_case_sensitive_and_present_only():
    m = MultiMatcher(["abc"], caseless=False, find=False)
    assert m.present("xabcx") == {0} and m.present("ABC") == set()
    assert m.present("..abc") == {0}
    with pytest.raises(ValueError):
        m.find("abc")
    with pytest.raises(ValueError):
        MultiMatcher([])
    with pytest.raises(ValueError):
        MultiMatcher(["a", "b"], ids=[1])


def test_threads_scan_at_once():
    m = MultiMatcher(["cannot", "(?:a|b)+c"])
    text = ("x " * 2000) + "I cannot " + "ab" * 500 + "c"
    results = []

    def work():
        for _ in range(30):
            results.append((m.present(text), len(m.find(text))))

    assert run_concurrently(work) == []
    assert len(results) == 120 and all(r == results[0] for r in results) and results[0][0] == {0, 1}


def test_to_utf8_replaces_lone_surrogates_one_for_one():
    assert to_utf8("a\ud800b") == "a\ufffdb".encode()
    assert to_utf8("\udc00\ud800") == "\ufffd\ufffd".encode()
    assert to_utf8("é🙂") == "é🙂".encode()


RELAX_CASES = [
    (r"i (?:cannot|can't)\b[^.!?\n]{0,30}?\bhelp\b", ["i cannot really help", "i can't help.", "xi cannot help"],
     ["i cannot. help", "i will help"]),
    (r"violat\w* (?:\w+\s+){0,2}?(?:privacy|confidentiality)\b", ["violates their privacy", "violating privacy", "violatés très privacy"],
     ["violates. privacy"]),
    (r"if(?<!\wif) you(?:'re| are) (?:worried|looking)", ["if you're worried", "if you are looking"], ["if you were"]),
    (r"not (?:a )?(?:safe|legal)(?:,)? (?:or|and) \w+", ["not safe or legal", "not a legal, and é"], ["not safe nor legal"]),
    (r"[\w-]+ (?=\d)\d", ["a-b 1", "é-b ٣"], ["a-b ."]),
]


@pytest.mark.parametrize("pattern,matching,other", RELAX_CASES)
def test_relaxed_pattern_never_misses(pattern, matching, other):
    rx = re.compile(pattern)
    m = MultiMatcher([relaxed_pattern(pattern)], caseless=False)
    for t in matching:
        assert rx.search(t), t
        assert m.present(t) == {0}, t
    for t in other:  # not required to miss these, but the relaxation keeps the literal parts exact
        assert rx.search(t) is None
        assert m.present(t) == set(), t


def test_relaxed_head_is_a_prefix():
    p = r"i (?:really )?(?:cannot|won't)\b[^.!?\n]{0,30}?\bhelp"
    head = relaxed_pattern(p, head=2)
    m = MultiMatcher([head], caseless=False)
    assert m.present("i cannot") == {0} and m.present("i really won't") == {0}
    assert m.present("i will") == set()
    with pytest.raises(ValueError):
        relaxed_pattern(r"(?i)abc")


def test_refusal_prefilter_never_misses_a_rule_match():
    """The refusal rules' prefilter (each rule relaxed and cut) reports a rule's group wherever the rule matches, on
    random text made of the rules' own words, punctuation and non-ASCII / whitespace oddities."""
    groups = [(i, g[2]) for i, g in enumerate(R._EN)] + [(R._N_EN + k, g) for k, (_gate, g) in enumerate(R._INTL_FLAT)]
    vocab = sorted({w for _i, grp in groups for r in grp[1] for w in re.findall(r"[^\W\d_]+'?[a-z]*", r[3].pattern) if len(w) > 1})
    vocab += [",", ".", "!", "\n", "'", "é", "\u00a0", "\u2003", "\x1c", "\t", "—", "\ufffd", "i", "i'm", "no,", "not"]
    rng = random.Random(5)
    checked = 0
    for _ in range(6000):
        t = "".join(rng.choice(vocab) + rng.choice([" ", " ", " ", "", "  ", "\n"]) for _ in range(rng.randint(1, 16)))
        found = R._PREFILTER.present(t)
        for gid, grp in groups:
            for r in grp[1]:
                if r[3].search(t):
                    checked += 1
                    assert gid in found, (r[1], t)
    assert checked > 500

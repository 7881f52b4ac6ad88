"""One pass over a text for many patterns at once (Hyperscan), so the rules run only where they can fire.

Why: a rule set of a few hundred regexes, each tried with its own `re` call, costs tens of microseconds
per text in CPython even when nothing matches. Hyperscan compiles all of them into one automaton and
scans a 1 KB text in about 2 µs. The detectors use it as a *prefilter*: its hits name which rules to
try and where; the rules themselves stay Python regexes, so results do not depend on the engine's
dialect (Hyperscan's `\\b` is ASCII-only, it has no look-behind and no back-references).
"""

from __future__ import annotations

import codecs
import re
import threading
from collections.abc import Callable, Sequence

import hyperscan

try:  # the parser behind ``re`` (a private module; its name changed in Python 3.11)
    from re import _constants as _sre_c, _parser as _sre_p
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_p  # type: ignore[no-redef]

__all__ = ["MultiMatcher", "RegexPrefilter", "relaxed_pattern", "required_literals", "to_utf8"]

_BASE_FLAGS = hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_ALLOWEMPTY


class MultiMatcher:
    """Patterns compiled once; `present` says which occur, `find` also where.

    Patterns use the subset of regex syntax both `re` and Hyperscan read (literals, classes,
    alternation, repeats; `relaxed_pattern` makes one from any flag-free `re` pattern). Matching is on UTF-8 and
    case-insensitive unless ``caseless=False``.
    """

    def __init__(self, patterns: Sequence[str], ids: Sequence[int] | None = None, *, caseless: bool = True,
                 find: bool = True, literal: bool = False, som: bool = True) -> None:
        """``ids``: the id reported for each pattern (default: its index); patterns may share an id, and `present`
        then reports the id once. ``caseless=False`` for text that is already lower-cased (fewer false hits).
        ``find=False`` skips compiling the database `find` needs (`present` only). ``literal=True``: the patterns
        are plain strings (Hyperscan's literal compiler: thousands of strings in ~0.1 s, where the same strings as
        regex alternations take seconds or are refused as too large). ``som=False``: `find` reports match ends only
        (start -1); the scan keeps no start-of-match state, which is cheaper."""
        if not patterns:
            raise ValueError("MultiMatcher needs at least one pattern")
        self.patterns = tuple(patterns)
        encoded = [(p if literal else _ascii_pattern(p)).encode("utf-8") for p in self.patterns]
        ids = list(range(len(encoded))) if ids is None else [int(i) for i in ids]
        if len(ids) != len(encoded):
            raise ValueError("MultiMatcher needs one id per pattern")
        base = _BASE_FLAGS if caseless else _BASE_FLAGS & ~hyperscan.HS_FLAG_CASELESS
        if literal:  # the literal compiler takes no other flags (bytes are bytes: UTF-8 needs no mode)
            base &= hyperscan.HS_FLAG_CASELESS
        self._present_db = hyperscan.Database()
        self._present_db.compile(
            expressions=encoded, ids=ids, elements=len(encoded), literal=literal,
            flags=[base | hyperscan.HS_FLAG_SINGLEMATCH] * len(encoded),
        )
        self._find_db = None
        self._local = threading.local()  # a scratch space serves one scan at a time: one per thread and database
        if find:
            self._find_db = hyperscan.Database()
            self._find_db.compile(
                expressions=encoded, ids=ids, elements=len(encoded), literal=literal,
                flags=[base | hyperscan.HS_FLAG_SOM_LEFTMOST if som else base] * len(encoded),
            )
        self._som = som

    def _scratch(self, which: str) -> hyperscan.Scratch:
        """This thread's scratch space for one database (a database's own one raises ScratchInUseError when two
        threads scan at once)."""
        scratch = getattr(self._local, which, None)
        if scratch is None:
            scratch = hyperscan.Scratch(self._present_db if which == "present" else self._find_db)
            setattr(self._local, which, scratch)
        return scratch

    def present(self, text: str) -> set[int]:
        """Ids (by default indexes) of the patterns that occur anywhere in `text` (scanned as `to_utf8(text)`)."""
        found: set[int] = set()
        self._present_db.scan(to_utf8(text), match_event_handler=lambda i, _s, _e, _f, _c: found.add(i),
                              scratch=self._scratch("present"))
        return found

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """(pattern id, start, end) of every match (every end, with the leftmost start; -1 when built with
        ``som=False``), offsets in characters of `text`, in order of end."""
        if self._find_db is None:
            raise ValueError("this MultiMatcher was built with find=False")
        data = to_utf8(text)
        hits: list[tuple[int, int, int]] = []

        def on_match(pattern_id: int, start: int, end: int, _flags: int, _ctx: object) -> None:
            hits.append((pattern_id, start, end))

        self._find_db.scan(data, match_event_handler=on_match, scratch=self._scratch("find"))
        if not self._som:
            hits = [(i, -1, e) for i, _s, e in hits]
        if hits and len(data) != len(text):
            hits = [(i, _char_offset(data, s) if s >= 0 else -1, _char_offset(data, e)) for i, s, e in hits]
        return hits

    def ends(self, text: str) -> list[int]:
        """The end of every match as ``end * 4 + id`` (ids 0-3), offsets in characters of `text`, in order of end: for
        callers that scan short texts often, where a tuple per match and the `find` bookkeeping cost more than the scan.
        """
        if self._find_db is None:
            raise ValueError("this MultiMatcher was built with find=False")
        data = to_utf8(text)
        hits: list[int] = []
        add = hits.append
        self._find_db.scan(data, match_event_handler=lambda i, _s, e, _f, _c: add(e * 4 + i), scratch=self._scratch("find"))
        if hits and len(data) != len(text):
            hits = [_char_offset(data, h >> 2) * 4 + (h & 3) for h in hits]
        hits.sort()
        return hits


def _ascii_pattern(pattern: str) -> str:
    """The pattern with every non-ASCII character written as ``\\x{...}``: the same pattern, but one that every
    Hyperscan build reads (0.7.30's rejects raw non-ASCII UTF-8 in an expression as "not valid UTF-8")."""
    return pattern if pattern.isascii() else "".join(c if c.isascii() else f"\\x{{{ord(c):x}}}" for c in pattern)


def _surrogate_to_fffd(err: UnicodeError) -> tuple[bytes, int]:
    if not isinstance(err, UnicodeEncodeError):
        raise err
    return "\ufffd".encode() * (err.end - err.start), err.end  # (the UTF-8 encoder takes only ASCII str replacements)


codecs.register_error("multimatch.fffd", _surrogate_to_fffd)


def to_utf8(text: str) -> bytes:
    """UTF-8 of ``text`` for a scan whose answer must be exact: a lone surrogate (which has no valid UTF-8; Hyperscan's
    result on invalid UTF-8 is undefined) becomes U+FFFD, one character for one: like a surrogate, it is neither a
    space nor a word character, and it is in no pattern."""
    return text.encode("utf-8", "multimatch.fffd")


def _char_offset(data: bytes, byte_offset: int) -> int:
    """Character offset of a byte offset in UTF-8 `data` (continuation bytes are not characters)."""
    prefix = data[:byte_offset]
    return byte_offset - sum(1 for b in prefix if 0x80 <= b < 0xC0)


# ---------------------------------------------------------------------------------------------------------------------
# Python ``re`` pattern -> a Hyperscan pattern for a superset of its matches
# ---------------------------------------------------------------------------------------------------------------------
def _lit(code: int) -> str:
    ch = chr(code)
    return ch if ch.isascii() and ch.isalnum() else f"\\x{{{code:x}}}"


# ``re``'s \s on str patterns is str.isspace() (ASCII blanks, \x1c-\x1f and a few non-ASCII spaces; none above
# U+3000) and its \w is str.isalnum() or "_"; relaxed here to "an ASCII one, or any non-ASCII character" (simple
# UTF-8 automata: the exact sets made the compile several times slower)
_NON_ASCII = "\\x{80}-\\x{10ffff}"
_SPACE_CLASS_ITEMS = "\\x{9}-\\x{d}\\x{1c}-\\x{20}" + _NON_ASCII
_WORD_CLASS_ITEMS = "0-9a-z_A-Z" + _NON_ASCII
_ANY = "[\\x{0}-\\x{10ffff}]"
_MAX_BOUND = 4  # repeats bounded above this are relaxed to unbounded ones


def relaxed_pattern(pattern: str, head: int | None = None) -> str:
    """A Hyperscan pattern that matches wherever the Python ``re`` pattern matches (and maybe elsewhere).

    Why: Hyperscan's ``\\b``, ``\\w`` and ``\\s`` are not Python's (ASCII vs Unicode) and it has no look-around, so a
    rule cannot be handed over as it is; as a *prefilter* it only has to never miss. So assertions (``^ $ \\b``,
    look-ahead/-behind) are dropped, ``\\w``, ``\\d`` and ``\\s`` widen to their ASCII members plus every non-ASCII
    character, lazy repeats become plain ones (the same substrings match) and repeats bounded above 4 become
    unbounded (long bounded repeats make Hyperscan's compile slow). No Hyperscan match then proves that ``re`` has
    none. ``head``: keep only the pattern's top-level items up to its ``head``-th one that is not a plain character
    (a prefix of the pattern matches wherever the whole does): fewer states, so a faster compile and scan, for
    somewhat more false hits. Patterns with flags (``(?i)`` ...) are refused."""
    parsed = _sre_p.parse(pattern)
    if parsed.state.flags & ~_sre_c.SRE_FLAG_UNICODE:
        raise ValueError(f"relaxed_pattern supports patterns without flags: {pattern[:60]!r}")
    items = list(parsed)
    if head is not None:
        n = 0
        for k, (op, _av) in enumerate(items):
            if op is not _sre_c.LITERAL:
                n += 1
                if n > head:
                    items = items[:k]
                    break
    return _relax_seq(items)


def _relax_seq(items) -> str:
    return "".join(_relax_item(op, av) for op, av in items)


def _relax_item(op, av) -> str:
    c = _sre_c
    if op is c.LITERAL:
        return _lit(av)
    if op is c.NOT_LITERAL:
        return f"[^{_lit(av)}]"
    if op is c.ANY:
        return "."  # both engines: any character but a newline (no DOTALL here)
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return ""  # zero-width: dropping it only widens the match set
    if op is c.SUBPATTERN:
        if av[1] or av[2]:
            raise ValueError("relaxed_pattern supports no inline flags")
        return "(?:" + _relax_seq(list(av[-1])) + ")"
    if op is c.BRANCH:
        return "(?:" + "|".join(_relax_seq(list(alt)) for alt in av[1]) + ")"
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) or op is getattr(c, "POSSESSIVE_REPEAT", None):
        lo, hi, body = av
        inner = _relax_seq(list(body))
        if not inner:
            return ""
        # a long bounded repeat ("[^.!?\n]{0,80}") costs Hyperscan seconds to compile: unbounded is a superset
        return "(?:" + inner + ")" + ("{%d,}" % lo if hi == c.MAXREPEAT or hi > _MAX_BOUND else "{%d,%d}" % (lo, hi))
    if op is c.IN:
        return _relax_class(av)
    raise ValueError(f"relaxed_pattern cannot translate {op}")


def _relax_class(items) -> str:
    negate = bool(items) and items[0][0] is _sre_c.NEGATE
    parts = []
    for op, av in items[1:] if negate else items:
        if op is _sre_c.LITERAL:
            parts.append(_lit(av))
        elif op is _sre_c.RANGE:
            parts.append(f"{_lit(av[0])}-{_lit(av[1])}")
        elif op is _sre_c.CATEGORY and not negate and av is _sre_c.CATEGORY_SPACE:
            parts.append(_SPACE_CLASS_ITEMS)
        elif op is _sre_c.CATEGORY and not negate and av in (_sre_c.CATEGORY_WORD, _sre_c.CATEGORY_DIGIT):
            parts.append(_WORD_CLASS_ITEMS)
        else:  # anything else (\\W, a negated \\s, ...): any character
            return _ANY
    return ("[^" if negate else "[") + "".join(parts) + "]"


# --- which regexes of a set can match a text: literals every match must contain -----------------------------------
# A failing search of a big alternation costs microseconds even on a short text. Every match of such a regex holds a
# string from each of a few literal sets, derived from the pattern itself (`required_literals`); one Hyperscan pass over
# the text says which regexes lack one of their sets, and those need not run. The regexes still decide, so results are
# exactly those of running every one.

_ALTERNATIVES_MAX = 64  # largest set of alternative strings expanded from one piece of a pattern
_SETS_MAX = 3  # literal sets tested per regex


def _rank(strings: set[str]) -> tuple[int, int]:
    """Sort key of a literal set, most selective first: its shortest string the longest, then the fewest strings."""
    return (-min(map(len, strings)), len(strings))


def _sequence_literals(items) -> tuple[set[str] | None, list[set[str]]]:
    """(exact, required) of a parsed sequence: `exact` lists every string it can match (None: too many or unbounded);
    `required` holds literal sets that each have a member inside every match (adjacent pieces are multiplied out
    while small: "ways? to" gives {"way to", "ways to"}, far more selective than {"to"})."""
    run: set[str] = {""}
    exact: set[str] | None = {""}
    required: list[set[str]] = []
    for op, av in items:
        ex, req = _node_literals(op, av)
        if ex is not None and len(run) * len(ex) <= _ALTERNATIVES_MAX:
            run = {a + b for a in run for b in ex}
        else:
            required.append(run)
            run = set(ex) if ex is not None else {""}
            if ex is None:
                required += req
        if ex is None or exact is None or len(exact) * len(ex) > 4 * _ALTERNATIVES_MAX:
            exact = None
        else:
            exact = {a + b for a in exact for b in ex}
    required.append(run)
    return exact, [s for s in required if "" not in s]


def _node_literals(op, av) -> tuple[set[str] | None, list[set[str]]]:
    """(exact, required) of one parsed node; zero-width assertions (\\b, ^, look-arounds) match the empty string."""
    c = _sre_c
    if op is c.LITERAL:
        return {chr(av)}, [{chr(av)}]
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return {""}, []
    if op is c.SUBPATTERN:
        return _sequence_literals(av[-1])
    if op is c.BRANCH:
        parts = [_sequence_literals(alt) for alt in av[1]]
        exact = None if any(ex is None for ex, _ in parts) else set().union(*(ex for ex, _ in parts))
        if exact is not None and len(exact) > 4 * _ALTERNATIVES_MAX:
            exact = None
        # one set per alternative (its most selective); their union holds a member of every match
        required = [] if any(not req for _, req in parts) else [set().union(*(min(req, key=_rank) for _, req in parts))]
        return exact, required
    if op is c.IN and len(av) <= 8 and all(o is c.LITERAL for o, _ in av):  # a small class such as [eé]
        chars = {chr(ch) for _, ch in av}
        return chars, [chars]
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        lo, hi, sub = av
        ex, req = _sequence_literals(sub)
        if lo == hi == 1:
            return ex, req
        if lo == 0 and hi == 1 and ex is not None:
            return ex | {""}, []
        return None, (req if lo >= 1 else [])
    return None, []  # any other class, '.', groups we do not analyse: no literal guaranteed


def required_literals(rx: re.Pattern) -> list[frozenset[str]]:
    """Literal sets such that every match of ``rx`` contains a member of each set, most selective first; [] when no
    literal is guaranteed. Sets after the first are kept (up to 3) only when all their strings have 4+ characters: a
    set of common short words rarely rules a regex out and costs a callback whenever it occurs. The strings are the
    pattern's own: a case-insensitive regex needs them normalised like the text it is tested on."""
    _exact, required = _sequence_literals(_sre_p.parse(rx.pattern, rx.flags))
    ranked = sorted(required, key=_rank)
    kept = ranked[:1] + [s for s in ranked[1:] if min(map(len, s)) >= 4][:_SETS_MAX - 1]
    return [frozenset(s) for s in kept]


class RegexPrefilter:
    """Which of a set of regexes can match a text, from one Hyperscan scan (see the section comment above).

    ``normalize`` maps a literal to the form the text is scanned in (e.g. the lower-casing the caller applies to the
    text). Every string of every literal set is a pure literal (Hyperscan's literal compiler: ~0.1 s for hundreds,
    where the same strings as regex alternations took seconds), case-insensitive on ASCII, matched on the UTF-8 bytes
    of the text. All strings of one set share an id and report at most once per scan; a regex is ruled out when one of
    its sets is absent. Regexes without a guaranteed literal are never ruled out.
    """

    # characters that Python's case-insensitive matching equates with an ASCII letter although lower() does not turn
    # them into it (dotted / dotless i, long s, Kelvin sign): in a text holding one, no regex is ruled out
    _FOLD_ODD = frozenset("İıſK")

    def __init__(self, regexes: Sequence[re.Pattern], normalize: Callable[[str], str] = lambda s: s) -> None:
        self.regexes = tuple(regexes)
        self._set_owner: list[int] = []  # literal set id -> id() of its regex
        self._set_count: dict[int, int] = {}  # id() of a regex -> number of its literal sets
        literals: list[str] = []
        set_ids: list[int] = []
        for rx in self.regexes:
            sets = [frozenset(normalize(s) for s in req) for req in required_literals(rx)]
            if sets:
                self._set_count[id(rx)] = len(sets)
            for lits in sets:
                literals += sorted(lits)
                set_ids += [len(self._set_owner)] * len(lits)
                self._set_owner.append(id(rx))
        self.filtered = frozenset(self._set_count)  # the regexes it can rule out
        self._matcher = MultiMatcher(literals, set_ids, literal=True, find=False)

    def ruled_out(self, normalized: str, original: str) -> frozenset[int]:
        """The `id` of every regex that cannot match ``normalized`` (the text as ``normalize`` would make it) nor a
        slice of it (ids, not the patterns: hashing a compiled pattern hashes all its code, each time)."""
        if not normalized.isascii() and not self._FOLD_ODD.isdisjoint(original):
            return frozenset()
        owners = [self._set_owner[k] for k in self._matcher.present(normalized)]
        return self.filtered.difference([r for r in set(owners) if owners.count(r) == self._set_count[r]])

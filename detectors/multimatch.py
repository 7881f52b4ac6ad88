"""One pass over a text for many patterns at once (Hyperscan), so the rules run only where they can fire.

Why: a rule set of a few hundred regexes, each tried with its own `re` call, costs tens of microseconds
per text in CPython even when nothing matches. Hyperscan compiles all of them into one automaton and
scans a 1 KB text in about 2 µs. The detectors use it as a *prefilter*: its hits name which rules to
try and where; the rules themselves stay Python regexes, so results do not depend on the engine's
dialect (Hyperscan's `\\b` is ASCII-only, it has no look-behind and no back-references).
"""

from __future__ import annotations

import codecs
import threading
from collections.abc import Sequence

import hyperscan

try:  # the parser behind ``re`` (a private module; its name changed in Python 3.11)
    from re import _constants as _sre_c, _parser as _sre_p
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_p  # type: ignore[no-redef]

__all__ = ["MultiMatcher", "relaxed_pattern", "to_utf8"]

_BASE_FLAGS = hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_ALLOWEMPTY


class MultiMatcher:
    """Patterns compiled once; `present` says which occur, `find` also where.

    Patterns use the subset of regex syntax both `re` and Hyperscan read (literals, classes,
    alternation, repeats; `relaxed_pattern` makes one from any flag-free `re` pattern). Matching is on UTF-8 and
    case-insensitive unless ``caseless=False``.
    """

    def __init__(self, patterns: Sequence[str], ids: Sequence[int] | None = None, *, caseless: bool = True,
                 find: bool = True, literal: bool = False) -> None:
        """``ids``: the id reported for each pattern (default: its index); patterns may share an id, and `present`
        then reports the id once. ``caseless=False`` for text that is already lower-cased (fewer false hits).
        ``find=False`` skips compiling the database `find` needs (`present` only). ``literal=True``: the patterns
        are plain strings (Hyperscan's literal compiler: thousands of strings in ~0.1 s, where the same strings as
        regex alternations take seconds or are refused as too large)."""
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
                flags=[base | hyperscan.HS_FLAG_SOM_LEFTMOST] * len(encoded),
            )

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
        """(pattern id, start, end) of every match (every end, with the leftmost start), offsets in characters of
        `text`, in order of end."""
        if self._find_db is None:
            raise ValueError("this MultiMatcher was built with find=False")
        data = to_utf8(text)
        hits: list[tuple[int, int, int]] = []

        def on_match(pattern_id: int, start: int, end: int, _flags: int, _ctx: object) -> None:
            hits.append((pattern_id, start, end))

        self._find_db.scan(data, match_event_handler=on_match, scratch=self._scratch("find"))
        if hits and len(data) != len(text):
            hits = [(i, _char_offset(data, s), _char_offset(data, e)) for i, s, e in hits]
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

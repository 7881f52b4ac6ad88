"""Where turns are aggregated: fixed event-time windows per (model_version, feature, detector).

Three results per window and key: the counts (``refusal_windows``), the counts per trigger cue
(``cue_windows``) and a bounded sample of refused turns (``review_samples``). Each is a plain
``CombineFn`` (unit-testable without a runner) whose result does not depend on the order of its
inputs, so a replay or a backfill gives the same rows as the first run. ``AggregateWindows``
windows by event time and fires a pane ``early_firing_seconds`` of processing time after new turns
reach a window: while it is open (early results), and again for late turns within the allowed
lateness. Panes accumulate, so every result is the window's complete count so far and the landing
step simply replaces the earlier row; the newest row is always the whole truth.

Why ``Repeatedly(AfterProcessingTime)`` rather than ``AfterWatermark(early=..., late=...)``: on
the local Prism runner (Beam 2.73-2.75) the latter emits early panes only in bursts, repeats
panes of closed windows, and without allowed lateness crashes the job (see
docs/decisions/kafka-read.md). The processing-time trigger is correct on every runner, and with
accumulating panes and replace-on-write landing it loses nothing: every turn is counted within
``early_firing_seconds`` of arriving.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from datetime import datetime, timezone

import apache_beam as beam
from apache_beam.transforms import trigger, window
from apache_beam.utils.timestamp import Duration

from pipelines.classify import SampleCandidate, TurnFacts
from schemas import CueWindowAggregate, ReviewSample, WindowAggregate

__all__ = [
    "COUNT_FIELDS",
    "CountTurnsFn",
    "CountCuesFn",
    "SampleRefusalsFn",
    "AggregateWindows",
    "to_window_aggregate",
    "latency_quantile",
]

COUNT_FIELDS = (
    "n_turns",
    "n_full_refusal",
    "n_partial_refusal",
    "n_clarification",
    "n_compliance",
    "n_with_trigger",
    "n_refused_with_trigger",
    "n_benign_prompt",
    "n_over_refusal_suspect",
    "n_benign_with_trigger",
    "n_suspect_with_trigger",
    "n_with_latency",
)
_LABEL_INDEX = {"full_refusal": 1, "partial_refusal": 2, "clarification": 3, "compliance": 4}

#: Latency histogram buckets grow by this ratio; a quantile is the bucket's geometric middle, so
#: it is within half a bucket (2.5%) of the exact value, and the accumulator stays small.
LATENCY_RATIO = 1.05
_LOG_RATIO = math.log(LATENCY_RATIO)


def _latency_bucket(latency_ms: float) -> int:
    return -1 if latency_ms <= 0 else math.floor(math.log(latency_ms) / _LOG_RATIO)


def latency_quantile(histogram: dict[int, int], q: float) -> float | None:
    """The q-quantile (0..1) of a latency histogram, or None when it is empty."""
    total = sum(histogram.values())
    if total == 0:
        return None
    rank, seen = q * total, 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        if seen >= rank:
            return 0.0 if bucket < 0 else round(LATENCY_RATIO ** (bucket + 0.5), 3)
    return None


def _key64(text: str) -> int:
    """A stable 64-bit hash (the same in every process and run, unlike ``hash``): accumulators keep
    turn and conversation ids as these, 8 bytes where the id strings took ~80 each. Two ids of one
    window collide with probability ~n²/2⁶⁵ (3e-8 for a million turns in one window)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


# One turn as one int: conversation hash << 20 | latency code << 7 | label << 4 | four flags. The
# latency code is 0 for "no latency", else the histogram bucket + 4096 (a 24 h latency is bucket
# 374; a sub-millisecond one is negative, clamped at -4095, i.e. 1e-87 ms).
_FLAG_BITS, _LABEL_BITS, _LATENCY_BITS = 4, 3, 13
_LATENCY_OFFSET = 1 << (_LATENCY_BITS - 1)
_LABEL_SHIFT = _FLAG_BITS
_LATENCY_SHIFT = _FLAG_BITS + _LABEL_BITS
_CONVERSATION_SHIFT = _LATENCY_SHIFT + _LATENCY_BITS
_HAS_TRIGGER, _REFUSED, _BENIGN, _SUSPECT = 8, 4, 2, 1


def _pack_turn(facts: TurnFacts) -> int:
    """What CountTurnsFn keeps of one turn (no text): enough to count it once at extraction."""
    latency = 0 if facts.latency_ms is None else (
        min(max(_latency_bucket(facts.latency_ms), 1 - _LATENCY_OFFSET), _LATENCY_OFFSET - 1) + _LATENCY_OFFSET)
    flags = (_HAS_TRIGGER * facts.has_trigger | _REFUSED * facts.refused
             | _BENIGN * (facts.prompt_risk == "benign") | _SUSPECT * facts.over_refusal_suspect)
    return (_key64(facts.conversation_id) << _CONVERSATION_SHIFT | latency << _LATENCY_SHIFT
            | _LABEL_INDEX[facts.refusal_label] << _LABEL_SHIFT | flags)


class _TurnSet:
    """Accumulator of CountTurnsFn: the window's turns (packed) by turn-id hash, and the copies set aside."""

    __slots__ = ("turns", "duplicates")

    def __init__(self) -> None:
        self.turns: dict[int, int] = {}
        self.duplicates = 0

    def add(self, turn_key: int, turn: int) -> None:
        kept = self.turns.get(turn_key)
        if kept is None:
            self.turns[turn_key] = turn
            return
        self.duplicates += 1
        if turn < kept:  # copies that differ: keep the same one whatever the order
            self.turns[turn_key] = turn

    def __getstate__(self) -> tuple[dict[int, int], int]:
        return self.turns, self.duplicates

    def __setstate__(self, state: tuple[dict[int, int], int]) -> None:
        self.turns, self.duplicates = state


class CountTurnsFn(beam.CombineFn):
    """Counts of ``COUNT_FIELDS``, distinct conversations and latency quantiles over TurnFacts.

    A turn id is counted once per window: a logger's retry (the same turn again) is counted in
    ``n_duplicate_turns`` instead, so conservation still accounts for every record. The
    accumulator keeps one int per turn id hash (no text; ~110 bytes a turn in memory) and counts
    at extraction, which is what makes the de-duplication exact whatever the order and the merging.
    """

    def create_accumulator(self) -> _TurnSet:
        return _TurnSet()

    def add_input(self, acc: _TurnSet, facts: TurnFacts) -> _TurnSet:
        acc.add(_key64(facts.turn_id), _pack_turn(facts))
        return acc

    def merge_accumulators(self, accumulators) -> _TurnSet:
        accumulators = iter(accumulators)
        merged = next(accumulators, None) or self.create_accumulator()
        for acc in accumulators:
            merged.duplicates += acc.duplicates
            for turn_key, turn in acc.turns.items():
                merged.add(turn_key, turn)
        return merged

    def extract_output(self, acc: _TurnSet) -> dict[str, int | float | None]:
        c = [0] * len(COUNT_FIELDS)
        latency: dict[int, int] = {}
        conversations: set[int] = set()
        label_mask, latency_mask = (1 << _LABEL_BITS) - 1, (1 << _LATENCY_BITS) - 1
        for t in acc.turns.values():
            c[0] += 1
            c[t >> _LABEL_SHIFT & label_mask] += 1
            refused, benign, suspect = bool(t & _REFUSED), bool(t & _BENIGN), bool(t & _SUSPECT)
            if t & _HAS_TRIGGER:
                c[5] += 1
                c[6] += refused
                if benign:
                    c[9] += 1
                    c[10] += suspect
            c[7] += benign
            c[8] += suspect
            code = t >> _LATENCY_SHIFT & latency_mask
            if code:
                c[11] += 1
                bucket = code - _LATENCY_OFFSET
                latency[bucket] = latency.get(bucket, 0) + 1
            conversations.add(t >> _CONVERSATION_SHIFT)
        out: dict[str, int | float | None] = dict(zip(COUNT_FIELDS, c))
        out["n_duplicate_turns"] = acc.duplicates
        out["n_conversations"] = len(conversations)
        out["latency_p50_ms"] = latency_quantile(latency, 0.50)
        out["latency_p90_ms"] = latency_quantile(latency, 0.90)
        out["latency_p99_ms"] = latency_quantile(latency, 0.99)
        return out


class CountCuesFn(beam.CombineFn):
    """(turn_id, refused, benign_sense, suspect) of one cue's prompts -> [n, refused, benign, suspect],
    each turn id counted once (as in CountTurnsFn)."""

    def create_accumulator(self) -> dict[int, tuple[bool, bool, bool]]:
        return {}  # turn-id hash (as CountTurnsFn's) -> the flags

    def add_input(self, acc: dict, flags: tuple[str, bool, bool, bool]) -> dict:
        turn_id, *rest = flags
        key = _key64(turn_id)
        kept = acc.get(key)
        acc[key] = tuple(rest) if kept is None else min(kept, tuple(rest))
        return acc

    def merge_accumulators(self, accumulators) -> dict:
        accumulators = iter(accumulators)
        merged = next(accumulators, None)
        merged = {} if merged is None else merged
        for acc in accumulators:
            for turn_id, flags in acc.items():
                kept = merged.get(turn_id)
                merged[turn_id] = flags if kept is None else min(kept, flags)
        return merged

    def extract_output(self, acc: dict) -> list[int]:
        counts = [len(acc), 0, 0, 0]
        for refused, benign, suspect in acc.values():
            counts[1] += refused
            counts[2] += benign
            counts[3] += suspect
        return counts


class SampleRefusalsFn(beam.CombineFn):
    """Bottom-k sample of refused turns, per reason: the ``k`` over-refusal suspects and the ``k``
    other refusals with the smallest turn-id hash, and how many candidates each was drawn from.

    Bottom-k by a hash is a uniform sample that is a function of the *set* of turns, not of their
    order or of how bundles were merged, so a replay lands exactly what the first run landed.
    """

    def __init__(self, k: int) -> None:
        self.k = k

    def create_accumulator(self) -> dict[str, tuple[int, list[SampleCandidate]]]:
        return {"over_refusal_suspect": (0, []), "refusal": (0, [])}

    def _keep(self, candidates) -> list[SampleCandidate]:
        unique = {c.turn_id: c for c in candidates}  # a duplicated turn takes one slot
        return heapq.nsmallest(self.k, unique.values(), key=lambda c: (c.rank, c.turn_id))

    def add_input(self, acc, facts: TurnFacts):
        if facts.sample is None:
            return acc
        reason = "over_refusal_suspect" if facts.over_refusal_suspect else "refusal"
        n, kept = acc[reason]
        acc[reason] = (n + 1, self._keep([*kept, facts.sample]))
        return acc

    def merge_accumulators(self, accumulators):
        merged = self.create_accumulator()
        for acc in accumulators:
            for reason, (n, kept) in acc.items():
                total, mine = merged[reason]
                merged[reason] = (total + n, self._keep([*mine, *kept]))
        return merged

    def extract_output(self, acc):
        return acc


def to_window_aggregate(
    key: tuple[str, str, str], counts: dict, win: window.IntervalWindow, timing: str, index: int
) -> WindowAggregate:
    """Build the landed row for one fired pane."""
    model_version, feature, detector_version = key
    return WindowAggregate(
        window_start=win.start.to_utc_datetime(has_tz=True),
        window_end=win.end.to_utc_datetime(has_tz=True),
        model_version=model_version,
        feature=feature,
        detector_version=detector_version,
        pane_timing=timing,
        pane_index=index,
        updated_at=datetime.now(timezone.utc),
        **counts,
    )


def to_cue_rows(key: tuple, counts: list[int], win: window.IntervalWindow) -> CueWindowAggregate:
    model_version, feature, detector_version, cue, category = key
    n, refused, benign, suspect = counts
    return CueWindowAggregate(
        window_start=win.start.to_utc_datetime(has_tz=True),
        window_end=win.end.to_utc_datetime(has_tz=True),
        model_version=model_version, feature=feature, detector_version=detector_version,
        cue=cue, category=category, n_prompts=n, n_refused=refused, n_benign_sense=benign,
        n_over_refusal_suspect=suspect, updated_at=datetime.now(timezone.utc),
    )


def to_sample_rows(key: tuple[str, str, str], sample: dict, win: window.IntervalWindow, k: int) -> list[ReviewSample]:
    """Slots 0..k-1 hold over-refusal suspects, k..2k-1 other refusals."""
    model_version, feature, detector_version = key
    start, end, now = win.start.to_utc_datetime(has_tz=True), win.end.to_utc_datetime(has_tz=True), datetime.now(timezone.utc)
    rows = []
    for base, reason in ((0, "over_refusal_suspect"), (k, "refusal")):
        n, kept = sample[reason]
        for i, c in enumerate(kept):
            rows.append(ReviewSample(
                window_start=start, window_end=end, model_version=model_version, feature=feature,
                detector_version=detector_version, slot=base + i, n_candidates=n, turn_id=c.turn_id,
                conversation_id=c.conversation_id,
                event_time=datetime.fromtimestamp(c.event_time_s, timezone.utc), reason=reason,
                refusal_label=c.refusal_label, refusal_score=c.refusal_score, prompt_risk=c.prompt_risk,
                prompt=c.prompt, response=c.response, evidence_json=c.evidence_json, cues_json=c.cues_json,
                redacted=c.redacted, updated_at=now,
            ))
    return rows


_TIMING = {0: "EARLY", 1: "ON_TIME", 2: "LATE", 3: "UNKNOWN"}


class _ToWindowAggregateFn(beam.DoFn):
    def process(self, element, win=beam.DoFn.WindowParam, pane=beam.DoFn.PaneInfoParam):
        key, counts = element
        yield to_window_aggregate(key, counts, win, _TIMING.get(pane.timing, "UNKNOWN"), pane.index)


def _key(f: TurnFacts) -> tuple[str, str, str]:
    return (f.model_version, f.feature, f.detector_version)


def _cue_flags(f: TurnFacts):
    for cue in f.cues:
        yield (*_key(f), cue.term, cue.category), (f.turn_id, f.refused, cue.benign, f.over_refusal_suspect)


class AggregateWindows(beam.PTransform):
    """TurnFacts (event-time stamped) -> {"windows": WindowAggregate, "cues": CueWindowAggregate,
    "samples": ReviewSample}, each a complete (accumulated) result per fired pane."""

    def __init__(
        self, window_seconds: int, allowed_lateness_seconds: int, early_firing_seconds: int, samples_per_window: int = 5
    ) -> None:
        super().__init__()
        self.window_seconds = window_seconds
        self.allowed_lateness_seconds = allowed_lateness_seconds
        self.early_firing_seconds = early_firing_seconds
        self.samples_per_window = samples_per_window

    def expand(self, facts):
        k = self.samples_per_window
        windowed = facts | "WindowByEventTime" >> beam.WindowInto(
            window.FixedWindows(self.window_seconds),
            trigger=trigger.Repeatedly(trigger.AfterProcessingTime(self.early_firing_seconds)),
            accumulation_mode=trigger.AccumulationMode.ACCUMULATING,
            allowed_lateness=Duration(seconds=self.allowed_lateness_seconds),
        )
        keyed = windowed | "KeyByModelFeatureDetector" >> beam.Map(lambda f: (_key(f), f))
        windows = (
            keyed
            | "CountPerKey" >> beam.CombinePerKey(CountTurnsFn())
            | "ToWindowAggregate" >> beam.ParDo(_ToWindowAggregateFn())
        )
        cues = (
            windowed
            | "KeyByCue" >> beam.FlatMap(_cue_flags)
            | "CountPerCue" >> beam.CombinePerKey(CountCuesFn())
            | "ToCueWindow" >> beam.Map(lambda kv, win=beam.DoFn.WindowParam: to_cue_rows(kv[0], kv[1], win))
        )
        samples = (
            keyed
            | "OnlyRefused" >> beam.Filter(lambda kv: kv[1].sample is not None)
            | "SamplePerKey" >> beam.CombinePerKey(SampleRefusalsFn(k))
            | "ToReviewSamples" >> beam.FlatMap(lambda kv, win=beam.DoFn.WindowParam: to_sample_rows(kv[0], kv[1], win, k))
        )
        return {"windows": windows, "cues": cues, "samples": samples}

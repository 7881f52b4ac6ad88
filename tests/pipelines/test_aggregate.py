"""CountTurnsFn without a runner; AggregateWindows with TestStream for on-time, early, late and
too-late data (the lateness matrix of Beam's LeaderBoardTest)."""

import random

import apache_beam as beam
import pytest
from hypothesis import given, settings, strategies as st
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.test_stream import TestStream
from apache_beam.testing.util import assert_that, equal_to_per_window
from apache_beam.transforms.window import IntervalWindow, TimestampedValue

from pipelines.aggregate import COUNT_FIELDS, AggregateWindows, CountCuesFn, CountTurnsFn, SampleRefusalsFn, latency_quantile
from pipelines.classify import CueFact, SampleCandidate, TurnFacts, stable_hash

WINDOW = 300
LATENESS = 600
EARLY = 10


def facts(label="compliance", trigger=False, risk="benign", version="v1", feature="search", turn="t", conv="c",
          latency=None, cues=()) -> TurnFacts:
    refused = label in ("full_refusal", "partial_refusal")
    sample = None
    if refused:
        sample = SampleCandidate(stable_hash(turn), turn, conv, 0.0, label, 0.9, risk, "p", "r", "[]", "[]", True)
    return TurnFacts(turn, conv, version, feature, "d1", label, trigger or bool(cues), risk,
                     refused and risk == "benign", latency, tuple(cues), sample)


def test_count_turns_fn_counts_every_field_and_merges():
    fn = CountTurnsFn()
    a = fn.create_accumulator()
    for i, f in enumerate([facts("full_refusal", trigger=True), facts("compliance", trigger=True),
                           facts("clarification"), facts("partial_refusal", risk="harmful")]):
        a = fn.add_input(a, f._replace(turn_id=f"t{i}"))
    b = fn.add_input(fn.create_accumulator(), facts("full_refusal", risk="ambiguous", turn="t9"))
    out = fn.extract_output(fn.merge_accumulators([a, b]))
    assert out == {
        "n_turns": 5, "n_full_refusal": 2, "n_partial_refusal": 1, "n_clarification": 1, "n_compliance": 1,
        "n_with_trigger": 2, "n_refused_with_trigger": 1, "n_benign_prompt": 3, "n_over_refusal_suspect": 1,
        "n_benign_with_trigger": 2, "n_suspect_with_trigger": 1, "n_with_latency": 0, "n_conversations": 1,
        "n_duplicate_turns": 0,
        "latency_p50_ms": None, "latency_p90_ms": None, "latency_p99_ms": None,
    }
    assert set(COUNT_FIELDS) < set(out)


def test_distinct_conversations_and_latency_quantiles():
    fn = CountTurnsFn()
    acc = fn.create_accumulator()
    for i in range(1, 101):  # latencies 10, 20, ..., 1000 ms over 40 conversations; one turn without
        acc = fn.add_input(acc, facts(turn=f"t{i}", conv=f"c{i % 40}", latency=10.0 * i))
    acc = fn.add_input(acc, facts(turn="x", conv="c1"))
    out = fn.extract_output(acc)
    assert (out["n_turns"], out["n_with_latency"], out["n_conversations"]) == (101, 100, 40)
    for q, exact in ((0.5, 500.0), (0.9, 900.0), (0.99, 990.0)):
        assert abs(out[f"latency_p{round(q * 100)}_ms"] - exact) / exact <= 0.026  # half a 5% bucket
    assert latency_quantile({}, 0.5) is None


def test_cue_counts():
    fn = CountCuesFn()
    acc = fn.create_accumulator()
    for flags in [("a", True, True, True), ("b", False, True, False), ("c", True, False, False), ("a", True, True, True)]:
        acc = fn.add_input(acc, flags)
    other = fn.add_input(fn.create_accumulator(), ("d", False, False, False))
    other = fn.add_input(other, ("b", False, True, False))  # a copy of b in another bundle
    assert fn.extract_output(fn.merge_accumulators([acc, other])) == [4, 2, 2, 1]


@settings(max_examples=60, deadline=None)
@given(ids=st.lists(st.integers(0, 15), min_size=1, max_size=40), seed=st.integers(0, 10**6), parts=st.integers(1, 4))
def test_a_turn_id_is_counted_once_whatever_the_order_and_merging(ids, seed, parts):
    """Logger retries: copies are counted in n_duplicate_turns, never in n_turns, in any bundling."""
    fn = CountTurnsFn()
    turns = [facts("full_refusal" if i % 3 == 0 else "compliance", turn=f"t{i}", conv=f"c{i % 4}", latency=float(i + 1))
             for i in ids]
    order = turns[:]
    random.Random(seed).shuffle(order)
    accs = [fn.create_accumulator() for _ in range(parts)]
    for j, f in enumerate(order):
        accs[j % parts] = fn.add_input(accs[j % parts], f)
    out = fn.extract_output(fn.merge_accumulators(accs))
    distinct = set(ids)
    assert out["n_turns"] == len(distinct) and out["n_duplicate_turns"] == len(ids) - len(distinct)
    assert out["n_full_refusal"] == sum(1 for i in distinct if i % 3 == 0)
    assert out["n_conversations"] == len({i % 4 for i in distinct})
    one = fn.create_accumulator()
    for f in turns:
        one = fn.add_input(one, f)
    assert fn.extract_output(one) == out


@settings(max_examples=60, deadline=None)
@given(n_refused=st.integers(0, 30), n_suspects=st.integers(0, 30), k=st.integers(1, 6), seed=st.integers(0, 10**6),
       parts=st.integers(1, 5))
def test_bottom_k_sample_is_the_same_whatever_the_order_and_merging(n_refused, n_suspects, k, seed, parts):
    """A replay or a backfill sees the turns in another order and bundles: the sample must not change."""
    turns = [facts("full_refusal", turn=f"s{i}") for i in range(n_suspects)]
    turns += [facts("partial_refusal", risk="harmful", turn=f"r{i}") for i in range(n_refused)]
    turns += [facts("compliance", turn=f"c{i}") for i in range(5)]
    fn = SampleRefusalsFn(k)

    def sample(order, n_parts):
        accs = [fn.create_accumulator() for _ in range(n_parts)]
        for i, f in enumerate(order):
            accs[i % n_parts] = fn.add_input(accs[i % n_parts], f)
        out = fn.extract_output(fn.merge_accumulators(accs))
        return {r: (n, [c.turn_id for c in kept]) for r, (n, kept) in out.items()}

    shuffled = turns[:]
    random.Random(seed).shuffle(shuffled)
    first, again = sample(turns, 1), sample(shuffled + shuffled[: len(shuffled) // 3], parts)  # with duplicates
    assert first["over_refusal_suspect"][1] == again["over_refusal_suspect"][1]
    assert first["refusal"][1] == again["refusal"][1]
    assert first["over_refusal_suspect"][0] == n_suspects and first["refusal"][0] == n_refused
    assert len(first["refusal"][1]) == min(k, n_refused)
    expected = sorted((f"r{i}" for i in range(n_refused)), key=lambda t: (stable_hash(t), t))[:k]
    assert first["refusal"][1] == expected


def _stamped(f: TurnFacts, second: float) -> TimestampedValue:
    if f.turn_id == "t":  # a distinct turn per element unless the test names them
        f = f._replace(turn_id=f"t{second}")
    return TimestampedValue(f, second)


def _run(stream: TestStream) -> dict:
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    return options


def _summary(row):
    # Pane timing labels differ between runners for processing-time triggers; the pane index and
    # the accumulated counts are what the landing relies on.
    return (row.pane_index, row.n_turns, row.n_full_refusal)


def test_early_late_and_too_late_panes():
    w0 = IntervalWindow(0, WINDOW)
    stream = (
        TestStream()
        .advance_watermark_to(0)
        # on time: fired as an early result once processing time moves on
        .add_elements([_stamped(facts("full_refusal"), 10), _stamped(facts(), 20)])
        .advance_processing_time(EARLY + 1)
        # more on-time data: the next early pane holds the accumulated count
        .add_elements([_stamped(facts(), 30)])
        .advance_processing_time(EARLY + 1)
        # the watermark passes the end of the window; a late turn within the allowed lateness
        .advance_watermark_to(WINDOW + 1)
        .add_elements([_stamped(facts("full_refusal"), 40)])
        .advance_processing_time(EARLY + 1)
        # too late: beyond the allowed lateness, not added to the window
        .advance_watermark_to(WINDOW + LATENESS + 1)
        .add_elements([_stamped(facts("full_refusal"), 50)])
        .advance_processing_time(EARLY + 1)
        .advance_watermark_to_infinity()
    )
    with TestPipeline(options=_run(stream)) as p:
        rows = p | stream | AggregateWindows(WINDOW, LATENESS, early_firing_seconds=EARLY)
        summaries = rows["windows"] | beam.Map(_summary)
        assert_that(
            summaries,
            equal_to_per_window({w0: [(0, 2, 1), (1, 3, 1), (2, 4, 2)]}),
        )


def test_windows_are_keyed_by_model_version_and_feature():
    stream = (
        TestStream()
        .advance_watermark_to(0)
        .add_elements([
            _stamped(facts(version="v1"), 5), _stamped(facts(version="v2"), 6),
            _stamped(facts(version="v2", feature="coding"), 7), _stamped(facts(version="v1"), WINDOW + 5),
        ])
        .advance_processing_time(EARLY + 1)
        .advance_watermark_to_infinity()
    )
    with TestPipeline(options=_run(stream)) as p:
        rows = p | stream | AggregateWindows(WINDOW, LATENESS, early_firing_seconds=10)
        keyed = rows["windows"] | beam.Map(lambda r: (r.model_version, r.feature, r.n_turns, r.window_start.timestamp()))
        assert_that(
            keyed,
            equal_to_per_window({
                IntervalWindow(0, WINDOW): [("v1", "search", 1, 0.0), ("v2", "search", 1, 0.0), ("v2", "coding", 1, 0.0)],
                IntervalWindow(WINDOW, 2 * WINDOW): [("v1", "search", 1, float(WINDOW))],
            }),
        )


def test_cue_rows_and_review_samples_per_window():
    kill = CueFact("kill", "violence", True)
    stream = (
        TestStream()
        .advance_watermark_to(0)
        .add_elements([
            _stamped(facts("full_refusal", cues=[kill], turn="a"), 5),
            _stamped(facts("compliance", cues=[kill, CueFact("shoot", "weapons", False)], turn="b"), 6),
            _stamped(facts("partial_refusal", risk="harmful", turn="c"), 7),
            _stamped(facts("full_refusal", cues=[kill], turn="d"), WINDOW + 1),
        ])
        .advance_processing_time(EARLY + 1)
        .advance_watermark_to_infinity()
    )
    with TestPipeline(options=_run(stream)) as p:
        out = p | stream | AggregateWindows(WINDOW, LATENESS, early_firing_seconds=EARLY, samples_per_window=2)
        cues = out["cues"] | "Cues" >> beam.Map(lambda r: (r.cue, r.category, r.n_prompts, r.n_refused, r.n_benign_sense,
                                                         r.n_over_refusal_suspect))
        samples = out["samples"] | "Samples" >> beam.Map(lambda r: (r.slot, r.reason, r.turn_id, r.n_candidates))
        assert_that(cues, equal_to_per_window({
            IntervalWindow(0, WINDOW): [("kill", "violence", 2, 1, 2, 1), ("shoot", "weapons", 1, 0, 0, 0)],
            IntervalWindow(WINDOW, 2 * WINDOW): [("kill", "violence", 1, 1, 1, 1)],
        }), label="CueRows")
        assert_that(samples, equal_to_per_window({
            IntervalWindow(0, WINDOW): [(0, "over_refusal_suspect", "a", 1), (2, "refusal", "c", 1)],
            IntervalWindow(WINDOW, 2 * WINDOW): [(0, "over_refusal_suspect", "d", 1)],
        }), label="SampleRows")


def test_extreme_latencies_and_the_pickled_accumulator():
    """Sub-millisecond and day-long latencies keep their histogram buckets through the packed
    accumulator, and the accumulator survives the pickling Beam encodes it with."""
    import pickle

    fn = CountTurnsFn()
    acc = fn.create_accumulator()
    for i, latency in enumerate([0.0, 0.004, 0.5, 86_400_000.0, None]):
        acc = fn.add_input(acc, facts(turn=f"t{i}", conv=f"c{i}", latency=latency))
    acc = fn.add_input(acc, facts(turn="t1", conv="c1", latency=0.004))  # a copy
    out = fn.extract_output(pickle.loads(pickle.dumps(acc)))
    assert (out["n_turns"], out["n_with_latency"], out["n_conversations"], out["n_duplicate_turns"]) == (5, 4, 5, 1)
    assert out["latency_p50_ms"] == 0.0  # zero and sub-millisecond latencies report as 0 ms
    assert out["latency_p99_ms"] == pytest.approx(86_400_000.0, rel=0.026)

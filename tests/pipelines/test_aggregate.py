"""CountTurnsFn without a runner; AggregateWindows with TestStream for on-time, early, late and
too-late data (the lateness matrix of Beam's LeaderBoardTest)."""

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.test_stream import TestStream
from apache_beam.testing.util import assert_that, equal_to_per_window
from apache_beam.transforms.window import IntervalWindow, TimestampedValue

from pipelines.aggregate import COUNT_FIELDS, AggregateWindows, CountTurnsFn
from pipelines.classify import TurnFacts

WINDOW = 300
LATENESS = 600
EARLY = 10


def facts(label="compliance", trigger=False, risk="benign", version="v1", feature="search") -> TurnFacts:
    refused = label in ("full_refusal", "partial_refusal")
    return TurnFacts("t", "c", version, feature, "d1", label, trigger, risk, refused and risk == "benign", None)


def test_count_turns_fn_counts_every_field_and_merges():
    fn = CountTurnsFn()
    a = fn.create_accumulator()
    for f in [facts("full_refusal", trigger=True), facts("compliance", trigger=True), facts("clarification"),
              facts("partial_refusal", risk="harmful")]:
        a = fn.add_input(a, f)
    b = fn.add_input(fn.create_accumulator(), facts("full_refusal", risk="ambiguous"))
    out = fn.extract_output(fn.merge_accumulators([a, b]))
    assert out == {
        "n_turns": 5, "n_full_refusal": 2, "n_partial_refusal": 1, "n_clarification": 1, "n_compliance": 1,
        "n_with_trigger": 2, "n_refused_with_trigger": 1, "n_benign_prompt": 3, "n_over_refusal_suspect": 1,
    }
    assert set(out) == set(COUNT_FIELDS)


def _stamped(f: TurnFacts, second: float) -> TimestampedValue:
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
        summaries = rows | beam.Map(_summary)
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
        keyed = rows | beam.Map(lambda r: (r.model_version, r.feature, r.n_turns, r.window_start.timestamp()))
        assert_that(
            keyed,
            equal_to_per_window({
                IntervalWindow(0, WINDOW): [("v1", "search", 1, 0.0), ("v2", "search", 1, 0.0), ("v2", "coding", 1, 0.0)],
                IntervalWindow(WINDOW, 2 * WINDOW): [("v1", "search", 1, float(WINDOW))],
            }),
        )

"""Where turns are aggregated: fixed event-time windows per (model_version, feature, detector).

``CountTurnsFn`` is a plain ``CombineFn`` (unit-testable without a runner). ``AggregateWindows``
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

from datetime import datetime, timezone

import apache_beam as beam
from apache_beam.transforms import trigger, window
from apache_beam.utils.timestamp import Duration

from pipelines.classify import TurnFacts
from schemas import WindowAggregate

__all__ = ["COUNT_FIELDS", "CountTurnsFn", "AggregateWindows", "to_window_aggregate"]

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
)
_LABEL_INDEX = {"full_refusal": 1, "partial_refusal": 2, "clarification": 3, "compliance": 4}


class CountTurnsFn(beam.CombineFn):
    """Counts of ``COUNT_FIELDS`` over TurnFacts; the accumulator is a list in that order."""

    def create_accumulator(self) -> list[int]:
        return [0] * len(COUNT_FIELDS)

    def add_input(self, acc: list[int], facts: TurnFacts) -> list[int]:
        acc[0] += 1
        acc[_LABEL_INDEX[facts.refusal_label]] += 1
        if facts.has_trigger:
            acc[5] += 1
            if facts.refused:
                acc[6] += 1
        if facts.prompt_risk == "benign":
            acc[7] += 1
        if facts.over_refusal_suspect:
            acc[8] += 1
        return acc

    def merge_accumulators(self, accumulators) -> list[int]:
        merged = self.create_accumulator()
        for acc in accumulators:
            for i, value in enumerate(acc):
                merged[i] += value
        return merged

    def extract_output(self, acc: list[int]) -> dict[str, int]:
        return dict(zip(COUNT_FIELDS, acc))


def to_window_aggregate(
    key: tuple[str, str, str], counts: dict[str, int], win: window.IntervalWindow, timing: str, index: int
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


_TIMING = {0: "EARLY", 1: "ON_TIME", 2: "LATE", 3: "UNKNOWN"}


class _ToWindowAggregateFn(beam.DoFn):
    def process(self, element, win=beam.DoFn.WindowParam, pane=beam.DoFn.PaneInfoParam):
        key, counts = element
        yield to_window_aggregate(key, counts, win, _TIMING.get(pane.timing, "UNKNOWN"), pane.index)


class AggregateWindows(beam.PTransform):
    """TurnFacts (event-time stamped) -> WindowAggregate rows, one per fired pane."""

    def __init__(self, window_seconds: int, allowed_lateness_seconds: int, early_firing_seconds: int) -> None:
        super().__init__()
        self.window_seconds = window_seconds
        self.allowed_lateness_seconds = allowed_lateness_seconds
        self.early_firing_seconds = early_firing_seconds

    def expand(self, facts):
        return (
            facts
            | "WindowByEventTime" >> beam.WindowInto(
                window.FixedWindows(self.window_seconds),
                trigger=trigger.Repeatedly(trigger.AfterProcessingTime(self.early_firing_seconds)),
                accumulation_mode=trigger.AccumulationMode.ACCUMULATING,
                allowed_lateness=Duration(seconds=self.allowed_lateness_seconds),
            )
            | "KeyByModelFeatureDetector" >> beam.Map(lambda f: ((f.model_version, f.feature, f.detector_version), f))
            | "CountPerKey" >> beam.CombinePerKey(CountTurnsFn())
            | "ToWindowAggregate" >> beam.ParDo(_ToWindowAggregateFn())
        )

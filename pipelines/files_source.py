"""Reading JSON Lines files for a backfill: the same record shape and lateness rule as the Kafka read.

Each file is read in order, as one partition whose offsets are line numbers (``topic`` is
``file:<path>``), and judged by the same ``LatenessJudge`` as a Kafka partition. A file has no
arrival times, so a line's arrival is its own event time: a turn is too late when it is more than
the allowed lateness older than the newest turn above it in the file. (For a topic whose Kafka
timestamps equal the turns' event times, that is exactly the Kafka read's decision.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.metrics import Metrics

from pipelines.kafka_source import PROGRESS, TOO_LATE, event_time_of
from pipelines.lateness import LatenessJudge
from pipelines.parse import KafkaRecord

__all__ = ["ReadJsonLinesFiles", "file_records"]


def file_records(path: Path) -> Iterator[KafkaRecord]:
    """The lines of ``path`` as records (blank lines are records too: they will be dead-lettered)."""
    topic = f"file:{path}"
    with open(path, "rb") as handle:
        for number, line in enumerate(handle):
            yield KafkaRecord(topic, 0, number, 0, None, line.rstrip(b"\r\n"))


class _ReadFileFn(beam.DoFn):
    def __init__(self, allowed_lateness_s: float) -> None:
        self.allowed_lateness_s = allowed_lateness_s
        self.records = Metrics.counter("file_read", "records")

    def process(self, path: str):
        judge = LatenessJudge(self.allowed_lateness_s)
        last = -1
        for record in file_records(Path(path)):
            last = record.offset
            self.records.inc()
            event_ts = event_time_of(record.value)
            if event_ts is None:  # invalid: parsing will dead-letter it; it has no window to be late for
                yield beam.window.TimestampedValue(record, judge.newest_arrival or 0.0)
                continue
            behind = judge.judge(event_ts, event_ts)
            if behind is not None:
                yield pvalue.TaggedOutput(TOO_LATE, (record, behind))
            else:
                yield beam.window.TimestampedValue(record, event_ts)
        yield pvalue.TaggedOutput(PROGRESS, (f"file:{path}", 0, 0, last + 1))


class ReadJsonLinesFiles(beam.PTransform):
    """JSON Lines files -> {"records", "too_late", "progress"}, shaped like ReadFromKafkaPartitions."""

    def __init__(self, paths: list[Path], allowed_lateness_s: float) -> None:
        super().__init__()
        missing = [str(p) for p in paths if not Path(p).is_file()]
        if missing:
            from schemas import ConfigurationError

            raise ConfigurationError(f"no such file: {', '.join(missing)}")
        self.paths = [str(Path(p).resolve()) for p in paths]
        self.allowed_lateness_s = allowed_lateness_s

    def expand(self, pbegin):
        read = (
            pbegin
            | "ListFiles" >> beam.Create(self.paths)
            | "ReadFile" >> beam.ParDo(_ReadFileFn(self.allowed_lateness_s)).with_outputs(TOO_LATE, PROGRESS, main="records")
        )
        return {"records": read.records, "too_late": read[TOO_LATE], "progress": read[PROGRESS]}

from apache_beam.io.restriction_trackers import OffsetRange

from pipelines.kafka_source import _UNBOUNDED, _PartitionTracker, next_watermark
from pipelines.streaming import source_holdback_seconds, window_lateness_seconds
from schemas import Settings

NOW = 1_000_000.0


def test_watermark_trails_the_newest_message_by_the_holdback():
    assert next_watermark(None, NOW - 100, caught_up=False, now=NOW, holdback_s=60) == NOW - 160


def test_watermark_never_moves_back():
    assert next_watermark(NOW - 50, NOW - 100, caught_up=False, now=NOW, holdback_s=60) is None


def test_caught_up_partition_advances_with_the_wall_clock():
    # an idle partition (no new message) still moves on, so it cannot stall other partitions
    assert next_watermark(NOW - 500, None, caught_up=True, now=NOW, holdback_s=60) == NOW - 60
    # while reading a backlog (not caught up) and with nothing new, it stays put
    assert next_watermark(NOW - 500, None, caught_up=False, now=NOW, holdback_s=60) is None


def test_open_range_splits_only_at_the_current_position():
    tracker = _PartitionTracker(OffsetRange(10, _UNBOUNDED))
    assert tracker.try_claim(10)
    assert tracker.try_split(0.5) is None  # a runner-initiated midpoint split of an open range
    primary, residual = tracker.try_split(0)  # a checkpoint
    assert (primary.start, primary.stop, residual.start, residual.stop) == (10, 11, 11, _UNBOUNDED)


def test_bounded_range_splits_normally():
    tracker = _PartitionTracker(OffsetRange(0, 100))
    assert tracker.try_claim(0)
    primary, residual = tracker.try_split(0.5)
    assert primary.stop == residual.start and 0 < residual.start < 100


def test_lateness_lives_at_the_source_on_the_python_path_and_in_the_windows_on_xlang():
    python = Settings(allowed_lateness_seconds=3600)
    xlang = Settings(allowed_lateness_seconds=3600, kafka_read_path="xlang")
    assert (source_holdback_seconds(python), window_lateness_seconds(python)) == (3600.0, 0)
    assert window_lateness_seconds(xlang) == 3600


def test_event_time_is_read_from_the_raw_message():
    from pipelines.kafka_source import event_time_of

    assert event_time_of(b'{"turn_id": "a", "timestamp": "2026-11-20T10:00:00+00:00"}') == 1795168800.0
    assert event_time_of(b'{"timestamp":"2026-11-20T10:00:00Z"}') == 1795168800.0
    assert event_time_of(b'{"timestamp": "2026-11-20T11:00:00+01:00"}') == 1795168800.0
    # no timezone, no field, not JSON at all: the read falls back to the Kafka timestamp
    assert event_time_of(b'{"timestamp": "2026-11-20T10:00:00"}') is None
    assert event_time_of(b'{"turn_id": "a"}') is None
    assert event_time_of(b"\x89PNG\r\n") is None and event_time_of(None) is None

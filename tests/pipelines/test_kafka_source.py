from apache_beam.io.restriction_trackers import OffsetRange

from pipelines.kafka_source import _UNBOUNDED, _PartitionTracker
from pipelines.lateness import IDLE_GRACE_S, LatenessJudge
from pipelines.streaming import source_lateness_seconds, window_lateness_seconds
from schemas import Settings

NOW = 1_000_000.0


def test_a_turn_older_than_the_lateness_behind_the_newest_arrival_is_too_late():
    judge = LatenessJudge(60)
    assert judge.judge(arrival_s=NOW, event_s=NOW - 10) is None
    assert judge.judge(arrival_s=NOW + 5, event_s=NOW - 50) is None  # 55 s behind: within 60
    assert judge.judge(arrival_s=NOW + 5, event_s=NOW - 56) == NOW + 5 - 60
    # an older arrival (out-of-order Kafka timestamps) does not pull the threshold back
    assert judge.judge(arrival_s=NOW - 30, event_s=NOW - 56) == NOW + 5 - 60


def test_the_judgement_does_not_depend_on_batching_or_resumption():
    """A replay (after a crash) or a backfill must decide every turn as the first run did."""
    arrivals = [(NOW + i, NOW + i - (90 if i % 7 == 0 else 5)) for i in range(50)]
    one = LatenessJudge(60)
    whole = [one.judge(a, e) for a, e in arrivals]
    resumed, state, decisions = None, (None, None), []
    for start in range(0, 50, 8):  # polls of 8, each resumed from the checkpointed state
        resumed = LatenessJudge(60, state)
        decisions += [resumed.judge(a, e) for a, e in arrivals[start:start + 8]]
        resumed.watermark(now_s=NOW + start, caught_up=False)
        state = resumed.state
    assert decisions == whole
    assert sum(d is not None for d in whole) == 8  # i = 0, 7, ..., 49: 90 s behind, 30 s too late


def test_watermark_holds_for_the_turns_just_emitted_and_never_moves_back():
    judge = LatenessJudge(60)
    judge.judge(NOW, NOW - 50)
    judge.judge(NOW + 20, NOW + 20)
    # the next threshold is NOW - 40, but a turn at NOW - 50 was just emitted on time
    assert judge.watermark() == NOW - 50
    judge.judge(NOW + 21, NOW + 21)
    assert judge.watermark() == NOW + 21 - 60
    judge.judge(NOW, NOW - 10)  # an older arrival: no move back
    assert judge.watermark() == NOW + 21 - 60


def test_caught_up_partition_advances_with_the_wall_clock():
    # an idle partition moves on with the clock, so it cannot stall the windows of other partitions
    judge = LatenessJudge(60)
    judge.judge(NOW - 500, NOW - 500)
    judge.watermark()
    assert judge.watermark(now_s=NOW, caught_up=True) == NOW - 60 - IDLE_GRACE_S
    # while reading a backlog (not caught up) it stays put
    judge2 = LatenessJudge(60, (NOW - 500, NOW - 560))
    assert judge2.watermark(now_s=NOW, caught_up=False) == NOW - 560
    # a record that then arrives with an old Kafka timestamp is judged against the advanced watermark
    assert judge.judge(NOW - 400, NOW - 400) == NOW - 60 - IDLE_GRACE_S


def test_open_range_splits_only_at_the_current_position():
    tracker = _PartitionTracker(OffsetRange(10, _UNBOUNDED))
    assert tracker.try_claim(10)
    assert tracker.try_split(0.5) is None  # a runner-initiated midpoint split of an open range
    primary, residual = tracker.try_split(0)  # a checkpoint
    assert (primary.start, primary.stop, residual.start, residual.stop) == (10, 11, 11, _UNBOUNDED)


def test_bounded_range_is_not_split_either():
    """One reader per partition, in order: the lateness rule depends on everything before a record."""
    tracker = _PartitionTracker(OffsetRange(0, 100))
    assert tracker.try_claim(0)
    assert tracker.try_split(0.5) is None
    primary, residual = tracker.try_split(0)
    assert (primary.stop, residual.start, residual.stop) == (1, 1, 100)


def test_lateness_lives_at_the_source_on_the_python_path_and_in_the_windows_on_xlang():
    python = Settings(allowed_lateness_seconds=3600)
    xlang = Settings(allowed_lateness_seconds=3600, kafka_read_path="xlang")
    assert (source_lateness_seconds(python), window_lateness_seconds(python)) == (3600.0, 0)
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

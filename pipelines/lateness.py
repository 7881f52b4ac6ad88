"""When is a turn too late? A rule that depends only on the order of records in their partition.

Effectively-once needs a replay to make the same decisions as the first run: after a crash the
job re-reads the topic, and a backfill reads it again later, and both must put every turn in the
same place (a window or the too-late table). So the rule cannot depend on the wall clock or on how
records happened to be batched. It is:

    a turn is too late when its event time is more than ``allowed_lateness`` older than the
    newest arrival time (Kafka timestamp) seen so far in its partition, itself included.

``LatenessJudge`` applies it record by record and also says which watermark the reader may
report to Beam: never past a turn it has just emitted as on time (the watermark holds for
them), so Beam never drops one of ours as late behind our back.

The one exception is an idle partition: its watermark follows the wall clock (minus the
lateness and a grace period) so it cannot stall the windows of the others. A record that then
arrives with a Kafka timestamp older than that (a producer clock more than the grace behind) is
judged against the advanced watermark instead, and counted as too late with that watermark, so
even then nothing is dropped silently; only such records can be judged differently on a replay.
"""

from __future__ import annotations

__all__ = ["IDLE_GRACE_S", "LatenessJudge"]

#: How far behind (wall clock - lateness) an idle partition's watermark stays.
IDLE_GRACE_S = 30.0


class LatenessJudge:
    """The too-late rule and the watermark for one partition, fed records in offset order."""

    def __init__(self, allowed_lateness_s: float, state: tuple[float | None, float | None] = (None, None)) -> None:
        self.allowed_lateness_s = float(allowed_lateness_s)
        self.newest_arrival, self._floor = state  # _floor: the watermark already reported
        self._batch_hold: float | None = None  # oldest on-time event time emitted since the last report

    @property
    def state(self) -> tuple[float | None, float | None]:
        """What a checkpoint must keep so that a resumed read judges exactly as this one would."""
        return self.newest_arrival, self._floor

    @property
    def reported(self) -> float | None:
        """The watermark last reported (epoch s), or None before the first."""
        return self._floor

    def judge(self, arrival_s: float, event_s: float) -> float | None:
        """None when the turn is on time; otherwise the threshold (epoch s) it is behind."""
        if self.newest_arrival is None or arrival_s > self.newest_arrival:
            self.newest_arrival = arrival_s
        threshold = self.newest_arrival - self.allowed_lateness_s
        if self._floor is not None and self._floor > threshold:
            threshold = self._floor
        if event_s < threshold:
            return threshold
        if self._batch_hold is None or event_s < self._batch_hold:
            self._batch_hold = event_s
        return None

    def watermark(self, now_s: float | None = None, caught_up: bool = False) -> float | None:
        """The watermark to report after the records judged so far (never moves back).

        It is the threshold the next record will be judged against, held back to the oldest
        on-time turn emitted since the last report; when the partition is caught up it also
        advances with the wall clock (``now_s``) so an idle partition does not stall the others.
        """
        candidate = None if self.newest_arrival is None else self.newest_arrival - self.allowed_lateness_s
        if caught_up and now_s is not None:
            idle = now_s - self.allowed_lateness_s - IDLE_GRACE_S
            candidate = idle if candidate is None else max(candidate, idle)
        if candidate is not None and self._batch_hold is not None:
            candidate = min(candidate, self._batch_hold)
        self._batch_hold = None
        if candidate is None or (self._floor is not None and candidate <= self._floor):
            return self._floor
        self._floor = candidate
        return candidate

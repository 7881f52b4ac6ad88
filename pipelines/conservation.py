"""Conservation: every record read is counted exactly once: as a turn, a dead letter, too late,
or a duplicate of a turn already counted.

    read (source_progress: next_offset - start_offset per partition)
      = aggregated (sum of refusal_windows.n_turns)
      + dead-lettered (dead_letters rows)
      + too late (too_late_turns rows)
      + duplicates (sum of refusal_windows.n_duplicate_turns: copies of a turn id already counted)

While the pipeline runs, the difference is what is in flight (read but not yet landed: at most a
few early-firing intervals' worth); once it has caught up and fired, the difference must be zero.
``refusal-monitor conservation`` prints the balance and exits 1 when it does not hold.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from pipelines.store import open_snapshot

__all__ = ["Balance", "balance"]


@dataclass(frozen=True)
class Balance:
    read: int
    aggregated: int
    dead_lettered: int
    too_late: int
    duplicates: int = 0

    @property
    def unaccounted(self) -> int:
        """Read but in none of the four places (in flight while running; must end at zero)."""
        return self.read - self.aggregated - self.dead_lettered - self.too_late - self.duplicates

    @property
    def holds(self) -> bool:
        return self.unaccounted == 0

    def to_dict(self) -> dict[str, int | bool]:
        return {**asdict(self), "unaccounted": self.unaccounted, "holds": self.holds}


def balance(snapshot: Path) -> Balance:
    """The store's conservation balance, read from one consistent snapshot."""
    con = open_snapshot(snapshot)
    try:
        row = con.execute(
            """
            SELECT (SELECT coalesce(sum(next_offset - start_offset), 0) FROM source_progress),
                   (SELECT coalesce(sum(n_turns), 0) FROM refusal_windows),
                   (SELECT count(*) FROM dead_letters),
                   (SELECT count(*) FROM too_late_turns),
                   (SELECT coalesce(sum(n_duplicate_turns), 0) FROM refusal_windows)
            """
        ).fetchone()
    finally:
        con.close()
    return Balance(*(int(v) for v in row))

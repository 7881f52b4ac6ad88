"""``refusal-monitor sql``: read-only queries against the published snapshot of the store."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import duckdb

from pipelines.store import open_snapshot
from schemas import ConfigurationError

__all__ = ["run_query", "format_table"]


def run_query(snapshot: Path, query: str, params: Sequence[Any] | None = None) -> tuple[list[str], list[tuple]]:
    """Column names and rows of ``query``; a SQL error becomes a ConfigurationError with DuckDB's message."""
    con = open_snapshot(snapshot)
    try:
        cursor = con.execute(query, params or [])
        columns = [d[0] for d in cursor.description] if cursor.description else []
        return columns, cursor.fetchall() if columns else []
    except duckdb.Error as exc:
        raise ConfigurationError(f"query failed: {exc}") from None
    finally:
        con.close()


def format_table(columns: list[str], rows: list[tuple]) -> str:
    """A plain aligned text table (with a row count) for a terminal."""
    if not columns:
        return "(no result set)"
    cells = [[("NULL" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = lambda vals: "  ".join(v.ljust(w) for v, w in zip(vals, widths)).rstrip()  # noqa: E731
    out = [line(columns), line(["-" * w for w in widths])] + [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)

import duckdb
import pytest

from schemas import TABLES, WindowAggregate, create_table_sql
from tests.conftest import utc


def _row(**kw) -> WindowAggregate:
    base = dict(
        window_start=utc(2026, 11, 20, 10, 0), window_end=utc(2026, 11, 20, 10, 5), model_version="v1",
        feature="search", detector_version="d1", n_turns=3, n_full_refusal=1, n_partial_refusal=0,
        n_clarification=0, n_compliance=2, n_with_trigger=1, n_refused_with_trigger=1, n_benign_prompt=3,
        n_over_refusal_suspect=1, n_benign_with_trigger=1, n_suspect_with_trigger=1, n_conversations=2,
        pane_timing="EARLY", pane_index=0, updated_at=utc(2026, 11, 20, 10, 1),
    )
    base.update(kw)
    return WindowAggregate(**base)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_ddl_creates_table_with_every_model_field(table):
    con = duckdb.connect()
    con.execute(create_table_sql(table))
    columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    model, _ = TABLES[table]
    assert columns == list(model.model_fields)


def test_primary_key_rejects_duplicate_window_key():
    con = duckdb.connect()
    con.execute(create_table_sql("refusal_windows"))
    cols = list(WindowAggregate.model_fields)
    insert = f"INSERT INTO refusal_windows VALUES ({', '.join('?' for _ in cols)})"
    con.execute(insert, [getattr(_row(), c) for c in cols])
    with pytest.raises(duckdb.ConstraintException):
        con.execute(insert, [getattr(_row(n_turns=5), c) for c in cols])


def test_negative_counts_are_rejected():
    with pytest.raises(ValueError, match="n_turns"):
        _row(n_turns=-1)

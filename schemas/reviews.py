"""A reviewer's verdict on one sampled turn, the ground truth behind measured detector precision.

The dashboard's Review page writes these rows to its own DuckDB file (``RM_REVIEWS_STORE_PATH``,
default RM_HOME/reviews.duckdb): the aggregate store has one writer, the pipeline, so labels never
go there. The sample's key columns and detector label are copied in, so precision per class and
version needs no join back to the (replaceable) ``review_samples`` rows.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from schemas.aggregates import model_table_sql  # the one annotation -> DuckDB type mapping

__all__ = ["ReviewLabel", "Verdict", "REVIEWS_TABLE", "REVIEWS_KEY", "create_reviews_table_sql"]

Verdict = Literal["correct", "wrong"]


class ReviewLabel(BaseModel):
    """One verdict; a row of ``review_labels``. A reviewer who labels a turn again replaces it."""

    model_config = ConfigDict(frozen=True)

    turn_id: str
    reviewer: str = Field(min_length=1, max_length=100, description="Who judged (free text, e.g. an email).")
    verdict: Verdict = Field(description="Whether the detector's refusal_label is right for this turn.")
    reviewed_at: AwareDatetime
    refusal_label: str = Field(description="The detector's class that was judged, e.g. 'full_refusal'.")
    reason: str = Field(description="Why the turn was sampled: 'refusal' or 'over_refusal_suspect'.")
    model_version: str
    feature: str
    detector_version: str
    window_start: AwareDatetime
    note: str | None = Field(default=None, max_length=2000, description="Optional free-text comment.")


REVIEWS_TABLE = "review_labels"
REVIEWS_KEY = ("turn_id", "reviewer")


def create_reviews_table_sql() -> str:
    """DDL of ``review_labels``, derived from ``ReviewLabel``."""
    return model_table_sql(REVIEWS_TABLE, ReviewLabel, REVIEWS_KEY)

"""What every page shares: settings and paths, the cached query layer, the sidebar filters and
the auto-refresh.

Pages call ``load(queries.some_query, path, ...)``: it runs the query through ``st.cache_data``
with a TTL of ``REFRESH_SECONDS`` and keys it on the snapshot file's modification time too, so a
newly published snapshot is read at the next refresh and an unchanged one is not queried again.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import streamlit as st

from dashboards import queries
from dashboards.queries import Filters
from dashboards.reviews import reviews_path
from pipelines.quality.paths import quality_snapshot_path  # plain paths: no Kafka, no Great Expectations
from pipelines.store import SnapshotMissingError
from schemas import Settings

__all__ = [
    "REFRESH_SECONDS",
    "settings",
    "store_snapshot",
    "alerts_snapshot",
    "quality_snapshot",
    "reviews_file",
    "load",
    "sidebar_filters",
    "current_filters",
    "live",
    "waiting_for_data",
    "pct",
    "interval",
    "show_chart",
    "review_link",
]

REFRESH_SECONDS = 10

RANGES: dict[str, timedelta | None] = {
    "All data": None,
    "Last hour": timedelta(hours=1),
    "Last 24 hours": timedelta(days=1),
    "Last 7 days": timedelta(days=7),
    "Last 30 days": timedelta(days=30),
    "Custom dates": None,
}


def settings() -> Settings:
    return Settings()


def store_snapshot() -> Path:
    return settings().snapshot_file.resolve()


def alerts_snapshot() -> Path:
    return queries.alerts_snapshot_path(settings()).resolve()


def quality_snapshot() -> Path:
    return quality_snapshot_path(settings()).resolve()


def reviews_file() -> Path:
    return reviews_path(settings()).resolve()


@st.cache_data(ttl=REFRESH_SECONDS, show_spinner=False)
def _cached(name: str, args: tuple, kwargs: tuple, stamp: int) -> Any:
    return getattr(queries, name)(*args, **dict(kwargs))


def load(query: Callable[..., Any], path: Path, *args: Any, **kwargs: Any) -> Any:
    """``query(path, *args, **kwargs)`` through the cache (raises SnapshotMissingError as the query does)."""
    if query.__name__ not in queries.__all__ or getattr(queries, query.__name__) is not query:
        raise ValueError(f"{query.__name__} is not a query of dashboards.queries")
    try:
        stamp = Path(path).stat().st_mtime_ns
    except FileNotFoundError:
        stamp = 0
    return _cached(query.__name__, (Path(path), *args), tuple(sorted(kwargs.items())), stamp)


def _utc_day(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=timezone.utc)


def sidebar_filters() -> Filters:
    """Draw the filters (time range, feature, model version) in the sidebar; the widgets are keyed,
    so the selection survives switching pages. Returns and remembers the selection."""
    snapshot = store_snapshot()
    try:
        feature_options = load(queries.features, snapshot)
        version_options = load(queries.model_versions, snapshot)
        lo, hi = load(queries.store_extent, snapshot)
    except SnapshotMissingError:
        feature_options, version_options, lo, hi = [], [], None, None
    with st.sidebar:
        st.header("Filters")
        choice = st.selectbox("Time range", list(RANGES), key="f_range",
                              help="relative to the latest window in the store")
        start = end = None
        if choice == "Custom dates":
            default = ((lo or datetime.now(timezone.utc)).date(), (hi or datetime.now(timezone.utc)).date())
            picked = st.date_input("From / to (UTC days)", value=default, key="f_dates")
            if isinstance(picked, (tuple, list)) and len(picked) == 2:
                start, end = _utc_day(picked[0]), _utc_day(picked[1]) + timedelta(days=1)
        elif RANGES[choice] is not None and hi is not None:
            start = hi - RANGES[choice]
        feats = st.multiselect("Feature", feature_options, key="f_features", help="empty = all features")
        versions = st.multiselect("Model version", version_options, key="f_versions", help="empty = all versions")
        st.caption(f"refreshes every {REFRESH_SECONDS}s from the published snapshot")
    selection = Filters(start=start, end=end, features=tuple(feats), model_versions=tuple(versions))
    st.session_state["rm_filters"] = selection
    return selection


def current_filters() -> Filters:
    """The selection the sidebar made in this run (no restriction if a page runs on its own)."""
    return st.session_state.get("rm_filters", Filters())


def live(body: Callable[[], None]) -> None:
    """Run a page body as a fragment that reruns every REFRESH_SECONDS while the page is open."""
    st.fragment(run_every=REFRESH_SECONDS)(body)()


def show_chart(chart: Any, width: str = "stretch") -> None:
    """``st.altair_chart`` with an explicit element height: without one, a chart with a discrete y
    axis collapses to a sliver when it is stretched to the container's width."""
    plot_height = getattr(chart, "height", None)
    if isinstance(plot_height, int):
        st.altair_chart(chart, width=width, height=plot_height + 110)  # + title, x axis and its label
    else:
        st.altair_chart(chart, width=width)


def review_link() -> None:
    """A link to the Review page, which shows the sampled turns behind the same selection."""
    st.page_link("app_pages/review.py", label="Review the sampled turns behind these numbers")


def waiting_for_data(exc: Exception) -> None:
    st.info(f"Waiting for data. {exc}")


def pct(value: float | None, signed: bool = False) -> str:
    if value is None or value != value:  # NaN
        return "–"
    return f"{value:+.1%}" if signed else f"{value:.1%}"


def interval(low: float | None, high: float | None, signed: bool = False) -> str:
    return f"[{pct(low, signed)}, {pct(high, signed)}]"

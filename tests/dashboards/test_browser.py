"""The real thing in a real browser: `refusal-monitor dashboard` serves the known store on a free
127.0.0.1 port (a subprocess, stopped by its PID), headless Chromium (Debian's /usr/bin/chromium,
driven by Playwright; `playwright install` is never run) loads every page, and the test checks
that the charts rendered, no exception is shown, and saves a screenshot of each page under the
test's tmp folder (``<tmp_path>/screenshots``)."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from infra.processes import free_port, port_open, spawn_detached, stop_pid

pytestmark = pytest.mark.integration

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# url path -> (a text the page shows once its data is drawn, charts expected); "" is the default
# page, Overview (its url_path is not served as /overview).
PAGES = {
    "": ("Conservation (whole store)", 5),
    "upgrade": ("Change, mix-adjusted", 2),
    "triggers": ("Rising since the previous version", 3),
    "over-refusal": ("Over-refusal of benign prompts, v2", 1),
    "alerts": ("Data quality", 0),
    "review": ("Sampled turns", 0),
    "report": ("Write weekly report", 0),
}


@pytest.fixture
def dashboard_url(known_store, tmp_path):
    """`refusal-monitor dashboard` on a free port over the known store; stopped by its PID afterwards."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make install` installs Debian's chromium package"
    port = free_port()
    cli = Path(sys.executable).with_name("refusal-monitor")
    log = tmp_path / "dashboard.log"
    proc = spawn_detached([str(cli), "dashboard", "--port", str(port)], log, tmp_path / "dashboard.pid", env=dict(os.environ))
    try:
        deadline = time.monotonic() + 90
        while not port_open("127.0.0.1", port):
            assert proc.poll() is None, f"the dashboard exited early:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"the dashboard did not listen on {port}:\n{log.read_text()}"
            time.sleep(0.5)
        yield f"http://127.0.0.1:{port}"
    finally:
        assert stop_pid(proc.pid, None, timeout_s=20), "the dashboard did not stop"
        proc.wait(timeout=10)
    assert not port_open("127.0.0.1", port)


def _publish_one_more_dead_letter(home: Path) -> None:
    """What the pipeline does: change its own file, then swap a fresh snapshot in atomically."""
    import duckdb

    store = home / "store.duckdb"
    con = duckdb.connect(str(store))
    con.execute("INSERT INTO dead_letters SELECT source_topic, source_partition, 99, error_field, reason, raw_excerpt, "
                "raw_size, received_at FROM dead_letters LIMIT 1")
    con.close()
    tmp = home / "store.snapshot.duckdb.tmp"
    shutil.copyfile(store, tmp)
    os.replace(tmp, home / "store.snapshot.duckdb")


def _settle(page, text: str, charts: int) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=60_000)
    if charts:
        page.wait_for_function(
            """n => Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]'))
                    .filter(c => { const g = c.querySelector('canvas, svg');
                                   return g && g.getBoundingClientRect().width > 50; }).length >= n""",
            arg=charts, timeout=60_000)
    # Wait for the run to finish (the status widget runs and elements of the previous run are marked
    # stale, dimmed, until it does), then let the last chart finish drawing before the screenshot.
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidgetRunningIcon"], '
                 + '[data-testid="stStatusWidgetRunningManIcon"], [data-stale="true"]')""", timeout=60_000)
    page.wait_for_timeout(800)


def _no_error_shown(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator('[data-testid="stException"]').first.inner_text()
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "Waiting for data" not in body and "Page not found" not in body


def test_every_page_renders_in_chromium(dashboard_url, known_store, tmp_path):
    from playwright.sync_api import sync_playwright

    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            for path, (text, charts) in PAGES.items():
                page.goto(f"{dashboard_url}/{path}", wait_until="domcontentloaded")
                _settle(page, text, charts)
                _no_error_shown(page)
                assert page.locator('[data-testid="stVegaLiteChart"]').count() >= charts
                assert page.locator('[data-testid="stSidebarNavLink"]').count() == len(PAGES)
                page.screenshot(path=str(shots / f"{path or 'overview'}.png"), full_page=True)

            # Overview: the conservation numbers are on the page.
            page.goto(f"{dashboard_url}/", wait_until="domcontentloaded")
            _settle(page, "Conservation (whole store)", 5)
            metrics = page.locator('[data-testid="stMetric"]').all_inner_texts()
            assert any("Read" in m and "406" in m for m in metrics), metrics

            # Auto-refresh: the pipeline publishes a new snapshot (one more dead letter); the open
            # page shows it without a reload.
            _publish_one_more_dead_letter(known_store.home)
            page.wait_for_function(
                """() => Array.from(document.querySelectorAll('[data-testid="stMetric"]'))
                        .some(m => m.innerText.includes('Dead-lettered') && m.innerText.includes('4'))""",
                timeout=60_000)

            # Review: label a turn as a reviewer would; the precision chart appears.
            page.goto(f"{dashboard_url}/review", wait_until="domcontentloaded")
            _settle(page, "Sampled turns", 0)
            assert page.locator("mark").count() >= 3  # evidence highlighted, the redacted turn included
            page.get_by_placeholder("your name or email").fill("browser-test")
            page.get_by_placeholder("your name or email").press("Enter")
            page.get_by_role("button", name="Correct").first.wait_for(state="visible")
            page.wait_for_function("() => !Array.from(document.querySelectorAll('button'))"
                                   ".find(b => b.innerText.trim() === 'Correct').disabled", timeout=30_000)
            page.get_by_role("button", name="Correct").first.click()
            _settle(page, "Measured detector precision", 1)
            _no_error_shown(page)
            page.screenshot(path=str(shots / "review-labelled.png"), full_page=True)

            # Weekly report: the button writes the report.
            page.goto(f"{dashboard_url}/report", wait_until="domcontentloaded")
            _settle(page, "Write weekly report", 0)
            page.get_by_role("button", name="Write weekly report").click()
            page.get_by_text("wrote ", exact=False).first.wait_for(timeout=60_000)
            _no_error_shown(page)
            page.screenshot(path=str(shots / "report-written.png"), full_page=True)
        finally:
            browser.close()
    assert (known_store.home / "reports" / "refusal-monitor-2026-W47.html").exists()
    from dashboards.reviews import ReviewStore

    labels = ReviewStore(known_store.home / "reviews.duckdb").labels()
    assert labels["reviewer"].tolist() == ["browser-test"]
    print(f"screenshots: {shots}")

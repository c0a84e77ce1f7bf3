"""A short run of the load test (bench/load_test.py): concurrent sessions keep their own state."""

from __future__ import annotations

import pytest

from tools.browser import launch_chromium, skip_without_chromium, streamlit_server

skip_without_chromium()

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.load_test import run  # noqa: E402

pytestmark = pytest.mark.browser


def test_concurrent_sessions_each_see_their_own_rings() -> None:
    with streamlit_server() as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        report = run(server, browser, sessions=4, seconds=10.0)
        browser.close()
    assert report.failures == []
    assert report.moves >= 8
    # memory held by the sessions is given back: at most half the growth remains
    growth = report.rss_peak_mib - report.rss_baseline_mib
    assert report.rss_after_mib <= report.rss_baseline_mib + 0.5 * growth + 20

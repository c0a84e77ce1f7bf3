"""Benchmark: slider latency (key press -> repainted map) and first paint, in headless Chromium.

Compares mapviz with N synthetic strikes (MAPVIZ_SYNTHETIC_STRIKES=N) against a minimal
Streamlit + pydeck app with one ring (bench/minimal_app.py), all measured in this one run.

Run: `.venv/bin/python bench/bench_slider.py [N ...]` (default 1000 10000 100000). Prints a
Markdown table for docs/BENCHMARKS.md.

Definitions (the same for every app):
- first paint: from navigation start to the second animation frame after the last websocket
  message or fetched file of the initial load (so a layer fetched as a static file counts);
  measured in a fresh browser context (empty HTTP cache) after one warm-up load, so the server's
  caches are warm, and also on the very first load (cold).
- slider latency: from the key press (ArrowRight on the focused "Max range (km)" slider, so
  every press asks for a radius not drawn before and no cache of either app can answer) to the
  second animation frame after the last websocket message or fetched file of the rerun it
  caused (`tools.browser.wait_for_quiet` first waits for a message after the key press).
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright

from tools.browser import (
    ROOT,
    close_app,
    last_key_ms,
    last_paint_ms,
    launch_chromium,
    open_app,
    streamlit_server,
    wait_for_quiet,
)

PRESSES = 15
FIRST_PAINTS = 3
MINIMAL_APP = ROOT / "bench" / "minimal_app.py"


def first_paint_ms(browser: Any, url: str) -> float:
    page = open_app(browser, url)
    painted = last_paint_ms(page)
    close_app(page)
    return painted


def slider_latencies_ms(browser: Any, url: str) -> list[float]:
    page = open_app(browser, url)
    widget = page.locator("[data-testid=stSlider]").filter(has_text="Max range (km)")
    thumb = widget.locator("input[type=range]")
    thumb.focus()
    latencies = []
    for _ in range(PRESSES):
        page.keyboard.press("ArrowRight")
        wait_for_quiet(page)
        latencies.append(last_paint_ms(page) - last_key_ms(page))
    close_app(page)
    return latencies


def measure(browser: Any, app: Path, env: dict[str, str]) -> dict[str, float]:
    with streamlit_server(app, env=env) as server:
        url = server.url + ("/?view=Ukraine+theatre" if app.name == "app.py" else "/")
        cold = first_paint_ms(browser, url)
        warm = statistics.median(first_paint_ms(browser, url) for _ in range(FIRST_PAINTS))
        slider = statistics.median(slider_latencies_ms(browser, url))
    return {"cold": cold, "warm": warm, "slider": slider}


def main(counts: list[int]) -> None:
    rows = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        baseline = measure(browser, MINIMAL_APP, {})
        rows.append(("minimal app, one ring (baseline)", baseline))
        for count in counts:
            result = measure(browser, ROOT / "app.py", {"MAPVIZ_SYNTHETIC_STRIKES": str(count)})
            rows.append((f"mapviz, {count:,} synthetic strikes", result))
        browser.close()
    print(
        "| app | slider latency, median ms | vs baseline | first paint (warm), median ms "
        "| vs baseline | first paint (cold) ms |"
    )
    print("|---|---|---|---|---|---|")
    for label, r in rows:
        print(
            f"| {label} | {r['slider']:.0f} | {r['slider'] / baseline['slider']:.2f}x "
            f"| {r['warm']:.0f} | {r['warm'] / baseline['warm']:.2f}x | {r['cold']:.0f} |"
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10_000, 100_000])

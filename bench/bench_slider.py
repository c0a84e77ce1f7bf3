"""Benchmark: slider latency (key press -> repainted map) and first paint, in headless Chromium.

Compares mapviz with N synthetic strikes (MAPVIZ_SYNTHETIC_STRIKES=N) against a minimal
Streamlit + pydeck app with one ring (bench/minimal_app.py), all measured in this one run.

Run: `.venv/bin/python bench/bench_slider.py [N ...]` (default 1000 10000 100000). Prints two
Markdown tables for docs/BENCHMARKS.md (about 4 minutes).

Every app runs on its own server at once; in each of 3 rounds each app in turn is opened in a
fresh browser context and its slider pressed 8 times, so a slow spell of this shared machine hits
every app alike.

Definitions (the same for every app):
- a paint: the second animation frame after a websocket message, a fetched file or a draw
  call: WebGL's (the baseline's pydeck chart), and in mapviz's map its 2D canvases' (the whole
  map); an image is drawn only once the browser has decoded it. A load or a press is measured
  once the page is quiet (`tools.browser.wait_for_quiet`), mapviz's map included.
- first paint: from navigation start to the last paint of the initial load;
  measured in a fresh browser context (empty HTTP cache) after a first load that warms the
  server's caches (that first load is reported as "cold").
- slider latency: from the key press (ArrowRight on the focused "Max range (km)" slider, so
  every press asks for a radius not drawn before and no cache of either app can answer) to the
  map's repaint: the last paint of a map draw once the page has answered the press
  (`tools.browser.wait_for_quiet` first waits for a server message after the key press, then
  for quiet). The baseline's map repaints when the server's answer arrives; mapviz's map (a
  component with its own sliders) repaints before it asks the server.
- press to page settled: from the key press to the last paint of anything (for mapviz, the
  ring counts under the map, which the server computes, are the last to change).
- the GPU's end (second table): the same two intervals, but ending when the GPU process has run
  the last frame's draws (a WebGL fence after each frame; a draw on mapviz's 2D canvases, CPU
  canvases, is done at its paint). Under software WebGL the animation
  frames after a draw can pass before the GPU process has drawn it, so this is when the map on
  screen has changed.
"""

from __future__ import annotations

import contextlib
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright

from tools.browser import (
    ROOT,
    close_app,
    last_gpu_done_ms,
    last_key_ms,
    last_map_paint_ms,
    last_paint_ms,
    launch_chromium,
    open_app,
    slider_thumb,
    streamlit_server,
    wait_for_quiet,
)

ROUNDS = 3
PRESSES = 8
MINIMAL_APP = ROOT / "bench" / "minimal_app.py"
MAPVIZ_PATH = "/?view=Ukraine+theatre"


def first_paint_ms(browser: Any, url: str) -> float:
    """Open the app in a fresh context; return its first paint (ms)."""
    page = open_app(browser, url)
    painted = last_paint_ms(page)
    close_app(page)
    return painted


@dataclass
class Times:
    """One app's measurements, in ms: to the paint and to the GPU's end of the last frame."""

    paints: list[float] = field(default_factory=list)
    paints_gpu: list[float] = field(default_factory=list)
    slider: list[float] = field(default_factory=list)
    slider_gpu: list[float] = field(default_factory=list)
    settled: list[float] = field(default_factory=list)


def load_and_press(browser: Any, url: str, times: Times, *, in_map: bool) -> None:
    """Open the app in a fresh context (empty HTTP cache); add first paint and slider times."""
    page = open_app(browser, url)
    times.paints.append(last_paint_ms(page))
    times.paints_gpu.append(last_gpu_done_ms(page))
    slider_thumb(page, "Max range (km)", in_map=in_map).focus()
    for _ in range(PRESSES):
        page.keyboard.press("ArrowRight")
        wait_for_quiet(page)
        key = last_key_ms(page)
        times.slider.append(last_map_paint_ms(page) - key)
        times.slider_gpu.append(last_gpu_done_ms(page) - key)
        times.settled.append(last_paint_ms(page) - key)
    close_app(page)


def main(counts: list[int]) -> None:
    apps: list[tuple[str, Path, dict[str, str]]] = [
        ("minimal app, one ring (baseline)", MINIMAL_APP, {}),
    ] + [
        (f"mapviz, {n:,} synthetic strikes", ROOT / "app.py", {"MAPVIZ_SYNTHETIC_STRIKES": str(n)})
        for n in counts
    ]
    with contextlib.ExitStack() as servers, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        urls = []
        cold: dict[str, float] = {}
        for label, app, env in apps:
            server = servers.enter_context(streamlit_server(app, env=env))
            in_map = app.name == "app.py"  # mapviz's sliders are in its map
            url = server.url + (MAPVIZ_PATH if in_map else "/")
            cold[label] = first_paint_ms(browser, url)
            urls.append((label, url, in_map))
        times = {label: Times() for label, _, _ in urls}
        for _ in range(ROUNDS):  # the apps take turns, so a slow spell hits them all
            for label, url, in_map in urls:
                load_and_press(browser, url, times[label], in_map=in_map)
        browser.close()
    base = times[apps[0][0]]
    print(
        "| app | slider latency, median ms (IQR) | vs baseline | first paint (warm), median ms "
        "| vs baseline | first paint (cold) ms |"
    )
    print("|---|---|---|---|---|---|")
    for label, _, _ in urls:
        t = times[label]
        q1, _, q3 = statistics.quantiles(t.slider, n=4)
        print(
            f"| {label} | {statistics.median(t.slider):.0f} ({q1:.0f}-{q3:.0f}) "
            f"| {ratio(t.slider, base.slider)} | {statistics.median(t.paints):.0f} "
            f"| {ratio(t.paints, base.paints)} | {cold[label]:.0f} |"
        )
    print()
    print(
        "| app | slider to the GPU's end, median ms | vs baseline "
        "| first paint to the GPU's end, median ms | vs baseline "
        "| press to page settled, median ms | vs baseline |"
    )
    print("|---|---|---|---|---|---|---|")
    for label, _, _ in urls:
        t = times[label]
        print(
            f"| {label} | {statistics.median(t.slider_gpu):.0f} "
            f"| {ratio(t.slider_gpu, base.slider_gpu)} | {statistics.median(t.paints_gpu):.0f} "
            f"| {ratio(t.paints_gpu, base.paints_gpu)} | {statistics.median(t.settled):.0f} "
            f"| {ratio(t.settled, base.settled)} |"
        )


def ratio(values: list[float], baseline: list[float]) -> str:
    """The ratio of two medians, as '1.23x'."""
    return f"{statistics.median(values) / statistics.median(baseline):.2f}x"


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10_000, 100_000])

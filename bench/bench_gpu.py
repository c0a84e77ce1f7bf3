"""Where the browser's time goes: GPU-process work per first load and per slider press.

Records a Chrome trace while each app (the minimal one-ring app of `bench_slider.py`, then
mapviz with N synthetic strikes) is opened in a fresh context and its "Max range (km)" slider
pressed 4 times. Under headless Chromium with software WebGL (SwiftShader), every frame the
compositor shows ends in `SkiaOutputSurfaceImplOnGpu::SwapBuffers`, which waits for all the GPU
work queued before it (WebGL draws, texture uploads, pipeline builds, compositing, the read-back
of the frame), so the swaps' durations say how long the GPU process was busy with each frame.

Run: `.venv/bin/python bench/bench_gpu.py [N]` (default 100000; about 2 minutes). Prints a
Markdown table for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright

from bench.bench_slider import MAPVIZ_PATH, MINIMAL_APP
from tools.browser import (
    ROOT,
    close_app,
    last_key_ms,
    last_paint_ms,
    launch_chromium,
    open_app,
    slider_thumb,
    streamlit_server,
    wait_for_quiet,
)

PRESSES = 4
SWAP = "SkiaOutputSurfaceImplOnGpu::SwapBuffers"
CATEGORIES = ["gpu", "viz", "toplevel"]


def swap_ms(trace: bytes) -> list[float]:
    """Return the duration (ms) of every compositor frame's swap in a Chrome trace."""
    events = json.loads(trace)["traceEvents"]
    return [e["dur"] / 1000 for e in events if e.get("name") == SWAP and e.get("ph") == "X"]


def measure(browser: Any, url: str, *, in_map: bool) -> dict[str, float]:
    """Trace one first load and PRESSES slider presses of the app at `url`."""
    browser.start_tracing(categories=CATEGORIES)
    page = open_app(browser, url)
    load = swap_ms(browser.stop_tracing())
    painted = last_paint_ms(page)
    slider_thumb(page, "Max range (km)", in_map=in_map).focus()
    latencies = []
    browser.start_tracing(categories=CATEGORIES)
    for _ in range(PRESSES):
        page.keyboard.press("ArrowRight")
        wait_for_quiet(page)
        latencies.append(last_paint_ms(page) - last_key_ms(page))
    presses = swap_ms(browser.stop_tracing())
    close_app(page)
    return {
        "first paint ms": painted,
        "load frames": len(load),
        "load GPU s": sum(load) / 1000,
        "longest load frame ms": max(load, default=0.0),
        "slider ms": statistics.median(latencies),
        "frames per press": len(presses) / PRESSES,
        "GPU ms per press": sum(presses) / PRESSES,
        "GPU ms per frame": statistics.median(presses) if presses else 0.0,
    }


def main(count: int) -> None:
    apps = [
        ("minimal app, one ring (baseline)", MINIMAL_APP, {}, "/"),
        (
            f"mapviz, {count:,} synthetic strikes",
            ROOT / "app.py",
            {"MAPVIZ_SYNTHETIC_STRIKES": str(count)},
            MAPVIZ_PATH,
        ),
    ]
    rows = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for label, app, env, query in apps:
            with streamlit_server(app, env=env) as server:
                close_app(open_app(browser, server.url + query))  # warm the server's caches
                in_map = app.name == "app.py"  # mapviz's sliders are in its map
                rows.append((label, measure(browser, server.url + query, in_map=in_map)))
        browser.close()
    columns = list(rows[0][1])
    print("| app | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for label, figures in rows:
        print(f"| {label} | " + " | ".join(_shown(figures[c]) for c in columns) + " |")


def _shown(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)

"""Profile: where a slider press's main-thread time goes, mapviz against the one-ring app.

Run under a virtual screen, as bench/bench_map.py:

    xvfb-run -a -s "-screen 0 1600x1400x24" .venv/bin/python bench/profile_press.py [N]

(N synthetic strikes, default 100000). Each app is opened in headed Chromium drawing WebGL with
Mesa's llvmpipe and its "Max range (km)" slider pressed `PRESSES` times under DevTools' sampling
profiler; prints per press: DevTools' TaskDuration and ScriptDuration, and the profiler's time by
script file (and by native work: "(program)", "(garbage collector)"), largest first.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright

from bench.bench_map import MAPVIZ_PATH, MINIMAL_APP, launch_llvmpipe, open_measured
from tools.browser import ROOT, slider_thumb, streamlit_server, wait_for_quiet

PRESSES = 6
CALM_MS = 1500
SHOWN = 12


def metrics(cdp: Any) -> dict[str, float]:
    """DevTools' Performance metrics of the page, by name."""
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}


def open_to_press(browser: Any, url: str, *, mapviz: bool) -> Any:
    """Open the app as bench_map does (the counts under the map on screen); focus its slider."""
    page, _, _ = open_measured(browser, url, mapviz=mapviz)
    if mapviz:
        page.get_by_test_id("stTable").first.evaluate("(t) => t.scrollIntoView({block: 'end'})")
        page.wait_for_timeout(500)
    slider_thumb(page, "Max range (km)", in_map=mapviz).focus()
    return page


def press(page: Any) -> None:
    """Press the focused slider's ArrowRight; return once the page is quiet and `CALM_MS` on."""
    page.keyboard.press("ArrowRight")
    wait_for_quiet(page)
    page.wait_for_timeout(CALM_MS)


def profile(browser: Any, url: str, *, mapviz: bool, functions: int) -> None:
    """Press the app's slider under the profiler; print where each press's time went.

    With `functions` > 0, also the functions with the most time of their own (self time).
    """
    page = open_to_press(browser, url, mapviz=mapviz)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 200})
    cdp.send("Performance.enable")
    before = metrics(cdp)
    cdp.send("Profiler.start")
    for _ in range(PRESSES):
        press(page)
    samples = cdp.send("Profiler.stop")["profile"]
    after = metrics(cdp)
    nodes = {node["id"]: node["callFrame"] for node in samples["nodes"]}
    by_file: collections.Counter[str] = collections.Counter()
    by_function: collections.Counter[str] = collections.Counter()
    for node, delta_us in zip(samples["samples"], samples["timeDeltas"], strict=True):
        frame = nodes[node]
        name = frame["url"].rsplit("/", 1)[-1] or frame["functionName"]
        by_file[name] += delta_us / 1000 / PRESSES
        where = f"{frame['functionName'] or '(anonymous)'} {name}:{frame['lineNumber'] + 1}"
        by_function[where] += delta_us / 1000 / PRESSES
    task, script = (
        (after[key] - before[key]) * 1000 / PRESSES for key in ("TaskDuration", "ScriptDuration")
    )
    print(f"\n{'mapviz' if mapviz else 'baseline'}: TaskDuration {task:.0f} ms, "
          f"ScriptDuration {script:.0f} ms per press")  # fmt: skip
    for name, ms in [(n, ms) for n, ms in by_file.most_common() if n != "(idle)"][:SHOWN]:
        print(f"  {ms:6.1f} ms  {name}")
    if functions:
        print("  by function (self time):")
        for name, ms in by_function.most_common(functions):
            print(f"  {ms:6.1f} ms  {name}")
    page.context.close()


def main() -> None:
    """Profile both apps in turn, `--passes` times each."""
    parser = argparse.ArgumentParser()
    parser.add_argument("strikes", nargs="?", type=int, default=100_000)
    parser.add_argument(
        "--functions", type=int, default=0, help="also show this many functions by self time"
    )
    parser.add_argument("--passes", type=int, default=2, help="profiles of each app, in turn")
    options = parser.parse_args()
    count, functions = options.strikes, options.functions
    with contextlib.ExitStack() as stack, sync_playwright() as playwright:
        baseline = stack.enter_context(streamlit_server(MINIMAL_APP, env={}))
        mapviz = stack.enter_context(
            streamlit_server(ROOT / "app.py", env={"MAPVIZ_SYNTHETIC_STRIKES": str(count)})
        )
        browser, _ = launch_llvmpipe(playwright)
        for _ in range(options.passes):
            profile(browser, baseline.url + "/", mapviz=False, functions=functions)
            profile(browser, mapviz.url + MAPVIZ_PATH, mapviz=True, functions=functions)
        browser.close()


if __name__ == "__main__":
    main()

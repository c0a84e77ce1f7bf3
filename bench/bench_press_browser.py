"""Benchmark: a slider press's main-thread CPU in the browser, this tree against a revision.

Run under a virtual screen, as bench/bench_map.py:

    xvfb-run -a -s "-screen 0 1600x1400x24" .venv/bin/python bench/bench_press_browser.py \\
        REVISION [--strikes 100000] [--rounds 4]

Three apps run at once: the one-ring pydeck app (bench/minimal_app.py), mapviz at REVISION
(checked out into a temporary git worktree, its own `src/` first on the path) and mapviz of this
tree. In each round each app in turn is opened in headed Chromium drawing WebGL with Mesa's
llvmpipe and its "Max range (km)" slider pressed `PRESSES` times; a press's CPU is DevTools'
TaskDuration (and ScriptDuration, JavaScript only) from the key to the page quiet and
`CALM_MS` on. After its presses, each page's main-thread CPU at rest (no input) is measured
over `REST_S` seconds; a press's CPU less that rate over the press's window is what the press
itself cost (a page that spends CPU at rest spends it within each press's window too). The
apps take turns so that all see the same noise; prints each app's medians over every press and
every rest, and their ratios to the one-ring app's.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright

from bench.bench_map import MAPVIZ_PATH, MINIMAL_APP, launch_llvmpipe, revision_tree
from bench.profile_press import PRESSES, metrics, open_to_press, press
from tools.browser import ROOT, streamlit_server

REST_S = 3


def presses(
    browser: Any, url: str, *, mapviz: bool
) -> tuple[list[tuple[float, float, float]], float]:
    """Return each press's CPU in ms and the page's CPU at rest in ms per second.

    A press's CPU: (TaskDuration, ScriptDuration, TaskDuration less the page's rate at rest
    over the press's window: what the press itself cost, whatever the page spends at rest).
    """
    page = open_to_press(browser, url, mapviz=mapviz)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    windows = []
    for _ in range(PRESSES):
        before = metrics(cdp)
        press(page)
        after = metrics(cdp)
        windows.append({k: after[k] - before[k] for k in after})
    before = metrics(cdp)
    page.wait_for_timeout(REST_S * 1000)
    after = metrics(cdp)
    rest = (after["TaskDuration"] - before["TaskDuration"]) / (
        after["Timestamp"] - before["Timestamp"]
    )
    page.context.close()
    out = [
        (1000 * w["TaskDuration"], 1000 * w["ScriptDuration"],
         1000 * (w["TaskDuration"] - rest * w["Timestamp"]))
        for w in windows
    ]  # fmt: skip
    return out, 1000 * rest


def main() -> None:
    """Measure the three apps in turn; print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("revision")
    parser.add_argument("--strikes", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    synthetic = {"MAPVIZ_SYNTHETIC_STRIKES": str(args.strikes)}
    names = ("one-ring pydeck app", f"mapviz at {args.revision}", "mapviz, this tree")
    got: dict[str, list[tuple[float, float, float]]] = {name: [] for name in names}
    rest: dict[str, list[float]] = {name: [] for name in names}
    with contextlib.ExitStack() as stack, sync_playwright() as playwright:
        tree = revision_tree(stack, args.revision)
        its_own = {**synthetic, "PYTHONPATH": str(tree / "src")}  # the revision's package
        servers = (
            streamlit_server(MINIMAL_APP, env={}),
            streamlit_server(tree / "app.py", env=its_own),
            streamlit_server(ROOT / "app.py", env=synthetic),
        )
        urls = {
            name: stack.enter_context(server).url + ("/" if name == names[0] else MAPVIZ_PATH)
            for name, server in zip(names, servers, strict=True)
        }
        browser, _ = launch_llvmpipe(playwright)
        for _ in range(args.rounds):
            for name, url in urls.items():
                pressed, at_rest = presses(browser, url, mapviz=name != names[0])
                got[name] += pressed
                rest[name].append(at_rest)
        browser.close()
    base = [statistics.median(x[i] for x in got[names[0]]) for i in (0, 1, 2)]
    print(f"| app ({args.strikes:,} strikes, {args.rounds} rounds of {PRESSES} presses) "
          "| main-thread CPU per press | of it JavaScript | less the page's rate at rest "
          "| at rest, per second |")  # fmt: skip
    print("|---|---|---|---|---|")
    resting = statistics.median(rest[names[0]])
    for name, values in got.items():
        task, script, own = (statistics.median(x[i] for x in values) for i in (0, 1, 2))
        idle = statistics.median(rest[name])
        print(f"| {name} | {task:.0f} ms ({task / base[0]:.2f}x) "
              f"| {script:.0f} ms ({script / base[1]:.2f}x) "
              f"| {own:.0f} ms ({own / base[2]:.2f}x) "
              f"| {idle:.0f} ms ({idle / resting:.2f}x) |")  # fmt: skip


if __name__ == "__main__":
    main()

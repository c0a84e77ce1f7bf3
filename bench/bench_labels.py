"""Benchmark: what the map's labels cost a slider press, and how many of them deck.gl draws.

The map's issue asks a press at 100,000 strikes to settle (the counts under the map up to date on
screen) within 1.5x of the minimal `st.pydeck_chart` app's rerun. This measures how much of a
press the labels take, in headed Chromium drawing WebGL with Mesa's llvmpipe, as bench_map.py
does (its functions: the screencast, the press, the settled time):

    xvfb-run -a -s "-screen 0 1600x1400x24" .venv/bin/python bench/bench_labels.py [--rounds R]

- labels: in the "Ukraine theatre" and "Kharkiv" views, how many labels deck.gl's text layer is
  given, how many have their point in the view, and how many its collision filter draws (read as
  the browser tests read them, `tools.browser.drawn_labels`), with how many of those drawn fall
  outside the 200 and the 400 highest priorities;
- the upper deck's frame: the time a `readPixels` waits after each frame the upper deck draws
  for a press (the GPU's work for that frame), 6 presses on each of R loads;
- settled: bench_map's press to page settled, main-thread CPU per press and press to rings on
  screen, R rounds of 6 presses, the baseline app in the same rounds.

"without labels" is the same page with deck.gl's `layerFilter` (set on the upper deck at run
time, the bundle unchanged) leaving the text layer out of every pass: the ring labels and the
place names are not drawn, everything else is as shipped. It is a measurement, not a mode of the
app. Prints Markdown for docs/BENCHMARKS.md.
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

from bench.bench_map import (
    MAPVIZ_PATH,
    MINIMAL_APP,
    PRESSES,
    Measured,
    launch_llvmpipe,
    map_box,
    median,
    open_measured,
    press_slider,
)
from tools.browser import (
    ROOT,
    drawn_labels,
    map_frame,
    slider_thumb,
    streamlit_server,
    wait_for_quiet,
)

STRIKES = 100_000
VIEWS = {"Ukraine theatre": MAPVIZ_PATH, "Kharkiv": "/?view=Kharkiv"}
WITHOUT_LABELS = """() => {
    window.mapviz.deck.setProps({layerFilter: ({layer}) => layer.id !== 'labels'});
    window.mapviz.frames.wake();
}"""
LABELS_GIVEN = """() => {
    const viewport = window.mapviz.deck.getViewports()[0];
    const [west, south, east, north] = viewport.getBounds();
    const labels = window.mapviz.layer('labels').props.data;
    const inView = labels.filter(
        ({p: [x, y]}) => x >= west && x <= east && y >= south && y <= north);
    return {priorities: labels.map((label) => label.pr), inView: inView.length};
}"""
FRAME_WAITS = """() => {
    // After each frame of the upper deck, a readPixels: it returns once the GPU has drawn it.
    const deck = window.mapviz.deck;
    const gl = deck.device.gl;
    const pixel = new Uint8Array(4);
    window.benchFrameWaits = [];
    deck.setProps({onAfterRender: () => {
        const start = performance.now();
        gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel);
        window.benchFrameWaits.push(performance.now() - start);
    }});
}"""


def label_counts(browser: Any, url: str) -> dict[str, int]:
    """Labels given, with their point in view, drawn, and drawn beyond the top 200 / 400."""
    page, _, _ = open_measured(browser, url, mapviz=True)
    given = map_frame(page).locator("body").evaluate(LABELS_GIVEN)
    drawn = drawn_labels(page)
    page.context.close()
    ranked = sorted(given["priorities"], reverse=True)
    ranks = [ranked.index(label["pr"]) for label in drawn]  # ties ranked first
    return {
        "given": len(ranked),
        "in view": given["inView"],
        "drawn": len(drawn),
        "drawn beyond the top 200": sum(rank >= 200 for rank in ranks),
        "drawn beyond the top 400": sum(rank >= 400 for rank in ranks),
    }


def open_variant(browser: Any, url: str, *, mapviz: bool, labels: bool) -> tuple[Any, Any]:
    """Open `url` as bench_map.py does; without labels, leave them out and wait for calm."""
    page, screen, _ = open_measured(browser, url, mapviz=mapviz)
    if not labels:
        map_frame(page).locator("body").evaluate(WITHOUT_LABELS)
        screen.wait_calm(map_box(page, in_frame=True), page)
    return page, screen


def frame_waits(browser: Any, url: str, *, labels: bool) -> list[float]:
    """The GPU's wait after each upper-deck frame of PRESSES presses (ms), one load."""
    page, _ = open_variant(browser, url, mapviz=True, labels=labels)
    body = map_frame(page).locator("body")
    body.evaluate(FRAME_WAITS)
    slider_thumb(page, "Max range (km)", in_map=True).focus()
    waits: list[float] = []
    for _ in range(PRESSES):
        body.evaluate("() => { window.benchFrameWaits = []; }")
        page.keyboard.press("ArrowRight")
        wait_for_quiet(page)
        page.wait_for_timeout(1000)
        waits.extend(body.evaluate("() => window.benchFrameWaits"))
    page.context.close()
    return waits


def pressed(browser: Any, url: str, measured: Measured, *, mapviz: bool, labels: bool) -> None:
    """One load of one app: PRESSES presses measured as bench_map.py does."""
    page, screen = open_variant(browser, url, mapviz=mapviz, labels=labels)
    press_slider(page, screen, measured, mapviz=mapviz)
    page.context.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args()
    env = {"MAPVIZ_SYNTHETIC_STRIKES": str(STRIKES)}
    with contextlib.ExitStack() as stack, sync_playwright() as playwright:
        mapviz = stack.enter_context(streamlit_server(ROOT / "app.py", env=env)).url
        baseline = stack.enter_context(streamlit_server(MINIMAL_APP)).url
        browser, renderer = launch_llvmpipe(playwright)
        counts = {name: label_counts(browser, mapviz + path) for name, path in VIEWS.items()}
        waits: dict[bool, list[float]] = {True: [], False: []}
        apps = {"baseline": Measured(), "mapviz": Measured(), "mapviz without labels": Measured()}
        for round_ in range(options.rounds):
            for labels in (True, False):
                waits[labels].append(median(frame_waits(browser, mapviz + MAPVIZ_PATH,
                                                        labels=labels)))  # fmt: skip
            pressed(browser, baseline + "/", apps["baseline"], mapviz=False, labels=True)
            pressed(browser, mapviz + MAPVIZ_PATH, apps["mapviz"], mapviz=True, labels=True)
            pressed(browser, mapviz + MAPVIZ_PATH, apps["mapviz without labels"], mapviz=True,
                    labels=False)  # fmt: skip
            print(f"round {round_ + 1}", {k: vars(v) for k, v in apps.items()}, waits,
                  file=sys.stderr)  # fmt: skip
        browser.close()
    print(f"WebGL renderer: {renderer}; {STRIKES:,} strikes\n")
    names = list(next(iter(counts.values())))
    print("| view | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for view, row in counts.items():
        print(f"| {view} | " + " | ".join(f"{row[name]:,}" for name in names) + " |")
    print()
    print("| upper deck | GPU wait after its frame, per load (median of its presses) |")
    print("|---|---|")
    for labels, per_load in waits.items():
        loads = ", ".join(f"{wait:.0f} ms" for wait in per_load)
        print(f"| {'as shipped' if labels else 'without labels'} | {loads} |")
    print()
    base = apps["baseline"]
    print("| app | press to page settled (quartiles) | main-thread CPU per press "
          "| press to rings on screen |")  # fmt: skip
    print("|---|---|---|---|")
    for name, m in apps.items():
        cells: list[str] = []
        for mine, theirs in ((m.settled, base.settled), (m.cpu, base.cpu), (m.rings, base.rings)):
            cells.append(f"{median(mine):.0f} ms ({median(mine) / median(theirs):.2f}x)")
        low, _, high = statistics.quantiles(m.settled, n=4)
        cells[0] += f" ({low:.0f}-{high:.0f} ms)"
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()

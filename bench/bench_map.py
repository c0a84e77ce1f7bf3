"""Benchmark: the map as a person sees it, in headed Chromium drawing WebGL with Mesa's llvmpipe.

Compares mapviz with N synthetic strikes (MAPVIZ_SYNTHETIC_STRIKES=N) against the minimal
Streamlit + `st.pydeck_chart` one-ring app (bench/minimal_app.py), measured in the same run.

Run under a virtual screen (Debian's xvfb; Mesa's llvmpipe draws WebGL):

    xvfb-run -a -s "-screen 0 1600x1200x24" .venv/bin/python bench/bench_map.py [N ...]

(default 1000 100000; add 1000000 for the hover and pan rows at a million strikes). With
`--against REVISION`, mapviz at that revision (checked out into a temporary git worktree, its own
`src/` first on the path) runs too, with the largest count up to 100,000, in the same rounds.
Prints Markdown tables for docs/BENCHMARKS.md; about 3 minutes per app.

Chromium runs headed with `--use-angle=gl --ignore-gpu-blocklist` (the script checks that WebGL's
renderer is llvmpipe). Times come from the screen: DevTools' screencast sends a frame whenever
the page's pixels change, stamped with the time it was drawn; a frame "changes the map" when the
map's part of it differs from the frame before (mean absolute difference over a JPEG-noise
threshold). Main-thread CPU is DevTools' Performance metric TaskDuration (the page and the map's
frame share one renderer process).

- first paint: page open (navigation) to the map's last change before 2 s without one, once
  the GPU process has run every frame drawn (the page probe's fences: under llvmpipe one frame
  of the map can take the GPU process seconds, with nothing new on screen meanwhile);
- press to rings on screen: a key press (ArrowRight on the focused "Max range (km)" slider, a
  radius not drawn before) to the map's last change;
- press to page settled: the key press to the last change of any part of the page (for mapviz,
  the ring counts under the map, which the server computes), once the server has answered;
- main-thread CPU per press: TaskDuration over the press, until the page has settled;
- hover to tooltip (mapviz): the pointer moved onto a strike to the screen showing its tooltip;
- pan frame time (mapviz): the intervals between the screen's frames during a 1 s drag, p95.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import io
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import itertools

import numpy as np
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import sync_playwright

from tools.browser import (
    CHROMIUM,
    IDLE,
    MAP_FRAME,
    ROOT,
    WEBSOCKET_PROBE,
    map_area,
    map_frame,
    settled_view,
    slider_thumb,
    streamlit_server,
    wait_for_quiet,
)

ROUNDS = 3
PRESSES = 6
CALM_S = 2.0
CHANGE_LEVEL = 16
CHANGE_PIXELS = 10
"""A frame changes a region when at least CHANGE_PIXELS of its pixels differ from the frame
before by more than CHANGE_LEVEL (of 255): more than JPEG's noise, less than a ring moving."""
MINIMAL_APP = ROOT / "bench" / "minimal_app.py"
MAPVIZ_PATH = "/?view=Ukraine+theatre"
LLVMPIPE_ARGS = [
    "--use-angle=gl",
    "--ignore-gpu-blocklist",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1400, "height": 1300}
RENDERER = """() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    const info = gl && gl.getExtension('WEBGL_debug_renderer_info');
    return info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : String(gl);
}"""


DRAWN = """(mapFrame) => {
    // Every frame drawn so far has been run by the GPU process (the page probe's fences), and
    // mapviz's map has nothing it was given left to load.
    const frame = document.querySelector(mapFrame);
    const map = frame && frame.contentWindow && frame.contentWindow.mapviz;
    return window.__fencesPending === 0 && !(map && map.busy());
}"""


class Screen:
    """The page's screencast: every frame's time and pixels, from the moment it starts."""

    def __init__(self, page: Any) -> None:
        self.session = page.context.new_cdp_session(page)
        self.frames: list[tuple[float, Any]] = []
        self._changes: dict[tuple[int, int, int, int] | None, list[tuple[float, bool]]] = {}
        self.session.on("Page.screencastFrame", self._on_frame)
        self.session.send("Performance.enable")
        self.session.send(
            "Page.startScreencast",
            {"format": "jpeg", "quality": 80, "everyNthFrame": 1, **_max_size()},
        )

    def _on_frame(self, frame: dict[str, Any]) -> None:
        self.session.send("Page.screencastFrameAck", {"sessionId": frame["sessionId"]})
        image = Image.open(io.BytesIO(base64.b64decode(frame["data"]))).convert("L")
        self.frames.append((float(frame["metadata"]["timestamp"]), np.asarray(image, np.uint8)))

    def cpu_s(self) -> float:
        """Return the page's main-thread task time so far (s)."""
        metrics = self.session.send("Performance.getMetrics")["metrics"]
        return float(next(m["value"] for m in metrics if m["name"] == "TaskDuration"))

    def changes(self, box: tuple[int, int, int, int] | None) -> list[tuple[float, bool]]:
        """Return each frame's time and whether it changed `box` (else the page)."""
        done = self._changes.setdefault(box, [])
        for i in range(len(done), len(self.frames)):
            stamp, pixels = self.frames[i]
            if i == 0:
                done.append((stamp, False))
                continue
            now, before = (_crop(p, box).astype(np.int16) for p in (pixels, self.frames[i - 1][1]))
            changed = int((np.abs(now - before) > CHANGE_LEVEL).sum()) >= CHANGE_PIXELS
            done.append((stamp, changed))
        return done

    def last_change(self, since: float, box: tuple[int, int, int, int] | None = None) -> float:
        """Return when (wall-clock s) a frame after `since` last changed `box` (else the page)."""
        stamps = [stamp for stamp, changed in self.changes(box) if changed and stamp > since]
        return max(stamps, default=since)

    def frame_times(self, since: float, until: float) -> list[float]:
        """Return the times (s) of the frames drawn between `since` and `until`."""
        return [stamp for stamp, _ in self.frames if since <= stamp <= until]

    def wait_calm(self, box: tuple[int, int, int, int] | None, page: Any) -> None:
        """Wait until `box` (else the page) has not changed for CALM_S."""
        start = time.time()
        while time.time() - start < 60:
            page.wait_for_timeout(250)
            if time.time() - self.last_change(start, box) > CALM_S:
                return


def _crop(pixels: Any, box: tuple[int, int, int, int] | None) -> Any:
    return pixels if box is None else pixels[box[1] : box[3], box[0] : box[2]]


def _max_size() -> dict[str, int]:
    return {"maxWidth": VIEWPORT["width"], "maxHeight": VIEWPORT["height"]}


def map_box(page: Any, *, in_frame: bool) -> tuple[int, int, int, int]:
    """Return the map's part of the page (x0, y0, x1, y1 in CSS pixels)."""
    if in_frame:
        box = map_area(page).bounding_box()
    else:
        box = page.locator("[data-testid=stDeckGlJsonChart]").bounding_box()
    return int(box["x"]), int(box["y"]), int(box["x"] + box["width"]), int(box["y"] + box["height"])


@dataclass
class Measured:
    """One app's samples (ms, or ms of CPU)."""

    first_paint: list[float] = field(default_factory=list)
    rings: list[float] = field(default_factory=list)
    settled: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    hover: list[float] = field(default_factory=list)
    pan_p95: list[float] = field(default_factory=list)
    hover_missed: int = 0


def open_measured(browser: Any, url: str, *, mapviz: bool) -> tuple[Any, Screen, float]:
    """Open `url` in a fresh context with the screencast on; return page, screen, first paint."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.add_init_script(WEBSOCKET_PROBE)
    page.goto("about:blank")
    screen = Screen(page)
    start = time.time()
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=120_000)
    if mapviz:
        page.wait_for_selector(MAP_FRAME)
        map_frame(page).locator("canvas").first.wait_for(timeout=60_000)
    else:
        page.locator("[data-testid=stDeckGlJsonChart] canvas").first.wait_for(timeout=60_000)
    box = map_box(page, in_frame=mapviz)
    screen.wait_calm(box, page)
    while not page.evaluate(DRAWN, MAP_FRAME):
        # Calm on the screen while the GPU process still runs a frame drawn before it is not
        # the end of the first paint (under llvmpipe a frame of 100,000 strikes takes it about
        # 4.5 s, the screen unchanged meanwhile): wait for those frames, then for calm again.
        page.wait_for_function(DRAWN, arg=MAP_FRAME, timeout=120_000, polling=50)
        screen.wait_calm(box, page)
    return page, screen, 1000 * (screen.last_change(start, box) - start)


def press_slider(page: Any, screen: Screen, measured: Measured, *, mapviz: bool) -> None:
    """Press "Max range (km)" PRESSES times; record each press's times and CPU.

    mapviz's ring counts (the table under the map) must be on screen with the whole map, or
    "settled" would miss their change: the page is scrolled to show the table, and the run stops
    if the map or the table is then out of the screen.
    """
    if mapviz:
        counts = page.get_by_test_id("stTable").first
        counts.evaluate("(table) => table.scrollIntoView({block: 'end'})")
        page.wait_for_timeout(500)
        table = counts.bounding_box()
        if table is None or table["y"] + table["height"] > VIEWPORT["height"] + 1:
            raise SystemExit(f"the ring counts are not on screen: {table}")
    box = map_box(page, in_frame=mapviz)
    if box[1] < 0 or box[3] > VIEWPORT["height"]:
        raise SystemExit(f"the map is not wholly on screen: {box}")
    slider = slider_thumb(page, "Max range (km)", in_map=mapviz)
    slider.focus()
    for _ in range(PRESSES):
        cpu = screen.cpu_s()
        pressed = time.time()
        page.keyboard.press("ArrowRight")
        wait_for_quiet(page)
        screen.wait_calm(None, page)
        measured.cpu.append(1000 * (screen.cpu_s() - cpu))
        measured.rings.append(1000 * (screen.last_change(pressed, box) - pressed))
        measured.settled.append(1000 * (screen.last_change(pressed, None) - pressed))


STRIKE_SCREEN_POINT = """(_, index) => {
    const deck = window.mapviz.deck;
    const layer = window.mapviz.layer('strikes');
    const positions = layer.props.data.attributes.getPosition.value;
    const i = index % layer.props.data.length;
    return deck.getViewports()[0].project([positions[2 * i], positions[2 * i + 1]]);
}"""


def hover_and_pan(page: Any, screen: Screen, measured: Measured) -> None:
    """Hover strikes (time to the tooltip on screen), then drag the map (frame times)."""
    box = map_box(page, in_frame=True)
    frame = map_frame(page).locator("body")
    for index in (11, 5_003, 777):
        x, y = frame.evaluate(STRIKE_SCREEN_POINT, index)
        if not (10 < x < box[2] - box[0] - 10 and 10 < y < box[3] - box[1] - 10):
            continue
        page.mouse.move(box[0] + x, box[1] + y)
        moved = time.time()
        try:
            map_frame(page).locator(".tooltip >> visible=true").first.wait_for(timeout=60_000)
        except PlaywrightTimeoutError:
            measured.hover_missed += 1
            continue
        screen.wait_calm(box, page)
        measured.hover.append(1000 * (screen.last_change(moved, box) - moved))
        page.mouse.move(1, 1)
        screen.wait_calm(box, page)
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    page.mouse.move(x, y)
    page.mouse.down()
    start = time.time()
    for step in range(1, 31):
        page.mouse.move(x + 8 * step, y + 3 * step)
        page.wait_for_timeout(33)
    end = time.time()
    page.mouse.up()
    settled_view(page)
    stamps = screen.frame_times(start, end)
    gaps = sorted(1000 * (b - a) for a, b in itertools.pairwise(stamps))
    if gaps:
        measured.pan_p95.append(gaps[min(len(gaps) - 1, int(0.95 * len(gaps)))])


def run_app(browser: Any, url: str, measured: Measured, *, mapviz: bool, slider: bool) -> None:
    """One round of one app: a first load, slider presses, hover and a pan (mapviz)."""
    page, screen, first = open_measured(browser, url, mapviz=mapviz)
    measured.first_paint.append(first)
    if slider:
        press_slider(page, screen, measured, mapviz=mapviz)
    if mapviz:
        hover_and_pan(page, screen, measured)
    page.context.close()


def launch_llvmpipe(playwright: Any) -> tuple[Any, str]:
    """Launch headed Chromium with LLVMPIPE_ARGS; return it and its WebGL renderer (llvmpipe)."""
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=False, args=LLVMPIPE_ARGS
    )
    probe = browser.new_page()
    renderer: str = probe.evaluate(RENDERER)
    probe.close()
    if "llvmpipe" not in renderer:
        browser.close()
        raise SystemExit(f"not llvmpipe ({renderer}): run under xvfb-run with Mesa installed")
    return browser, renderer


def revision_tree(stack: contextlib.ExitStack, revision: str) -> Path:
    """Check `revision` out into a temporary git worktree, removed when `stack` closes."""
    tree = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "revision"
    git = ["git", "-C", str(ROOT), "worktree"]
    subprocess.run([*git, "add", "-q", "--detach", str(tree), revision], check=True)
    stack.callback(subprocess.run, [*git, "remove", "--force", str(tree)], check=True)
    return tree


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("counts", nargs="*", type=int, default=[1000, 100_000])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--against", metavar="REVISION", help="mapviz at this revision too")
    options = parser.parse_args()
    apps: dict[str, tuple[Path, dict[str, str], str, bool]] = {
        "baseline": (MINIMAL_APP, {}, "/", False),
        **{
            f"mapviz {n:,}": (
                ROOT / "app.py",
                {"MAPVIZ_SYNTHETIC_STRIKES": str(n)},
                MAPVIZ_PATH,
                True,
            )
            for n in options.counts
        },
    }
    with contextlib.ExitStack() as stack, sync_playwright() as playwright:
        if options.against:
            tree = revision_tree(stack, options.against)
            n = max([c for c in options.counts if c <= 100_000] or options.counts)
            env = {"MAPVIZ_SYNTHETIC_STRIKES": str(n), "PYTHONPATH": str(tree / "src")}
            apps[f"mapviz {n:,} at {options.against}"] = (tree / "app.py", env, MAPVIZ_PATH, True)
        results = {name: Measured() for name in apps}
        servers = {
            name: stack.enter_context(streamlit_server(app, env=env))
            for name, (app, env, _, _) in apps.items()
        }
        browser, renderer = launch_llvmpipe(playwright)
        print(f"WebGL renderer: {renderer}")
        for name, (_, _, path, mapviz) in apps.items():  # warm the servers' caches
            page, _, _ = open_measured(browser, servers[name].url + path, mapviz=mapviz)
            page.context.close()
        for round_ in range(options.rounds):
            for name, (_, env, path, mapviz) in apps.items():
                slider = int(env.get("MAPVIZ_SYNTHETIC_STRIKES", "0")) <= 100_000
                run_app(browser, servers[name].url + path, results[name], mapviz=mapviz,
                        slider=slider)  # fmt: skip
                print(f"round {round_ + 1}: {name}", vars(results[name]), file=sys.stderr)
        browser.close()
    base = results["baseline"]
    print("| app | first paint | press to rings on screen | press to page settled "
          "| main-thread CPU per press |")  # fmt: skip
    print("|---|---|---|---|---|")
    for name, m in results.items():
        cells = []
        for mine, theirs in (
            (m.first_paint, base.first_paint),
            (m.rings, base.rings),
            (m.settled, base.settled),
            (m.cpu, base.cpu),
        ):
            ratio = median(mine) / median(theirs) if median(theirs) else float("nan")
            cells.append(f"{median(mine):.0f} ms ({ratio:.2f}x)" if mine else "-")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    print("| app | hover to tooltip on screen, median (missed) | pan: frame time p95, median |")
    print("|---|---|---|")
    for name, m in results.items():
        if m.hover or m.pan_p95:
            print(
                f"| {name} | {median(m.hover):.0f} ms ({m.hover_missed} of "
                f"{len(m.hover) + m.hover_missed}) | {median(m.pan_p95):.0f} ms |"
            )


if __name__ == "__main__":
    main()

"""Run the dashboard on a free loopback port and drive it with Playwright and Debian's Chromium.

Shared by the browser tests and the benchmarks. Nothing here fetches anything from the internet:
the server listens on 127.0.0.1 and Chromium starts with background networking off.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu-sandbox",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT_S = 60.0
QUIET_MS = 300
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
MAP_FRAME = "iframe[title$='mapviz_map']"
"""The map of mapviz: a Streamlit component, with its own range sliders."""

# Records when each websocket message and each fetched file arrives, the time of the second
# animation frame after each and after each draw (the repaint that shows it), when the GPU
# process has run each frame's draws, key presses, and user actions that start a rerun (key
# presses and input changes); so a test can wait until the server has answered the last action
# and gone quiet, and a benchmark can time key press -> repaint.
#
# It runs in every frame. In the map's iframe (a Streamlit component, same origin) it records
# into the page's arrays, on the page's clock: a key pressed on the map's sliders and the map's
# draws count as the page's own.
WEBSOCKET_PROBE = """
(() => {
  let host = window;
  try {
    if (window.parent !== window && window.parent.__wsTimes) host = window.parent;
  } catch (error) { /* another origin: record on its own */ }
  const now = () => host.performance.now();
  if (host === window) {
    window.__wsTimes = [];
    window.__paintTimes = [];
    window.__drawPaintTimes = [];
    window.__keyTimes = [];
    window.__actionTimes = [];
    window.__lastDraw = 0;
    window.__gpuDoneTimes = [];
    window.__fencesPending = 0;
    const Native = window.WebSocket;
    window.WebSocket = function (...args) {
      const socket = new Native(...args);
      socket.addEventListener('message', () => {
        window.__wsTimes.push(now());
        painted();
      });
      return socket;
    };
    window.WebSocket.prototype = Native.prototype;
    Object.assign(window.WebSocket, Native);
  }
  const painted = () => requestAnimationFrame(
    () => requestAnimationFrame(() => host.__paintTimes.push(now())));
  new PerformanceObserver((list) => { if (list.getEntries().length) painted(); })
    .observe({type: 'resource', buffered: true});
  window.addEventListener('keydown', () => {
    host.__keyTimes.push(now());
    host.__actionTimes.push(now());
  }, true);
  window.addEventListener('change', () => host.__actionTimes.push(now()), true);
  // Draws count as paints too: a map can draw a frame long after the file or message that caused
  // it (an image decoded, and for WebGL uploaded as a texture), and the two animation frames
  // after a draw are when that frame has been through the GPU process and shown. Those paints
  // are also kept apart (__drawPaintTimes): the map's own repaints.
  let drawPending = false;
  // And when the GPU process has run a frame's draws: a fence after them (a microtask runs once
  // the callback that draws the frame returns), polled without blocking; a lost context counts
  // as done. Under software WebGL the animation frames after a draw can pass before the GPU
  // process has run it: a pipeline's first use compiles its shaders, up to a second.
  let fencePending = false;
  const fence = (gl) => {
    fencePending = false;
    const sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
    gl.flush();
    host.__fencesPending += 1;
    const poll = () => {
      if (!gl.isContextLost() && gl.getSyncParameter(sync, gl.SYNC_STATUS) !== gl.SIGNALED) {
        setTimeout(poll, 4);
        return;
      }
      if (!gl.isContextLost()) gl.deleteSync(sync);
      host.__fencesPending -= 1;
      host.__gpuDoneTimes.push(now());
    };
    poll();
  };
  // A draw's paint: two animation frames later. `cpu`: a CPU canvas's draw, done by then too.
  const drawn = (cpu) => {
    host.__lastDraw = now();
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(() => requestAnimationFrame(() => {
      drawPending = false;
      host.__paintTimes.push(now());
      host.__drawPaintTimes.push(now());
      if (cpu) host.__gpuDoneTimes.push(now());
    }));
  };
  // Draws on 2D canvases in the map's frame count too (deck.gl's text layer draws its font
  // atlas with fillText): CPU canvases, drawn when the call returns, so done at their paint.
  // Only the map's frame counts them: Streamlit draws on 2D canvases too.
  if (host !== window) {
    for (const name of ['fill', 'stroke', 'fillText', 'clearRect', 'drawImage']) {
      const native = CanvasRenderingContext2D.prototype[name];
      CanvasRenderingContext2D.prototype[name] = function (...args) {
        const result = native.apply(this, args);
        drawn(true);
        return result;
      };
    }
  }
  for (const Context of [window.WebGLRenderingContext, window.WebGL2RenderingContext]) {
    for (const name of ['drawArrays', 'drawElements', 'drawArraysInstanced',
                        'drawElementsInstanced']) {
      const native = Context && Context.prototype[name];
      if (!native) continue;
      Context.prototype[name] = function (...args) {
        const result = native.apply(this, args);
        drawn(false);
        if (!fencePending && this.fenceSync) {
          fencePending = true;
          queueMicrotask(() => fence(this));
        }
        return result;
      };
    }
  }
})();
"""


def skip_without_chromium() -> None:
    """In a test module: skip it when Chromium is missing, unless CI=true, where it must run."""
    import pytest  # noqa: PLC0415 - only tests call this

    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but /usr/bin/chromium is missing: .ci/run must install it")
    pytest.skip(
        "/usr/bin/chromium not installed (apt-get install chromium)", allow_module_level=True
    )


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    """A running Streamlit server: its base URL, process id and log file."""

    url: str
    pid: int
    log: Path

    def rss_mib(self) -> float:
        """Return the server process's resident memory in MiB (Linux /proc)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_s(self) -> float:
        """Return the CPU time (user and system, s) the server process has used (Linux /proc)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def streamlit_server(
    app: Path = ROOT / "app.py",
    env: Mapping[str, str] | None = None,
    base_path: str = "",
) -> Iterator[Server]:
    """Run `streamlit run app` on a free port; yield the server; stop it afterwards.

    `base_path`: serve the app under this path (`server.baseUrlPath`), as behind a proxy.
    """
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.baseUrlPath", base_path,
    ]  # fmt: skip
    log = (ROOT / ".pytest_cache").joinpath(f"streamlit-{port}.log")
    log.parent.mkdir(exist_ok=True)
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command, cwd=app.parent, env={**os.environ, **(env or {})}, stdout=out, stderr=out
        )
        try:
            base = f"http://127.0.0.1:{port}" + (f"/{base_path}" if base_path else "")
            _wait_healthy(base, process)
            yield Server(base, process.pid, log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_healthy(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}")
        try:
            health = f"{base}/_stcore/health"  # http://127.0.0.1 only
            with urllib.request.urlopen(health, timeout=2) as response:  # noqa: S310
                if response.status == 200:  # noqa: PLR2004
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"streamlit at {base} not healthy after {SERVER_START_TIMEOUT_S} s")


def launch_chromium(playwright: Any, *, webgl: bool = True) -> Any:
    """Start headless Debian Chromium (WebGL through SwiftShader, or without WebGL)."""
    args = CHROMIUM_ARGS if webgl else [*CHROMIUM_ARGS, "--disable-webgl"]
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)


def open_app(
    browser: Any,
    url: str,
    *,
    width: int = 1400,
    height: int = 1000,
    on_request: Callable[[Any], None] | None = None,
    has_touch: bool = False,
) -> Any:
    """Open the app in a fresh browser context and wait for the map to be drawn.

    A fresh context has an empty cache and storage, like a new browser; it carries the websocket
    probe; with `has_touch`, a touch screen. In a browser without WebGL, waits for the map's note
    saying so instead. Close it with `close_app`.
    """
    context = browser.new_context(
        viewport={"width": width, "height": height}, accept_downloads=True, has_touch=has_touch
    )
    page = context.new_page()
    page.add_init_script(WEBSOCKET_PROBE)
    if on_request is not None:
        page.on("request", on_request)
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=120_000)
    page.wait_for_function(  # the map has drawn, or said that it cannot
        """(mapFrame) => {
            const frame = document.querySelector(mapFrame);
            const map = frame && frame.contentWindow && frame.contentWindow.mapviz;
            return window.__lastDraw > 0 || Boolean(map && map.noWebGL);
        }""",
        arg=MAP_FRAME,
        timeout=60_000,
    )
    wait_for_quiet(page)
    return page


def close_app(page: Any) -> None:
    """Close a page opened by `open_app`, with its browser context."""
    page.context.close()


def wait_for_quiet(page: Any, *, quiet_ms: int = QUIET_MS, timeout_ms: int = 60_000) -> float:
    """Wait until the page has received and painted the rerun of the last user action.

    That is: a websocket message after the last key press or input change (so a rerun that has
    not started yet is not mistaken for quiet), then no message and no draw for `quiet_ms`, the
    GPU process done with every drawn frame, the script idle, mapviz's map (if the page has
    one) with nothing it was given left to draw (a data file or an image still coming or being
    decoded can take longer than `quiet_ms`), then two animation frames. Returns the arrival
    time (performance.now(), ms) of the last message.
    """
    page.wait_for_function(
        """([quiet, idle, mapFrame]) => {
            const times = window.__wsTimes || [];
            const actions = window.__actionTimes || [];
            const last = times.length ? times[times.length - 1] : 0;
            const action = actions.length ? actions[actions.length - 1] : -1;
            const now = performance.now();
            const frame = document.querySelector(mapFrame);
            const map = frame && frame.contentWindow && frame.contentWindow.mapviz;
            return last > action && now - last > quiet && now - window.__lastDraw > quiet
                && window.__fencesPending === 0 && document.querySelector(idle) !== null
                && !(map && map.busy());
        }""",
        arg=[quiet_ms, IDLE, MAP_FRAME],
        timeout=timeout_ms,
        polling=50,
    )
    page.evaluate(
        "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r())))"
    )
    last: float = page.evaluate("() => (window.__wsTimes || []).slice(-1)[0] || 0")
    return last


def map_frame(page: Any) -> Any:
    """Return the frame locator of mapviz's map."""
    return page.frame_locator(MAP_FRAME)


def slider_thumb(page: Any, label: str, *, in_map: bool = True) -> Any:
    """Return the range input of the slider labelled `label` (focus it to press keys on it).

    mapviz's range sliders are in its map (`in_map`); other apps' (the benchmarks' baseline) are
    Streamlit's.
    """
    if in_map:
        return map_frame(page).get_by_label(label)
    widget = page.locator("[data-testid=stSlider]").filter(has_text=label)
    return widget.locator("input[type=range]")


def last_paint_ms(page: Any) -> float:
    """Return when (performance.now(), ms) the last message, file or draw was painted.

    That is two animation frames after the last message, fetched file or draw (WebGL, or the
    map's 2D canvases).
    """
    value: float = page.evaluate("() => Math.max(0, ...(window.__paintTimes || []))")
    return value


def last_map_paint_ms(page: Any) -> float:
    """Return when (performance.now(), ms) the map's last draw was painted."""
    value: float = page.evaluate("() => Math.max(0, ...(window.__drawPaintTimes || []))")
    return value


def last_gpu_done_ms(page: Any) -> float:
    """Return when (performance.now(), ms) the GPU process had run the last frame's draws."""
    value: float = page.evaluate("() => Math.max(0, ...(window.__gpuDoneTimes || []))")
    return value


def last_key_ms(page: Any) -> float:
    """Return when (performance.now(), ms) the last key was pressed."""
    value: float = page.evaluate("() => (window.__keyTimes || []).slice(-1)[0] || 0")
    return value


def map_area(page: Any) -> Any:
    """Return mapviz's map: the element holding deck.gl's canvas (screenshot it for its pixels)."""
    return map_frame(page).locator("#map")


def map_tooltip(page: Any) -> Any:
    """Return the map's tooltip once it shows."""
    return map_frame(page).locator(".tooltip >> visible=true").first


VIEW_SCRIPT = """(lonLat) => {
    const deck = window.mapviz.deck;
    const viewport = deck.getViewports()[0];
    const [x, y] = lonLat ? viewport.project(lonLat) : [null, null];
    return {zoom: viewport.zoom, longitude: viewport.longitude, latitude: viewport.latitude,
            x, y, top: viewport.unproject([0, 0])[1],
            bottom: viewport.unproject([0, viewport.height])[1]};
}"""
SETTLE_POLL_MS = 250
SETTLE_TIMEOUT_S = 60.0


def settled_view(page: Any, lon_lat: tuple[float, float] | None = None) -> dict[str, Any]:
    """Wait until the map's view has stopped moving and is drawn; return it.

    The view (deck.gl's viewport as last drawn): zoom, centre, the latitudes of the map's top and
    bottom edges, and where (CSS pixels in the map) it draws `lon_lat`. Transitions (smooth
    zoom, inertia) and the GPU's frames done: the same view twice, SETTLE_POLL_MS apart, with
    no frame pending.
    """
    frame = map_frame(page).locator("body")
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    last = None
    while time.monotonic() < deadline:
        page.wait_for_timeout(SETTLE_POLL_MS)
        view: dict[str, Any] = frame.evaluate(
            f"(_, lonLat) => ({VIEW_SCRIPT})(lonLat)", list(lon_lat) if lon_lat else None
        )
        pending = page.evaluate("() => window.__fencesPending || 0")
        if view == last and not pending:
            return view
        last = view
    raise TimeoutError(f"the map's view did not settle in {SETTLE_TIMEOUT_S} s")


DRAWN_LABELS = """async () => {
    // The labels deck.gl's collision filter lets through (the picking pass filters as the
    // drawing pass does; the text layer is made pickable for this), each with its text box in
    // CSS pixels: the text layer's own layout (getBoundingRect, in font-atlas units) at the
    // label's size, moved by its pixel offset. A change given to the deck here wakes the map,
    // as the map's own changes do (frontend/src/framegate.js): at rest it draws no frames.
    const deck = window.mapviz.deck;
    const update = (props) => {
        deck.setProps(props);
        window.mapviz.frames.wake();
    };
    const frames = () => new Promise(
        (done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    const layers = deck.props.layers;
    const pickable = (l) => (l.id === 'labels' ? l.clone({pickable: true}) : l);
    update({layers: layers.map(pickable)});
    await frames();
    const layer = deck.layerManager.getLayers().find((l) => l.id === 'labels');
    const viewport = deck.getViewports()[0];
    const picked = deck.pickObjects({x: 0, y: 0, width: viewport.width, height: viewport.height,
                                     layerIds: ['labels'], maxObjects: 10000});
    update({layers});
    const atlasSize = layer.state.fontAtlasManager.props.fontSize;
    return picked.map(({object, index}) => {
        const [x, y] = viewport.project(object.p);
        const [left, top, width, height] = layer.getBoundingRect(object,
            {index, data: layer.props.data, target: []});
        const scale = object.s / atlasSize;
        const x0 = x + object.o[0] + left * scale, y0 = y + object.o[1] + top * scale;
        return {t: object.t, p: object.p, pr: object.pr,
                box: [x0, y0, x0 + width * scale, y0 + height * scale]};
    });
}"""


def drawn_labels(page: Any) -> list[dict[str, Any]]:
    """Return the labels the map shows: text `t`, point `p`, priority `pr` and screen `box`.

    The box is (left, top, right, bottom) in CSS pixels of the map.
    """
    labels: list[dict[str, Any]] = map_frame(page).locator("body").evaluate(DRAWN_LABELS)
    return labels

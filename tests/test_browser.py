"""What a person sees, in headless Debian Chromium: rings, a slider repaint, tooltips, downloads.

Skipped with a reason when /usr/bin/chromium is missing, except under CI=true, where they must run.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pytest
from geographiclib.geodesic import Geodesic
from hostile_corpus import write_over_upload_cap
from PIL import Image

from mapviz.reach import launch_region
from mapviz.reference import reference_strikes
from tools.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    close_app,
    drawn_labels,
    launch_chromium,
    map_area,
    map_frame,
    map_tooltip,
    open_app,
    settled_view,
    skip_without_chromium,
    slider_thumb,
    streamlit_server,
    wait_for_quiet,
)

skip_without_chromium()

from playwright.sync_api import expect, sync_playwright  # noqa: E402 - after the skip

pytestmark = pytest.mark.browser
CONFIG = Path(__file__).parents[1] / ".streamlit" / "config.toml"
HOSTILE = "<img src=x onerror=alert(1)>"
VERMILLION = (213, 94, 0)  # max ring
BLUE = (0, 114, 178)  # min ring
HYPOTHETICAL_TEXT = (120, 40, 100)
DEFAULT_SITES = {  # PLACES.md points of the default candidates, in their order
    "Belgorod (city centre)": (36.58015, 50.61074),
    "Kursk (city centre)": (36.18735, 51.73733),
    "Voronezh (city centre)": (39.1843, 51.67204),
}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with streamlit_server() as running:
        yield running.url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def pixels(page: Any) -> Any:
    image = Image.open(io.BytesIO(map_area(page).screenshot())).convert("RGB")
    return np.array(image, dtype=np.int16)


def mask(image: Any, rgb: tuple[int, int, int], tolerance: int = 30) -> Any:
    return np.all(np.abs(image - np.array(rgb)) <= tolerance, axis=-1)


def map_centre(page: Any) -> tuple[float, float]:
    box = map_area(page).bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def tooltip_at_centre(page: Any) -> Any:
    """Hover the middle of the map; return its tooltip once it shows."""
    page.mouse.move(*map_centre(page))
    tooltip = map_tooltip(page)
    tooltip.wait_for(state="visible", timeout=20_000)
    return tooltip


def test_map_renders_rings_and_basemap(server: str, browser: Any) -> None:
    page = open_app(browser, server + "/?view=Ukraine+theatre")
    image = pixels(page)
    assert mask(image, VERMILLION).sum() > 300  # max rings
    assert mask(image, BLUE).sum() > 300  # min rings
    assert mask(image, (236, 234, 226), 4).sum() > 10_000  # Natural Earth land
    assert mask(image, (214, 230, 240), 4).sum() > 1_000  # sea (Black Sea, Sea of Azov)
    assert mask(image, (80, 80, 80), 20).sum() > 300  # grey place names
    names = {label["t"] for label in drawn_labels(page)}
    assert {"Moldova", "Belarus", "Voronezh (city centre)", "380 km"} <= names, names
    close_app(page)


def drawn_max_rings(page: Any) -> list[list[list[float]]]:
    """The max rings the map has drawn: the lines of its `max-rings` layer."""
    script = "() => window.mapviz.layer('max-rings').props.data"
    rings: list[list[list[float]]] = map_frame(page).locator("body").evaluate(script)
    return rings


def test_slider_key_press_moves_the_ring(server: str, browser: Any) -> None:
    page = open_app(browser, server + "/?view=Ukraine+theatre")
    before = mask(pixels(page), VERMILLION)
    slider = slider_thumb(page, "Max range (km)")
    assert slider.input_value() == "800"
    history = page.evaluate("history.length")
    slider.focus()
    for _ in range(20):
        page.keyboard.press("ArrowRight")
    wait_for_quiet(page)
    assert slider.input_value() == "1000"
    assert page.evaluate("history.length") == history  # the link is kept in place, as Back expects
    after = mask(pixels(page), VERMILLION)
    moved = np.logical_xor(before, after).sum()
    assert moved > 500, moved
    # what is drawn: a closed ring of geodesic radius 1000 km around each launch point
    rings = drawn_max_rings(page)
    assert len(rings) == len(DEFAULT_SITES)
    for ring, (lon, lat) in zip(rings, DEFAULT_SITES.values(), strict=True):
        assert ring[0] == ring[-1]
        for vertex in ring:
            distance_km = Geodesic.WGS84.Inverse(lat, lon, vertex[1], vertex[0])["s12"] / 1000
            assert abs(distance_km - 1000) < 0.002  # rounded to 1e-5 degree for display
    assert "max_km=1000" in page.evaluate("location.href")
    # the counts under the map follow, once the server has answered
    assert page.get_by_text("inside 1000 km").count() == 1
    close_app(page)


def test_a_preset_sets_the_map_sliders_and_the_map_stays_loaded(server: str, browser: Any) -> None:
    page = open_app(browser, server + "/?view=Ukraine+theatre")
    map_frame(page).locator("body").evaluate("() => { window.loadedOnce = true; }")
    page.locator("[data-testid=stSelectbox]").filter(has_text="Range preset").click()
    page.get_by_role("option", name="KN-23: up to 600 km (US DIA)").click()
    # a click is not an action wait_for_quiet waits on: wait for the map to take the range
    expect(slider_thumb(page, "Max range (km)")).to_have_value("600", timeout=30_000)
    wait_for_quiet(page)
    assert slider_thumb(page, "Min range (km)").input_value() == "0"
    for ring, (lon, lat) in zip(drawn_max_rings(page), DEFAULT_SITES.values(), strict=True):
        distance_km = Geodesic.WGS84.Inverse(lat, lon, ring[0][1], ring[0][0])["s12"] / 1000
        assert abs(distance_km - 600) < 0.002
    slider_thumb(page, "Max range (km)").focus()
    page.keyboard.press("ArrowLeft")
    wait_for_quiet(page)
    assert slider_thumb(page, "Max range (km)").input_value() == "590"
    assert page.get_by_text("inside 590 km").count() == 1
    assert "max_km=590" in page.evaluate("location.href")
    # min not below max: the page warns, and the map stays loaded (not set up afresh)
    slider_thumb(page, "Min range (km)").focus()
    page.keyboard.press("End")
    wait_for_quiet(page)
    assert page.get_by_text("is not below max range").count() == 1
    assert map_frame(page).locator("body").evaluate("() => window.loadedOnce") is True
    close_app(page)


def test_shared_url_reopens_the_same_map(server: str, browser: Any) -> None:
    url = server + "/?min_km=200&max_km=600&view=Ukraine+theatre&sites=Kursk+%28city+centre%29"
    first = open_app(browser, url)
    second = open_app(browser, first.evaluate("location.href"))  # pasted into another browser
    for page in (first, second):
        assert slider_thumb(page, "Min range (km)").input_value() == "200"
    a, b = mask(pixels(first), VERMILLION), mask(pixels(second), VERMILLION)
    assert a.sum() > 100
    assert np.logical_xor(a, b).sum() < 0.05 * a.sum()
    close_app(first)
    close_app(second)


def test_the_map_draws_when_the_app_is_served_under_a_path(browser: Any) -> None:
    # behind a proxy (README, server.baseUrlPath): the map finds its files under the path too
    with streamlit_server(base_path="mapviz") as prefixed:
        page = open_app(browser, prefixed.url + "/?view=Ukraine+theatre")
        image = pixels(page)
        assert mask(image, (236, 234, 226), 4).sum() > 10_000  # Natural Earth land
        assert mask(image, VERMILLION).sum() > 300  # max rings
        close_app(page)


def test_tooltip_shows_hostile_text_as_text(server: str, browser: Any, tmp_path: Path) -> None:
    page = open_app(browser, server + "/?view=Kharkiv")
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    csv = tmp_path / "hostile.csv"
    # a strike at the centre of the Kharkiv view (36.8E, 50.4N), named with an HTML payload
    csv.write_text(f'id,date,place,lat,lon\nh1,2024-01-02,"{HOSTILE}",50.4,36.8\n')
    page.locator("input[type=file]").set_input_files(str(csv))
    wait_for_quiet(page)
    tooltip = tooltip_at_centre(page)
    assert HOSTILE in tooltip.inner_text()
    assert tooltip.locator("img").count() == 0
    assert dialogs == []
    close_app(page)


def test_hovering_a_range_band_says_how_far_it_is(server: str, browser: Any) -> None:
    # one launch point ~500 km east of the Kharkiv view's centre (36.8E, 50.4N): the centre is
    # between its 380 km and 800 km rings
    custom = quote("name=East point,lat=50.4,lon=43.8")
    page = open_app(browser, f"{server}/?view=Kharkiv&sites=&custom={custom}")
    tooltip = tooltip_at_centre(page)
    assert tooltip.inner_text() == "East point: 380 to 800 km away (range band)"
    close_app(page)


def test_a_strike_inside_a_band_shows_its_own_tooltip(
    server: str, browser: Any, tmp_path: Path
) -> None:
    custom = quote("name=East point,lat=50.4,lon=43.8")  # as above: the centre is in its band
    page = open_app(browser, f"{server}/?view=Kharkiv&sites=&custom={custom}")
    csv = tmp_path / "one.csv"
    csv.write_text("id,date,place,lat,lon\ns1,2024-01-02,Centre strike,50.4,36.8\n")
    page.locator("input[type=file]").set_input_files(str(csv))
    wait_for_quiet(page)
    tooltip = tooltip_at_centre(page)
    assert "Centre strike" in tooltip.inner_text()
    assert "range band" not in tooltip.inner_text()
    close_app(page)


@pytest.fixture(scope="module")
def server_100k() -> Iterator[str]:
    with streamlit_server(env={"MAPVIZ_SYNTHETIC_STRIKES": "100000"}) as running:
        yield running.url


STRIKE_AT = """(_, index) => {
    // where the map draws strike `index`, and which strike deck.gl picks there
    const deck = window.mapviz.deck;
    const layer = window.mapviz.layer('strikes');
    const positions = layer.props.data.attributes.getPosition.value;
    const [x, y] = deck.getViewports()[0].project([positions[2 * index], positions[2 * index + 1]]);
    const picked = window.mapviz.under.pickObject({x, y, radius: 0});
    return {x, y, count: layer.props.data.length, layer: picked && picked.layer.id,
            index: picked && picked.index};
}"""


def test_hovering_any_of_100000_strikes_shows_its_tooltip(server_100k: str, browser: Any) -> None:
    page = open_app(browser, server_100k + "/?view=Ukraine+theatre")
    box = map_area(page).bounding_box()
    frame = map_frame(page).locator("body")
    shown = 0
    for index in (0, 31_337, 99_999):
        strike = frame.evaluate(STRIKE_AT, index)
        assert strike["count"] == 100_000  # every strike is a point: no image, no limit
        if not (0 < strike["x"] < box["width"] and 0 < strike["y"] < box["height"]):
            continue
        assert strike["layer"] == "strikes"  # picked on the GPU: this one or one drawn over it
        page.mouse.move(box["x"] + strike["x"], box["y"] + strike["y"])
        tooltip = map_tooltip(page)
        tooltip.wait_for(state="visible", timeout=30_000)
        text = tooltip.inner_text()
        for field in ("Precision: ", "Weapon: ", "Attribution: ", "Casualties: ", "Source: "):
            assert field in text
        assert text.endswith("SYNTHETIC test record")
        # the text is that strike's: the picked one's, from the tooltip files
        expected = frame.evaluate(
            """async (_, index) => {
                const {urls, chunk} = window.mapviz.strikeTips;
                return (await (await fetch(urls[Math.floor(index / chunk)])).json())[index % chunk];
            }""",
            strike["index"],
        )
        assert text == expected
        shown += 1
        page.mouse.move(1, 1)
    assert shown >= 2
    close_app(page)


def test_bad_upload_shows_its_error_and_the_map_stays(server: str, browser: Any) -> None:
    page = open_app(browser, server + "/?view=Kharkiv")
    map_frame(page).locator("body").evaluate("() => { window.loadedOnce = true; }")
    data = Path(__file__).parent / "data" / "bad_rows.csv"
    page.locator("input[type=file]").set_input_files(str(data))
    wait_for_quiet(page)
    # the problems appear above the sections, and the map below them stays loaded
    page.get_by_text("8 rows of your file were not used").wait_for(timeout=20_000)
    assert map_frame(page).locator("body").evaluate("() => window.loadedOnce") is True
    page.get_by_role("radio", name="Strike table").click()
    page.get_by_text("8 rows of your file were not used").wait_for(timeout=20_000)
    clicked = page.evaluate("performance.now()")
    page.get_by_role("radio", name="Map").click()  # the map's frame is made afresh
    page.wait_for_function("(clicked) => window.__lastDraw > clicked", arg=clicked)
    wait_for_quiet(page)
    assert mask(pixels(page), VERMILLION).sum() > 100
    close_app(page)


def test_hypothetical_label_is_visible_in_the_indo_pacific_view(server: str, browser: Any) -> None:
    page = open_app(browser, server + "/?view=Indo-Pacific")
    image = pixels(page)
    assert mask(image, HYPOTHETICAL_TEXT, 25).sum() > 50  # the HYPOTHETICAL text labels
    assert mask(image, (204, 121, 167), 25).sum() > 50  # the dashed purple outlines
    assert sum(label["t"].count("HYPOTHETICAL") for label in drawn_labels(page)) == 6
    close_app(page)


def test_a_launch_point_named_in_cyrillic_gets_its_label(server: str, browser: Any) -> None:
    # One user-defined launch point in north-west Ukraine, away from the strikes: its name is
    # the only black text on the map, so black pixels beyond those of a one-character name are
    # the name's letters. deck.gl's default font has ASCII letters only.
    def black_pixels(name: str) -> int:
        custom = quote(f"name={name},lat=51.5,lon=26.5")
        page = open_app(browser, f"{server}/?view=Ukraine+theatre&sites=&custom={custom}")
        count = int(mask(pixels(page), (0, 0, 0), 90).sum())
        close_app(page)
        return count

    dot = black_pixels(".")
    latin, cyrillic = black_pixels("Bilhorod") - dot, black_pixels("Білгород") - dot
    assert latin > 50
    assert cyrillic > 0.5 * latin


def test_download_arrives_with_current_rings(server: str, browser: Any) -> None:
    page = open_app(browser, server + "/?max_km=900")
    with page.expect_download() as download:
        page.get_by_role("button", name="rings.geojson").click()
    document = json.loads(Path(download.value.path()).read_text())
    assert document["type"] == "FeatureCollection"
    assert document["metadata"]["parameters"]["max_range_km"] == 900
    kinds = {f["properties"]["kind"] for f in document["features"]}
    assert {"min_ring", "max_ring", "band"} <= kinds
    close_app(page)


def test_no_request_leaves_the_machine(server: str, browser: Any) -> None:
    hosts: set[str] = set()
    page = open_app(
        browser,
        server + "/?view=Indo-Pacific",
        on_request=lambda request: hosts.add(request.url.split("/")[2]),
    )
    assert hosts == {server.split("/")[2]}, hosts
    close_app(page)


def test_the_vector_basemap_is_fetched_once_and_sharp_when_zoomed(
    server: str, browser: Any
) -> None:
    fetched: list[str] = []

    def on_request(request: Any) -> None:
        if ".mapviz_files/basemap-" in request.url:
            fetched.append(request.url.rsplit("/", 1)[1])

    page = open_app(browser, server + "/?view=Kharkiv", on_request=on_request)
    assert len(fetched) == len(set(fetched)) == 4  # land, lakes, oblast lines, borders
    x, y = map_centre(page)
    page.mouse.move(x, y)
    for _ in range(3):
        page.mouse.dblclick(x, y, delay=30)
        settled_view(page)
    assert len(fetched) == 4  # vectors: zooming fetches nothing more
    # drawn, not magnified: the coast and borders stay thin lines, no blur between land and sea
    image = settled_pixels(page)
    land, sea = mask(image, (236, 234, 226), 6), mask(image, (214, 230, 240), 6)
    assert land.sum() > 1_000
    assert (land | sea).mean() > 0.5  # a blurred edge would leave a wide band of neither
    close_app(page)


def settled_pixels(page: Any) -> Any:
    """The map's pixels once it has drawn what the last move asked for, the pointer off it."""
    page.mouse.move(1, 1)  # off the map: no tooltip
    settled_view(page)
    page.wait_for_function("() => performance.now() - window.__lastDraw > 300", polling=50)
    return pixels(page)


def matching(before: Any, after: Any, dx: int, dy: int) -> float:
    """The share of pixels of `before` found in `after` moved by (dx, dy), where both show."""
    height, width = before.shape[:2]
    moved = after[max(0, dy) : height + min(0, dy), max(0, dx) : width + min(0, dx)]
    kept = before[max(0, -dy) : height - max(0, dy), max(0, -dx) : width - max(0, dx)]
    return float(np.mean(np.abs(moved - kept).max(axis=-1) <= 8))


def test_dragging_the_map_moves_everything_on_it_with_the_pointer(
    server: str, browser: Any
) -> None:
    page = open_app(browser, server + "/?view=Ukraine+theatre")
    kharkiv = (36.23, 49.99)
    before, start = settled_pixels(page), view_of(page, kharkiv)
    x, y = map_centre(page)
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):  # 150 px right and 60 px up, in 10 moves
        page.mouse.move(x + 15 * step, y - 6 * step)
    page.wait_for_timeout(500)  # held still before letting go: no inertia
    page.mouse.up()
    after, end = settled_pixels(page), view_of(page, kharkiv)
    # the map follows the pointer from the first move on (deck.gl starts a drag once the
    # pointer has moved 10 px: the first move of 16 px is where it starts)
    dx, dy = end["x"] - start["x"], end["y"] - start["y"]
    assert (dx, dy) == pytest.approx((135, -54), abs=1)
    # basemap, strikes, names and rings alike: the map as it was, moved by the drag
    assert matching(before, after, round(dx), round(dy)) > 0.97
    assert matching(before, after, 0, 0) < 0.7  # (it did move)
    close_app(page)


FRAMES_ASKED = """() => {
    // counts the animation frames the map's page asks the browser for from now on
    window.__framesAsked = 0;
    const native = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (callback) => {
        window.__framesAsked += 1;
        return native(callback);
    };
}"""


def test_at_rest_the_map_asks_for_no_frames_until_the_pointer_wakes_it(
    server: str, browser: Any
) -> None:
    page = open_app(browser, server + "/?view=Ukraine+theatre")
    body = map_frame(page).locator("body")
    page.wait_for_timeout(1000)
    # both decks' animation loops hold their next frame (frontend/src/framegate.js)
    assert body.evaluate("() => [window.mapviz.frames.held, window.mapviz.frames.awake()]") == [
        2,
        False,
    ]
    body.evaluate(FRAMES_ASKED)
    page.wait_for_timeout(1000)
    assert body.evaluate("() => window.__framesAsked") == 0
    x, y = map_centre(page)
    for step in range(5):
        page.mouse.move(x + 10 * step, y)
    page.wait_for_timeout(100)
    assert body.evaluate("() => window.__framesAsked") > 2  # drawing again, both decks
    # and asleep again once the pointer is still
    page.wait_for_timeout(1000)
    assert body.evaluate("() => window.mapviz.frames.held") == 2
    close_app(page)


def view_of(page: Any, lon_lat: tuple[float, float]) -> dict[str, float]:
    """The map's zoom and where (CSS pixels in the map) it draws the point `lon_lat`."""
    view = settled_view(page, lon_lat)
    return {"zoom": view["zoom"], "x": view["x"], "y": view["y"]}


def test_double_click_and_keys_zoom_and_pan_the_map(server: str, browser: Any) -> None:
    page = open_app(browser, server + "/?view=Ukraine+theatre")
    box = map_area(page).bounding_box()
    kharkiv = (36.23, 49.99)
    start = view_of(page, kharkiv)
    # a double click zooms in twice as near about the pointer: what lay under it stays there
    page.mouse.move(box["x"] + start["x"], box["y"] + start["y"])
    page.mouse.dblclick(box["x"] + start["x"], box["y"] + start["y"], delay=30)
    zoomed = view_of(page, kharkiv)
    assert zoomed["zoom"] == pytest.approx(start["zoom"] + 1)
    assert (zoomed["x"], zoomed["y"]) == pytest.approx((start["x"], start["y"]), abs=0.5)
    # with Shift, out again
    page.keyboard.down("Shift")
    page.mouse.dblclick(box["x"] + start["x"], box["y"] + start["y"], delay=30)
    page.keyboard.up("Shift")
    assert view_of(page, kharkiv) == pytest.approx(start, abs=0.5)
    # the map has focus (it took it on the click): arrow keys pan it by 100 px, + and - zoom
    page.keyboard.press("ArrowLeft")
    view_of(page, kharkiv)
    page.keyboard.press("ArrowUp")
    moved = view_of(page, kharkiv)
    assert (moved["x"], moved["y"]) == pytest.approx((start["x"] + 100, start["y"] + 100), abs=0.5)
    page.keyboard.press("Equal")  # the = / + key
    assert view_of(page, kharkiv)["zoom"] == pytest.approx(start["zoom"] + 1)
    page.keyboard.press("Minus")
    assert view_of(page, kharkiv) == pytest.approx(moved, abs=0.5)
    close_app(page)


def test_two_fingers_pinch_and_pan_the_map(server: str, browser: Any) -> None:
    page = open_app(browser, server + "/?view=Ukraine+theatre", has_touch=True)
    box = map_area(page).bounding_box()
    kharkiv = (36.23, 49.99)
    start = view_of(page, kharkiv)
    x, y = box["x"] + start["x"], box["y"] + start["y"]
    touch = page.context.new_cdp_session(page)

    def fingers(kind: str, spread: float, shift: float) -> None:
        points = [{"x": x + shift - spread, "y": y}, {"x": x + shift + spread, "y": y}]
        touch.send(
            "Input.dispatchTouchEvent",
            {"type": kind, "touchPoints": [] if kind == "touchEnd" else points},
        )

    fingers("touchStart", 40, 0)
    for step in range(1, 6):  # the fingers twice as far apart, and both 50 px to the right
        fingers("touchMove", 40 + 8 * step, 10 * step)
    page.wait_for_timeout(500)  # held still before lifting: no inertia
    fingers("touchEnd", 0, 0)
    end = view_of(page, kharkiv)
    assert end["zoom"] == pytest.approx(start["zoom"] + 1, abs=0.05)
    # what lay between the fingers moves with them (deck.gl starts a pinch once the fingers
    # have moved a few pixels: the first of them are not followed)
    assert end["x"] - start["x"] == pytest.approx(50, abs=20)
    assert end["y"] == pytest.approx(start["y"], abs=3)
    close_app(page)


def test_a_resize_before_the_map_has_anything_to_draw_is_harmless(
    server: str, browser: Any
) -> None:
    # Streamlit sizes the map's frame before it sends the map anything; a paint then must not
    # fail (one did, and left the map never painting again)
    app = open_app(browser, server + "/?view=Kharkiv")
    url = next(frame.url for frame in app.frames if "mapviz_map" in frame.url)
    close_app(app)
    page = browser.new_page()  # the map's page on its own, given nothing
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    assert page.goto(url).ok
    page.evaluate(
        """() => new Promise((done) => {
            window.dispatchEvent(new Event('resize'));
            requestAnimationFrame(() => requestAnimationFrame(done));
        })"""
    )
    assert errors == []
    page.close()


def test_the_page_keeps_room_for_its_scrollbar(server: str, browser: Any) -> None:
    # A scrollbar appearing a second after the map narrowed it by 10 px, and deck.gl drew every
    # layer again (seconds at 100,000 strikes without a GPU). Headless Chromium draws no
    # scrollbars, so this checks the style is on the element that scrolls (Streamlit's own).
    page = open_app(browser, server + "/?view=Ukraine+theatre")
    scrolling = page.evaluate(
        """() => [...document.querySelectorAll('*')]
            .filter((e) => e.scrollHeight > e.clientHeight + 1
                && ['auto', 'scroll'].includes(getComputedStyle(e).overflowY))
            .map((e) => [e.dataset.testid, getComputedStyle(e).scrollbarGutter])"""
    )
    assert ["stMain", "stable"] in scrolling, scrolling
    close_app(page)


def test_zoomed_all_the_way_out_the_map_shows_only_the_world(server: str, browser: Any) -> None:
    page = open_app(browser, server + "/?view=Whole+world")
    x, y = map_centre(page)
    page.mouse.move(x, y)
    for _ in range(8):
        page.mouse.wheel(0, 400)
    settled_view(page)
    page.mouse.down()  # and try to drag the world down, off the top
    page.mouse.move(x, y + 400, steps=5)
    page.wait_for_timeout(500)
    page.mouse.up()
    view = settled_view(page)
    # no band beyond the Web Mercator world (+-85.05 degrees) above or below the map
    assert view["top"] <= 85.0512 + 1e-6
    assert view["bottom"] >= -85.0512 - 1e-6
    close_app(page)


def test_a_file_over_the_upload_cap_is_refused_and_the_map_stays(
    server: str, browser: Any, tmp_path: Path
) -> None:
    cap_mb = int(tomllib.loads(CONFIG.read_text())["server"]["maxUploadSize"])
    big = write_over_upload_cap(tmp_path, cap_mb)
    page = open_app(browser, server + "/?view=Kharkiv")
    page.locator("input[type=file]").set_input_files(str(big))
    error = page.get_by_text(re.compile(r"File must be .* or smaller"))
    error.first.wait_for(timeout=30_000)
    wait_for_quiet(page)
    assert mask(pixels(page), VERMILLION).sum() > 100  # the map is still drawn
    assert page.locator("[data-testid=stException]").count() == 0
    close_app(page)


def overlapping(labels: list[dict[str, Any]], tolerance_px: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of drawn labels whose boxes overlap by more than `tolerance_px` each way."""
    pairs = []
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            (al, at, ar, ab), (bl, bt, br, bb) = a["box"], b["box"]
            across = al < br - tolerance_px and bl < ar - tolerance_px
            if across and at < bb - tolerance_px and bt < ab - tolerance_px:
                pairs.append((a["t"], b["t"]))
    return pairs


@pytest.mark.parametrize("view", ["Ukraine+theatre", "Indo-Pacific"])
def test_labels_never_overlap_and_zooming_in_shows_more_names(
    server: str, browser: Any, view: str
) -> None:
    page = open_app(browser, f"{server}/?view={view}")
    x, y = map_centre(page)
    page.mouse.move(x, y)
    before: list[dict[str, Any]] = []
    for zoom_step in range(3):
        shown = settled_view(page)
        labels = drawn_labels(page)
        assert labels
        assert overlapping(labels) == [], (shown["zoom"], overlapping(labels))
        if before:  # the names of the area now in view: more than the wider view showed of it
            south, north = shown["bottom"], shown["top"]
            inside = [
                label
                for label in before
                if south < label["p"][1] < north
                and abs(label["p"][0] - shown["longitude"]) < 0.5 * (north - south) * 2
            ]
            assert len(labels) > len(inside), zoom_step
        before = labels
        page.mouse.dblclick(x, y, delay=30)
    close_app(page)


def test_without_webgl_the_page_says_so_and_the_rest_works(server: str, browser: Any) -> None:
    """Without WebGL: a note in words; the sliders still set the range the counts and files use."""
    chromium = browser.browser_type.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, "--disable-webgl"]
    )
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(server + "/?view=Kharkiv")
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
    note = map_frame(page).get_by_role("alert")
    expect(note).to_contain_text("The map cannot be drawn in this browser", timeout=60_000)
    expect(note).to_contain_text("range sliders above")
    # the ring counts and the downloads are there, and a download arrives
    assert page.get_by_text("inside 800 km").count() == 1
    with page.expect_download() as download:
        page.get_by_role("button", name="strikes.geojson").click()
    document = json.loads(Path(download.value.path()).read_text())
    assert len(document["features"]) == 5
    # a slider press with no map: the counts, the link and the rings' file follow it
    thumb = slider_thumb(page, "Max range (km)")
    thumb.focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_text("inside 810 km")).to_have_count(1, timeout=30_000)
    assert "max_km=810" in page.url
    with page.expect_download() as download:
        page.get_by_role("button", name="rings.geojson").click()
    rings = json.loads(Path(download.value.path()).read_text())
    assert rings["metadata"]["parameters"]["max_range_km"] == 810
    page.get_by_role("radio", name="Strike table").click()
    page.get_by_text("strike reports match the filters; ").or_(
        page.get_by_text("Click a column header to sort")
    ).first.wait_for(timeout=30_000)
    assert "tab=Strike+table" in page.url  # the open section is part of the link
    chromium.close()


def test_the_launch_region_is_drawn_hovered_and_said_empty(server: str, browser: Any) -> None:
    """The region layer appears in yellow, its tooltip is text, an empty one is said in words."""
    strikes = reference_strikes()
    every, _ = launch_region(strikes.geometry.x, strikes.geometry.y, 380, 800)
    inside = every.display.representative_point()
    page = open_app(browser, server + "/?view=Ukraine+theatre")
    x, y = (settled_view(page, (inside.x, inside.y))[k] for k in ("x", "y"))
    before = pixels(page)[int(y) - 2 : int(y) + 3, int(x) - 2 : int(x) + 3].mean(axis=(0, 1))
    page.get_by_text("Feasible launch region").first.click()
    wait_for_quiet(page)
    expect(page.get_by_text("Within 380-800 km of all 5 strikes")).to_be_visible()
    settled_view(page)
    after = pixels(page)[int(y) - 2 : int(y) + 3, int(x) - 2 : int(x) + 3].mean(axis=(0, 1))
    # yellow (240, 228, 66) over the land: blue falls, red and green stay
    assert after[2] < before[2] - 40, (before, after)
    assert min(after[0], after[1]) > 180, after
    box = map_area(page).bounding_box()
    page.mouse.move(box["x"] + x, box["y"] + y)
    tooltip = map_tooltip(page)
    tooltip.wait_for(state="visible", timeout=20_000)
    text = tooltip.inner_text()
    assert text.startswith("FEASIBLE LAUNCH REGION (every strike)"), text
    assert "Within 380-800 km of all 5 strikes" in text
    close_app(page)
    # no point is within 100 km of Kyiv, Kharkiv and Zaporizhzhia at once
    page = open_app(browser, server + "/?view=Ukraine+theatre&min_km=0&max_km=100")
    page.get_by_text("Feasible launch region").first.click()
    wait_for_quiet(page)
    expect(page.get_by_text("No point is within 0-100 km of all 5 strikes.")).to_be_visible()
    close_app(page)


def patch_at(page: Any, x: float, y: float, half: int = 3) -> Any:
    """The map's pixels around (x, y), CSS pixels of the map."""
    image = pixels(page)
    return image[int(y) - half : int(y) + half + 1, int(x) - half : int(x) + half + 1]


def test_the_time_window_shows_a_month_of_strikes_and_plays(server: str, browser: Any) -> None:
    """Picking a month hides the strikes of other months on the map; Play steps through them."""
    strikes = reference_strikes()
    december = strikes[strikes["date"] == "2023-12-30"].geometry.iloc[0]  # Zaporizhzhia
    page = open_app(browser, server + "/?view=Ukraine+theatre")
    frame = map_frame(page)
    said = frame.locator("#window")
    expect(said).to_have_text("All dates: 5 strikes")
    x, y = (settled_view(page, (december.x, december.y))[k] for k in ("x", "y"))
    shown = patch_at(page, x, y)
    frame.locator("#when").focus()
    page.keyboard.press("ArrowRight")  # the second month: January 2024
    expect(said).to_have_text("2024-01-01 to 2024-01-31: 2 of 5 strikes")
    settled_view(page)
    hidden = patch_at(page, x, y)
    assert np.abs(hidden - shown).mean() > 20  # the December strike's dot is gone
    frame.locator("#when").press("ArrowLeft")
    expect(said).to_have_text("2023-12-01 to 2023-12-31: 1 of 5 strikes")
    settled_view(page)
    assert np.abs(patch_at(page, x, y) - shown).mean() < 5  # and back
    frame.get_by_role("button", name="Play").click()
    expect(frame.get_by_role("button", name="Pause")).to_be_visible()
    expect(said).to_have_text(re.compile(r"^2024-01-01 to 2024-01-31"), timeout=10_000)
    frame.get_by_role("combobox", name="Time step").select_option("week")
    expect(said).to_contain_text(" of 5 strikes")
    frame.get_by_role("button", name="All dates").click()
    expect(said).to_have_text("All dates: 5 strikes")
    expect(frame.get_by_role("button", name="Play")).to_be_visible()
    close_app(page)


def test_the_server_answers_while_a_large_upload_is_read(
    server: str, browser: Any, tmp_path: Path
) -> None:
    """A million rows are read in another process: the health endpoint answers all along."""
    path = tmp_path / "million.csv"
    with path.open("w") as out:
        out.write("id,date,place,lat,lon\n")
        out.writelines(f"m{i},2024-01-02,Kharkiv,50.{i % 1000:03d},36.2\n" for i in range(10**6))
    page = open_app(browser, server + "/?view=Kharkiv")
    waits: list[float] = []
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            start = time.monotonic()
            with urllib.request.urlopen(server + "/_stcore/health", timeout=60) as answer:
                assert answer.read() == b"ok"
            waits.append(time.monotonic() - start)
            time.sleep(0.05)

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        page.locator("input[type=file]").set_input_files(str(path))
        expect(page.get_by_text("1,000,000 strike reports match the filters.")).to_be_visible(
            timeout=180_000
        )
    finally:
        stop.set()
        poller.join()
    assert len(waits) > 50, len(waits)  # it kept answering while the file was read
    assert max(waits) < 2.0, sorted(waits)[-5:]
    close_app(page)


def test_a_closed_sessions_folder_goes_when_streamlit_forgets_the_session(
    browser: Any, tmp_path: Path
) -> None:
    """No idle timeout needed: when Streamlit drops a closed session, its folder goes with it.

    Streamlit keeps a closed session for `server.disconnectedSessionTTL` seconds (120 by
    default; 1 here) in case its page reconnects, and drops the expired ones when it next stores
    a closed session (another page closing), freeing their state.
    """
    settings = {"MAPVIZ_PRIVATE_IDLE_S": "3600", "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": "1"}
    with streamlit_server(env=settings) as running:
        page = page_with_one_uploaded_strike(browser, running.url, tmp_path)
        folder = private_folder_of(page)
        assert folder.is_dir()
        close_app(page)
        time.sleep(2)
        close_app(open_app(browser, running.url + "/?view=Kharkiv"))
        deadline = time.monotonic() + 30
        while folder.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not folder.exists()


def page_with_one_uploaded_strike(browser: Any, server: str, tmp_path: Path) -> Any:
    """Open the app and upload a CSV of one strike, "Centre strike", at the view's centre."""
    page = open_app(browser, server + "/?view=Kharkiv")
    csv = tmp_path / "one.csv"
    csv.write_text("id,date,place,lat,lon\ns1,2024-01-02,Centre strike,50.4,36.8\n")
    page.locator("input[type=file]").set_input_files(str(csv))
    wait_for_quiet(page)
    return page


def private_folder_of(page: Any) -> Path:
    """The private cache folder the page's strikes come from (their tooltips' first file)."""
    url: str = map_frame(page).locator("body").evaluate("() => window.mapviz.strikeTips.urls[0]")
    name = url.split(".mapviz_files/", 1)[1]
    folder = Path(__file__).parents[1] / "static" / "cache" / name.split("/")[0]
    assert folder.name.startswith("s-"), url
    return folder


def test_an_uploads_files_go_when_its_session_ends(browser: Any, tmp_path: Path) -> None:
    """The strikes of an upload are served from the session's own folder, deleted after it."""
    idle = {"MAPVIZ_PRIVATE_IDLE_S": "3"}
    with streamlit_server(env=idle) as running:
        page = page_with_one_uploaded_strike(browser, running.url, tmp_path)
        tooltip = tooltip_at_centre(page)  # its details come from the private folder
        assert "Centre strike" in tooltip.inner_text()
        folder = private_folder_of(page)
        script = "() => window.mapviz.strikeTips.urls[0]"  # the strikes' tooltip file
        url = map_frame(page).locator("body").evaluate(script)
        assert (folder / url.rsplit("/", 1)[1]).is_file()
        # served to this app's pages only: no header lets another origin's script read it
        for origin in ("https://elsewhere.example", None):
            request = urllib.request.Request(url, headers={"Origin": origin} if origin else {})
            with urllib.request.urlopen(request, timeout=10) as response:
                assert "Centre strike" in response.read().decode()
                assert response.headers.get("Access-Control-Allow-Origin") is None
        close_app(page)
        time.sleep(4)
        other = open_app(browser, running.url + "/?view=Kharkiv")  # any later page sweeps
        assert not folder.exists()
        with pytest.raises(urllib.error.HTTPError) as gone:
            urllib.request.urlopen(url, timeout=10)
        assert gone.value.code == 404
        close_app(other)

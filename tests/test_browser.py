"""What a person sees, in headless Debian Chromium: rings, a slider repaint, tooltips, downloads.

Skipped with a reason when /usr/bin/chromium is missing, except under CI=true, where they must run.
"""

from __future__ import annotations

import io
import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pytest
from geographiclib.geodesic import Geodesic
from hostile_corpus import write_over_upload_cap
from map_reading import chains
from PIL import Image

from tools.browser import (
    close_app,
    launch_chromium,
    map_area,
    map_frame,
    map_tooltip,
    open_app,
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


# Counts of the text canvas's grey (place names) and black (launch-point names) pixels.
TEXT_PIXELS = """() => {
    const {canvas, context} = window.mapviz.text;
    const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let grey = 0, black = 0;
    for (let i = 0; i < rgba.length; i += 4) {
        if (rgba[i + 3] < 200) continue;
        if (rgba[i] === 80 && rgba[i + 1] === 80 && rgba[i + 2] === 80) grey += 1;
        if (rgba[i] === 0 && rgba[i + 1] === 0 && rgba[i + 2] === 0) black += 1;
    }
    return {grey, black};
}"""


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
    # the map's text canvas: grey place names and black launch-point names, as text pixels
    text = map_frame(page).locator("body").evaluate(TEXT_PIXELS)
    assert text["grey"] > 100, text  # Ukraine, Moldova, Kharkiv, ...
    assert text["black"] > 100, text  # Belgorod, Kursk, Voronezh (city centre)
    close_app(page)


def drawn_max_rings(page: Any) -> list[list[list[float]]]:
    """The max rings the map has drawn: closed lines of its `max-rings` layer's segments."""
    drawn = map_frame(page).locator("body")
    script = "() => window.mapviz.rings.data.maxLines"
    return chains(drawn.evaluate(script))


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


def test_the_map_lets_go_of_a_strikes_image_it_no_longer_shows(
    server: str, browser: Any, tmp_path: Path
) -> None:
    # over 2,000 strikes come as one image, decoded whole (megabytes); every filter change or
    # upload makes a new one, and the map must not keep the old ones
    rng = np.random.default_rng(7)
    lats, lons = rng.uniform(46, 52, 2500), rng.uniform(24, 40, 2500)
    rows = [
        f"u{i},2024-03-01,Place {i},{lat:.4f},{lon:.4f}"
        for i, (lat, lon) in enumerate(zip(lats, lons, strict=True))
    ]
    csv = tmp_path / "many.csv"
    csv.write_text("id,date,place,lat,lon\n" + "\n".join(rows) + "\n")
    page = open_app(browser, server + "/?view=Ukraine+theatre")
    page.locator("input[type=file]").set_input_files(str(csv))
    wait_for_quiet(page)
    held = """() => [...window.mapviz.layers.images]
        .filter(([url, image]) => url.includes('/cache/strikes-') && image).length"""
    frame = next(frame for frame in page.frames if "mapviz_map" in frame.url)
    frame.wait_for_function(f"({held})() === 1")  # the strikes' image, decoded
    page.locator("[data-testid=stCheckbox]").filter(has_text="Strike reports").click()
    wait_for_quiet(page)
    assert frame.evaluate(held) == 0
    close_app(page)


def test_bad_upload_shows_its_error_and_the_map_stays(server: str, browser: Any) -> None:
    page = open_app(browser, server + "/?view=Kharkiv")
    map_frame(page).locator("body").evaluate("() => { window.loadedOnce = true; }")
    data = Path(__file__).parent / "data" / "bad_rows.csv"
    page.locator("input[type=file]").set_input_files(str(data))
    wait_for_quiet(page)
    # the problems appear above the tabs, and the map below them stays loaded
    page.get_by_text("8 rows of your file were not used").wait_for(timeout=20_000)
    assert map_frame(page).locator("body").evaluate("() => window.loadedOnce") is True
    page.get_by_role("tab", name="Strike table").click()
    page.get_by_text("8 rows of your file were not used").wait_for(timeout=20_000)
    clicked = page.evaluate("performance.now()")
    page.get_by_role("tab", name="Map").click()  # the map's frame is made afresh
    page.wait_for_function("(clicked) => window.__lastDraw > clicked", arg=clicked)
    wait_for_quiet(page)
    assert mask(pixels(page), VERMILLION).sum() > 100
    close_app(page)


def test_hypothetical_label_is_visible_in_the_indo_pacific_view(server: str, browser: Any) -> None:
    page = open_app(browser, server + "/?view=Indo-Pacific")
    image = pixels(page)
    assert mask(image, HYPOTHETICAL_TEXT, 25).sum() > 50  # the HYPOTHETICAL text labels
    assert mask(image, (204, 121, 167), 25).sum() > 50  # the dashed purple outlines
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


def test_the_map_fetches_the_basemap_images_its_view_shows(server: str, browser: Any) -> None:
    fetched: list[str] = []

    def on_request(request: Any) -> None:
        if "/basemap/" in request.url:
            fetched.append(request.url.rsplit("/", 1)[1])

    page = open_app(browser, server + "/?view=Ukraine+theatre", on_request=on_request)
    assert fetched == ["basemap_theatre.png"]  # the view (7-61E, 41-57N) lies inside it
    assert mask(pixels(page), (236, 234, 226), 4).sum() > 10_000  # and it is drawn: land
    page.mouse.move(*map_centre(page))
    for _ in range(6):  # zoom out until the view reaches past 110E
        page.mouse.wheel(0, 400)
        page.wait_for_timeout(200)
    page.wait_for_function("() => performance.now() - window.__lastDraw > 500", polling=100)
    assert "basemap_indo_pacific.png" in fetched, fetched
    assert len(fetched) == len(set(fetched))  # each image fetched once
    close_app(page)


def settled_pixels(page: Any) -> Any:
    """The map's pixels once it has drawn what the last move asked for, the pointer off it."""
    page.mouse.move(1, 1)  # off the map: no tooltip
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
    before = settled_pixels(page)
    x, y = map_centre(page)
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):  # 150 px right and 60 px up, in 10 moves
        page.mouse.move(x + 15 * step, y - 6 * step)
    page.mouse.up()
    after = settled_pixels(page)
    # basemap, strikes, names and rings alike: the map as it was, moved by the drag
    assert matching(before, after, 150, -60) > 0.97
    assert matching(before, after, 0, 0) < 0.7  # (it did move)
    close_app(page)


def view_of(page: Any, lon_lat: tuple[float, float]) -> dict[str, float]:
    """The map's zoom and where (CSS pixels in the map) it draws the point `lon_lat`."""
    view: dict[str, float] = (
        map_frame(page)
        .locator("#map")
        .evaluate(
            """(map, point) => {
            const viewport = window.mapviz.controller.viewport();
            const [x, y] = viewport.project(point);
            return {zoom: viewport.zoom, x, y};
        }""",
            list(lon_lat),
        )
    )
    return view


def test_double_click_and_keys_zoom_and_pan_the_map(server: str, browser: Any) -> None:
    page = open_app(browser, server + "/?view=Ukraine+theatre")
    box = map_area(page).bounding_box()
    kharkiv = (36.23, 49.99)
    start = view_of(page, kharkiv)
    # a double click zooms in twice as near about the pointer: what lay under it stays there
    page.mouse.dblclick(box["x"] + start["x"], box["y"] + start["y"])
    zoomed = view_of(page, kharkiv)
    assert zoomed["zoom"] == pytest.approx(start["zoom"] + 1)
    assert (zoomed["x"], zoomed["y"]) == pytest.approx((start["x"], start["y"]), abs=0.5)
    # with Shift, out again
    page.keyboard.down("Shift")
    page.mouse.dblclick(box["x"] + start["x"], box["y"] + start["y"])
    page.keyboard.up("Shift")
    assert view_of(page, kharkiv) == pytest.approx(start, abs=0.5)
    # the map has focus (it took it on the click): arrow keys pan it by 100 px, + and - zoom
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowUp")
    moved = view_of(page, kharkiv)
    assert (moved["x"], moved["y"]) == pytest.approx((start["x"] + 100, start["y"] + 100), abs=0.5)
    page.keyboard.press("+")
    assert view_of(page, kharkiv)["zoom"] == pytest.approx(start["zoom"] + 1)
    page.keyboard.press("-")
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
    fingers("touchEnd", 0, 0)
    end = view_of(page, kharkiv)
    assert end["zoom"] == pytest.approx(start["zoom"] + 1, abs=0.01)
    # what lay between the fingers stays between them
    assert (end["x"], end["y"]) == pytest.approx((start["x"] + 50, start["y"]), abs=1)
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


def test_zoomed_all_the_way_out_the_map_has_no_blank_band(server: str, browser: Any) -> None:
    page = open_app(browser, server + "/?view=Whole+world")
    x, y = map_centre(page)
    page.mouse.move(x, y)
    for _ in range(8):
        page.mouse.wheel(0, 400)
    page.mouse.down()  # and try to drag the world down, off the top
    page.mouse.move(x, y + 400, steps=5)
    page.mouse.up()
    image = settled_pixels(page)
    blank = np.all(image >= 250, axis=-1)  # the page's white
    # every row of the map shows some of the world (the screenshot's first and last rows may lie
    # half outside the map: it starts at a fraction of a pixel)
    assert not blank[1:-1].all(axis=1).any()
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

"""The rings the map computes in the browser (frontend/src/rings.js, ringdata.js), in Chromium.

The built component page is opened from disk; its ring functions are called with the arguments
the app sends (`mapviz.mapcomponent.ring_spec`) and their results checked against
`mapviz.geodesy` and geodesic distances (pyproj). Skipped with a reason when /usr/bin/chromium
is missing, except under CI=true, where they must run.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import pytest
from shapely.geometry import Polygon

from mapviz.geodesy import GEOD, LonLat, enclosed_pole, range_band, range_ring
from mapviz.mapcomponent import MAP_COMPONENT_DIR, RingSpec, ring_spec
from mapviz.reference import LaunchSite, launch_sites
from mapviz.style import RING_LABELS
from tools.browser import launch_chromium, skip_without_chromium

skip_without_chromium()

from playwright.sync_api import sync_playwright  # noqa: E402 - after the skip

pytestmark = pytest.mark.browser
TOLERANCE_M = 50.0
DEFAULT_SITES = tuple(s for s in launch_sites() if s.default_selected)


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        opened = chromium.new_page()
        opened.goto((MAP_COMPONENT_DIR / "index.html").as_uri())
        opened.wait_for_function("() => window.mapvizRings !== undefined")
        yield opened
        chromium.close()


def browser_ring(page: Any, lon: float, lat: float, km: float) -> dict[str, Any]:
    ring: dict[str, Any] = page.evaluate(
        "([lon, lat, km, tol]) => window.mapvizRings.rangeRing(lon, lat, km, tol)",
        [lon, lat, km, TOLERANCE_M],
    )
    return ring


def ring_data(page: Any, spec: RingSpec, min_km: float, max_km: float) -> dict[str, Any]:
    data: dict[str, Any] = page.evaluate(
        "([spec, a, b]) => window.mapvizRings.ringData(spec, a, b)", [spec, min_km, max_km]
    )
    return data


def spec_for(
    sites: tuple[LaunchSite, ...], *, show: bool = True, envelopes: bool = False
) -> RingSpec:
    return ring_spec(sites, tolerance_m=TOLERANCE_M, show=show, envelopes=envelopes)


def metres_from(lon: float, lat: float, points: list[list[float]]) -> list[float]:
    n = len(points)
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return [float(d) for d in GEOD.inv([lon] * n, [lat] * n, lons, lats)[2]]


@pytest.mark.parametrize(
    ("lon", "lat", "km"),
    [
        (36.58, 50.61, 380.0),  # Belgorod's default rings
        (36.58, 50.61, 800.0),
        (178.0, 0.0, 800.0),  # across the antimeridian
        (-179.5, 65.0, 800.0),
        (36.25, 49.99, 5000.0),  # Kharkiv at the sliders' end: around the North Pole
        (10.0, -80.0, 1500.0),  # around the South Pole
        (0.0, 0.0, 0.5),
    ],
)
def test_browser_rings_are_mapviz_geodesy_rings(
    page: Any, lon: float, lat: float, km: float
) -> None:
    ring = browser_ring(page, lon, lat, km)
    pole = enclosed_pole(lon, lat, km)
    assert ring["pole"] == pole
    points = ring["points"]
    assert points[0] == points[-1]  # closed
    line = points[:-3] if pole else points  # without the closure along the pole's latitude
    radius_m = km * 1000
    # every vertex is on the circle, every edge's midpoint within the tolerance of it
    assert max(abs(d - radius_m) for d in metres_from(lon, lat, line)) < 0.01
    mids = [[(a[0] + b[0]) / 2, (a[1] + b[1]) / 2] for a, b in pairwise(line)]
    assert max(abs(d - radius_m) for d in metres_from(lon, lat, mids)) <= TOLERANCE_M
    # one closed shape: longitudes run on past +-180 rather than jump across the map
    assert max(abs(b[0] - a[0]) for a, b in pairwise(line)) < 5.0
    python = range_ring(lon, lat, km, tolerance_m=TOLERANCE_M)
    drawn = Polygon(points)
    assert drawn.is_valid
    assert drawn.symmetric_difference(python).area < 1e-3 * python.area


@pytest.mark.parametrize(("min_km", "max_km"), [(380.0, 800.0), (3000.0, 5000.0), (4600.0, 5000.0)])
def test_bands_are_mapviz_geodesy_bands(page: Any, min_km: float, max_km: float) -> None:
    # (3000, 5000): only the max ring encloses the North Pole; (4600, 5000): both do
    kharkiv = LaunchSite("kharkiv", "Kharkiv", LonLat(36.25, 49.99), 0.0)
    (band,) = ring_data(page, spec_for((kharkiv,)), min_km, max_km)["bands"]
    outer, *holes = band["polygon"]
    drawn = Polygon(outer, holes)
    assert drawn.is_valid
    python = range_band(36.25, 49.99, min_km, max_km, tolerance_m=TOLERANCE_M)
    assert drawn.symmetric_difference(python).area < 1e-3 * python.area
    assert band["tt"] == f"Kharkiv: {min_km:g} to {max_km:g} km away (range band)"


def test_rings_bands_and_envelopes_of_the_default_launch_points(page: Any) -> None:
    data = ring_data(page, spec_for(DEFAULT_SITES, envelopes=True), 380, 800)
    for key, km in (("minLines", 380), ("maxLines", 800)):
        lines = data[key]
        assert len(lines) == len(DEFAULT_SITES)
        for line, site in zip(lines, DEFAULT_SITES, strict=True):
            assert line[0] == line[-1]  # closed
            distances = metres_from(*site.point, line)
            assert max(abs(d - km * 1000) for d in distances) < 2.0  # rounded to 1e-5 degree
    assert [band["tt"] for band in data["bands"]] == [
        f"{s.name}: 380 to 800 km away (range band)" for s in DEFAULT_SITES
    ]
    # the reach envelopes (drawn dashed): the max ring +- the launch area's uncertainty
    site = DEFAULT_SITES[0]
    alone = ring_data(page, spec_for((site,), envelopes=True), 380, 800)
    vertices = [vertex for line in alone["reach"] for vertex in line]
    reach = {round(d / 1000) for d in metres_from(*site.point, vertices)}
    assert reach == {800 - site.uncertainty_km, 800 + site.uncertainty_km}
    no_min = ring_data(page, spec_for(DEFAULT_SITES[:1]), 0, 800)
    assert no_min["minLines"] == []
    assert [band["tt"] for band in no_min["bands"]] == [
        f"{DEFAULT_SITES[0].name}: 0 to 800 km away (range band)"
    ]


def test_a_ring_label_from_data_stays_text(page: Any) -> None:
    hostile = LaunchSite("x", "@@=constructor <img src=x onerror=alert(1)>", LonLat(36.5, 50.6), 0)
    (band,) = ring_data(page, spec_for((hostile,)), 380, 800)["bands"]
    # inert: a deck.gl expression in a name stays text (mapviz.records.inert)
    assert band["tt"].startswith("@\u200b@=constructor <img src=x onerror=alert(1)>: 380 to 800")


def test_each_ring_has_its_label_above_its_northernmost_point(page: Any) -> None:
    data = ring_data(page, spec_for(DEFAULT_SITES), 380, 800)
    labels = data["labels"]
    assert [label["t"] for label in labels] == ["800 km"] * 3 + ["380 km"] * 3  # max first
    lines = data["maxLines"] + data["minLines"]
    for label, line in zip(labels, lines, strict=True):
        assert label["p"][1] == pytest.approx(max(p[1] for p in line), abs=1e-4)
        kind = RING_LABELS["max" if label["t"] == "800 km" else "min"]
        assert label["c"] == list(kind.colour)
        assert label["pr"] == kind.priority  # one text layer with every other label

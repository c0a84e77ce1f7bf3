"""Benchmark: time and boundary error of mapviz range rings against common alternatives.

Run: `.venv/bin/python bench/bench_geodesy.py` (prints a Markdown table for docs/BENCHMARKS.md).
The three methods are timed in turn, round after round, in this one process: each speed-up is
the median over rounds of that round's ratio, so a slow spell of the machine hits both sides.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable

import geopandas as gpd
import numpy as np
import shapely
from geographiclib.geodesic import Geodesic
from pyproj import Geod, Transformer

from mapviz import geodesy
from mapviz.geodesy import range_ring

BELGOROD = (36.58015, 50.61074)
GEOD = Geod(ellps="WGS84")
ROUNDS = 21
CALLS = {"mapviz": 50, "geographiclib": 3, "aeqd": 10}
KM_PER_DEG = 111.32  # the usual "one degree is 111 km" shortcut the degree buffer relies on


def time_ms(work: Callable[[int], object], calls: int) -> float:
    """Mean time per call over `calls` consecutive calls, in milliseconds."""
    start = time.perf_counter()
    for i in range(calls):
        work(i)
    return (time.perf_counter() - start) / calls * 1000.0


def timed_rounds(methods: dict[str, Callable[[int], object]]) -> dict[str, list[float]]:
    """Per-call times of every method, one entry per round; the methods alternate in a round."""
    for name, work in methods.items():  # warm-up: caches, imports, interpolation matrices
        time_ms(work, CALLS[name])
    times: dict[str, list[float]] = {name: [] for name in methods}
    for _ in range(ROUNDS):
        for name, work in methods.items():
            times[name].append(time_ms(work, CALLS[name]))
    return times


def radius_for(i: int) -> float:
    """A slightly different radius per call (800 km +- 5 km) so no cache can answer."""
    return 795.0 + (i % 11)


def mapviz_ring(i: int) -> object:
    return range_ring(*BELGOROD, radius_for(i))


def geographiclib_loop(i: int) -> object:
    lon, lat = BELGOROD
    points = []
    for azimuth in range(360):
        p = Geodesic.WGS84.Direct(lat, lon, float(azimuth), radius_for(i) * 1000.0)
        points.append((p["lon2"], p["lat2"]))
    return shapely.Polygon(points)


def aeqd_buffer(i: int) -> object:
    lon, lat = BELGOROD
    aeqd = f"+proj=aeqd +lat_0={lat} +lon_0={lon} +ellps=WGS84 +units=m"
    point = gpd.GeoSeries(gpd.points_from_xy([lon], [lat]), crs="EPSG:4326")
    return point.to_crs(aeqd).buffer(radius_for(i) * 1000.0, quad_segs=81).to_crs("EPSG:4326")


def worst_error_m(polygon: shapely.Polygon, radius_km: float, samples_per_edge: int = 8) -> float:
    """Largest |geodesic distance from the centre - radius| over vertices and points on edges."""
    coords = np.asarray(polygon.exterior.coords)
    t = np.linspace(0.0, 1.0, samples_per_edge, endpoint=False)
    a, b = coords[:-1], coords[1:]
    pts = (a[:, None, :] + t[None, :, None] * (b - a)[:, None, :]).reshape(-1, 2)
    n = len(pts)
    _, _, d = GEOD.inv(np.full(n, BELGOROD[0]), np.full(n, BELGOROD[1]), pts[:, 0], pts[:, 1])
    return float(np.max(np.abs(np.asarray(d) - radius_km * 1000.0)))


def mercator_circle(radius_km: float) -> shapely.Polygon:
    """What deck.gl ScatterplotLayer (radius in metres) and Leaflet circles draw."""
    to_merc = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    x0, y0 = to_merc.transform(*BELGOROD)
    r = radius_km * 1000.0 / math.cos(math.radians(BELGOROD[1]))
    theta = np.linspace(0.0, 2.0 * math.pi, 721)
    lon, lat = to_merc.transform(
        x0 + r * np.sin(theta), y0 + r * np.cos(theta), direction="INVERSE"
    )
    return shapely.Polygon(np.column_stack([lon, lat]))


def degree_buffer(radius_km: float) -> shapely.Polygon:
    return shapely.Point(*BELGOROD).buffer(radius_km / KM_PER_DEG, quad_segs=180)


def main() -> None:
    times = timed_rounds(
        {"mapviz": mapviz_ring, "geographiclib": geographiclib_loop, "aeqd": aeqd_buffer}
    )
    ours = times["mapviz"]

    def speed_up(name: str) -> float:
        return statistics.median(t / o for t, o in zip(times[name], ours, strict=True))

    vertices = len(range_ring(*BELGOROD, 800.0).exterior.coords) - 1
    print(
        "| method (800 km ring around Belgorod) | vertices | median ms per ring "
        "| mapviz speed-up (median, min-max over rounds) |"
    )
    print("|---|---|---|---|")
    rows = [
        ("mapviz `range_ring` (50 m tolerance, checked)", "mapviz", vertices),
        ("geographiclib `Direct` per vertex in a loop", "geographiclib", 360),
        ("geopandas AEQD project, buffer, project back", "aeqd", 325),
    ]
    for label, name, count in rows:
        ratios = [t / o for t, o in zip(times[name], ours, strict=True)]
        spread = f"{speed_up(name):.1f}x ({min(ratios):.1f}-{max(ratios):.1f})"
        print(f"| {label} | {count} | {statistics.median(times[name]):.3f} | {spread} |")
    cold = []
    for _ in range(ROUNDS):
        geodesy._model_matrix.cache_clear()
        cold.append(time_ms(mapviz_ring, 1))
    print()
    print(
        f"First ring with a vertex count not seen before (builds and caches its interpolation "
        f"matrix): {statistics.median(cold):.2f} ms median."
    )
    print()
    print("| radius | mapviz worst error | Mercator-scaled circle | shapely buffer in degrees |")
    print("|---|---|---|---|")
    for radius_km in (380.0, 800.0):
        ring = worst_error_m(range_ring(*BELGOROD, radius_km), radius_km)
        merc = worst_error_m(mercator_circle(radius_km), radius_km)
        deg = worst_error_m(degree_buffer(radius_km), radius_km)
        print(f"| {radius_km:.0f} km | {ring:.1f} m | {merc / 1000:.1f} km | {deg / 1000:.1f} km |")


if __name__ == "__main__":
    main()

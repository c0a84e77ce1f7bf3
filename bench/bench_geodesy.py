"""Benchmark: time and boundary error of mapviz range rings against common alternatives.

Run: `.venv/bin/python bench/bench_geodesy.py` (prints a Markdown table for docs/BENCHMARKS.md).
All timings are medians of repeated runs measured in this one process.
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

from mapviz.geodesy import range_ring

BELGOROD = (36.58015, 50.61074)
GEOD = Geod(ellps="WGS84")
REPEATS = 7
CALLS = 50
KM_PER_DEG = 111.32  # the usual "one degree is 111 km" shortcut the degree buffer relies on


def median_ms(work: Callable[[int], object]) -> float:
    """Median over REPEATS runs of the time per call, each run making CALLS calls."""
    runs = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for i in range(CALLS):
            work(i)
        runs.append((time.perf_counter() - start) / CALLS * 1000.0)
    return statistics.median(runs)


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
    ours = median_ms(mapviz_ring)
    loop = median_ms(geographiclib_loop)
    proj = median_ms(aeqd_buffer)
    vertices = len(range_ring(*BELGOROD, 800.0).exterior.coords) - 1
    print(
        "| method (800 km ring around Belgorod) | vertices | median ms per ring | mapviz speed-up |"
    )
    print("|---|---|---|---|")
    print(f"| mapviz `range_ring` (50 m tolerance, checked) | {vertices} | {ours:.3f} | 1x |")
    print(
        f"| geographiclib `Direct` per vertex in a loop | 360 | {loop:.3f} | {loop / ours:.1f}x |"
    )
    print(
        f"| geopandas AEQD project, buffer, project back | 325 | {proj:.3f} | {proj / ours:.1f}x |"
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

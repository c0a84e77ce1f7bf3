"""Benchmark: the strike x site distance matrix, 100,000 synthetic strikes to 50 sites.

Run: `.venv/bin/python bench/bench_distances.py` (prints a Markdown table for docs/BENCHMARKS.md).
`mapviz.geodesy.distances_km` (blocks of pairs on every core) and one `Geod.inv` call over the
whole matrix (what it did before) are timed in turn, round after round, in this one process; the
speed-up is the median of the rounds' own ratios. Both give the same distances bit for bit.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mapviz import geodesy
from mapviz.geodesy import GEOD, distances_km
from mapviz.synthetic import UKRAINE_BOX, synthetic_strikes

STRIKES = 100_000
SITES = 50
ROUNDS = 5


def one_call_km(
    s_lon: np.ndarray, s_lat: np.ndarray, t_lon: np.ndarray, t_lat: np.ndarray
) -> np.ndarray:
    """The whole matrix in one `Geod.inv` call: one core, 4 repeated arrays of N x M pairs."""
    n, m = s_lon.size, t_lon.size
    _, _, dist_m = GEOD.inv(
        np.repeat(s_lon, m), np.repeat(s_lat, m), np.tile(t_lon, n), np.tile(t_lat, n)
    )
    return np.asarray(dist_m).reshape(n, m) / 1000.0


def main() -> None:
    strikes = synthetic_strikes(STRIKES)
    s_lon, s_lat = strikes.geometry.x.to_numpy(), strikes.geometry.y.to_numpy()
    rng = np.random.default_rng(50)
    _, south, east, north = UKRAINE_BOX
    # candidate sites east of the strikes, as launch areas are
    t_lon = rng.uniform(east - 5.0, east + 10.0, SITES)
    t_lat = rng.uniform(south, north + 5.0, SITES)
    times: dict[str, list[float]] = {"mapviz": [], "one call": []}
    for _ in range(ROUNDS):
        for name, work in (("mapviz", distances_km), ("one call", one_call_km)):
            start = time.perf_counter()
            matrix = work(s_lon, s_lat, t_lon, t_lat)
            times[name].append(time.perf_counter() - start)
        assert np.array_equal(matrix, distances_km(s_lon, s_lat, t_lon, t_lat))
    ratios = [b / a for a, b in zip(times["mapviz"], times["one call"], strict=True)]
    print(
        f"{STRIKES:,} strikes x {SITES} sites, {ROUNDS} rounds, "
        f"{geodesy._DISTANCE_WORKERS} worker threads\n"
    )
    print("| method | median s | speed-up (median, min-max over rounds) |")
    print("|---|---|---|")
    print(
        "| mapviz `distances_km` (blocks on every core) "
        f"| {statistics.median(times['mapviz']):.2f} "
        f"| {statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f}) |"
    )
    print(f"| one `Geod.inv` call | {statistics.median(times['one call']):.2f} | 1.00x |")


if __name__ == "__main__":
    main()

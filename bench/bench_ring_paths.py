"""Benchmark: Python's two ring paths, the spectral model against the exact point-by-point one.

Run: `.venv/bin/python bench/bench_ring_paths.py` (prints a Markdown table for
docs/BENCHMARKS.md). `mapviz.geodesy.range_ring` takes most rings from a spectral model fitted
to 13 or 25 exact points, and computes the others point by point, as the map's JavaScript
(frontend/src/rings.js) computes every ring. Each row times a piece of work users wait for, in
turn with the model and without it (the model switched off, so every ring takes the exact
path), in the same rounds: medians and the median ratio of exact to model.
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from unittest import mock

import geopandas as gpd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mapviz import geodesy
from mapviz.analysis import Params
from mapviz.export import build_layers
from mapviz.layers import cached_ring
from mapviz.reach import launch_region
from mapviz.reference import launch_sites, reference_strikes
from mapviz.synthetic import synthetic_strikes

ROUNDS = 5
MIN_KM, MAX_KM = 380.0, 800.0


def timed(work: Callable[[], object], *, exact: bool) -> float:
    """Seconds `work` takes, with every ring from the exact path if `exact`.

    The rings export's per-ring cache is emptied first, so each round computes its rings.
    """
    cached_ring.cache_clear()
    context = (
        mock.patch.object(geodesy, "_spectral_ring", return_value=None)
        if exact
        else contextlib.nullcontext()
    )
    with context:
        start = time.perf_counter()
        work()
        return time.perf_counter() - start


def row(name: str, work: Callable[[], object]) -> str:
    times = [(timed(work, exact=False), timed(work, exact=True)) for _ in range(ROUNDS)]
    model = statistics.median(m for m, _ in times)
    exact = statistics.median(e for _, e in times)
    ratio = statistics.median(e / m for m, e in times)
    return f"| {name} | {1000 * model:,.1f} | {1000 * exact:,.1f} | {ratio:.1f}x |"


def main() -> None:
    sites = tuple(s for s in launch_sites() if s.default_selected)
    every_site = launch_sites()
    hundred = synthetic_strikes(100)
    thousand = synthetic_strikes(1_000)
    print(f"{ROUNDS} rounds each, medians; band {MIN_KM:.0f}-{MAX_KM:.0f} km, 50 m tolerance.\n")
    print("| work | spectral model ms | exact path ms | exact / model |")
    print("|---|---|---|---|")
    print(row("one 800 km ring", lambda: geodesy.range_ring(36.58, 50.61, MAX_KM)))
    print(
        row(
            f"rings export, {len(sites)} default launch points",
            lambda: build_layers(reference_strikes(), Params(sites=sites), names=("rings",)),
        )
    )
    print(
        row(
            f"rings export, all {len(every_site)} launch points",
            lambda: build_layers(reference_strikes(), Params(sites=every_site), names=("rings",)),
        )
    )
    for strikes in (hundred, thousand):
        print(row(f"launch region, {len(strikes):,} strikes", partial(region, strikes)))


def region(strikes: gpd.GeoDataFrame) -> object:
    """The feasible launch region of `strikes` for the band (what the page draws)."""
    return launch_region(strikes.geometry.x, strikes.geometry.y, MIN_KM, MAX_KM)


if __name__ == "__main__":
    main()

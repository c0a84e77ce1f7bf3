"""Benchmark: export 100,000 synthetic strikes with distances to GeoJSON and GeoPackage.

Run: `.venv/bin/python bench/bench_export.py`. Each format is measured in fresh processes (median
time of the runs; peak RSS of the process above its level before the export).
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mapviz.analysis import Params
from mapviz.export import build_layers, geojson_bytes, gpkg_bytes, provenance, shipped_inputs
from mapviz.reference import launch_sites
from mapviz.synthetic import synthetic_strikes

ROWS = 100_000
RUNS = 3


def measure_one(fmt: str) -> None:
    """Child process: build the strikes layer (with distances) and export it once."""
    sites = tuple(s for s in launch_sites() if s.default_selected)
    params = Params(sites=sites)
    strikes = synthetic_strikes(ROWS, seed=2)
    before_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    layers = build_layers(strikes, params)
    measured_s = time.perf_counter() - start
    metadata = provenance(params, shipped_inputs())
    start = time.perf_counter()
    if fmt == "GeoJSON":
        data = geojson_bytes(layers["strikes"], layer="strikes", metadata=metadata)
    else:
        data = gpkg_bytes({"strikes": layers["strikes"]}, metadata)
    export_s = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "measure_s": measured_s,
                "export_s": export_s,
                "bytes": len(data),
                "added_mib": (peak_kib - before_kib) / 1024,
            }
        )
    )


def main() -> None:
    print(
        f"| format ({ROWS:,} strikes, 3 sites) | filter + distances s | export s | file MiB "
        "| RSS added MiB |"
    )
    print("|---|---|---|---|---|")
    for fmt in ("GeoJSON", "GeoPackage"):
        runs = [
            json.loads(
                subprocess.run(
                    [sys.executable, __file__, fmt], check=True, capture_output=True, text=True
                ).stdout
            )
            for _ in range(RUNS)
        ]
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(
            f"| {fmt} | {med['measure_s']:.2f} | {med['export_s']:.2f} "
            f"| {med['bytes'] / 2**20:.1f} | {med['added_mib']:.0f} |"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1:
        measure_one(sys.argv[1])
    else:
        main()

"""Benchmark: load and validate 100,000 synthetic strike reports (CSV, GeoParquet), and a
CSV of 1,000,000 short rows, 1% of them bad, within the 50 MB upload cap.

Run: `.venv/bin/python bench/bench_loaders.py`. Each measurement runs in a fresh process so its
peak memory (max RSS) is its own; the table reports the median of the runs.
"""

from __future__ import annotations

import io
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mapviz.loaders import read_strikes
from mapviz.synthetic import synthetic_strikes

ROWS = 100_000
MILLION = 1_000_000
BAD_EVERY = 100
"""In the million-row CSV, every 100th row has a latitude of 95 (listed, not kept)."""
RUNS = 5


def write_inputs(folder: Path) -> dict[str, tuple[Path, int]]:
    """Write the inputs; return each one's path and the rows it should keep."""
    strikes = synthetic_strikes(ROWS, seed=1)
    table = strikes.drop(columns="geometry")
    table["lat"] = strikes.geometry.y
    table["lon"] = strikes.geometry.x
    paths = {
        f"CSV, {ROWS:,} rows": (folder / "strikes.csv", ROWS),
        f"GeoParquet, {ROWS:,} rows": (folder / "strikes.parquet", ROWS),
        f"CSV, {MILLION:,} short rows, 1% bad": (
            folder / "million.csv",
            MILLION - MILLION // BAD_EVERY,
        ),
    }
    table.to_csv(paths[f"CSV, {ROWS:,} rows"][0], index=False)
    strikes.to_parquet(paths[f"GeoParquet, {ROWS:,} rows"][0])
    with paths[f"CSV, {MILLION:,} short rows, 1% bad"][0].open("w") as out:
        out.write("id,date,place,lat,lon\n")
        out.writelines(
            f"m{i},2024-01-02,Kharkiv,{95 if i % BAD_EVERY == 0 else 50 + (i % 997) / 1000},36.2\n"
            for i in range(MILLION)
        )
    return paths


def measure_one(path: Path, kept: int) -> None:
    """Child process: time one read_strikes call and report peak memory above the baseline."""
    data = path.read_bytes()
    before_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    upload = io.BytesIO(data)
    upload.name = path.name
    start = time.perf_counter()
    result = read_strikes(upload)
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert len(result.strikes) == kept, len(result.strikes)
    print(
        json.dumps(
            {"s": seconds, "peak_mib": peak_kib / 1024, "added_mib": (peak_kib - before_kib) / 1024}
        )
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = write_inputs(Path(folder))
        print("| input | file size | median s | peak RSS MiB | added MiB |")
        print("|---|---|---|---|---|")
        for label, (path, kept) in paths.items():
            runs = [
                json.loads(
                    subprocess.run(
                        [sys.executable, __file__, str(path), str(kept)],
                        check=True,
                        capture_output=True,
                        text=True,
                    ).stdout
                )
                for _ in range(RUNS)
            ]
            seconds = statistics.median(r["s"] for r in runs)
            peak = statistics.median(r["peak_mib"] for r in runs)
            added = statistics.median(r["added_mib"] for r in runs)
            size_mib = path.stat().st_size / 2**20
            print(f"| {label} | {size_mib:.1f} MiB | {seconds:.2f} | {peak:.0f} | {added:.0f} |")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        measure_one(Path(sys.argv[1]), int(sys.argv[2]))
    else:
        main()

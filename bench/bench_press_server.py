"""Benchmark: the server's work for one slider press, this tree against an earlier revision.

Run: `.venv/bin/python bench/bench_press_server.py REVISION [--strikes 100000] [--rounds 2]`
(prints a Markdown table for docs/BENCHMARKS.md). The revision is checked out into a temporary
git worktree; each tree's app runs in its own process through Streamlit's AppTest, on the same
synthetic strikes, and is sent the same presses (the component's value, as the browser sends
it); a press's time is one run of the page to the end. The trees take turns, `--rounds` times
each, so both see the same noise; medians of each round's presses after `WARM` warm ones.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRESSES = 24
WARM = 4


def measure(tree: Path, strikes: int) -> list[tuple[float, float]]:
    """Time `PRESSES` presses in the app of `tree`, in this process.

    Returns each press's (wall, CPU) seconds: AppTest waits for the run by polling every few
    milliseconds, so the wall time is rounded up to that; the process's CPU time is the run's
    own work (waiting costs none).
    """
    os.environ["MAPVIZ_SYNTHETIC_STRIKES"] = str(strikes)
    sys.path[:0] = [str(tree), str(tree / "src")]
    from streamlit.testing.v1 import AppTest  # noqa: PLC0415 - after the tree's paths

    at = AppTest.from_file(str(tree / "app.py"), default_timeout=600).run()

    def seq() -> int:
        (component,) = [
            c for c in at.get("component_instance") if c.proto.component_name.endswith("mapviz_map")
        ]
        number: int = json.loads(component.proto.json_args)["range"]["seq"]
        return number

    times: list[tuple[float, float]] = []
    for i in range(PRESSES):
        at.session_state["map"] = {"min_km": 380, "max_km": 810 + 10 * (i % 2), "seq": seq()}
        wall, cpu = time.perf_counter(), time.process_time()
        at.run()
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
        if at.exception:
            raise RuntimeError([e.value for e in at.exception])
    return times[WARM:]


def main() -> None:
    """Measure both trees in turn; print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("revision", nargs="?")
    parser.add_argument("--strikes", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--tree", type=Path, help=argparse.SUPPRESS)  # one measurement
    args = parser.parse_args()
    if args.tree is not None:
        print(json.dumps(measure(args.tree, args.strikes)))
        return
    with tempfile.TemporaryDirectory() as temp:
        baseline = Path(temp) / "baseline"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(baseline),
             args.revision],
            check=True,
        )  # fmt: skip
        try:
            medians: dict[str, list[tuple[float, float]]] = {"baseline": [], "this tree": []}
            for _ in range(args.rounds):
                for name, tree in (("baseline", baseline), ("this tree", ROOT)):
                    out = subprocess.run(
                        [sys.executable, __file__, "--tree", str(tree),
                         "--strikes", str(args.strikes)],
                        check=True, capture_output=True, text=True,
                    ).stdout  # fmt: skip
                    presses = json.loads(out.splitlines()[-1])
                    medians[name].append(
                        (
                            statistics.median(wall for wall, _ in presses),
                            statistics.median(cpu for _, cpu in presses),
                        )
                    )
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)],
                check=True,
            )
    print(f"| tree ({args.strikes:,} strikes) | wall ms per press, each round | CPU ms |")
    print("|---|---|---|")
    for name, rounds in medians.items():
        label = f"{name} ({args.revision})" if name == "baseline" else name
        walls = ", ".join(f"{wall * 1000:.1f}" for wall, _ in rounds)
        cpus = ", ".join(f"{cpu * 1000:.1f}" for _, cpu in rounds)
        print(f"| {label} | {walls} | {cpus} |")
    for column, what in ((0, "wall"), (1, "CPU")):
        ours = statistics.median(r[column] for r in medians["this tree"])
        theirs = statistics.median(r[column] for r in medians["baseline"])
        print(f"\nthis tree / baseline, {what}: {ours / theirs:.2f}x")


if __name__ == "__main__":
    main()

"""The package installed from its wheel: it carries its data and runs from any directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def pip(command: str, *arguments: str) -> None:
    """Run pip's `command` quietly, without dependencies (they are this environment's)."""
    subprocess.run(
        [sys.executable, "-m", "pip", command, "--quiet", "--no-deps", *arguments], check=True
    )


def build_wheel(tmp_path: Path) -> Path:
    """Build mapviz's wheel from a copy of the sources (the checkout stays clean)."""
    sources = tmp_path / "sources"
    sources.mkdir()
    for name in ("pyproject.toml", "README.md", "src", "data"):
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(
                origin, sources / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(origin, sources / name)
    wheels = tmp_path / "wheels"
    pip("wheel", "--no-build-isolation", "--wheel-dir", str(wheels), str(sources))
    (wheel,) = wheels.glob("mapviz-*.whl")
    return wheel


def test_the_installed_wheel_exports_from_another_directory(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    site = tmp_path / "site"
    pip("install", "--no-index", "--target", str(site), str(wheel))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # the installed copy comes first on the path, before the checkout's editable install
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run(
        [sys.executable, "-c", "import mapviz.paths as p; print(p.DATA_DIR)"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    data = Path(where.stdout.strip())
    assert data.is_relative_to(site), data  # read from the installed package, not the checkout
    assert not data.is_symlink()
    shipped = sorted(p.relative_to(ROOT / "data").as_posix() for p in (ROOT / "data").rglob("*"))
    assert sorted(p.relative_to(data).as_posix() for p in data.rglob("*")) == shipped
    run = subprocess.run(
        [sys.executable, "-m", "mapviz", "export", "--out", "out", "--format", "geojson"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    strikes = json.loads((elsewhere / "out" / "strikes.geojson").read_text())
    assert len(strikes["features"]) == 5
    basemap = ROOT / "data" / "naturalearth" / "ne_land.geojson"
    assert (data / "naturalearth" / "ne_land.geojson").read_bytes() == basemap.read_bytes()
    assert (site / "mapviz" / "map_component" / "bundle.js").is_file()

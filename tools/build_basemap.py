"""Rebuild the reduced Natural Earth layers from ../shared/data/naturalearth.

Writes data/naturalearth/: the vector layers, and ne_country_labels.json (country names, largest
country first, each with the lowest zoom at which it fits inside its country).

Run once by a maintainer (`python tools/build_basemap.py [SOURCE_DIR]`); the app serves the
layers as they are and deck.gl draws them, and never reads ../shared.
What this does to each layer is recorded in data/README.md.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "naturalearth"
THEATRE_BBOX = (20.0, 40.0, 50.0, 60.0)
"""Oblast lines are kept in this lon/lat box only (Ukraine and western Russia)."""
WORLD_PX_AT_ZOOM_0 = 512
"""deck.gl's Web Mercator scale: the world is 512 px wide at zoom 0, 512 x 2**z at zoom z."""
PLACE_NAME_CHAR_PX = 7.0
"""Estimated width of one character of a country name at the map's 12 px."""
PRECISION_DEG = 0.001
"""Grid the coordinates are rounded to (about 110 m), well below the layers' own simplification."""


def _largest_part(geometry: BaseGeometry) -> Polygon:
    parts = list(getattr(geometry, "geoms", [geometry]))
    return max(parts, key=lambda part: part.area)


def label_min_zoom(name: str, part: Polygon) -> float:
    """Return the lowest zoom at which `name` is no wider than `part` (its country's largest).

    Width in the map's pixels at zoom z is degrees of longitude x 512 x 2**z / 360 (deck.gl's
    scale, `WORLD_PX_AT_ZOOM_0`); the name's width is estimated from its length as the map does
    (`PLACE_NAME_CHAR_PX`). Clamped to zoom 0-8 (every name shows from zoom 8).
    """
    west, _, east, _ = part.bounds
    text_px = PLACE_NAME_CHAR_PX * len(name)
    zoom = math.log2(text_px * 360.0 / (WORLD_PX_AT_ZOOM_0 * max(east - west, 1e-6)))
    return min(max(zoom, 0.0), 8.0)


def _write(frame: gpd.GeoDataFrame, name: str) -> None:
    target = OUT / name
    target.unlink(missing_ok=True)
    frame.to_file(
        target,
        driver="GeoJSON",
        engine="pyogrio",
        layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": "3", "WRITE_BBOX": "NO"},
    )
    print(f"{name}: {len(frame)} features, {target.stat().st_size:,} bytes")


def main(source: Path) -> None:
    """Reduce the Natural Earth layers to what the map needs."""
    OUT.mkdir(parents=True, exist_ok=True)
    for name in ("ne_land.geojson", "ne_admin0_boundaries.geojson", "ne_lakes.geojson"):
        frame = gpd.read_file(source / name)[["geometry"]]
        frame["geometry"] = shapely.set_precision(frame.geometry.values, PRECISION_DEG)
        _write(frame[~frame.geometry.is_empty], name)
    admin1 = gpd.read_file(source / "ne_admin1_boundaries.geojson", bbox=THEATRE_BBOX)[["geometry"]]
    admin1["geometry"] = shapely.set_precision(admin1.geometry.values, PRECISION_DEG)
    _write(admin1[~admin1.geometry.is_empty], "ne_admin1_theatre.geojson")
    countries = gpd.read_file(source / "ne_countries_110m.geojson")
    parts = [_largest_part(geometry) for geometry in countries.geometry]
    rows = zip(parts, countries["name"], countries["label_x"], countries["label_y"], strict=True)
    # Largest countries first: where two names would overlap, the map keeps the earlier one.
    labels = [
        {
            "p": [round(float(x), 3), round(float(y), 3)],
            "t": str(name),
            "z": round(label_min_zoom(str(name), part), 1),
        }
        for part, name, x, y in sorted(rows, key=lambda row: -row[0].area)
    ]
    target = OUT / "ne_country_labels.json"
    target.write_text(json.dumps(labels, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{target.name}: {len(labels)} labels, {target.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/data/naturalearth")

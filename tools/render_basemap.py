"""Render the offline basemap (Natural Earth) into Web Mercator PNG images for a BitmapLayer.

A raster basemap costs the browser one textured quad per frame, whatever the map shows; vector
GeoJSON layers of the same data cost seconds per update under software WebGL (SwiftShader), see
docs/BENCHMARKS.md. The images are kept small because the browser uploads them as textures, which
under software WebGL costs first paint in proportion to their pixels: the world at zoom-3 pixel
size, the theatre at zoom 6 (at 50N a zoom-6 pixel is 1.6 km, about 1:6 million on screen, already
finer than Natural Earth's 1:10 million). Run by a maintainer: `python tools/render_basemap.py`;
the images are committed with their checksums in data/README.md.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon

from mapviz.deck import MERCATOR_MAX_LAT_DEG as MERCATOR_MAX_LAT
from mapviz.deck import mercator_y

ROOT = Path(__file__).resolve().parents[1]
BASEMAP = ROOT / "static" / "basemap"
VECTORS = ROOT / "data" / "naturalearth"
SUPERSAMPLE = 2
SEA = (214, 230, 240)
LAND = (236, 234, 226)
BORDER = (120, 120, 120)
OBLAST = (175, 175, 175)
LABEL = (90, 90, 90)
LABEL_PX = 11
"""Country names are drawn into the images: a text layer costs the browser work on every map
update, an image none."""

# name: (west, south, east, north, zoom level whose pixel size the image matches, oblast lines)
IMAGES = {
    "world": (-180.0, -MERCATOR_MAX_LAT, 180.0, MERCATOR_MAX_LAT, 3, False),
    "theatre": (20.0, 40.0, 50.0, 60.0, 6, True),
    "indo_pacific": (110.0, -25.0, 155.0, 40.0, 5, False),
}


def render(name: str) -> dict[str, object]:
    """Render one image; return its entry for basemap.json (file name and lon/lat bounds)."""
    west, south, east, north, zoom, oblasts = IMAGES[name]
    px_per_deg = 256 * 2**zoom / 360.0 * SUPERSAMPLE
    width = round((east - west) * px_per_deg)
    top, bottom = mercator_y(np.array([north, south]))
    px_per_merc = px_per_deg * 180.0 / math.pi
    height = round((top - bottom) * px_per_merc)

    def pixels(coords: Iterable[tuple[float, ...]]) -> list[tuple[float, float]]:
        xy = np.asarray([c[:2] for c in coords], dtype=float)
        x = (xy[:, 0] - west) * px_per_deg
        y = (top - mercator_y(np.clip(xy[:, 1], -MERCATOR_MAX_LAT, MERCATOR_MAX_LAT))) * px_per_merc
        return list(zip(x.tolist(), y.tolist(), strict=True))

    image = Image.new("RGB", (width, height), SEA)
    draw = ImageDraw.Draw(image)
    bbox = (west - 1, max(south - 1, -90), east + 1, min(north + 1, 90))
    for polygon in _polygons(gpd.read_file(VECTORS / "ne_land.geojson", bbox=bbox).geometry):
        draw.polygon(pixels(polygon.exterior.coords), fill=LAND)
        for hole in polygon.interiors:
            draw.polygon(pixels(hole.coords), fill=SEA)
    for polygon in _polygons(gpd.read_file(VECTORS / "ne_lakes.geojson", bbox=bbox).geometry):
        draw.polygon(pixels(polygon.exterior.coords), fill=SEA)
    if oblasts:
        for line in _lines(gpd.read_file(VECTORS / "ne_admin1_theatre.geojson").geometry):
            draw.line(pixels(line.coords), fill=OBLAST, width=SUPERSAMPLE)
    for line in _lines(gpd.read_file(VECTORS / "ne_admin0_boundaries.geojson", bbox=bbox).geometry):
        draw.line(pixels(line.coords), fill=BORDER, width=SUPERSAMPLE + 1)
    labels = json.loads((BASEMAP / "ne_country_labels.json").read_text(encoding="utf-8"))
    font = ImageFont.load_default(size=LABEL_PX * SUPERSAMPLE)
    for label in labels:
        lon, lat = label["p"]
        if not (west <= lon <= east and south <= lat <= north):
            continue
        ((x, y),) = pixels([(lon, lat)])
        draw.text(
            (x, y),
            label["t"],
            fill=LABEL,
            font=font,
            anchor="mm",
            stroke_width=SUPERSAMPLE,
            stroke_fill=LAND,
        )
    image = image.resize((width // SUPERSAMPLE, height // SUPERSAMPLE), Image.Resampling.LANCZOS)
    file_name = f"basemap_{name}.png"
    image.save(BASEMAP / file_name, optimize=True)
    size = (BASEMAP / file_name).stat().st_size
    print(f"{file_name}: {image.width} x {image.height} px, {size:,} bytes")
    return {"name": name, "image": file_name, "bounds": [west, south, east, north]}


def _polygons(geometries: gpd.GeoSeries) -> list[Polygon]:
    out: list[Polygon] = []
    for geometry in geometries:
        if isinstance(geometry, Polygon):
            out.append(geometry)
        elif isinstance(geometry, MultiPolygon):
            out.extend(geometry.geoms)
    return out


def _lines(geometries: gpd.GeoSeries) -> list[LineString]:
    out: list[LineString] = []
    for geometry in geometries:
        if isinstance(geometry, LineString):
            out.append(geometry)
        elif isinstance(geometry, MultiLineString):
            out.extend(geometry.geoms)
    return out


def main() -> None:
    """Render every image and write static/basemap/basemap.json."""
    entries = [render(name) for name in IMAGES]
    (BASEMAP / "basemap.json").write_text(json.dumps(entries, indent=1) + "\n")


if __name__ == "__main__":
    main()

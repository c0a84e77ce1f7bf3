"""Render the offline basemap (Natural Earth) into Web Mercator PNG images for a BitmapLayer.

A raster basemap costs the browser one textured quad per frame, whatever the map shows; vector
GeoJSON layers of the same data cost seconds per update under software WebGL (SwiftShader), see
docs/BENCHMARKS.md. The images are kept small because the browser uploads them as textures, which
under software WebGL costs first paint in proportion to their pixels: the world at zoom-3 pixel
size, and Europe to the Urals (the whole Ukraine-theatre view, so no magnified world image shows
in it) at zoom 5. These are 256-px map-tile zooms: deck.gl's zoom for the same scale is one lower
(`mapviz.deck.WORLD_PX_AT_ZOOM_0`). At 50N a zoom-5 pixel is 3.1 km, about 1:11 million on
screen, the scale of Natural Earth's 1:10 million data. Country names are not drawn in: text in
an image reads only near the zoom it was drawn for (tiny in the world view, blurred when
magnified), so the map draws them as text (`mapviz.deck.place_names_layer`). Run by a
maintainer: `python tools/render_basemap.py`; the images are committed with their checksums in
data/README.md.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
from PIL import Image, ImageDraw
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

# name: (west, south, east, north, zoom level whose pixel size the image matches, oblast lines)
IMAGES = {
    "world": (-180.0, -MERCATOR_MAX_LAT, 180.0, MERCATOR_MAX_LAT, 3, False),
    "theatre": (-12.0, 34.0, 75.0, 66.0, 5, True),
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

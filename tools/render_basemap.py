"""Render the offline basemap (Natural Earth) into Web Mercator PNG images for a BitmapLayer.

A raster basemap costs the browser one textured quad per frame, whatever the map shows; vector
GeoJSON layers of the same data cost seconds per update under software WebGL (SwiftShader), see
docs/BENCHMARKS.md. The images are kept small because the browser uploads them as textures, which
under software WebGL costs first paint in proportion to their pixels: the world at zoom-3 pixel
size, and Europe to the Urals (the whole Ukraine-theatre view, so no magnified world image shows
in it) at zoom 5. These are 256-px map-tile zooms: deck.gl's zoom for the same scale is one
lower (`mapviz.deck.WORLD_PX_AT_ZOOM_0`). At 50N a zoom-5 pixel is 3.1 km, about 1:11 million on
screen, the scale of Natural Earth's 1:10 million data. The world image ships as the pieces that
the regional images leave uncovered (`main`), so no frame pays for world pixels hidden beneath a
regional image. Country names are not drawn in: text in an image reads only near the zoom it was
drawn for (tiny in the world view, blurred when magnified), so the map draws them as text
(`mapviz.deck.place_names_layer`). Run by a maintainer: `python tools/render_basemap.py`; the
images are committed with their checksums in data/README.md.
"""

from __future__ import annotations

import itertools
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


def render(name: str) -> Image.Image:
    """Render one image at its size (see IMAGES)."""
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
    return image.resize((width // SUPERSAMPLE, height // SUPERSAMPLE), Image.Resampling.LANCZOS)


def save(image: Image.Image, name: str, bounds: list[float]) -> dict[str, object]:
    """Write one image; return its entry for basemap.json (file name and lon/lat bounds)."""
    file_name = f"basemap_{name}.png"
    image.save(BASEMAP / file_name, optimize=True)
    size = (BASEMAP / file_name).stat().st_size
    print(f"{file_name}: {image.width} x {image.height} px, {size:,} bytes")
    return {"name": name, "image": file_name, "bounds": bounds}


def uncovered(
    width: int, height: int, holes: list[tuple[int, int, int, int]]
) -> list[tuple[int, int, int, int]]:
    """Return rectangles (left, top, right, bottom; pixels) covering the image except the holes.

    The image is cut into bands at the holes' top and bottom edges; each band keeps the runs of
    columns no hole covers, and neighbouring bands with the same runs are merged.
    """
    ys = sorted({0, height, *(y for _, top, _, bottom in holes for y in (top, bottom))})
    pieces: list[tuple[int, int, int, int]] = []
    open_runs: dict[tuple[int, int], int] = {}  # run of columns -> top of the band it started
    for top, bottom in itertools.pairwise(ys):
        cuts = sorted((left, right) for left, t, right, b in holes if t <= top and bottom <= b)
        runs, x = [], 0
        for left, right in cuts:
            if left > x:
                runs.append((x, left))
            x = max(x, right)
        if x < width:
            runs.append((x, width))
        for run in list(open_runs):
            if run not in runs:
                pieces.append((run[0], open_runs.pop(run), run[1], top))
        for run in runs:
            open_runs.setdefault(run, top)
    pieces += [(left, top, right, height) for (left, right), top in open_runs.items()]
    return sorted(pieces, key=lambda p: (p[1], p[0]))


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
    """Render every image and write static/basemap/basemap.json.

    The world image is written as the pieces of it that the regional images, drawn on top, do
    not cover: under software WebGL a frame costs every pixel of every image layer on screen, and
    in the Ukraine and Kharkiv views the world image lay entirely beneath the regional one. The
    pieces reach up to a pixel under the regional images, so nothing between them is left empty.
    """
    world, *regional = IMAGES
    image = render(world)
    west, south, east, north = IMAGES[world][:4]
    px_per_deg = image.width / (east - west)
    top = float(mercator_y(np.array([north]))[0])
    px_per_merc = image.height / (top - float(mercator_y(np.array([south]))[0]))

    def x_px(lon: float) -> float:
        return (lon - west) * px_per_deg

    def y_px(lat: float) -> float:
        return (top - float(mercator_y(np.array([lat]))[0])) * px_per_merc

    def lat_of(y: int) -> float:
        return round(math.degrees(math.atan(math.sinh(top - y / px_per_merc))), 8)

    holes = []
    for name in regional:
        r_west, r_south, r_east, r_north = IMAGES[name][:4]
        holes.append(
            (
                math.ceil(x_px(r_west)),
                math.ceil(y_px(r_north)),
                math.floor(x_px(r_east)),
                math.floor(y_px(r_south)),
            )
        )
    entries = []
    for i, (left, upper, right, lower) in enumerate(uncovered(image.width, image.height, holes)):
        bounds = [
            round(west + left / px_per_deg, 8),
            lat_of(lower),
            round(west + right / px_per_deg, 8),
            lat_of(upper),
        ]
        entries.append(save(image.crop((left, upper, right, lower)), f"{world}_{i}", bounds))
    for name in regional:
        entries.append(save(render(name), name, list(IMAGES[name][:4])))
    (BASEMAP / "basemap.json").write_text(json.dumps(entries, indent=1) + "\n")


if __name__ == "__main__":
    main()

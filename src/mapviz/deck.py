"""The map's layers as a pydeck Deck spec: basemap, strikes, launch points, hypothetical areas.

UI-free: builds the deck spec from layer frames. The map component (`mapviz.mapcomponent`)
reads it in the browser and draws its layers in order on 2D canvases, as deck.gl's layers of
those types draw them (frontend/src/spec.js lists the types and props it draws; a test checks
that the page sends no other), and draws the range rings, which follow the sliders, itself, with
the colours, widths and label sizes defined here. The spec stays a plain pydeck deck (whether
deck.gl itself draws it alike is not tested). Every layer has a fixed `id`. A record's tooltip
is its `tt` field, plain text prepared here, shown as text (never parsed as HTML).

Lines (dashed outlines, uncertainty circles) are line layers, one record per straight segment
of four numbers: each dash is its own line, with no dash pattern to apply. (When the map was
drawn with WebGL, a path layer's pipeline and segments cost several times a line layer's under
software rendering; see docs/BENCHMARKS.md.)
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import pydeck as pdk
from PIL import Image
from pydeck.bindings import deck as pydeck_deck
from pydeck.bindings.json_tools import default_serialize
from shapely.geometry import MultiPolygon, Polygon

from mapviz.model import ATTRIBUTIONS
from mapviz.units import HALF_TURN_DEG

# Okabe-Ito colour-blind-safe palette (RGB)
BLUE: Final = (0, 114, 178)
SKY: Final = (86, 180, 233)
GREEN: Final = (0, 158, 115)
ORANGE: Final = (230, 159, 0)
VERMILLION: Final = (213, 94, 0)
PURPLE: Final = (204, 121, 167)
GREY: Final = (110, 110, 110)
BLACK: Final = (0, 0, 0)

ATTRIBUTION_COLOURS: Final[dict[str, tuple[int, int, int]]] = dict(
    zip(ATTRIBUTIONS, (BLUE, GREEN, ORANGE, VERMILLION, GREY), strict=True)
)
MIN_RING_COLOUR: Final = BLUE
MAX_RING_COLOUR: Final = VERMILLION
BAND_FILL: Final = (*SKY, 45)
HYPOTHETICAL_COLOUR: Final = PURPLE
HYPOTHETICAL_TEXT_COLOUR: Final = (120, 40, 100)
UNCERTAINTY_RGBA: Final = (*BLACK, 160)
RING_LABEL_OFFSET_PX: Final = (0, -9)
SITE_LABEL_OFFSET_PX: Final = (0, 14)
SITE_DOT_PX: Final = 6
STRIKE_DOT_PX: Final = 5
STRIKE_RIM: Final = (20, 20, 20)
PRECISION_FILL: Final = (120, 120, 120, 40)
WHITE: Final = (255, 255, 255)
RING_WIDTH_PX: Final = 2.5
ENVELOPE_WIDTH_PX: Final = 1.5
UNCERTAINTY_WIDTH_PX: Final = 1
HYPOTHETICAL_WIDTH_PX: Final = 2
LABEL_CHAR_PX: Final = 7.5
"""Estimated width of one character of a bold label at LABEL_SIZE_PX."""
DISPLAY_DECIMALS: Final = 5
"""Coordinates sent to the browser are rounded to 1e-5 degree (about 1 m)."""

VECTOR_STRIKE_LIMIT: Final = 2000
"""Up to this many strikes are drawn as points with tooltips and precision circles; beyond it
as one image, whose cost does not grow with the number of strikes. Points travel as a file of
records (about 300 bytes each, with their tooltips) that the browser fetches and parses, and the
map draws every dot on every frame of a drag or zoom."""
MAX_RASTER_SIDE_PX: Final = 4096
MAX_RASTER_ZOOM: Final = 9
WORLD_PX_AT_ZOOM_0: Final = 512
"""deck.gl's Web Mercator scale: the world is 512 px wide at zoom 0, 512 x 2**z at zoom z. (Map
tiles of 256 px number their zooms one higher for the same scale.)"""
RASTER_DOT_PX: Final = 2
RIM_RGBA: Final = (40, 40, 40, 255)
RASTER_PAD_DEG: Final = 0.5
MERCATOR_MAX_LAT_DEG: Final = 85.05112878
LABEL_SIZE_PX: Final = 13
LABEL_FONT: Final = "Helvetica, Arial, sans-serif"
PLACE_NAME_SIZE_PX: Final = 12
PLACE_NAME_CHAR_PX: Final = 7.0
"""Estimated width of one character of a country name at PLACE_NAME_SIZE_PX (the same estimate
tools/build_basemap.py uses for each name's lowest zoom)."""
PLACE_NAME_GAP_PX: Final = 4.0
PLACE_NAME_ZOOM_SLACK: Final = 0.5
"""A country name is shown from half a zoom level below the one at which it fits its country
(a name may be up to 1.4 times as wide as its country)."""
PLACE_NAME_RGBA: Final = (80, 80, 80, 255)
CITY_MIN_ZOOM: Final = 4.0
"""City names show from this zoom (the Ukraine view) on; in the wider views they would crowd."""
CITY_NAME_GAP_PX: Final = 8.0
LABEL_STACK_PX: Final = 36
LABEL_NEIGHBOUR_DEG: Final = 3.0
"""Labels of places closer than this (in longitude and latitude) are stacked, not overlapped."""

MAX_DISPLAY_CHARS: Final = 300
"""Text from data longer than this is cut (with an ellipsis) in tooltips and labels; the data and
the exports keep it whole."""
_EXPRESSION_PREFIX: Final = "@@"
_ZERO_WIDTH_SPACE: Final = "\u200b"

BASEMAP_URL: Final = "app/static/basemap/{name}"
BASEMAP_INDEX: Final = Path(__file__).resolve().parents[2] / "static" / "basemap" / "basemap.json"
COUNTRY_LABELS: Final = (
    Path(__file__).resolve().parents[2] / "data" / "naturalearth" / "ne_country_labels.json"
)
LAYER_CACHE_URL: Final = "app/static/cache/{name}"


# pydeck looks for its Jupyter widget (an import that fails here) on every Deck(), which costs
# milliseconds on each slider move; the answer cannot change while the server runs: ask once.
pydeck_deck.has_jupyter_extra = cache(pydeck_deck.has_jupyter_extra)


@dataclass(frozen=True)
class ViewPreset:
    """A named map view (centre in degrees, deck.gl zoom level)."""

    label: str
    lon: float
    lat: float
    zoom: float


VIEW_PRESETS: Final = {
    "kharkiv": ViewPreset("Kharkiv", 36.8, 50.4, 5.4),
    "ukraine": ViewPreset("Ukraine theatre", 34.0, 49.5, 4.2),
    "indo-pacific": ViewPreset("Indo-Pacific", 128.0, 12.0, 2.6),
    "world": ViewPreset("Whole world", 60.0, 30.0, 0.6),
}


def inert(text: object) -> str:
    """Return text from data made safe to place inside the deck spec, shortened for display.

    deck.gl's JSON converter, which reads pydeck specs, evaluates strings that start with "@@"
    ("@@=expression", "@@#CONSTANT"); a zero-width space after the first "@" keeps such text as
    text. (The map's own reader evaluates only mapviz's two accessor forms, and only as a layer's
    props; the spec stays safe for any reader.) HTML needs no escaping here: tooltips and labels
    are drawn as text, never parsed as HTML.
    """
    value = str(text)
    if len(value) > MAX_DISPLAY_CHARS:
        value = value[: MAX_DISPLAY_CHARS - 1] + "\u2026"
    if value.startswith(_EXPRESSION_PREFIX):
        value = "@" + _ZERO_WIDTH_SPACE + value[1:]
    return value


def _rounded(coords: Iterable[tuple[float, ...]]) -> list[list[float]]:
    xy = np.asarray(coords, dtype=np.float64)[:, :2]
    rounded: list[list[float]] = np.round(xy, DISPLAY_DECIMALS).tolist()
    return rounded


def _rings_of(geometry: Polygon | MultiPolygon) -> list[list[list[list[float]]]]:
    """deck.gl polygons ([outer, *holes]) of a (multi)polygon."""
    polygons = geometry.geoms if isinstance(geometry, MultiPolygon) else [geometry]
    return [
        [_rounded(p.exterior.coords), *(_rounded(h.coords) for h in p.interiors)]
        for p in polygons
        if not p.is_empty
    ]


def strike_records(strikes: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Per-strike objects for the browser (`strike_layers`).

    Position `p`, attribution colour `c`, rim `k`, dot radius `d` (pixels), precision radius `r`
    (metres) and its fill `g`, tooltip `tt`.
    """
    if strikes.empty:
        return []
    lon = np.round(strikes.geometry.x.to_numpy(), DISPLAY_DECIMALS)
    lat = np.round(strikes.geometry.y.to_numpy(), DISPLAY_DECIMALS)
    colours = strikes["attribution"].map(lambda a: list(ATTRIBUTION_COLOURS.get(a, GREY)))
    radius_m = strikes["location_radius_km"].fillna(0.0).to_numpy() * 1000.0
    dates = strikes["date"].dt.strftime("%Y-%m-%d").fillna("date unknown")
    publishers = strikes["sources"].map(_publishers)

    def short(column: str) -> pd.Series:
        texts: pd.Series = strikes[column].astype(str).map(inert)
        return texts

    tooltip = (
        dates
        + " | "
        + short("place")
        + "\nPrecision: "
        + strikes["location_precision"]
        + "\nWeapon: "
        + short("weapon")
        + "\nAttribution: "
        + strikes["attribution"]
        + "\nCasualties: "
        + short("casualties")
        + "\nSource: "
        + publishers.map(inert)
        + np.where(strikes["synthetic"], "\nSYNTHETIC test record", "")
    )
    rim, grey = list(STRIKE_RIM), list(PRECISION_FILL)
    return [
        {"p": [x, y], "c": c, "k": rim, "d": STRIKE_DOT_PX, "r": r, "g": grey, "tt": t}
        for x, y, c, r, t in zip(lon, lat, colours, radius_m, tooltip, strict=True)
    ]


def _publishers(sources_json: str) -> str:
    try:
        sources = json.loads(sources_json)
    except (TypeError, json.JSONDecodeError):
        return "not given"
    names = [str(s.get("publisher") or s.get("url") or "") for s in sources if isinstance(s, dict)]
    return "; ".join(n for n in names if n) or "not given"


def label_layer(records: list[dict[str, Any]]) -> pdk.Layer:
    """Return the map's labels (launch points, HYPOTHETICAL areas) as one text layer.

    Records have a position `p`, text `t`, colour `c` and pixel offset `o`. The map draws them
    on its text canvas with the browser's fonts: bold, no background box and no outline. Drawn
    by deck.gl (a plain pydeck chart of this spec), the font's characters are those of the texts
    (deck.gl's default is ASCII only, which dropped "ô" from "Côte d'Ivoire" and every letter of
    a launch point named in Cyrillic).
    """
    return pdk.Layer(
        "TextLayer",
        id="labels",
        data=records,
        get_position="p",
        get_text="t",
        get_color="c",
        get_pixel_offset="o",
        get_size=LABEL_SIZE_PX,
        font_family=pdk.types.String(LABEL_FONT),
        font_weight=700,
        character_set=pdk.types.String("auto"),
    )


@cache
def country_labels() -> tuple[dict[str, Any], ...]:
    """Natural Earth's country names: position `p`, name `t`, lowest zoom `z`; largest first."""
    return tuple(json.loads(COUNTRY_LABELS.read_text(encoding="utf-8")))


Box = tuple[float, float, float, float]


def screen_box(
    lon: float,
    lat: float,
    zoom: float,
    size_px: tuple[float, float],
    offset_px: tuple[float, float] = (0.0, 0.0),
) -> Box:
    """Return the screen box (left, top, right, bottom) of a rectangle at a point at `zoom`.

    The rectangle is `size_px` (width, height), centred at the point plus `offset_px`; units are
    Web Mercator pixels at `zoom`, y growing downwards like deck.gl's pixel offsets.
    """
    px_per_radian = WORLD_PX_AT_ZOOM_0 * 2.0**zoom / (2 * np.pi)
    x = float(np.radians(lon)) * px_per_radian + offset_px[0]
    y = -float(mercator_y(np.array([lat]))[0]) * px_per_radian + offset_px[1]
    half_width, half_height = size_px[0] / 2, size_px[1] / 2
    return (x - half_width, y - half_height, x + half_width, y + half_height)


def overlaps(box: Box, others: Iterable[Box], gap_px: float = 0.0) -> bool:
    """Whether `box`, grown by `gap_px` on every side, overlaps any of `others`."""
    left, top, right, bottom = box[0] - gap_px, box[1] - gap_px, box[2] + gap_px, box[3] + gap_px
    return any(left < o[2] and o[0] < right and top < o[3] and o[1] < bottom for o in others)


def city_labels(cities: Iterable[tuple[str, Any]]) -> list[dict[str, Any]]:
    """Return city names as labels for `place_name_records`: left of the city centre.

    The name ends CITY_NAME_GAP_PX left of the centre, so it does not cover the strikes there.
    """
    return [
        {
            "p": [point.lon, point.lat],
            "t": name,
            "z": CITY_MIN_ZOOM - PLACE_NAME_ZOOM_SLACK,
            "o": [-(PLACE_NAME_CHAR_PX * len(name) / 2 + CITY_NAME_GAP_PX), 0.0],
        }
        for name, point in cities
    ]


def place_name_records(labels: Iterable[dict[str, Any]], zoom: float) -> list[dict[str, Any]]:
    """Return the place names to show in a view at `zoom`, none overlapping another.

    Labels have a position `p`, text `t`, lowest zoom `z` and optionally a pixel offset `o`. A
    name is a candidate once the view's zoom reaches its lowest zoom (less the slack); in the
    given order (cities, then the largest country first), a candidate is kept unless its box at
    this zoom comes within PLACE_NAME_GAP_PX of one kept before it (`uncluttered`). The names are
    text on the map rather than pixels of the basemap images, so they keep their size at every
    zoom.
    """
    candidates = [
        {"o": [0.0, 0.0], **label} for label in labels if label["z"] <= zoom + PLACE_NAME_ZOOM_SLACK
    ]
    kept = uncluttered(
        candidates,
        zoom,
        char_px=PLACE_NAME_CHAR_PX,
        size_px=PLACE_NAME_SIZE_PX,
        gap_px=PLACE_NAME_GAP_PX,
    )
    colour = list(PLACE_NAME_RGBA)
    return [{"p": list(r["p"]), "t": inert(r["t"]), "c": colour, "o": list(r["o"])} for r in kept]


def place_names_layer(names_url: str) -> pdk.Layer:
    """City and country names (`place_name_records`, a static file) in grey.

    Colour per record, like `label_layer`'s. The map draws both on its 2D text canvas, over the
    strikes and areas and under the rings.
    """
    return pdk.Layer(
        "TextLayer",
        id="place-names",
        data=names_url,
        get_position="p",
        get_text="t",
        get_pixel_offset="o",
        get_color="c",
        get_size=PLACE_NAME_SIZE_PX,
        font_family=pdk.types.String(LABEL_FONT),
        character_set=pdk.types.String("auto"),
    )


DASHES_PER_RING: Final = 60
DASH_DUTY: Final = 0.6
"""A dashed outline is drawn as this many dashes per closed line, each this fraction of its
period: dashes as geometry (line segments), which need no dash support from whatever draws
the spec, rather than deck.gl's dash extension (a shader option of path layers)."""


def dashes(path: list[list[float]], count: int = DASHES_PER_RING) -> list[list[list[float]]]:
    """Cut a line (lon/lat vertices) into `count` dashes of equal length, gaps between them.

    Lengths are measured with the local scale of longitude (cos of latitude), which is plenty
    for spacing dashes evenly.
    """
    xy = np.asarray(path, dtype=np.float64)
    if len(xy) < 2:  # noqa: PLR2004 - a line needs two points
        return []
    step = np.diff(xy, axis=0)
    step[:, 0] *= np.cos(np.radians(0.5 * (xy[:-1, 1] + xy[1:, 1])))
    along = np.concatenate([[0.0], np.cumsum(np.hypot(step[:, 0], step[:, 1]))])
    total = along[-1]
    if total <= 0:
        return []
    period = total / count
    pieces = []
    for start in np.arange(count) * period:
        end = start + DASH_DUTY * period
        inside = (along > start) & (along < end)
        ends = np.column_stack(
            [np.interp([start, end], along, xy[:, 0]), np.interp([start, end], along, xy[:, 1])]
        )
        piece = np.vstack([ends[:1], xy[inside], ends[1:]])
        pieces.append(np.round(piece, DISPLAY_DECIMALS).tolist())
    return pieces


Segment = list[float]
"""A straight segment as `_lines` draws it: [lon, lat of its start, lon, lat of its end]."""


def segments(line: list[list[float]]) -> list[Segment]:
    """Return the straight segments of a line (lon/lat vertices)."""
    return [[*start, *end] for start, end in pairwise(line)]


def dashed_segments(line: list[list[float]]) -> list[Segment]:
    """Return the segments of a line's dashes (`dashes`)."""
    return [segment for dash in dashes(line) for segment in segments(dash)]


def _lines(
    layer_id: str, data: str | list[Segment], colour: tuple[int, ...], width_px: float
) -> pdk.Layer:
    """Return a line layer of `Segment` records (or a URL of them).

    A record is four numbers rather than an object with named ends, a quarter shorter. Colour
    and width are one constant each per layer, and no line layer is pickable: what a line is,
    the legend says; the filled shapes beneath (hypothetical areas, the rings' bands) and the
    launch points' dots answer on hover.
    """
    return pdk.Layer(
        "LineLayer",
        id=layer_id,
        data=data,
        get_source_position="[this[0], this[1]]",
        get_target_position="[this[2], this[3]]",
        get_color=list(colour),
        get_width=width_px,
        width_units=pdk.types.String("pixels"),
    )


def _dots(
    layer_id: str,
    data: str | list[dict[str, Any]],
    *,
    fill: str = "c",
    line: str = "k",
    radius: str = "d",
    units: str = "pixels",
    rim_px: float = 1,
) -> pdk.Layer:
    """Return a layer of outlined dots, rims at least `rim_px` wide.

    Records have a position `p`, a tooltip `tt` and the fields named by `fill` and `line`
    (colours) and `radius` (in `units`). Every dot layer is pickable: its tooltip is `tt`.
    """
    return pdk.Layer(
        "ScatterplotLayer",
        id=layer_id,
        data=data,
        get_position="p",
        get_fill_color=fill,
        get_line_color=line,
        get_radius=radius,
        radius_units=pdk.types.String(units),
        stroked=True,
        line_width_min_pixels=rim_px,
        pickable=True,
    )


def strike_layers(url: str) -> list[pdk.Layer]:
    """Return the strike layers, both reading one static JSON file of `strike_records`.

    A dot per strike (its attribution colour `c`, a dark rim `k`, radius `d` pixels), and its
    location-precision circle (radius `r` metres; a translucent grey `g` outlined in `c`), which
    is a few pixels wide at country scale and becomes visible as one zooms in.
    """
    return [
        _dots("strike-precision", url, fill="g", line="c", radius="r", units="meters"),
        _dots("strikes", url),
    ]


def strike_raster(strikes: gpd.GeoDataFrame) -> tuple[bytes, list[float]]:
    """Draw many strikes into one transparent Web Mercator PNG; return it and its lon/lat bounds.

    Each strike is a dot of its attribution colour (stronger attributions drawn last, on top)
    with a dark rim. The image covers the strikes' extent, at most `MAX_RASTER_SIDE_PX` on its
    longer side and never finer than zoom level `MAX_RASTER_ZOOM`.
    """
    lon = strikes.geometry.x.to_numpy()
    lat = np.clip(strikes.geometry.y.to_numpy(), -MERCATOR_MAX_LAT_DEG, MERCATOR_MAX_LAT_DEG)
    west = max(float(lon.min()) - RASTER_PAD_DEG, -HALF_TURN_DEG)
    east = min(float(lon.max()) + RASTER_PAD_DEG, HALF_TURN_DEG)
    south = max(float(lat.min()) - RASTER_PAD_DEG, -MERCATOR_MAX_LAT_DEG)
    north = min(float(lat.max()) + RASTER_PAD_DEG, MERCATOR_MAX_LAT_DEG)
    top, bottom = mercator_y(np.array([north, south]))
    width_rad, height = np.radians(east - west), top - bottom
    px_per_rad = min(
        MAX_RASTER_SIDE_PX / max(width_rad, height),
        WORLD_PX_AT_ZOOM_0 * 2**MAX_RASTER_ZOOM / (2 * np.pi),
    )
    width_px = max(1, int(np.ceil(width_rad * px_per_rad)))
    height_px = max(1, int(np.ceil(height * px_per_rad)))
    pad = RASTER_DOT_PX + 1
    x = np.round(np.radians(lon - west) * px_per_rad).astype(np.int64) + pad
    y = np.round((top - mercator_y(lat)) * px_per_rad).astype(np.int64) + pad
    padded_width = width_px + 2 * pad
    canvas = np.zeros((height_px + 2 * pad) * padded_width, dtype=np.uint32)
    pixel = y * padded_width + x
    order = {a: i for i, a in enumerate(reversed(ATTRIBUTIONS))}  # weakest first
    rank = strikes["attribution"].map(order).fillna(0).to_numpy()
    _stamp(canvas, pixel, padded_width, RASTER_DOT_PX + 1, RIM_RGBA)
    for status in sorted(order, key=order.__getitem__):
        chosen = pixel[rank == order[status]]
        _stamp(canvas, chosen, padded_width, RASTER_DOT_PX, (*ATTRIBUTION_COLOURS[status], 255))
    rgba = canvas.view(np.uint8).reshape(height_px + 2 * pad, padded_width, 4)
    buffer = io.BytesIO()
    Image.fromarray(rgba[pad:-pad, pad:-pad], mode="RGBA").save(buffer, format="PNG")
    return buffer.getvalue(), [west, south, east, north]


def _stamp(
    canvas: npt.NDArray[np.uint32],
    pixel: npt.NDArray[np.int64],
    row_px: int,
    radius: int,
    rgba: tuple[int, int, int, int],
) -> None:
    """Paint a disk of `radius` px around each pixel index of a flat RGBA (uint32) canvas."""
    value = np.frombuffer(bytes(rgba), dtype=np.uint32)[0]
    offsets = [
        dy * row_px + dx
        for dy in range(-radius, radius + 1)
        for dx in range(-radius, radius + 1)
        if dx * dx + dy * dy <= radius * radius
    ]
    for offset in offsets:
        canvas[pixel + offset] = value


def mercator_y(lat_deg: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Return Web Mercator y (unitless, 0 at the equator) of latitudes in degrees."""
    y: npt.NDArray[np.float64] = np.log(np.tan(np.pi / 4 + np.radians(lat_deg) / 2))
    return y


def strike_raster_layer(url: str, bounds: list[float]) -> pdk.Layer:
    """Many strikes as one image (see `strike_raster`): cheap to redraw whatever their number."""
    return pdk.Layer(
        "BitmapLayer",
        id="strikes-raster",
        image=pdk.types.String(url),
        bounds=bounds,
    )


def uncertainty_records(uncertainty_rings: list[Polygon]) -> list[Segment]:
    """Dashes of the launch areas' uncertainty circles (geodesic), for `uncertainty_layer`."""
    return [
        segment for ring in uncertainty_rings for segment in dashed_segments(_rings_of(ring)[0][0])
    ]


def uncertainty_layer(url: str) -> pdk.Layer:
    """Return the launch areas' dashed uncertainty circles, read from a static file.

    They do not follow the sliders; the launch point's tooltip gives the radius.
    """
    return _lines("uncertainty-circles", url, UNCERTAINTY_RGBA, UNCERTAINTY_WIDTH_PX)


def site_label_records(
    sites: gpd.GeoDataFrame, zoom: float, avoid: Iterable[Box] = ()
) -> list[dict[str, Any]]:
    """Labels of the launch points, for `label_layer`, placed for a view at `zoom`.

    Each name goes below its dot, or else above, right or left of it: the first of these
    places where, at this zoom, it covers no launch point's dot, no name placed before it and
    no box of `avoid` (the view's place names); failing that, the first that covers only place
    names. A name with no such place is left out (in the whole-world view the launch points
    are a few pixels apart: one name shows, and each dot's tooltip names its point). Zooming in
    only moves places apart.
    """
    points = [(row.geometry.x, row.geometry.y) for row in sites.itertuples()]
    ours = site_dot_boxes(sites, zoom)  # the dots, then the names placed so far
    avoid = list(avoid)
    records = []
    for (lon, lat), name in zip(points, sites["name"], strict=True):
        text = inert(name)
        size = (LABEL_CHAR_PX * len(text), float(LABEL_SIZE_PX))
        below = SITE_LABEL_OFFSET_PX
        candidates: list[tuple[float, float]] = [
            below,
            (0, -below[1]),
            (size[0] / 2 + below[1], 0),
            (-size[0] / 2 - below[1], 0),
        ]
        boxes = [screen_box(lon, lat, zoom, size, offset) for offset in candidates]
        clear = [i for i, box in enumerate(boxes) if not overlaps(box, ours)]
        if not clear:
            continue
        chosen = next((i for i in clear if not overlaps(boxes[i], avoid)), clear[0])
        ours.append(boxes[chosen])
        records.append(
            {"p": [lon, lat], "t": text, "c": list(BLACK), "o": list(candidates[chosen])}
        )
    return records


def site_dot_boxes(sites: gpd.GeoDataFrame, zoom: float) -> list[Box]:
    """Screen boxes of the launch points' dots at `zoom`."""
    dot = (2.0 * SITE_DOT_PX, 2.0 * SITE_DOT_PX)
    return [screen_box(row.geometry.x, row.geometry.y, zoom, dot) for row in sites.itertuples()]


def label_boxes(
    records: Iterable[dict[str, Any]],
    zoom: float,
    char_px: float = LABEL_CHAR_PX,
    size_px: float = LABEL_SIZE_PX,
) -> list[Box]:
    """Screen boxes at `zoom` of label records (position `p`, text `t`, pixel offset `o`).

    The defaults are `label_layer`'s bold labels; pass PLACE_NAME_CHAR_PX and PLACE_NAME_SIZE_PX
    for `place_name_records`. A text of several lines (the HYPOTHETICAL labels) is as wide as
    its longest line and one `size_px` high per line.
    """
    boxes = []
    for r in records:
        lines = r["t"].split("\n")
        size = (char_px * max(len(line) for line in lines), size_px * len(lines))
        boxes.append(screen_box(r["p"][0], r["p"][1], zoom, size, tuple(r["o"])))
    return boxes


def uncluttered(
    labels: Iterable[dict[str, Any]],
    zoom: float,
    taken: Iterable[Box] = (),
    *,
    char_px: float = LABEL_CHAR_PX,
    size_px: float = LABEL_SIZE_PX,
    gap_px: float = 0.0,
) -> list[dict[str, Any]]:
    """Return the labels that, at `zoom`, cover no box in `taken` and no label kept before them.

    In the given order, a label (sized as in `label_boxes`) is kept unless its box comes within
    `gap_px` of one kept or taken. The ring-radius labels, which follow the sliders, go through
    it (where rings crowd, as several launch points do in the whole-world view, the first of
    overlapping labels is kept, not a pile of them), and so do the place names.
    """
    records = list(labels)
    placed = list(taken)
    kept = []
    for label, box in zip(records, label_boxes(records, zoom, char_px, size_px), strict=True):
        if not overlaps(box, placed, gap_px):
            placed.append(box)
            kept.append(label)
    return kept


def site_layers(sites: gpd.GeoDataFrame) -> list[pdk.Layer]:
    """Candidate launch points as black dots in a white rim, with a tooltip.

    Their names are labels (`site_label_records`).
    """
    black, white = list(BLACK), list(WHITE)
    points = [
        {
            "p": [row.geometry.x, row.geometry.y],
            "c": black,
            "k": white,
            "d": SITE_DOT_PX,
            "tt": inert(row.name)
            + f" (CANDIDATE)\n{row.note}\nUncertainty radius: {row.uncertainty_km:g} km",
        }
        for row in sites.itertuples()
    ]
    return [_dots("launch-sites", points, rim_px=2)]


def deployment_records(areas: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Polygons of the HYPOTHETICAL areas with their tooltip text, for a static file."""
    records: list[dict[str, Any]] = []
    for row in areas.itertuples():
        until = f" to {row.reported_to}" if isinstance(row.reported_to, str) else ""
        tooltip = (
            f"HYPOTHETICAL: {row.system}\n{row.place}\nReported from {row.reported_from}{until}"
            f"\n{row.annotation}"
        )
        records.extend({"polygon": poly, "tt": tooltip} for poly in _rings_of(row.geometry))
    return records


def deployment_outline_records(polygons: list[dict[str, Any]]) -> list[Segment]:
    """Dashed outlines of `deployment_records`, for `deployment_outline_layer`.

    Every boundary is cut into dashes, and each dash is drawn as the straight line between its
    ends. The areas are illustrative, and the chords keep within 0.25 km of their boundaries (a
    test).
    """
    return [
        [*dash[0], *dash[-1]]
        for record in polygons
        for ring in record["polygon"]
        for dash in dashes(ring)
    ]


def deployment_outline_layer(url: str) -> pdk.Layer:
    """Return the HYPOTHETICAL areas' dashed outlines, read from a static file.

    The areas' fill beneath (`deployment_layers`) answers on hover.
    """
    return _lines("hypothetical-outlines", url, HYPOTHETICAL_COLOUR, HYPOTHETICAL_WIDTH_PX)


def records_payload(records: list[dict[str, Any]] | list[Segment]) -> bytes:
    """Compact JSON bytes of layer records, to be served as a static file."""
    return json.dumps(records, separators=(",", ":"), ensure_ascii=False).encode()


def deployment_label_records(areas: gpd.GeoDataFrame, zoom: float) -> list[dict[str, Any]]:
    """Return a visible "HYPOTHETICAL" label per area (system below it), for `label_layer`.

    Labels of the same or nearby places share one anchor, stacked below one another. A stack
    that would cover one placed before it, in a view at `zoom`, moves up or down by whole labels
    to the nearest clear place (in the whole-world view the Pacific stacks would otherwise
    overlap).
    """
    stacks: list[tuple[tuple[float, float], list[str]]] = []  # anchor, texts stacked there
    for row in areas.itertuples():
        point = (round(row.reference_lon, 4), round(row.reference_lat, 4))
        stack = next(
            (
                s
                for s in stacks
                if abs(point[0] - s[0][0]) < LABEL_NEIGHBOUR_DEG
                and abs(point[1] - s[0][1]) < LABEL_NEIGHBOUR_DEG
            ),
            None,
        )
        if stack is None:
            stack = (point, [])
            stacks.append(stack)
        stack[1].append(inert(f"HYPOTHETICAL\n{row.system.split(' (')[0]}"))
    placed: list[Box] = []
    labels: list[dict[str, Any]] = []
    for (lon, lat), texts in stacks:
        widest = max(len(line) for text in texts for line in text.split("\n"))
        size = (LABEL_CHAR_PX * widest, float(LABEL_STACK_PX * len(texts)))
        middle = (len(texts) - 1) / 2  # the stack's centre, in labels below the first
        # shifts 0, -1, 1, -2, 2, ...: the nearest free place above or below; the loop ends,
        # since a stack moved far enough clears the finitely many boxes placed before it
        step = 0
        while True:
            shift = (step + 1) // 2 * (1 if step % 2 == 0 else -1)
            box = screen_box(lon, lat, zoom, size, (0.0, LABEL_STACK_PX * (shift + middle)))
            if not overlaps(box, placed):
                break
            step += 1
        placed.append(box)
        labels += [
            {
                "p": [lon, lat],
                "t": text,
                "c": list(HYPOTHETICAL_TEXT_COLOUR),
                "o": [0, LABEL_STACK_PX * (shift + i)],
            }
            for i, text in enumerate(texts)
        ]
    return labels


def deployment_layers(polygons_url: str) -> list[pdk.Layer]:
    """HYPOTHETICAL areas filled purple, read from a static file of `deployment_records`.

    Their dashed outlines are in `deployment_outline_layer`, their labels in `label_layer`.
    """
    return [
        pdk.Layer(
            "PolygonLayer",
            id="deployment-areas",
            data=polygons_url,
            get_polygon="polygon",
            get_fill_color=[*HYPOTHETICAL_COLOUR, 60],
            stroked=False,
            pickable=True,
        )
    ]


@cache
def basemap_images() -> tuple[dict[str, Any], ...]:
    """Return the raster basemap images (file name, lon/lat bounds) of static/basemap."""
    return tuple(json.loads(BASEMAP_INDEX.read_text(encoding="utf-8")))


def basemap_layers() -> list[pdk.Layer]:
    """Return the offline Natural Earth basemap layers.

    Web Mercator images (the world, then sharper regional ones; country names are text, see
    `place_names_layer`), fetched once by the browser as static files. The world image comes
    as the pieces the regional images leave uncovered (`tools/render_basemap.py`): every frame
    costs every image pixel on screen, and whole views lay under a regional image. Views across
    the antimeridian show the world again through the map view's `repeat` (see `deck`), not
    through more textures.
    """
    return [
        pdk.Layer(
            "BitmapLayer",
            id=f"basemap-{entry['name']}",
            image=pdk.types.String(BASEMAP_URL.format(name=entry["image"])),
            bounds=list(entry["bounds"]),
        )
        for entry in basemap_images()
    ]


class CompactDeck(pdk.Deck):  # type: ignore[misc]
    """A Deck whose JSON has no indentation.

    pydeck indents by 2, which triples the spec that travels to the browser on every rerun.
    """

    def to_json(self) -> str:
        """Return the deck spec as compact JSON."""
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def deck(layers: list[pdk.Layer], view: ViewPreset) -> pdk.Deck:
    """Return the Deck: no map provider (offline), the chosen initial view.

    The map view repeats the world east and west at low zoom, so every layer (the basemap
    image too) also shows across the antimeridian; the map draws its rings in the same view.
    Tooltips are each record's `tt`, which the map shows as text.
    """
    return CompactDeck(
        layers=layers,
        views=[pdk.View(type="MapView", controller=True, repeat=True)],
        map_provider=None,
        initial_view_state=pdk.ViewState(
            longitude=view.lon, latitude=view.lat, zoom=view.zoom, min_zoom=0, max_zoom=14
        ),
    )

"""The map's layers as a pydeck Deck spec: basemap, strikes, launch points, hypothetical areas.

UI-free: builds the deck spec from layer frames. The map component (`mapviz.mapcomponent`)
converts it in the browser with deck.gl's JSONConverter, and deck.gl draws it; the range rings,
which follow the sliders, are drawn there too, with the colours, widths and label sizes defined
here. Every layer has a fixed `id`, and every layer's data is the URL of a static file (the
`*_payload` functions make its bytes), so no text from data passes through the converter,
which evaluates strings that start with "@@". A record's tooltip is its `tt` field, plain text
prepared here, shown as text (never parsed as HTML); the strikes' tooltips are files of their
own, read when a strike is first hovered.

The strikes travel as raw typed arrays (`strike_binary`) that deck.gl takes as its binary
attributes: every strike is a point the GPU picks, at any count. Labels are text layers in one
collision group (deck.gl's CollisionFilterExtension), so at every zoom the labels of higher
priority show and none covers another. Dashed lines use deck.gl's PathStyleExtension.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings import deck as pydeck_deck
from pydeck.bindings.json_tools import default_serialize
from shapely.geometry import MultiPolygon, Polygon

from mapviz.model import ATTRIBUTIONS
from mapviz.paths import NATURAL_EARTH_DIR
from mapviz.reference import City

# Okabe-Ito colour-blind-safe palette (RGB)
BLUE: Final = (0, 114, 178)
SKY: Final = (86, 180, 233)
GREEN: Final = (0, 158, 115)
ORANGE: Final = (230, 159, 0)
VERMILLION: Final = (213, 94, 0)
PURPLE: Final = (204, 121, 167)
YELLOW: Final = (240, 228, 66)
GREY: Final = (110, 110, 110)
BLACK: Final = (0, 0, 0)
WHITE: Final = (255, 255, 255)

ATTRIBUTION_COLOURS: Final[dict[str, tuple[int, int, int]]] = dict(
    zip(ATTRIBUTIONS, (BLUE, GREEN, ORANGE, VERMILLION, GREY), strict=True)
)
MIN_RING_COLOUR: Final = BLUE
MAX_RING_COLOUR: Final = VERMILLION
BAND_FILL: Final = (*SKY, 45)
HYPOTHETICAL_COLOUR: Final = PURPLE
HYPOTHETICAL_TEXT_COLOUR: Final = (120, 40, 100)
UNCERTAINTY_RGBA: Final = (*BLACK, 160)
STRIKE_RIM: Final = (20, 20, 20)
PRECISION_FILL: Final = (120, 120, 120, 40)
REGION_LINE: Final = (140, 125, 0)
REGION_STYLE: Final = {
    # kind: (fill RGBA, outline RGBA); reach_any is drawn first, reach_all over it
    "reach_any": ((*YELLOW, 40), (*REGION_LINE, 150)),
    "reach_all": ((*YELLOW, 120), (*REGION_LINE, 255)),
}
REGION_WIDTH_PX: Final = 2.0
PLACE_NAME_RGBA: Final = (80, 80, 80, 255)

# The offline basemap (Natural Earth vectors)
SEA: Final = (214, 230, 240)
LAND: Final = (236, 234, 226)
BORDER: Final = (120, 120, 120)
OBLAST: Final = (175, 175, 175)
BORDER_WIDTH_PX: Final = 1.0
OBLAST_WIDTH_PX: Final = 0.75


@dataclass(frozen=True)
class BasemapLayer:
    """One layer of the vector basemap: a Natural Earth file and how it is drawn."""

    layer_id: str
    file_name: str
    fill: tuple[int, ...] | None
    line: tuple[int, ...] | None = None
    line_width_px: float = 0.0


BASEMAP: Final = (
    BasemapLayer("basemap-land", "ne_land.geojson", fill=LAND),
    BasemapLayer("basemap-lakes", "ne_lakes.geojson", fill=SEA),
    BasemapLayer("basemap-oblasts", "ne_admin1_theatre.geojson", None, OBLAST, OBLAST_WIDTH_PX),
    BasemapLayer("basemap-borders", "ne_admin0_boundaries.geojson", None, BORDER, BORDER_WIDTH_PX),
)
"""Drawn in this order, under everything else; the sea is the map's background colour."""
COUNTRY_LABELS: Final = NATURAL_EARTH_DIR / "ne_country_labels.json"

# Sizes, in screen pixels
RING_WIDTH_PX: Final = 2.5
ENVELOPE_WIDTH_PX: Final = 1.5
UNCERTAINTY_WIDTH_PX: Final = 1.0
HYPOTHETICAL_WIDTH_PX: Final = 2.0
SITE_DOT_PX: Final = 6
STRIKE_DOT_PX: Final = 5
LABEL_SIZE_PX: Final = 13
PLACE_NAME_SIZE_PX: Final = 12
LABEL_FONT: Final = "Helvetica, Arial, sans-serif"
DASH_ARRAY: Final = (6, 4)
"""Dashes of dashed lines (uncertainty circles, reach envelopes, hypothetical outlines): dash
and gap in multiples of the line's width (deck.gl's PathStyleExtension)."""
DISPLAY_DECIMALS: Final = 5
"""Coordinates sent to the browser are rounded to 1e-5 degree (about 1 m)."""
LABEL_NEIGHBOUR_DEG: Final = 3.0
"""HYPOTHETICAL labels of places closer than this (in longitude and latitude) share one anchor,
stacked below one another."""

LABEL_GROUP: Final = "labels"
"""Every text layer's collision group: deck.gl hides the lower-priority of two labels that would
overlap, at every zoom."""
PRIORITY_HYPOTHETICAL: Final = 1000
PRIORITY_LAUNCH_POINT: Final = 900
PRIORITY_RING: Final = 800
PRIORITY_COUNTRY_MAX: Final = 600
PRIORITY_CITY_PER_DECADE: Final = 50
"""Label priorities (deck.gl's range is -1000..1000): HYPOTHETICAL and launch points first, then
the ring radii; then countries (the largest at PRIORITY_COUNTRY_MAX, one less per rank) and
cities (PRIORITY_CITY_PER_DECADE per tenfold population: 100,000 people 250, 10 million 350),
so that large countries and large cities show first."""

MAX_DISPLAY_CHARS: Final = 300
"""Text from data longer than this is cut (with an ellipsis) in tooltips and labels; the data and
the exports keep it whole."""
_EXPRESSION_PREFIX: Final = "@@"
_ZERO_WIDTH_SPACE: Final = "\u200b"

STRIKE_BYTES: Final = 20
EPOCH: Final = pd.Timestamp("1970-01-01")
"""Day 0 of the strikes' dates in `strike_binary`."""
_TIME_FILTER: Final = {
    # the map's time window: deck.gl hides strikes whose day is outside `filterRange`; off
    # until the person plays or picks a window (frontend/src/timewindow.js)
    "extensions": [{"@@type": "DataFilterExtension", "filterSize": 1}],
    "filter_enabled": False,
    "filter_range": [0, 0],
}
"""Bytes per strike in `strike_binary`: lon, lat and radius as float32, RGBA as uint8."""
TOOLTIP_CHUNK_MIN: Final = 4096
TOOLTIP_FILES_MAX: Final = 64
"""Strike tooltips are files of at least TOOLTIP_CHUNK_MIN texts, at most TOOLTIP_FILES_MAX
files per data set; the browser reads one when a strike in it is first hovered."""


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
MIN_ZOOM: Final = 0
MAX_ZOOM: Final = 14


def inert(text: object) -> str:
    """Return text from data made safe for the map, shortened for display.

    deck.gl's JSON converter evaluates strings that start with "@@" ("@@=expression",
    "@@#CONSTANT"). Text from data only ever reaches the browser in data files, which the
    converter does not read; a zero-width space after the first "@" keeps such text as text
    wherever it goes all the same. HTML needs no escaping here: tooltips and labels are drawn as
    text, never parsed as HTML.
    """
    value = str(text)
    if len(value) > MAX_DISPLAY_CHARS:
        value = value[: MAX_DISPLAY_CHARS - 1] + "\u2026"
    if value.startswith(_EXPRESSION_PREFIX):
        value = "@" + _ZERO_WIDTH_SPACE + value[1:]
    return value


def _string(text: str) -> Any:
    """Return a string prop kept as itself (pydeck writes other strings as deck.gl expressions)."""
    return pdk.types.String(text)


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


def records_payload(records: Sequence[object]) -> bytes:
    """Compact JSON bytes of layer records, to be served as a static file."""
    return json.dumps(records, separators=(",", ":"), ensure_ascii=False).encode()


# --- strikes -----------------------------------------------------------------------------------


def strike_binary(strikes: gpd.GeoDataFrame) -> bytes:
    """Return the strikes as the map's typed arrays: every strike a point deck.gl draws and picks.

    For n strikes, little-endian: n (lon, lat) pairs as float32 (about 1 m at these
    coordinates), then n location-precision radii in metres as float32 (0 where unknown or not
    finite), then n attribution colours as RGBA uint8, then n dates as float32 days since
    1970-01-01 (NaN where undated; whole days are exact in float32); `STRIKE_BYTES` per strike.
    The map reads it once per data set and filter (frontend/src/layerdata.js); the dates drive
    its time window (deck.gl's DataFilterExtension).
    """
    n = len(strikes)
    lon_lat = np.empty((n, 2), dtype="<f4")
    if n:
        lon_lat[:, 0] = strikes.geometry.x.to_numpy()
        lon_lat[:, 1] = strikes.geometry.y.to_numpy()
    radius_km = pd.to_numeric(strikes["location_radius_km"], errors="coerce").to_numpy(float)
    radius_m = np.where(np.isfinite(radius_km) & (radius_km > 0), radius_km * 1000.0, 0.0)
    palette = {status: (*rgb, 255) for status, rgb in ATTRIBUTION_COLOURS.items()}
    colours = np.array(
        [palette.get(status, (*GREY, 255)) for status in strikes["attribution"]], dtype=np.uint8
    ).reshape(n, 4)
    dates = pd.to_datetime(strikes["date"])
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_localize(None)  # the day as written, in the report's own time zone
    days = np.floor(np.asarray((dates - EPOCH) / pd.Timedelta(days=1), dtype=np.float64))
    parts = (lon_lat, radius_m.astype("<f4"), colours, days.astype("<f4"))
    return b"".join(part.tobytes() for part in parts)


def strike_tooltips(strikes: gpd.GeoDataFrame) -> list[str]:
    """Return each strike's tooltip, plain text: date, place, precision, weapon, and so on."""
    if strikes.empty:
        return []
    dates = strikes["date"].dt.strftime("%Y-%m-%d").fillna("date unknown")
    publishers = strikes["sources"].map(_publishers)

    def short(column: str) -> pd.Series:
        texts: pd.Series = strikes[column].astype(str).map(inert)
        return texts

    tooltip: pd.Series = (
        dates
        + " | "
        + short("place")
        + "\nPrecision: "
        + strikes["location_precision"].astype(str)
        + "\nWeapon: "
        + short("weapon")
        + "\nAttribution: "
        + strikes["attribution"].astype(str)
        + "\nCasualties: "
        + short("casualties")
        + "\nSource: "
        + publishers.map(inert)
        + np.where(strikes["synthetic"], "\nSYNTHETIC test record", "")
    )
    return tooltip.tolist()


def tooltip_chunk_size(count: int) -> int:
    """Return how many strike tooltips one file holds, for `count` strikes."""
    return max(TOOLTIP_CHUNK_MIN, -(-count // TOOLTIP_FILES_MAX))


def tooltip_chunks(tooltips: Sequence[str]) -> list[bytes]:
    """Return the strikes' tooltips as JSON files of `tooltip_chunk_size` texts each, in order."""
    chunk = tooltip_chunk_size(len(tooltips))
    return [
        records_payload(list(tooltips[start : start + chunk]))
        for start in range(0, len(tooltips), chunk)
    ]


def _publishers(sources_json: str) -> str:
    try:
        sources = json.loads(sources_json)
    except (TypeError, json.JSONDecodeError):
        return "not given"
    names = [str(s.get("publisher") or s.get("url") or "") for s in sources if isinstance(s, dict)]
    return "; ".join(n for n in names if n) or "not given"


def strike_layers(url: str, tooltip_urls: Sequence[str], count: int) -> list[pdk.Layer]:
    """Return the strike layers, both reading one `strike_binary` file.

    Each strike's location-precision circle (its radius in metres, a translucent grey outlined
    in the attribution colour: a few pixels wide at country scale, visible as one zooms in),
    and its dot (the attribution colour in a dark rim). Both are pickable; the tooltip of
    strike i is text i of the files `tooltip_urls` (`tooltip_chunks`).
    """
    tooltips = {
        "tooltip_urls": [_string(u) for u in tooltip_urls],
        "tooltip_chunk": tooltip_chunk_size(count),
    }
    return [
        pdk.Layer(
            "ScatterplotLayer",
            id="strike-precision",
            data=url,
            binary_attributes=[_string("getPosition"), _string("getRadius"),
                               _string("getLineColor"), _string("getFilterValue")],
            get_fill_color=list(PRECISION_FILL),
            radius_units=_string("meters"),
            stroked=True,
            line_width_min_pixels=1,
            pickable=True,
            **tooltips,
            **_TIME_FILTER,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id="strikes",
            data=url,
            binary_attributes=[_string("getPosition"), _string("getFillColor"),
                               _string("getFilterValue")],
            get_line_color=list(STRIKE_RIM),
            get_radius=STRIKE_DOT_PX,
            radius_units=_string("pixels"),
            stroked=True,
            line_width_min_pixels=1,
            pickable=True,
            **tooltips,
            **_TIME_FILTER,
        ),
    ]  # fmt: skip


# --- labels ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelKind:
    """How a kind of label is drawn at its point: size, colour, priority, anchor and offset.

    Sizes and offsets are screen pixels; `anchor` and `baseline` are deck.gl's text anchor
    ("start", "middle", "end") and alignment baseline ("top", "center", "bottom").
    """

    size_px: float
    colour: tuple[int, ...]
    priority: int
    anchor: str = "middle"
    baseline: str = "center"
    offset_px: tuple[float, float] = (0.0, 0.0)

    def record(self, lon: float, lat: float, text: str) -> dict[str, Any]:
        """Return a label of this kind for `label_layer`: text from data is made `inert`."""
        return {"p": [lon, lat], "t": inert(text), **self.style()}

    def style(self) -> dict[str, Any]:
        """Return the fields of its records: colour, size, anchor, baseline, offset, priority."""
        return {
            "c": list(self.colour),
            "s": self.size_px,
            "a": self.anchor,
            "b": self.baseline,
            "o": list(self.offset_px),
            "pr": self.priority,
        }

    def padding_px(self) -> tuple[float, float, float, float]:
        """Return the [left, top, right, bottom] padding that reaches over the label's point."""
        x, y = self.offset_px
        reach, side, above = COLLISION_REACH_PX, COLLISION_MARGIN_PX, COLLISION_MARGIN_Y_PX
        return (
            max(side, x + reach) if self.anchor == "start" else side,
            max(above, y + reach) if self.baseline == "top" else above,
            max(side, reach - x) if self.anchor == "end" else side,
            max(above, reach - y) if self.baseline == "bottom" else above,
        )


COLLISION_REACH_PX: Final = 6.0
COLLISION_MARGIN_PX: Final = 6.0
COLLISION_MARGIN_Y_PX: Final = 16.0
COLLISION_SCALE: Final = 2.5
"""Labels are this many times their size in the collision map: deck.gl tests a label at its
point only, and hides it where a label of higher priority covers that point. At 2.5 times its
size (and `COLLISION_MARGIN_PX` beside it, `COLLISION_MARGIN_Y_PX` above and below), a label
covers the point of any label it would overlap unless that one is over 1.5 times as wide; the
browser tests check three zooms of two views for overlaps (tests/test_browser.py)."""

COUNTRY_LABEL: Final = LabelKind(PLACE_NAME_SIZE_PX, PLACE_NAME_RGBA, PRIORITY_COUNTRY_MAX)
CITY_LABEL: Final = LabelKind(
    PLACE_NAME_SIZE_PX, PLACE_NAME_RGBA, 0, baseline="bottom", offset_px=(0.0, -3.0)
)
"""Above the city's centre, so that the name does not cover the strikes there."""
SITE_LABEL: Final = LabelKind(
    LABEL_SIZE_PX, BLACK, PRIORITY_LAUNCH_POINT, baseline="top", offset_px=(0.0, 9.0)
)
"""Below the launch point's dot."""
HYPOTHETICAL_LABEL: Final = LabelKind(
    LABEL_SIZE_PX, HYPOTHETICAL_TEXT_COLOUR, PRIORITY_HYPOTHETICAL
)
RING_LABELS: Final = {
    "max": LabelKind(
        LABEL_SIZE_PX, MAX_RING_COLOUR, PRIORITY_RING, baseline="bottom", offset_px=(0.0, -3.0)
    ),
    "min": LabelKind(
        LABEL_SIZE_PX, MIN_RING_COLOUR, PRIORITY_RING, baseline="bottom", offset_px=(0.0, -3.0)
    ),
}
"""Above the northernmost point of a ring (made in the browser, which follows the sliders)."""
LABEL_KINDS: Final = (
    COUNTRY_LABEL,
    CITY_LABEL,
    SITE_LABEL,
    HYPOTHETICAL_LABEL,
    *RING_LABELS.values(),
)


def label_padding_px() -> list[float]:
    """Return the labels' padding in the collision map: every kind's reaches over its point.

    deck.gl's collision filter shows a label where the collision map, around its point, is the
    label itself (the map is drawn at half resolution and sampled 5 x 5 around the point). A
    label drawn beside its point gets an invisible background that reaches past the point, which
    keeps other labels off the point (a launch point's dot, a city) as well as off its text;
    every label keeps at least `COLLISION_MARGIN_PX` of space beside it and
    `COLLISION_MARGIN_Y_PX` above and below it.
    """
    return [max(kind.padding_px()[side] for kind in LABEL_KINDS) for side in range(4)]


def label_layer(url: str) -> pdk.Layer:
    """Return the map's one text layer: every label but the ring radii (which the map adds).

    Records (`LabelKind.record`) have a position `p`, text `t`, colour `c`, size `s`, anchor
    `a`, baseline `b`, pixel offset `o` and priority `pr` (`PRIORITY_*`). deck.gl's collision
    filter hides a label where one of higher priority would cover it, at every zoom: it tells
    labels apart by their index in one layer's data, so every label is in this one layer. In the
    collision map each label is `COLLISION_SCALE` times its size: deck.gl tests a label at its
    point only, and twice its size a label covers the point of any no wider label it would
    overlap. The font's characters are those of the texts (deck.gl's default is ASCII only,
    which would drop "ô" from "Côte d'Ivoire" and every letter of a name in Cyrillic).
    """
    return pdk.Layer(
        "TextLayer",
        id="labels",
        data=url,
        get_position="p",
        get_text="t",
        get_color="c",
        get_size="s",
        get_text_anchor="a",
        get_alignment_baseline="b",
        get_pixel_offset="o",
        font_family=_string(LABEL_FONT),
        font_weight=700,
        character_set=_string("auto"),
        background=True,
        get_background_color=[*WHITE, 0],
        background_padding=label_padding_px(),
        extensions=[{"@@type": "CollisionFilterExtension"}],
        collision_group=_string(LABEL_GROUP),
        collision_test_props={"sizeScale": COLLISION_SCALE},
        get_collision_priority="pr",
    )


@cache
def country_labels() -> tuple[dict[str, Any], ...]:
    """Natural Earth's country names: position `p`, name `t`, lowest zoom `z`; largest first."""
    return tuple(json.loads(COUNTRY_LABELS.read_text(encoding="utf-8")))


def place_label_records(cities: Iterable[City]) -> list[dict[str, Any]]:
    """Return city and country names in grey, for `label_layer`.

    Countries at Natural Earth's label points, cities (GeoNames) left of their centres; larger
    ones with higher priority. Which names show at a zoom is deck.gl's collision filter's
    choice: zooming in spreads them apart and shows more.
    """
    records = []
    for rank, label in enumerate(country_labels()):
        record = COUNTRY_LABEL.record(label["p"][0], label["p"][1], label["t"])
        record["pr"] = max(0, PRIORITY_COUNTRY_MAX - rank)
        records.append(record)
    for city in cities:
        record = CITY_LABEL.record(city.point.lon, city.point.lat, city.name)
        record["pr"] = round(PRIORITY_CITY_PER_DECADE * math.log10(max(city.population, 1)))
        records.append(record)
    return records


def site_label_records(sites: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Return the launch points' names, below their dots, for `label_layer`."""
    return [
        SITE_LABEL.record(row.geometry.x, row.geometry.y, row.name) for row in sites.itertuples()
    ]


def deployment_label_records(areas: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Return a visible "HYPOTHETICAL" label per place, naming its systems, for `label_layer`.

    Areas of the same or nearby places share one label, a line pair per system, so that their
    labels never cover each other; the collision filter keeps them clear of other labels.
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
        stack[1].append(f"HYPOTHETICAL\n{row.system.split(' (')[0]}")
    return [HYPOTHETICAL_LABEL.record(lon, lat, "\n".join(texts)) for (lon, lat), texts in stacks]


# --- launch region --------------------------------------------------------------------------------


def region_records(regions: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Return the launch region's polygons (`layers.launch_region_frame`) for a static file.

    Each record: `polygon` (deck.gl rings), `tt` (its summary, plain text), `f` and `l` (fill and
    outline colours). reach_any comes first so that reach_all is drawn over it; empty regions have
    no record (the page says in words that they are empty).
    """
    records: list[dict[str, Any]] = []
    for kind in ("reach_any", "reach_all"):
        for row in regions[regions["kind"] == kind].itertuples():
            if row.geometry is None or row.geometry.is_empty:
                continue
            fill, line = REGION_STYLE[kind]
            tooltip = (
                f"FEASIBLE LAUNCH REGION ({'every' if kind == 'reach_all' else 'any'} strike)\n"
                f"{row.summary}\n{row.strikes:,} strikes at {row.locations:,} positions; "
                "a published range, not evidence of a launch position"
            )
            records.extend(
                {"polygon": polygon, "tt": tooltip, "f": list(fill), "l": list(line)}
                for polygon in _rings_of(row.geometry)
            )
    return records


def region_layer(url: str) -> pdk.Layer:
    """Return the launch region layer (`region_records`): yellow, stronger where all reach."""
    return pdk.Layer(
        "PolygonLayer",
        id="launch-region",
        data=url,
        get_polygon="polygon",
        get_fill_color="f",
        get_line_color="l",
        get_line_width=REGION_WIDTH_PX,
        line_width_units=_string("pixels"),
        stroked=True,
        pickable=True,
    )


# --- launch points, areas, basemap ---------------------------------------------------------------


def site_records(sites: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Candidate launch points for `site_layers`: position `p` and tooltip `tt`."""
    return [
        {
            "p": [row.geometry.x, row.geometry.y],
            "tt": inert(row.name)
            + f" (CANDIDATE)\n{inert(row.note)}\nUncertainty radius: {row.uncertainty_km:g} km",
        }
        for row in sites.itertuples()
    ]


def site_layers(url: str) -> list[pdk.Layer]:
    """Candidate launch points (`site_records`) as black dots in a white rim, with a tooltip.

    Their names are labels (`site_label_records`).
    """
    return [
        pdk.Layer(
            "ScatterplotLayer",
            id="launch-sites",
            data=url,
            get_position="p",
            get_fill_color=list(BLACK),
            get_line_color=list(WHITE),
            get_radius=SITE_DOT_PX,
            radius_units=_string("pixels"),
            stroked=True,
            line_width_min_pixels=2,
            pickable=True,
        )
    ]


def _dashed() -> dict[str, Any]:
    """Props of a dashed path: deck.gl's PathStyleExtension, dashes fitted to each path."""
    return {
        "extensions": [{"@@type": "PathStyleExtension", "dash": True}],
        "get_dash_array": list(DASH_ARRAY),
        "dash_justified": True,
    }


def uncertainty_paths(uncertainty_rings: Iterable[Polygon]) -> list[dict[str, Any]]:
    """Return the launch areas' uncertainty circles (geodesic) as lines `path`."""
    return [{"path": _rings_of(ring)[0][0]} for ring in uncertainty_rings]


def uncertainty_layer(url: str) -> pdk.Layer:
    """Return the launch areas' dashed uncertainty circles, read from a static file.

    They do not follow the sliders; the launch point's tooltip gives the radius.
    """
    return pdk.Layer(
        "PathLayer",
        id="uncertainty-circles",
        data=url,
        get_path="path",
        get_color=list(UNCERTAINTY_RGBA),
        get_width=UNCERTAINTY_WIDTH_PX,
        width_units=_string("pixels"),
        **_dashed(),
    )


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


def deployment_layers(url: str) -> list[pdk.Layer]:
    """HYPOTHETICAL areas (`deployment_records`): purple fill, dashed purple outline.

    Their labels are in a `label_layer`.
    """
    return [
        pdk.Layer(
            "PolygonLayer",
            id="deployment-areas",
            data=url,
            get_polygon="polygon",
            get_fill_color=[*HYPOTHETICAL_COLOUR, 60],
            get_line_color=list(HYPOTHETICAL_COLOUR),
            get_line_width=HYPOTHETICAL_WIDTH_PX,
            line_width_units=_string("pixels"),
            stroked=True,
            pickable=True,
            **_dashed(),
        )
    ]


def basemap_payload(layer: BasemapLayer) -> bytes:
    """Return the Natural Earth file of a basemap layer, to be served as a static file."""
    return (NATURAL_EARTH_DIR / layer.file_name).read_bytes()


def basemap_layers(urls: Sequence[str]) -> list[pdk.Layer]:
    """Return the offline vector basemap: `BASEMAP`'s layers, read from `urls` (in its order).

    deck.gl draws them as vectors, so they are sharp at every zoom; the map view repeats the
    world east and west, so they also show across the antimeridian.
    """
    return [
        pdk.Layer(
            "GeoJsonLayer",
            id=layer.layer_id,
            data=url,
            filled=layer.fill is not None,
            get_fill_color=list(layer.fill or WHITE),
            stroked=layer.line is not None,
            get_line_color=list(layer.line or BLACK),
            get_line_width=layer.line_width_px,
            line_width_units=_string("pixels"),
        )
        for layer, url in zip(BASEMAP, urls, strict=True)
    ]


class CompactDeck(pdk.Deck):  # type: ignore[misc]
    """A Deck whose JSON has no indentation.

    pydeck indents by 2, which triples the spec the browser fetches when the layers change.
    """

    def to_json(self) -> str:
        """Return the deck spec as compact JSON."""
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


CONTROLLER: Final = {
    "inertia": True,
    "scrollZoom": {"smooth": True},
    "dragRotate": False,
    "touchRotate": False,
    "keyboard": True,
}
"""The map view's controller: pan with inertia, smooth wheel zoom, keys; no rotation or tilt."""


def deck(layers: list[pdk.Layer], view: ViewPreset) -> pdk.Deck:
    """Return the Deck: no map provider (offline), the chosen initial view.

    The map view repeats the world east and west at low zoom, so every layer also shows across
    the antimeridian; the map draws its rings in the same view.
    """
    return CompactDeck(
        layers=layers,
        views=[pdk.View(type="MapView", controller=CONTROLLER, repeat=True)],
        map_provider=None,
        initial_view_state=pdk.ViewState(
            longitude=view.lon,
            latitude=view.lat,
            zoom=view.zoom,
            min_zoom=MIN_ZOOM,
            max_zoom=MAX_ZOOM,
        ),
    )


def spec_files(spec: str) -> tuple[str, ...]:
    """Return the URLs of the data files a deck spec (`deck(...).to_json()`) names.

    Parameters
    ----------
    spec
        The spec's JSON.

    Returns
    -------
    tuple of str
        Each layer's `data` URL and its `tooltipUrls`, in the layers' order.
    """
    layers = json.loads(spec)["layers"]
    return tuple(
        url
        for layer in layers
        for url in (layer["data"], *layer.get("tooltipUrls", ()))
        if isinstance(url, str)
    )

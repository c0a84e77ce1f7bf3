"""The map's data files: records, typed arrays and tooltips the browser fetches by URL.

Text from data reaches the browser only here, in data files, which deck.gl's JSON converter
never reads: `inert` shortens it and keeps a leading "@@" from reading as an expression all the
same. A record's tooltip is its `tt` field, plain text shown as text (never parsed as HTML); the
strikes' tooltips are files of their own, read when a strike is first hovered. The strikes
travel as raw typed arrays (`strike_binary`) that deck.gl takes as binary attributes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Final, TypedDict

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import MultiPolygon, Polygon

from mapviz.limits import MAX_DISPLAY_CHARS
from mapviz.paths import NATURAL_EARTH_DIR
from mapviz.reference import City
from mapviz.style import (
    ATTRIBUTION_COLOURS,
    CITY_LABEL,
    COUNTRY_LABEL,
    DISPLAY_DECIMALS,
    GREY,
    HYPOTHETICAL_LABEL,
    LABEL_NEIGHBOUR_DEG,
    PRIORITY_CITY_PER_DECADE,
    PRIORITY_COUNTRY_MAX,
    REGION_STYLE,
    SITE_LABEL,
    BasemapLayer,
    LabelKind,
    LabelStyle,
)

COUNTRY_LABELS: Final = NATURAL_EARTH_DIR / "ne_country_labels.json"

_EXPRESSION_PREFIX: Final = "@@"
_ZERO_WIDTH_SPACE: Final = "\u200b"

STRIKE_BYTES: Final = 20
"""Bytes per strike in `strike_binary`: lon, lat, radius and days as float32, RGBA as uint8."""
EPOCH: Final = pd.Timestamp("1970-01-01")
"""Day 0 of the strikes' dates in `strike_binary`."""
TOOLTIP_CHUNK_MIN: Final = 4096
TOOLTIP_FILES_MAX: Final = 64
"""Strike tooltips are files of at least TOOLTIP_CHUNK_MIN texts, at most TOOLTIP_FILES_MAX
files per data set; the browser reads one when a strike in it is first hovered."""


def inert(text: object) -> str:
    """Return text from data made safe for the map, shortened for display.

    deck.gl's JSON converter evaluates strings that start with "@@" ("@@=expression",
    "@@#CONSTANT"). Text from data only ever reaches the browser in data files, which the
    converter does not read; a zero-width space after the first "@" keeps such text as text
    wherever it goes all the same. HTML needs no escaping here: tooltips and labels are drawn as
    text, never parsed as HTML.

    Parameters
    ----------
    text : object
        Any value from data (as `str` writes it).

    Returns
    -------
    str
        The text, at most `MAX_DISPLAY_CHARS` characters (cut with an ellipsis).
    """
    value = str(text)
    if len(value) > MAX_DISPLAY_CHARS:
        value = value[: MAX_DISPLAY_CHARS - 1] + "\u2026"
    if value.startswith(_EXPRESSION_PREFIX):
        value = "@" + _ZERO_WIDTH_SPACE + value[1:]
    return value


Ring = list[list[float]]
"""A closed line of [lon, lat] points, rounded to `DISPLAY_DECIMALS`."""
DeckPolygon = list[Ring]
"""A polygon as deck.gl's PolygonLayer takes it: the outer ring, then the holes."""


class LabelRecord(LabelStyle):
    """A label of the map's text layer: position, text (`inert`) and its kind's look."""

    p: list[float]
    t: str


class CountryLabel(TypedDict):
    """A country's name at Natural Earth's label point, with the lowest zoom it shows at."""

    p: list[float]
    t: str
    z: float


class PointRecord(TypedDict):
    """A point with its tooltip (plain text): a launch point."""

    p: list[float]
    tt: str


class PolygonRecord(TypedDict):
    """A polygon with its tooltip (plain text): part of a HYPOTHETICAL area."""

    polygon: DeckPolygon
    tt: str


class RegionRecord(PolygonRecord):
    """A polygon of the launch region with its fill and outline colours (RGBA)."""

    f: list[int]
    l: list[int]  # noqa: E741 - the records' one-letter keys


class PathRecord(TypedDict):
    """A line: a launch area's uncertainty circle."""

    path: Ring


def _rounded(coords: Iterable[tuple[float, ...]]) -> Ring:
    xy = np.asarray(coords, dtype=np.float64)[:, :2]
    rounded: Ring = np.round(xy, DISPLAY_DECIMALS).tolist()
    return rounded


def _rings_of(geometry: Polygon | MultiPolygon) -> list[DeckPolygon]:
    """deck.gl polygons ([outer, *holes]) of a (multi)polygon."""
    polygons = geometry.geoms if isinstance(geometry, MultiPolygon) else [geometry]
    return [
        [_rounded(p.exterior.coords), *(_rounded(h.coords) for h in p.interiors)]
        for p in polygons
        if not p.is_empty
    ]


def label_record(kind: LabelKind, lon: float, lat: float, text: str) -> LabelRecord:
    """Return a label for the label layer.

    Parameters
    ----------
    kind : LabelKind
        How the label is drawn.
    lon, lat : float
        Its point, in degrees.
    text : str
        Its text (made `inert`).

    Returns
    -------
    LabelRecord
        The point, the text and the kind's `LabelStyle`.
    """
    return {"p": [lon, lat], "t": inert(text), **kind.style()}


def records_payload(records: Sequence[object]) -> bytes:
    """Return layer records as a static file's bytes.

    Parameters
    ----------
    records : sequence of object
        JSON-serialisable records.

    Returns
    -------
    bytes
        Compact UTF-8 JSON.
    """
    return json.dumps(records, separators=(",", ":"), ensure_ascii=False).encode()


# --- strikes -----------------------------------------------------------------------------------


def strike_binary(strikes: gpd.GeoDataFrame) -> bytes:
    """Return the strikes as the map's typed arrays: every strike a point deck.gl draws and picks.

    For n strikes, little-endian: n (lon, lat) pairs as float32 (about 1 m at these
    coordinates), then n location-precision radii in metres as float32 (0 where unknown or not
    finite), then n attribution colours as RGBA uint8, then n dates as float32 days since
    1970-01-01 (NaN where undated; whole days are exact in float32). The map reads it once per
    data set and filter (frontend/src/layerdata.js); the dates drive its time window (deck.gl's
    DataFilterExtension).

    Parameters
    ----------
    strikes : GeoDataFrame
        The strikes, with `location_radius_km`, `attribution` and `date` columns.

    Returns
    -------
    bytes
        `STRIKE_BYTES` per strike.
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
    """Return each strike's tooltip as plain text.

    Parameters
    ----------
    strikes : GeoDataFrame
        The strikes.

    Returns
    -------
    list of str
        Per strike, in order: date, place, location precision, weapon, attribution,
        casualties and the sources' publishers (text from data `inert`), and SYNTHETIC for a
        generated record.
    """
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
    """Return how many strike tooltips one file holds.

    Parameters
    ----------
    count : int
        The number of strikes.

    Returns
    -------
    int
        At least `TOOLTIP_CHUNK_MIN`, and enough that there are at most `TOOLTIP_FILES_MAX`
        files.
    """
    return max(TOOLTIP_CHUNK_MIN, -(-count // TOOLTIP_FILES_MAX))


def tooltip_chunks(tooltips: Sequence[str]) -> list[bytes]:
    """Return the strikes' tooltips as JSON files.

    Parameters
    ----------
    tooltips : sequence of str
        The tooltips, in the strikes' order (`strike_tooltips`).

    Returns
    -------
    list of bytes
        JSON arrays of `tooltip_chunk_size` texts each, in order.
    """
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


@cache
def country_labels() -> tuple[CountryLabel, ...]:
    """Return Natural Earth's country names, largest country first.

    Returns
    -------
    tuple of CountryLabel
        Each a label point `p`, name `t` and lowest zoom `z`.
    """
    return tuple(json.loads(COUNTRY_LABELS.read_text(encoding="utf-8")))


def place_label_records(cities: Iterable[City]) -> list[LabelRecord]:
    """Return city and country names in grey, for `label_layer`.

    Countries at Natural Earth's label points, cities (GeoNames) above their centres; larger
    ones with higher priority. Which names show at a zoom is deck.gl's collision filter's
    choice: zooming in spreads them apart and shows more.

    Parameters
    ----------
    cities : iterable of City
        The cities to name.

    Returns
    -------
    list of LabelRecord
        Countries, then cities.
    """
    records = []
    for rank, label in enumerate(country_labels()):
        record = label_record(COUNTRY_LABEL, label["p"][0], label["p"][1], label["t"])
        record["pr"] = max(0, PRIORITY_COUNTRY_MAX - rank)
        records.append(record)
    for city in cities:
        record = label_record(CITY_LABEL, city.point.lon, city.point.lat, city.name)
        record["pr"] = round(PRIORITY_CITY_PER_DECADE * math.log10(max(city.population, 1)))
        records.append(record)
    return records


def site_label_records(sites: gpd.GeoDataFrame) -> list[LabelRecord]:
    """Return the launch points' names, below their dots, for `label_layer`.

    Parameters
    ----------
    sites : GeoDataFrame
        The launch points layer (`layers.sites_frame`).

    Returns
    -------
    list of LabelRecord
        One per launch point.
    """
    return [
        label_record(SITE_LABEL, row.geometry.x, row.geometry.y, row.name)
        for row in sites.itertuples()
    ]


def deployment_label_records(areas: gpd.GeoDataFrame) -> list[LabelRecord]:
    """Return a visible "HYPOTHETICAL" label per place, naming its systems, for `label_layer`.

    Areas of the same or nearby places (`LABEL_NEIGHBOUR_DEG`) share one label, a line pair
    per system, so that their labels never cover each other; the collision filter keeps them
    clear of other labels.

    Parameters
    ----------
    areas : GeoDataFrame
        The hypothetical deployment areas (`reference.deployments`).

    Returns
    -------
    list of LabelRecord
        One per place or group of nearby places.
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
    return [
        label_record(HYPOTHETICAL_LABEL, lon, lat, "\n".join(texts)) for (lon, lat), texts in stacks
    ]


# --- launch region --------------------------------------------------------------------------------


def region_records(regions: gpd.GeoDataFrame) -> list[RegionRecord]:
    """Return the launch region's polygons for a static file.

    reach_any comes first so that reach_all is drawn over it; empty regions have no record (the
    page says in words that they are empty).

    Parameters
    ----------
    regions : GeoDataFrame
        The launch region layer (`layers.launch_region_frame`).

    Returns
    -------
    list of RegionRecord
        Each a deck.gl polygon, its tooltip (the summary, plain text) and its colours.
    """
    records: list[RegionRecord] = []
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


# --- launch points, areas, basemap ---------------------------------------------------------------


def site_records(sites: gpd.GeoDataFrame) -> list[PointRecord]:
    """Return the candidate launch points for `site_layers`.

    Parameters
    ----------
    sites : GeoDataFrame
        The launch points layer (`layers.sites_frame`).

    Returns
    -------
    list of PointRecord
        Each point with a tooltip: its name, CANDIDATE, the note and the uncertainty radius.
    """
    return [
        {
            "p": [row.geometry.x, row.geometry.y],
            "tt": inert(row.name)
            + f" (CANDIDATE)\n{inert(row.note)}\nUncertainty radius: {row.uncertainty_km:g} km",
        }
        for row in sites.itertuples()
    ]


def uncertainty_paths(uncertainty_rings: Iterable[Polygon]) -> list[PathRecord]:
    """Return the launch areas' uncertainty circles as lines.

    Parameters
    ----------
    uncertainty_rings : iterable of Polygon
        Geodesic circles (`layers.cached_ring`).

    Returns
    -------
    list of PathRecord
        Each circle's outer ring.
    """
    return [{"path": _rings_of(ring)[0][0]} for ring in uncertainty_rings]


def deployment_records(areas: gpd.GeoDataFrame) -> list[PolygonRecord]:
    """Return the HYPOTHETICAL areas' polygons with their tooltips, for a static file.

    Parameters
    ----------
    areas : GeoDataFrame
        The hypothetical deployment areas (`reference.deployments`).

    Returns
    -------
    list of PolygonRecord
        Each polygon with HYPOTHETICAL, the system, the place, the reported dates and the
        annotation.
    """
    records: list[PolygonRecord] = []
    for row in areas.itertuples():
        until = f" to {row.reported_to}" if isinstance(row.reported_to, str) else ""
        tooltip = (
            f"HYPOTHETICAL: {row.system}\n{row.place}\nReported from {row.reported_from}{until}"
            f"\n{row.annotation}"
        )
        records.extend({"polygon": poly, "tt": tooltip} for poly in _rings_of(row.geometry))
    return records


def basemap_payload(layer: BasemapLayer) -> bytes:
    """Return the Natural Earth file of a basemap layer, to be served as a static file.

    Parameters
    ----------
    layer : BasemapLayer
        A layer of `BASEMAP`.

    Returns
    -------
    bytes
        The file's GeoJSON, as shipped.
    """
    return (NATURAL_EARTH_DIR / layer.file_name).read_bytes()

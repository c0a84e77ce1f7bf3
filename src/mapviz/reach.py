"""The reverse questions: from where could the strikes have been launched, and what is in range.

Two analyses over `mapviz.geodesy`:

* `launch_region`: for strikes and a range band [min_km, max_km], the region from which a
  launcher could reach every strike (``reach_all``: the intersection of the geodesic bands around
  each strike) and the region from which it could reach at least one (``reach_any``: their
  union), with their geodesic areas. The bands are `range_band`s, so the boundaries are within
  the rings' tolerance of the true circles; where two circles cross at a small angle the corner
  of the intersection can be farther from the true one (the chords meet beyond it), which the
  property tests bound.
* `cities_in_range`: for launch points, GeoNames' cities within the max ring and within the
  band, with their published populations and geodesic distances, and totals per launch point.

A band is a published range, not a proof of where a launcher stood: these regions say where a
launch was *possible* for that range, nothing more.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from mapviz.errors import ParameterError
from mapviz.geodesy import GEOD, distances_km, export_geometry, polygonal, range_band
from mapviz.limits import MAX_REGION_LOCATIONS
from mapviz.reference import City, LaunchSite
from mapviz.units import (
    DEFAULT_RING_TOLERANCE_M,
    FULL_TURN_DEG,
    HALF_TURN_DEG,
    MIN_RING_RADIUS_KM,
)

RegionKind = Literal["reach_all", "reach_any"]
REGION_KINDS: Final[tuple[RegionKind, ...]] = ("reach_all", "reach_any")


_LOCATION_DECIMALS: Final = 6
"""Strikes at the same position to this many decimal degrees (about 0.1 m) share one band."""

M2_PER_KM2: Final = 1e6


@dataclass(frozen=True)
class LaunchRegion:
    """Where a launcher with range [min_km, max_km] could have stood, for some strikes.

    Attributes
    ----------
    kind : {"reach_all", "reach_any"}
        Within the band of every strike, or of at least one.
    display : Polygon or MultiPolygon
        The region with longitudes continuous around the strikes (for the map); empty if none.
    geometry : Polygon or MultiPolygon
        The region in RFC 7946 form (split at the antimeridian); empty if none.
    min_km, max_km : float
        The range band.
    strikes : int
        How many strikes it was computed for (strikes at one position count each).
    locations : int
        How many distinct positions those strikes have.
    area_km2 : float
        Geodesic area on WGS84 (0 when empty).
    """

    kind: RegionKind
    display: Polygon | MultiPolygon
    geometry: Polygon | MultiPolygon
    min_km: float
    max_km: float
    strikes: int
    locations: int
    area_km2: float

    @property
    def empty(self) -> bool:
        """Whether no point qualifies.

        Returns
        -------
        bool
            True when the region's geometry is empty.
        """
        return bool(self.geometry.is_empty)

    def summary(self) -> str:
        """Say in one plain-text sentence what the region is (in tooltips and on the page).

        Returns
        -------
        str
            The band, the strike count, and the region's area or that no point qualifies.
        """
        band = f"{self.min_km:,.0f}-{self.max_km:,.0f} km"
        count = f"{self.strikes:,} strike{'s' if self.strikes != 1 else ''}"
        if self.kind == "reach_all":
            if self.empty:
                return f"No point is within {band} of all {count}."
            return f"Within {band} of all {count}: {self.area_km2:,.0f} km2."
        if self.empty:
            return f"No point is within {band} of any of the {count}."
        return f"Within {band} of at least one of the {count}: {self.area_km2:,.0f} km2."


def geodesic_area_km2(geometry: BaseGeometry) -> float:
    """Return the area of a lon/lat (multi)polygon on WGS84, its edges taken as geodesics.

    Parameters
    ----------
    geometry : BaseGeometry
        A (multi)polygon in degrees.

    Returns
    -------
    float
        The area in km2 (0 when empty).
    """
    if geometry.is_empty:
        return 0.0
    area_m2, _ = GEOD.geometry_area_perimeter(shapely.orient_polygons(geometry))
    return abs(float(area_m2)) / M2_PER_KM2


def _central_lon(lons: npt.NDArray[np.float64]) -> float:
    """Circular mean of longitudes in degrees (the frame the regions are computed in)."""
    rad = np.radians(lons)
    mean = math.degrees(math.atan2(float(np.sin(rad).mean()), float(np.cos(rad).mean())))
    return 0.0 if not math.isfinite(mean) else mean


def _wrap(lon: float) -> float:
    return (lon + HALF_TURN_DEG) % FULL_TURN_DEG - HALF_TURN_DEG


def distinct_locations(
    lons: npt.ArrayLike, lats: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], int]:
    """Return the distinct positions of strikes (to 1e-6 degree) and the strike count.

    Parameters
    ----------
    lons, lats : array_like
        The strikes' longitudes and latitudes, in degrees, of one length.

    Returns
    -------
    tuple of ndarray and int
        The distinct (lon, lat) rows, shape (k, 2), and how many strikes there are.

    Raises
    ------
    ParameterError
        When the arrays differ in length or a position is not a finite number.
    """
    lon = np.asarray(lons, dtype=np.float64).ravel()
    lat = np.asarray(lats, dtype=np.float64).ravel()
    if lon.shape != lat.shape:
        raise ParameterError("longitude and latitude arrays must have the same length")
    finite = np.isfinite(lon) & np.isfinite(lat)
    if not finite.all():
        raise ParameterError(f"{int((~finite).sum())} strike positions are not finite numbers")
    points = np.round(np.column_stack([lon, lat]), _LOCATION_DECIMALS)
    return np.unique(points, axis=0), int(lon.size)


def region_refusal(locations: int) -> str | None:
    """Say why no launch region is computed for strikes at `locations` distinct positions.

    Parameters
    ----------
    locations : int
        The strikes' distinct positions (`distinct_locations`).

    Returns
    -------
    str or None
        The reason (none at all, or more than `MAX_REGION_LOCATIONS`), or None when a region
        can be computed.
    """
    if locations == 0:
        return "no strikes to compute a launch region from (check the filters)"
    if locations > MAX_REGION_LOCATIONS:
        return (
            f"the launch region is computed for at most {MAX_REGION_LOCATIONS:,} distinct strike "
            f"positions, got {locations:,}: narrow the filters or pick strikes in the table"
        )
    return None


def launch_region(
    lons: npt.ArrayLike,
    lats: npt.ArrayLike,
    min_km: float,
    max_km: float,
    *,
    tolerance_m: float = DEFAULT_RING_TOLERANCE_M,
) -> tuple[LaunchRegion, LaunchRegion]:
    """Return the regions that reach every strike and at least one, for the band [min, max].

    Parameters
    ----------
    lons, lats : array_like, shape (N,)
        Strike positions in degrees (WGS84); N >= 1, at most MAX_REGION_LOCATIONS distinct.
    min_km, max_km : float
        Range band in km (0 <= min_km < max_km); a min of 0 means no minimum.
    tolerance_m : float, keyword-only
        Boundary tolerance of every band, in metres.

    Returns
    -------
    tuple of LaunchRegion
        ``reach_all`` then ``reach_any``.

    Notes
    -----
    Each band is computed around its strike shifted by the strikes' central longitude, so that
    every band is in one frame of [-180, 180] (pole-enclosing bands included, split at the
    frame's seam by `export_geometry`); the overlay runs there and the result is shifted back.
    """
    if not 0 <= min_km < max_km:
        raise ParameterError(f"ranges must satisfy 0 <= min < max, got {min_km} and {max_km} km")
    points, count = distinct_locations(lons, lats)
    refusal = region_refusal(len(points))
    if refusal:
        raise ParameterError(refusal)
    centre = _central_lon(points[:, 0])
    inner_km = min_km if min_km >= MIN_RING_RADIUS_KM else 0.0  # below 1 m: no minimum
    bands = [
        export_geometry(
            range_band(_wrap(lon - centre), lat, inner_km, max_km, tolerance_m=tolerance_m)
        )
        for lon, lat in points
    ]
    every = polygonal(shapely.intersection_all(bands) if len(bands) > 1 else bands[0])
    some = polygonal(shapely.union_all(bands))

    def region(kind: RegionKind, framed: Polygon | MultiPolygon) -> LaunchRegion:
        display = polygonal(shapely.affinity.translate(framed, xoff=centre))
        geometry = export_geometry(display) if not display.is_empty else Polygon()
        return LaunchRegion(
            kind=kind,
            display=display,
            geometry=geometry,
            min_km=float(min_km),
            max_km=float(max_km),
            strikes=count,
            locations=len(points),
            area_km2=geodesic_area_km2(geometry),
        )

    return region("reach_all", every), region("reach_any", some)


def sites_in_region(
    sites: Sequence[LaunchSite],
    lons: npt.ArrayLike,
    lats: npt.ArrayLike,
    min_km: float,
    max_km: float,
    *,
    matrix_km: npt.NDArray[np.float64] | None = None,
) -> pd.DataFrame:
    """Return, per launch point, how many of the strikes lie in its band, from exact distances.

    Distances are geodesic, not read off the polygons.

    Parameters
    ----------
    sites : sequence of LaunchSite
        The launch points.
    lons, lats : array_like
        The strikes' positions, in degrees.
    min_km, max_km : float
        The range band, in km.
    matrix_km : ndarray of float, optional
        The strikes x sites distances computed earlier (`geodesy.distances_km`), as the page
        has them for every slider press.

    Returns
    -------
    DataFrame
        Columns ``site``, ``strikes_in_band``, ``strikes``, ``reach_all`` (every strike in its
        band: inside the ``reach_all`` region) and ``reach_any`` (at least one).
    """
    if matrix_km is None:
        lon = np.asarray(lons, dtype=np.float64).ravel()
        lat = np.asarray(lats, dtype=np.float64).ravel()
        matrix_km = distances_km(
            lon, lat, [s.point.lon for s in sites], [s.point.lat for s in sites]
        )
    count = matrix_km.shape[0]
    in_band = (matrix_km >= min_km) & (matrix_km <= max_km)
    hits = in_band.sum(axis=0)
    return pd.DataFrame(
        {
            "site": [s.name for s in sites],
            "strikes_in_band": hits.astype(int),
            "strikes": count,
            "reach_all": (hits == count) & (count > 0),
            "reach_any": hits > 0,
        }
    )


CITY_COLUMNS: Final = ("name", "country", "population", "site", "km", "within_max", "in_band")


@dataclass(frozen=True)
class CitiesInRange:
    """Cities within reach of launch points.

    Attributes
    ----------
    cities : pandas.DataFrame
        One row per (site, city) within the max ring: CITY_COLUMNS plus ``site_id``, ``lon``,
        ``lat`` and ``geonameid``; nearest first per site.
    totals : pandas.DataFrame
        Per site: ``site``, ``cities_within_max``, ``population_within_max``, ``cities_in_band``,
        ``population_in_band``.
    """

    cities: pd.DataFrame
    totals: pd.DataFrame


def cities_in_range(
    sites: Sequence[LaunchSite], cities: Sequence[City], min_km: float, max_km: float
) -> CitiesInRange:
    """Return the cities within `max_km` of each launch point, and which lie in the band.

    Parameters
    ----------
    sites : sequence of LaunchSite
        Launch points.
    cities : sequence of City
        Candidate cities (GeoNames via `mapviz.reference.cities`).
    min_km, max_km : float
        Range band in km; a city is ``within_max`` at most `max_km` away and ``in_band`` when
        also at least `min_km` away.

    Returns
    -------
    CitiesInRange
        Rows and per-site totals (every site has a totals row, with zeros if nothing is in range).
    """
    if not 0 <= min_km < max_km:
        raise ParameterError(f"ranges must satisfy 0 <= min < max, got {min_km} and {max_km} km")
    matrix = distances_km(
        [c.point.lon for c in cities],
        [c.point.lat for c in cities],
        [s.point.lon for s in sites],
        [s.point.lat for s in sites],
    )
    population = np.array([c.population for c in cities], dtype=np.int64)
    frames: list[pd.DataFrame] = []
    totals: list[dict[str, object]] = []
    for j, site in enumerate(sites):
        km = matrix[:, j]
        rows = np.flatnonzero(km <= max_km)
        rows = rows[np.argsort(km[rows], kind="stable")]
        in_band = km[rows] >= min_km
        found = [cities[i] for i in rows.tolist()]
        frames.append(
            pd.DataFrame(
                {
                    "name": [c.name for c in found],
                    "country": [c.country_code for c in found],
                    "population": population[rows],
                    "site": site.name,
                    "km": np.round(km[rows], 3),
                    "within_max": True,
                    "in_band": in_band,
                    "site_id": site.id,
                    "lon": [c.point.lon for c in found],
                    "lat": [c.point.lat for c in found],
                    "geonameid": [c.geonameid for c in found],
                }
            )
        )
        totals.append(
            {
                "site": site.name,
                "cities_within_max": len(rows),
                "population_within_max": int(population[rows].sum()),
                "cities_in_band": int(in_band.sum()),
                "population_in_band": int(population[rows][in_band].sum()),
            }
        )
    columns = [*CITY_COLUMNS, "site_id", "lon", "lat", "geonameid"]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    total_columns = [
        "site", "cities_within_max", "population_within_max", "cities_in_band",
        "population_in_band",
    ]  # fmt: skip
    return CitiesInRange(table[columns], pd.DataFrame(totals, columns=total_columns))

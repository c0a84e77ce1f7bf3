"""Parameters of a map view, strike filtering, and per-strike distances to the launch sites."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

from mapviz.errors import ParameterError
from mapviz.geodesy import BoolArray, FloatArray, distances_km, nearest_site
from mapviz.reference import LaunchSite
from mapviz.units import DEFAULT_RING_TOLERANCE_M, MAX_RING_RADIUS_KM


@dataclass(frozen=True)
class Filters:
    """Which strikes are shown. None means "no restriction" for each criterion.

    Attributes
    ----------
    date_from, date_to : datetime.date or None
        Inclusive date bounds. Strikes without a date always pass: they cannot be placed in
        time, and hiding them would lose them silently.
    attributions, weapons : tuple of str or None
        Allowed attribution statuses / weapon texts.
    """

    date_from: date | None = None
    date_to: date | None = None
    attributions: tuple[str, ...] | None = None
    weapons: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Params:
    """Everything that defines the computed layers; exports record it as provenance.

    Attributes
    ----------
    min_km, max_km : float
        Range band in km; `min_km` 0 means no minimum ring.
    sites : tuple of LaunchSite
        Selected launch points.
    filters : Filters
        Strike filters.
    tolerance_m : float
        Ring boundary tolerance in metres.
    """

    min_km: float = 380.0
    max_km: float = 800.0
    sites: tuple[LaunchSite, ...] = ()
    filters: Filters = field(default_factory=Filters)
    tolerance_m: float = DEFAULT_RING_TOLERANCE_M

    def __post_init__(self) -> None:
        if not 0 <= self.min_km < self.max_km <= MAX_RING_RADIUS_KM:
            raise ParameterError(
                f"ranges must satisfy 0 <= min < max <= {MAX_RING_RADIUS_KM:,.0f} km, "
                f"got min {self.min_km} km, max {self.max_km} km"
            )


def filter_strikes(strikes: gpd.GeoDataFrame, filters: Filters) -> gpd.GeoDataFrame:
    """Return the strikes that pass `filters`.

    Undated strikes pass the date bounds (they cannot be placed outside them).

    Parameters
    ----------
    strikes : GeoDataFrame
        Strikes with `date`, `attribution` and `weapon` columns.
    filters : Filters
        The filters; None in a field restricts nothing.

    Returns
    -------
    GeoDataFrame
        A new frame of the strikes that pass, with their index; the input is not changed.
    """
    keep = np.ones(len(strikes), dtype=bool)
    dates = strikes["date"]
    undated = dates.isna().to_numpy()
    if filters.date_from is not None:
        keep &= undated | (dates >= pd.Timestamp(filters.date_from)).to_numpy()
    if filters.date_to is not None:
        keep &= undated | (dates <= pd.Timestamp(filters.date_to)).to_numpy()
    if filters.attributions is not None:
        keep &= strikes["attribution"].isin(filters.attributions).to_numpy()
    if filters.weapons is not None:
        keep &= strikes["weapon"].isin(filters.weapons).to_numpy()
    return strikes[keep]


def site_column(site: LaunchSite) -> str:
    """Return the name of the column of distances (km) to `site`.

    Parameters
    ----------
    site : LaunchSite
        A launch point.

    Returns
    -------
    str
        `km_to_` and the site's id made safe for a column name (`site_columns` numbers repeats).
    """
    return "km_to_" + re.sub(r"[^0-9a-zA-Z]+", "_", site.id).strip("_").lower()


def site_columns(sites: tuple[LaunchSite, ...]) -> list[str]:
    """Return the distance columns of `sites` in order: `site_column`, _2, _3... if repeated.

    Two sites can reduce to one name (ids that differ only in punctuation or case, or one site
    chosen twice); each keeps its own column.

    Parameters
    ----------
    sites : tuple of LaunchSite
        The launch points.

    Returns
    -------
    list of str
        One distinct column name per site, in order.
    """
    seen: dict[str, int] = {}
    columns = []
    for site in sites:
        column = site_column(site)
        seen[column] = seen.get(column, 0) + 1
        columns.append(column if seen[column] == 1 else f"{column}_{seen[column]}")
    return columns


def site_distances_km(strikes: gpd.GeoDataFrame, sites: tuple[LaunchSite, ...]) -> FloatArray:
    """Return the strikes x sites matrix of geodesic distances in km.

    Parameters
    ----------
    strikes : GeoDataFrame
        Strikes as points (EPSG:4326).
    sites : tuple of LaunchSite
        The launch points.

    Returns
    -------
    ndarray of float, shape (len(strikes), len(sites))
        WGS84 geodesic distances, in km.
    """
    return distances_km(
        strikes.geometry.x.to_numpy(),
        strikes.geometry.y.to_numpy(),
        [s.point.lon for s in sites],
        [s.point.lat for s in sites],
    )


def with_distances(
    strikes: gpd.GeoDataFrame,
    sites: tuple[LaunchSite, ...],
    *,
    matrix_km: FloatArray | None = None,
) -> gpd.GeoDataFrame:
    """Add geodesic distances from every strike to every site and the nearest site.

    Parameters
    ----------
    strikes : GeoDataFrame
        Strikes as points (EPSG:4326).
    sites : tuple of LaunchSite
        The launch points.
    matrix_km : ndarray of float, optional
        A `site_distances_km` result computed earlier for the same strikes and sites (not
        measured again).

    Returns
    -------
    GeoDataFrame
        A copy of `strikes` with one `km_to_<site id>` column per site (`site_columns`),
        `nearest_site` and `nearest_km` (empty with no sites).
    """
    out = strikes.copy()
    n = len(out)
    if not sites:
        out["nearest_site"] = ""
        out["nearest_km"] = np.full(n, np.nan)
        return out
    matrix = site_distances_km(out, sites) if matrix_km is None else matrix_km
    for j, column in enumerate(site_columns(sites)):
        out[column] = matrix[:, j]
    names = np.array([s.name for s in sites], dtype=object)
    if n:
        nearest = nearest_site(matrix)
        out["nearest_site"] = names[nearest.site_index]
        out["nearest_km"] = nearest.distance_km
    else:
        out["nearest_site"] = pd.Series(dtype=object)
        out["nearest_km"] = pd.Series(dtype=float)
    return out


def measure(
    strikes: gpd.GeoDataFrame,
    sites: tuple[LaunchSite, ...],
    min_km: float,
    max_km: float,
    *,
    matrix_km: FloatArray | None = None,
) -> gpd.GeoDataFrame:
    """Add `with_distances`' columns and the range flags.

    Parameters
    ----------
    strikes : GeoDataFrame
        Strikes as points (EPSG:4326).
    sites : tuple of LaunchSite
        The launch points.
    min_km, max_km : float
        The range band, in km (min 0: no min ring).
    matrix_km : ndarray of float, optional
        A `site_distances_km` result for the same strikes and sites.

    Returns
    -------
    GeoDataFrame
        `with_distances`' frame with `within_min` (inside some site's min ring), `within_max`
        (inside some site's max ring) and `in_band` (between the min and max ring of at least
        one site); False with no sites.
    """
    if not sites:
        out = with_distances(strikes, sites)
        for flag in ("within_min", "within_max", "in_band"):
            out[flag] = np.zeros(len(out), dtype=bool)
        return out
    matrix = site_distances_km(strikes, sites) if matrix_km is None else matrix_km
    out = with_distances(strikes, sites, matrix_km=matrix)
    within_min, within_max = range_flags(matrix, min_km, max_km)
    out["within_min"] = within_min.any(axis=1)
    out["within_max"] = within_max.any(axis=1)
    out["in_band"] = (within_max & ~within_min).any(axis=1)
    return out


def sorted_distances(matrix_km: FloatArray) -> FloatArray:
    """Return the strikes x sites distance matrix with each site's column sorted ascending.

    `ring_counts` reads counts off it by binary search, so a slider move costs microseconds
    however many strikes there are (NaN distances sort last and are never inside a ring).

    Parameters
    ----------
    matrix_km : ndarray of float
        A `site_distances_km` result.

    Returns
    -------
    ndarray of float
        A new matrix of the same shape, each column sorted.
    """
    return np.sort(np.asarray(matrix_km, dtype=np.float64), axis=0)


def ring_counts(
    sorted_km: FloatArray, sites: tuple[LaunchSite, ...], min_km: float, max_km: float
) -> pd.DataFrame:
    """Count strikes inside each site's min ring, max ring and band (one row per site).

    Inside the min ring means closer than `min_km` (nothing when it is 0), inside the max ring
    means at most `max_km`, and the band is inside the max ring but not the min one, as
    `range_flags`.

    Parameters
    ----------
    sorted_km : ndarray of float
        The distance matrix with sorted columns (`sorted_distances`).
    sites : tuple of LaunchSite
        The launch points, in the matrix's column order.
    min_km, max_km : float
        The range band, in km.

    Returns
    -------
    DataFrame
        Columns `site` (its name), `inside <min> km`, `inside <max> km` and `in band`.
    """
    inside_min = [
        int(np.searchsorted(sorted_km[:, j], min_km, side="left")) if min_km > 0 else 0
        for j in range(len(sites))
    ]
    inside_max = [
        int(np.searchsorted(sorted_km[:, j], max_km, side="right")) for j in range(len(sites))
    ]
    return pd.DataFrame(
        {
            "site": [s.name for s in sites],
            f"inside {min_km:g} km": inside_min,
            f"inside {max_km:g} km": inside_max,
            "in band": [max(0, m - n) for m, n in zip(inside_max, inside_min, strict=True)],
        }
    )


def range_flags(matrix_km: FloatArray, min_km: float, max_km: float) -> tuple[BoolArray, BoolArray]:
    """Return (inside the min ring, inside the max ring) per strike and site.

    Parameters
    ----------
    matrix_km : ndarray of float
        A `site_distances_km` result.
    min_km, max_km : float
        The range band, in km; a min range of 0 means no min ring: nothing is inside it.

    Returns
    -------
    tuple of two ndarray of bool
        Each of the matrix's shape: distance below `min_km`, and distance at most `max_km`.
    """
    inside_min = matrix_km < min_km if min_km > 0 else np.zeros_like(matrix_km, dtype=bool)
    return np.asarray(inside_min), np.asarray(matrix_km <= max_km)

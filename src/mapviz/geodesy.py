"""Geodesic range rings, bands, reach envelopes and distance matrices on the WGS84 ellipsoid.

Every coordinate is longitude/latitude in degrees (EPSG:4326), longitude first. Distances are
geodesic (Karney's algorithm as implemented by PROJ, reached through `pyproj.Geod`).

Geometries come in two forms:

* the *display form* keeps longitudes continuous around the ring's centre (a ring at 178E spans
  roughly 167..189), so deck.gl draws one closed shape; a ring that encloses a pole is closed along
  the pole's latitude and spans 360 degrees of longitude;
* the *export form* (RFC 7946) is what `export_geometry` returns: longitudes within [-180, 180],
  split at the antimeridian into a MultiPolygon, counter-clockwise exteriors, and a pole-enclosing
  ring as one valid polygon whose boundary runs along the pole's latitude.

A polygon's edges are straight lines in longitude/latitude (as GeoJSON defines them). The vertex
count of a ring is chosen so that every edge midpoint lies within a tolerance of the true circle.
"""

from __future__ import annotations

import math
from typing import Final, NamedTuple

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

from mapviz.errors import ParameterError
from mapviz.units import (
    DEFAULT_RING_TOLERANCE_M,
    ELLIPSOID,
    FULL_TURN_DEG,
    HALF_TURN_DEG,
    M_PER_KM,
    MAX_RING_RADIUS_KM,
    MIN_RING_RADIUS_KM,
    POLE_LAT_DEG,
)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

GEOD: Final = Geod(ellps=ELLIPSOID)

_MIN_RING_VERTICES: Final = 16
_MAX_RING_VERTICES: Final = 1 << 16
_MAX_REFINEMENTS: Final = 24
_VERTEX_SAFETY: Final = 1.15
"""Extra vertices over the planar estimate, so that most rings need no refinement pass."""
_MIN_M_PER_DEG_LAT: Final = 110_574.0
"""Shortest meridian degree on WGS84 (at the equator), in metres: a lower bound for pole checks."""


class LonLat(NamedTuple):
    """A point as longitude and latitude in degrees (WGS84), in GeoJSON order."""

    lon: float
    lat: float


def _check_centre(lon: float, lat: float) -> None:
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise ParameterError(f"centre must be finite, got lon={lon!r}, lat={lat!r}")
    if not -POLE_LAT_DEG <= lat <= POLE_LAT_DEG:
        raise ParameterError(f"centre latitude must be within [-90, 90], got {lat!r}")


def _check_radius_km(radius_km: float) -> None:
    if not (math.isfinite(radius_km) and MIN_RING_RADIUS_KM <= radius_km <= MAX_RING_RADIUS_KM):
        raise ParameterError(
            f"ring radius must be between {MIN_RING_RADIUS_KM} and {MAX_RING_RADIUS_KM:,.0f} km, "
            f"got {radius_km!r}"
        )


def enclosed_pole(lon: float, lat: float, radius_km: float) -> int:
    """Tell which pole, if any, lies inside the ring of `radius_km` around (lon, lat).

    Returns
    -------
    int
        +1 for the North Pole, -1 for the South Pole, 0 for neither.
    """
    radius_m = radius_km * M_PER_KM
    if radius_m < (POLE_LAT_DEG - abs(lat)) * _MIN_M_PER_DEG_LAT:
        return 0  # cheaper than two geodesic inversions, and always right
    for sign in (1, -1):
        _, _, to_pole_m = GEOD.inv(lon, lat, lon, sign * POLE_LAT_DEG)
        if to_pole_m < radius_m:
            return sign
    return 0


def _initial_vertex_count(radius_m: float, tolerance_m: float) -> int:
    """Vertices a planar circle of `radius_m` needs for its chords to stay within `tolerance_m`."""
    if tolerance_m >= radius_m:
        return _MIN_RING_VERTICES
    half_angle_rad = math.acos(1.0 - tolerance_m / radius_m)
    return max(_MIN_RING_VERTICES, math.ceil(_VERTEX_SAFETY * math.pi / half_angle_rad))


def _continuous(lons: FloatArray, centre_lon: float) -> FloatArray:
    """Unwrap longitudes so consecutive vertices never jump, their span centred on the centre."""
    unwrapped: FloatArray = np.unwrap(lons, period=FULL_TURN_DEG)
    span_middle = 0.5 * (unwrapped.min() + unwrapped.max())
    shift = FULL_TURN_DEG * np.round((centre_lon - span_middle) / FULL_TURN_DEG)
    return np.asarray(unwrapped + shift, dtype=np.float64)


def _ring_vertices(
    lon: float, lat: float, radius_m: float, tolerance_m: float
) -> tuple[FloatArray, FloatArray]:
    """Ring vertices (continuous longitudes), dense enough to keep edge midpoints in tolerance.

    Vertices are in order of azimuth (clockwise from north); the first vertex is repeated at the
    end with the longitude wrap of the last edge, so the arrays describe a closed line. A ring is
    symmetric about its centre's meridian, so only the eastern half (azimuths 0..180) is computed
    and checked; the western half is its mirror image.
    """
    half_azimuths = np.linspace(
        0.0, HALF_TURN_DEG, _initial_vertex_count(radius_m, tolerance_m) // 2 + 1
    )
    for _ in range(_MAX_REFINEMENTS):
        n = half_azimuths.size
        east_lons, east_lats, _ = GEOD.fwd(
            np.full(n, lon), np.full(n, lat), half_azimuths, np.full(n, radius_m)
        )
        west_lons = 2.0 * lon - np.asarray(east_lons[-2::-1])
        lons = _continuous(np.concatenate([east_lons, west_lons]), lon)
        lats = np.concatenate([east_lats, east_lats[-2::-1]])
        mid_lons = 0.5 * (lons[: n - 1] + lons[1:n])
        mid_lats = 0.5 * (lats[: n - 1] + lats[1:n])
        _, _, mid_dist_m = GEOD.inv(np.full(n - 1, lon), np.full(n - 1, lat), mid_lons, mid_lats)
        too_far = np.abs(np.asarray(mid_dist_m) - radius_m) > tolerance_m
        if not too_far.any():
            return lons, lats
        if 2 * n > _MAX_RING_VERTICES:
            break
        new_azimuths = 0.5 * (half_azimuths[:-1] + half_azimuths[1:])[too_far]
        half_azimuths = np.sort(np.concatenate([half_azimuths, new_azimuths]))
    raise ParameterError(
        f"no ring within {tolerance_m} m of the {radius_m / M_PER_KM} km circle around "
        f"({lon}, {lat}) with at most {_MAX_RING_VERTICES} vertices; raise the tolerance"
    )


def range_ring(
    lon: float, lat: float, radius_km: float, *, tolerance_m: float = DEFAULT_RING_TOLERANCE_M
) -> Polygon:
    """Return the disk of geodesic radius `radius_km` around (lon, lat), in display form.

    Parameters
    ----------
    lon, lat : float
        Centre in degrees (WGS84). Longitude may be any finite value; latitude within [-90, 90].
    radius_km : float
        Geodesic radius in kilometres, from 0.001 to 10,000.
    tolerance_m : float, keyword-only
        Largest allowed distance, in metres, between any edge midpoint and the true circle.

    Returns
    -------
    shapely.Polygon
        Longitudes continuous around `lon` (may leave [-180, 180]). A ring enclosing a pole
        is closed along latitude +-90 and spans 360 degrees of longitude.
    """
    _check_centre(lon, lat)
    _check_radius_km(radius_km)
    if not (math.isfinite(tolerance_m) and tolerance_m > 0):
        raise ParameterError(f"tolerance must be a positive number of metres, got {tolerance_m!r}")
    lons, lats = _ring_vertices(lon, lat, radius_km * M_PER_KM, tolerance_m)
    pole = enclosed_pole(lon, lat, radius_km)
    if pole:
        if pole < 0:
            # Put the seam opposite the centre (azimuth 180 crosses the South Pole), so the
            # ring spans centre +-180 like a North Pole ring, whose seam is at azimuth 0.
            opposite = (lons.size - 1) // 2
            rolled_lons = np.roll(lons[:-1], -opposite)
            rolled_lats = np.roll(lats[:-1], -opposite)
            lons = _continuous(np.append(rolled_lons, rolled_lons[0]), lon)
            lats = np.append(rolled_lats, rolled_lats[0])
        # The last vertex repeats the first one 360 degrees away: close along the pole.
        pole_lat = pole * POLE_LAT_DEG
        lons = np.concatenate([lons, [lons[-1], lons[0]]])
        lats = np.concatenate([lats, [pole_lat, pole_lat]])
        return shapely.orient_polygons(Polygon(np.column_stack([lons, lats])))
    # Azimuths grow clockwise (north, east, south, west): reverse for a counter-clockwise exterior.
    lons[-1], lats[-1] = lons[0], lats[0]
    return Polygon(np.column_stack([lons[::-1], lats[::-1]]))


def range_band(
    lon: float,
    lat: float,
    min_km: float,
    max_km: float,
    *,
    tolerance_m: float = DEFAULT_RING_TOLERANCE_M,
) -> Polygon | MultiPolygon:
    """Return the annulus between the `min_km` and `max_km` rings around (lon, lat), display form.

    A `min_km` of zero gives the full `max_km` disk.
    """
    if not min_km < max_km:
        raise ParameterError(f"min range ({min_km} km) must be below max range ({max_km} km)")
    outer = range_ring(lon, lat, max_km, tolerance_m=tolerance_m)
    if min_km <= 0:
        return outer
    inner = range_ring(lon, lat, min_km, tolerance_m=tolerance_m)
    return band_between(outer, inner)


def band_between(outer: Polygon, inner: Polygon) -> Polygon | MultiPolygon:
    """Return the area of `outer` outside `inner`, two display-form rings around one centre.

    When neither ring reaches a pole the inner ring lies strictly inside the outer one in the
    same longitude frame, so the band is the outer ring with the inner one as its hole (no
    polygon clipping needed); otherwise it is computed as a difference.
    """
    if outer.bounds[3] < POLE_LAT_DEG and outer.bounds[1] > -POLE_LAT_DEG:
        return Polygon(outer.exterior.coords, [inner.exterior.coords[::-1]])
    band = shapely.difference(outer, inner)
    if not isinstance(band, Polygon | MultiPolygon):  # pragma: no cover - GEOS contract
        raise TypeError(f"band is a {band.geom_type}")
    return band


class ReachEnvelope(NamedTuple):
    """What a launch area of some uncertainty radius can reach with a missile of given range.

    Attributes
    ----------
    reachable_from_some : Polygon
        Points within range of at least one point of the launch area (radius r + u).
    reachable_from_all : Polygon or None
        Points within range of every point of the launch area (radius r - u); None when u >= r.
    """

    reachable_from_some: Polygon
    reachable_from_all: Polygon | None


def reach_envelope(
    lon: float,
    lat: float,
    radius_km: float,
    uncertainty_km: float,
    *,
    tolerance_m: float = DEFAULT_RING_TOLERANCE_M,
) -> ReachEnvelope:
    """Return the reach of a launch area: a disk of `uncertainty_km` around (lon, lat).

    By the triangle inequality a point at geodesic distance d from the centre is within
    `radius_km` of some point of the area when d <= r + u, and of every point when d <= r - u
    (exact on a sphere; on the ellipsoid the difference is far below the boundary tolerance
    for areas of tens of kilometres).
    """
    some_km, all_km = reach_radii_km(radius_km, uncertainty_km)
    outer = range_ring(lon, lat, some_km, tolerance_m=tolerance_m)
    inner = None if all_km is None else range_ring(lon, lat, all_km, tolerance_m=tolerance_m)
    return ReachEnvelope(outer, inner)


def reach_radii_km(radius_km: float, uncertainty_km: float) -> tuple[float, float | None]:
    """Return the radii (km) of reach from some point (r + u) and from every point (r - u).

    The second is None when no point is within range of the whole launch area (u >= r).
    """
    if not (math.isfinite(uncertainty_km) and uncertainty_km >= 0):
        raise ParameterError(f"uncertainty must be >= 0 km, got {uncertainty_km!r}")
    all_km = radius_km - uncertainty_km
    return radius_km + uncertainty_km, (all_km if all_km >= MIN_RING_RADIUS_KM else None)


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [] if geometry.is_empty else [geometry]
    if isinstance(geometry, MultiPolygon):
        return [p for p in geometry.geoms if not p.is_empty]
    raise ParameterError(f"expected a Polygon or MultiPolygon, got {geometry.geom_type}")


def export_geometry(geometry: BaseGeometry) -> Polygon | MultiPolygon:
    """Return the RFC 7946 export form of a display-form (multi)polygon.

    The display form may carry longitudes outside [-180, 180]. Each 360-degree window of it
    is clipped and shifted back into [-180, 180]; pieces that meet inside the range (the two
    halves of a pole-enclosing ring) merge, pieces that meet only at +-180 stay separate, so a
    ring crossing the antimeridian becomes a two-part MultiPolygon. Exteriors are made
    counter-clockwise and holes clockwise.
    """
    polygons = _polygons(geometry)
    if not polygons:
        return Polygon()
    west, _, east, _ = shapely.total_bounds(polygons)
    first = math.floor((west + HALF_TURN_DEG) / FULL_TURN_DEG)
    last = math.floor((east + HALF_TURN_DEG) / FULL_TURN_DEG)
    pieces: list[BaseGeometry] = []
    for window in range(first, last + 1):
        offset = window * FULL_TURN_DEG
        clip = box(-HALF_TURN_DEG + offset, -POLE_LAT_DEG, HALF_TURN_DEG + offset, POLE_LAT_DEG)
        for polygon in polygons:
            piece = shapely.intersection(polygon, clip)
            if not piece.is_empty:
                pieces.append(shapely.affinity.translate(piece, xoff=-offset))
    merged = shapely.unary_union(pieces)
    parts = [p for p in _polygons_of_any(merged) if p.area > 0]
    result: Polygon | MultiPolygon = parts[0] if len(parts) == 1 else MultiPolygon(parts)
    return shapely.orient_polygons(result)


def _polygons_of_any(geometry: BaseGeometry) -> list[Polygon]:
    """Polygons inside any geometry (clipping can leave lines or points at the seams)."""
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, MultiPolygon):
        return list(geometry.geoms)
    if hasattr(geometry, "geoms"):
        return [p for g in geometry.geoms for p in _polygons_of_any(g)]
    return []


def distances_km(
    strike_lons: npt.ArrayLike,
    strike_lats: npt.ArrayLike,
    site_lons: npt.ArrayLike,
    site_lats: npt.ArrayLike,
) -> FloatArray:
    """Return the N x M matrix of geodesic distances in km from N strikes to M sites.

    Parameters
    ----------
    strike_lons, strike_lats : array_like, shape (N,)
        Strike coordinates in degrees (WGS84).
    site_lons, site_lats : array_like, shape (M,)
        Site coordinates in degrees (WGS84).

    Returns
    -------
    numpy.ndarray of float64, shape (N, M)
        Distances in kilometres, exact to the nanometre level of Karney's algorithm.
    """
    s_lon = np.asarray(strike_lons, dtype=np.float64).ravel()
    s_lat = np.asarray(strike_lats, dtype=np.float64).ravel()
    t_lon = np.asarray(site_lons, dtype=np.float64).ravel()
    t_lat = np.asarray(site_lats, dtype=np.float64).ravel()
    if s_lon.shape != s_lat.shape or t_lon.shape != t_lat.shape:
        raise ParameterError("longitude and latitude arrays must have the same length")
    n, m = s_lon.size, t_lon.size
    if n == 0 or m == 0:
        return np.zeros((n, m), dtype=np.float64)
    _, _, dist_m = GEOD.inv(
        np.repeat(s_lon, m), np.repeat(s_lat, m), np.tile(t_lon, n), np.tile(t_lat, n)
    )
    return np.asarray(dist_m, dtype=np.float64).reshape(n, m) / M_PER_KM


class Nearest(NamedTuple):
    """Nearest site per strike: its column index in the distance matrix and the distance in km."""

    site_index: npt.NDArray[np.intp]
    distance_km: FloatArray


def nearest_site(matrix_km: FloatArray) -> Nearest:
    """Return, for each row of an N x M distance matrix (M >= 1), the nearest site and distance."""
    if matrix_km.ndim != 2 or matrix_km.shape[1] == 0:  # noqa: PLR2004 - a matrix has 2 axes
        raise ParameterError("nearest_site needs an N x M matrix with at least one site")
    index = np.argmin(matrix_km, axis=1)
    return Nearest(index, np.take_along_axis(matrix_km, index[:, None], axis=1)[:, 0])


def within_range(matrix_km: FloatArray, radius_km: float) -> BoolArray:
    """Return True where a strike lies within `radius_km` of a site (same shape as the matrix)."""
    return np.asarray(matrix_km <= radius_km)

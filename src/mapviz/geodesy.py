"""Geodesic range rings, bands, reach envelopes and distance matrices on the WGS84 ellipsoid.

Every coordinate is longitude/latitude in degrees (EPSG:4326), longitude first. Distances are
geodesic (Karney's algorithm as implemented by PROJ, reached through `pyproj.Geod`).

Geometries come in two forms:

* the *display form* keeps longitudes continuous around the ring's centre (a ring at 178E spans
  roughly 167..189), so the map draws one closed shape; a ring that encloses a pole is closed along
  the pole's latitude and spans 360 degrees of longitude;
* the *export form* (RFC 7946) is what `export_geometry` returns: longitudes within [-180, 180],
  split at the antimeridian into a MultiPolygon, counter-clockwise exteriors, and a pole-enclosing
  ring as one valid polygon whose boundary runs along the pole's latitude.

A polygon's edges are straight lines in longitude/latitude (as GeoJSON defines them). The vertex
count of a ring is chosen so that every edge midpoint lies within a tolerance of the true circle.

How a ring is computed. A geodesic circle's latitude and longitude offset are smooth periodic
functions of the azimuth from its centre, and they depend only on the centre's latitude and the
radius (longitude just shifts them). Their Fourier coefficients fall off geometrically, so 13
(or 25) exact points (`Geod` direct problems) determine the whole circle: a trigonometric
interpolant through them is evaluated at every vertex and edge midpoint with one cached matrix
product. The model's own error is estimated a priori from its highest coefficients (accepted
below 1 cm, otherwise twice as many exact points are taken), and the chord of every edge is
checked against the modelled circle. Rings that come near a pole, or whose model does not settle,
are computed the direct way: every vertex by `Geod.fwd`, every edge midpoint checked by an exact
geodesic inverse.
"""

from __future__ import annotations

import functools
import math
import os
from concurrent.futures import ThreadPoolExecutor
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

# Distance matrices are computed in blocks of about this many strike-site pairs, one block per
# task: pyproj releases the GIL inside `Geod.inv`, so the blocks run on every core, and a block's
# repeated coordinate arrays stay small (4 x 8 bytes per pair) however large the matrix.
_DISTANCE_BLOCK_PAIRS: Final = 200_000
_DISTANCE_WORKERS: Final = (
    len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
)
_SEAM_GRID_DEG: Final = 1e-9
_MODEL_SAMPLE_COUNTS: Final = (24, 48)
"""Points around the circle (K) the spectral model tries; K/2 + 1 of them are computed exactly,
the others are their mirror images across the centre's meridian."""
_MODEL_TOLERANCE_M: Final = 0.01
"""Largest error of the spectral model itself, in metres, taken off the boundary tolerance."""
_MODEL_MAX_LAT_DEG: Final = 80.0
"""The spectral model is used only for rings that stay within this latitude: nearer the poles the
longitude offset changes too fast for a few dozen points (and a ring may enclose a pole)."""
_MODEL_TAIL_TERMS: Final = 3
"""Highest Fourier coefficients that bound the model's error: latitude cosines K/2-1 and K/2,
longitude sine K/2-1 (the longitude offset is odd in azimuth, so its sine K/2 is always zero)."""
_MODEL_MATRICES_KEPT: Final = 16
_MAX_MODEL_VERTICES: Final = 2048
"""Larger rings are computed point by point: their interpolation matrices would be megabytes."""
_VERTEX_COUNT_STEP: Final = 8
"""Modelled rings have a multiple of this many vertices, so few interpolation matrices are built."""
_M_PER_DEG_MAX: Final = math.radians(1.0) * GEOD.a / math.sqrt(1.0 - GEOD.es)
"""Metres per degree along the largest radius of curvature of WGS84 (meridian at the poles): an
upper bound for both the meridian and the prime-vertical scale anywhere."""


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

    Parameters
    ----------
    lon, lat : float
        The ring's centre, in degrees.
    radius_km : float
        The ring's geodesic radius, in km.

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


def _checked_ring_vertices(
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


def _interpolation_rows(azimuths_rad: FloatArray, k: int) -> FloatArray:
    """Return the weights of K equally spaced samples (azimuths 2 pi j / K) in their interpolant.

    Row i holds the periodic sinc kernel sin(K x / 2) / (K tan(x / 2)), x = azimuth_i - 2 pi j / K,
    the interpolant of even degree K with its Nyquist term split evenly (Trefethen, *Spectral
    Methods in MATLAB*, ch. 3); a row whose azimuth is a sample point is that sample.
    """
    x = azimuths_rad[:, None] - (2.0 * math.pi / k) * np.arange(k)[None, :]
    half = 0.5 * x
    tan_half = np.tan(half)
    on_sample = np.abs(np.sin(half)) < 1e-12  # noqa: PLR2004 - x is a multiple of 2 pi
    safe = np.where(on_sample, 1.0, tan_half)
    rows = np.where(on_sample, 1.0, np.sin(k * half) / (k * safe))
    return np.asarray(rows, dtype=np.float64)


def _fold_mirrored(rows: FloatArray, k: int) -> tuple[FloatArray, FloatArray]:
    """Fold the weights of samples K/2+1..K-1 onto their mirror images K-j (west half of the ring).

    Returns the weights of the half samples 0..K/2 for an even channel (latitude, mirrored
    unchanged) and for an odd channel (longitude offset, mirrored with its sign flipped).
    """
    h = k // 2 + 1
    even = rows[:, :h].copy()
    odd = rows[:, :h].copy()
    mirrors = np.arange(h, k)
    even[:, k - mirrors] += rows[:, mirrors]
    odd[:, k - mirrors] -= rows[:, mirrors]
    return even, odd


@functools.lru_cache(maxsize=_MODEL_MATRICES_KEPT)
def _model_matrix(k: int, n: int, tail_scale: float) -> FloatArray:
    """Return the matrix that turns K/2+1 exact ring points into a checked n-vertex ring.

    It acts on the model's inputs [longitude offsets (K/2+1), latitudes (K/2+1), centre
    longitude] and returns (longitude, latitude) pairs, flattened, in this order:

    * the n+1 vertices, counter-clockwise (azimuth 360 down to 0), closed exactly;
    * for the n/2 edges of the eastern half (azimuth 180 down to 0), the chord midpoint minus the
      modelled circle at the middle azimuth, in degrees;
    * three pairs (0, c) holding the model's highest Fourier coefficients scaled by `tail_scale`
      (latitude cosines K/2-1 and K/2, longitude sine K/2-1), so that the chord check, which
      scales only the first member of a pair by cos(latitude), sees them too.
    """
    h = k // 2 + 1
    m = n // 2
    vertices = _interpolation_rows(2.0 * math.pi * (1.0 - np.arange(n + 1) / n), k)
    vertices[0] = vertices[n]
    east = _interpolation_rows(math.pi * (1.0 - np.arange(2 * m + 1) / (2 * m)), k)
    east_vertices, east_mids = east[0::2], east[1::2]
    offsets = 0.5 * (east_vertices[1:] + east_vertices[:-1]) - east_mids
    samples = (2.0 * math.pi / k) * np.arange(k)
    lat_tail = np.cos(np.array([k // 2 - 1, k // 2])[:, None] * samples) * (2.0 * tail_scale / k)
    lon_tail = np.sin((k // 2 - 1) * samples)[None, :] * (2.0 * tail_scale / k)

    lat_weights, lon_weights = _fold_mirrored(np.concatenate([vertices, offsets]), k)
    rows = 2 * (n + 1 + m)
    matrix = np.zeros((rows + 2 * _MODEL_TAIL_TERMS, 2 * h + 1))
    matrix[0:rows:2, :h] = lon_weights
    matrix[1:rows:2, h : 2 * h] = lat_weights
    matrix[0 : 2 * (n + 1) : 2, 2 * h] = 1.0  # vertex longitude = centre + offset
    matrix[rows + 1 : rows + 4 : 2, h : 2 * h] = _fold_mirrored(lat_tail, k)[0]
    matrix[rows + 5, :h] = _fold_mirrored(lon_tail, k)[1][0]
    matrix.setflags(write=False)
    return matrix


@functools.lru_cache(maxsize=len(_MODEL_SAMPLE_COUNTS))
def _model_inputs(k: int) -> FloatArray:
    """Return the input template [lon (h) | lat (h) | centre lon | azimuth (h) | distance (h)].

    The first two blocks go into the geodesic direct problems as the centre (longitude 0: a
    ring's shape does not depend on its longitude) and come back as the exact ring points.
    """
    h = k // 2 + 1
    inputs = np.zeros(4 * h + 1)
    inputs[2 * h + 1 : 3 * h + 1] = np.linspace(0.0, HALF_TURN_DEG, h)
    inputs.setflags(write=False)
    return inputs


def _spectral_ring(
    lon: float, lat: float, radius_m: float, tolerance_m: float
) -> FloatArray | None:
    """Return closed counter-clockwise ring coordinates (n+1, 2) from the spectral model, or None.

    None when the ring comes within `_MODEL_MAX_LAT_DEG` of a pole's latitude or the model does
    not reach `_MODEL_TOLERANCE_M` with the sample counts tried; the caller then computes the ring
    point by point.
    """
    if radius_m > (_MODEL_MAX_LAT_DEG - abs(lat)) * _MIN_M_PER_DEG_LAT:
        return None
    if tolerance_m <= _MODEL_TOLERANCE_M:
        return None
    budget = (tolerance_m - _MODEL_TOLERANCE_M) / _M_PER_DEG_MAX  # degrees of arc
    tail_scale = (tolerance_m - _MODEL_TOLERANCE_M) / (0.5 * _MODEL_TOLERANCE_M)
    n = _round_up(_initial_vertex_count(radius_m, tolerance_m), _VERTEX_COUNT_STEP)
    for k in _MODEL_SAMPLE_COUNTS:
        h = k // 2 + 1
        inputs = _model_inputs(k).copy()
        inputs[h : 2 * h] = lat
        inputs[2 * h] = lon
        inputs[3 * h + 1 :] = radius_m
        # Geod.fwd's own Cython kernel, in place on arrays we own: the public wrapper spends
        # more time converting arguments than solving 13 direct problems.
        GEOD._fwd(inputs[:h], inputs[h : 2 * h], inputs[2 * h + 1 : 3 * h + 1], inputs[3 * h + 1 :])
        samples = inputs[: 2 * h + 1]
        while n <= _MAX_MODEL_VERTICES:
            pairs = (_model_matrix(k, n, tail_scale) @ samples).reshape(-1, 2)
            m = n // 2
            # cos(latitude) at both ends of each eastern edge (rows m..n run azimuth 180 -> 0);
            # the rows after them only meet the coefficient pairs' zero first member.
            cos_lat = np.cos(np.radians(pairs[m : n + _MODEL_TAIL_TERMS + 1, 1]))
            offsets = pairs[n + 1 :]
            worst = np.hypot(
                offsets[:, 0] * np.maximum(cos_lat[:-1], cos_lat[1:]), offsets[:, 1]
            ).max()
            if worst <= budget:
                return pairs[: n + 1]
            if np.abs(offsets[m:]).max() > budget:
                break  # the model itself is not settled: take more exact points
            n = _round_up(math.ceil(n * math.sqrt(worst / budget) * 1.02), _VERTEX_COUNT_STEP)
        else:
            return None
    return None


def _round_up(value: int, step: int) -> int:
    return -(-value // step) * step


_NO_HOLES: Final = np.empty((0,), dtype=object)
_NAN_ALLOWED: Final = np.intc(0)  # shapely's HandleNaN.allow: modelled rings hold no NaN


def _polygon(ring_coords: FloatArray) -> Polygon:
    """Return the hole-free polygon whose exterior is the closed ring `ring_coords` (n+1, 2).

    Calls the two GEOS ufuncs that `shapely.polygons` is built on: for one ring of a few hundred
    vertices the wrapper's argument handling costs about 9 us, a fifth of the whole ring
    (tests/test_geodesy.py checks the result against `shapely.Polygon`).
    """
    polygon: Polygon = shapely.lib.polygons(
        shapely.lib.linearrings(ring_coords, _NAN_ALLOWED), _NO_HOLES
    )
    return polygon


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
    modelled = _spectral_ring(lon, lat, radius_km * M_PER_KM, tolerance_m)
    if modelled is not None:
        return _polygon(modelled)
    lons, lats = _checked_ring_vertices(lon, lat, radius_km * M_PER_KM, tolerance_m)
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

    Parameters
    ----------
    lon, lat : float
        The centre, in degrees.
    min_km, max_km : float
        The inner and outer geodesic radii, in km; a `min_km` of zero gives the full disk.
    tolerance_m : float
        How far the rings' boundaries may be from the true geodesic circles, in metres.

    Returns
    -------
    Polygon or MultiPolygon
        The band in display form (longitudes may leave [-180, 180]; `export_geometry` makes
        the RFC 7946 form).
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

    Parameters
    ----------
    outer, inner : Polygon
        Rings around one centre, `inner` the smaller (`range_ring`).

    Returns
    -------
    Polygon or MultiPolygon
        The band, in display form.
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

    Parameters
    ----------
    lon, lat : float
        The launch area's centre, in degrees.
    radius_km : float
        The missile's range r, in km.
    uncertainty_km : float
        The launch area's radius u, in km.
    tolerance_m : float
        The rings' boundary tolerance, in metres.

    Returns
    -------
    ReachEnvelope
        The rings of reach from some point and from every point (None when u >= r).
    """
    some_km, all_km = reach_radii_km(radius_km, uncertainty_km)
    outer = range_ring(lon, lat, some_km, tolerance_m=tolerance_m)
    inner = None if all_km is None else range_ring(lon, lat, all_km, tolerance_m=tolerance_m)
    return ReachEnvelope(outer, inner)


def reach_radii_km(radius_km: float, uncertainty_km: float) -> tuple[float, float | None]:
    """Return the radii of reach from some point (r + u) and from every point (r - u).

    Parameters
    ----------
    radius_km : float
        The missile's range r, in km.
    uncertainty_km : float
        The launch area's radius u, in km.

    Returns
    -------
    tuple of float and (float or None)
        r + u (at most the largest ring radius), and r - u, None when no point is within range
        of the whole launch area (u >= r).
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

    Parameters
    ----------
    geometry : BaseGeometry
        A display-form Polygon or MultiPolygon.

    Returns
    -------
    Polygon or MultiPolygon
        The same area within [-180, 180], wound as RFC 7946 asks.
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
    # On a grid of 1e-9 degree (0.1 mm), so that the two halves of a pole-enclosing ring meet
    # exactly where they were cut: shifted by 360 degrees, their seam points can differ in the
    # last bits, and unmerged they make a MultiPolygon of two touching parts that GDAL's
    # RFC 7946 writer turns into a GeometryCollection.
    merged = shapely.unary_union(pieces, grid_size=_SEAM_GRID_DEG)
    return shapely.orient_polygons(polygonal(merged))


def polygonal(geometry: BaseGeometry) -> Polygon | MultiPolygon:
    """Return the parts of non-zero area of a GEOS result.

    Clipping and overlays can add lines and points where shapes touch; they are dropped.

    Parameters
    ----------
    geometry : BaseGeometry
        Any geometry.

    Returns
    -------
    Polygon or MultiPolygon
        Its polygons: one Polygon, a MultiPolygon, or an empty Polygon.
    """
    parts = [p for p in _polygons_of_any(geometry) if p.area > 0]
    if not parts:
        return Polygon()
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


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
    matrix = np.zeros((n, m), dtype=np.float64)
    if n == 0 or m == 0:
        return matrix
    rows = max(1, _DISTANCE_BLOCK_PAIRS // m)

    def fill(start: int) -> None:
        stop = min(start + rows, n)
        _, _, dist_m = GEOD.inv(
            np.repeat(s_lon[start:stop], m),
            np.repeat(s_lat[start:stop], m),
            np.tile(t_lon, stop - start),
            np.tile(t_lat, stop - start),
        )
        matrix[start:stop] = np.asarray(dist_m, dtype=np.float64).reshape(stop - start, m)

    starts = range(0, n, rows)
    if len(starts) == 1 or _DISTANCE_WORKERS == 1:
        for start in starts:
            fill(start)
    else:
        with ThreadPoolExecutor(max_workers=_DISTANCE_WORKERS) as pool:
            for _ in pool.map(fill, starts):  # re-raises a block's error here
                pass
    matrix /= M_PER_KM
    return matrix


class Nearest(NamedTuple):
    """Nearest site per strike: its column index in the distance matrix and the distance in km."""

    site_index: npt.NDArray[np.intp]
    distance_km: FloatArray


def nearest_site(matrix_km: FloatArray) -> Nearest:
    """Return the nearest site and its distance for each row of a distance matrix.

    Parameters
    ----------
    matrix_km : ndarray of float, shape (N, M)
        Strikes x sites distances in km, M >= 1.

    Returns
    -------
    Nearest
        Each row's nearest column index and its distance.

    Raises
    ------
    ParameterError
        When the matrix is not two-dimensional or has no column.
    """
    if matrix_km.ndim != 2 or matrix_km.shape[1] == 0:  # noqa: PLR2004 - a matrix has 2 axes
        raise ParameterError("nearest_site needs an N x M matrix with at least one site")
    index = np.argmin(matrix_km, axis=1)
    return Nearest(index, np.take_along_axis(matrix_km, index[:, None], axis=1)[:, 0])


def within_range(matrix_km: FloatArray, radius_km: float) -> BoolArray:
    """Return where a strike lies within `radius_km` of a site.

    Parameters
    ----------
    matrix_km : ndarray of float
        Strikes x sites distances in km.
    radius_km : float
        The range, in km.

    Returns
    -------
    ndarray of bool
        The matrix's shape: True where the distance is at most `radius_km`.
    """
    return np.asarray(matrix_km <= radius_km)

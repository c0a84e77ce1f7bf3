"""Geodesy against an independent reference: GeographicLib's own Python implementation."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import shapely
from geographiclib.geodesic import Geodesic
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from mapviz import geodesy
from mapviz.errors import ParameterError
from mapviz.geodesy import (
    GEOD,
    _polygon,
    _spectral_ring,
    distances_km,
    enclosed_pole,
    export_geometry,
    nearest_site,
    range_band,
    range_ring,
    reach_envelope,
    within_range,
)

WGS84 = Geodesic.WGS84
VERTEX_TOLERANCE_M = 1.0
RING_TOLERANCE_M = 50.0

lons = st.floats(min_value=-180.0, max_value=180.0)
lats = st.floats(min_value=-89.9, max_value=89.9)
radii_km = st.floats(min_value=1.0, max_value=5000.0)


def distance_m(lon0: float, lat0: float, lon1: float, lat1: float) -> float:
    return float(WGS84.Inverse(lat0, lon0, lat1, lon1, Geodesic.DISTANCE)["s12"])


def ring_edges(ring: Polygon) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Edges of a ring's exterior, leaving out the closing edges that run along a pole."""
    coords = list(ring.exterior.coords)
    return [(a, b) for a, b in itertools.pairwise(coords) if abs(a[1]) < 90.0 and abs(b[1]) < 90.0]


def assert_ring_matches_circle(
    ring: Polygon, lon: float, lat: float, radius_km: float, tolerance_m: float
) -> None:
    radius_m = radius_km * 1000.0
    edges = ring_edges(ring)
    assert edges
    for (lon0, lat0), (lon1, lat1) in edges:
        assert abs(distance_m(lon, lat, lon0, lat0) - radius_m) < VERTEX_TOLERANCE_M
        for t in (0.25, 0.5, 0.75):  # points between vertices, along the lon/lat straight edge
            mid_lon, mid_lat = lon0 + t * (lon1 - lon0), lat0 + t * (lat1 - lat0)
            assert abs(distance_m(lon, lat, mid_lon, mid_lat) - radius_m) <= tolerance_m


@settings(max_examples=60, deadline=None)
@given(lon=lons, lat=lats, radius_km=radii_km)
def test_ring_vertices_and_edges_lie_on_the_geodesic_circle(
    lon: float, lat: float, radius_km: float
) -> None:
    ring = range_ring(lon, lat, radius_km)
    assert ring.is_valid
    assert_ring_matches_circle(ring, lon, lat, radius_km, RING_TOLERANCE_M)


@settings(max_examples=15, deadline=None)
@given(lon=lons, lat=lats, tolerance_m=st.sampled_from([5.0, 20.0, 200.0]))
def test_ring_honours_a_custom_tolerance(lon: float, lat: float, tolerance_m: float) -> None:
    ring = range_ring(lon, lat, 800.0, tolerance_m=tolerance_m)
    assert_ring_matches_circle(ring, lon, lat, 800.0, tolerance_m)


@settings(max_examples=40, deadline=None)
@given(
    lon=lons,
    lat=lats,
    radius_km=radii_km,
    azimuth=st.floats(min_value=0.0, max_value=360.0),
    fraction=st.floats(min_value=0.02, max_value=0.98),
)
def test_export_form_holds_points_inside_and_not_outside(
    lon: float, lat: float, radius_km: float, azimuth: float, fraction: float
) -> None:
    exported = export_geometry(range_ring(lon, lat, radius_km))
    inside = WGS84.Direct(lat, lon, azimuth, fraction * radius_km * 1000.0)
    outside = WGS84.Direct(lat, lon, azimuth, (2.0 - fraction) * radius_km * 1000.0)
    assert exported.covers(Point(inside["lon2"], inside["lat2"]))
    assert not exported.covers(Point(outside["lon2"], outside["lat2"]))


@settings(max_examples=30, deadline=None)
@given(lon=lons, lat=lats, radius_km=radii_km)
def test_export_form_is_rfc7946(lon: float, lat: float, radius_km: float) -> None:
    display = range_ring(lon, lat, radius_km)
    exported = export_geometry(display)
    assert exported.is_valid
    west, south, east, north = exported.bounds
    assert -180.0 <= west <= east <= 180.0
    assert -90.0 <= south <= north <= 90.0
    for polygon in getattr(exported, "geoms", [exported]):
        assert polygon.exterior.is_ccw
    assert exported.area == pytest.approx(display.area, rel=1e-9)


MODEL_EXACTNESS_M = 0.01  # the spectral model's own error budget


@pytest.mark.parametrize(
    ("lon", "lat", "radius_km"),
    [
        (36.58015, 50.61074, 380.0),  # Belgorod, both default rings
        (36.58015, 50.61074, 800.0),
        (178.0, 30.0, 3000.0),  # across the antimeridian
        (-60.0, -70.0, 1000.0),  # far south, reaching 79 S
        (0.0, 0.0, 5000.0),  # the largest ring offered, on the equator
        (10.0, 10.0, 0.001),  # one metre
    ],
)
def test_modelled_rings_put_every_vertex_on_the_exact_circle(
    lon: float, lat: float, radius_km: float
) -> None:
    coords = _spectral_ring(lon, lat, radius_km * 1000.0, RING_TOLERANCE_M)
    assert coords is not None, "this ring should come from the spectral model"
    n = len(coords) - 1
    assert tuple(coords[0]) == tuple(coords[-1])
    for j, (vertex_lon, vertex_lat) in enumerate(coords[:-1]):
        # Vertex j lies at azimuth 360 - 360 j / n (counter-clockwise from north).
        exact = WGS84.Direct(lat, lon, 360.0 - 360.0 * j / n, radius_km * 1000.0)
        apart_m = distance_m(exact["lon2"], exact["lat2"], vertex_lon, vertex_lat)
        assert apart_m < MODEL_EXACTNESS_M, f"vertex {j} is {apart_m:.4f} m off"
    assert_ring_matches_circle(range_ring(lon, lat, radius_km), lon, lat, radius_km, 50.0)


def test_fast_polygon_equals_shapely_polygon() -> None:
    coords = _spectral_ring(36.58, 50.61, 800_000.0, RING_TOLERANCE_M)
    assert coords is not None
    fast = _polygon(coords)
    assert isinstance(fast, Polygon)
    assert fast.is_valid
    assert not fast.interiors
    assert shapely.equals_exact(fast, Polygon(coords), tolerance=0.0)


@pytest.mark.parametrize(
    ("lat", "radius_km"),
    [(75.0, 800.0), (-60.0, 2500.0), (89.9, 1.0), (0.0, 9000.0)],
)
def test_rings_near_a_pole_are_computed_point_by_point(lat: float, radius_km: float) -> None:
    assert _spectral_ring(20.0, lat, radius_km * 1000.0, RING_TOLERANCE_M) is None
    assert_ring_matches_circle(
        range_ring(20.0, lat, radius_km), 20.0, lat, radius_km, RING_TOLERANCE_M
    )


def test_a_tolerance_below_the_model_error_is_computed_point_by_point() -> None:
    assert _spectral_ring(36.58, 50.61, 800_000.0, 0.005) is None
    ring = range_ring(36.58, 50.61, 20.0, tolerance_m=0.005)
    assert_ring_matches_circle(ring, 36.58, 50.61, 20.0, 0.005)


# Explicit cases: (lon, lat, expected export type, pole inside: +1 north, -1 south, 0 none)
SPECIAL_RINGS = [
    (178.0, 0.0, MultiPolygon, 0),  # crosses the antimeridian: split in two
    (-179.5, 65.0, MultiPolygon, 0),  # crosses it from the west side, at high latitude
    (36.58, 85.0, Polygon, 1),  # encloses the North Pole
    (-120.0, -88.0, Polygon, -1),  # encloses the South Pole
    (36.58, 50.61, Polygon, 0),  # Belgorod: an ordinary ring
]


@pytest.mark.parametrize(("lon", "lat", "kind", "pole"), SPECIAL_RINGS)
def test_special_rings_export_correctly(
    lon: float, lat: float, kind: type[BaseGeometry], pole: int
) -> None:
    display = range_ring(lon, lat, 800.0)
    exported = export_geometry(display)
    assert isinstance(exported, kind)
    assert exported.is_valid
    assert enclosed_pole(lon, lat, 800.0) == pole
    if kind is MultiPolygon:
        assert len(exported.geoms) == 2
        assert {round(p.bounds[0]) for p in exported.geoms} | {
            round(p.bounds[2]) for p in exported.geoms
        } >= {-180, 180}
    if pole:
        assert exported.covers(Point(0.0, 90.0 * pole))
        assert exported.contains(Point(-179.0, 89.99 * pole))
        assert exported.contains(Point(179.0, 89.99 * pole))
    assert_ring_matches_circle(display, lon, lat, 800.0, RING_TOLERANCE_M)


def test_display_form_keeps_longitudes_continuous_across_the_antimeridian() -> None:
    ring = range_ring(178.0, 0.0, 800.0)
    west, _, east, _ = ring.bounds
    assert west == pytest.approx(178.0 - 7.186, abs=0.01)
    assert east == pytest.approx(178.0 + 7.186, abs=0.01)
    assert east > 180.0


def test_display_form_of_a_pole_ring_spans_all_longitudes() -> None:
    ring = range_ring(36.58, 85.0, 800.0)
    west, _, east, north = ring.bounds
    assert east - west == pytest.approx(360.0)
    assert north == 90.0


@settings(max_examples=25, deadline=None)
@given(
    lon=lons,
    lat=lats,
    min_km=st.floats(min_value=1.0, max_value=2000.0),
    extra_km=st.floats(min_value=1.0, max_value=3000.0),
    azimuth=st.floats(min_value=0.0, max_value=360.0),
)
def test_band_holds_exactly_the_points_between_its_rings(
    lon: float, lat: float, min_km: float, extra_km: float, azimuth: float
) -> None:
    max_km = min_km + extra_km
    band = export_geometry(range_band(lon, lat, min_km, max_km))
    assert band.is_valid

    def point_at(km: float) -> Point:
        p = WGS84.Direct(lat, lon, azimuth, km * 1000.0)
        return Point(p["lon2"], p["lat2"])

    assert band.covers(point_at(0.5 * (min_km + max_km)))
    assert not band.covers(point_at(0.5 * min_km))
    assert not band.covers(point_at(max_km + 0.5 * extra_km))


def test_band_of_belgorod_is_a_polygon_with_one_hole_at_the_min_radius() -> None:
    band = range_band(36.58, 50.61, 380.0, 800.0)
    assert isinstance(band, Polygon)
    assert len(band.interiors) == 1
    hole = Polygon(band.interiors[0])
    assert_ring_matches_circle(hole, 36.58, 50.61, 380.0, RING_TOLERANCE_M)
    assert_ring_matches_circle(Polygon(band.exterior), 36.58, 50.61, 800.0, RING_TOLERANCE_M)


def test_band_with_zero_minimum_is_the_full_disk() -> None:
    assert range_band(36.58, 50.61, 0.0, 800.0).equals(range_ring(36.58, 50.61, 800.0))


@pytest.mark.parametrize(
    ("radius_km", "uncertainty_km", "inner_km"),
    [
        (800.0, 50.0, 750.0),  # ordinary: both envelopes
        (380.0, 0.0, 380.0),  # no uncertainty: both envelopes equal the ring
        (30.0, 30.0, None),  # uncertainty equals range: nowhere is reachable from everywhere
        (30.0, 45.0, None),  # uncertainty beyond range: same
    ],
)
def test_reach_envelope_radii(
    radius_km: float, uncertainty_km: float, inner_km: float | None
) -> None:
    lon, lat = 39.1843, 51.67204  # Voronezh
    envelope = reach_envelope(lon, lat, radius_km, uncertainty_km)
    assert_ring_matches_circle(
        envelope.reachable_from_some, lon, lat, radius_km + uncertainty_km, RING_TOLERANCE_M
    )
    if inner_km is None:
        assert envelope.reachable_from_all is None
    else:
        assert envelope.reachable_from_all is not None
        assert_ring_matches_circle(
            envelope.reachable_from_all, lon, lat, inner_km, RING_TOLERANCE_M
        )


@settings(max_examples=30, deadline=None)
@given(
    strikes=st.lists(st.tuples(lons, st.floats(-90.0, 90.0)), min_size=1, max_size=12),
    sites=st.lists(st.tuples(lons, st.floats(-90.0, 90.0)), min_size=1, max_size=5),
)
def test_distance_matrix_matches_geographiclib(
    strikes: list[tuple[float, float]], sites: list[tuple[float, float]]
) -> None:
    matrix = distances_km(
        [s[0] for s in strikes],
        [s[1] for s in strikes],
        [t[0] for t in sites],
        [t[1] for t in sites],
    )
    assert matrix.shape == (len(strikes), len(sites))
    for i, (slon, slat) in enumerate(strikes):
        for j, (tlon, tlat) in enumerate(sites):
            assert matrix[i, j] * 1000.0 == pytest.approx(
                distance_m(slon, slat, tlon, tlat), abs=1e-3
            )


def test_nearest_site_and_range_flags() -> None:
    # Kharkiv city centre against Belgorod, Kursk and Voronezh centres (PLACES.md points)
    matrix = distances_km(
        [36.25272], [49.98081], [36.58015, 36.18735, 39.1843], [50.61074, 51.73733, 51.67204]
    )
    nearest = nearest_site(matrix)
    assert nearest.site_index.tolist() == [0]
    assert nearest.distance_km[0] == pytest.approx(
        distance_m(36.25272, 49.98081, 36.58015, 50.61074) / 1000.0, abs=1e-6
    )
    assert 70.0 < nearest.distance_km[0] < 80.0
    assert within_range(matrix, 200.0).tolist() == [[True, True, False]]


def test_distance_matrix_of_nothing_is_empty() -> None:
    assert distances_km([], [], [36.0], [50.0]).shape == (0, 1)


def test_distance_matrix_in_blocks_matches_one_call() -> None:
    # 1,501 strikes x 150 sites: more pairs than one block, and a last block that is not full;
    # every row must hold its own strike's distances, bit for bit what one call gives.
    rng = np.random.default_rng(7)
    s_lon, s_lat = rng.uniform(-180, 180, 1501), rng.uniform(-89, 89, 1501)
    t_lon, t_lat = rng.uniform(-180, 180, 150), rng.uniform(-89, 89, 150)
    matrix = distances_km(s_lon, s_lat, t_lon, t_lat)
    _, _, one_call_m = GEOD.inv(
        np.repeat(s_lon, 150), np.repeat(s_lat, 150), np.tile(t_lon, 1501), np.tile(t_lat, 1501)
    )
    assert geodesy._DISTANCE_BLOCK_PAIRS < 1501 * 150
    np.testing.assert_array_equal(matrix, np.asarray(one_call_m).reshape(1501, 150) / 1000.0)


# Invalid parameters, each with the reason it is invalid.
@pytest.mark.parametrize(
    ("lon", "lat", "radius_km", "tolerance_m"),
    [
        (36.0, 91.0, 800.0, 50.0),  # latitude beyond the pole
        (math.nan, 50.0, 800.0, 50.0),  # not a number
        (36.0, 50.0, 0.0, 50.0),  # zero radius
        (36.0, 50.0, -5.0, 50.0),  # negative radius
        (36.0, 50.0, 20_000.0, 50.0),  # would enclose both poles
        (36.0, 50.0, math.inf, 50.0),  # infinite radius
        (36.0, 50.0, 800.0, 0.0),  # zero tolerance
    ],
)
def test_ring_rejects_impossible_parameters(
    lon: float, lat: float, radius_km: float, tolerance_m: float
) -> None:
    with pytest.raises(ParameterError):
        range_ring(lon, lat, radius_km, tolerance_m=tolerance_m)


def test_band_rejects_min_above_max() -> None:
    with pytest.raises(ParameterError, match="must be below max range"):
        range_band(36.0, 50.0, 800.0, 380.0)


def test_export_of_a_non_polygon_is_refused() -> None:
    with pytest.raises(ParameterError, match="Polygon or MultiPolygon"):
        export_geometry(shapely.Point(0, 0))

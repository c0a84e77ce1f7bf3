"""The map's layers as GeoDataFrames in display form (continuous longitudes), UI-free.

The same frames feed the map and every export; `mapviz.export` turns them into RFC 7946 form.
"""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
from shapely.geometry import Point, Polygon

from mapviz.geodesy import band_between, range_ring, reach_radii_km
from mapviz.model import CRS
from mapviz.reach import CITY_COLUMNS, cities_in_range, launch_region
from mapviz.reference import CANDIDATE_NOTE, LaunchSite, cities

RING_KINDS = ("min_ring", "max_ring", "band", "reach_from_some", "reach_from_all")
"""`kind` values in the rings layer: the min and max disks, the band between them, and for a
site with an uncertainty radius u the max range's reach from some point (r+u) and from every
point (r-u) of its launch area."""

_RING_CACHE_SIZE = 1024


@lru_cache(maxsize=_RING_CACHE_SIZE)
def cached_ring(lon: float, lat: float, radius_km: float, tolerance_m: float) -> Polygon:
    """Return `range_ring`, remembered per centre, radius and tolerance.

    Parameters
    ----------
    lon, lat : float
        The centre, in degrees.
    radius_km : float
        The geodesic radius, in km.
    tolerance_m : float
        The boundary tolerance, in metres.

    Returns
    -------
    Polygon
        The ring in display form (the same object for the same arguments: do not change it).
    """
    return range_ring(lon, lat, radius_km, tolerance_m=tolerance_m)


def rings_frame(
    sites: tuple[LaunchSite, ...],
    min_km: float,
    max_km: float,
    *,
    tolerance_m: float,
) -> gpd.GeoDataFrame:
    """Return the rings layer: per site the min ring, max ring, band and reach envelopes.

    Rings are cached per (centre, radius, tolerance), so moving one slider recomputes only the
    ring whose radius changed.

    Parameters
    ----------
    sites : tuple of LaunchSite
        The launch points.
    min_km, max_km : float
        The range band, in km (min 0: no min ring; the band is then the max disk).
    tolerance_m : float
        The rings' boundary tolerance, in metres.

    Returns
    -------
    GeoDataFrame
        One row per ring: `site_id`, `site`, `uncertainty_km`, `kind` (`RING_KINDS`) and
        `radius_km`, geometries in display form.
    """
    rows: list[dict[str, object]] = []
    for site in sites:
        lon, lat = site.point
        base = {"site_id": site.id, "site": site.name, "uncertainty_km": site.uncertainty_km}
        outer = cached_ring(lon, lat, max_km, tolerance_m)
        if min_km > 0:
            inner = cached_ring(lon, lat, min_km, tolerance_m)
            rows.append({**base, "kind": "min_ring", "radius_km": min_km, "geometry": inner})
            band = band_between(outer, inner)
        else:
            band = outer
        rows.append({**base, "kind": "max_ring", "radius_km": max_km, "geometry": outer})
        rows.append({**base, "kind": "band", "radius_km": max_km, "geometry": band})
        if site.uncertainty_km > 0:
            some_km, all_km = reach_radii_km(max_km, site.uncertainty_km)
            rows.append(
                {
                    **base,
                    "kind": "reach_from_some",
                    "radius_km": some_km,
                    "geometry": cached_ring(lon, lat, some_km, tolerance_m),
                }
            )
            if all_km is not None:
                rows.append(
                    {
                        **base,
                        "kind": "reach_from_all",
                        "radius_km": all_km,
                        "geometry": cached_ring(lon, lat, all_km, tolerance_m),
                    }
                )
    columns = ["site_id", "site", "kind", "radius_km", "uncertainty_km", "geometry"]
    return gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs=CRS)


def sites_frame(sites: tuple[LaunchSite, ...]) -> gpd.GeoDataFrame:
    """Return the candidate launch points layer, each saying it is a candidate.

    Parameters
    ----------
    sites : tuple of LaunchSite
        The launch points.

    Returns
    -------
    GeoDataFrame
        One point per site with its id, name, oblast, what it represents, status "candidate",
        a note, its uncertainty and the bases and source of it all.
    """
    rows = [
        {
            "id": s.id,
            "name": s.name,
            "oblast": s.oblast,
            "represents": s.represents,
            "status": "candidate",
            "note": CANDIDATE_NOTE,
            "uncertainty_km": s.uncertainty_km,
            "uncertainty_basis": s.uncertainty_basis,
            "launch_area_basis": s.launch_area_basis,
            "coordinate_source": s.coordinate_source,
            "geometry": Point(s.point.lon, s.point.lat),
        }
        for s in sites
    ]
    columns = [
        "id", "name", "oblast", "represents", "status", "note", "uncertainty_km",
        "uncertainty_basis", "launch_area_basis", "coordinate_source", "geometry",
    ]  # fmt: skip
    return gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs=CRS)


REGION_COLUMNS = ("kind", "min_km", "max_km", "strikes", "locations", "area_km2", "summary")


def launch_region_frame(
    strikes: gpd.GeoDataFrame, min_km: float, max_km: float, *, tolerance_m: float
) -> gpd.GeoDataFrame:
    """Return the launch region layer: `reach_all` and `reach_any` rows for `strikes`.

    Parameters
    ----------
    strikes : GeoDataFrame
        The strikes the region is for.
    min_km, max_km : float
        The range band, in km.
    tolerance_m : float
        The rings' boundary tolerance, in metres.

    Returns
    -------
    GeoDataFrame
        The columns of `REGION_COLUMNS`: where a launcher could have reached every strike, and
        at least one. An empty region is a row with a null geometry and `area_km2` 0; its
        `summary` says so.

    Raises
    ------
    ParameterError
        Without strikes, or with more distinct positions than `reach.MAX_REGION_LOCATIONS`.
    """
    regions = launch_region(
        strikes.geometry.x.to_numpy(),
        strikes.geometry.y.to_numpy(),
        min_km,
        max_km,
        tolerance_m=tolerance_m,
    )
    rows = [
        {
            "kind": r.kind,
            "min_km": r.min_km,
            "max_km": r.max_km,
            "strikes": r.strikes,
            "locations": r.locations,
            "area_km2": round(r.area_km2, 1),
            "summary": r.summary(),
            "geometry": None if r.empty else r.display,
        }
        for r in regions
    ]
    columns = [*REGION_COLUMNS, "geometry"]
    return gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs=CRS)


def cities_frame(sites: tuple[LaunchSite, ...], min_km: float, max_km: float) -> gpd.GeoDataFrame:
    """Return the cities in range layer: GeoNames' cities within each site's max ring.

    Parameters
    ----------
    sites : tuple of LaunchSite
        The launch points.
    min_km, max_km : float
        The range band, in km.

    Returns
    -------
    GeoDataFrame
        One point per city and site it is within reach of, with the city's name, country,
        population, distance, whether it is in the band, and its GeoNames id.
    """
    table = cities_in_range(sites, cities(0), min_km, max_km).cities
    return gpd.GeoDataFrame(
        table[[*CITY_COLUMNS, "site_id", "geonameid"]],
        geometry=gpd.points_from_xy(table["lon"], table["lat"]),
        crs=CRS,
    )

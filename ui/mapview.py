"""The map section's upper part: the range preset, the map with its sliders, the counts, the legend.

The map is a Streamlit component (`mapviz.mapcomponent`): it draws the rings for its sliders'
range in the browser and reports a press, which reruns only `map_fragment` here, for the
counts. The other layers are the scene (`mapviz.scene`), published once per change as a deck
spec file (`ui.caches.published_spec`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import geopandas as gpd
import streamlit as st
import streamlit.components.v1 as components

from mapviz.analysis import Params, ring_counts
from mapviz.errors import ParameterError
from mapviz.mapcomponent import MAP_COMPONENT_DIR, map_args
from mapviz.reach import sites_in_region
from mapviz.reference import LaunchSite, range_presets
from mapviz.scene import Toggles, scene
from mapviz.style import (
    ATTRIBUTION_COLOURS,
    HYPOTHETICAL_COLOUR,
    MAX_RING_COLOUR,
    MIN_RING_COLOUR,
    REGION_LINE,
    YELLOW,
)
from ui.caches import Selection, private_folder, published_spec, still_served
from ui.link import MAP_KEY, apply_preset, pressed

MAP: Final = components.declare_component("mapviz_map", path=str(MAP_COMPONENT_DIR))
DRAWN_KEY: Final = "drawn"


@dataclass
class Drawn:
    """The parameters the map last drew with: the download buttons build files from them.

    One object per session, changed in place by each run of the map's fragment: a button's
    file is built when it is clicked, outside any run of the page, where it reads `params`.
    """

    params: Params = field(default_factory=Params)


def drawn_params() -> Drawn:
    """Return this session's `Drawn`."""
    drawn: Drawn = st.session_state.setdefault(DRAWN_KEY, Drawn())
    return drawn


def preset_chooser() -> None:
    """Render the range preset chooser and the chosen preset's citations.

    Outside the map fragment: choosing a preset reruns the page, and a slider move does not
    redraw the chooser.
    """
    presets = {p.id: p for p in range_presets()}
    st.selectbox(
        "Range preset (published figures)",
        options=list(presets),
        index=None,
        format_func=lambda key: presets[key].label,
        key="preset",
        on_change=apply_preset,
        placeholder="Choose a published figure to set the sliders",
    )
    chosen = presets.get(st.session_state.get("preset") or "")
    # One element whether or not a preset is chosen: an element appearing above the map would
    # move it in the page, and Streamlit would load the map afresh.
    citations = st.empty()
    if chosen is not None:
        citations.caption(f"Min: {chosen.min_source}  \nMax: {chosen.max_source}")


@st.fragment
def map_fragment(
    selection: Selection, sites: tuple[LaunchSite, ...], *, toggles: Toggles, view_key: str
) -> None:
    """Render the map (with its range sliders) and the ring counts.

    A fragment: a slider press is drawn by the map in the browser, and then reruns only this
    part of the page, for the counts. The parameters it draws with are kept in the session
    (`Drawn`) for the download buttons.
    """
    range_ = pressed()
    note = st.empty()  # always one element above the map, so that the map stays loaded
    if range_.min_km >= range_.max_km:
        note.warning(
            f"Min range ({range_.min_km} km) is not below max range ({range_.max_km} km): only "
            "the max ring is drawn."
        )
    min_km, max_km = range_.drawn()
    params = Params(min_km=min_km, max_km=max_km, sites=sites, filters=selection.filters)
    drawn_params().params = params
    region, refusal = None, None
    if toggles.region:
        try:
            region = selection.region(min_km, max_km, params.tolerance_m)
        except ParameterError as exc:
            refusal = str(exc)
    map_scene = scene(
        strike_count=len(selection.shown()),
        sites=sites,
        toggles=toggles,
        view_key=view_key,
        tolerance_m=params.tolerance_m,
        region=region is not None,
    )
    region_key = (selection.picked(), min_km, max_km) if "region" in map_scene.layers else None
    folder = private_folder(selection.source_key)
    spec_url, *_ = still_served(published_spec, map_scene, selection, region_key, folder)
    counts = ring_counts(selection.sorted_distances(sites), sites, min_km, max_km)
    # Everything is computed before anything is drawn, so the map and the counts reach the
    # browser together and it renders the page once for them (docs/BENCHMARKS.md). The
    # scene's spec is the same on every slider press (unless the launch region is shown): it
    # is found in the cache, its URL sent again, and the map fetches and converts it only when
    # it changes; the rings follow the sliders in the browser.
    args = map_args(spec_url, view_key=view_key, rings=map_scene.rings, range_=range_)
    MAP(**args, key=MAP_KEY, default=None)
    st.subheader("Strikes inside each ring")
    if sites:
        # A plain table: st.dataframe's code (1.2 MB, fetched on first use) held up the map's
        # start by about 0.4 s (docs/BENCHMARKS.md, session 14).
        st.table(counts, hide_index=True)
    else:
        st.info("Choose or add a launch point to measure distances.")
    if toggles.region:
        region_summary(selection, params, region, refusal)


def region_summary(
    selection: Selection, params: Params, region: gpd.GeoDataFrame | None, refusal: str | None
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
    if not params.sites:
        return
    # the shown strikes' distances are cached for the ring counts: take their rows
    shown = selection.shown().index
    matrix = selection.distances(params.sites)[shown.get_indexer(strikes.index)]
    table = sites_in_region(
        params.sites,
        strikes.geometry.x,
        strikes.geometry.y,
        params.min_km,
        params.max_km,
        matrix_km=matrix,
    )
    columns = {
        "site": "Launch point",
        "strikes_in_band": "Strikes in its band",
        "strikes": "Strikes",
        "reach_all": "Reaches every strike",
        "reach_any": "Reaches at least one",
    }
    st.table(table.rename(columns=columns), hide_index=True)


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

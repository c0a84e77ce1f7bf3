"""mapviz dashboard: the page's layout over the UI-free `mapviz` package.

The sidebar's widgets are read into typed values (ui/sidebar.py); the map section is the map with
its range sliders and counts (ui/mapview.py), the legend and the downloads (ui/downloads.py);
the other sections are in ui/sections.py. The Streamlit caches of the core and the files the map
fetches are in ui/caches.py; the link's checks in ui/link.py over `mapviz.urlstate`.
docs/ARCHITECTURE.md shows how a slider press and an export travel through them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from mapviz.reference import LaunchSite
from mapviz.scene import Toggles
from ui.caches import Selection, keep_private_folders
from ui.downloads import downloads
from ui.link import url_notes
from ui.mapview import legend, map_fragment, preset_chooser
from ui.sections import in_range, problems_table, strike_table, timeline
from ui.sidebar import (
    SYNTHETIC_ENV,
    DataSource,
    data_source,
    filters,
    launch_points,
    layer_toggles,
    view_and_version,
)

MAP_SECTION = "Map"
SECTION_KEY = "tab"  # the link's name for it (links made when the sections were tabs still open)
ABOUT = (Path(__file__).parent / "docs" / "ABOUT.md").read_text(encoding="utf-8")

st.set_page_config(page_title="mapviz: range rings and strike reports", layout="wide")


def main() -> None:
    """Render the page."""
    # The page keeps room for its scrollbar from the start. Without this the scrollbar appeared
    # a second after the map (the content below it grew), the map narrowed by 10 px and deck.gl
    # drew every layer again: a frame of 100,000 strikes is seconds without a GPU
    # (docs/BENCHMARKS.md, session 24). Style only: Streamlit gives it no space on the page.
    st.html("<style>[data-testid='stMain'] { scrollbar-gutter: stable; }</style>")
    st.title("mapviz: strike reports, geodesic range rings, hypothetical deployments")
    keep_private_folders()
    notes = url_notes()
    if notes:
        st.warning("Parts of this link could not be used:")
        st.text("\n".join(notes))  # plain text: the link is not trusted
    source = data_source()
    if source.synthetic:
        st.warning(
            f"SYNTHETIC data: {len(source.strikes):,} generated strikes ({SYNTHETIC_ENV}), "
            "not reports."
        )
    sites = launch_points()
    selection = Selection(source.strikes, source.key, filters(source.strikes))
    toggles = layer_toggles()
    view_key = view_and_version()
    # Above the sections, seen whichever is open; one container either way, so that the map
    # below does not move (and load afresh) when an upload's problems appear.
    with st.container():
        if source.problems:
            problems_table(source.problems, source.refusal)
    st.caption(f"{len(selection.shown()):,} strike reports match the filters.")
    # Only the chosen section runs and is drawn: the map page stays light (first paint, slider)
    # and the table and chart are built when asked for. The section is part of the link. A
    # segmented control, not st.tabs: Streamlit re-renders everything inside a tab container on
    # every run, a press of the map's sliders included; the map's section here is drawn at the
    # page's top level (a press's main-thread CPU 331 -> 297 ms, docs/BENCHMARKS.md, session 20).
    sections: dict[str, Callable[[], object]] = {  # each renders its section
        MAP_SECTION: lambda: map_section(source, selection, sites, toggles, view_key),
        "Strike table": lambda: strike_table(selection, sites),
        "In range": lambda: in_range(sites),
        "Timeline": lambda: timeline(selection),
        "About / Methods": lambda: st.markdown(ABOUT),
    }
    shown = st.segmented_control(
        "Section",
        list(sections),
        default=MAP_SECTION,
        required=True,
        key=SECTION_KEY,
        bind="query-params",
        label_visibility="collapsed",
    )
    sections[shown or MAP_SECTION]()


def map_section(
    source: DataSource,
    selection: Selection,
    sites: tuple[LaunchSite, ...],
    toggles: Toggles,
    view_key: str,
) -> None:
    """Render the map's section: the range preset, the map with its counts, legend, downloads."""
    preset_chooser()
    map_fragment(selection, sites, toggles=toggles, view_key=view_key)
    legend(envelopes=toggles.rings and toggles.envelopes, region=toggles.region)
    downloads(selection, source.inputs, with_region=toggles.region)


main()

"""A floor for the slider benchmark: only what every mapviz slider press must send and draw.

mapviz's own code draws, for the default launch points, the min and max rings, the shaded
bands between them and the rings' radius labels, and counts the synthetic strikes
(MAPVIZ_SYNTHETIC_STRIKES) inside each ring; the two range sliders are bound to the URL, as the
shareable state needs, and all of it is in a fragment, as in app.py. Left out: the basemap, the
strikes on the map, the launch points, the hypothetical areas and every other element of the
page. Through pydeck's chart, a press of mapviz cannot cost less than a press of this app.
"""

import os

import streamlit as st

from mapviz.analysis import Params, ring_counts, site_distances_km, sorted_distances
from mapviz.deck import VIEW_PRESETS, deck, label_layer, ring_layers, uncluttered
from mapviz.geodesy import FloatArray
from mapviz.layers import rings_frame
from mapviz.reference import LaunchSite, launch_sites
from mapviz.synthetic import synthetic_strikes

VIEW = "ukraine"  # the view bench_slider.py opens mapviz in
STRIKES = int(os.environ.get("MAPVIZ_SYNTHETIC_STRIKES", "100000"))


def default_sites() -> tuple[LaunchSite, ...]:
    """The launch points mapviz selects when it opens."""
    return tuple(s for s in launch_sites() if s.default_selected)


@st.cache_resource
def sorted_km(count: int) -> FloatArray:
    """The default sites' distance matrix over `count` synthetic strikes, columns sorted."""
    return sorted_distances(site_distances_km(synthetic_strikes(count), default_sites()))


@st.fragment
def ranges() -> None:
    """The range sliders, the rings, bands and labels, and the counts table."""
    left, right = st.columns(2)
    min_km = left.slider("Min range (km)", 0, 5000, 380, step=10, key="min_km", bind="query-params")
    max_km = right.slider(
        "Max range (km)", 10, 5000, 800, step=10, key="max_km", bind="query-params"
    )
    sites = default_sites()
    params = Params(min_km=float(min_km), max_km=float(max_km), sites=sites)
    rings = rings_frame(sites, params.min_km, params.max_km, tolerance_m=params.tolerance_m)
    layers, labels = ring_layers(rings, envelopes=False)
    view = VIEW_PRESETS[VIEW]
    layers.append(label_layer(uncluttered(labels, view.zoom)))
    counts = ring_counts(sorted_km(STRIKES), sites, params.min_km, params.max_km)
    st.pydeck_chart(deck(layers, view), height=620, key="map")
    st.subheader("Strikes inside each ring")
    st.dataframe(counts, hide_index=True, key="ring_counts")


ranges()

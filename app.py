"""mapviz dashboard: range rings around a candidate launch point on an offline basemap."""

from __future__ import annotations

import pydeck as pdk
import streamlit as st

from mapviz.geodesy import range_ring

BELGOROD = (36.58015, 50.61074)  # city centre, GeoNames 578072 (shared/facts/PLACES.md)
BASEMAP_URL = "app/static/{name}"

st.set_page_config(page_title="mapviz", layout="wide")
st.title("mapviz: geodesic range rings")
min_km = st.slider("Min range (km)", 10, 5000, 380, step=10, key="min_km")
max_km = st.slider("Max range (km)", 10, 5000, 800, step=10, key="max_km")


@st.cache_data(max_entries=256)
def ring_coords(lon: float, lat: float, radius_km: float) -> list[list[float]]:
    """Ring vertices as [lon, lat] lists, cached per centre and radius."""
    return [list(c) for c in range_ring(lon, lat, radius_km).exterior.coords]


layers = [
    pdk.Layer(
        "GeoJsonLayer",
        id="land",
        data=BASEMAP_URL.format(name="ne_land.geojson"),
        get_fill_color=[228, 228, 220],
        stroked=False,
    ),
    pdk.Layer(
        "PolygonLayer",
        id="rings",
        data=[
            {"polygon": ring_coords(*BELGOROD, min_km), "colour": [0, 114, 178]},
            {"polygon": ring_coords(*BELGOROD, max_km), "colour": [213, 94, 0]},
        ],
        get_polygon="polygon",
        get_line_color="colour",
        filled=False,
        line_width_min_pixels=2,
    ),
]
st.pydeck_chart(
    pdk.Deck(
        layers=layers,
        map_provider=None,
        initial_view_state=pdk.ViewState(longitude=BELGOROD[0], latitude=BELGOROD[1], zoom=4),
    ),
    height=600,
)

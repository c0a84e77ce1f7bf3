"""The baseline of the slider benchmark: a minimal Streamlit + pydeck app with one ring."""

import pydeck as pdk
import streamlit as st
from pyproj import Geod

BELGOROD = (36.58015, 50.61074)
GEOD = Geod(ellps="WGS84")

max_km = st.slider("Max range (km)", 10, 5000, 800, step=10)
azimuths = [i * 360 / 324 for i in range(325)]
lons, lats, _ = GEOD.fwd([BELGOROD[0]] * 325, [BELGOROD[1]] * 325, azimuths, [max_km * 1000] * 325)
ring = [[round(x, 5), round(y, 5)] for x, y in zip(lons, lats, strict=True)]
st.pydeck_chart(
    pdk.Deck(
        layers=[
            pdk.Layer(
                "PathLayer",
                id="ring",
                data=[{"path": ring}],
                get_path="path",
                get_color=[213, 94, 0],
                width_min_pixels=2,
            )
        ],
        map_provider=None,
        initial_view_state=pdk.ViewState(longitude=BELGOROD[0], latitude=BELGOROD[1], zoom=4),
    ),
    height=620,
)

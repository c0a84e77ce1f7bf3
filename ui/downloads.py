"""The download buttons: every layer as GeoJSON, a zip, GeoPackage, KML and the strike table.

Each file is built when its button is clicked (`mapviz.export`), from the parameters the map
last drew with, so the files follow the sliders though the buttons sit outside the map's
fragment.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Final

import geopandas as gpd
import streamlit as st

from mapviz.analysis import Params
from mapviz.export import (
    GEOJSON_MEDIA_TYPE,
    LAYER_NAMES,
    REGION_LAYER,
    Provenance,
    build_layers,
    csv_bytes,
    geojson_bytes,
    gpkg_bytes,
    kml_bytes,
    provenance,
    zip_bytes,
)
from ui.caches import Selection
from ui.mapview import drawn_params

Bundle = tuple[str, Callable[[], bytes], str, str, str]
"""A button for several layers: label, builder, file name, media type, widget key."""
CAPTION: Final = (
    "Built when you click, for the current sliders, launch points and filters. GeoJSON is "
    "RFC 7946 with a `metadata` member (parameters, method, input hashes, sources, licences)."
)


def downloads(selection: Selection, inputs: dict[str, str], *, with_region: bool) -> None:
    """Render the download buttons; each file is built only when its button is clicked.

    `with_region` adds the launch region (for the strikes the map's region is for) when it can
    be computed.
    """
    st.subheader("Downloads")
    st.caption(CAPTION)
    refusal = selection.region_refusal() if with_region else None
    names = [*LAYER_NAMES, *([REGION_LAYER] if with_region and refusal is None else [])]

    drawn = drawn_params()  # read when a button is clicked, outside the page's run

    def params() -> Params:
        return drawn.params

    def layer_set(*only: str) -> dict[str, gpd.GeoDataFrame]:
        """Build the layers for the current parameters: all the buttons', or `only` those."""
        current = params()
        wanted = only or tuple(names)
        layers = build_layers(
            selection.strikes,
            current,
            names=tuple(n for n in LAYER_NAMES if n in wanted),
            matrix_km=selection.distances(current.sites),  # as the map's counts have them
        )
        if REGION_LAYER in names and REGION_LAYER in wanted:
            layers[REGION_LAYER] = selection.region(
                current.min_km, current.max_km, current.tolerance_m
            )
        return layers

    def meta() -> Provenance:
        return provenance(params(), inputs)

    def geojson_layer(name: str) -> bytes:
        return geojson_bytes(layer_set(name)[name], layer=name, metadata=meta())

    if refusal:
        st.caption(f"No launch_region.geojson: {refusal}.")
    for column, name in zip(st.columns(len(names)), names, strict=True):
        column.download_button(
            f"{name}.geojson",
            data=partial(geojson_layer, name),
            file_name=f"{name}.geojson",
            mime=GEOJSON_MEDIA_TYPE,
            on_click="ignore",
            key=f"download_{name}",
        )
    bundles: list[Bundle] = [
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

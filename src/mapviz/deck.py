"""The map's layers as a pydeck Deck spec: basemap, strikes, launch points, hypothetical areas.

UI-free: builds the deck spec whose layers read the files `mapviz.records` makes, drawn as
`mapviz.style` says. The map component (`mapviz.mapcomponent`) converts it in the browser with
deck.gl's JSONConverter, and deck.gl draws it; the range rings, which follow the sliders, are
drawn there too. Every layer has a fixed `id`, and every layer's data is the URL of a static
file, so no text from data passes through the converter, which evaluates strings that start
with "@@".

The strikes are a ScatterplotLayer on binary attributes: every strike is a point the GPU picks,
at any count. Labels are one text layer in one collision group (deck.gl's
CollisionFilterExtension), so at every zoom the labels of higher priority show and none covers
another. Dashed lines use deck.gl's PathStyleExtension.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from mapviz.records import tooltip_chunk_size
from mapviz.scene import LayerName, Scene
from mapviz.style import (
    BASEMAP,
    BLACK,
    COLLISION_SCALE,
    DASH_ARRAY,
    HYPOTHETICAL_COLOUR,
    HYPOTHETICAL_WIDTH_PX,
    LABEL_FONT,
    LABEL_GROUP,
    MAX_ZOOM,
    MIN_ZOOM,
    PRECISION_FILL,
    REGION_WIDTH_PX,
    SITE_DOT_PX,
    STRIKE_DOT_PX,
    STRIKE_RIM,
    UNCERTAINTY_RGBA,
    UNCERTAINTY_WIDTH_PX,
    WHITE,
    ViewPreset,
    label_padding_px,
)

_TIME_FILTER: Final = {
    # the map's time window: deck.gl hides strikes whose day is outside `filterRange`; off
    # until the person plays or picks a window (frontend/src/timewindow.js)
    "extensions": [{"@@type": "DataFilterExtension", "filterSize": 1}],
    "filter_enabled": False,
    "filter_range": [0, 0],
}


def _string(text: str) -> Any:
    """Return a string prop kept as itself (pydeck writes other strings as deck.gl expressions)."""
    return pdk.types.String(text)


def strike_layers(url: str, tooltip_urls: Sequence[str], count: int) -> list[pdk.Layer]:
    """Return the strike layers, both reading one `strike_binary` file.

    Each strike's location-precision circle (its radius in metres, a translucent grey outlined
    in the attribution colour: a few pixels wide at country scale, visible as one zooms in),
    and its dot (the attribution colour in a dark rim). Both are pickable.

    Parameters
    ----------
    url : str
        The strikes' typed arrays (`strike_binary`).
    tooltip_urls : sequence of str
        The tooltip files: the tooltip of strike i is text i of them (`tooltip_chunks`).
    count : int
        How many strikes the file holds.

    Returns
    -------
    list of pydeck.Layer
        The precision circles, then the dots.
    """
    tooltips = {
        "tooltip_urls": [_string(u) for u in tooltip_urls],
        "tooltip_chunk": tooltip_chunk_size(count),
    }
    return [
        pdk.Layer(
            "ScatterplotLayer",
            id="strike-precision",
            data=url,
            binary_attributes=[_string("getPosition"), _string("getRadius"),
                               _string("getLineColor"), _string("getFilterValue")],
            get_fill_color=list(PRECISION_FILL),
            radius_units=_string("meters"),
            stroked=True,
            line_width_min_pixels=1,
            pickable=True,
            **tooltips,
            **_TIME_FILTER,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id="strikes",
            data=url,
            binary_attributes=[_string("getPosition"), _string("getFillColor"),
                               _string("getFilterValue")],
            get_line_color=list(STRIKE_RIM),
            get_radius=STRIKE_DOT_PX,
            radius_units=_string("pixels"),
            stroked=True,
            line_width_min_pixels=1,
            pickable=True,
            **tooltips,
            **_TIME_FILTER,
        ),
    ]  # fmt: skip


def label_layer(url: str) -> pdk.Layer:
    """Return the map's one text layer: every label but the ring radii (which the map adds).

    Records (`mapviz.records.label_record`) have a position `p`, text `t` and the `LabelStyle`
    fields. deck.gl's collision filter hides a label where one of higher priority would cover
    it, at every zoom: it tells labels apart by their index in one layer's data, so every label
    is in this one layer. In the collision map each label is `COLLISION_SCALE` times its size:
    deck.gl tests a label at its point only, and twice its size a label covers the point of any
    no wider label it would overlap. The font's characters are those of the texts (deck.gl's
    default is ASCII only, which would drop "ô" from "Côte d'Ivoire" and every letter of a name
    in Cyrillic).

    Parameters
    ----------
    url : str
        The labels' records.

    Returns
    -------
    pydeck.Layer
        A TextLayer with the CollisionFilterExtension.
    """
    return pdk.Layer(
        "TextLayer",
        id="labels",
        data=url,
        get_position="p",
        get_text="t",
        get_color="c",
        get_size="s",
        get_text_anchor="a",
        get_alignment_baseline="b",
        get_pixel_offset="o",
        font_family=_string(LABEL_FONT),
        font_weight=700,
        character_set=_string("auto"),
        background=True,
        get_background_color=[*WHITE, 0],
        background_padding=label_padding_px(),
        extensions=[{"@@type": "CollisionFilterExtension"}],
        collision_group=_string(LABEL_GROUP),
        collision_test_props={"sizeScale": COLLISION_SCALE},
        get_collision_priority="pr",
    )


def region_layer(url: str) -> pdk.Layer:
    """Return the launch region layer: yellow, stronger where every strike is in reach.

    Parameters
    ----------
    url : str
        The region's polygon records (`region_records`).

    Returns
    -------
    pydeck.Layer
        A pickable PolygonLayer (its tooltip gives the region's area).
    """
    return pdk.Layer(
        "PolygonLayer",
        id="launch-region",
        data=url,
        get_polygon="polygon",
        get_fill_color="f",
        get_line_color="l",
        get_line_width=REGION_WIDTH_PX,
        line_width_units=_string("pixels"),
        stroked=True,
        pickable=True,
    )


def site_layers(url: str) -> list[pdk.Layer]:
    """Return the candidate launch points as black dots in a white rim, with a tooltip.

    Their names are labels (`site_label_records`).

    Parameters
    ----------
    url : str
        The points' records (`site_records`).

    Returns
    -------
    list of pydeck.Layer
        The dots.
    """
    return [
        pdk.Layer(
            "ScatterplotLayer",
            id="launch-sites",
            data=url,
            get_position="p",
            get_fill_color=list(BLACK),
            get_line_color=list(WHITE),
            get_radius=SITE_DOT_PX,
            radius_units=_string("pixels"),
            stroked=True,
            line_width_min_pixels=2,
            pickable=True,
        )
    ]


def _dashed() -> dict[str, Any]:
    """Props of a dashed path: deck.gl's PathStyleExtension, dashes fitted to each path."""
    return {
        "extensions": [{"@@type": "PathStyleExtension", "dash": True}],
        "get_dash_array": list(DASH_ARRAY),
        "dash_justified": True,
    }


def uncertainty_layer(url: str) -> pdk.Layer:
    """Return the launch areas' dashed uncertainty circles.

    They do not follow the sliders; the launch point's tooltip gives the radius.

    Parameters
    ----------
    url : str
        The circles' paths (`uncertainty_paths`).

    Returns
    -------
    pydeck.Layer
        A PathLayer dashed by deck.gl's PathStyleExtension.
    """
    return pdk.Layer(
        "PathLayer",
        id="uncertainty-circles",
        data=url,
        get_path="path",
        get_color=list(UNCERTAINTY_RGBA),
        get_width=UNCERTAINTY_WIDTH_PX,
        width_units=_string("pixels"),
        **_dashed(),
    )


def deployment_layers(url: str) -> list[pdk.Layer]:
    """Return the HYPOTHETICAL areas: purple fill, dashed purple outline.

    Their labels are in the `label_layer`.

    Parameters
    ----------
    url : str
        The areas' polygon records (`deployment_records`).

    Returns
    -------
    list of pydeck.Layer
        The areas, pickable (their tooltip says HYPOTHETICAL and cites the sources).
    """
    return [
        pdk.Layer(
            "PolygonLayer",
            id="deployment-areas",
            data=url,
            get_polygon="polygon",
            get_fill_color=[*HYPOTHETICAL_COLOUR, 60],
            get_line_color=list(HYPOTHETICAL_COLOUR),
            get_line_width=HYPOTHETICAL_WIDTH_PX,
            line_width_units=_string("pixels"),
            stroked=True,
            pickable=True,
            **_dashed(),
        )
    ]


def basemap_layers(urls: Sequence[str]) -> list[pdk.Layer]:
    """Return the offline vector basemap: `BASEMAP`'s layers.

    deck.gl draws them as vectors, so they are sharp at every zoom; the map view repeats the
    world east and west, so they also show across the antimeridian.

    Parameters
    ----------
    urls : sequence of str
        One Natural Earth file per `BASEMAP` layer, in its order (`basemap_payload`).

    Returns
    -------
    list of pydeck.Layer
        Land, lakes, oblast lines and country borders, bottom first.
    """
    return [
        pdk.Layer(
            "GeoJsonLayer",
            id=layer.layer_id,
            data=url,
            filled=layer.fill is not None,
            get_fill_color=list(layer.fill or WHITE),
            stroked=layer.line is not None,
            get_line_color=list(layer.line or BLACK),
            get_line_width=layer.line_width_px,
            line_width_units=_string("pixels"),
        )
        for layer, url in zip(BASEMAP, urls, strict=True)
    ]


class CompactDeck(pdk.Deck):  # type: ignore[misc]
    """A Deck whose JSON has no indentation.

    pydeck indents by 2, which triples the spec the browser fetches when the layers change.
    """

    def to_json(self) -> str:
        """Return the deck spec as compact JSON.

        Returns
        -------
        str
            The spec, keys sorted, without indentation or spaces.
        """
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


CONTROLLER: Final = {
    "inertia": True,
    "scrollZoom": {"smooth": True},
    "dragRotate": False,
    "touchRotate": False,
    "keyboard": True,
}
"""The map view's controller: pan with inertia, smooth wheel zoom, keys; no rotation or tilt."""


def deck(layers: list[pdk.Layer], view: ViewPreset) -> pdk.Deck:
    """Return the Deck: no map provider (offline), the chosen initial view.

    The map view repeats the world east and west at low zoom, so every layer also shows across
    the antimeridian; the map draws its rings in the same view.

    Parameters
    ----------
    layers : list of pydeck.Layer
        The layers, bottom first.
    view : ViewPreset
        The initial view.

    Returns
    -------
    pydeck.Deck
        A `CompactDeck` with one MapView and its controller (`CONTROLLER`).
    """
    return CompactDeck(
        layers=layers,
        views=[pdk.View(type="MapView", controller=CONTROLLER, repeat=True)],
        map_provider=None,
        initial_view_state=pdk.ViewState(
            longitude=view.lon,
            latitude=view.lat,
            zoom=view.zoom,
            min_zoom=MIN_ZOOM,
            max_zoom=MAX_ZOOM,
        ),
    )


def scene_deck(scene: Scene, files: Mapping[LayerName, Sequence[str]]) -> pdk.Deck:
    """Return the Deck that draws a scene's layers from their files.

    Parameters
    ----------
    scene : Scene
        What the map draws (`mapviz.scene.scene`).
    files : mapping of LayerName to sequence of str
        Each of the scene's layers' file URLs: the basemap's one per `BASEMAP` layer, the
        strikes' typed arrays then their tooltip files, one file for each other layer.

    Returns
    -------
    pydeck.Deck
        The scene's layers in its order, at its view (`deck`).
    """
    made: dict[LayerName, Callable[[Sequence[str]], list[pdk.Layer]]] = {
        "basemap": basemap_layers,
        "deployments": lambda urls: deployment_layers(urls[0]),
        "region": lambda urls: [region_layer(urls[0])],
        "strikes": lambda urls: strike_layers(urls[0], urls[1:], scene.strike_count),
        "uncertainty": lambda urls: [uncertainty_layer(urls[0])],
        "sites": lambda urls: site_layers(urls[0]),
        "labels": lambda urls: [label_layer(urls[0])],
    }
    return deck([layer for name in scene.layers for layer in made[name](files[name])], scene.view)


def spec_files(spec: str) -> tuple[str, ...]:
    """Return the URLs of the data files a deck spec (`deck(...).to_json()`) names.

    Parameters
    ----------
    spec
        The spec's JSON.

    Returns
    -------
    tuple of str
        Each layer's `data` URL and its `tooltipUrls`, in the layers' order.
    """
    layers = json.loads(spec)["layers"]
    return tuple(
        url
        for layer in layers
        for url in (layer["data"], *layer.get("tooltipUrls", ()))
        if isinstance(url, str)
    )

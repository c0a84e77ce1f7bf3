"""The map's scene (mapviz.scene) and its deck (mapviz.deck.scene_deck), without Streamlit."""

from __future__ import annotations

import json
from dataclasses import replace

from mapviz.deck import scene_deck
from mapviz.geodesy import LonLat
from mapviz.reference import LaunchSite, launch_sites
from mapviz.scene import DRAWING_ORDER, LabelSet, LayerName, Toggles, scene
from mapviz.style import BASEMAP, VIEW_PRESETS

SITES = tuple(s for s in launch_sites() if s.default_selected)


def drawn(**kw: object) -> tuple[LayerName, ...]:
    options: dict[str, object] = {
        "strike_count": 5,
        "sites": SITES,
        "toggles": Toggles(),
        "view_key": "kharkiv",
        "tolerance_m": 50.0,
        **kw,
    }
    return scene(**options).layers  # type: ignore[arg-type]


def test_the_default_scene_draws_every_shown_layer_bottom_first() -> None:
    assert drawn() == ("basemap", "deployments", "strikes", "uncertainty", "sites", "labels")
    assert drawn(region=True, toggles=Toggles(region=True)) == DRAWING_ORDER


def test_toggles_and_inputs_take_layers_out() -> None:
    assert drawn(region=True) == drawn()  # available but not shown
    assert "region" not in drawn(toggles=Toggles(region=True))  # shown but refused
    assert "strikes" not in drawn(strike_count=0)
    assert "strikes" not in drawn(toggles=Toggles(strikes=False))
    assert "deployments" not in drawn(toggles=Toggles(deployments=False))
    no_sites = drawn(toggles=Toggles(sites=False))
    assert "sites" not in no_sites
    assert "uncertainty" not in no_sites
    assert drawn(sites=()) == ("basemap", "deployments", "strikes", "labels")
    certain = tuple(replace(s, uncertainty_km=0.0) for s in SITES)
    assert "uncertainty" not in drawn(sites=certain)


def test_the_scene_carries_the_rings_labels_and_view() -> None:
    own = LaunchSite("own", "<b>own</b>", LonLat(37.1, 50.3), 10.0)
    made = scene(
        strike_count=5,
        sites=(own,),
        toggles=Toggles(rings=False, envelopes=True, deployments=False),
        view_key="indo-pacific",
        tolerance_m=25.0,
    )
    assert made.labels == LabelSet(sites=True, areas=False)
    assert made.view == VIEW_PRESETS["indo-pacific"]
    assert made.rings["show"] is False
    assert made.rings["envelopes"] is True
    assert made.rings["tolerance_m"] == 25.0
    assert [s["name"] for s in made.rings["sites"]] == ["<b>own</b>"]  # text, drawn as text
    assert made.sites == (own,)
    hidden = scene(
        strike_count=5,
        sites=(own,),
        toggles=Toggles(strikes=False),
        view_key="kharkiv",
        tolerance_m=25.0,
    )
    assert hidden.strike_count == 0  # not drawn: no count for the layer


def test_the_scene_deck_draws_its_layers_in_order_from_their_files() -> None:
    made = scene(
        strike_count=5,
        sites=SITES,
        toggles=Toggles(region=True),
        view_key="ukraine",
        tolerance_m=50.0,
        region=True,
    )
    files: dict[LayerName, tuple[str, ...]] = {name: (f"{name}.json",) for name in made.layers}
    files["basemap"] = tuple(f"basemap-{i}.json" for i in range(len(BASEMAP)))
    files["strikes"] = ("strikes.bin", "tips-0.json", "tips-1.json")
    spec = json.loads(scene_deck(made, files).to_json())
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids == [
        "basemap-land",
        "basemap-lakes",
        "basemap-oblasts",
        "basemap-borders",
        "deployment-areas",
        "launch-region",
        "strike-precision",
        "strikes",
        "uncertainty-circles",
        "launch-sites",
        "labels",
    ]
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert layers["strikes"]["data"] == "strikes.bin"
    assert layers["strikes"]["tooltipUrls"] == ["tips-0.json", "tips-1.json"]
    assert layers["launch-region"]["data"] == "region.json"
    assert spec["initialViewState"]["zoom"] == VIEW_PRESETS["ukraine"].zoom

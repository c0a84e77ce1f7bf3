"""The deck spec: fixed layer ids, compact JSON, data by URL, strikes as typed arrays, labels."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mapviz.deck import (
    basemap_layers,
    deck,
    deployment_layers,
    label_layer,
    site_layers,
    strike_layers,
    uncertainty_layer,
)
from mapviz.geodesy import GEOD, LonLat, range_ring
from mapviz.layers import sites_frame
from mapviz.limits import MAX_DISPLAY_CHARS
from mapviz.paths import NATURAL_EARTH_DIR
from mapviz.records import (
    STRIKE_BYTES,
    TOOLTIP_CHUNK_MIN,
    TOOLTIP_FILES_MAX,
    basemap_payload,
    deployment_label_records,
    deployment_records,
    inert,
    place_label_records,
    site_label_records,
    site_records,
    strike_binary,
    strike_tooltips,
    tooltip_chunk_size,
    tooltip_chunks,
    uncertainty_paths,
)
from mapviz.reference import LaunchSite, deployments, map_cities, reference_strikes
from mapviz.style import (
    ATTRIBUTION_COLOURS,
    BASEMAP,
    COLLISION_MARGIN_PX,
    COLLISION_REACH_PX,
    LABEL_KINDS,
    PRIORITY_CITY_PER_DECADE,
    PRIORITY_COUNTRY_MAX,
    PRIORITY_HYPOTHETICAL,
    PRIORITY_LAUNCH_POINT,
    PRIORITY_RING,
    SITE_LABEL,
    VIEW_PRESETS,
    label_padding_px,
)
from mapviz.synthetic import synthetic_strikes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kharkiv", "Kharkiv"),  # ordinary text is unchanged
        ("@@=constructor", "@\u200b@=constructor"),  # a deck.gl expression stays text
        ("@@#GL.ONE", "@\u200b@#GL.ONE"),  # a deck.gl constant stays text
        ("@ home", "@ home"),  # a single @ is harmless
        ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),  # drawn as text
        ("x" * 400, "x" * (MAX_DISPLAY_CHARS - 1) + "\u2026"),  # long text is shortened
    ],
)
def test_inert(text: str, expected: str) -> None:
    assert inert(text) == expected


def test_strike_tooltips_are_plain_text_with_sources() -> None:
    tooltips = strike_tooltips(reference_strikes())
    assert len(tooltips) == 5
    kharkiv = tooltips[1]
    assert kharkiv.startswith("2024-01-02 | Kharkiv, Shevchenkivskyi district")
    for field in ("Precision: ", "Weapon: ", "Attribution: ", "Casualties: ", "Source: "):
        assert f"\n{field}" in kharkiv
    assert "Attribution: confirmed by independent analysis" in kharkiv
    assert "Source: RBC-Ukraine; Al Arabiya" in kharkiv


def test_strike_binary_is_positions_radii_colours_and_days() -> None:
    strikes = reference_strikes()
    strikes.loc[2, "date"] = pd.NaT
    raw = strike_binary(strikes)
    n = len(strikes)
    assert len(raw) == n * STRIKE_BYTES
    lon_lat = np.frombuffer(raw, dtype="<f4", count=2 * n).reshape(n, 2)
    radius_m = np.frombuffer(raw, dtype="<f4", offset=8 * n, count=n)
    rgba = np.frombuffer(raw, dtype=np.uint8, offset=12 * n, count=4 * n).reshape(n, 4)
    days = np.frombuffer(raw, dtype="<f4", offset=16 * n, count=n)
    np.testing.assert_allclose(lon_lat[:, 0], strikes.geometry.x, atol=1e-5)  # float32: ~1 m
    np.testing.assert_allclose(lon_lat[:, 1], strikes.geometry.y, atol=1e-5)
    np.testing.assert_allclose(radius_m, strikes["location_radius_km"].fillna(0) * 1000)
    expected = [(*ATTRIBUTION_COLOURS[a], 255) for a in strikes["attribution"]]
    assert [tuple(c) for c in rgba] == expected
    dated = pd.to_datetime(days[[0, 1, 3, 4]], unit="D").strftime("%Y-%m-%d").tolist()
    assert dated == ["2023-12-30", "2024-01-02", "2024-02-07", "2025-04-24"]
    assert np.isnan(days[2])  # undated: never inside a time window


def test_a_radius_that_is_not_finite_draws_no_precision_circle() -> None:
    strikes = reference_strikes().head(3).copy()
    strikes["location_radius_km"] = [float("inf"), float("nan"), -1.0]
    radius_m = np.frombuffer(strike_binary(strikes), dtype="<f4", offset=24, count=3)
    assert radius_m.tolist() == [0.0, 0.0, 0.0]  # the browser would reject the whole file


@pytest.mark.parametrize(
    ("count", "chunk"),
    [
        (5, TOOLTIP_CHUNK_MIN),  # small data: one file
        (TOOLTIP_CHUNK_MIN * TOOLTIP_FILES_MAX, TOOLTIP_CHUNK_MIN),  # still the smallest files
        (1_000_000, -(-1_000_000 // TOOLTIP_FILES_MAX)),  # a million: at most 64 files
    ],
)
def test_tooltip_files_are_bounded_in_number(count: int, chunk: int) -> None:
    assert tooltip_chunk_size(count) == chunk
    assert -(-count // chunk) <= TOOLTIP_FILES_MAX


def test_tooltip_chunks_keep_the_strikes_order() -> None:
    texts = [f"strike {i}" for i in range(2 * TOOLTIP_CHUNK_MIN + 3)]
    files = [json.loads(chunk) for chunk in tooltip_chunks(texts)]
    assert [len(f) for f in files] == [TOOLTIP_CHUNK_MIN, TOOLTIP_CHUNK_MIN, 3]
    assert [t for f in files for t in f] == texts


def every_layer_deck(name: str = "x") -> dict[str, Any]:
    """The spec of a deck with every kind of layer mapviz draws."""
    layers = [
        *basemap_layers(
            [f"component/app.mapviz_files/basemap-{i}.json" for i in range(len(BASEMAP))]
        ),
        *deployment_layers("component/app.mapviz_files/deployments-x.json"),
        *strike_layers(
            "component/app.mapviz_files/strikes-x.bin",
            ["component/app.mapviz_files/tips-x.json"],
            5,
        ),
        uncertainty_layer("component/app.mapviz_files/uncertainty-x.json"),
        *site_layers("component/app.mapviz_files/sites-x.json"),
        label_layer("component/app.mapviz_files/labels-x.json"),
    ]
    spec: dict[str, Any] = json.loads(deck(layers, VIEW_PRESETS["kharkiv"]).to_json())
    return spec


def test_deck_spec_is_compact_and_every_layer_has_an_id_and_a_data_url() -> None:
    text = deck([label_layer("component/app.mapviz_files/l.json")], VIEW_PRESETS["world"]).to_json()
    assert "\n" not in text
    spec = every_layer_deck()
    ids = [layer["id"] for layer in spec["layers"]]
    assert len(ids) == len(set(ids))
    assert "mapProvider" not in spec
    for layer in spec["layers"]:  # no inline data: text from data never meets the converter
        assert layer["data"].startswith("component/app.mapviz_files/"), layer["id"]
    units = {layer.get("radiusUnits") for layer in spec["layers"]} - {None}
    assert units == {"meters", "pixels"}  # literal strings, not "@@=" expressions
    (labels,) = [layer for layer in spec["layers"] if layer["@@type"] == "TextLayer"]
    assert labels["fontFamily"] == "Helvetica, Arial, sans-serif"
    assert labels["collisionGroup"] == "labels"
    assert labels["getCollisionPriority"] == "@@=pr"


def test_the_map_view_pans_with_inertia_and_zooms_smoothly() -> None:
    (view,) = every_layer_deck()["views"]
    assert view["@@type"] == "MapView"
    assert view["repeat"] is True  # layers show across the antimeridian
    assert view["controller"]["inertia"] is True
    assert view["controller"]["scrollZoom"] == {"smooth": True}


def test_strike_layers_read_the_typed_arrays_and_are_pickable() -> None:
    layers = {layer["id"]: layer for layer in every_layer_deck()["layers"]}
    dots, circles = layers["strikes"], layers["strike-precision"]
    assert dots["binaryAttributes"] == ["getPosition", "getFillColor", "getFilterValue"]
    assert circles["binaryAttributes"] == [
        "getPosition", "getRadius", "getLineColor", "getFilterValue"
    ]  # fmt: skip
    assert dots["radiusUnits"] == "pixels"
    assert circles["radiusUnits"] == "meters"
    for layer in (dots, circles):
        assert layer["pickable"] is True
        assert layer["tooltipUrls"] == ["component/app.mapviz_files/tips-x.json"]
        assert layer["tooltipChunk"] == TOOLTIP_CHUNK_MIN
        # the time window: deck.gl hides strikes outside it, all dates until one is picked
        assert layer["extensions"] == [{"@@type": "DataFilterExtension", "filterSize": 1}]
        assert layer["filterEnabled"] is False


def test_dashed_lines_use_deck_gls_path_style_extension() -> None:
    layers = {layer["id"]: layer for layer in every_layer_deck()["layers"]}
    for layer_id in ("uncertainty-circles", "deployment-areas"):
        layer = layers[layer_id]
        assert layer["extensions"] == [{"@@type": "PathStyleExtension", "dash": True}]
        assert layer["getDashArray"] == [6, 4]
    assert layers["deployment-areas"]["stroked"] is True
    assert layers["deployment-areas"]["lineWidthUnits"] == "pixels"


def test_uncertainty_circles_are_geodesic_lines() -> None:
    circle = range_ring(36.58, 50.61, 50.0)
    (path,) = uncertainty_paths([circle])
    for lon, lat in path["path"]:
        assert abs(GEOD.inv(36.58, 50.61, lon, lat)[2] - 50_000.0) < 50.0


def test_basemap_is_natural_earth_vectors() -> None:
    layers = basemap_layers(["a", "b", "c", "d"])
    assert [layer.id for layer in layers] == [b.layer_id for b in BASEMAP]
    assert {layer.type for layer in layers} == {"GeoJsonLayer"}
    for entry in BASEMAP:
        assert basemap_payload(entry) == (NATURAL_EARTH_DIR / entry.file_name).read_bytes()
        assert json.loads(basemap_payload(entry))["type"] == "FeatureCollection"


def test_site_records_carry_their_tooltip_as_inert_text() -> None:
    site = LaunchSite("x", "@@=evil", LonLat(36.58, 50.61), 10.0)
    (record,) = site_records(sites_frame((site,)))
    assert record["p"] == [36.58, 50.61]
    assert record["tt"].startswith("@\u200b@=evil (CANDIDATE)")
    assert "Uncertainty radius: 10 km" in record["tt"]


def test_labels_have_their_priorities() -> None:
    # HYPOTHETICAL and launch points first, then ring radii, countries and cities (larger first)
    assert PRIORITY_HYPOTHETICAL > PRIORITY_LAUNCH_POINT > PRIORITY_RING > PRIORITY_COUNTRY_MAX
    places = place_label_records(map_cities())
    countries = [p for p in places if p["b"] == "center"]
    towns = [p for p in places if p["b"] == "bottom"]  # cities: above their centres
    assert len(towns) == len(map_cities()) > 1500
    assert [c["pr"] for c in countries] == sorted((c["pr"] for c in countries), reverse=True)
    assert [c["t"] for c in countries[:2]] == ["Antarctica", "Russia"]  # the largest
    assert [c["pr"] for c in towns] == sorted((c["pr"] for c in towns), reverse=True)
    kharkiv = next(t for t in towns if t["t"] == "Kharkiv")
    assert kharkiv["p"] == pytest.approx([36.25, 49.98], abs=0.01)
    assert kharkiv["pr"] == round(PRIORITY_CITY_PER_DECADE * np.log10(1_421_125))  # GeoNames
    assert max(t["pr"] for t in towns) < min(c["pr"] for c in countries[:50])
    hypothetical = deployment_label_records(deployments())
    assert sum(label["t"].count("HYPOTHETICAL") for label in hypothetical) == len(deployments())
    assert {label["pr"] for label in hypothetical} == {PRIORITY_HYPOTHETICAL}
    sites = site_label_records(
        sites_frame((LaunchSite("x", "Белгород", LonLat(36.58, 50.61), 0.0),))
    )
    assert sites == [
        {
            "p": [36.58, 50.61],
            "t": "Белгород",
            "c": [0, 0, 0],
            "s": SITE_LABEL.size_px,
            "a": "middle",
            "b": "top",
            "o": [0.0, 9.0],
            "pr": PRIORITY_LAUNCH_POINT,
        }
    ]


def test_nearby_hypothetical_areas_share_one_label() -> None:
    labels = deployment_label_records(deployments())
    assert len(labels) < len(deployments())
    assert all(label["t"].startswith("HYPOTHETICAL\n") for label in labels)


def test_every_label_reaches_over_its_point_in_the_collision_map() -> None:
    # deck.gl tests a label where its point is; a label beside its point reaches over it
    left, top, right, bottom = label_padding_px()
    assert min(left, top, right, bottom) >= COLLISION_MARGIN_PX
    for kind in LABEL_KINDS:
        x, y = kind.offset_px
        if kind.baseline == "top":
            assert top >= y + COLLISION_REACH_PX
        if kind.baseline == "bottom":
            assert bottom >= -y + COLLISION_REACH_PX
        if kind.anchor == "end":
            assert right >= -x + COLLISION_REACH_PX


def test_deployment_polygons_carry_their_hypothetical_tooltip() -> None:
    records = deployment_records(deployments())
    assert records
    assert all(r["tt"].startswith("HYPOTHETICAL: ") for r in records)


def test_synthetic_strikes_say_so_in_their_tooltips() -> None:
    tooltips = strike_tooltips(synthetic_strikes(50))
    assert all(t.endswith("\nSYNTHETIC test record") for t in tooltips)

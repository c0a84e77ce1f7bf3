"""Exports, read back by GDAL: RFC 7946 GeoJSON, zip, GeoPackage, KML, CSV and the round trip."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point, shape

from mapviz import analysis
from mapviz.analysis import Filters, Params, filter_strikes, site_distances_km
from mapviz.errors import ParameterError
from mapviz.export import (
    LAYER_NAMES,
    REGION_LAYER,
    Provenance,
    build_layers,
    csv_bytes,
    geojson_bytes,
    gpkg_bytes,
    kml_bytes,
    neutralise_formula,
    provenance,
    shipped_inputs,
    zip_bytes,
)
from mapviz.geodesy import LonLat
from mapviz.layers import RING_KINDS
from mapviz.loaders import read_strikes
from mapviz.model import STRIKE_COLUMNS
from mapviz.reference import LaunchSite, launch_sites, reference_strikes
from mapviz.synthetic import synthetic_strikes

DEFAULT_SITES = tuple(s for s in launch_sites() if s.default_selected)
ANTIMERIDIAN_SITE = LaunchSite("dateline", "Dateline test point", LonLat(179.0, 10.0), 0.0)
POLAR_SITE = LaunchSite("polar", "Polar test point", LonLat(36.0, 85.0), 0.0)
HOSTILE = "<img src=x onerror=alert(1)>"
ALL_LAYERS = (*LAYER_NAMES, REGION_LAYER)


@pytest.fixture(scope="module")
def layers() -> dict[str, gpd.GeoDataFrame]:
    strikes = reference_strikes()
    strikes.loc[0, "place"] = HOSTILE
    strikes.loc[1, "target"] = '=HYPERLINK("http://evil")'
    params = Params(sites=(*DEFAULT_SITES, ANTIMERIDIAN_SITE, POLAR_SITE))
    return build_layers(strikes, params, with_region=True)


@pytest.fixture(scope="module")
def metadata() -> Provenance:
    return provenance(Params(sites=DEFAULT_SITES), shipped_inputs())


def feature_collection(
    layers: dict[str, gpd.GeoDataFrame], name: str, metadata: Provenance
) -> dict[str, Any]:
    data = geojson_bytes(layers[name], layer=name, metadata=metadata)
    assert b"NaN" not in data
    document: dict[str, Any] = json.loads(data)
    return document


def test_geojson_layers_are_rfc7946(
    layers: dict[str, gpd.GeoDataFrame], metadata: Provenance
) -> None:
    for name in ALL_LAYERS:
        doc = feature_collection(layers, name, metadata)
        assert doc["type"] == "FeatureCollection"
        assert "crs" not in doc
        assert len(doc["features"]) == len(layers[name])
        assert doc["metadata"]["ellipsoid"] == "WGS84"
        assert len(doc["bbox"]) == 4
        for feature in doc["features"]:
            geom = shape(feature["geometry"])
            assert geom.is_valid
            west, south, east, north = geom.bounds
            assert -180 <= west <= east <= 180
            assert -90 <= south <= north <= 90
            for polygon in getattr(geom, "geoms", [geom]):
                if polygon.geom_type == "Polygon":
                    assert polygon.exterior.is_ccw
                    assert all(not hole.is_ccw for hole in polygon.interiors)


def test_coordinates_have_six_decimals(
    layers: dict[str, gpd.GeoDataFrame], metadata: Provenance
) -> None:
    doc = feature_collection(layers, "launch_sites", metadata)
    lon = doc["features"][0]["geometry"]["coordinates"][0]
    assert lon == round(lon, 6)
    assert lon == pytest.approx(36.58015)


def test_rings_cross_the_antimeridian_and_contain_the_pole(
    layers: dict[str, gpd.GeoDataFrame], metadata: Provenance
) -> None:
    doc = feature_collection(layers, "rings", metadata)
    features = doc["features"]
    dateline = [
        f
        for f in features
        if f["properties"]["site_id"] == "dateline" and f["properties"]["kind"] == "max_ring"
    ]
    assert dateline[0]["geometry"]["type"] == "MultiPolygon"
    west, _, east, _ = dateline[0]["bbox"]
    assert west > east  # RFC 7946 section 5.2: a bbox across the antimeridian
    polar = [
        f
        for f in features
        if f["properties"]["site_id"] == "polar" and f["properties"]["kind"] == "max_ring"
    ]
    assert shape(polar[0]["geometry"]).covers(Point(0.0, 90.0))
    assert shape(polar[0]["geometry"]).contains(Point(100.0, 89.9))
    kinds = {(f["properties"]["site_id"], f["properties"]["kind"]) for f in features}
    assert {kind for _, kind in kinds} <= set(RING_KINDS)
    assert ("belgorod", "band") in kinds
    assert ("belgorod", "reach_from_some") in kinds
    radius = {
        f["properties"]["kind"]: f["properties"]["radius_km"]
        for f in features
        if f["properties"]["site_id"] == "belgorod"
    }
    assert radius["min_ring"] == 380
    assert radius["max_ring"] == 800
    assert radius["reach_from_some"] == 850


def test_deployments_are_hypothetical_in_every_feature(
    layers: dict[str, gpd.GeoDataFrame], metadata: Provenance
) -> None:
    doc = feature_collection(layers, "deployments", metadata)
    for feature in doc["features"]:
        assert feature["properties"]["status"] == "hypothetical"
        assert feature["properties"]["disclaimer"].startswith("HYPOTHETICAL")
        assert "illustrative" in feature["properties"]["annotation"]


def test_strikes_carry_distances_dates_and_flags(
    layers: dict[str, gpd.GeoDataFrame], metadata: Provenance
) -> None:
    doc = feature_collection(layers, "strikes", metadata)
    props = doc["features"][1]["properties"]
    assert props["date"] == "2024-01-02"
    assert props["nearest_site"] == "Belgorod (city centre)"
    assert 60 < props["nearest_km"] < 80
    assert props["km_to_belgorod"] == pytest.approx(props["nearest_km"])
    assert props["within_min"] is True
    assert props["within_max"] is True
    # Kharkiv is within 380 km of Belgorod, Kursk and Voronezh alike: in no site's band
    assert props["in_band"] is False


def test_metadata_records_parameters_and_inputs(metadata: Provenance) -> None:
    params = metadata["parameters"]
    assert params["min_range_km"] == 380
    assert [s["id"] for s in params["sites"]] == ["belgorod", "kursk", "voronezh"]
    files = {i["file"] for i in metadata["inputs"]}
    assert "data/strikes.geojson" in files
    assert metadata["ring_boundary_tolerance_m"] == 50.0
    assert "HYPOTHETICAL" in str(metadata["hypothetical_disclaimer"])
    assert str(metadata["generated_at"]).endswith("+00:00")


def test_zip_holds_every_layer_and_a_readme(
    layers: dict[str, gpd.GeoDataFrame], metadata: Provenance
) -> None:
    archive = zipfile.ZipFile(io.BytesIO(zip_bytes(layers, metadata)))
    assert sorted(archive.namelist()) == [
        "README.txt",
        "cities_in_range.geojson",
        "deployments.geojson",
        "launch_region.geojson",
        "launch_sites.geojson",
        "rings.geojson",
        "strikes.geojson",
    ]
    readme = archive.read("README.txt").decode()
    assert "HYPOTHETICAL" in readme
    assert '"min_range_km": 380' in readme


def test_geopackage_has_one_table_per_layer(
    tmp_path: Path, layers: dict[str, gpd.GeoDataFrame], metadata: Provenance
) -> None:
    path = tmp_path / "out.gpkg"
    path.write_bytes(gpkg_bytes(layers, metadata))
    names = [row[0] for row in pyogrio.list_layers(path)]
    assert names == [*ALL_LAYERS, "mapviz_metadata"]
    for name in ALL_LAYERS:
        assert len(pyogrio.read_dataframe(path, layer=name)) == len(layers[name])
    meta = pyogrio.read_dataframe(path, layer="mapviz_metadata", read_geometry=False)
    assert "ellipsoid" in set(meta["key"])


def test_kml_opens_in_gdal_and_descriptions_are_text(
    tmp_path: Path, layers: dict[str, gpd.GeoDataFrame]
) -> None:
    data = kml_bytes(layers)
    assert HOSTILE.encode() not in data
    # GDAL puts descriptions in CDATA: the HTML-escaped text reaches Google Earth as is
    assert b"<![CDATA[place: &lt;img src=x onerror=alert(1)&gt;" in data
    path = tmp_path / "out.kml"
    path.write_bytes(data)
    names = [row[0] for row in pyogrio.list_layers(path)]
    assert names == list(ALL_LAYERS)
    cities = pyogrio.read_dataframe(path, layer="cities_in_range")
    assert len(cities) == len(layers["cities_in_range"])
    assert "population: " in cities["description"].iloc[0]
    strikes = pyogrio.read_dataframe(path, layer="strikes")
    assert len(strikes) == len(layers["strikes"])
    assert "&lt;img" in strikes["description"].iloc[0]  # Google Earth shows it as text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),  # formula
        ("+49 57", "'+49 57"),  # plus sign
        ("-cmd", "'-cmd"),  # minus sign
        ("@SUM(A1)", "'@SUM(A1)"),  # at sign
        ("\tx", "'\tx"),  # tab
        ("\rx", "'\rx"),  # carriage return
        ("Kharkiv", "Kharkiv"),  # ordinary text is untouched
        ("", ""),  # empty
    ],
)
def test_formula_neutralisation(text: str, expected: str) -> None:
    assert neutralise_formula(text) == expected


def test_csv_neutralises_formulas_and_keeps_numbers(layers: dict[str, gpd.GeoDataFrame]) -> None:
    table = pd.read_csv(io.BytesIO(csv_bytes(layers["strikes"])))
    assert table["target"].iloc[1] == '\'=HYPERLINK("http://evil")'
    assert table["lon"].iloc[1] == pytest.approx(36.217)
    assert len(table) == len(layers["strikes"])


@pytest.mark.parametrize("strikes", ["reference", "synthetic"])
def test_strikes_round_trip_through_geojson(tmp_path: Path, strikes: str) -> None:
    original = reference_strikes() if strikes == "reference" else synthetic_strikes(200, seed=5)
    layers = build_layers(original, Params(sites=DEFAULT_SITES))
    path = tmp_path / "strikes.geojson"
    path.write_bytes(geojson_bytes(layers["strikes"], layer="strikes", metadata={}))
    back = read_strikes(path)
    assert [p for p in back.problems if p.severity == "error"] == []
    columns = [c for c in STRIKE_COLUMNS if c != "source_row"]
    expected = original.reset_index(drop=True)
    pd.testing.assert_frame_equal(
        pd.DataFrame(back.strikes[columns]), pd.DataFrame(expected[columns]), check_dtype=False
    )
    # coordinates are written with 6 decimals (about 0.1 m)
    offset = (
        (back.strikes.geometry.x - expected.geometry.x).abs().max(),
        (back.strikes.geometry.y - expected.geometry.y).abs().max(),
    )
    assert max(offset) <= 5e-7


def test_no_sites_still_exports(metadata: Provenance) -> None:
    layers = build_layers(reference_strikes(), Params(sites=()))
    doc = json.loads(geojson_bytes(layers["strikes"], layer="strikes", metadata=metadata))
    assert doc["features"][0]["properties"]["nearest_km"] is None
    assert len(doc["features"]) == 5


def test_text_with_line_breaks_survives_the_geojson_writer(tmp_path: Path) -> None:
    strikes = reference_strikes()
    strikes.loc[0, "place"] = 'line one\nline two\u2028three "quoted" \\ back'
    layers = build_layers(strikes, Params(sites=DEFAULT_SITES))
    path = tmp_path / "strikes.geojson"
    path.write_bytes(geojson_bytes(layers["strikes"], layer="strikes", metadata={"m": 1}))
    document = json.loads(path.read_text())
    assert len(document["features"]) == 5
    assert read_strikes(path).strikes["place"].iloc[0] == strikes.loc[0, "place"]


def test_cities_in_range_layer_has_the_issue_fields(
    layers: dict[str, gpd.GeoDataFrame], metadata: Provenance
) -> None:
    doc = feature_collection(layers, "cities_in_range", metadata)
    first = doc["features"][0]["properties"]
    assert {"name", "country", "population", "site", "km", "within_max", "in_band"} <= set(first)
    sites = {f["properties"]["site"] for f in doc["features"]}
    assert {s.name for s in DEFAULT_SITES} <= sites
    assert all(f["properties"]["km"] <= 800 for f in doc["features"])
    assert metadata["cities_in_range"]["licence"] == "CC BY 4.0"


def test_launch_region_layer_in_export_form(
    layers: dict[str, gpd.GeoDataFrame], metadata: Provenance
) -> None:
    doc = feature_collection(layers, REGION_LAYER, metadata)
    kinds = [f["properties"]["kind"] for f in doc["features"]]
    assert kinds == ["reach_all", "reach_any"]
    for feature in doc["features"]:
        geometry = shape(feature["geometry"])
        assert geometry.is_valid
        west, _, east, _ = geometry.bounds
        assert -180 <= west <= east <= 180
        assert feature["properties"]["area_km2"] > 0


def test_one_layer_is_built_alone_for_its_download() -> None:
    layers = build_layers(reference_strikes(), Params(sites=DEFAULT_SITES), names=("rings",))
    assert list(layers) == ["rings"]
    with pytest.raises(ParameterError, match="unknown layers"):
        build_layers(reference_strikes(), Params(), names=("nope",))


def test_the_strikes_layer_reuses_distances_already_measured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given the page's matrix, an export measures nothing again and writes the same columns."""
    strikes = synthetic_strikes(300)
    params = Params(sites=DEFAULT_SITES, filters=Filters(attributions=("preliminary", "unknown")))
    expected = build_layers(strikes, params, names=("strikes",))["strikes"]
    shown = filter_strikes(strikes, params.filters)
    assert 0 < len(shown) < len(strikes)
    matrix = site_distances_km(shown, params.sites)

    def measured_again(*_: object) -> None:
        raise AssertionError("distances measured again")

    monkeypatch.setattr(analysis, "site_distances_km", measured_again)
    given = build_layers(strikes, params, names=("strikes",), matrix_km=matrix)["strikes"]
    pd.testing.assert_frame_equal(given, expected)
    with pytest.raises(ParameterError, match="shape"):
        build_layers(strikes, params, matrix_km=matrix[:-1])

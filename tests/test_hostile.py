"""Hostile and broken input: a clear message, good rows kept, the app usable, no text as HTML."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pyogrio
import pytest
from hostile_corpus import (
    DATA,
    EXPRESSION,
    FORMULA,
    HTML,
    IMAGE,
    STATIC_CASES,
    TEN_MB,
    Case,
    write_generated,
)
from map_reading import map_args, press, spec
from shapely.geometry import Point, shape
from streamlit.testing.v1 import AppTest

from mapviz import loaders
from mapviz.analysis import Params
from mapviz.errors import DataValidationError, MapvizError, UnreadableFileError
from mapviz.export import build_layers, csv_bytes, geojson_bytes, kml_bytes
from mapviz.limits import MAX_DISPLAY_CHARS
from mapviz.loaders import read_strikes
from mapviz.records import strike_tooltips
from mapviz.reference import parse_site, reference_strikes

APP = str(Path(__file__).parents[1] / "app.py")
DEFAULT_SITE_NAMES = ("Belgorod (city centre)", "Kursk (city centre)", "Voronezh (city centre)")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Case]]:
    folder = tmp_path_factory.mktemp("hostile")
    return folder, write_generated(folder)


def path_of(case: Case, folder: Path) -> Path:
    return DATA / case.name if (DATA / case.name).exists() else folder / case.name


def all_cases(folder: Path, generated_cases: list[Case]) -> list[tuple[Case, Path]]:
    return [(c, path_of(c, folder)) for c in [*STATIC_CASES, *generated_cases]]


def test_every_case_reads_as_expected(generated: tuple[Path, list[Case]]) -> None:
    folder, cases = generated
    for case, path in all_cases(folder, cases):
        if case.kept is None:
            with pytest.raises(MapvizError, match=case.message) as info:
                read_strikes(path)
            assert case.name in str(info.value)
            continue
        result = read_strikes(path)
        assert len(result.strikes) == case.kept, case.name
        if case.message:
            assert any(case.message in p.message for p in result.problems), case.name


def test_text_from_data_is_kept_exactly(generated: tuple[Path, list[Case]]) -> None:
    folder, _ = generated
    strikes = read_strikes(folder / "hostile_text.csv").strikes
    assert strikes["place"].tolist() == [HTML, IMAGE]
    assert strikes["target"].iloc[0] == FORMULA
    assert strikes["weapon"].tolist() == [EXPRESSION, "@@#GL.ONE"]
    assert strikes["id"].tolist() == ["h1", "@@type"]
    long_place = read_strikes(folder / "long_line.csv").strikes["place"].iloc[0]
    assert len(long_place) == TEN_MB  # nothing lost in the data


def test_property_keys_from_data_never_reach_the_strike_columns(
    generated: tuple[Path, list[Case]],
) -> None:
    folder, _ = generated
    strikes = read_strikes(folder / "hostile_keys.geojson").strikes
    assert "@@type" not in strikes.columns
    assert strikes["place"].iloc[0] == EXPRESSION


def test_exports_neutralise_formulas_and_markup(generated: tuple[Path, list[Case]]) -> None:
    folder, _ = generated
    layers = build_layers(read_strikes(folder / "hostile_text.csv").strikes, Params())
    table = pd.read_csv(io.BytesIO(csv_bytes(layers["strikes"])))
    assert table["target"].iloc[0] == "'" + FORMULA
    assert table["target"].iloc[1].startswith("'+cmd")
    assert table["casualties"].iloc[1] == "'-1+1"
    kml = kml_bytes(layers).decode()
    assert HTML not in kml
    assert IMAGE not in kml
    assert "&lt;script&gt;" in kml


def test_display_text_is_short_and_inert(generated: tuple[Path, list[Case]]) -> None:
    folder, _ = generated
    tooltips = strike_tooltips(read_strikes(folder / "long_line.csv").strikes)
    assert len(tooltips[0]) < 2 * MAX_DISPLAY_CHARS + 200
    hostile = strike_tooltips(read_strikes(folder / "hostile_text.csv").strikes)
    assert "Weapon: @\u200b@=constructor" in hostile[0]


def run_upload(path: Path) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.file_uploader[0].upload(path.name, path.read_bytes(), "application/octet-stream")
    at.run()
    return at


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


@pytest.mark.parametrize(
    "name",
    [
        "binary_junk.csv",
        "truncated.geojson",
        "bad_rows.csv",
        "hostile_text.csv",
        "wide.csv",
        "long_line.csv",
        "hostile_keys.geojson",
        "mixed_geometries.geojson",
        "all_inf.csv",
        "deep.geojson",
        "unterminated_quote.csv",
        "colliding_headers.csv",
        "far_future.csv",
        "nul_in_text.geojson",
    ],
)
def test_the_app_stays_usable_after_each_file(
    generated: tuple[Path, list[Case]], name: str
) -> None:
    folder, cases = generated
    case = next(c for c in [*STATIC_CASES, *cases] if c.name == name)
    at = run_upload(path_of(case, folder))
    assert not at.exception, [e.value for e in at.exception]
    args = map_args(at)
    assert args["rings"]["show"]
    assert args["range"]["max_km"] == 800
    # no text from data in the map's arguments starts with "@@" (deck.gl would evaluate it)
    ours = {"@@type", "@@="}
    for text in strings({**args, "spec": spec(at)}):
        assert not text.startswith("@@") or any(text.startswith(o) for o in ours), text
    captions = " ".join(c.value for c in at.caption)
    if case.kept is None:
        assert any("could not be read" in e.value for e in at.sidebar.error)
        assert "5 strike reports match" in captions  # the shipped reports stay
    else:
        assert f"{case.kept} strike reports match" in captions
    # the same page keeps working: a slider press still moves the rings
    assert map_args(press(at, 380, 900))["range"]["max_km"] == 900


# Hostile link parameters: (query, part of the note shown, slider values after)
HOSTILE_LINKS = [
    ({"min_km": "-50"}, "min_km=-50: not a number from 0 to 5000; ignored", (380, 800)),
    ({"max_km": "999999"}, "max_km=999999: not a number from 10 to 5000; ignored", (380, 800)),
    ({"max_km": "nan"}, "max_km=nan: not a number from 10 to 5000; ignored", (380, 800)),
    ({"foo": "bar"}, "unknown parameter foo=bar: ignored and removed", (380, 800)),
    (
        {"file": "/etc/passwd"},
        "unknown parameter file=/etc/passwd: ignored and removed",
        (380, 800),
    ),
    ({"custom": "x" * 5000}, "custom: longer than 4000 characters; ignored", (380, 800)),
    ({"max_km": "905"}, "max_km=905: not a multiple of 10; ignored", (380, 800)),
    ({"min_km": "300.0", "max_km": "1e3"}, "", (300, 1000)),  # whole numbers, any spelling
]


@pytest.mark.parametrize(("query", "note", "sliders"), HOSTILE_LINKS)
def test_hostile_link_parameters_are_ignored_with_a_note(
    query: dict[str, str], note: str, sliders: tuple[int, int]
) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if note:
        assert any("could not be used" in w.value for w in at.warning)
        assert any(note in t.value for t in at.text)
    else:
        assert not any("could not be used" in w.value for w in at.warning)
    range_ = map_args(at)["range"]
    assert (range_["min_km"], range_["max_km"]) == sliders


def test_an_over_long_link_value_is_not_used_in_part() -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["custom"] = "name=Long point,lat=50.3,lon=37.1\n" + "x" * 5000
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("custom: longer than 4000 characters; ignored" in t.value for t in at.text)
    names = [site["name"] for site in map_args(at)["rings"]["sites"]]
    assert names == list(DEFAULT_SITE_NAMES)  # nothing of it used
    assert at.sidebar.text_area(key="custom").value == ""  # nor shown


def test_min_above_max_in_a_link_draws_only_the_max_ring() -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["min_km"] = "900"
    at.query_params["max_km"] = "800"
    at.run()
    assert any("is not below max range" in w.value for w in at.warning)
    # the sliders show the link's values; the map draws what the counts count: the max ring
    assert map_args(at)["range"] == {"min_km": 900, "max_km": 800, "seq": 0}
    counts = at.table[0].value
    assert list(counts.columns)[1:3] == ["inside 0 km", "inside 800 km"]


def test_malformed_launch_points_in_a_link_are_reported() -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["custom"] = f"name={IMAGE},lat=abc,lon=1\nname=ok,lat=50,lon=36"
    at.run()
    assert any("Line 1 of your launch points was not used" in w.value for w in at.sidebar.warning)
    assert not at.exception


# --- the cases of the reliability issue -------------------------------------------------------


def test_a_bad_coordinate_names_its_own_field(generated: tuple[Path, list[Case]]) -> None:
    folder, _ = generated
    with pytest.raises(DataValidationError) as info:
        read_strikes(folder / "all_inf.csv")
    assert [(p.row, p.field) for p in info.value.problems] == [(1, "lat"), (2, "lat")]
    assert "lat=inf" in info.value.problems[0].message


def test_dates_out_of_range_and_with_time_zones_are_kept_as_written(
    generated: tuple[Path, list[Case]], tmp_path: Path
) -> None:
    folder, _ = generated
    result = read_strikes(folder / "far_future.csv")
    assert result.strikes["date"].isna().tolist() == [True, False]
    assert [(p.row, p.field, p.severity) for p in result.problems] == [(1, "date", "warning")]
    zoned = tmp_path / "zones.csv"
    zoned.write_text(
        "id,date,lat,lon\n"
        "a,2024-01-02T23:30:00+14:00,50,36.2\n"
        "b,2024-01-02T01:00:00-10:00,50,36.2\n"
        "c,2024-01-02 23:59,50,36.2\n"
    )
    dates = read_strikes(zoned).strikes["date"].dt.strftime("%Y-%m-%d").tolist()
    assert dates == ["2024-01-02", "2024-01-02", "2024-01-02"]  # the day in the report's zone


def test_text_is_decoded_line_by_line_and_nul_replaced(generated: tuple[Path, list[Case]]) -> None:
    folder, _ = generated
    assert read_strikes(folder / "mixed_encodings.csv").strikes["place"].tolist() == [
        "Харків",
        "Київ",
    ]
    assert read_strikes(folder / "utf16.csv").strikes["place"].tolist() == ["Kharkiv"]
    place = read_strikes(folder / "nul_in_text.geojson").strikes["place"].iloc[0]
    assert place == "Khar\ufffdkiv"


def test_colliding_headers_use_the_first_and_say_so(generated: tuple[Path, list[Case]]) -> None:
    folder, _ = generated
    result = read_strikes(folder / "colliding_headers.csv")
    assert result.strikes["place"].tolist() == ["x"]


def test_kml_takes_cdata_ends_and_control_characters(tmp_path: Path) -> None:
    strikes = read_strikes(DATA / "bad_rows.csv").strikes.head(1).copy()
    strikes["id"] = "id]]>x\x01"
    strikes["place"] = "a]]><b>x</b>\x07"
    site = parse_site("name=Site ]]> \x01,lat=50.6,lon=36.6")
    data = kml_bytes(build_layers(strikes, Params(sites=(site,))))
    path = tmp_path / "out.kml"
    path.write_bytes(data)
    read = pyogrio.read_dataframe(path, layer="strikes")
    assert read["Name"].iloc[0] == "id]] >x\ufffd"  # GDAL would break the file at "]]>"
    assert "a]]&gt;&lt;b&gt;" in read["description"].iloc[0]
    sites = pyogrio.read_dataframe(path, layer="launch_sites")
    assert sites["Name"].iloc[0] == "Site ]] > \ufffd"


def test_sites_with_non_latin_names_get_their_own_distance_columns() -> None:
    first = parse_site("name=Пункт Один,lat=50.6,lon=36.6")
    second = parse_site("name=Пункт Два,lat=51.7,lon=36.2")
    assert first.id != second.id
    measured = build_layers(
        read_strikes(DATA / "bad_rows.csv").strikes, Params(sites=(first, second))
    )
    columns = [c for c in measured["strikes"].columns if c.startswith("km_to_")]
    assert len(columns) == 2
    assert len(set(columns)) == 2


def test_a_ring_around_a_pole_near_the_antimeridian_exports_as_polygons() -> None:
    site = parse_site("name=Polar,lat=84,lon=179.9")
    rings = build_layers(reference_strikes(), Params(min_km=380, max_km=1500, sites=(site,)))
    document = json.loads(geojson_bytes(rings["rings"], layer="rings", metadata={}))
    for feature in document["features"]:
        geometry = shape(feature["geometry"])
        assert geometry.geom_type in {"Polygon", "MultiPolygon"}, feature["properties"]
        assert geometry.is_valid
        if feature["properties"]["kind"] == "max_ring":
            assert geometry.contains(Point(0.0, 89.999))


def test_upload_with_no_usable_row_is_said_above_the_map(
    generated: tuple[Path, list[Case]],
) -> None:
    folder, _ = generated
    at = run_upload(folder / "all_inf.csv")
    assert not at.exception, [e.value for e in at.exception]
    said = " ".join(e.value for e in at.error)
    assert "none of its 2 data rows can be used" in said
    assert "5 strike reports match" in " ".join(c.value for c in at.caption)  # shipped ones stay
    problems = next(d.value for d in at.dataframe if "problem" in d.value.columns)
    assert problems["field"].tolist() == ["lat", "lat"]


def test_range_and_duplicate_problems_are_capped_and_no_bad_row_is_kept(tmp_path: Path) -> None:
    rows = [f"d,2024-01-02,K,50,36.{i}" for i in range(1_500)]  # 1,499 repeats of id d
    rows += [f"o{i},2024-01-02,K,95,36.2" for i in range(1_500)]  # latitude out of range
    rows += [f"r{i},2024-01-02,K,50,36.2,extra" for i in range(1_500)]  # a field too many
    rows += ["good,2024-01-02,K,50,36.2"]
    path = tmp_path / "many_bad.csv"
    path.write_text("id,date,place,lat,lon\n" + "\n".join(rows) + "\n")
    result = read_strikes(path)
    assert result.strikes["id"].tolist() == ["d", "good"]
    by_field: dict[str, int] = {}
    for problem in result.problems:
        by_field[problem.field] = by_field.get(problem.field, 0) + 1
    assert by_field["id"] == 1_001  # 1,000 listed and one line saying how many more
    assert by_field["lat"] == 1_001
    ragged = [p for p in result.problems if p.message.startswith("expected 5 fields")]
    assert [p.row for p in ragged[:2]] == [3_001, 3_002]  # numbered as the file's data rows
    assert any("499 more rows with the same problem" in p.message for p in result.problems)


def test_column_mappings_that_name_one_column_twice_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("id,date,lat,lon,where\na,2024-01-02,50,36.2,x\n")
    cases = {
        "place": ({"place": "lat"}, "uses 'lat' (read as a coordinate) for place"),
        "both coordinates": ({"lat": "lon"}, "would be read as both longitude and latitude"),
        "two fields": ({"place": "where", "target": "where"}, "for both place and target"),
    }
    for mapping, message in cases.values():
        with pytest.raises(DataValidationError, match=re.escape(message)):
            read_strikes(path, mapping=mapping)
    assert read_strikes(path, mapping={"place": "where"}).strikes["place"].tolist() == ["x"]


def test_a_geopackage_is_read_from_its_layer_of_points(tmp_path: Path) -> None:
    path = tmp_path / "two.gpkg"
    pyogrio.write_dataframe(pd.DataFrame({"note": ["a table without geometry"]}), path,
                            layer="notes", driver="GPKG")  # fmt: skip
    points = gpd.GeoDataFrame(
        {"id": ["s1", "s2"]}, geometry=[Point(36.2, 50), Point(36.3, 50)], crs=4326
    )
    pyogrio.write_dataframe(points, path, layer="strikes", driver="GPKG", append=True)
    areas = gpd.GeoDataFrame({"id": ["z"]}, geometry=[Point(30, 50).buffer(1)], crs=4326)
    pyogrio.write_dataframe(areas, path, layer="areas", driver="GPKG", append=True)
    result = read_strikes(path)
    assert result.strikes["id"].tolist() == ["s1", "s2"]
    note = next(p.message for p in result.problems if p.row is None)
    assert note.startswith("read layer 'strikes'; not read: ")
    assert "'notes'" in note
    assert "'areas'" in note


def test_projected_points_outside_their_projection_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "utm.geojson"
    points = [Point(500_000, 5_540_000), Point(5_000_000, 5_540_000), Point(5e7, 9e7)]
    gpd.GeoDataFrame({"id": ["in", "far", "absurd"]}, geometry=points, crs=32636).to_file(path)
    result = read_strikes(path)
    assert result.strikes["id"].tolist() == ["in"]
    assert result.strikes.geometry.x.iloc[0] == pytest.approx(33.0, abs=0.01)  # zone 36N: 33E
    refused = [p for p in result.problems if p.row in {2, 3}]
    assert [p.row for p in refused] == [2, 3]
    assert all("is outside the area WGS 84 / UTM zone 36N is defined for" in p.message
               for p in refused)  # fmt: skip


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ({"primary_column": "nope"}, "KeyError"),
        ({"crs": "not a crs"}, "CRSError"),
        ({"wkb": b"\x01\x02\x03"}, "GEOSException"),
    ],
)
def test_broken_geoparquet_gets_a_message(
    tmp_path: Path, metadata: dict[str, Any], message: str
) -> None:
    column: dict[str, Any] = {"encoding": "WKB", "geometry_types": ["Point"]}
    if "crs" in metadata:
        column["crs"] = metadata["crs"]
    geo = {
        "version": "1.0.0",
        "primary_column": metadata.get("primary_column", "geometry"),
        "columns": {"geometry": column},
    }
    table = pa.table({"id": ["a"], "geometry": [metadata.get("wkb", Point(36, 50).wkb)]})
    path = tmp_path / "broken.parquet"
    pq.write_table(table.replace_schema_metadata({b"geo": json.dumps(geo).encode()}), path)
    with pytest.raises(UnreadableFileError, match=f"broken.parquet: cannot be read \\({message}"):
        read_strikes(path)


def test_limits_are_named_when_a_file_goes_over_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wide = tmp_path / "too_wide.csv"
    wide.write_text("id,lat,lon," + ",".join(f"c{i}" for i in range(2_000)) + "\na,50,36\n")
    with pytest.raises(UnreadableFileError, match="2,003 fields, over the limit of 2,000 columns"):
        read_strikes(wide)
    monkeypatch.setattr(loaders, "MAX_ROWS", 3)
    long = tmp_path / "too_long.csv"
    long.write_text("id,lat,lon\n" + "".join(f"r{i},50,36\n" for i in range(4)))
    with pytest.raises(UnreadableFileError, match="4 lines after the header, over the limit of 3"):
        read_strikes(long)
    features = [
        {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "Point", "coordinates": [36, 50]},
        }
    ] * 4
    many = tmp_path / "too_many.geojson"
    many.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with pytest.raises(UnreadableFileError, match="4 features, over the limit of 3 rows"):
        read_strikes(many)


def test_a_self_intersecting_polygon_over_the_vertex_budget_is_refused_by_row(
    tmp_path: Path,
) -> None:
    """Repairing such a polygon took minutes and gigabytes; now its row is refused at once."""
    rng = np.random.default_rng(7)
    zigzag = [[36 + float(x), 50 + float(y)] for x, y in rng.uniform(0, 1, (12_000, 2))]
    small_bowtie = [[36, 50], [37, 51], [37, 50], [36, 51], [36, 50]]
    features = [
        {"type": "Feature", "properties": {"id": "huge"},
         "geometry": {"type": "Polygon", "coordinates": [[*zigzag, zigzag[0]]]}},
        {"type": "Feature", "properties": {"id": "bowtie"},
         "geometry": {"type": "Polygon", "coordinates": [small_bowtie]}},
    ]  # fmt: skip
    path = tmp_path / "polygons.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    result = read_strikes(path)
    assert result.strikes["id"].tolist() == ["bowtie"]  # small enough to repair
    (refused,) = [p for p in result.problems if p.row == 1]
    assert refused.message == (
        "a Polygon of 12,001 vertices: over the limit of 10,000 for finding a point inside it; "
        "not used"
    )

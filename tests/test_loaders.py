"""Loaders: every format, every validation rule, and the corpus of bad files in tests/data/."""

from __future__ import annotations

import io
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from mapviz.errors import DataValidationError, MapvizError, Problem, UnreadableFileError
from mapviz.loaders import read_strikes
from mapviz.model import STRIKE_COLUMNS
from mapviz.synthetic import synthetic_strikes

DATA = Path(__file__).parent / "data"


class NamedBytes(io.BytesIO):
    """An upload-like object: bytes with a file name, as Streamlit's UploadedFile has."""

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


def problems_by_row(problems: list[Problem]) -> dict[int | None, list[Problem]]:
    out: dict[int | None, list[Problem]] = {}
    for p in problems:
        out.setdefault(p.row, []).append(p)
    return out


# Valid inputs: (file, expected kept rows, expected first place, expected warning substring)
VALID_FILES = [
    ("good.csv", 2, "Kharkiv", None),  # plain UTF-8, comma
    ("bom_semicolon.csv", 1, "Kharkiv", None),  # BOM, `;`, decimal commas, dd.mm.yyyy date
    ("cp1251.csv", 1, "Харків", "read as cp1251"),  # Windows-1251 Cyrillic
    ("cp1252.csv", 1, "Zürich café", "read as cp1252"),  # Windows-1252 Western
    ("acled_synthetic.csv", 2, "SYNTHETIC place", "ACLED export"),  # ACLED layout
]


@pytest.mark.parametrize(("name", "kept", "place", "warning"), VALID_FILES)
def test_valid_files_load(name: str, kept: int, place: str, warning: str | None) -> None:
    result = read_strikes(DATA / name)
    assert len(result.strikes) == kept
    assert result.strikes["place"].iloc[0] == place
    assert result.strikes.crs.to_epsg() == 4326
    assert list(result.strikes.columns) == [*STRIKE_COLUMNS, "geometry"]
    errors = [p for p in result.problems if p.severity == "error"]
    assert errors == []
    if warning:
        assert any(warning in p.message for p in result.problems)


def test_bom_semicolon_file_reads_decimal_commas_and_dotted_dates() -> None:
    strike = read_strikes(DATA / "bom_semicolon.csv").strikes.iloc[0]
    assert strike.geometry.x == pytest.approx(36.25272)
    assert strike.geometry.y == pytest.approx(49.98081)
    assert strike["date"] == pd.Timestamp("2024-01-02")


def test_acled_precision_codes_map_to_mapviz_fields() -> None:
    strikes = read_strikes(DATA / "acled_synthetic.csv").strikes
    assert strikes["id"].tolist() == ["SYN1", "SYN2"]
    assert strikes["location_precision"].tolist() == ["city", "oblast"]
    assert strikes["date_precision"].tolist() == ["day", "month"]
    assert strikes["date"].tolist() == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-02-15")]
    assert strikes["casualties"].iloc[0] == "2 fatalities (ACLED)"


# Invalid rows in bad_rows.csv: row -> (field, message part, kept?)
BAD_ROWS = {
    2: ("lat", "missing coordinate", False),
    3: ("lat", "not a number: 'abc'", False),
    4: ("lat", "latitude 95.0 is outside [-90, 90] (latitude and longitude look swapped)", False),
    6: ("date", "unparseable date 'not-a-date'; kept without a date", True),
    7: ("id", "duplicate id 'a1' (first used in row 1)", False),
    8: ("lon", "longitude 200.0 is outside [-180, 180]", False),
    9: ("lat", "coordinates must be finite, got NaN", False),
    10: ("lon", "coordinates must be finite", False),
    12: ("lat", "latitude 120.0 is outside [-90, 90] (latitude and longitude look swapped)", False),
}


def test_bad_rows_are_each_reported_and_good_rows_kept() -> None:
    result = read_strikes(DATA / "bad_rows.csv")
    by_row = problems_by_row(result.problems)
    for row, (field, message, kept) in BAD_ROWS.items():
        assert any(p.field == field and message in p.message for p in by_row[row]), (row, by_row)
        assert all(p.severity == ("warning" if kept else "error") for p in by_row[row])
    assert result.rejected_rows == [2, 3, 4, 7, 8, 9, 10, 12]
    assert result.strikes["id"].tolist() == ["a1", "a5", "a6", "a11"]
    assert result.strikes["source_row"].tolist() == [1, 5, 6, 11]
    # nothing is lost: every data row is either kept or rejected with a reason
    assert len(result.strikes) + len(result.rejected_rows) == 12


def test_nan_text_is_a_non_finite_coordinate_not_a_non_number() -> None:
    result = read_strikes(DATA / "bad_rows.csv")
    assert "not a number" not in " ".join(p.message for p in result.problems if p.row == 9)


def test_ragged_rows_are_reported_by_row_and_the_rest_kept() -> None:
    result = read_strikes(DATA / "ragged.csv")
    assert result.strikes["id"].tolist() == ["r1", "r3"]
    assert [(p.row, p.message) for p in result.problems] == [(2, "expected 5 fields, found 6")]
    assert result.strikes["source_row"].tolist() == [1, 3]


# Whole files that cannot be read: (file, exception, message part)
UNREADABLE = [
    ("empty.csv", UnreadableFileError, "the file is empty"),
    ("header_only.csv", UnreadableFileError, "has a header but no data rows"),
    ("binary_junk.csv", UnreadableFileError, "not a text CSV file"),
    ("truncated.geojson", UnreadableFileError, "not valid GeoJSON"),
    ("not_geojson.geojson", UnreadableFileError, "must be a FeatureCollection or a Feature"),
    ("fake.gpkg", UnreadableFileError, "not a GeoPackage"),
    ("fake.parquet", UnreadableFileError, "not a Parquet file"),
    ("no_coordinates.csv", DataValidationError, "no longitude column"),
]


@pytest.mark.parametrize(("name", "error", "message"), UNREADABLE)
def test_unreadable_files_raise_a_clear_error(
    name: str, error: type[MapvizError], message: str
) -> None:
    with pytest.raises(error, match=message) as info:
        read_strikes(DATA / name)
    assert name in str(info.value)


def test_unsupported_extension_is_refused() -> None:
    with pytest.raises(UnreadableFileError, match=r"unsupported file type \.xlsx"):
        read_strikes(NamedBytes(b"PK\x03\x04", "strikes.xlsx"))


def test_geojson_geometries_null_polygon_and_nested_collection() -> None:
    result = read_strikes(DATA / "mixed_geometries.geojson")
    assert result.strikes["id"].tolist() == ["p1", "p3", "p4"]
    by_row = problems_by_row(result.problems)
    assert by_row[2] == [Problem(2, "geometry", "no geometry (null or empty)")]
    assert by_row[3][0].severity == "warning"
    assert "Polygon: a point inside it is used" in by_row[3][0].message
    assert "GeometryCollection" in by_row[4][0].message
    assert result.strikes.geometry.iloc[2].x == pytest.approx(36.1)
    # text from data is kept as text, exactly
    assert result.strikes["place"].iloc[2] == "<img src=x onerror=alert(1)>"


def test_mapping_names_columns_explicitly() -> None:
    data = b"key,when,where,north,east\nm1,2024-01-02,Kharkiv,49.98,36.25\n"
    mapping = {"id": "key", "date": "when", "place": "where", "lat": "north", "lon": "east"}
    result = read_strikes(NamedBytes(data, "mapped.csv"), mapping=mapping)
    strike = result.strikes.iloc[0]
    assert (strike["id"], strike["place"]) == ("m1", "Kharkiv")
    assert (strike.geometry.x, strike.geometry.y) == (36.25, 49.98)


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"latitude_field": "north"}, "unknown fields"),  # not a mapviz field
        ({"lat": "nope", "lon": "east"}, "no latitude column"),  # column absent
        ({"lat": "north", "lon": "east", "place": "nowhere"}, "not in the file"),  # absent
    ],
)
def test_bad_mappings_are_refused(mapping: dict[str, str], message: str) -> None:
    data = b"key,north,east\nm1,49.98,36.25\n"
    with pytest.raises(DataValidationError, match=message):
        read_strikes(NamedBytes(data, "mapped.csv"), mapping=mapping)


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "parquet"])
def test_geodata_formats_round_trip(tmp_path: Path, fmt: str) -> None:
    strikes = synthetic_strikes(50, seed=3)
    path = tmp_path / f"strikes.{fmt}"
    if fmt == "parquet":
        strikes.to_parquet(path)
    else:
        strikes.to_file(path, engine="pyogrio")
    result = read_strikes(path)
    assert [p for p in result.problems if p.severity == "error"] == []
    assert result.strikes["id"].tolist() == strikes["id"].tolist()
    assert result.strikes.geometry.x.to_numpy() == pytest.approx(strikes.geometry.x.to_numpy())
    assert result.strikes["synthetic"].all()


def test_projected_input_is_reprojected_to_wgs84(tmp_path: Path) -> None:
    strikes = gpd.GeoDataFrame(
        {"id": ["u1"], "date": ["2024-01-02"]},
        geometry=gpd.points_from_xy([36.25272], [49.98081]),
        crs="EPSG:4326",
    ).to_crs("EPSG:32637")  # UTM zone 37N
    path = tmp_path / "utm.gpkg"
    strikes.to_file(path, engine="pyogrio")
    result = read_strikes(path)
    assert result.strikes.geometry.iloc[0].x == pytest.approx(36.25272, abs=1e-7)
    assert any("reprojected" in p.message for p in result.problems)


def test_plain_parquet_with_coordinate_columns(tmp_path: Path) -> None:
    path = tmp_path / "plain.parquet"
    pd.DataFrame({"id": ["q1"], "latitude": [49.98], "longitude": [36.25]}).to_parquet(path)
    assert read_strikes(path).strikes["id"].tolist() == ["q1"]


def test_sources_become_json_lists() -> None:
    data = b"id,lat,lon,sources\ns1,49.9,36.2,https://example.org/a; Some Paper\n"
    strike = read_strikes(NamedBytes(data, "s.csv")).strikes.iloc[0]
    assert json.loads(strike["sources"]) == [
        {"publisher": None, "url": "https://example.org/a", "date": None},
        {"publisher": "Some Paper", "url": None, "date": None},
    ]


def test_missing_ids_are_assigned_and_said() -> None:
    result = read_strikes(NamedBytes(b"lat,lon\n49.9,36.2\n", "noid.csv"))
    assert result.strikes["id"].tolist() == ["row-1"]
    assert any("ids assigned as row-N" in p.message for p in result.problems)


def test_unknown_vocabulary_is_read_as_unknown_with_a_warning() -> None:
    data = b"id,lat,lon,attribution,location_precision\nv1,49.9,36.2,rumour,street\n"
    result = read_strikes(NamedBytes(data, "v.csv"))
    strike = result.strikes.iloc[0]
    assert (strike["attribution"], strike["location_precision"]) == ("unknown", "unknown")
    assert {p.field for p in result.problems} == {"attribution", "location_precision"}

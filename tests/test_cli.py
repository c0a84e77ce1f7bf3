"""Command line: python -m mapviz export writes the dashboard's files; bad input exits 2."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mapviz.__main__ import main
from mapviz.errors import ParameterError
from mapviz.reference import parse_site

DATA = Path(__file__).parent / "data"


def test_export_writes_every_format(tmp_path: Path) -> None:
    assert main(["export", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cities_in_range.geojson",
        "deployments.geojson",
        "launch_sites.geojson",
        "mapviz.gpkg",
        "mapviz.kml",
        "mapviz_layers.zip",
        "rings.geojson",
        "strikes.csv",
        "strikes.geojson",
    ]


def test_sites_and_ranges_from_arguments(tmp_path: Path) -> None:
    code = main(
        [
            "export",
            "--out",
            str(tmp_path),
            "--min-km",
            "100",
            "--max-km",
            "500",
            "--site",
            "name=Test point,lat=50.5,lon=37.0,uncertainty_km=20",
            "--format",
            "geojson",
        ]
    )
    assert code == 0
    rings = json.loads((tmp_path / "rings.geojson").read_text())
    kinds = {
        (f["properties"]["site"], f["properties"]["kind"], f["properties"]["radius_km"])
        for f in rings["features"]
    }
    assert kinds == {
        ("Test point", "min_ring", 100),
        ("Test point", "max_ring", 500),
        ("Test point", "band", 500),
        ("Test point", "reach_from_some", 520),
        ("Test point", "reach_from_all", 480),
    }
    assert rings["metadata"]["parameters"]["sites"][0]["uncertainty_km"] == 20


def test_own_strikes_file_with_row_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "export",
            "--out",
            str(tmp_path),
            "--strikes",
            str(DATA / "bad_rows.csv"),
            "--format",
            "geojson",
        ]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert "bad_rows.csv: row 4, lat: latitude 95.0 is outside [-90, 90]" in err
    strikes = json.loads((tmp_path / "strikes.geojson").read_text())
    assert len(strikes["features"]) == 4
    assert any(i["file"] == "bad_rows.csv" for i in strikes["metadata"]["inputs"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--strikes", str(DATA / "binary_junk.csv")], "not a text CSV file"),  # bad file
        (["--strikes", str(DATA / "missing.csv")], "No such file"),  # absent file
        (["--min-km", "900", "--max-km", "800"], "ranges must satisfy"),  # min above max
        (["--site", "name=X,lat=95,lon=10"], "need lat in [-90, 90]"),  # impossible site
        (["--site", "lat=50"], "needs name, lat and lon"),  # incomplete site
    ],
)
def test_bad_input_exits_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["export", "--out", str(tmp_path), *args]) == 2
    assert message in capsys.readouterr().err


def test_unknown_format_is_an_argument_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as info:
        main(["export", "--out", str(tmp_path), "--format", "shp"])
    assert info.value.code == 2


def test_help_documents_export() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mapviz", "export", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for option in ("--out", "--min-km", "--max-km", "--site", "--strikes", "--format"):
        assert option in result.stdout


@pytest.mark.parametrize(
    "text",
    [
        "name=A,lat=abc,lon=1",  # not a number
        "name=A,lat=1,lon=1,colour=red",  # unknown key
        "name=A;lat=1;lon=1",  # wrong separator
    ],
)
def test_parse_site_rejects(text: str) -> None:
    with pytest.raises(ParameterError):
        parse_site(text)


def test_launch_region_is_written_when_asked(tmp_path: Path) -> None:
    assert main(["export", "--out", str(tmp_path), "--launch-region", "--format", "geojson"]) == 0
    region = json.loads((tmp_path / "launch_region.geojson").read_text())
    rows = {f["properties"]["kind"]: f for f in region["features"]}
    assert set(rows) == {"reach_all", "reach_any"}
    every = rows["reach_all"]["properties"]
    assert (every["min_km"], every["max_km"], every["strikes"]) == (380, 800, 5)
    assert 0 < every["area_km2"] < rows["reach_any"]["properties"]["area_km2"]
    assert rows["reach_all"]["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert "GeoNames" in region["metadata"]["cities_in_range"]["source"]
    with zipfile.ZipFile(tmp_path / "mapviz_layers.zip") as archive:
        assert "launch_region.geojson" in archive.namelist()
        assert "cities_in_range.geojson" in archive.namelist()


def test_empty_launch_region_is_a_null_geometry(tmp_path: Path) -> None:
    strikes = tmp_path / "far.csv"
    strikes.write_text(
        "id,date,lat,lon,place\na,2024-01-01,49.99,36.23,Kharkiv\nb,2024-01-02,35.69,139.69,Tokyo\n"
    )
    out = tmp_path / "out"
    code = main(
        ["export", "--out", str(out), "--strikes", str(strikes), "--launch-region",
         "--format", "geojson"]
    )  # fmt: skip
    assert code == 0
    region = json.loads((out / "launch_region.geojson").read_text())
    every = next(f for f in region["features"] if f["properties"]["kind"] == "reach_all")
    assert every["geometry"] is None
    assert every["properties"]["area_km2"] == 0
    assert every["properties"]["summary"] == "No point is within 380-800 km of all 2 strikes."


def test_launch_region_from_one_strike_and_over_the_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    strikes = tmp_path / "none.csv"
    strikes.write_text("id,date,lat,lon,place\na,2024-01-01,49.99,36.23,Kharkiv\n")
    code = main(
        ["export", "--out", str(tmp_path / "out"), "--strikes", str(strikes), "--launch-region",
         "--site", "name=X,lat=50,lon=36", "--min-km", "0", "--max-km", "100"]
    )  # fmt: skip
    assert code == 0  # one strike is enough
    far = tmp_path / "many.csv"
    rows = "\n".join(f"s{i},2024-01-01,{40 + i * 0.001:.3f},30,p" for i in range(2_001))
    far.write_text("id,date,lat,lon,place\n" + rows + "\n")
    code = main(["export", "--out", str(tmp_path / "o2"), "--strikes", str(far), "--launch-region"])
    assert code == 2
    assert "at most 2,000 distinct strike positions" in capsys.readouterr().err


def test_a_file_with_no_usable_row_exits_2_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    strikes = tmp_path / "all_bad.csv"
    strikes.write_text("id,date,lat,lon\na,2024-01-02,inf,36.2\nb,2024-01-02,91,36.3\n")
    code = main(["export", "--out", str(tmp_path / "out"), "--strikes", str(strikes)])
    assert code == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "error: all_bad.csv: none of its 2 data rows can be used"
    assert "- row 1, lat: coordinates must be finite" in err[1]
    assert err[2].startswith("- row 2, lat:")
    assert not (tmp_path / "out").exists()  # nothing written that looks like a result

"""Hostile and broken inputs, with the outcome each must have.

Small files live in tests/data/; large ones (1,000 columns, a 10 MB line, an upload over the cap)
are generated here, into a folder the test gives, so the repository stays small.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"
HTML = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://example.invalid","click")'
EXPRESSION = "@@=constructor"
TEN_MB = 10 * 2**20


@dataclass(frozen=True)
class Case:
    """A hostile input and what reading it must give.

    Attributes
    ----------
    name : str
        File name (its extension picks the reader).
    message : str
        Part of the message the user must see ("" when the file reads cleanly).
    kept : int or None
        Rows kept; None when the file as a whole is refused.
    """

    name: str
    message: str
    kept: int | None


STATIC_CASES = [
    Case("empty.csv", "the file is empty", None),
    Case("header_only.csv", "has a header but no data rows", None),
    Case("binary_junk.csv", "not a text CSV file", None),
    Case("truncated.geojson", "not valid GeoJSON", None),
    Case("not_geojson.geojson", "must be a FeatureCollection or a Feature", None),
    Case("fake.gpkg", "not a GeoPackage", None),
    Case("mixed_geometries.geojson", "no geometry (null or empty)", 3),
    Case("bad_rows.csv", "latitude and longitude look swapped", 4),
    Case("cp1251.csv", "read as cp1251", 1),
]


def write_generated(folder: Path) -> list[Case]:
    """Write the large and hostile-text files into `folder`; return their cases."""
    folder.mkdir(parents=True, exist_ok=True)
    columns = [f"extra_{i}" for i in range(996)]
    header = ",".join(["id", "date", "lat", "lon", *columns])
    rows = [",".join([f"w{n}", "2024-01-02", "49.98", "36.25", *(["x"] * 996)]) for n in (1, 2)]
    (folder / "wide.csv").write_text("\n".join([header, *rows]) + "\n")

    (folder / "long_line.csv").write_text(
        "id,date,place,lat,lon\nl1,2024-01-02," + "A" * TEN_MB + ",49.98,36.25\n"
    )

    hostile = [
        ("h1", HTML, FORMULA, EXPRESSION, IMAGE),
        ("@@type", IMAGE, "+cmd|' /C calc'!A0", "@@#GL.ONE", "-1+1"),
    ]
    lines = ["id,date,place,target,weapon,casualties,lat,lon"]
    lines += [
        f'{i},2024-01-02,"{p}","{t.replace(chr(34), 2 * chr(34))}",{w},"{c}",49.98,36.25'
        for i, p, t, w, c in hostile
    ]
    (folder / "hostile_text.csv").write_text("\n".join(lines) + "\n")

    feature = {
        "type": "Feature",
        "properties": {"@@type": "ScatterplotLayer", "id": "k1", "place": EXPRESSION},
        "geometry": {"type": "Point", "coordinates": [36.25, 49.98]},
    }
    (folder / "hostile_keys.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]})
    )
    return [
        Case("wide.csv", "", 2),
        Case("long_line.csv", "", 1),
        Case("hostile_text.csv", "", 2),
        Case("hostile_keys.geojson", "", 1),
    ]


def write_over_upload_cap(folder: Path, cap_mb: int) -> Path:
    """Write a well-formed CSV just over the upload cap (Streamlit counts MB as 2**20 bytes)."""
    path = folder / "over_cap.csv"
    row = "o,2024-01-02,Kharkiv,49.98,36.25\n"
    with path.open("w") as out:
        out.write("id,date,place,lat,lon\n")
        out.write(row * (cap_mb * 2**20 // len(row) + 1000))
    return path

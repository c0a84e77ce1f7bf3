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
        *write_reported_cases(folder),
        Case("wide.csv", "", 2),
        Case("long_line.csv", "", 1),
        Case("hostile_text.csv", "", 2),
        Case("hostile_keys.geojson", "", 1),
    ]


def write_reported_cases(folder: Path) -> list[Case]:
    """Write the inputs a hostile-input probe found mishandled (the reliability issue), and more.

    Each case is a message the person must see and the rows kept (None: the file is refused).
    """
    header = "id,date,place,lat,lon\n"
    files: dict[str, str | bytes] = {
        # every latitude infinite: no row can be used, and the field named is lat
        "all_inf.csv": header + "a,2024-01-02,K,inf,36.2\nb,2024-01-02,K,inf,36.3\n",
        # "9999-12-31" is a common "unknown": kept without a date, with a note
        "far_future.csv": header + "a,9999-12-31,K,50,36.2\nb,2024-01-02,K,50.1,36.3\n",
        # a header row of names that collide once trimmed and case-folded
        "colliding_headers.csv": "id,date,Place, place ,lat,lon\na,2024-01-02,x,y,50,36.2\n",
        # ACLED-like columns without a longitude
        "acled_no_longitude.csv": (
            "event_id_cnty,event_date,geo_precision,latitude,time_precision\nU1,2024-01-02,1,50,1\n"
        ),
        # JSON nested deeper than any GeoJSON needs
        "deep.geojson": (
            '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"x":'
            + "[" * 5000
            + "]" * 5000
            + '},"geometry":{"type":"Point","coordinates":[36,50]}}]}'
        ),
        # NaN and Infinity coordinates: each listed, not dropped silently
        "non_finite_points.geojson": json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"id": i},
                        "geometry": {"type": "Point", "coordinates": c},
                    }
                    for i, c in (
                        ("a", [float("nan"), 50]),
                        ("b", [36, float("inf")]),
                        ("c", [36, 50]),
                    )
                ],
            }
        ),
        # UTF-16 with its byte-order mark is text, not binary
        "utf16.csv": (header + "a,2024-01-02,Kharkiv,50,36.2\n").encode("utf-16"),
        # an opening quote never closed swallows the rest of the file: say where it opened
        "unterminated_quote.csv": header
        + 'a,2024-01-02,"Kharkiv,50,36.2\nb,2024-01-03,Kyiv,50.4,30.5\n',
        # UTF-8 and Windows-1251 lines in one file: each line decoded as what it is
        "mixed_encodings.csv": (header + "a,2024-01-02,Харків,50,36.2\n").encode()
        + "b,2024-01-03,Київ,50.4,30.5\n".encode("cp1251"),
        # a NUL character in text would cut it in GeoPackage and KML
        "nul_in_text.geojson": json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"id": "n1", "place": "Khar\u0000kiv"},
                        "geometry": {"type": "Point", "coordinates": [36.2, 50]},
                    }
                ],
            }
        ),
    }
    for name, content in files.items():
        target = folder / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return [
        Case("all_inf.csv", "none of its 2 data rows can be used", None),
        Case("far_future.csv", "9999-12-31 is outside the dates mapviz can hold", 2),
        Case("colliding_headers.csv", "columns 'Place' and ' place ' both name 'place'", 1),
        Case("acled_no_longitude.csv", "no longitude column", None),
        Case("deep.geojson", "nested deeper than", None),
        Case("non_finite_points.geojson", "coordinates must be finite, got lon=nan", 1),
        Case("utf16.csv", "", 1),
        Case("unterminated_quote.csv", "a quote opened on line 2 is never closed", None),
        Case("mixed_encodings.csv", "not UTF-8 on line 3; read as cp1251", 2),
        Case("nul_in_text.geojson", "NUL character", 1),
    ]


def write_over_upload_cap(folder: Path, cap_mb: int) -> Path:
    """Write a well-formed CSV just over the upload cap (Streamlit counts MB as 2**20 bytes)."""
    path = folder / "over_cap.csv"
    row = "o,2024-01-02,Kharkiv,49.98,36.25\n"
    with path.open("w") as out:
        out.write("id,date,place,lat,lon\n")
        out.write(row * (cap_mb * 2**20 // len(row) + 1000))
    return path

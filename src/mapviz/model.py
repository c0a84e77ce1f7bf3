"""The strike-report data model: canonical columns, vocabularies and their drawing conventions."""

from __future__ import annotations

from typing import Final

LOCATION_RADIUS_KM: Final[dict[str, float | None]] = {
    "exact": 0.1,
    "district": 5.0,
    "city": 15.0,
    "oblast": 100.0,
    "unknown": None,
}
"""Radius in km of the uncertainty circle drawn for each location precision class.

A drawing convention, not a measurement: the sources give a place name at some level, and the
circle says how far from the representative point the event may have been.
"""

ATTRIBUTIONS: Final = (
    "confirmed by independent analysis",
    "official statement",
    "preliminary",
    "changed",
    "unknown",
)
"""How firm the weapon attribution is, strongest first. "changed": first reported as another
weapon, later attributed as stated."""

DATE_PRECISIONS: Final = ("day", "week", "month", "unknown")

TEXT_FIELDS: Final = (
    "time_local",
    "place",
    "admin1",
    "admin2",
    "location_note",
    "target",
    "casualties",
    "weapon",
    "attribution_note",
)
"""Free-text columns, always shown as text, never as HTML."""

STRIKE_COLUMNS: Final = (
    "id",
    "date",
    "date_precision",
    "time_local",
    "place",
    "admin1",
    "admin2",
    "location_precision",
    "location_radius_km",
    "location_note",
    "target",
    "casualties",
    "weapon",
    "attribution",
    "attribution_note",
    "sources",
    "synthetic",
    "source_row",
)
"""Columns of every strike GeoDataFrame, besides `geometry` (points, EPSG:4326).

`date` is a pandas datetime (NaT when unknown); `sources` is JSON text of a list of
{"publisher", "url", "date"} objects; `synthetic` marks generated test data; `source_row` is the
1-based row (or feature) number in the file the strike came from.
"""

CRS: Final = "EPSG:4326"

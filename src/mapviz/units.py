"""Physical constants and unit conversions, each with its unit in its name."""

from typing import Final

M_PER_KM: Final = 1000.0
"""Metres per kilometre."""

DEFAULT_RING_TOLERANCE_M: Final = 50.0
"""Default worst distance, in metres, between a ring's drawn boundary and the true circle."""

MIN_RING_RADIUS_KM: Final = 0.001
"""Smallest ring radius accepted, in kilometres (1 m)."""

MAX_RING_RADIUS_KM: Final = 10_000.0
"""Largest ring radius accepted, in kilometres: below a quarter of a meridian, so one ring
never encloses both poles."""

FULL_TURN_DEG: Final = 360.0
HALF_TURN_DEG: Final = 180.0
POLE_LAT_DEG: Final = 90.0

ELLIPSOID: Final = "WGS84"
"""Ellipsoid of every geodesic computation (EPSG:4326 datum)."""

GEODESIC_METHOD: Final = "Karney (2013) via PROJ geodesic (pyproj.Geod)"
"""How distances and ring vertices are computed; written into every export's provenance."""

RING_VERTEX_METHOD: Final = (
    "trigonometric interpolation through 13 or 25 exact geodesic points per ring, error below "
    "1 cm; rings reaching beyond 80 degrees of latitude computed vertex by vertex"
)
"""How ring vertices are placed on the geodesic circle; written into every export's provenance."""

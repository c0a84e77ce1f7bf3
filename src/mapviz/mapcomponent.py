"""The map's component (frontend/, built into map_component/): its arguments and its value. UI-free.

The map is a Streamlit component rather than pydeck's chart, so that a range slider press is
drawn in the browser without a round trip to the server (docs/BENCHMARKS.md): the component
holds the two range sliders and computes the rings, bands, reach envelopes and ring labels
itself (frontend/src/rings.js computes them as `mapviz.geodesy` does); every other layer comes
as pydeck's JSON spec (`mapviz.deck.deck`), in a static file the map fetches and deck.gl's
JSONConverter converts once per change. deck.gl draws both.

The sliders' range is the page's state: the page sets it (from the link, or a published
preset) and says so with a new `Range.seq`; the component reports presses as its value, and
`pressed_range` takes a press only if it was made on the range the page last set.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from mapviz.records import inert
from mapviz.reference import LaunchSite
from mapviz.style import (
    BAND_FILL,
    DASH_ARRAY,
    DISPLAY_DECIMALS,
    ENVELOPE_WIDTH_PX,
    MAX_RING_COLOUR,
    MIN_RING_COLOUR,
    RING_LABELS,
    RING_WIDTH_PX,
    SEA,
)

MAP_COMPONENT_DIR: Final = Path(__file__).parent / "map_component"
"""The built component (index.html, bundle.js): `make frontend` rebuilds it from frontend/."""


@dataclass(frozen=True)
class RangeSliders:
    """The range sliders' settings, in km."""

    min_low: int = 0
    max_low: int = 10
    high: int = 5000
    step: int = 10
    default_min: int = 380
    default_max: int = 800
    min_help: str = "0: no minimum ring"


SLIDERS: Final = RangeSliders()


@dataclass(frozen=True)
class Range:
    """The sliders' range as the page holds it; `seq` counts the times the page has set it."""

    min_km: int = SLIDERS.default_min
    max_km: int = SLIDERS.default_max
    seq: int = 0

    def drawn(self) -> tuple[float, float]:
        """Return (min, max) km to draw and count: min 0 (no min ring) unless below max."""
        return (float(self.min_km) if self.min_km < self.max_km else 0.0), float(self.max_km)


def in_slider_range(key: str, value: object) -> int | None:
    """Return `value` as km if the `key` slider ("min_km"/"max_km") takes it, else None.

    A slider takes whole multiples of its step within its range.
    """
    low = SLIDERS.min_low if key == "min_km" else SLIDERS.max_low
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    if value != int(value) or not low <= value <= SLIDERS.high or value % SLIDERS.step:
        return None
    return int(value)


def pressed_range(value: object, current: Range) -> Range | None:
    """Return the range the map's sliders report in `value`, if it is news to the page.

    A press counts when it was made on the range the page last set (`seq` equal) and the range
    differs from `current`; a value made before the page last set the range (a preset chosen
    since), or one that is not a pair of slider values, is ignored.
    """
    if not isinstance(value, dict) or value.get("seq") != current.seq:
        return None
    min_km = in_slider_range("min_km", value.get("min_km"))
    max_km = in_slider_range("max_km", value.get("max_km"))
    if min_km is None or max_km is None or (min_km, max_km) == (current.min_km, current.max_km):
        return None
    return Range(min_km, max_km, current.seq)


def ring_style() -> dict[str, Any]:
    """Return the rings' colours, widths, label kinds and dashes, from `mapviz.style`."""
    return {
        "band_fill": list(BAND_FILL),
        "min_colour": list(MIN_RING_COLOUR),
        "max_colour": list(MAX_RING_COLOUR),
        "ring_width_px": RING_WIDTH_PX,
        "envelope_width_px": ENVELOPE_WIDTH_PX,
        "labels": {key: kind.style() for key, kind in RING_LABELS.items()},
        "dash_array": list(DASH_ARRAY),
        "decimals": DISPLAY_DECIMALS,
    }


def ring_spec(
    sites: Iterable[LaunchSite], *, tolerance_m: float, show: bool, envelopes: bool
) -> dict[str, Any]:
    """Return what the map needs to draw the rings of any range: centres, tolerance, style.

    Site names are `inert` (shortened; shown as text).
    """
    return {
        "sites": [
            {
                "name": inert(s.name),
                "lon": s.point.lon,
                "lat": s.point.lat,
                "uncertainty_km": s.uncertainty_km,
            }
            for s in sites
        ],
        "tolerance_m": tolerance_m,
        "show": show,
        "envelopes": envelopes,
        "style": ring_style(),
    }


def map_args(
    spec_url: str, *, view_key: str, rings: dict[str, Any], range_: Range, height_px: int
) -> dict[str, Any]:
    """Return the map's arguments: the URL of the static layers' deck spec, the rings, the range.

    The spec goes as a file (`spec_url`, named by its content), so a rerun that leaves it as it
    was sends the same few bytes and the map fetches and converts it only when it changes.
    """
    return {
        "background": list(SEA),
        "spec_url": spec_url,
        "view_key": view_key,
        "rings": rings,
        "range": {"min_km": range_.min_km, "max_km": range_.max_km, "seq": range_.seq},
        "slider": asdict(SLIDERS),  # every field, by the names frontend/src/index.js reads
        "height": height_px,
    }

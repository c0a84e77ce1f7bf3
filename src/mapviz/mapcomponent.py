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

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final, TypedDict

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
    LabelStyle,
)
from mapviz.urlstate import MAX_KM, MIN_KM

MAP_COMPONENT_DIR: Final = Path(__file__).parent / "map_component"
"""The built component (index.html, bundle.js): `make frontend` rebuilds it from frontend/."""


@dataclass(frozen=True)
class RangeSliders:
    """The range sliders' settings, in km, as the map reads them (from the link's table)."""

    min_low: int = MIN_KM.low
    max_low: int = MAX_KM.low
    high: int = MAX_KM.high
    step: int = MAX_KM.step
    default_min: int = MIN_KM.default
    default_max: int = MAX_KM.default
    min_help: str = "0: no minimum ring"


SLIDERS: Final = RangeSliders()


@dataclass(frozen=True)
class Range:
    """The sliders' range as the page holds it; `seq` counts the times the page has set it."""

    min_km: int = SLIDERS.default_min
    max_km: int = SLIDERS.default_max
    seq: int = 0

    def drawn(self) -> tuple[float, float]:
        """Return the range to draw and count.

        Returns
        -------
        tuple of two float
            (min, max) km: min 0 (no min ring) unless it is below max.
        """
        return (float(self.min_km) if self.min_km < self.max_km else 0.0), float(self.max_km)


def pressed_range(value: object, current: Range) -> Range | None:
    """Return the range the map's sliders report in `value`, if it is news to the page.

    A press counts when it was made on the range the page last set (`seq` equal) and the range
    differs from `current`; a value made before the page last set the range (a preset chosen
    since), or one that is not a pair of slider values, is ignored.

    Parameters
    ----------
    value : object
        The map component's value: {"min_km", "max_km", "seq"} from the browser, or anything.
    current : Range
        The range the page holds.

    Returns
    -------
    Range or None
        The pressed range (with `current.seq`), or None when there is no news in `value`.
    """
    if not isinstance(value, dict) or value.get("seq") != current.seq:
        return None
    min_km, max_km = MIN_KM.takes(value.get("min_km")), MAX_KM.takes(value.get("max_km"))
    if min_km is None or max_km is None or (min_km, max_km) == (current.min_km, current.max_km):
        return None
    return Range(int(min_km), int(max_km), current.seq)


@dataclass(frozen=True)
class RingStyle:
    """How the browser draws the rings: colours, widths, label kinds, dashes, decimals.

    Taken from `mapviz.style`; sent as its fields (`asdict`), by the names
    frontend/src/ringdata.js and index.js read.
    """

    band_fill: tuple[int, ...] = BAND_FILL
    min_colour: tuple[int, ...] = MIN_RING_COLOUR
    max_colour: tuple[int, ...] = MAX_RING_COLOUR
    ring_width_px: float = RING_WIDTH_PX
    envelope_width_px: float = ENVELOPE_WIDTH_PX
    labels: Mapping[str, LabelStyle] = field(
        default_factory=lambda: {key: kind.style() for key, kind in RING_LABELS.items()}
    )
    dash_array: tuple[int, ...] = DASH_ARRAY
    decimals: int = DISPLAY_DECIMALS


class RingSite(TypedDict):
    """A launch point as the browser draws its rings (the name `inert`)."""

    name: str
    lon: float
    lat: float
    uncertainty_km: float


class RingSpec(TypedDict):
    """What the browser needs to draw the rings of any range (frontend/src/ringdata.js)."""

    sites: list[RingSite]
    tolerance_m: float
    show: bool
    envelopes: bool
    style: dict[str, Any]
    """`RingStyle`'s fields (`asdict`): the dataclass says what is inside."""


def ring_spec(
    sites: Iterable[LaunchSite], *, tolerance_m: float, show: bool, envelopes: bool
) -> RingSpec:
    """Return what the map needs to draw the rings of any range: centres, tolerance, style.

    Parameters
    ----------
    sites : iterable of LaunchSite
        The launch points; their names are `inert` (shortened; shown as text).
    tolerance_m : float
        The rings' boundary tolerance, in metres.
    show : bool
        Whether the rings and the band between them are drawn.
    envelopes : bool
        Whether the launch areas' reach envelopes are drawn.

    Returns
    -------
    RingSpec
        The sites, the tolerance, the two switches and the `RingStyle`'s fields.
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
        "style": _as_json(asdict(RingStyle())),
    }


@dataclass(frozen=True)
class MapSettings:
    """The map's settings that do not change while the server runs, sent as one object."""

    background: tuple[int, ...] = SEA
    """The sea: the map's background colour (the basemap draws land over it)."""
    height: int = 620
    """The map's height, in CSS pixels."""
    slider: RangeSliders = SLIDERS


MAP_SETTINGS: Final = MapSettings()


class MapArgs(TypedDict):
    """The map component's arguments (what frontend/src/index.js reads)."""

    spec_url: str
    view_key: str
    rings: RingSpec
    range: dict[str, int]
    settings: dict[str, Any]
    """`MAP_SETTINGS`' fields (`asdict`): `MapSettings` says what is inside."""


def map_args(spec_url: str, *, view_key: str, rings: RingSpec, range_: Range) -> MapArgs:
    """Return the map's arguments: the static layers' spec file, the rings, range and settings.

    Parameters
    ----------
    spec_url : str
        The URL of the deck spec of the layers that do not follow the sliders. It goes as a
        file (named by its content), so a rerun that leaves it as it was sends the same few
        bytes, and the map fetches and converts it only when it changes.
    view_key : str
        The view's key (the map moves to the spec's view when it changes).
    rings : RingSpec
        The rings the map draws for its sliders' range (`ring_spec`).
    range_ : Range
        The range the page holds; the map takes it when its `seq` is new.

    Returns
    -------
    MapArgs
        The arguments, JSON-serialisable; `settings` is `MAP_SETTINGS`'s fields.
    """
    return {
        "spec_url": spec_url,
        "view_key": view_key,
        "rings": rings,
        "range": {"min_km": range_.min_km, "max_km": range_.max_km, "seq": range_.seq},
        "settings": _as_json(asdict(MAP_SETTINGS)),
    }


def _as_json(value: Any) -> Any:
    """Return `value` as the browser gets it: tuples as lists, in dicts and lists."""
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_json(item) for item in value]
    return value

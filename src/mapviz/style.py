"""The map's look: palette, basemap layers, sizes, label kinds and priorities, view presets.

One home for how things are drawn; the browser gets the ring settings from here too
(`mapviz.mapcomponent.ring_style`). UI-free, no data: `mapviz.records` makes the records the
layers draw, `mapviz.deck` the layers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, TypedDict

from mapviz.model import ATTRIBUTIONS

# Okabe-Ito colour-blind-safe palette (RGB)
BLUE: Final = (0, 114, 178)
SKY: Final = (86, 180, 233)
GREEN: Final = (0, 158, 115)
ORANGE: Final = (230, 159, 0)
VERMILLION: Final = (213, 94, 0)
PURPLE: Final = (204, 121, 167)
YELLOW: Final = (240, 228, 66)
GREY: Final = (110, 110, 110)
BLACK: Final = (0, 0, 0)
WHITE: Final = (255, 255, 255)

ATTRIBUTION_COLOURS: Final[dict[str, tuple[int, int, int]]] = dict(
    zip(ATTRIBUTIONS, (BLUE, GREEN, ORANGE, VERMILLION, GREY), strict=True)
)
MIN_RING_COLOUR: Final = BLUE
MAX_RING_COLOUR: Final = VERMILLION
BAND_FILL: Final = (*SKY, 45)
HYPOTHETICAL_COLOUR: Final = PURPLE
HYPOTHETICAL_TEXT_COLOUR: Final = (120, 40, 100)
UNCERTAINTY_RGBA: Final = (*BLACK, 160)
STRIKE_RIM: Final = (20, 20, 20)
PRECISION_FILL: Final = (120, 120, 120, 40)
REGION_LINE: Final = (140, 125, 0)
REGION_STYLE: Final = {
    # kind: (fill RGBA, outline RGBA); reach_any is drawn first, reach_all over it
    "reach_any": ((*YELLOW, 40), (*REGION_LINE, 150)),
    "reach_all": ((*YELLOW, 120), (*REGION_LINE, 255)),
}
REGION_WIDTH_PX: Final = 2.0
PLACE_NAME_RGBA: Final = (80, 80, 80, 255)

# The offline basemap (Natural Earth vectors)
SEA: Final = (214, 230, 240)
LAND: Final = (236, 234, 226)
BORDER: Final = (120, 120, 120)
OBLAST: Final = (175, 175, 175)
BORDER_WIDTH_PX: Final = 1.0
OBLAST_WIDTH_PX: Final = 0.75


@dataclass(frozen=True)
class BasemapLayer:
    """One layer of the vector basemap: a Natural Earth file and how it is drawn."""

    layer_id: str
    file_name: str
    fill: tuple[int, ...] | None
    line: tuple[int, ...] | None = None
    line_width_px: float = 0.0


BASEMAP: Final = (
    BasemapLayer("basemap-land", "ne_land.geojson", fill=LAND),
    BasemapLayer("basemap-lakes", "ne_lakes.geojson", fill=SEA),
    BasemapLayer("basemap-oblasts", "ne_admin1_theatre.geojson", None, OBLAST, OBLAST_WIDTH_PX),
    BasemapLayer("basemap-borders", "ne_admin0_boundaries.geojson", None, BORDER, BORDER_WIDTH_PX),
)
"""Drawn in this order, under everything else; the sea is the map's background colour."""

# Sizes, in screen pixels
RING_WIDTH_PX: Final = 2.5
ENVELOPE_WIDTH_PX: Final = 1.5
UNCERTAINTY_WIDTH_PX: Final = 1.0
HYPOTHETICAL_WIDTH_PX: Final = 2.0
SITE_DOT_PX: Final = 6
STRIKE_DOT_PX: Final = 5
LABEL_SIZE_PX: Final = 13
PLACE_NAME_SIZE_PX: Final = 12
LABEL_FONT: Final = "Helvetica, Arial, sans-serif"
DASH_ARRAY: Final = (6, 4)
"""Dashes of dashed lines (uncertainty circles, reach envelopes, hypothetical outlines): dash
and gap in multiples of the line's width (deck.gl's PathStyleExtension)."""
DISPLAY_DECIMALS: Final = 5
"""Coordinates sent to the browser are rounded to 1e-5 degree (about 1 m)."""
LABEL_NEIGHBOUR_DEG: Final = 3.0
"""HYPOTHETICAL labels of places closer than this (in longitude and latitude) share one anchor,
stacked below one another."""

LABEL_GROUP: Final = "labels"
"""Every text layer's collision group: deck.gl hides the lower-priority of two labels that would
overlap, at every zoom."""
PRIORITY_HYPOTHETICAL: Final = 1000
PRIORITY_LAUNCH_POINT: Final = 900
PRIORITY_RING: Final = 800
PRIORITY_COUNTRY_MAX: Final = 600
PRIORITY_CITY_PER_DECADE: Final = 50
"""Label priorities (deck.gl's range is -1000..1000): HYPOTHETICAL and launch points first, then
the ring radii; then countries (the largest at PRIORITY_COUNTRY_MAX, one less per rank) and
cities (PRIORITY_CITY_PER_DECADE per tenfold population: 100,000 people 250, 10 million 350),
so that large countries and large cities show first."""


@dataclass(frozen=True)
class ViewPreset:
    """A named map view (centre in degrees, deck.gl zoom level)."""

    label: str
    lon: float
    lat: float
    zoom: float


VIEW_PRESETS: Final = {
    "kharkiv": ViewPreset("Kharkiv", 36.8, 50.4, 5.4),
    "ukraine": ViewPreset("Ukraine theatre", 34.0, 49.5, 4.2),
    "indo-pacific": ViewPreset("Indo-Pacific", 128.0, 12.0, 2.6),
    "world": ViewPreset("Whole world", 60.0, 30.0, 0.6),
}
MIN_ZOOM: Final = 0
MAX_ZOOM: Final = 14


# --- labels ------------------------------------------------------------------------------------


class LabelStyle(TypedDict):
    """A label's look in its record (short keys: a map has thousands of labels)."""

    c: list[int]
    """colour, RGB(A)"""
    s: float
    """size, in screen pixels"""
    a: str
    """deck.gl's text anchor"""
    b: str
    """deck.gl's alignment baseline"""
    o: list[float]
    """offset from the point, in screen pixels"""
    pr: int
    """priority in the collision filter"""


@dataclass(frozen=True)
class LabelKind:
    """How a kind of label is drawn at its point: size, colour, priority, anchor and offset.

    Sizes and offsets are screen pixels; `anchor` and `baseline` are deck.gl's text anchor
    ("start", "middle", "end") and alignment baseline ("top", "center", "bottom").
    """

    size_px: float
    colour: tuple[int, ...]
    priority: int
    anchor: str = "middle"
    baseline: str = "center"
    offset_px: tuple[float, float] = (0.0, 0.0)

    def style(self) -> LabelStyle:
        """Return the fields of its records: colour, size, anchor, baseline, offset, priority.

        Returns
        -------
        LabelStyle
            The fields every record of this kind of label carries.
        """
        return {
            "c": list(self.colour),
            "s": self.size_px,
            "a": self.anchor,
            "b": self.baseline,
            "o": list(self.offset_px),
            "pr": self.priority,
        }

    def padding_px(self) -> tuple[float, float, float, float]:
        """Return the padding that reaches over the label's point.

        Returns
        -------
        tuple of four float
            [left, top, right, bottom], in screen pixels.
        """
        x, y = self.offset_px
        reach, side, above = COLLISION_REACH_PX, COLLISION_MARGIN_PX, COLLISION_MARGIN_Y_PX
        return (
            max(side, x + reach) if self.anchor == "start" else side,
            max(above, y + reach) if self.baseline == "top" else above,
            max(side, reach - x) if self.anchor == "end" else side,
            max(above, reach - y) if self.baseline == "bottom" else above,
        )


COLLISION_REACH_PX: Final = 6.0
COLLISION_MARGIN_PX: Final = 6.0
COLLISION_MARGIN_Y_PX: Final = 16.0
COLLISION_SCALE: Final = 2.5
"""Labels are this many times their size in the collision map: deck.gl tests a label at its
point only, and hides it where a label of higher priority covers that point. At 2.5 times its
size (and `COLLISION_MARGIN_PX` beside it, `COLLISION_MARGIN_Y_PX` above and below), a label
covers the point of any label it would overlap unless that one is over 1.5 times as wide; the
browser tests check three zooms of two views for overlaps (tests/test_browser.py)."""

COUNTRY_LABEL: Final = LabelKind(PLACE_NAME_SIZE_PX, PLACE_NAME_RGBA, PRIORITY_COUNTRY_MAX)
CITY_LABEL: Final = LabelKind(
    PLACE_NAME_SIZE_PX, PLACE_NAME_RGBA, 0, baseline="bottom", offset_px=(0.0, -3.0)
)
"""Above the city's centre, so that the name does not cover the strikes there."""
SITE_LABEL: Final = LabelKind(
    LABEL_SIZE_PX, BLACK, PRIORITY_LAUNCH_POINT, baseline="top", offset_px=(0.0, 9.0)
)
"""Below the launch point's dot."""
HYPOTHETICAL_LABEL: Final = LabelKind(
    LABEL_SIZE_PX, HYPOTHETICAL_TEXT_COLOUR, PRIORITY_HYPOTHETICAL
)
RING_LABELS: Final = {
    "max": LabelKind(
        LABEL_SIZE_PX, MAX_RING_COLOUR, PRIORITY_RING, baseline="bottom", offset_px=(0.0, -3.0)
    ),
    "min": LabelKind(
        LABEL_SIZE_PX, MIN_RING_COLOUR, PRIORITY_RING, baseline="bottom", offset_px=(0.0, -3.0)
    ),
}
"""Above the northernmost point of a ring (made in the browser, which follows the sliders)."""
LABEL_KINDS: Final = (
    COUNTRY_LABEL,
    CITY_LABEL,
    SITE_LABEL,
    HYPOTHETICAL_LABEL,
    *RING_LABELS.values(),
)


def label_padding_px() -> list[float]:
    """Return the labels' padding in the collision map: every kind's reaches over its point.

    deck.gl's collision filter shows a label where the collision map, around its point, is the
    label itself (the map is drawn at half resolution and sampled 5 x 5 around the point). A
    label drawn beside its point gets an invisible background that reaches past the point, which
    keeps other labels off the point (a launch point's dot, a city) as well as off its text;
    every label keeps at least `COLLISION_MARGIN_PX` of space beside it and
    `COLLISION_MARGIN_Y_PX` above and below it.

    Returns
    -------
    list of float
        [left, top, right, bottom], in screen pixels: the largest of `LABEL_KINDS`' paddings.
    """
    return [max(kind.padding_px()[side] for kind in LABEL_KINDS) for side in range(4)]

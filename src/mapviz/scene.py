"""The map's scene: which layers it draws, in what order, and the rings it draws. UI-free.

`scene` is the one place that decides what the map shows for a page's parameters: the layers
over the sea, bottom first, the labels' contents, the rings the browser draws for any range of
the sliders, and the view. It is pure (no files, no Streamlit): the page then publishes each
layer's data file (ui/caches.py) and `mapviz.deck.scene_deck` turns the scene and those files'
URLs into the deck spec the map converts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from mapviz.mapcomponent import RingSpec, ring_spec
from mapviz.reference import LaunchSite
from mapviz.style import VIEW_PRESETS, ViewPreset

LayerName = Literal["basemap", "deployments", "region", "strikes", "uncertainty", "sites", "labels"]
DRAWING_ORDER: Final[tuple[LayerName, ...]] = (
    "basemap",
    "deployments",
    "region",
    "strikes",
    "uncertainty",
    "sites",
    "labels",
)
"""Bottom first: the basemap, the hypothetical areas, the launch region, the strikes, the launch
areas' uncertainty circles and points, and every label on top (deck.gl's collision filter
compares the labels of one layer, so they are one). The rings are drawn over the strikes by the
map itself (`mapviz.mapcomponent`)."""


@dataclass(frozen=True)
class Toggles:
    """Which layers the person shows (the sidebar's "Layers" boxes)."""

    strikes: bool = True
    rings: bool = True
    envelopes: bool = False
    sites: bool = True
    deployments: bool = True
    region: bool = False


@dataclass(frozen=True)
class LabelSet:
    """What the labels layer names besides places: launch points, hypothetical areas."""

    sites: bool
    areas: bool


@dataclass(frozen=True)
class Scene:
    """What the map draws.

    Attributes
    ----------
    layers : tuple of LayerName
        The layers drawn from files, bottom first (a subset of `DRAWING_ORDER`).
    labels : LabelSet
        What the labels layer holds.
    rings : RingSpec
        The launch points' rings as the browser draws them for any range.
    view : ViewPreset
        The initial view.
    strike_count : int
        How many strikes the strikes layer draws (0 when it is not drawn).
    sites : tuple of LaunchSite
        The launch points (their dots, circles and labels are drawn from them).
    tolerance_m : float
        The circles' boundary tolerance, in metres.
    """

    layers: tuple[LayerName, ...]
    labels: LabelSet
    rings: RingSpec
    view: ViewPreset
    strike_count: int
    sites: tuple[LaunchSite, ...]
    tolerance_m: float


def scene(
    *,
    strike_count: int,
    sites: Sequence[LaunchSite],
    toggles: Toggles,
    view_key: str,
    tolerance_m: float,
    region: bool = False,
) -> Scene:
    """Return the map's scene for a page's parameters.

    Parameters
    ----------
    strike_count : int
        How many strikes pass the filters.
    sites : sequence of LaunchSite
        The launch points (chosen and the person's own).
    toggles : Toggles
        The layers the person shows.
    view_key : str
        A key of `mapviz.style.VIEW_PRESETS`.
    tolerance_m : float
        The rings' and circles' boundary tolerance, in metres.
    region : bool
        Whether a launch region is available for the strikes and the range (it is drawn only
        if `toggles.region` shows it too).

    Returns
    -------
    Scene
        The layers drawn from files, bottom first; the labels; the rings; the view.
    """
    drawn = {
        "basemap": True,
        "deployments": toggles.deployments,
        "region": toggles.region and region,
        "strikes": toggles.strikes and strike_count > 0,
        "uncertainty": toggles.sites and any(s.uncertainty_km > 0 for s in sites),
        "sites": toggles.sites and bool(sites),
        "labels": True,
    }
    layers = tuple(name for name in DRAWING_ORDER if drawn[name])
    return Scene(
        layers=layers,
        labels=LabelSet(sites=toggles.sites, areas=toggles.deployments),
        rings=ring_spec(
            sites, tolerance_m=tolerance_m, show=toggles.rings, envelopes=toggles.envelopes
        ),
        view=VIEW_PRESETS[view_key],
        strike_count=strike_count if "strikes" in layers else 0,
        sites=tuple(sites),
        tolerance_m=tolerance_m,
    )

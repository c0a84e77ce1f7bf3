"""Filters, per-strike distances, range flags and ring counts."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mapviz.analysis import (
    Filters,
    Params,
    filter_strikes,
    measure,
    range_flags,
    ring_counts,
    site_column,
    site_distances_km,
    sorted_distances,
)
from mapviz.errors import ParameterError
from mapviz.geodesy import distances_km
from mapviz.reference import launch_sites, reference_strikes

SITES = tuple(s for s in launch_sites() if s.default_selected)


@pytest.mark.parametrize(
    ("filters", "ids"),
    [
        (Filters(), 5),  # no restriction
        (Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)), 3),  # 2024 only
        (Filters(attributions=("changed",)), 1),  # first reported as S-300
        (Filters(weapons=("KN-23",)), 1),  # exact weapon text
        (Filters(date_from=date(2030, 1, 1)), 0),  # nothing that late
    ],
)
def test_filters(filters: Filters, ids: int) -> None:
    assert len(filter_strikes(reference_strikes(), filters)) == ids


def test_undated_strikes_pass_date_filters() -> None:
    strikes = reference_strikes()
    strikes.loc[0, "date"] = pd.NaT
    kept = filter_strikes(strikes, Filters(date_from=date(2025, 1, 1)))
    assert kept["id"].tolist() == [
        "ua-2023-12-30-zaporizhzhia-oblast",
        "ua-2025-04-24-kyiv-sviatoshynskyi",
    ]


def test_measure_adds_distances_nearest_and_flags() -> None:
    strikes = reference_strikes()
    measured = measure(strikes, SITES, 380.0, 800.0)
    expected = distances_km(
        strikes.geometry.x,
        strikes.geometry.y,
        [s.point.lon for s in SITES],
        [s.point.lat for s in SITES],
    )
    for j, site in enumerate(SITES):
        assert np.allclose(measured[site_column(site)], expected[:, j])
    assert np.allclose(measured["nearest_km"], expected.min(axis=1))
    kyiv = measured.set_index("id").loc["ua-2025-04-24-kyiv-sviatoshynskyi"]
    # Kyiv is 380-800 km from the Russian candidate points: in the band, inside max, not min
    assert (kyiv["within_min"], kyiv["within_max"], kyiv["in_band"]) == (False, True, True)
    assert measured["id"].tolist() == strikes["id"].tolist()  # input order kept, input untouched
    assert "nearest_km" not in strikes


def test_ring_counts_per_site() -> None:
    matrix = site_distances_km(reference_strikes(), SITES)
    counts = ring_counts(sorted_distances(matrix), SITES, 380.0, 800.0)
    counts = counts.set_index("site")
    belgorod = counts.loc["Belgorod (city centre)"]
    assert belgorod["inside 380 km"] == 3  # two in Kharkiv, one in Zaporizhzhia oblast
    assert belgorod["inside 800 km"] == 5
    assert belgorod["in band"] == 2


@given(
    matrix=arrays(
        np.float64,
        st.tuples(st.integers(0, 40), st.just(len(SITES))),
        # multiples of 10 km like the sliders, so strikes fall exactly on a ring; NaN: no distance
        elements=st.one_of(st.integers(0, 60).map(lambda k: k * 10.0), st.just(np.nan)),
    ),
    min_km=st.integers(0, 60).map(lambda k: k * 10.0),
    max_km=st.integers(1, 60).map(lambda k: k * 10.0),
)
def test_ring_counts_match_the_per_strike_flags(
    matrix: np.ndarray, min_km: float, max_km: float
) -> None:
    # equal radii would give both count columns one name; the app never asks for them (it
    # drops the min ring when min >= max)
    assume(min_km != max_km)
    counts = ring_counts(sorted_distances(matrix), SITES, min_km, max_km)
    inside_min, inside_max = range_flags(matrix, min_km, max_km)
    assert counts[f"inside {min_km:g} km"].tolist() == inside_min.sum(axis=0).tolist()
    assert counts[f"inside {max_km:g} km"].tolist() == inside_max.sum(axis=0).tolist()
    assert counts["in band"].tolist() == (inside_max & ~inside_min).sum(axis=0).tolist()


def test_no_sites_gives_empty_measures() -> None:
    measured = measure(reference_strikes(), (), 380.0, 800.0)
    assert measured["nearest_km"].isna().all()
    assert not measured["in_band"].any()


@pytest.mark.parametrize(
    ("min_km", "max_km"),
    [(800.0, 380.0), (-1.0, 800.0), (0.0, 20_000.0), (500.0, 500.0)],  # inverted, <0, huge, equal
)
def test_params_reject_impossible_ranges(min_km: float, max_km: float) -> None:
    with pytest.raises(ParameterError):
        Params(min_km=min_km, max_km=max_km)

"""The link's table of parameters (mapviz.urlstate): its bounds, defaults and checks."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from mapviz.mapcomponent import SLIDERS
from mapviz.urlstate import (
    MAX_KM,
    MIN_KM,
    UNCERTAINTY_KM,
    check_link,
    link_km,
    range_in_link,
)

APP = str(Path(__file__).parents[1] / "app.py")


def test_a_link_of_known_good_values_has_no_notes() -> None:
    checked = check_link(
        {"min_km": ["0"], "max_km": ["1e3"], "unc": ["7"], "sites": ["a", "b"], "tab": ["Map"]}
    )
    assert checked.notes == ()
    assert checked.removed == ()


def test_each_kind_of_bad_value_gets_its_note() -> None:
    checked = check_link(
        {
            "max_km": ["905", "inf"],
            "unc": ["301"],
            "<b>x</b>": ["1"],
            "custom": ["y" * 4001],
            "view": ["v" * 4000],
        }
    )
    assert checked.notes == (
        "max_km=905: not a multiple of 10; ignored",
        "max_km=inf: not a number from 10 to 5000; ignored",
        "unc=301: not a number from 0 to 300; ignored",
        "unknown parameter <b>x</b>=1: ignored and removed",
        "custom: longer than 4000 characters; ignored",
    )
    assert checked.removed == ("<b>x</b>", "custom")


def test_a_note_quotes_a_long_value_in_part() -> None:
    (note,) = check_link({"min_km": ["9" * 500]}).notes
    assert note == f"min_km={'9' * 40}: not a number from 0 to 5000; ignored"


def test_the_range_from_and_to_a_link() -> None:
    assert link_km({}, MIN_KM) == 380
    assert link_km({"max_km": "1000.0"}, MAX_KM) == 1000
    assert link_km({"max_km": "1005"}, MAX_KM) == 800  # off the steps: the default
    assert link_km({"min_km": "abc"}, MIN_KM) == 380
    assert range_in_link(380, 800) == {}  # defaults stay out of the link
    assert range_in_link(0, 800) == {"min_km": "0"}
    assert range_in_link(380, 1200) == {"max_km": "1200"}


def test_the_table_sets_the_map_sliders_and_the_sidebar_slider() -> None:
    assert (SLIDERS.min_low, SLIDERS.max_low, SLIDERS.high, SLIDERS.step) == (
        MIN_KM.low,
        MAX_KM.low,
        MAX_KM.high,
        MAX_KM.step,
    )
    assert (SLIDERS.default_min, SLIDERS.default_max) == (MIN_KM.default, MAX_KM.default)
    at = AppTest.from_file(APP, default_timeout=120).run()
    slider = at.sidebar.slider(key=UNCERTAINTY_KM.name)
    assert (slider.min, slider.max, slider.value, slider.step) == (0, 300, 50, 5)

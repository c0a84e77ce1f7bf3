"""The map component's arguments and value (mapviz.mapcomponent), without a browser."""

from __future__ import annotations

import json
import math

import pytest

from mapviz.geodesy import LonLat
from mapviz.mapcomponent import SLIDERS, Range, map_args, pressed_range, ring_spec
from mapviz.reference import LaunchSite
from mapviz.style import PRIORITY_RING, SEA
from mapviz.urlstate import URL_PARAMETERS, NumberParameter


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("min_km", 0, 0),
        ("max_km", 0, None),  # the max slider starts at one step
        ("max_km", 10, 10),
        ("max_km", 5000.0, 5000),
        ("max_km", 5010, None),
        ("max_km", 905, None),  # off the 10 km steps
        ("max_km", 800.5, None),
        ("min_km", -10, None),
        ("max_km", math.inf, None),
        ("max_km", math.nan, None),
        ("max_km", True, None),
        ("max_km", "800", None),
        ("max_km", None, None),
    ],
)
def test_slider_values(key: str, value: object, expected: int | None) -> None:
    parameter = URL_PARAMETERS[key]
    assert isinstance(parameter, NumberParameter)
    assert parameter.takes(value) == expected


def test_a_press_is_taken_only_on_the_range_the_page_last_set() -> None:
    current = Range(380, 800, seq=2)
    assert pressed_range({"min_km": 380, "max_km": 810, "seq": 2}, current) == Range(380, 810, 2)
    assert pressed_range({"min_km": 380, "max_km": 810, "seq": 1}, current) is None  # stale
    assert pressed_range({"min_km": 380, "max_km": 800, "seq": 2}, current) is None  # no news
    assert pressed_range({"min_km": 380, "max_km": 805, "seq": 2}, current) is None
    assert pressed_range([380, 810], current) is None
    assert pressed_range(None, current) is None


def test_min_not_below_max_draws_the_max_disk_only() -> None:
    assert Range(900, 800).drawn() == (0.0, 800.0)
    assert Range(800, 800).drawn() == (0.0, 800.0)
    assert Range(0, 800).drawn() == (0.0, 800.0)
    assert Range(380, 800).drawn() == (380.0, 800.0)


def test_the_arguments_are_json_with_inert_names() -> None:
    site = LaunchSite("x", "@@=constructor", LonLat(36.5, 50.6), 25.0)
    rings = ring_spec((site,), tolerance_m=50.0, show=True, envelopes=False)
    args = map_args(
        "component/app.mapviz_files/spec-0.json",
        view_key="kharkiv",
        rings=rings,
        range_=Range(seq=3),
    )
    assert json.loads(json.dumps(args)) == args  # what Streamlit sends is plain JSON
    (sent,) = args["rings"]["sites"]
    assert sent == {
        "name": "@\u200b@=constructor",
        "lon": 36.5,
        "lat": 50.6,
        "uncertainty_km": 25.0,
    }
    assert args["range"] == {"min_km": 380, "max_km": 800, "seq": 3}
    settings = args["settings"]
    assert settings["height"] == 620
    assert settings["slider"] == {
        "min_low": 0,
        "max_low": 10,
        "high": SLIDERS.high,
        "step": 10,
        "default_min": 380,
        "default_max": 800,
        "min_help": "0: no minimum ring",
    }  # the names the map reads
    labels = args["rings"]["style"]["labels"]
    assert labels["max"]["pr"] == labels["min"]["pr"] == PRIORITY_RING  # one collision group
    assert settings["background"] == list(SEA)

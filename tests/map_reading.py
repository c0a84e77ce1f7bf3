"""Reading the map in tests: the arguments the page sends its map (AppTest), presses, lines."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, cast

from streamlit.testing.v1 import AppTest


def map_args(at: AppTest) -> dict[str, Any]:
    """The arguments the page sent to its one map (mapviz.mapcomponent.map_args)."""
    maps = at.get("component_instance")
    assert len(maps) == 1
    assert maps[0].proto.component_name.endswith("mapviz_map")
    return cast("dict[str, Any]", json.loads(maps[0].proto.json_args))


LAYER_URL = re.compile(r"component/[\w.]+\.mapviz_files/((?:s-[\w-]+/)?[\w.-]+)")
"""A layer file's URL: the layer cache served as a component's files (ui.caches.LAYER_FILES)."""


def served_file(url: str) -> Path:
    """The file behind a layer's URL (component/APP.mapviz_files/[FOLDER/]NAME)."""
    found = LAYER_URL.fullmatch(url)
    assert found, url
    return Path(__file__).parents[1] / "static" / "cache" / found[1]


def spec(at: AppTest) -> dict[str, Any]:
    """The deck spec of the map's layers that do not follow the sliders (a static file)."""
    return cast("dict[str, Any]", json.loads(served_file(map_args(at)["spec_url"]).read_text()))


def press(at: AppTest, min_km: int, max_km: int) -> AppTest:
    """Move the map's range sliders as the browser reports it: the component's value."""
    seq = map_args(at)["range"]["seq"]
    at.session_state["map"] = {"min_km": min_km, "max_km": max_km, "seq": seq}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chains(segments: list[list[float]]) -> list[list[list[float]]]:
    """Lines from segments [lon0, lat0, lon1, lat1], each starting where the last ended."""
    found: list[list[list[float]]] = []
    for segment in segments:
        if not found or found[-1][-1] != segment[:2]:
            found.append([segment[:2]])
        found[-1].append(segment[2:])
    return found

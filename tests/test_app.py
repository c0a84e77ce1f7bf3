"""The dashboard through Streamlit's AppTest: every control path, read back from the deck spec."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import pytest
from geographiclib.geodesic import Geodesic
from PIL import Image
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).parents[1]
APP = str(ROOT / "app.py")
DATA = Path(__file__).parent / "data"
SITES = {  # PLACES.md points of the default candidates
    "Belgorod (city centre)": (36.58015, 50.61074),
    "Kursk (city centre)": (36.18735, 51.73733),
    "Voronezh (city centre)": (39.1843, 51.67204),
}


@pytest.fixture
def app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=120)


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def spec(at: AppTest) -> dict[str, Any]:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    return cast("dict[str, Any]", json.loads(str(charts[0].proto.json)))


def layer(document: dict[str, Any], layer_id: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [e for e in document["layers"] if e["id"] == layer_id]
    assert len(found) == 1, [entry["id"] for entry in document["layers"]]
    return found[0]


def km_between(a: tuple[float, float], b: list[float]) -> float:
    """Geodesic distance (km, WGS84) between two lon/lat points."""
    return float(Geodesic.WGS84.Inverse(a[1], a[0], b[1], b[0], Geodesic.DISTANCE)["s12"]) / 1000


def served_file(url: str) -> Path:
    """The file behind a layer's static URL (app/static/cache/NAME)."""
    assert url.startswith("app/static/cache/")
    return ROOT / "static" / "cache" / Path(url).name


def ring_radii_km(document: dict[str, Any]) -> dict[tuple[str, float], tuple[float, float]]:
    """For each drawn ring: (site, radius) -> (min, max) geodesic distance of its vertices.

    A ring is a chain of segments, each starting where the one before it ended; its site is the
    one its vertices are equally far from, its radius their mean distance to 10 m.
    """
    out = {}
    ids = {entry["id"] for entry in document["layers"]}
    for layer_id in ("min-rings", "max-rings"):
        if layer_id not in ids:
            continue
        chains: list[list[list[float]]] = []
        for segment in layer(document, layer_id)["data"]:
            if not chains or chains[-1][-1] != segment[:2]:
                chains.append([segment[:2]])
            chains[-1].append(segment[2:])
        for chain in chains:
            assert chain[0] == chain[-1]  # closed
            by_site = {
                site: [km_between(centre, vertex) for vertex in chain]
                for site, centre in {**SITES, **CUSTOM}.items()
            }
            site, distances = min(by_site.items(), key=lambda kv: max(kv[1]) - min(kv[1]))
            radius_km = round(sum(distances) / len(distances), 2)
            out[(site, radius_km)] = (min(distances), max(distances))
    return out


CUSTOM = {"Test point": (37.1, 50.3)}


def assert_rings(document: dict[str, Any], expected: set[tuple[str, float]]) -> None:
    radii = ring_radii_km(document)
    assert set(radii) == expected
    for (_, radius_km), (low, high) in radii.items():
        # vertices rounded to 1e-5 degree for display: within 2 m of the geodesic radius
        assert radius_km - 0.002 < low <= high < radius_km + 0.002


def test_default_page_draws_every_layer(app: AppTest) -> None:
    document = spec(run(app))
    tooltip = json.loads(app.get("deck_gl_json_chart")[0].proto.tooltip)
    assert tooltip == {"text": "{tt}"}  # plain text, never an HTML template
    ids = [entry["id"] for entry in document["layers"]]
    for expected in (
        "basemap-world_0",
        "basemap-theatre",
        "place-names",
        "deployment-areas",
        "hypothetical-outlines",
        "labels",
        "range-bands",
        "min-rings",
        "max-rings",
        "strikes",
        "strike-precision",
        "launch-sites",
    ):
        assert expected in ids
    assert "mapProvider" not in document  # offline: no tile provider
    assert_rings(document, {(s, r) for s in SITES for r in (380.0, 800.0)})
    labels = [label["t"] for label in layer(document, "labels")["data"]]
    assert sum(text.startswith("HYPOTHETICAL") for text in labels) == 6
    assert {"380 km", "800 km"} <= set(labels)
    assert set(SITES) <= set(labels)
    assert {"Kharkiv", "Ukraine", "Russia"} <= place_names(document)  # the Kharkiv view's names


def place_names(document: dict[str, Any]) -> set[str]:
    """The country names the map shows (the place-names layer's static file)."""
    records = json.loads(served_file(layer(document, "place-names")["data"]).read_text())
    return {record["t"] for record in records}


def test_sliders_move_the_rings(app: AppTest) -> None:
    run(app)
    app.slider(key="min_km").set_value(500)
    app.slider(key="max_km").set_value(1200)
    document = spec(run(app))
    assert_rings(document, {(s, r) for s in SITES for r in (500.0, 1200.0)})
    counts = app.dataframe[0].value
    assert list(counts.columns) == ["site", "inside 500 km", "inside 1200 km", "in band"]


def test_min_above_max_draws_only_the_max_ring(app: AppTest) -> None:
    run(app)
    app.slider(key="min_km").set_value(900)
    document = spec(run(app))
    assert any("is not below max range" in w.value for w in app.warning)
    assert_rings(document, {(s, 800.0) for s in SITES})


def test_preset_sets_the_sliders(app: AppTest) -> None:
    run(app)
    app.selectbox(key="preset").set_value("kn23-dia")
    run(app)
    assert (app.slider(key="min_km").value, app.slider(key="max_km").value) == (0, 600)
    assert_rings(spec(app), {(s, 600.0) for s in SITES})
    assert any("US Defense Intelligence Agency" in c.value for c in app.caption)


def test_adding_a_launch_point_adds_its_rings(app: AppTest) -> None:
    run(app)
    app.multiselect(key="sites").set_value([])
    app.text_area(key="custom").input("name=Test point,lat=50.3,lon=37.1,uncertainty_km=10")
    document = spec(run(app))
    assert_rings(document, {("Test point", 380.0), ("Test point", 800.0)})
    dots = [p["tt"].split(" (CANDIDATE)")[0] for p in layer(document, "launch-sites")["data"]]
    assert dots == ["Test point"]
    assert "Test point" in {r["t"] for r in layer(document, "labels")["data"]}


def test_a_bad_launch_point_line_is_reported_and_skipped(app: AppTest) -> None:
    run(app)
    app.text_area(key="custom").input("name=Bad,lat=95,lon=37\nname=Test point,lat=50.3,lon=37.1")
    document = spec(run(app))
    assert any("Line 1 of your launch points was not used" in w.value for w in app.sidebar.warning)
    assert ("Test point", 800.0) in ring_radii_km(document)


def test_filters_change_the_strike_count(app: AppTest) -> None:
    run(app)
    before = layer(spec(app), "strikes")["data"]
    assert "5 strike reports match" in " ".join(c.value for c in app.caption)
    app.multiselect(key="attr").set_value(["changed"])
    run(app)
    assert "1 strike reports match" in " ".join(c.value for c in app.caption)
    after = layer(spec(app), "strikes")["data"]
    assert before != after  # another static file: the browser fetches the filtered layer
    served = Path(APP).parent / "static" / "cache" / Path(after).name
    records = json.loads(served.read_text())
    assert len(records) == 1
    assert "2024-02-07" in records[0]["tt"]


def test_query_params_restore_the_state(app: AppTest) -> None:
    app.query_params["min_km"] = "300"
    app.query_params["max_km"] = "650"
    app.query_params["sites"] = ["Voronezh (city centre)"]  # bound by its label
    app.query_params["view"] = "Indo-Pacific"
    document = spec(run(app))
    assert (app.slider(key="min_km").value, app.slider(key="max_km").value) == (300, 650)
    assert_rings(document, {("Voronezh (city centre)", 300.0), ("Voronezh (city centre)", 650.0)})
    assert document["initialViewState"]["longitude"] == 128.0
    names = place_names(document)  # chosen for the Indo-Pacific view's zoom
    assert "Japan" in names
    assert "Moldova" not in names


def legend_text(app: AppTest) -> str:
    (text,) = [m.value for m in app.markdown if m.value.startswith("**Legend**")]
    return text


def test_layer_toggles_remove_layers(app: AppTest) -> None:
    run(app)
    assert "HYPOTHETICAL" in legend_text(app)
    assert "reach envelopes" not in legend_text(app)
    app.checkbox(key="show_deployments").uncheck()
    app.checkbox(key="show_envelopes").check()
    document = spec(run(app))
    ids = [entry["id"] for entry in document["layers"]]
    assert "deployment-areas" not in ids
    assert "reach-envelopes" in ids
    assert "reach envelopes" in legend_text(app)  # the dashed lines say what they are
    assert not any(r["t"].startswith("HYPOTHETICAL") for r in layer(document, "labels")["data"])
    assert "hypothetical-outlines" not in ids
    # the launch areas' dashed uncertainty circles stay, 50 km around a launch point
    circles = json.loads(served_file(layer(document, "uncertainty-circles")["data"]).read_text())
    assert circles
    for segment in circles:
        distances = [km_between(centre, segment[:2]) for centre in SITES.values()]
        # a dash may end between two vertices: within the ring's 50 m tolerance
        assert min(abs(d - 50.0) for d in distances) < 0.05
    app.checkbox(key="show_sites").uncheck()
    document = spec(run(app))
    ids = [entry["id"] for entry in document["layers"]]
    assert "uncertainty-circles" not in ids
    assert "launch-sites" not in ids
    assert {r["t"] for r in layer(document, "labels")["data"]} == {"380 km", "800 km"}


def test_a_good_upload_replaces_the_shipped_reports(app: AppTest) -> None:
    run(app)
    app.file_uploader[0].upload("good.csv", (DATA / "good.csv").read_bytes(), "text/csv")
    run(app)
    assert "2 strike reports match" in " ".join(c.value for c in app.caption)


def test_a_bad_upload_shows_its_rows_and_keeps_the_good_ones(app: AppTest) -> None:
    run(app)
    app.file_uploader[0].upload("bad_rows.csv", (DATA / "bad_rows.csv").read_bytes(), "text/csv")
    run(app)
    assert any("8 rows of your file were not used" in e.value for e in app.error)
    problems = next(d.value for d in app.dataframe if "problem" in d.value.columns)
    assert 4 in problems["row"].tolist()
    assert "4 strike reports match" in " ".join(c.value for c in app.caption)
    spec(app)  # the map still renders


def test_an_unreadable_upload_keeps_the_app_usable(app: AppTest) -> None:
    run(app)
    app.file_uploader[0].upload("junk.csv", (DATA / "binary_junk.csv").read_bytes(), "text/csv")
    run(app)
    assert any("could not be read" in e.value for e in app.sidebar.error)
    assert any("not a text CSV file" in c.value for c in app.sidebar.code)
    assert "5 strike reports match" in " ".join(c.value for c in app.caption)


def test_synthetic_strikes_from_the_environment(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAPVIZ_SYNTHETIC_STRIKES", "2000")
    run(app)
    assert any("SYNTHETIC data: 2,000 generated strikes" in w.value for w in app.warning)
    assert "2,000 strike reports match" in " ".join(c.value for c in app.caption)


def test_download_buttons_are_lazy(app: AppTest) -> None:
    run(app)
    keys = {b.key for b in app.get("download_button")}
    assert keys >= {
        "download_strikes",
        "download_rings",
        "download_launch_sites",
        "download_deployments",
        "download_zip",
        "download_gpkg",
        "download_kml",
        "download_csv",
    }


def test_many_strikes_are_drawn_as_one_image(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAPVIZ_SYNTHETIC_STRIKES", "3000")
    document = spec(run(app))
    ids = [entry["id"] for entry in document["layers"]]
    assert "strikes-raster" in ids
    assert "strikes" not in ids
    raster = layer(document, "strikes-raster")
    west, south, east, north = raster["bounds"]
    assert west < 36.25 < east
    assert south < 49.98 < north
    served = Path(APP).parent / "static" / "cache" / Path(raster["image"]).name
    image = Image.open(served)
    assert image.mode == "RGBA"
    assert image.getchannel("A").getextrema() == (0, 255)  # transparent around opaque dots
    assert any("drawn as one image" in c.value for c in app.caption)


def test_only_the_open_tab_is_built(app: AppTest) -> None:
    run(app)
    assert not app.get("vega_lite_chart")  # the timeline waits until its tab is opened
    assert len(app.get("deck_gl_json_chart")) == 1


def test_strike_table_tab_lists_the_nearest_first(app: AppTest) -> None:
    app.query_params["tab"] = "Strike table"
    run(app)
    assert not app.get("deck_gl_json_chart")  # the map tab is closed: nothing of it is built
    table = next(d.value for d in app.dataframe if "nearest_km" in d.value.columns)
    assert len(table) == 5
    assert table["nearest_km"].is_monotonic_increasing
    assert "Distances are geodesic" in " ".join(c.value for c in app.caption)


def test_timeline_tab_counts_strikes_per_month(app: AppTest) -> None:
    app.query_params["tab"] = "Timeline"
    run(app)
    charts = app.get("vega_lite_chart")
    assert len(charts) == 1
    assert "Strike reports per month" in " ".join(c.value for c in app.caption)


def test_about_tab_says_what_the_data_is_and_is_not(app: AppTest) -> None:
    app.query_params["tab"] = "About / Methods"
    run(app)
    text = " ".join(m.value for m in app.markdown)
    assert "HYPOTHETICAL" in text
    assert "About 50 launches" in text
    assert "not Kharkiv" in text


def test_an_evicted_layer_file_is_published_again(app: AppTest) -> None:
    static = Path(APP).parent / "static" / "cache"
    served = static / Path(layer(spec(run(app)), "strikes")["data"]).name
    served.unlink()  # as if evicted while its URL was still cached
    again = static / Path(layer(spec(run(app)), "strikes")["data"]).name
    assert again.is_file()
    assert json.loads(again.read_text(encoding="utf-8"))  # the five shipped reports


@pytest.mark.parametrize(
    "layer_id", ["place-names", "deployment-areas", "hypothetical-outlines", "uncertainty-circles"]
)
def test_evicted_static_layers_are_published_again(app: AppTest, layer_id: str) -> None:
    served = served_file(layer(spec(run(app)), layer_id)["data"])
    served.unlink()
    again = served_file(layer(spec(run(app)), layer_id)["data"])
    assert again.is_file()
    assert json.loads(again.read_text(encoding="utf-8"))


def test_the_benchmark_floor_sends_what_every_press_of_mapviz_sends(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bench/floor_app.py is a floor only if a press of mapviz draws and counts all it does."""
    monkeypatch.setenv("MAPVIZ_SYNTHETIC_STRIKES", "3000")
    floor = AppTest.from_file(str(ROOT / "bench" / "floor_app.py"), default_timeout=120)
    app.query_params["view"] = "Ukraine theatre"  # as bench_slider.py opens mapviz
    for at in (run(floor), run(app)):
        at.slider(key="max_km").set_value(1200)
    floor_spec, mapviz_spec = spec(run(floor)), spec(run(app))
    assert floor_spec["initialViewState"] == mapviz_spec["initialViewState"]
    for layer_id in ("range-bands", "min-rings", "max-rings"):
        assert layer(floor_spec, layer_id) == layer(mapviz_spec, layer_id)
    ring_labels = layer(floor_spec, "labels")["data"]
    assert {label["t"] for label in ring_labels} == {"380 km", "1200 km"}
    assert all(label in layer(mapviz_spec, "labels")["data"] for label in ring_labels)
    assert floor.dataframe[0].value.equals(app.dataframe[0].value)

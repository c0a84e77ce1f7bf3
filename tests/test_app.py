"""The dashboard through Streamlit's AppTest: every control path, read back from the map's args."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from geographiclib.geodesic import Geodesic
from map_reading import map_args, press, served_file, spec
from streamlit.testing.v1 import AppTest

from mapviz.deck import CompactDeck
from mapviz.records import STRIKE_BYTES
from mapviz.reference import reference_strikes

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


def layer(document: dict[str, Any], layer_id: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [e for e in document["layers"] if e["id"] == layer_id]
    assert len(found) == 1, [entry["id"] for entry in document["layers"]]
    return found[0]


def km_between(a: tuple[float, float], b: list[float]) -> float:
    """Geodesic distance (km, WGS84) between two lon/lat points."""
    return float(Geodesic.WGS84.Inverse(a[1], a[0], b[1], b[0], Geodesic.DISTANCE)["s12"]) / 1000


CUSTOM = {"Test point": (37.1, 50.3)}


def rings_asked(at: AppTest) -> set[tuple[str, float]]:
    """The rings the page asks the map to draw: (site, radius km) for the sliders' range.

    The map computes them in the browser (tests/test_browser_rings.py checks them against
    mapviz.geodesy); here: around which points, of which radii, to which tolerance.
    """
    args = map_args(at)
    rings, range_ = args["rings"], args["range"]
    assert rings["tolerance_m"] == 50.0
    if not rings["show"]:
        return set()
    min_km, max_km = range_["min_km"], range_["max_km"]
    radii = [float(max_km)] + ([float(min_km)] if 0 < min_km < max_km else [])
    centres = {**SITES, **CUSTOM}
    for site in rings["sites"]:
        assert (site["lon"], site["lat"]) == centres[site["name"]]
    return {(site["name"], km) for site in rings["sites"] for km in radii}


def test_default_page_draws_every_layer(app: AppTest) -> None:
    document = spec(run(app))
    ids = [entry["id"] for entry in document["layers"]]
    for expected in (
        "basemap-land",
        "basemap-lakes",
        "basemap-oblasts",
        "basemap-borders",
        "deployment-areas",
        "labels",
        "strikes",
        "strike-precision",
        "launch-sites",
        "uncertainty-circles",
    ):
        assert expected in ids
    assert ids[:4] == ["basemap-land", "basemap-lakes", "basemap-oblasts", "basemap-borders"]
    assert ids[-1] == "labels"  # one text layer: deck.gl's collision filter compares its labels
    assert "mapProvider" not in document  # offline: no tile provider
    assert rings_asked(app) == {(s, r) for s in SITES for r in (380.0, 800.0)}
    labels = label_texts(document)
    assert sum(text.count("HYPOTHETICAL") for text in labels) == 6
    assert set(SITES) <= set(labels)
    assert {"Kharkiv", "Ukraine", "Russia", "Japan"} <= set(labels)  # deck.gl picks which show
    # the basemap is Natural Earth's vectors, served as they are in data/
    land = served_file(layer(document, "basemap-land")["data"])
    assert land.read_bytes() == (ROOT / "data" / "naturalearth" / "ne_land.geojson").read_bytes()


def label_texts(document: dict[str, Any]) -> list[str]:
    """The texts of the map's labels (its one text layer's static file)."""
    records = json.loads(served_file(layer(document, "labels")["data"]).read_text())
    return [record["t"] for record in records]


def test_sliders_move_the_rings(app: AppTest) -> None:
    press(run(app), 500, 1200)
    assert rings_asked(app) == {(s, r) for s in SITES for r in (500.0, 1200.0)}
    counts = app.table[0].value
    assert list(counts.columns) == ["site", "inside 500 km", "inside 1200 km", "in band"]
    # the map keeps the link itself (in place, tests/test_browser.py); the page leaves it be
    assert dict(app.query_params) == {}


def test_a_press_on_a_range_the_page_has_since_replaced_is_ignored(app: AppTest) -> None:
    run(app)
    app.selectbox(key="preset").set_value("kn23-dia")  # the page sets the range: a new seq
    run(app)
    assert map_args(app)["range"] == {"min_km": 0, "max_km": 600, "seq": 1}
    app.session_state["map"] = {"min_km": 380, "max_km": 810, "seq": 0}  # made before it
    run(app)
    assert map_args(app)["range"] == {"min_km": 0, "max_km": 600, "seq": 1}
    for bad in ({"min_km": 385, "max_km": 900, "seq": 1}, {"min_km": "1", "seq": 1}, [1, 2]):
        app.session_state["map"] = bad  # not values of the sliders: ignored
        run(app)
        assert map_args(app)["range"]["max_km"] == 600


def test_min_above_max_draws_only_the_max_ring(app: AppTest) -> None:
    press(run(app), 900, 800)
    assert any("is not below max range" in w.value for w in app.warning)
    assert map_args(app)["range"] == {"min_km": 900, "max_km": 800, "seq": 0}  # as the sliders
    assert rings_asked(app) == {(s, 800.0) for s in SITES}
    assert list(app.table[0].value.columns)[1:3] == ["inside 0 km", "inside 800 km"]


def test_preset_sets_the_sliders(app: AppTest) -> None:
    run(app)
    app.selectbox(key="preset").set_value("kn23-dia")
    run(app)
    assert map_args(app)["range"] == {"min_km": 0, "max_km": 600, "seq": 1}
    assert dict(app.query_params) == {"min_km": "0", "max_km": "600"}  # the page sets the link
    assert rings_asked(app) == {(s, 600.0) for s in SITES}
    assert any("US Defense Intelligence Agency" in c.value for c in app.caption)


def test_adding_a_launch_point_adds_its_rings(app: AppTest) -> None:
    run(app)
    app.multiselect(key="sites").set_value([])
    app.text_area(key="custom").input("name=Test point,lat=50.3,lon=37.1,uncertainty_km=10")
    document = spec(run(app))
    assert rings_asked(app) == {("Test point", 380.0), ("Test point", 800.0)}
    dots = json.loads(served_file(layer(document, "launch-sites")["data"]).read_text())
    assert [p["tt"].split(" (CANDIDATE)")[0] for p in dots] == ["Test point"]
    assert "Test point" in label_texts(document)


def test_a_bad_launch_point_line_is_reported_and_skipped(app: AppTest) -> None:
    run(app)
    app.text_area(key="custom").input("name=Bad,lat=95,lon=37\nname=Test point,lat=50.3,lon=37.1")
    document = spec(run(app))
    assert any("Line 1 of your launch points was not used" in w.value for w in app.sidebar.warning)
    assert ("Test point", 800.0) in rings_asked(app)
    dots = json.loads(served_file(layer(document, "launch-sites")["data"]).read_text())
    assert len(dots) == len(SITES) + 1


def test_filters_change_the_strike_count(app: AppTest) -> None:
    run(app)
    before = layer(spec(app), "strikes")["data"]
    assert "5 strike reports match" in " ".join(c.value for c in app.caption)
    app.multiselect(key="attr").set_value(["changed"])
    run(app)
    assert "1 strike reports match" in " ".join(c.value for c in app.caption)
    after = layer(spec(app), "strikes")["data"]
    assert before != after  # another static file: the browser fetches the filtered layer
    assert served_file(after).stat().st_size == STRIKE_BYTES  # one strike's typed arrays
    (tips,) = layer(spec(app), "strikes")["tooltipUrls"]
    (tooltip,) = json.loads(served_file(tips).read_text())
    assert "2024-02-07" in tooltip


def test_query_params_restore_the_state(app: AppTest) -> None:
    app.query_params["min_km"] = "300"
    app.query_params["max_km"] = "650"
    app.query_params["sites"] = ["Voronezh (city centre)"]  # bound by its label
    app.query_params["view"] = "Indo-Pacific"
    document = spec(run(app))
    assert map_args(app)["range"] == {"min_km": 300, "max_km": 650, "seq": 0}
    assert rings_asked(app) == {
        ("Voronezh (city centre)", 300.0),
        ("Voronezh (city centre)", 650.0),
    }
    assert document["initialViewState"]["longitude"] == 128.0
    assert document["initialViewState"]["zoom"] == 2.6


def legend_text(app: AppTest) -> str:
    (text,) = [m.value for m in app.html if m.value.startswith("<b>Legend</b>")]
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
    assert map_args(app)["rings"]["envelopes"] is True  # the map draws them with the rings
    assert "reach envelopes" in legend_text(app)  # the dashed lines say what they are
    assert not any("HYPOTHETICAL" in text for text in label_texts(document))
    # the launch areas' dashed uncertainty circles stay, 50 km around a launch point
    circles = json.loads(served_file(layer(document, "uncertainty-circles")["data"]).read_text())
    assert len(circles) == len(SITES)
    for circle, centre in zip(circles, SITES.values(), strict=True):
        assert all(abs(km_between(centre, vertex) - 50.0) < 0.05 for vertex in circle["path"])
    app.checkbox(key="show_sites").uncheck()
    document = spec(run(app))
    ids = [entry["id"] for entry in document["layers"]]
    assert "uncertainty-circles" not in ids
    assert "launch-sites" not in ids
    assert not set(SITES) & set(label_texts(document))  # place names only
    app.checkbox(key="show_rings").uncheck()
    run(app)
    assert rings_asked(app) == set()


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


def test_every_strike_is_a_point_in_typed_arrays(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAPVIZ_SYNTHETIC_STRIKES", "10000")
    document = spec(run(app))
    strikes = layer(document, "strikes")
    assert layer(document, "strike-precision")["data"] == strikes["data"]  # one file, read once
    raw = served_file(strikes["data"]).read_bytes()
    assert len(raw) == 10_000 * STRIKE_BYTES
    lon_lat = np.frombuffer(raw, dtype="<f4", count=20_000).reshape(-1, 2)
    assert np.all((lon_lat[:, 0] > 20) & (lon_lat[:, 0] < 50))  # synthetic: around Ukraine
    colours = np.frombuffer(raw, dtype=np.uint8, offset=12 * 10_000, count=40_000).reshape(-1, 4)
    assert np.all(colours[:, 3] == 255)
    # the tooltips: files of `tooltipChunk` texts, in the strikes' order
    chunk = strikes["tooltipChunk"]
    texts = [t for url in strikes["tooltipUrls"] for t in json.loads(served_file(url).read_text())]
    assert len(texts) == 10_000
    assert len(strikes["tooltipUrls"]) == -(-10_000 // chunk)
    assert all(t.endswith("SYNTHETIC test record") for t in texts[:: chunk // 2])


def test_only_the_chosen_section_is_built(app: AppTest) -> None:
    run(app)
    assert not app.get("vega_lite_chart")  # the timeline waits until its section is chosen
    assert len(app.get("component_instance")) == 1


def test_strike_table_section_lists_the_nearest_first(app: AppTest) -> None:
    app.query_params["tab"] = "Strike table"
    run(app)
    assert not app.get("component_instance")  # the map is not shown: nothing of it is built
    table = next(d.value for d in app.dataframe if "nearest_km" in d.value.columns)
    assert len(table) == 5
    assert table["nearest_km"].is_monotonic_increasing
    assert "Distances are geodesic" in " ".join(c.value for c in app.caption)


def test_timeline_section_counts_strikes_per_month(app: AppTest) -> None:
    app.query_params["tab"] = "Timeline"
    run(app)
    charts = app.get("vega_lite_chart")
    assert len(charts) == 1
    assert "Strike reports per month" in " ".join(c.value for c in app.caption)


def test_about_section_says_what_the_data_is_and_is_not(app: AppTest) -> None:
    app.query_params["tab"] = "About / Methods"
    run(app)
    text = " ".join(m.value for m in app.markdown)
    assert "HYPOTHETICAL" in text
    assert "About 50 launches" in text
    assert "not Kharkiv" in text


def test_an_evicted_layer_file_is_published_again(app: AppTest) -> None:
    static = Path(APP).parent / "static" / "cache"
    served = static / Path(layer(spec(run(app)), "strikes")["tooltipUrls"][0]).name
    served.unlink()  # as if evicted while its URL was still cached
    again = static / Path(layer(spec(run(app)), "strikes")["tooltipUrls"][0]).name
    assert again.is_file()
    assert len(json.loads(again.read_text(encoding="utf-8"))) == 5  # the five shipped reports


@pytest.mark.parametrize(
    "layer_id",
    ["labels", "deployment-areas", "uncertainty-circles", "launch-sites", "basemap-land"],
)
def test_evicted_static_layers_are_published_again(app: AppTest, layer_id: str) -> None:
    served = served_file(layer(spec(run(app)), layer_id)["data"])
    served.unlink()
    again = served_file(layer(spec(run(app)), layer_id)["data"])
    assert again.is_file()
    assert json.loads(again.read_text(encoding="utf-8"))


def test_no_text_from_data_is_in_the_spec(app: AppTest, tmp_path: Path) -> None:
    # deck.gl's JSON converter evaluates "@@=" strings: text from data only ever travels in the
    # layers' data files, which the converter does not read; the spec names them by URL
    run(app)
    app.text_area(key="custom").input("name=@@=constructor,lat=50.3,lon=37.1,uncertainty_km=10")
    upload = tmp_path / "hostile.csv"
    upload.write_text(
        "id,date,lat,lon,place,weapon\n1,2024-01-02,50,36.2,@@=window.alert(1),<b>KN-23</b>\n"
    )
    run(app)
    app.file_uploader[0].upload(upload.name, upload.read_bytes(), "text/csv")
    document = spec(run(app))
    text = json.dumps(document)
    assert "constructor" not in text
    assert "alert" not in text
    assert "KN-23" not in text
    for entry in document["layers"]:
        assert served_file(entry["data"]).is_file(), entry["id"]
    names = [
        record["t"]
        for record in json.loads(served_file(layer(document, "labels")["data"]).read_text())
    ]
    assert "@\u200b@=constructor" in names  # kept as text, wherever it goes


def region_polygons(at: AppTest) -> list[dict[str, Any]]:
    url = layer(spec(at), "launch-region")["data"]
    records: list[dict[str, Any]] = json.loads(served_file(url).read_text())
    return records


def test_launch_region_layer_follows_the_sliders(app: AppTest) -> None:
    run(app)
    assert "launch-region" not in [entry["id"] for entry in spec(app)["layers"]]
    app.checkbox(key="show_region").check()
    run(app)
    records = region_polygons(app)
    assert records[0]["tt"].startswith("FEASIBLE LAUNCH REGION (any strike)")
    assert "Within 380-800 km of all 5 strikes" in records[-1]["tt"]
    assert "Within 380-800 km of all 5 strikes" in " ".join(s.value for s in app.success)
    assert "feasible launch region" in legend_text(app)
    table = app.table[-1].value
    assert list(table["Launch point"]) == list(SITES)
    assert table["Strikes"].tolist() == [5, 5, 5]
    # answered from exact distances: the Kharkiv strikes are 71-79 km from Belgorod, 191-201 km
    # from Kursk and 279-282 km from Voronezh; Kyiv and Zaporizhzhia 326-632 km from all three
    assert not table["Reaches every strike"].any()
    assert table["Reaches at least one"].all()
    press(app, 150, 450)
    assert "Within 150-450 km of all 5 strikes" in region_polygons(app)[-1]["tt"]
    table = app.table[-1].value
    assert table["Reaches every strike"].tolist() == [False, True, False]
    assert table["Strikes in its band"].tolist() == [3, 5, 2]


def test_a_press_neither_rebuilds_nor_resends_the_layers(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The layers' spec is built once per change and travels as a file's name, not its text."""
    run(app)
    spec_url = map_args(app)["spec_url"]
    built: list[int] = []
    to_json = CompactDeck.to_json

    def counted(deck: CompactDeck) -> str:
        built.append(1)
        return to_json(deck)

    monkeypatch.setattr(CompactDeck, "to_json", counted)
    press(app, 380, 930)  # no other test asks for this range: nothing of it is cached
    assert map_args(app)["range"]["max_km"] == 930
    assert map_args(app)["spec_url"] == spec_url
    assert built == []
    sent = app.get("component_instance")[0].proto.json_args
    assert len(sent) < 3_000, len(sent)  # the rings' sites and style, the range: no layers
    # with the launch region shown, a press changes a layer: the spec is built again, once
    app.checkbox(key="show_region").check()
    run(app)
    with_region, built[:] = map_args(app)["spec_url"], []
    press(app, 230, 770)  # a range no other test asks for (the cache is the process's)
    assert map_args(app)["spec_url"] != with_region
    assert len(built) == 1


def test_empty_launch_region_is_said_in_words(app: AppTest) -> None:
    run(app)
    app.checkbox(key="show_region").check()
    run(app)
    press(app, 0, 50)
    assert "No point is within 0-50 km of all 5 strikes." in " ".join(w.value for w in app.warning)
    assert "of all" not in " ".join(r["tt"] for r in region_polygons(app))


def test_launch_region_for_the_strikes_picked_in_the_table(app: AppTest) -> None:
    run(app)
    app.checkbox(key="show_region").check()
    app.session_state["picked_strikes"] = (0, 1)
    run(app)
    assert "For the 2 strikes picked in the table" in " ".join(c.value for c in app.caption)
    assert "of all 2 strikes" in region_polygons(app)[-1]["tt"]
    buttons = [b.proto.label for b in app.get("download_button")]
    assert "launch_region.geojson" in buttons


def test_strikes_picked_earlier_are_ticked_in_the_table(app: AppTest) -> None:
    app.session_state["picked_strikes"] = (1, 3)
    app.query_params["tab"] = "Strike table"
    run(app)
    assert "2 picked: the launch region is for them" in " ".join(c.value for c in app.caption)
    table = next(d for d in app.dataframe if "nearest_km" in d.value.columns)
    ticked = json.loads(table.proto.selection_default)["selection"]["rows"]  # positions, listed
    assert sorted(table.value["id"].iloc[ticked]) == sorted(reference_strikes().loc[[1, 3], "id"])


def test_launch_region_refused_over_the_limit_keeps_the_page(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAPVIZ_SYNTHETIC_STRIKES", "3000")
    run(app)
    app.checkbox(key="show_region").check()
    run(app)
    warning = " ".join(w.value for w in app.warning)
    assert "at most 2,000 distinct strike positions, got 3,000" in warning
    assert "launch-region" not in [entry["id"] for entry in spec(app)["layers"]]
    buttons = [b.proto.label for b in app.get("download_button")]
    assert "launch_region.geojson" not in buttons
    assert "cities_in_range.geojson" in buttons


def test_in_range_section_lists_cities_with_totals(app: AppTest) -> None:
    app.query_params["tab"] = "In range"
    run(app)
    totals = app.table[0].value
    assert list(totals["Launch point"]) == list(SITES)
    cities = next(d.value for d in app.dataframe if "population" in d.value.columns)
    belgorod = cities[cities["site"] == "Belgorod (city centre)"]
    assert len(belgorod) == totals["Cities within max"].iloc[0]
    assert belgorod["in_band"].sum() == totals["Cities in band"].iloc[0]
    assert belgorod["km"].max() <= 800
    assert "Kharkiv" in set(belgorod["name"])
    assert not belgorod.set_index("name").loc["Kharkiv", "in_band"]  # about 70 km: not in band
    assert "GeoNames" in " ".join(c.value for c in app.caption)


def test_files_derived_from_an_upload_are_private_to_the_session() -> None:
    """Each session's upload-derived files sit in its own unguessable folder, gone with it."""
    data = (DATA / "bad_rows.csv").read_bytes()
    sessions = [AppTest.from_file(APP, default_timeout=120) for _ in range(2)]
    urls = []
    for at in sessions:
        run(at)
        shipped = layer(spec(at), "strikes")["data"]
        assert shipped.count("/") == 2  # component/APP.mapviz_files/NAME: shared by every session
        at.file_uploader[0].upload("bad_rows.csv", data, "text/csv")
        run(at)
        urls.append(layer(spec(at), "strikes")["data"])
    folders = [url.split("/")[2] for url in urls]
    assert all(folder.startswith("s-") and len(folder) >= 32 for folder in folders)
    assert folders[0] != folders[1]  # the same file, a folder per session
    assert all(served_file(url).is_file() for url in urls)
    first = sessions[0].session_state["private_cache_folder"]
    first.remove()  # what happens when the session's state is dropped
    assert not served_file(urls[0]).exists()
    assert served_file(urls[1]).is_file()

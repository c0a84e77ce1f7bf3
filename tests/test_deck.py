"""The deck spec: fixed layer ids, compact JSON, text from data kept inert and short."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from typing import Any

import pytest
from shapely.geometry import LineString, Point

from mapviz.deck import (
    LABEL_CHAR_PX,
    LABEL_SIZE_PX,
    MAX_DISPLAY_CHARS,
    PLACE_NAME_CHAR_PX,
    PLACE_NAME_GAP_PX,
    PLACE_NAME_SIZE_PX,
    PLACE_NAME_ZOOM_SLACK,
    SITE_DOT_PX,
    VIEW_PRESETS,
    basemap_layers,
    city_labels,
    country_labels,
    dashed_segments,
    dashes,
    deck,
    deployment_label_records,
    deployment_layers,
    deployment_outline_layer,
    deployment_outline_records,
    deployment_records,
    inert,
    label_boxes,
    label_layer,
    overlaps,
    place_name_records,
    place_names_layer,
    screen_box,
    segments,
    site_dot_boxes,
    site_label_records,
    site_layers,
    strike_layers,
    strike_records,
    uncertainty_layer,
    uncertainty_records,
)
from mapviz.geodesy import GEOD, LonLat, range_ring
from mapviz.layers import sites_frame
from mapviz.reference import LaunchSite, cities, deployments, reference_strikes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kharkiv", "Kharkiv"),  # ordinary text is unchanged
        ("@@=constructor", "@\u200b@=constructor"),  # a deck.gl expression stays text
        ("@@#GL.ONE", "@\u200b@#GL.ONE"),  # a deck.gl constant stays text
        ("@ home", "@ home"),  # a single @ is harmless
        ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),  # drawn as text
        ("x" * 400, "x" * (MAX_DISPLAY_CHARS - 1) + "\u2026"),  # long text is shortened
    ],
)
def test_inert(text: str, expected: str) -> None:
    assert inert(text) == expected


def test_strike_tooltips_are_plain_text_with_sources() -> None:
    records = strike_records(reference_strikes())
    assert len(records) == 5
    kharkiv = records[1]
    assert kharkiv["p"] == [36.217, 50.017]
    assert kharkiv["r"] == 5000.0
    assert kharkiv["tt"].startswith("2024-01-02 | Kharkiv, Shevchenkivskyi district")
    assert "Attribution: confirmed by independent analysis" in kharkiv["tt"]
    assert "Source: RBC-Ukraine; Al Arabiya" in kharkiv["tt"]


def every_layer_deck(name: str = "x") -> str:
    """The JSON of a deck with every kind of layer, one launch point named `name`."""
    site = LaunchSite("x", name, LonLat(36.58, 50.61), 10.0)
    labels = site_label_records(sites_frame((site,)), 5.0)
    layers = [
        *basemap_layers(),
        place_names_layer("app/static/cache/places-x.json"),
        *deployment_layers("app/static/cache/deployments-x.json"),
        *strike_layers("app/static/cache/strikes-x.json"),
        deployment_outline_layer("app/static/cache/outlines-x.json"),
        uncertainty_layer("app/static/cache/uncertainty-x.json"),
        *site_layers(sites_frame((site,))),
        label_layer(labels + deployment_label_records(deployments(), 5.0)),
    ]
    text: str = deck(layers, VIEW_PRESETS["kharkiv"]).to_json()
    return text


def test_deck_spec_is_compact_and_every_layer_has_an_id() -> None:
    text = every_layer_deck("@@=evil")
    assert "\n" not in text
    spec = json.loads(text)
    ids = [layer["id"] for layer in spec["layers"]]
    assert len(ids) == len(set(ids))
    assert "mapProvider" not in spec
    # no text from data starts with "@@" anywhere in the spec
    assert '"@@=evil' not in text
    units = {layer.get("radiusUnits") for layer in spec["layers"]} - {None}
    assert units == {"meters", "pixels"}  # literal strings, not "@@=" expressions
    fonts = {layer.get("fontFamily") for layer in spec["layers"]} - {None}
    assert fonts == {"Helvetica, Arial, sans-serif"}  # a literal, not an expression


def test_every_accessor_is_one_the_map_reads() -> None:
    # frontend/src/spec.js evaluates two expressions only: a record's field and a list of its
    # items; any other "@@=" string would reach the canvases as a string
    field = re.compile(r"@@=[A-Za-z_]\w*")
    items = re.compile(r"@@=\[\s*this\[\d+\](\s*,\s*this\[\d+\])*\s*\]")
    accessors = [
        value
        for layer in json.loads(every_layer_deck())["layers"]
        for value in layer.values()
        if isinstance(value, str) and value.startswith("@@=")
    ]
    assert accessors
    assert all(field.fullmatch(value) or items.fullmatch(value) for value in accessors), accessors
    assert "@@=[this[0], this[1]]" in accessors


def test_a_line_record_is_its_ends_only() -> None:
    # colour and width are constants of the layer; no line answers on hover
    lines = [
        layer
        for layer in json.loads(every_layer_deck())["layers"]
        if layer["@@type"] == "LineLayer"
    ]
    assert lines
    for layer in lines:
        per_record = {key for key, value in layer.items() if str(value).startswith("@@=")}
        assert per_record == {"getSourcePosition", "getTargetPosition"}
        assert not layer.get("pickable", False)


def ground_length_m(line: list[list[float]]) -> float:
    lons, lats = [p[0] for p in line], [p[1] for p in line]
    return float(GEOD.line_length(lons, lats))


def test_dashes_cut_a_ring_into_equal_dashes_on_the_line() -> None:
    ring = range_ring(36.58, 50.61, 800.0)
    path = [list(c) for c in ring.exterior.coords]
    pieces = dashes(path, count=60)
    assert len(pieces) == 60
    line = LineString(path)
    lengths = []
    for piece in pieces:
        dash = LineString(piece)
        assert line.distance(dash) < 1e-5  # vertices rounded to 1e-5 degree for display
        assert line.hausdorff_distance(dash) > 0  # a dash is a part of the line, not all of it
        assert all(line.distance(Point(p)) < 1e-5 for p in piece)  # vertices on the line
        lengths.append(ground_length_m(piece))
    # equal dashes on the ground (the cut measures longitude with the local cos(latitude))
    assert max(lengths) / min(lengths) < 1.05
    covered = sum(lengths) / ground_length_m(path)
    assert 0.59 < covered < 0.61  # 60 % dash, 40 % gap
    assert pieces[0][0] == [round(path[0][0], 5), round(path[0][1], 5)]


def test_lines_are_drawn_as_their_segments() -> None:
    line = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]
    assert segments(line) == [[0.0, 0.0, 1.0, 0.0], [1.0, 0.0, 1.0, 1.0]]
    assert segments([[0.0, 0.0]]) == []
    # 60 dashes, each of a straight line one segment
    assert len(dashed_segments([[0.0, 0.0], [1.0, 0.0]])) == 60
    assert dashes([[0.0, 0.0]]) == []


def test_every_label_is_in_one_text_layer_with_its_own_colour_and_offset() -> None:
    site = LaunchSite("x", "<b>Point</b>", LonLat(36.58, 50.61), 10.0)
    records = site_label_records(sites_frame((site,)), 5.0) + deployment_label_records(
        deployments(), 5.0
    )
    spec = json.loads(deck([label_layer(records)], VIEW_PRESETS["kharkiv"]).to_json())
    (text_layer,) = spec["layers"]
    assert text_layer["@@type"] == "TextLayer"
    assert text_layer["getColor"] == "@@=c"
    assert text_layer["getPixelOffset"] == "@@=o"
    by_text = {r["t"]: r for r in text_layer["data"]}
    assert by_text["<b>Point</b>"]["c"] == [0, 0, 0]  # a name from data stays plain text
    hypothetical = [r for r in text_layer["data"] if r["t"].startswith("HYPOTHETICAL")]
    assert len(hypothetical) == len(deployments())
    assert {tuple(r["c"]) for r in hypothetical} == {(120, 40, 100)}
    assert all(len(r["c"]) in (3, 4) and len(r["o"]) == 2 for r in text_layer["data"])


def test_dashed_outlines_have_their_colour_and_width() -> None:
    circle = range_ring(36.58, 50.61, 50.0)
    pieces = dashes([list(xy) for xy in circle.exterior.coords])
    circles = uncertainty_records([circle])
    # every dash of the circle, as consecutive segments along it
    assert len(circles) == sum(len(d) - 1 for d in pieces) > 60
    assert all(len(r) == 4 for r in circles)
    chained = [(a, b) for a, b in pairwise(circles) if a[2:] == b[:2]]
    assert len(chained) == len(circles) - len(pieces)
    spec = json.loads(
        deck(
            [
                uncertainty_layer("app/static/cache/u.json"),
                deployment_outline_layer("app/static/cache/o.json"),
            ],
            VIEW_PRESETS["world"],
        ).to_json()
    )
    styles = {
        layer["id"]: (layer["getColor"], layer["getWidth"], layer["widthUnits"])
        for layer in spec["layers"]
    }
    assert styles == {
        "uncertainty-circles": ([0, 0, 0, 160], 1, "pixels"),
        "hypothetical-outlines": ([204, 121, 167], 2, "pixels"),
    }


def test_hypothetical_dashes_are_chords_near_their_boundary() -> None:
    polygons = deployment_records(deployments())
    boundaries = [LineString(ring) for record in polygons for ring in record["polygon"]]
    chords = deployment_outline_records(polygons)
    assert len(chords) == 60 * len(boundaries)
    for chord in chords:
        ends = [Point(chord[:2]), Point(chord[2:])]
        assert all(min(b.distance(end) for b in boundaries) < 1e-5 for end in ends)
        middle = LineString(ends).interpolate(0.5, normalized=True)
        boundary = min(boundaries, key=lambda b: b.distance(middle))
        nearest = boundary.interpolate(boundary.project(middle))
        assert GEOD.inv(middle.x, middle.y, nearest.x, nearest.y)[2] < 250.0


def name_box(record: dict[str, Any], zoom: float) -> tuple[float, float, float, float]:
    lon, lat = record["p"]
    return screen_box(lon, lat, zoom, (PLACE_NAME_CHAR_PX * len(record["t"]), PLACE_NAME_SIZE_PX))


@pytest.mark.parametrize("view", list(VIEW_PRESETS))
def test_country_names_fit_their_zoom_and_never_overlap(view: str) -> None:
    zoom = VIEW_PRESETS[view].zoom
    labels = country_labels()
    shown = place_name_records(labels, zoom)
    boxes = [name_box(r, zoom) for r in shown]
    for i, box in enumerate(boxes):
        assert not overlaps(box, boxes[:i], PLACE_NAME_GAP_PX), shown[i]["t"]
    # every name that fits this zoom and is left out would overlap one that is shown
    names = {r["t"] for r in shown}
    for label in labels:
        if label["z"] <= zoom + PLACE_NAME_ZOOM_SLACK and label["t"] not in names:
            assert overlaps(name_box(label, zoom), boxes, PLACE_NAME_GAP_PX), label["t"]
    fits = {label["t"] for label in labels if label["z"] <= zoom + PLACE_NAME_ZOOM_SLACK}
    assert names <= fits


def test_country_names_follow_the_zoom() -> None:
    world = {r["t"] for r in place_name_records(country_labels(), VIEW_PRESETS["world"].zoom)}
    kharkiv = {r["t"] for r in place_name_records(country_labels(), VIEW_PRESETS["kharkiv"].zoom)}
    assert {"Russia", "China", "Canada"} <= world
    assert not {"Moldova", "Belarus"} & world  # too small for the whole world
    assert {"Ukraine", "Moldova", "Belarus", "Russia"} <= kharkiv
    assert len(world) < len(kharkiv)


def test_country_names_stay_text() -> None:
    labels = [{"p": [30.0, 50.0], "t": "@@=evil <b>x</b>", "z": 0.0}]
    (record,) = place_name_records(labels, 3.0)
    assert record["t"] == "@\u200b@=evil <b>x</b>"


def test_screen_box_is_in_web_mercator_pixels() -> None:
    # zoom 0: the world is 512 px wide (deck.gl's scale); 90E is 128 px east of 0E; y grows south
    assert screen_box(90.0, 0.0, 0.0, (10.0, 4.0)) == pytest.approx((123.0, -2.0, 133.0, 2.0))
    left, top, _, _ = screen_box(0.0, 0.0, 2.0, (0.0, 0.0), offset_px=(5.0, 7.0))
    assert (left, top) == pytest.approx((5.0, 7.0))
    assert screen_box(0.0, 60.0, 1.0, (0.0, 0.0))[1] < 0  # north is up
    assert overlaps((0, 0, 10, 10), [(9, 9, 20, 20)])
    assert not overlaps((0, 0, 10, 10), [(11, 0, 20, 10)])
    assert overlaps((0, 0, 10, 10), [(11, 0, 20, 10)], gap_px=2)


def test_launch_point_names_do_not_cover_each_other_or_the_dots() -> None:
    near = (
        LaunchSite("a", "Kursk (city centre)", LonLat(36.19, 51.73), 0.0),
        LaunchSite("b", "Voronezh (city centre)", LonLat(39.18, 51.67), 0.0),
        LaunchSite("c", "Belgorod (city centre)", LonLat(36.58, 50.61), 0.0),
    )
    zoom = VIEW_PRESETS["ukraine"].zoom - 1.0
    records = site_label_records(sites_frame(near), zoom)
    # Belgorod's dot is ~23 px below Kursk's at this zoom: Kursk's name goes above its dot
    assert records[0]["o"] == [0, -14]

    def on_screen(record: dict[str, Any], size: tuple[float, float], offset: Any = (0, 0)) -> Any:
        lon, lat = record["p"]
        return screen_box(lon, lat, zoom, size, tuple(offset))

    boxes = [on_screen(r, (LABEL_CHAR_PX * len(r["t"]), LABEL_SIZE_PX), r["o"]) for r in records]
    dots = [on_screen(r, (2.0 * SITE_DOT_PX, 2.0 * SITE_DOT_PX)) for r in records]
    for i, box in enumerate(boxes):
        assert not overlaps(box, boxes[:i] + dots), records[i]["t"]
    # far apart, every name goes below its dot
    far = sites_frame((near[0], LaunchSite("d", "Far", LonLat(60.0, 40.0), 0.0)))
    assert [r["o"] for r in site_label_records(far, zoom)] == [[0, 14], [0, 14]]


DEFAULT_SITES = (
    LaunchSite("a", "Kursk (city centre)", LonLat(36.19, 51.73), 0.0),
    LaunchSite("b", "Voronezh (city centre)", LonLat(39.18, 51.67), 0.0),
    LaunchSite("c", "Belgorod (city centre)", LonLat(36.58, 50.61), 0.0),
)


def test_screen_boxes_match_deck_gl_pixels() -> None:
    # deck.gl draws the world 512 px wide at zoom 0: at the Ukraine view's zoom 4.2 Kursk and
    # Voronezh (3.0 degrees of longitude apart) are 78 px apart on the screen, as their dots
    # are in a screenshot of that view
    kursk, voronezh = (screen_box(s.point.lon, s.point.lat, 4.2, (0, 0)) for s in DEFAULT_SITES[:2])
    assert voronezh[0] - kursk[0] == pytest.approx(512 * 2**4.2 * 2.99 / 360)
    assert 77 < voronezh[0] - kursk[0] < 79


def test_launch_point_names_keep_clear_of_place_names() -> None:
    zoom = VIEW_PRESETS["ukraine"].zoom
    names = place_name_records([*city_labels(cities()), *country_labels()], zoom)
    kharkiv = [r for r in names if r["t"] == "Kharkiv"]
    assert kharkiv  # named in this view
    avoid = label_boxes(names, zoom, PLACE_NAME_CHAR_PX, PLACE_NAME_SIZE_PX)
    records = site_label_records(sites_frame(DEFAULT_SITES), zoom, avoid=avoid)
    belgorod = next(r for r in records if r["t"].startswith("Belgorod"))
    (belgorod_box,) = label_boxes([belgorod], zoom)
    # below its dot it would cover "Kharkiv", 40 km to the south-west: it goes elsewhere
    assert belgorod["o"] != [0, 14]
    assert not overlaps(belgorod_box, avoid)


@pytest.mark.parametrize("view", list(VIEW_PRESETS))
def test_launch_point_names_never_pile_up(view: str) -> None:
    zoom = VIEW_PRESETS[view].zoom
    sites = sites_frame(DEFAULT_SITES)
    names = place_name_records([*city_labels(cities()), *country_labels()], zoom)
    avoid = label_boxes(names, zoom, PLACE_NAME_CHAR_PX, PLACE_NAME_SIZE_PX)
    records = site_label_records(sites, zoom, avoid=avoid)
    dots = site_dot_boxes(sites, zoom)
    boxes = label_boxes(records, zoom)
    for i, box in enumerate(boxes):
        assert not overlaps(box, boxes[:i] + dots), records[i]["t"]
    assert {r["t"] for r in records} == {s.name for s in DEFAULT_SITES}


def test_launch_point_names_that_fit_nowhere_are_left_out() -> None:
    # six points within a tenth of a degree, seen at the whole-world zoom: their dots nearly
    # coincide and each name has four places (below, above, right, left); the names that would
    # cover one placed before are left out rather than drawn on top of it
    crowd = sites_frame(
        tuple(
            LaunchSite(f"s{i}", f"Point {i}", LonLat(36.0 + 0.02 * i, 50.0), 0.0) for i in range(6)
        )
    )
    zoom = VIEW_PRESETS["world"].zoom
    records = site_label_records(crowd, zoom)
    boxes = label_boxes(records, zoom)
    for i, box in enumerate(boxes):
        assert not overlaps(box, boxes[:i] + site_dot_boxes(crowd, zoom))
    assert 1 <= len(records) < 6
    assert records[0]["t"] == "Point 0"


@pytest.mark.parametrize("view", list(VIEW_PRESETS))
def test_hypothetical_labels_never_cover_each_other(view: str) -> None:
    zoom = VIEW_PRESETS[view].zoom
    records = deployment_label_records(deployments(), zoom)
    assert len(records) == len(deployments())
    boxes = []
    for record in records:
        lon, lat = record["p"]
        width = LABEL_CHAR_PX * max(len(line) for line in record["t"].split("\n"))
        boxes.append(screen_box(lon, lat, zoom, (width, 30.0), tuple(record["o"])))
    for i, box in enumerate(boxes):
        assert not overlaps(box, boxes[:i]), records[i]["t"]
    for record, (x0, y0, x1, y1) in zip(records, label_boxes(records, zoom), strict=True):
        lines = record["t"].split("\n")  # two lines: the longest one's width, two lines high
        assert (x1 - x0, y1 - y0) == pytest.approx(
            (LABEL_CHAR_PX * max(map(len, lines)), LABEL_SIZE_PX * len(lines))
        )


def test_kharkiv_is_named_left_of_its_centre_from_the_ukraine_view_on() -> None:
    labels = [*city_labels(cities()), *country_labels()]
    for view in ("kharkiv", "ukraine"):
        names = {r["t"]: r for r in place_name_records(labels, VIEW_PRESETS[view].zoom)}
        kharkiv = names["Kharkiv"]
        assert kharkiv["p"] == [36.25272, 49.98081]  # GeoNames 706483 (PLACES.md)
        # the name ends left of the centre: half its estimated width plus a gap
        assert kharkiv["o"][0] < -PLACE_NAME_CHAR_PX * len("Kharkiv") / 2
        assert kharkiv["o"][1] == 0
    for view in ("indo-pacific", "world"):
        assert "Kharkiv" not in {
            r["t"] for r in place_name_records(labels, VIEW_PRESETS[view].zoom)
        }

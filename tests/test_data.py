"""Shipped data: provenance for every file, checksums, validation, sources, hypothetical status."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from mapviz.geodesy import distances_km
from mapviz.paths import DATA_DIR
from mapviz.reference import (
    HYPOTHETICAL_DISCLAIMER,
    deployments,
    launch_sites,
    range_presets,
    reference_strikes,
)

README = (DATA_DIR / "README.md").read_text(encoding="utf-8")
ROOT = Path(__file__).parents[1]
DATA_FILES = sorted(
    p.relative_to(DATA_DIR).as_posix()
    for p in DATA_DIR.rglob("*")
    if p.is_file() and p.name != "README.md"
)


def test_the_package_reads_the_checkouts_data_folder() -> None:
    """In a checkout, the package's data (src/mapviz/data) is the top-level data/ folder."""
    assert DATA_DIR.resolve() == (ROOT / "data").resolve()


def readme_row(name: str) -> list[str]:
    rows = [line for line in README.splitlines() if line.startswith(f"| {name} |")]
    assert len(rows) == 1, f"data/README.md needs exactly one table row for {name}"
    return [cell.strip() for cell in rows[0].strip("|").split("|")]


@pytest.mark.parametrize("name", DATA_FILES)
def test_every_data_file_has_provenance_and_a_matching_checksum(name: str) -> None:
    cells = readme_row(name)
    _, content, source, licence, compiled, crs, transformations, sha256 = cells
    assert all([content, source, licence, crs, transformations])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", compiled)
    path = ROOT / name if name.startswith("static/") else DATA_DIR / name
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert sha256 == digest, f"{name}: README says {sha256}, file is {digest}"


def test_reference_strikes_validate_and_cite_sources() -> None:
    strikes = reference_strikes()
    assert len(strikes) == 5
    assert not strikes["synthetic"].any()
    for row in strikes.itertuples():
        sources = json.loads(row.sources)
        assert any(s["url"] and s["url"].startswith("http") for s in sources), row.id
        assert row.location_precision in {"district", "oblast"}
        assert row.location_radius_km > 0


def test_kharkiv_focus_strikes_are_the_two_reported_ones() -> None:
    strikes = reference_strikes().set_index("id")
    jan = strikes.loc["ua-2024-01-02-kharkiv-shevchenkivskyi"]
    feb = strikes.loc["ua-2024-02-07-kharkiv-slobidskyi"]
    assert jan["casualties"] == "2 killed, 62 injured (RBC-Ukraine); 3 killed, 64 injured (Kostin)"
    assert feb["attribution"] == "changed"
    assert "S-300" in feb["attribution_note"]
    # within 10 km of Kharkiv's centre: the district points are inside the city
    kharkiv = (36.25272, 49.98081)
    matrix = distances_km(
        [jan.geometry.x, feb.geometry.x],
        [jan.geometry.y, feb.geometry.y],
        [kharkiv[0]],
        [kharkiv[1]],
    )
    assert (matrix < 10).all()


def test_launch_sites_are_candidates_in_reported_oblasts() -> None:
    sites = launch_sites()
    assert len({s.id for s in sites}) == len(sites)
    defaults = {s.id for s in sites if s.default_selected}
    assert defaults == {"belgorod", "kursk", "voronezh"}
    for site in sites:
        assert site.uncertainty_km > 0
        assert site.launch_area_basis
        assert 33 < site.point.lon < 41  # western Russia
        assert 47 < site.point.lat < 54


def test_range_presets_cite_each_bound() -> None:
    presets = range_presets()
    assert (presets[0].min_km, presets[0].max_km) == (380, 800)
    for preset in presets:
        assert 0 <= preset.min_km < preset.max_km
        assert "http" in preset.max_source
        assert "http" in preset.min_source or preset.min_source == "No minimum published"


def test_every_deployment_is_hypothetical_and_annotated() -> None:
    frame = deployments()
    assert len(frame) == 6
    assert set(frame["status"]) == {"hypothetical"}
    assert set(frame["disclaimer"]) == {HYPOTHETICAL_DISCLAIMER}
    assert frame["annotation"].str.contains("illustrative").all()
    assert frame.geometry.is_valid.all()
    for sources in frame["sources"]:
        assert json.loads(sources)[0]["url"].startswith("https://")


def test_static_folder_serves_the_layer_cache_only() -> None:
    static = ROOT / "static"
    assert sorted(p.name for p in static.iterdir()) == ["cache"]
    assert not any(p.is_symlink() for p in static.rglob("*"))

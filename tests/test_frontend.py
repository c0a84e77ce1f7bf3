"""The built map component (src/mapviz/map_component/) is the build of frontend/'s sources."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from mapviz.mapcomponent import MAP_COMPONENT_DIR

FRONTEND_DIR = Path(__file__).resolve().parents[1] / "frontend"
SOURCES = [  # as frontend/build.mjs lists them: every file of src/ counts
    "package.json",
    "package-lock.json",
    "build.mjs",
    *sorted(f"src/{path.name}" for path in (FRONTEND_DIR / "src").iterdir()),
]


def test_the_bundle_was_built_from_the_sources_in_the_repository() -> None:
    # frontend/build.mjs writes the SHA-256 of its sources on the bundle's first line
    digest = hashlib.sha256()
    for name in SOURCES:
        digest.update(f"{name}\n".encode())
        digest.update((FRONTEND_DIR / name).read_bytes())
    first_line = (MAP_COMPONENT_DIR / "bundle.js").read_text(encoding="utf-8").split("\n", 1)[0]
    assert first_line == f"/* mapviz map component; sources sha256 {digest.hexdigest()} */", (
        "frontend/ changed since the bundle was built: run `make frontend`"
    )
    assert (MAP_COMPONENT_DIR / "index.html").read_bytes() == (
        FRONTEND_DIR / "src" / "index.html"
    ).read_bytes()


def test_the_map_fetches_nothing_from_outside_the_machine() -> None:
    # the built map names no host at all
    for name in ("index.html", "bundle.js"):
        text = (MAP_COMPONENT_DIR / name).read_text(encoding="utf-8")
        hosts = set(re.findall(r"https?://([A-Za-z0-9.-]+)", text))
        assert not hosts, (name, hosts)
        assert "<link" not in text

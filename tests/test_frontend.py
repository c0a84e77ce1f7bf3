"""The map's JavaScript: the committed bundle is the build of frontend/'s sources, it is linted,
its unit tests pass on fixtures the Python core makes, and it names no host.

The JavaScript checks need Node.js and frontend/node_modules (`make test` installs them with npm
when npm is there); without them they skip with the reason, except under CI=true.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mapviz.mapcomponent import MAP_COMPONENT_DIR
from tools.js_fixtures import FIXTURES, fixtures

FRONTEND_DIR = Path(__file__).resolve().parents[1] / "frontend"
SOURCES = [  # as frontend/build.mjs lists them: every file of src/ counts
    "package.json",
    "package-lock.json",
    "build.mjs",
    *sorted(f"src/{path.name}" for path in (FRONTEND_DIR / "src").iterdir()),
]
NAMED_HOSTS = {"en.wikipedia.org"}
"""Hosts the bundle may name: in deck.gl's error messages, never fetched."""
NODE_TIMEOUT_S = 300


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
    for name in ("index.html", "bundle.js"):
        text = (MAP_COMPONENT_DIR / name).read_text(encoding="utf-8")
        hosts = set(re.findall(r"https?://([A-Za-z0-9.-]+)", text))
        assert hosts <= NAMED_HOSTS, (name, hosts)
        assert "<link" not in text


def test_the_lock_file_records_no_download_addresses() -> None:
    assert '"resolved"' not in (FRONTEND_DIR / "package-lock.json").read_text(encoding="utf-8")


def test_the_javascript_fixtures_are_what_the_core_makes_now() -> None:
    for name, data in fixtures().items():
        assert (FIXTURES / name).read_bytes() == data, (
            f"frontend/test/fixtures/{name} is stale: run `python tools/js_fixtures.py`"
        )


def node_or_skip() -> str:
    """Return the path of node, with frontend/node_modules installed; else skip (fail in CI)."""
    node = shutil.which("node")
    missing = (
        "Node.js is not installed"
        if node is None
        else "frontend/node_modules is missing (`cd frontend && npm ci`)"
        if not (FRONTEND_DIR / "node_modules" / ".package-lock.json").exists()
        else None
    )
    if missing is None and node is not None:
        return node
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true, but {missing}: .ci/run must install it")
    pytest.skip(f"{missing}: the map's JavaScript tests need it")


def run_node(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [node_or_skip(), *args],
        cwd=FRONTEND_DIR,
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT_S,
        check=False,
    )


def test_the_javascript_unit_tests_pass() -> None:
    result = run_node("--test", "test/")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert re.search(r"^# pass [1-9]\d*$", result.stdout, re.MULTILINE), result.stdout[-2000:]
    assert re.search(r"^# fail 0$", result.stdout, re.MULTILINE)


def test_the_javascript_is_linted() -> None:
    result = run_node("node_modules/eslint/bin/eslint.js", ".")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]

"""The server configuration the README promises: safe defaults, stated upload cap."""

from __future__ import annotations

import tomllib
from pathlib import Path

from mapviz import limits

ROOT = Path(__file__).parents[1]
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
README = (ROOT / "README.md").read_text()


def test_safe_defaults() -> None:
    server = CONFIG["server"]
    assert server["enableXsrfProtection"] is True
    assert server["enableStaticServing"] is False  # its route allows any origin
    assert server["runOnSave"] is False
    assert CONFIG["browser"]["gatherUsageStats"] is False
    assert CONFIG["client"]["showErrorDetails"] == "none"  # no tracebacks shown to users
    assert CONFIG["client"]["allowedOrigins"] == []  # no parent frame controls the app


def test_upload_cap_is_stated_in_the_readme() -> None:
    cap_mb = CONFIG["server"]["maxUploadSize"]
    assert cap_mb == limits.MAX_UPLOAD_MB
    assert f"server.maxUploadSize = {cap_mb}" in README
    assert f"{cap_mb} MB" in README


def test_the_readme_states_the_limits_as_mapviz_keeps_them() -> None:
    """README's figures are mapviz.limits' (a limit changed in one place shows in the other)."""
    text = " ".join(README.split())  # a figure may sit at a line's end
    stated = {
        f"{limits.MAX_UPLOAD_MB} MB an upload",
        f"{limits.MAX_COLUMNS:,} columns",
        f"{limits.MAX_ROWS:,} rows",
        f"{limits.MAX_VERTICES:,} vertices",
        f"may take {limits.READ_TIMEOUT_S:.0f} s and {limits.READ_MEMORY_BYTES // 2**30} GB",
        f"at most {limits.MAX_REGION_LOCATIONS:,} distinct strike positions",
        f"over {limits.MAX_TEXT_CHARS:,} characters",
        f"the {limits.TABLE_ROWS:,} nearest are listed",
    }
    assert {figure for figure in stated if figure not in text} == set()


def test_no_full_garbage_collection_after_each_run() -> None:
    # gc.collect(2) after every rerun held each slider move ~95 ms at 100,000 strikes
    # (docs/BENCHMARKS.md); the README's configuration section says so
    assert CONFIG["runner"]["postScriptGC"] is False
    assert "runner.postScriptGC = false" in README

"""The limits mapviz keeps to stay usable and safe for every viewer: one home, each with why.

UI-free. The modules that enforce them import them from here; README's "Limits" section
states them (tests/test_config.py checks the figures it quotes).
"""

from __future__ import annotations

import os
from typing import Final

# --- uploads (mapviz.loaders, mapviz.worker; the size cap is Streamlit's) -----------------------

MAX_UPLOAD_MB: Final = 50
"""Largest upload, in MB: Streamlit's `server.maxUploadSize` (.streamlit/config.toml) says
the same."""
MAX_ROWS: Final = 1_500_000
"""A file of more data lines is refused before it is parsed (memory grows with the rows)."""
MAX_COLUMNS: Final = 2_000
"""A CSV header of more fields is refused before it is parsed (1.2 million columns took 172 s)."""
MAX_VERTICES: Final = 10_000
"""A non-point geometry stands for its strike by a point inside it, found (and repaired if
invalid) only up to this many vertices: repairing a 200 KB self-intersecting polygon took minutes
and gigabytes."""
MAX_PROBLEMS_PER_FIELD: Final = 1000
"""Beyond this many problems with one field, the rest are summed up in one line."""
READ_TIMEOUT_S: Final = float(os.environ.get("MAPVIZ_READ_TIMEOUT_S", "120"))
"""Longest a file may take to read (a 1,000,000-row CSV took 10.5 s; docs/BENCHMARKS.md)."""
READ_MEMORY_BYTES: Final = int(os.environ.get("MAPVIZ_READ_MEMORY_MB", "6144")) * 2**20
"""Address space the reading process may use (its libraries take about 1.5 GB of it)."""

# --- what the page computes and shows -----------------------------------------------------------

MAX_REGION_LOCATIONS: Final = 2_000
"""Most distinct strike locations a launch region is computed for (docs/BENCHMARKS.md: 1,000
locations took 0.6 s, so this many about 1.3 s); more are refused with a message saying so."""
MAX_UNCERTAINTY_KM: Final = 1000.0
"""Largest uncertainty radius of a person's own launch point."""
MAX_TEXT_CHARS: Final = 4000
"""The longest text a link may carry, and the custom launch points' box holds."""
MAX_DISPLAY_CHARS: Final = 300
"""Text from data longer than this is cut (with an ellipsis) in tooltips and labels; the data and
the exports keep it whole."""
TABLE_ROWS: Final = 1000
"""The strike table lists this many strikes, nearest first (the CSV download has them all)."""
WEAPON_CHOICES: Final = 100
"""The weapon filter offers the most frequent this many weapons."""
MAX_SYNTHETIC: Final = 1_000_000
"""Most synthetic strikes MAPVIZ_SYNTHETIC_STRIKES may ask for."""

# --- the layer cache (mapviz.staticcache) --------------------------------------------------------

MAX_CACHE_BYTES: Final = 2 * 2**30
"""The whole cache (its private folders included) is kept under this many bytes: the oldest
files go first, whichever folder they are in."""
MAX_FILES_PER_PREFIX: Final = 256
"""Oldest files of a prefix beyond this many are deleted when a new one of it is written (the
uncertainty circles change with every edit of the launch points, the strike layers only with the
data and filters: one kind never evicts the other)."""

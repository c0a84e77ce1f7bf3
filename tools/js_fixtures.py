"""Write the fixtures of the map's JavaScript tests (frontend/test/) from the Python core.

`python tools/js_fixtures.py` writes frontend/test/fixtures/: rings.json (rings of
`mapviz.geodesy`, with points just inside and just outside each, poles and the antimeridian
included), strikes.bin / strikes.json (`mapviz.records.strike_binary` and what it holds) and
ring_spec.json (what the page sends the map for the default launch points' rings).
tests/test_frontend.py checks that the committed files are what the core makes now, and runs
the JavaScript tests on them (`node --test`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from mapviz.geodesy import GEOD, enclosed_pole, range_ring
from mapviz.mapcomponent import RingSpec, ring_spec
from mapviz.records import strike_binary
from mapviz.reference import launch_sites, reference_strikes
from mapviz.units import DEFAULT_RING_TOLERANCE_M

FIXTURES: Final = Path(__file__).resolve().parents[1] / "frontend" / "test" / "fixtures"
RING_CASES: Final = (  # lon, lat, radius km: what each case is for
    (36.58015, 50.61074, 380.0),  # Belgorod, the default min ring
    (36.58015, 50.61074, 800.0),  # Belgorod, the default max ring
    (179.5, -16.5, 800.0),  # across the antimeridian (Fiji)
    (170.0, 80.0, 1500.0),  # enclosing the North Pole, near the antimeridian
    (-60.0, -85.0, 1000.0),  # enclosing the South Pole
    (0.0, 0.0, 5000.0),  # the largest radius the quality bar names
    (36.58015, 50.61074, 1.0),  # a tiny ring
)
PROBE_AZIMUTHS_DEG: Final = tuple(range(0, 360, 15))
PROBE_OFFSET_M: Final = 2 * DEFAULT_RING_TOLERANCE_M
"""Probes lie this far inside and outside the true circle: twice the rings' tolerance."""


def ring_cases() -> list[dict[str, Any]]:
    """Return each ring case: centre, radius, tolerance, pole, bounds, probes in and out."""
    cases = []
    for lon, lat, radius_km in RING_CASES:
        ring = range_ring(lon, lat, radius_km)
        probes = []
        for azimuth in PROBE_AZIMUTHS_DEG:
            for offset_m, inside in ((-PROBE_OFFSET_M, True), (PROBE_OFFSET_M, False)):
                p_lon, p_lat, _ = GEOD.fwd(lon, lat, azimuth, radius_km * 1000 + offset_m)
                probes.append({"lon": round(p_lon, 9), "lat": round(p_lat, 9), "inside": inside})
        cases.append(
            {
                "lon": lon,
                "lat": lat,
                "radius_km": radius_km,
                "tolerance_m": DEFAULT_RING_TOLERANCE_M,
                "pole": enclosed_pole(lon, lat, radius_km),
                "bounds": [round(b, 6) for b in ring.bounds],
                "probes": probes,
            }
        )
    return cases


def strike_fixture() -> tuple[bytes, dict[str, Any]]:
    """Return the shipped reports as `strike_binary` and, as JSON, what the file holds.

    One more strike, a copy of the first without a date, shows how an undated strike is held.
    """
    shipped = reference_strikes()
    undated = shipped.head(1).assign(id="undated", date=pd.NaT)
    strikes = pd.concat([shipped, undated], ignore_index=True)
    raw = strike_binary(strikes)
    n = len(strikes)
    return raw, {
        "length": n,
        "positions": np.frombuffer(raw, dtype="<f4", count=2 * n).tolist(),
        "radii": np.frombuffer(raw, dtype="<f4", offset=8 * n, count=n).tolist(),
        "colours": np.frombuffer(raw, dtype=np.uint8, offset=12 * n, count=4 * n).tolist(),
        "days": [
            None if np.isnan(d) else d
            for d in np.frombuffer(raw, dtype="<f4", offset=16 * n, count=n).tolist()
        ],
        "dates": [None if pd.isna(d) else d.strftime("%Y-%m-%d") for d in strikes["date"]],
    }


def fixtures() -> dict[str, bytes]:
    """Return every fixture file's name and bytes."""
    raw, held = strike_fixture()
    return {
        "rings.json": json.dumps(ring_cases(), indent=1).encode() + b"\n",
        "strikes.bin": raw,
        "strikes.json": json.dumps(held).encode() + b"\n",
        "ring_spec.json": json.dumps(default_ring_spec(), indent=1).encode() + b"\n",
    }


def default_ring_spec() -> RingSpec:
    """Return what the page sends the map for the default launch points' rings."""
    sites = tuple(site for site in launch_sites() if site.default_selected)
    return ring_spec(sites, tolerance_m=DEFAULT_RING_TOLERANCE_M, show=True, envelopes=True)


def main() -> None:
    """Write the fixtures."""
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name, data in fixtures().items():
        (FIXTURES / name).write_bytes(data)
        print(f"{FIXTURES / name}: {len(data)} bytes")


if __name__ == "__main__":
    main()

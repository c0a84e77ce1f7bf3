"""Generated strike reports for tests and benchmarks; every record says it is synthetic.

Never used by the default dashboard: the app loads it only when MAPVIZ_SYNTHETIC_STRIKES=N is set.
"""

from __future__ import annotations

import json
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from mapviz.model import ATTRIBUTIONS, CRS, LOCATION_RADIUS_KM

KHARKIV: Final = (36.25272, 49.98081)  # city centre, GeoNames 706483
UKRAINE_BOX: Final = (23.0, 45.5, 40.0, 52.0)  # lon/lat box the context points are drawn from
KHARKIV_SHARE: Final = 0.7
KHARKIV_SPREAD_DEG: Final = 0.12
SYNTHETIC_SOURCE: Final = json.dumps(
    [{"publisher": "mapviz synthetic generator", "url": None, "date": None}]
)


def synthetic_strikes(count: int, *, seed: int = 0) -> gpd.GeoDataFrame:
    """Return `count` synthetic strike reports: 70% around Kharkiv, the rest across Ukraine.

    Every record has `synthetic=True`, an id starting with "synthetic-" and place "SYNTHETIC".

    Parameters
    ----------
    count : int
        How many.
    seed : int
        The random generator's seed (the same seed gives the same strikes).

    Returns
    -------
    GeoDataFrame
        Strikes in the columns of `mapviz.model.STRIKE_COLUMNS`.
    """
    rng = np.random.default_rng(seed)
    near = rng.random(count) < KHARKIV_SHARE
    lon = np.where(
        near,
        rng.normal(KHARKIV[0], KHARKIV_SPREAD_DEG, count),
        rng.uniform(UKRAINE_BOX[0], UKRAINE_BOX[2], count),
    )
    lat = np.where(
        near,
        rng.normal(KHARKIV[1], KHARKIV_SPREAD_DEG, count),
        rng.uniform(UKRAINE_BOX[1], UKRAINE_BOX[3], count),
    )
    days = rng.integers(0, 730, count)
    precision = rng.choice(["exact", "district", "city", "oblast"], count)
    frame = pd.DataFrame(
        {
            "id": [f"synthetic-{i:06d}" for i in range(1, count + 1)],
            "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D"),
            "date_precision": "day",
            "time_local": "",
            "place": "SYNTHETIC",
            "admin1": np.where(near, "SYNTHETIC Kharkiv area", "SYNTHETIC Ukraine"),
            "admin2": "",
            "location_precision": precision,
            "location_radius_km": pd.Series(precision).map(LOCATION_RADIUS_KM).astype(float),
            "location_note": "synthetic record, generated for tests and benchmarks",
            "target": "SYNTHETIC",
            "casualties": "SYNTHETIC",
            "weapon": "SYNTHETIC",
            "attribution": rng.choice(list(ATTRIBUTIONS), count),
            "attribution_note": "synthetic",
            "sources": SYNTHETIC_SOURCE,
            "synthetic": True,
            "source_row": np.arange(1, count + 1, dtype=np.int64),
        }
    )
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs=CRS)

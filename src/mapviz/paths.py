"""Where the installed package keeps its shipped data (`mapviz/data`): one home for file paths.

In a checkout `src/mapviz/data` is a link to the top-level data/ folder; a wheel or `pip install .`
carries copies of its files, so the package reads the same files from any working directory.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Final


def package_data() -> Path:
    """Return the folder of the data shipped with the package.

    Returns
    -------
    pathlib.Path
        `mapviz/data` inside the installed package.

    Raises
    ------
    RuntimeError
        If the package is not installed as files (a zip import), which mapviz does not support:
        GDAL and the app's server read the data by path.
    """
    folder = resources.files("mapviz") / "data"
    if not isinstance(folder, Path):
        raise RuntimeError("mapviz reads its data by path: install it as files, not as a zip")
    return folder


DATA_DIR: Final = package_data()
NATURAL_EARTH_DIR: Final = DATA_DIR / "naturalearth"

"""mapviz: geodesic range rings, strike reports and hypothetical overlays on one map.

The package is UI-free: every module here can be imported and used without Streamlit.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mapviz")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]

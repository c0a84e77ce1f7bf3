"""Maintainer and test tools: basemap build, browser driving (not part of the package)."""

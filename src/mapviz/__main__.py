"""Command line: rebuild the dashboard's layer files without a browser.

    python -m mapviz export --out DIR [--min-km KM] [--max-km KM]
        [--site "name=NAME,lat=LAT,lon=LON[,uncertainty_km=U]"]... [--strikes FILE]
        [--format geojson|gpkg|kml|csv]...

Exit codes: 0 ok, 2 bad arguments or a bad input file (with row-level messages).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from mapviz import __version__
from mapviz.analysis import Params
from mapviz.errors import MapvizError, ParameterError
from mapviz.export import build_layers, provenance, sha256_hex, shipped_inputs, write_exports
from mapviz.geodesy import LonLat
from mapviz.loaders import read_strikes
from mapviz.reference import LaunchSite, launch_sites, reference_strikes

FORMATS = ("geojson", "gpkg", "kml", "csv")
EXIT_BAD_INPUT = 2


def parse_site(text: str) -> LaunchSite:
    """Parse "name=NAME,lat=LAT,lon=LON[,uncertainty_km=U]" into a user-defined LaunchSite."""
    fields: dict[str, str] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep:
            raise ParameterError(f"--site {text!r}: {part!r} is not key=value")
        fields[key.strip().lower()] = value.strip()
    unknown = set(fields) - {"name", "lat", "lon", "uncertainty_km"}
    missing = {"name", "lat", "lon"} - set(fields)
    if unknown or missing:
        raise ParameterError(
            f"--site {text!r}: needs name, lat and lon (optional uncertainty_km); "
            f"missing {sorted(missing)}, unknown {sorted(unknown)}"
        )
    try:
        lat, lon = float(fields["lat"]), float(fields["lon"])
        uncertainty_km = float(fields.get("uncertainty_km", "0"))
    except ValueError as exc:
        raise ParameterError(
            f"--site {text!r}: lat, lon and uncertainty_km must be numbers"
        ) from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 <= uncertainty_km <= 1000):  # noqa: PLR2004
        raise ParameterError(
            f"--site {text!r}: need lat in [-90, 90], lon in [-180, 180]"
            ", uncertainty_km in [0, 1000]"
        )
    slug = re.sub(r"[^a-z0-9]+", "-", fields["name"].lower()).strip("-") or "site"
    return LaunchSite(
        id=f"user-{slug}",
        name=fields["name"],
        point=LonLat(lon, lat),
        uncertainty_km=uncertainty_km,
    )


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of `python -m mapviz`."""
    parser = argparse.ArgumentParser(
        prog="python -m mapviz",
        description="Geodesic range rings, strike reports and hypothetical overlays, as files.",
    )
    parser.add_argument("--version", action="version", version=f"mapviz {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser(
        "export",
        help="write the layers the dashboard offers for download",
        description="Write strikes, rings, launch_sites and deployments layers with provenance.",
    )
    export.add_argument("--out", type=Path, required=True, help="output folder (created if needed)")
    export.add_argument("--min-km", type=float, default=380.0, help="minimum range in km (0: none)")
    export.add_argument("--max-km", type=float, default=800.0, help="maximum range in km")
    export.add_argument(
        "--site",
        action="append",
        default=[],
        metavar="name=NAME,lat=LAT,lon=LON[,uncertainty_km=U]",
        help="a launch point (repeatable); without it the default candidate sites are used",
    )
    export.add_argument(
        "--strikes", type=Path, help="your own strike reports instead of the shipped ones"
    )
    export.add_argument(
        "--format",
        action="append",
        choices=FORMATS,
        help="output format (repeatable; default: all)",
    )
    return parser


def run_export(args: argparse.Namespace) -> int:
    """Build and write the layers; return the exit code."""
    sites = (
        tuple(parse_site(s) for s in args.site)
        if args.site
        else tuple(s for s in launch_sites() if s.default_selected)
    )
    params = Params(min_km=args.min_km, max_km=args.max_km, sites=sites)
    inputs = shipped_inputs()
    if args.strikes:
        result = read_strikes(args.strikes)
        for problem in result.problems:
            print(f"{args.strikes.name}: {problem}", file=sys.stderr)
        strikes = result.strikes
        inputs[args.strikes.name] = sha256_hex(args.strikes.read_bytes())
    else:
        strikes = reference_strikes()
    layers = build_layers(strikes, params)
    formats = tuple(args.format or FORMATS)
    for path in write_exports(args.out, layers, provenance(params, inputs), formats):
        print(path)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m mapviz`."""
    args = build_parser().parse_args(argv)
    try:
        return run_export(args)
    except MapvizError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())

"""Command line: rebuild the dashboard's layer files without a browser.

    python -m mapviz export --out DIR [--min-km KM] [--max-km KM]
        [--site "name=NAME,lat=LAT,lon=LON[,uncertainty_km=U]"]... [--strikes FILE]
        [--format geojson|gpkg|kml|csv]... [--launch-region]

Exit codes: 0 ok, 2 bad arguments or a bad input file (with row-level messages).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from mapviz import __version__
from mapviz.analysis import Params
from mapviz.errors import MapvizError
from mapviz.export import build_layers, provenance, sha256_hex, shipped_inputs, write_exports
from mapviz.loaders import read_strikes
from mapviz.reference import launch_sites, parse_site, reference_strikes

FORMATS = ("geojson", "gpkg", "kml", "csv")
EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of `python -m mapviz`.

    Returns
    -------
    argparse.ArgumentParser
        The parser of the `export` command and its options.
    """
    parser = argparse.ArgumentParser(
        prog="python -m mapviz",
        description="Geodesic range rings, strike reports and hypothetical overlays, as files.",
    )
    parser.add_argument("--version", action="version", version=f"mapviz {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser(
        "export",
        help="write the layers the dashboard offers for download",
        description="Write the strikes, rings, launch_sites, deployments and cities_in_range "
        "layers (and launch_region if asked for) with provenance.",
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
        "--launch-region",
        action="store_true",
        help="also write launch_region: where a launcher with this range could reach every "
        "strike (reach_all) or at least one (reach_any)",
    )
    export.add_argument(
        "--format",
        action="append",
        choices=FORMATS,
        help="output format (repeatable; default: all)",
    )
    return parser


def run_export(args: argparse.Namespace) -> int:
    """Build the layers the arguments ask for and write them in each format.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed arguments of the `export` command.

    Returns
    -------
    int
        The exit code: 0. Each written file's path is printed, and each problem of the strikes
        file on standard error.
    """
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
    layers = build_layers(strikes, params, with_region=args.launch_region)
    formats = tuple(args.format or FORMATS)
    for path in write_exports(args.out, layers, provenance(params, inputs), formats):
        print(path)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run `python -m mapviz`.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: the command line's).

    Returns
    -------
    int
        The exit code: 0, or `EXIT_BAD_INPUT` when the input cannot be used or a file cannot be
        written (said on standard error).
    """
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

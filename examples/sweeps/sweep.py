#!/usr/bin/env python3
"""Run a design-space sweep: sweep.py SWEEP.yaml [-o OUT.csv] [--resume] [--scheduler ADDRESS]

Points run on local processes by default, or on a Dask distributed cluster with --scheduler
(its workers need `monet` importable: PYTHONPATH=<repo>/build/python). Rows stream to the CSV
as points complete; after an interruption, --resume runs only the missing points.
"""

import argparse
import os
import sys

try:
    import monet
except ImportError:  # run from a checkout: use the build tree's package
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                    "build", "python"))
    import monet

import monet.sweep


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sweep", help="sweep file (examples/sweeps/README.md)")
    ap.add_argument("-o", "--out", help="CSV file (default: out/sweeps/NAME.csv)")
    ap.add_argument("--scheduler", metavar="ADDRESS",
                    help="Dask scheduler address (tcp://host:8786); default: local processes")
    ap.add_argument("-j", "--workers", type=int, default=None,
                    help="local worker processes (default: CPU count)")
    ap.add_argument("--resume", action="store_true", help="skip the points already in the CSV")
    ap.add_argument("--overwrite", action="store_true", help="start the CSV afresh")
    ap.add_argument("--limit", type=int, default=None, help="run at most this many points")
    ap.add_argument("--list", action="store_true", help="print the points and exit")
    ap.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = ap.parse_args(argv)
    try:
        sweep = monet.sweep.load(args.sweep)
        if args.list:
            for p in sweep.points():
                print(p["index"], p["key"], monet.sweep._describe(p["params"]))
            return 0
        out = args.out or os.path.join("out", "sweeps", sweep.name + ".csv")
        counts = monet.sweep.run(sweep, out, workers=args.workers, scheduler=args.scheduler,
                                 resume=args.resume, overwrite=args.overwrite,
                                 progress=not args.no_progress, limit=args.limit)
    except monet.MonetError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"sweep {sweep.name}: {counts['total']} points, {counts['skipped']} already done, "
          f"{counts['ran']} run ({counts['errors']} errors) -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Measure the offline basemap's place names: HTML bytes and time to build, per extent.

Usage::

    python benchmarks/labels.py [--size 1000000] [--seed 42]

The label layer does not depend on how many incidents a map has, only on their extent (places
beyond it and its margin are left out unless they are capitals or of a million people), so this
measures it for the extent of ``size`` generated incidents (:mod:`geoevents.testing.synthetic`),
for the whole world (the largest a label layer gets) and for a map with no drawable incident.
The figures are recorded in docs/benchmarks.md; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import time

from geoevents.render.labels import BasemapLabels, label_places
from geoevents.testing import synthetic


def extent(size: int, seed: int) -> list[list[float]]:
    """``[[south, west], [north, east]]`` of ``size`` generated incidents."""
    gdf = synthetic.incidents(size, seed=seed)
    west, south, east, north = (float(v) for v in gdf.total_bounds)
    return [[south, west], [north, east]]


def main() -> None:
    """Print one line per extent: places, UTF-8 bytes of the label block, seconds to build."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    label_places(None)  # read the tables once, outside the timings
    cases = {
        f"{args.size} synthetic incidents": extent(args.size, args.seed),
        "the whole world": [[-85.0, -180.0], [85.0, 180.0]],
        "no drawable incident": None,
    }
    for name, bounds in cases.items():
        started = time.perf_counter()
        labels = BasemapLabels(bounds)
        size = len(labels.data.encode("utf-8"))
        took = time.perf_counter() - started
        print(f"{name}: {len(labels.places)} labels, {size / 1e6:.2f} MB of HTML, {took:.2f} s")


if __name__ == "__main__":
    main()

"""Write seeded synthetic incidents for the benchmarks: the schema, or ACLED's CSV layouts.

Usage::

    python benchmarks/generate.py 10000 100000 [--seed 42] [--formats geojson,parquet]
                                               [--shape clean|dirty] [--out benchmarks/data]
                                               [--force]

For each size it writes ``incidents-<size>-seed<seed>`` plus the format's suffix under
``benchmarks/data/`` (git-ignored: generated data is never committed): ``.geojson`` (compact, one
feature per line), ``.parquet`` (by ``geoevents.write_incidents``, exactly what geoevents itself
writes), ``.acled-export.csv`` or ``.acled-api.csv`` (ACLED's layouts, for the import
benchmarks). A file that already exists is kept, so the runner can call this for every size and
pay only once; ``--force`` rewrites it. The same size and seed always give the same bytes.

The incidents are :mod:`geoevents.testing.synthetic`'s (see there for what they look like).
``--shape dirty`` writes ``incidents-<size>-seed<seed>-dirty...``: the same incidents made messy
by :func:`geoevents.testing.synthetic.dirty` (most points outside the country they name, so
most rows draw a plausibility warning; 1 % of the rows invalid). Above 1,000,000 incidents the
``.parquet`` is a directory store of 1,000,000-incident parts (seed + k each).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from geoevents.testing import synthetic

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
FORMATS = {
    "geojson": ".geojson",
    "parquet": ".parquet",
    "acled-export": ".acled-export.csv",
    "acled-api": ".acled-api.csv",
}


SHAPES = ("clean", "dirty")


def data_path(size: int, seed: int, fmt: str, out: Path = DATA, shape: str = "clean") -> Path:
    """Return where the incidents of ``size`` and ``seed`` in ``fmt`` are (or will be) written."""
    tail = "" if shape == "clean" else f"-{shape}"
    return out / f"incidents-{size}-seed{seed}{tail}{FORMATS[fmt]}"


def _write(fmt: str, size: int, seed: int, dest: Path, shape: str = "clean") -> None:
    if shape == "dirty":
        if fmt.startswith("acled-"):
            raise SystemExit("the dirty shape is written as geojson or parquet")
        import geoevents

        geoevents.write_incidents(synthetic.dirty(synthetic.incidents(size, seed), seed), dest)
    elif fmt.startswith("acled-"):
        synthetic.write_acled(dest, size, seed, layout=fmt.removeprefix("acled-"))
    elif fmt == "geojson":
        synthetic.write_geojson(synthetic.incident_columns(size, seed), dest)
    elif size > PART:
        _write_parts(size, seed, dest)
    else:
        import geoevents

        geoevents.write_incidents(synthetic.incidents(size, seed), dest)


#: Above this many incidents a GeoParquet store is a directory of parts of this size.
PART = 1_000_000


def _write_parts(size: int, seed: int, dest: Path) -> None:
    """A GeoParquet store of ``size`` incidents as a directory of 1,000,000-incident parts
    (part ``k`` drawn from seed ``seed + k``, its ids prefixed ``p<k>-``), so that generating
    5,000,000 needs the memory of one part."""
    import geoevents

    dest.mkdir()
    for k, start in enumerate(range(0, size, PART)):
        part = synthetic.incidents(min(PART, size - start), seed + k)
        part["id"] = [f"p{k}-{i}" for i in part["id"]]
        geoevents.write_incidents(part, dest / f"part-{k}.parquet")
        del part


def generate(
    size: int,
    seed: int,
    formats: list[str],
    out: Path = DATA,
    force: bool = False,
    shape: str = "clean",
) -> list[Path]:
    """Write the missing files of ``size`` incidents; return the paths of every format asked."""
    paths = [data_path(size, seed, fmt, out, shape) for fmt in formats]
    todo = [(fmt, p) for fmt, p in zip(formats, paths, strict=True) if force or not p.exists()]
    if todo:
        out.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    for fmt, dest in todo:
        # Written aside and renamed, so that an interrupted run leaves no file to be reused.
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp{dest.suffix}")
        try:
            _write(fmt, size, seed, tmp, shape)
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
        mb = dest.stat().st_size / 1e6
        print(f"wrote {dest} ({mb:.1f} MB, {time.perf_counter() - began:.1f} s)", file=sys.stderr)
    return paths


def _sizes(text: str) -> list[int]:
    return [int(s.replace("_", "")) for s in text.split(",") if s]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="+", help="numbers of incidents (e.g. 10000 100_000)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument(
        "--formats",
        default="geojson,parquet",
        help=f"comma-separated: {', '.join(FORMATS)} (default geojson,parquet)",
    )
    parser.add_argument(
        "--shape", choices=SHAPES, default="clean", help="clean (default) or dirty data"
    )
    parser.add_argument("--out", type=Path, default=DATA, help="folder (default benchmarks/data)")
    parser.add_argument("--force", action="store_true", help="rewrite files that exist")
    args = parser.parse_args(argv)
    formats = [f for f in args.formats.split(",") if f]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        parser.error(f"unknown format(s) {', '.join(unknown)}; use {', '.join(FORMATS)}")
    for text in args.sizes:
        for size in _sizes(text):
            for path in generate(size, args.seed, formats, args.out, args.force, args.shape):
                print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

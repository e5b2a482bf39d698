"""Filter + stats + aggregate on a partitioned store: in-process against a Dask LocalCluster.

Usage::

    python benchmarks/cluster.py 2000000 20000000 [--workers 2] [--out /tmp/geoevents-cluster]
                                  [--in-process-max 5000000] [--commands filter,stats,aggregate]

For each size it generates (once; never committed) a hive-partitioned GeoParquet store of
synthetic incidents under ``--out`` with ``bulk_store.py`` (vectorised):
``bulk-<size>/year=YYYY/month=MM/part-0.parquet``, one file per month of 2017-2024 (so a
partition holds about ``size / 96`` incidents). It then times three
commands, in-process and with ``--scheduler`` on a ``LocalCluster`` of ``--workers`` worker
processes (one thread each):

- ``filter --start 2023-07 --type Battles -o out.parquet``
- ``stats --by month --start 2022 --country SYR``
- ``aggregate --by hex --start 2022-01 --end 2022-12 -o out.csv``

and prints a Markdown table: seconds per command, the peak memory of the in-process run and
of each worker (VmHWM of every worker process), as docs/benchmarks.md records it. In-process
runs are skipped above ``--in-process-max`` incidents (the whole store is loaded into memory).
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import time
from pathlib import Path

from bulk_store import generate  # this folder is on sys.path when the script runs

COMMANDS = {
    "filter": ["filter", "--start", "2023-07", "--type", "Battles", "-o", "{tmp}/out.parquet"],
    "stats": ["stats", "--by", "month", "--start", "2022", "--country", "SYR"],
    "aggregate": [
        *("aggregate", "--by", "hex", "--start", "2022-01", "--end", "2022-12"),
        *("-o", "{tmp}/out.csv"),
    ],
}


def _in_process(args: list[str]) -> tuple[float, int]:
    """Seconds and peak RSS (bytes) of one command in a fresh interpreter."""
    code = (
        "import resource, sys, time; from geoevents.console import main; "
        "sys.argv = ['geoevents', *sys.argv[1:]]; t = time.perf_counter()\n"
        "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
        "print('BENCH', time.perf_counter() - t, "
        "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, code, file=sys.stderr)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    line = [x for x in out.stderr.splitlines() if x.startswith("BENCH")][-1].split()
    if line[3] not in ("0", "None"):
        raise SystemExit(f"in-process {args} failed: {out.stderr[-2000:]}")
    return float(line[1]), int(line[2])


def _peak_rss() -> int:
    """This worker process's peak resident memory (VmHWM), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def _on_cluster(address: str, args: list[str]) -> float:
    from click.testing import CliRunner

    from geoevents.cli import cli

    started = time.perf_counter()
    result = CliRunner().invoke(cli, [*args, "--scheduler", address])
    if result.exit_code:
        raise SystemExit(f"cluster {args} failed: {result.stderr[-2000:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("/tmp/geoevents-cluster"))
    parser.add_argument("--in-process-max", type=int, default=5_000_000)
    parser.add_argument("--commands", default=",".join(COMMANDS), help="filter,stats,aggregate")
    opts = parser.parse_args()
    from distributed import Client, LocalCluster

    opts.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in opts.sizes:
        store = generate(size, opts.out)
        files = len(list(store.rglob("*.parquet")))
        gb = sum(f.stat().st_size for f in store.rglob("*.parquet")) / 1e9
        tmp = opts.out / "tmp"
        tmp.mkdir(exist_ok=True)
        for name in opts.commands.split(","):
            template = COMMANDS[name]
            args = [name if a == name else a.format(tmp=tmp) for a in template]
            args.insert(1, str(store))
            here = None
            if size <= opts.in_process_max:
                here = _in_process([*args, "--force"] if name != "stats" else args)
            # A fresh cluster per command: each worker's peak memory is that command's.
            with (
                LocalCluster(
                    n_workers=opts.workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=":0",  # any free port: 8787 may be taken
                    silence_logs=logging.ERROR,
                    memory_limit=0,
                ) as cluster,
                Client(cluster) as client,
            ):
                client.wait_for_workers(opts.workers)
                client.run(lambda: __import__("geoevents.cluster.partitions"))
                seconds = _on_cluster(
                    cluster.scheduler_address, [*args, "--force"] if name != "stats" else args
                )
                peaks = sorted(client.run(_peak_rss).values())
            rows.append(
                {
                    "incidents": size,
                    "files": files,
                    "GB": round(gb, 2),
                    "command": name,
                    "in_process_s": None if here is None else round(here[0], 1),
                    "in_process_peak_GB": None if here is None else round(here[1] / 1e9, 2),
                    "cluster_s": round(seconds, 1),
                    "worker_peak_GB": [round(p / 1e9, 2) for p in peaks],
                }
            )
            print(json.dumps(rows[-1]), file=sys.stderr)
    print(
        "| incidents | files (GB) | command | in-process s | in-process peak | "
        f"{opts.workers} workers s | peak per worker |"
    )
    print("|---:|---:|---|---:|---:|---:|---|")
    for r in rows:
        here_s = "-" if r["in_process_s"] is None else f"{r['in_process_s']}"
        here_m = "-" if r["in_process_peak_GB"] is None else f"{r['in_process_peak_GB']} GB"
        peaks = ", ".join(f"{p} GB" for p in r["worker_peak_GB"])
        print(
            f"| {r['incidents']:,} | {r['files']} ({r['GB']}) | {r['command']} | {here_s} | "
            f"{here_m} | {r['cluster_s']} | {peaks} |"
        )


if __name__ == "__main__":
    main()

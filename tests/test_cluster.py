"""`--scheduler`: every command on a real Dask LocalCluster (two worker processes on loopback)
gives what the same command gives in-process, a lost worker included (docs/cluster.md)."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from distributed import Client, LocalCluster

from geoevents.cli import cli
from geoevents.io.parquet import write_partitioned
from geoevents.testing import synthetic
from geoevents.testing.cluster import KillOnce


@pytest.fixture(scope="module")
def cluster():
    with (
        LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=":0",  # any free port: 8787 may be taken
            silence_logs=logging.ERROR,
        ) as local,
        Client(local) as client,
    ):
        yield local.scheduler_address, client


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """Eight year partitions of synthetic incidents, a few of them hostile text."""
    dest = tmp_path_factory.mktemp("cluster") / "store"
    write_partitioned(synthetic.incidents(1500, seed=7, hostile=12), dest, "year")
    return dest


def _rewrite(part: Path, change) -> None:
    table = pq.read_table(part)
    frame = table.to_pandas(types_mapper=pd.ArrowDtype)
    change(frame)
    out = pa.Table.from_pandas(frame, preserve_index=False).cast(table.schema)
    pq.write_table(out, part)


@pytest.fixture(scope="module")
def bad_store(store, tmp_path_factory) -> Path:
    """The store with an unknown event type in 2019 and a 2018 id used again in 2021."""
    dest = tmp_path_factory.mktemp("bad") / "store"
    shutil.copytree(store, dest)
    ident = pq.read_table(dest / "year=2018" / "part-0.parquet")["id"][3].as_py()

    def bad_type(frame):
        frame.loc[5, "event_type"] = "Skirmish"

    def same_id(frame):
        frame.loc[2, "id"] = ident

    _rewrite(dest / "year=2019" / "part-0.parquet", bad_type)
    _rewrite(dest / "year=2021" / "part-0.parquet", same_id)
    return dest


def _run(*args, scheduler: str | None = None):
    argv = [str(a) for a in args] + (["--scheduler", scheduler] if scheduler else [])
    return CliRunner().invoke(cli, argv, catch_exceptions=False)


def _same(*args, scheduler: str):
    """Run in-process and on the cluster; both results, checked equal on stdout and exit."""
    here, there = _run(*args), _run(*args, scheduler=scheduler)
    assert there.exit_code == here.exit_code, there.stderr
    assert there.stdout == here.stdout
    return here, there


FILTERS = [
    [],
    ["--start", "2019-03", "--end", "2022-06", "--type", "Battles", "--bbox", "30,25,50,40"],
]


@pytest.mark.parametrize("filters", FILTERS)
def test_list_is_the_in_process_selection(cluster, store, filters):
    here, _ = _same("list", store, "--format", "csv", *filters, scheduler=cluster[0])
    assert len(here.stdout.splitlines()) > 1


def test_stats_are_the_in_process_counts(cluster, store):
    for by, fmt in (("week", "table"), ("month", "json"), ("actor", "json")):
        _same(
            "stats", store, "--by", by, "--format", fmt, "--start", "2018-07", scheduler=cluster[0]
        )


@pytest.mark.parametrize(
    "args",
    [
        ["--by", "hex", "--start", "2020-01", "--end", "2020-12"],
        ["--by", "country", "--window", "3m"],
    ],
)
def test_aggregates_are_the_in_process_ones(cluster, store, tmp_path, args):
    here = tmp_path / "here.csv"
    there = tmp_path / "there.csv"
    a = _run("aggregate", store, "-o", here, *args)
    b = _run("aggregate", store, "-o", there, *args, scheduler=cluster[0])
    assert (a.exit_code, b.exit_code) == (0, 0), b.stderr
    assert there.read_text() == here.read_text()
    # The last line is the command's summary (the scheduler, in this process, logs too).
    summary = b.stderr.splitlines()[-1].replace(str(there), "")
    assert summary == a.stderr.splitlines()[-1].replace(str(here), "")


def test_filter_writes_the_same_store(cluster, store, tmp_path):
    here, there = tmp_path / "here.geojson", tmp_path / "there.geojson"
    _run("filter", store, "--start", "2021", "-o", here)
    _run("filter", store, "--start", "2021", "-o", there, scheduler=cluster[0])
    assert there.read_bytes() == here.read_bytes()


def test_validate_reports_the_same_problems(cluster, bad_store):
    here, there = _same("validate", bad_store, "--all", scheduler=cluster[0])
    assert here.exit_code == 4
    assert "Skirmish" in there.stdout and "is also used by feature" in there.stdout
    a = json.loads(_run("validate", bad_store, "--format", "json").stdout)
    b = json.loads(_run("validate", bad_store, "--format", "json", scheduler=cluster[0]).stdout)
    # The order found is partition by partition on a cluster; the problems are the same.
    key = lambda p: (p["index"], p["field"] or "", p["message"])  # noqa: E731
    assert sorted(b["problems"], key=key) == sorted(a["problems"], key=key)
    assert (b["ok"], b["count"]) == (a["ok"], a["count"])


def test_a_partition_with_errors_is_named(cluster, bad_store):
    here, there = _same("list", bad_store, scheduler=cluster[0])
    assert here.exit_code == 4
    assert "year=2019/part-0.parquet row 5" in there.stderr
    assert "year=2021/part-0.parquet row 2" in there.stderr
    # Skipping them leaves out the same incidents.
    _same("list", bad_store, "--skip-invalid", "--format", "csv", scheduler=cluster[0])


def test_empty_selection_names_the_filter(cluster, store):
    args = ["list", store, "--start", "2019", "--text", "zqxjzqxj"]
    here, there = _same(*args, scheduler=cluster[0])
    assert here.exit_code == 5
    assert here.stderr.splitlines()[-1] in there.stderr.splitlines()


def test_map_brings_the_points_or_names_a_filter(cluster, store, tmp_path):
    here, there = tmp_path / "here.html", tmp_path / "there.html"
    args = ["--start", "2023", "--timestamp", "now"]
    assert _run("map", store, "-o", here, *args).exit_code == 0
    result = _run("map", store, "-o", there, *args, scheduler=cluster[0])
    assert result.exit_code == 0, result.stderr
    assert there.read_bytes() == here.read_bytes()
    refused = _run(
        "map", store, "-o", tmp_path / "no.html", "--max-points", "500", scheduler=cluster[0]
    )
    assert refused.exit_code == 1
    assert "1,500 incidents match" in refused.stderr and "--start 20" in refused.stderr
    assert not (tmp_path / "no.html").exists()


def test_file_urls_and_the_environment_variable(cluster, store, monkeypatch):
    here = _run("list", store, "--format", "csv", "--start", "2022")
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", cluster[0])
    there = CliRunner().invoke(cli, ["list", store.as_uri(), "--format", "csv", "--start", "2022"])
    assert there.exit_code == 0, there.stderr
    assert there.stdout == here.stdout


def test_a_store_of_another_format_is_refused_in_one_line(cluster):
    small = Path(__file__).parent / "fixtures" / "small.geojson"
    result = _run("stats", small, scheduler=cluster[0])
    assert result.exit_code == 2
    assert "a cluster reads GeoParquet stores, not geojson" in result.stderr


def test_a_scheduler_that_is_not_there_is_one_line(store):
    # In a process of its own, as a user runs it: in this one the module's LocalCluster logs
    # (e.g. "event loop was unresponsive" under load) could land in a CliRunner's stderr.
    env = {k: v for k, v in os.environ.items() if k != "DASK_SCHEDULER_ADDRESS"}
    result = subprocess.run(
        [sys.executable, "-m", "geoevents", "list", str(store), "--scheduler", "tcp://127.0.0.1:9"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 9
    assert result.stderr.startswith("Error: tcp://127.0.0.1:9: no Dask scheduler answers there")
    assert len(result.stderr.splitlines()) == 1


def test_a_worker_lost_mid_run_is_retried(cluster, store, tmp_path):
    address, client = cluster
    marker = tmp_path / "killed"
    client.register_plugin(KillOnce(marker, "read_partition"))
    try:
        _, there = _same("list", store, "--format", "csv", "--end", "2020", scheduler=address)
    finally:
        client.unregister_worker_plugin(KillOnce.name)
    assert marker.exists()  # a worker was ended while it read a partition
    assert there.exit_code == 0


GDELT = Path(__file__).parent / "fixtures" / "ingest" / "20191231150000.export.CSV"


def _gdelt_files(folder: Path, months: range) -> Path:
    """One GDELT export file per month of 2019 (the fixture's events, new ids and dates)."""
    folder.mkdir(exist_ok=True)
    lines = GDELT.read_text(encoding="utf-8").splitlines()
    for month in months:
        out = []
        for line in lines:
            cols = line.split("\t")
            cols[0] = str(int(cols[0]) + 1000 * month)
            cols[1] = f"2019{month:02d}15"
            out.append("\t".join(cols))
        (folder / f"2019{month:02d}15000000.export.CSV").write_text("\n".join(out) + "\n")
    return folder


def test_import_many_gdelt_files_is_idempotent(cluster, tmp_path):
    src = _gdelt_files(tmp_path / "gdelt", range(1, 4))
    here, there = tmp_path / "here", tmp_path / "there"
    args = ["import", "gdelt", src, "--partition-by", "year,month"]
    a = _run(*args, "-o", here)
    b = _run(*args, "-o", there, scheduler=cluster[0])
    assert (a.exit_code, b.exit_code) == (0, 0), b.stderr
    assert "[3/3]" in b.stderr and "3 sources imported (15 incidents)" in b.stdout
    assert sorted(p.name for p in there.iterdir()) == [
        "_geoevents_import.json",
        "year=2019",
    ]
    assert len(list(there.glob("year=2019/month=*/*.parquet"))) == 3
    assert (
        _run("list", there, "--format", "csv").stdout
        == _run("list", here, "--format", "csv").stdout
    )
    # A re-run skips what is there; a new month's file is all that is imported.
    _gdelt_files(src, range(4, 5))
    again = _run(*args, "-o", there, scheduler=cluster[0])
    assert "1 source imported (5 incidents), 3 already imported" in again.stdout
    assert len(json.loads((there / "_geoevents_import.json").read_text())["sources"]) == 4


def test_a_failed_import_leaves_the_store_as_it_was(cluster, tmp_path):
    src = _gdelt_files(tmp_path / "gdelt", range(1, 3))
    store = tmp_path / "store"
    args = ["import", "gdelt", src, "-o", store, "--partition-by", "year"]
    assert _run(*args, scheduler=cluster[0]).exit_code == 0
    before = sorted(p.relative_to(store) for p in store.rglob("*"))
    (src / "20190601000000.export.CSV").write_bytes(b"\xff\xfe not a GDELT file\n")
    _gdelt_files(src, range(7, 8))
    failed = _run(*args, scheduler=cluster[0])
    assert failed.exit_code == 3, failed.stderr
    assert "20190601000000.export.CSV" in failed.stderr
    assert sorted(p.relative_to(store) for p in store.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# -- the combining functions, without a cluster ---------------------------------------------------


@pytest.mark.parametrize("by", ["day", "week", "month", "year", "country", "actor"])
def test_stats_of_parts_merge_into_the_stats_of_the_whole(by):
    from geoevents.stats import incident_stats, merge_stats

    gdf = synthetic.incidents(400, seed=3).sort_values("date_start").reset_index(drop=True)
    # Two parts with a gap between them: the periods in the gap are listed as zero.
    first, second = gdf.iloc[:150], gdf.iloc[250:]
    whole = pd.concat([first, second], ignore_index=True)
    merged = merge_stats([incident_stats(first, by), incident_stats(second, by)], by)
    pd.testing.assert_frame_equal(merged, incident_stats(whole, by))


@pytest.mark.parametrize("window", [None, "3m"])
def test_aggregates_of_parts_combine_into_the_aggregate_of_the_whole(window):
    from geoevents.aggregation import aggregate, window_ending
    from geoevents.aggregation.build import aggregate_parts, combine_aggregates

    gdf = synthetic.incidents(600, seed=5)
    span = window_ending(pd.Timestamp("2022-06-30").date(), window) if window else None
    parts = [aggregate_parts(gdf.iloc[k : k + 200], "country", window=span) for k in (0, 200, 400)]
    combined = combine_aggregates(parts, "country")
    pd.testing.assert_frame_equal(combined, aggregate(gdf, "country", window=span))


def test_without_a_scheduler_nothing_of_dask_is_imported(store):
    import subprocess
    import sys

    code = (
        "import sys; from click.testing import CliRunner; from geoevents.cli import cli; "
        f"r = CliRunner().invoke(cli, ['stats', {str(store)!r}]); assert r.exit_code == 0; "
        "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "DASK_SCHEDULER_ADDRESS"}
    env["PYTHONPATH"] = str(Path(__file__).parent.parent)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"

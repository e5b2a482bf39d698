"""The memory guard: estimate what loading a store needs, refuse when the machine has less.

A small machine is simulated by saying how much memory is available (or by made-up /proc and
cgroup files), never by allocating anything.
"""

from __future__ import annotations

import pytest
from helpers import SEED_STORE, SMALL

import geoevents.io.memory as memory
from geoevents.errors import InputError, UsageError
from geoevents.io import write_incidents
from geoevents.io.formats import load
from geoevents.io.memory import available_memory, check_memory, estimate_memory

GB = 10**9


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """The seed store in every format."""
    gdf = load(SEED_STORE)
    out = tmp_path_factory.mktemp("stores")
    paths = {"geojson": SEED_STORE}
    for fmt, ext in (("parquet", "parquet"), ("gpkg", "gpkg"), ("csv", "csv")):
        paths[fmt] = write_incidents(gdf, out / f"incidents.{ext}")
    return paths


def test_geojson_estimate_grows_with_the_file_size():
    size = SMALL.stat().st_size
    assert estimate_memory(SMALL, "geojson") == (
        int(size * memory.MEMORY_PER_BYTE["geojson"]) + memory.MEMORY_FIXED
    )


def test_parquet_estimate_uses_the_uncompressed_size(stores):
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(stores["parquet"]).metadata
    data = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    assert estimate_memory(stores["parquet"], "parquet") == (
        int(data * memory.MEMORY_PER_BYTE["parquet"]) + memory.MEMORY_FIXED
    )


@pytest.mark.parametrize("fmt", ["geojson", "parquet", "gpkg", "csv"])
def test_every_format_has_an_estimate(stores, fmt):
    assert estimate_memory(stores[fmt], fmt) > stores[fmt].stat().st_size


def test_unknown_format_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown format 'shp'"):
        estimate_memory(SMALL, "shp")


def test_missing_or_corrupt_file_is_left_to_the_reader(tmp_path):
    assert estimate_memory(tmp_path / "nope.geojson", "geojson") is None
    check_memory(tmp_path / "nope.geojson", "geojson", available=1)
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet at all")
    assert estimate_memory(bad, "parquet") is None
    check_memory(bad, "parquet", available=1)


def test_enough_memory_passes():
    check_memory(SMALL, "geojson", available=GB)


def test_too_little_memory_names_file_size_estimate_and_fix():
    need = estimate_memory(SMALL, "geojson")
    with pytest.raises(InputError) as info:
        check_memory(SMALL, "geojson", available=need - 1)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{SMALL}: the ")
    assert "kB GeoJSON file needs about" in message
    assert "more than the" in message and "available" in message
    assert "geoevents convert" in message and "GeoParquet" in message
    assert "split or filter it" in message
    assert info.value.exit_code == 3


def test_too_little_memory_for_parquet_does_not_suggest_parquet(stores):
    with pytest.raises(InputError) as info:
        check_memory(stores["parquet"], "parquet", available=1000)
    message = str(info.value)
    assert "GeoParquet file needs about" in message and "1.0 kB available" in message
    assert "geoevents convert" not in message and "split or filter it" in message


def test_the_lookup_is_used_when_no_figure_is_given(monkeypatch):
    monkeypatch.setattr(memory, "available_memory", lambda: 1000)
    with pytest.raises(InputError, match=r"1\.0 kB available"):
        check_memory(SMALL, "geojson")


def test_unknown_available_memory_refuses_nothing(monkeypatch):
    monkeypatch.setattr(memory, "available_memory", lambda: None)
    check_memory(SMALL, "geojson")


def test_sizes_read_well():
    assert memory._size(999) == "999 bytes"
    assert memory._size(1500) == "1.5 kB"
    assert memory._size(826_932_227) == "827 MB"
    assert memory._size(3_721_195_021) == "3.7 GB"


# -- available memory from /proc and the cgroup files ------------------------------------------


def fake_system(tmp_path, *, meminfo_kb=None, cgroup_line=None, files=None):
    """Write a made-up /proc/meminfo, /proc/self/cgroup and cgroup tree; return the paths."""
    meminfo = tmp_path / "meminfo"
    if meminfo_kb is not None:
        meminfo.write_text(
            f"MemTotal:       32000000 kB\nMemFree:         1000000 kB\n"
            f"MemAvailable:   {meminfo_kb} kB\nBuffers:          100000 kB\n"
        )
    proc_cgroup = tmp_path / "cgroup"
    if cgroup_line is not None:
        proc_cgroup.write_text(cgroup_line + "\n")
    root = tmp_path / "sys-fs-cgroup"
    root.mkdir()
    for rel, text in (files or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return {"meminfo": meminfo, "proc_cgroup": proc_cgroup, "cgroup_root": root}


def test_meminfo_alone(tmp_path):
    paths = fake_system(tmp_path, meminfo_kb=2_000_000)
    assert available_memory(**paths) == 2_000_000 * 1024


def test_nothing_readable_gives_none(tmp_path):
    assert available_memory(**fake_system(tmp_path)) is None


def test_cgroup_v2_limit_caps_meminfo(tmp_path):
    paths = fake_system(
        tmp_path,
        meminfo_kb=30_000_000,
        cgroup_line="0::/user.slice/job",
        files={
            "user.slice/job/memory.max": "2000000000\n",
            "user.slice/job/memory.current": "700000000\n",
            # 200 MB of inactive page cache is reclaimable: it does not count as used
            "user.slice/job/memory.stat": "anon 500000000\ninactive_file 200000000\n",
            "user.slice/memory.max": "max\n",
            "user.slice/memory.current": "900000000\n",
        },
    )
    assert available_memory(**paths) == 2_000_000_000 - 500_000_000


def test_cgroup_v2_parent_limit_applies(tmp_path):
    paths = fake_system(
        tmp_path,
        meminfo_kb=30_000_000,
        cgroup_line="0::/a/b",
        files={
            "a/b/memory.max": "max\n",
            "a/b/memory.current": "100000000\n",
            "a/memory.max": "1000000000\n",
            "a/memory.current": "600000000\n",
        },
    )
    assert available_memory(**paths) == 400_000_000


def test_cgroup_v2_without_limit_leaves_meminfo(tmp_path):
    paths = fake_system(
        tmp_path,
        meminfo_kb=3_000_000,
        cgroup_line="0::/",
        files={"memory.max": "max\n", "memory.current": "100\n"},
    )
    assert available_memory(**paths) == 3_000_000 * 1024


def test_cgroup_namespace_root_is_found_from_a_host_path(tmp_path):
    # /proc shows the host's path, but the mount holds the container's own group at its root
    paths = fake_system(
        tmp_path,
        cgroup_line="0::/kubepods/pod1/container",
        files={"memory.max": "1500000000\n", "memory.current": "500000000\n"},
    )
    assert available_memory(**paths) == 1_000_000_000


def test_cgroup_v1_limit(tmp_path):
    paths = fake_system(
        tmp_path,
        meminfo_kb=30_000_000,
        cgroup_line="4:memory:/docker/abc",
        files={
            "memory/docker/abc/memory.limit_in_bytes": "1073741824\n",
            "memory/docker/abc/memory.usage_in_bytes": "573741824\n",
            "memory/docker/abc/memory.stat": "cache 100\ntotal_inactive_file 73741824\n",
            "memory/memory.limit_in_bytes": "9223372036854771712\n",
            "memory/memory.usage_in_bytes": "5000000000\n",
        },
    )
    assert available_memory(**paths) == 1073741824 - 500000000


def test_cgroup_v1_without_limit_leaves_meminfo(tmp_path):
    paths = fake_system(
        tmp_path,
        meminfo_kb=3_000_000,
        cgroup_line="4:memory:/process_api/x\n0::/",
        files={
            "memory/memory.limit_in_bytes": "9223372036854771712\n",
            "memory/memory.usage_in_bytes": "5000000000\n",
        },
    )
    assert available_memory(**paths) == 3_000_000 * 1024


def test_usage_over_the_limit_leaves_nothing(tmp_path):
    paths = fake_system(
        tmp_path,
        meminfo_kb=3_000_000,
        cgroup_line="0::/",
        files={"memory.max": "1000\n", "memory.current": "5000\n"},
    )
    assert available_memory(**paths) == 0


def test_this_machine_reports_something_sensible():
    found = available_memory()
    assert found is None or found > 0

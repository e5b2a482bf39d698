"""Work bounded by the input's size and the machine (issue 16, build 4): absurd shapes refused
up front, the memory guard counting what a file holds, a map too large for a browser refused,
an allocation failure an error (never an abort or a hang). Each test failed before its fix.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

import pytest
from helpers import ROOT, SMALL

import geoevents
import geoevents.cli.map_ as map_command
import geoevents.io.memory as memory
from geoevents.errors import InputError
from geoevents.io.census import MAX_COLUMNS, bound_store, count_store
from geoevents.io.memory import MEMORY_FIXED, check_memory, estimate_memory

MB = 10**6


def one_line_refusal(result, code, *parts):
    assert result.exit_code == code, result.output[-500:]
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for part in parts:
        assert part in lines[0], lines[0]
    return lines[0]


# -- absurd shapes --------------------------------------------------------------------------


def test_a_csv_of_twenty_thousand_columns_is_refused_before_it_is_parsed(run, tmp_path):
    columns = ["id", "title", "date_start", "event_type", "lon", "lat"]
    extra = [f"x{i}" for i in range(20_000)]
    path = tmp_path / "wide.csv"
    values = ["w1", "Wide", "2020-01-01", "Battles", "44.39", "35.47"]
    path.write_text(",".join(columns + extra) + "\n" + ",".join(values + ["1"] * 20_000) + "\n")
    started = time.perf_counter()
    result = run("validate", path)
    assert time.perf_counter() - started < 5  # 12 s before, validating every column
    one_line_refusal(
        result, 3, str(path), "20,006 columns", f"more than the {MAX_COLUMNS:,}", "drop the"
    )
    assert result.stdout == ""


def test_a_geojson_with_thousands_of_property_names_is_refused(run, tmp_path):
    doc = json.loads(SMALL.read_text(encoding="utf-8"))
    doc["features"][0]["properties"].update({f"x{i}": 1 for i in range(MAX_COLUMNS)})
    path = tmp_path / "wide.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    one_line_refusal(run("validate", path), 3, str(path), "columns, more than the")


def test_a_geoparquet_of_too_many_columns_is_refused_from_its_metadata(run, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "wide.parquet"
    pq.write_table(pa.table({f"x{i}": [1] for i in range(MAX_COLUMNS + 1)}), path)
    one_line_refusal(run("validate", path), 3, str(path), f"{MAX_COLUMNS + 1:,} columns")


def test_a_csv_store_of_one_column_is_refused_cleanly(run, tmp_path):
    # Found by make fuzz: reading a CSV as one block wrote into pandas' read-only array.
    path = tmp_path / "one.csv"
    path.write_text("lon\n44.39\n")
    one_line_refusal(run("validate", path), 3, "the CSV needs 'lon' and 'lat' columns")


# -- the memory guard counts what a file holds ----------------------------------------------


def empty_features(tmp_path, n):
    path = tmp_path / "empty.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [' + ",".join(["{}"] * n) + "]}")
    return path


def test_the_estimate_of_tiny_features_is_from_their_number_not_their_bytes(tmp_path):
    path = empty_features(tmp_path, 100_000)  # 300 kB
    census = count_store(path, "geojson")
    assert census.rows == 100_001  # the features and the collection
    need = estimate_memory(path, "geojson")
    assert need >= MEMORY_FIXED + 90 * MB  # was 161 MB: 4.8 times 300 kB, plus the fixed part
    with pytest.raises(InputError, match=r"needs about 25[0-9] MB of memory"):
        check_memory(path, "geojson", available=200 * MB)


def test_the_count_skips_text(tmp_path):
    path = tmp_path / "text.json"
    doc = {"a": 'x{,["{' + "\\" * 7, "b": [1, 2, {}], "c": "\\", "d": '\\"{'}
    path.write_text(json.dumps(doc))
    census = count_store(path, "geojson")
    assert (census.rows, census.values) == (2, 2 + 1 + 5)  # 2 objects, 1 array, 5 commas


@pytest.mark.parametrize("fmt", ["geojson", "csv"])
def test_the_quick_bound_is_at_least_the_count(tmp_path, fmt):
    # Marks counted inside text too: never fewer rows or values than the exact count, and
    # more when text holds them.
    path = tmp_path / f"store.{fmt}"
    if fmt == "geojson":
        doc = {"a": 'x{,["{' + "\\" * 7, "b": [1, 2, {}], "c": "\\", "d": '\\"{'}
        path.write_text(json.dumps(doc))
    else:
        path.write_text('id,title\n1,"a, b\nc"\n2,plain\n')
    bound, exact = bound_store(path, fmt), count_store(path, fmt)
    assert bound.rows >= exact.rows and bound.values > exact.values


@pytest.mark.parametrize("chunk", [7, 1 << 22])
def test_the_quick_bound_counts_every_mark_across_chunks(tmp_path, monkeypatch, chunk):
    # The marks are counted a chunk at a time (a file smaller and larger than a chunk): the
    # counts are the bytes' own, whatever the chunk boundaries cut.
    from geoevents.io import census

    monkeypatch.setattr(census, "_CHUNK", chunk)
    path = tmp_path / "store.geojson"
    data = b'{"a": [1, {"b": "{,[", "c": [[], {}]}], "d": ",,"}' * 37
    path.write_bytes(data)
    seen: list[list[int]] = []
    real = census._census_of
    monkeypatch.setattr(
        census, "_census_of", lambda p, f, found: seen.append(found) or real(p, f, found)
    )
    census.bound_store(path, "geojson")
    assert seen == [[data.count(b"{"), data.count(b"["), data.count(b",")]]


def test_a_file_the_bound_lets_through_is_not_scanned_exactly(tmp_path, monkeypatch):
    # 300 kB of empty features: the size alone calls for a look (at 200 MB available); the
    # quick bound (marks counted anywhere) lets it through without the exact scan, while a
    # tighter limit still refuses it on the exact count.
    path = empty_features(tmp_path, 100_000)
    exact = memory.count_store
    monkeypatch.setattr(memory, "count_store", lambda *a: pytest.fail("scanned"))
    check_memory(path, "geojson", available=400 * MB)
    monkeypatch.setattr(memory, "count_store", exact)
    with pytest.raises(InputError, match=r"needs about 25[0-9] MB of memory"):
        check_memory(path, "geojson", available=200 * MB)


def test_a_small_file_is_not_scanned(monkeypatch):
    monkeypatch.setattr(memory, "count_store", lambda *a: pytest.fail("scanned"))
    check_memory(SMALL, "geojson", available=10**9)


def test_the_address_space_left_is_a_limit_too():
    with pytest.raises(InputError) as info:
        check_memory(SMALL, "geojson", available=10**12, address_space=1000)
    message = str(info.value)
    assert "of address space this process may still use (ulimit -v); raise the limit" in message


def _vm_size_after_import() -> int:
    code = (
        "import geoevents.cli, geoevents.io.formats\n"
        "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmSize')][0])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    return int(out.stdout) * 1024


def _limited(address_space: int):
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    return limit


@pytest.fixture(scope="module")
def ten_megabytes(tmp_path_factory):
    doc = json.loads(SMALL.read_text(encoding="utf-8"))
    features = doc["features"]
    doc["features"] = [features[i % len(features)] for i in range(15_000)]
    path = tmp_path_factory.mktemp("big") / "big.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize("guard", ["on", "off"])
def test_under_a_low_address_space_limit_reading_ends_in_one_line(ten_megabytes, guard):
    """ulimit -v: jiter aborted ("memory allocation of 144 bytes failed") and hung for good.

    With the guard on, it refuses from the estimate; with it off (as if the estimate were
    short), Python's parser runs out of memory and that is one line too.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = (
        "import sys\n"
        "import geoevents.io.formats as formats\n"
        + ("formats.check_memory = lambda *a, **k: None\n" if guard == "off" else "")
        + "from geoevents.console import main\n"
        f"sys.argv = ['geoevents', 'validate', {str(ten_megabytes)!r}]\n"
        "main()\n"
    )
    room = 60 * MB  # far less than the 210 MB the 10 MB file needs
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,  # a hang fails the test instead of holding the suite
        preexec_fn=_limited(_vm_size_after_import() + room),
    )
    assert done.returncode == 3, done.stderr[-2000:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {ten_megabytes}: "), done.stderr
    expected = "(ulimit -v); raise the limit" if guard == "on" else "ran out of memory"
    assert expected in lines[0]


# -- a map larger than a browser holds ------------------------------------------------------


def test_a_map_of_more_incidents_than_the_limit_is_refused_after_the_selection(run, tmp_path):
    out = tmp_path / "map.html"
    line = one_line_refusal(
        run("map", SMALL, "--max-points", "3", "--tiles", "none", "-o", out),
        3,
        str(SMALL),
        "incidents to map, more than the 3 one map page holds",
        "(--start/--end, --bbox, --country)",
        "(geoevents aggregate)",
        "--max-points N",
    )
    assert "start=" not in line and "max_points" not in line
    assert not out.exists()


@pytest.fixture
def parquet_store(tmp_path):
    path = tmp_path / "store.parquet"
    geoevents.write_incidents(geoevents.load(SMALL), path)
    return path


def test_a_store_too_large_to_map_is_refused_before_it_is_read(
    run, tmp_path, parquet_store, monkeypatch
):
    monkeypatch.setattr(map_command, "select", lambda *a, **k: pytest.fail("read"))
    out = tmp_path / "map.html"
    rows = len(geoevents.load(SMALL))
    one_line_refusal(
        run("map", parquet_store, "--max-points", "2", "-o", out),
        3,
        f"{rows:,} incidents to map, more than the 2 one",
    )
    assert not out.exists()


def test_the_default_limit_is_two_million():
    with pytest.raises(InputError, match="5,000,000 incidents to map, more than the 2,000,000"):
        memory.check_map_size(5_000_000, "big.parquet")
    memory.check_map_size(2_000_000, "big.parquet")
    memory.check_map_size(5_000_000, "big.parquet", max_points=5_000_000)


def test_max_points_raises_the_limit(run, tmp_path):
    out = tmp_path / "map.html"
    result = run("map", SMALL, "--max-points", "1000", "--tiles", "none", "-o", out)
    assert result.exit_code == 0, result.output
    assert out.exists()


# -- import --merge into a missing folder ---------------------------------------------------


def test_import_merge_into_a_missing_folder_is_refused_before_the_import(
    run, tmp_path, monkeypatch
):
    import geoevents.ingest

    monkeypatch.setattr(geoevents.ingest, "import_file", lambda *a, **k: pytest.fail("imported"))
    src = ROOT / "tests" / "fixtures" / "ingest" / "acled_export.csv"
    store = tmp_path / "missing" / "dir" / "store.geojson"
    one_line_refusal(
        run("import", "acled", src, "--merge", store),
        6,
        f"{store}: cannot change the store: the folder {store.parent} does not exist",
    )
    assert not store.parent.exists()

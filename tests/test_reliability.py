"""Hostile input and hostile places to write (issue 16): no traceback, no overwritten input,
no store we cannot read back, nothing left behind. Each test failed before its fix.
"""

from __future__ import annotations

import json
import os
import stat

import pytest
from helpers import SMALL

import geoevents
from geoevents.errors import InputError, OutputError
from geoevents.io.atomic import atomic_write, check_target, remove_stale_temporaries, temporaries_of

BATTLE = {"title": "Clashes", "date_start": "2017-10-16", "event_type": "Battles"}


def store_copy(tmp_path, name="store.geojson"):
    store = tmp_path / name
    store.write_bytes(SMALL.read_bytes())
    return store


def feature(geometry=None, **props):
    return {
        "type": "Feature",
        "properties": {**BATTLE, **props},
        "geometry": geometry or {"type": "Point", "coordinates": [44.4, 35.5]},
    }


def one_line_error(result, code, *parts):
    assert result.exit_code == code, result.output
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr
    for part in parts:
        assert part in result.stderr, result.stderr


# -- add --from-json: the strict reader, the structure checks, nothing unreadable ---------------

_POINT = {"type": "Point", "coordinates": [44.4, 35.5]}
FROM_JSON = {
    "unknown geometry type": (
        feature({"type": "Blob", "coordinates": [1, 2]}),
        4,
        ['$.geometry.type: unknown type "Blob"; use one of Point'],
    ),
    "string coordinates": (
        feature({"type": "Point", "coordinates": ["44", "35"]}),
        4,
        ["position ['44', '35'] is not 2 or 3 numbers; write [lon, lat] with numbers"],
    ),
    "properties as a list": (
        {"type": "Feature", "properties": [1], "geometry": _POINT},
        4,
        ["properties must be an object or null, found [1]"],
    ),
    "null lon/lat": (
        {**BATTLE, "lon": None, "lat": None},
        4,
        ["lon: lon None is not a number from -180 to 180", "lat: lat None is not a number"],
    ),
    "lon without lat": ({**BATTLE, "lon": 44.0}, 4, ["lon is given without lat; give both"]),
    "an integer country": (
        {**BATTLE, "lon": 44.4, "lat": 35.5, "country": 5},
        4,
        ["was not changed:", "country: country must be text, found 5"],
    ),
    "lon 999": ({**BATTLE, "lon": 999, "lat": 35.5}, 4, ["lon 999 is not a number from -180"]),
    "a polygon vertex at lon 200": (
        feature({"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [200, 1], [0, 0]]]}),
        4,
        ["position [200, 0] is outside lon -180..180 / lat -90..90"],
    ),
    "a polygon vertex at lat -91": (
        feature({"type": "Polygon", "coordinates": [[[0, 0], [1, -91], [1, 1], [0, 0]]]}),
        4,
        ["position [1, -91] is outside lon -180..180 / lat -90..90"],
    ),
    "a LineString mixing 2D and 3D": (
        feature({"type": "LineString", "coordinates": [[44, 35], [44.1, 35.1, 10]]}),
        4,
        ["the LineString mixes positions of 2 and 3 numbers (2D and 3D); give every position"],
    ),
    "a root that is an array": ([1, 2], 3, ["found [1, 2]; expected a GeoJSON Feature"]),
    "a geometry as root": (_POINT, 3, ["found a 'Point' object; expected a GeoJSON Feature"]),
    "an empty collection": (
        {"type": "FeatureCollection", "features": []},
        3,
        ["the FeatureCollection has no features; nothing to add"],
    ),
}
RAW = {
    "deep nesting": (b"[" * 5000 + b"]" * 5000, 3, ["nested too deeply to be GeoJSON"]),
    "non-UTF-8 bytes": (
        b'{"title": "caf\xe9", "lon": 1, "lat": 2}',
        3,
        ["line 1: byte 0xE9 is not UTF-8", "re-save the file as UTF-8"],
    ),
    "duplicate keys": (
        b'{"title": "x", "date_start": "2017-10-16", "event_type": "Battles", '
        b'"lon": 1, "lat": 2, "lat": 3}',
        4,
        ['member "lat" appears more than once', "keep exactly one of them"],
    ),
    "a number of 5,000 digits": (
        b'{"title": "x", "lon": 1, "lat": 2, "fatalities": ' + b"9" * 5000 + b"}",
        3,
        ["a number has 5,000 digits, more than the 4,300 geoevents reads"],
    ),
    "not JSON": (b"{nope", 3, ["line 1 column 2: not valid JSON"]),
}


@pytest.mark.parametrize("case", sorted(FROM_JSON) + sorted(RAW))
def test_add_from_json_refuses_cleanly_and_leaves_the_store(run, tmp_path, case):
    store = store_copy(tmp_path)
    before = store.read_bytes()
    if case in RAW:
        data, code, parts = RAW[case]
    else:
        doc, code, parts = FROM_JSON[case]
        data = json.dumps(doc).encode()
    source = tmp_path / "in.json"
    source.write_bytes(data)
    result = run("add", store, "--from-json", source)
    one_line_error(result, code, *parts)
    assert store.read_bytes() == before
    assert geoevents.load(store) is not None


def test_a_store_made_by_add_always_reads_back(run, tmp_path):
    store = tmp_path / "new.geojson"
    result = run("add", store, "--from-json", "-", input=json.dumps(feature()))
    assert result.exit_code == 0, result.output
    assert geoevents.validate(store).ok


# -- add --from-json a FeatureCollection (issue 14, item 6) ------------------------------------


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def test_a_collection_of_candidates_is_added_whole(run, tmp_path):
    store = store_copy(tmp_path)
    count = len(geoevents.load(store))
    doc = collection(
        feature(title="One", id="cand-a"),
        feature({"type": "Point", "coordinates": [43.1, 36.3]}, title="Two"),
    )
    result = run("add", store, "--from-json", "-", input=doc)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{store}: added cand-a, inc-000001\n"
    back = geoevents.load(store)
    assert len(back) == count + 2 and list(back["title"][-2:]) == ["One", "Two"]


def test_a_collection_with_one_bad_feature_adds_none(run, tmp_path):
    store = store_copy(tmp_path)
    before = store.read_bytes()
    doc = collection(feature(title="Fine"), feature(date_start="2017-02-30"))
    result = run("add", store, "--from-json", "-", input=doc)
    one_line_error(result, 4, f"{store} was not changed:", "feature 1", "date_start")
    assert store.read_bytes() == before


def test_a_candidate_already_in_the_store_is_refused_unless_allowed(run, tmp_path):
    store = store_copy(tmp_path)
    before = store.read_bytes()
    known = json.loads(SMALL.read_text(encoding="utf-8"))["features"][0]
    props = {k: known["properties"][k] for k in ("title", "date_start", "event_type")}
    again = {"type": "Feature", "properties": props, "geometry": known["geometry"]}
    doc = collection(feature(title="New"), again)
    result = run("add", store, "--from-json", "-", input=doc)
    one_line_error(
        result,
        4,
        f'feature 1 (id "inc-000002"): it repeats incident "{known["properties"]["id"]}" in '
        f"{store} (same place, date and type); leave it out, or pass --allow-duplicate",
    )
    assert store.read_bytes() == before
    result = run("add", store, "--from-json", "-", "--allow-duplicate", input=doc)
    assert result.exit_code == 0, result.output


def test_two_candidates_of_one_event_are_refused(run, tmp_path):
    store = store_copy(tmp_path)
    doc = collection(feature(title="A"), feature(title="B"))
    result = run("add", store, "--from-json", "-", input=doc)
    one_line_error(result, 4, 'it repeats incident "inc-000001" listed before it')


def test_one_place_for_a_whole_collection_is_a_usage_error(run, tmp_path):
    store = store_copy(tmp_path)
    doc = collection(feature(title="A"), feature(title="B"))
    result = run("add", store, "--from-json", "-", "--lonlat", "44,35", input=doc)
    assert result.exit_code == 2
    assert "--id, --place and --lonlat name one incident, not a collection" in result.stderr


def test_extract_add_closes_the_review_loop(run, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Clashes in Kirkuk on Monday killed 3 people.", encoding="utf-8")
    candidates = tmp_path / "candidates.geojson"
    result = run("extract", article, "--published", "2017-10-20", "-o", candidates)
    assert result.exit_code == 0, result.output
    store = store_copy(tmp_path)
    result = run("add", store, "--from-json", candidates)
    assert result.exit_code == 0, result.output
    assert geoevents.validate(store).ok


# -- never an input, a device, a FIFO or a directory -------------------------------------------


def ready_store(tmp_path):
    """A store whose text happens to contain the marker of our maps."""
    doc = json.loads(SMALL.read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["summary"] = "see geoeventsReady"
    store = tmp_path / "ready.geojson"
    store.write_text(json.dumps(doc), encoding="utf-8")
    return store


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_map_never_replaces_its_input(run, tmp_path, force):
    store = ready_store(tmp_path)
    before = store.read_bytes()
    result = run("map", store, "-o", store, *force)
    one_line_error(result, 6, f"{store}: is an input of this command", "write to another file")
    assert store.read_bytes() == before


def test_import_never_replaces_its_source(run, tmp_path):
    from helpers import FIXTURES

    src = tmp_path / "a.csv"
    src.write_bytes((FIXTURES / "ingest" / "acled_export.csv").read_bytes())
    before = src.read_bytes()
    for args in (["-o", src, "--force"], ["--merge", src]):
        result = run("import", "acled", src, *args)
        one_line_error(result, 6, "is an input of this command")
        assert src.read_bytes() == before


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
@pytest.mark.parametrize("command", ["filter", "convert"])
def test_an_input_is_refused_through_links(run, tmp_path, link, command):
    store = store_copy(tmp_path)
    other = tmp_path / "other.geojson"
    (os.symlink if link == "symlink" else os.link)(store, other)
    before = store.read_bytes()
    args = [store, "-o", other] if command == "filter" else [store, other]
    result = run(command, *args, "--force")
    one_line_error(result, 6, f"{other}: is an input of this command ({store})")
    assert store.read_bytes() == before


def test_extract_and_add_never_replace_their_input(run, tmp_path):
    article = tmp_path / "a.geojson"
    article.write_text("Clashes in Kirkuk on Monday killed 3 people.", encoding="utf-8")
    result = run("extract", article, "--published", "2017-10-20", "-o", article, "--force")
    one_line_error(result, 6, "is an input of this command")
    store = store_copy(tmp_path)
    result = run("add", store, "--from-json", store)
    assert result.exit_code in (3, 4, 6) and "Traceback" not in result.stderr
    assert store.read_bytes() == SMALL.read_bytes()


@pytest.fixture
def device(tmp_path):
    """A character device to aim writers at: a private null device when we may make one.

    Never the system's /dev/null as root: a regression would replace it (it did, once).
    """
    if os.geteuid() != 0:
        return "/dev/null"  # we cannot replace it: no write access to /dev
    node = tmp_path / "null.html"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return node


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_device_is_never_replaced(run, device, force):
    result = run("map", SMALL, "-o", device, *force)
    one_line_error(result, 6, f"{device}: is a device, not a regular file")
    assert stat.S_ISCHR(os.stat(device).st_mode)
    result = run("filter", SMALL, "-o", device, *force)
    one_line_error(result, 6, f"{device}: is a device")
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_a_fifo_is_refused_without_blocking(run, tmp_path):
    fifo = tmp_path / "pipe.geojson"
    os.mkfifo(fifo)
    for args in (
        ["filter", SMALL, "-o", fifo],
        ["map", SMALL, "-o", fifo],
        ["convert", SMALL, fifo],
    ):
        result = run(*args, "--force")
        one_line_error(result, 6, "is a FIFO (named pipe), not a regular file")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_directory_is_refused(run, tmp_path):
    folder = tmp_path / "d.geojson"
    folder.mkdir()
    result = run("convert", SMALL, folder, "--force")
    one_line_error(result, 6, f"{folder}: is a directory; name a file")
    result = run(
        "add",
        folder,
        "--title",
        "x",
        "--date",
        "2017-10-01",
        "--type",
        "Battles",
        "--lonlat",
        "44,35",
    )
    one_line_error(result, 6, f"{folder}: is a directory; name a file")


def test_check_target_in_the_library():
    with pytest.raises(OutputError, match="the output path is empty"):
        check_target("")
    with pytest.raises(OutputError, match="is an input of this command"):
        check_target(SMALL, inputs=[SMALL])
    assert check_target(SMALL) == SMALL


# -- a store reached through a symbolic link ---------------------------------------------------


def test_add_through_a_symlink_updates_the_target_under_its_lock(run, tmp_path):
    (tmp_path / "data").mkdir()
    real = store_copy(tmp_path / "data")
    link = tmp_path / "link.geojson"
    link.symlink_to(real)
    result = run(
        "add",
        link,
        "--title",
        "x",
        "--date",
        "2017-10-01",
        "--type",
        "Battles",
        "--lonlat",
        "44,35",
    )
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "inc-000001" in set(geoevents.load(real)["id"])
    assert (real.parent / "store.geojson.lock").exists()
    assert not (tmp_path / "link.geojson.lock").exists()


def test_import_merge_through_a_symlink(run, tmp_path):
    from helpers import FIXTURES

    real = store_copy(tmp_path)
    link = tmp_path / "link.geojson"
    link.symlink_to(real)
    result = run("import", "acled", FIXTURES / "ingest" / "acled_export.csv", "--merge", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert len(geoevents.load(real)) > len(geoevents.load(SMALL))


# -- folders we cannot write, empty paths, a full disk -----------------------------------------

ADD = ["--title", "x", "--date", "2017-10-01", "--type", "Battles", "--lonlat", "44,35"]


def test_add_to_a_missing_folder_or_an_empty_path(run, tmp_path):
    missing = tmp_path / "nope" / "s.geojson"
    result = run("add", missing, *ADD)
    one_line_error(result, 6, f"{missing}: cannot lock the store to change it: the folder")
    result = run("add", "", *ADD)
    one_line_error(result, 6, "the output path is empty; name the file to write")
    from helpers import FIXTURES

    acled = FIXTURES / "ingest" / "acled_export.csv"
    result = run("import", "acled", acled, "--merge", "")
    one_line_error(result, 6, "the output path is empty")
    result = run("import", "acled", acled, "--merge", missing)
    # Before the import's work (and its summary): one line (test_bounded_work).
    one_line_error(
        result,
        6,
        f"{missing}: cannot change the store: the folder {missing.parent} does not exist; "
        "create it or choose another store",
    )


def test_add_in_a_read_only_folder(run, tmp_path, monkeypatch):
    store = store_copy(tmp_path)
    before = store.read_bytes()
    if os.geteuid() == 0:  # root writes anywhere: make the lock file fail as it would
        real_open = open

        def refusing(path, *args, **kwargs):
            if str(path).endswith(".lock"):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr("builtins.open", refusing)
    else:
        tmp_path.chmod(0o555)
    try:
        result = run("add", store, *ADD)
    finally:
        tmp_path.chmod(0o755)
    one_line_error(result, 6, "cannot lock the store to change it: choose a store in a folder")
    assert store.read_bytes() == before


def test_a_full_disk_is_one_line_and_leaves_the_target(tmp_path):
    import subprocess
    import sys

    target = tmp_path / "out.gpkg"
    target.write_bytes(b"old")
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))\n"
        "from geoevents.console import main\n"
        f"sys.argv = ['geoevents', 'convert', {str(SMALL)!r}, {str(target)!r}, '--force']\n"
        "main()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SMALL.parents[2])}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert done.returncode == 6, done.stderr
    assert done.stderr.startswith(f"Error: {target}: cannot write (") and "Traceback" not in (
        done.stderr
    )
    assert done.stderr.count("\n") == 1
    assert target.read_bytes() == b"old"
    assert temporaries_of(target) == []


# -- temporaries: ours by name, removed on failure, stale ones cleaned -------------------------


def test_a_failed_write_leaves_no_temporary(tmp_path):
    dest = tmp_path / "x.geojson"
    with pytest.raises(RuntimeError), atomic_write(dest) as tmp:
        assert tmp.name.startswith(".x.geojson.geoevents-")
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_a_stale_temporary_is_removed_by_the_next_write(run, tmp_path):
    store = store_copy(tmp_path)
    dead = 2**22 + 12345  # above pid_max's default: no such process
    stale = tmp_path / f".store.geojson.geoevents-{dead}-abc.tmp.geojson"
    stale.write_text("partial")
    live = tmp_path / f".store.geojson.geoevents-{os.getpid()}-xyz.tmp.geojson"
    live.write_text("someone is writing")
    other = tmp_path / ".store.geojson.abcd.tmp"  # not ours by name: left alone
    other.write_text("x")
    result = run("add", store, *ADD)
    assert result.exit_code == 0, result.output
    assert not stale.exists() and live.exists() and other.exists()
    assert remove_stale_temporaries(store) == []


def test_a_stale_old_store_is_put_back(tmp_path):
    dest = tmp_path / "parts"
    dead = 2**22 + 12345
    old = tmp_path / f".parts.geoevents-{dead}-abc.old"
    old.mkdir()
    (old / "part-0.parquet").write_bytes(b"x")
    remove_stale_temporaries(dest)
    assert (dest / "part-0.parquet").exists() and not old.exists()


def test_an_unreadable_input_names_the_file(run, tmp_path):
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 this is not parquet PAR1")
    result = run("validate", bad)
    assert result.exit_code == 3 and "Traceback" not in result.stderr
    assert f"{bad}: cannot read as parquet" in result.stderr


def test_input_error_is_an_oserror():
    assert issubclass(InputError, OSError)

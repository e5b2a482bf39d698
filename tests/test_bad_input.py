"""Every bad input of the foundation issue: a one-line-per-problem message, a non-zero exit,
never a traceback, and the input left untouched."""

from __future__ import annotations

import copy
import hashlib
import json
import os

import pytest
from helpers import BAD, SMALL


def small_doc() -> dict:
    return json.loads(SMALL.read_text(encoding="utf-8"))


def write(tmp_path, doc_or_bytes, name="store.geojson"):
    path = tmp_path / name
    if isinstance(doc_or_bytes, bytes):
        path.write_bytes(doc_or_bytes)
    else:
        path.write_text(json.dumps(doc_or_bytes), encoding="utf-8")
    return path


def mutate(field, value, index=0):
    doc = copy.deepcopy(small_doc())
    doc["features"][index]["properties"][field] = value
    return doc


def check(run, path, code, *needles):
    before = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    for command in (["list"], ["stats"], ["validate"]):
        result = run(*command, path)
        assert result.exit_code == code, (command, result.output)
        text = result.output
        assert "Traceback" not in text
        for needle in needles:
            assert needle in text, (command, needle, text)
    if before:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_missing_file(run, tmp_path):
    result = run("list", tmp_path / "nope.geojson")
    assert result.exit_code == 3
    assert result.stderr == f"Error: {tmp_path / 'nope.geojson'}: no such file; check the path\n"


def test_directory(run, tmp_path):
    (tmp_path / "dir.geojson").mkdir()
    check(run, tmp_path / "dir.geojson", 3, "is a directory")


def test_empty_file(run, tmp_path):
    check(run, write(tmp_path, b""), 3, "the file is empty")


def test_broken_json(run, tmp_path):
    check(
        run,
        write(tmp_path, b'{"type": "FeatureCollection" "features": []}'),
        3,
        "line 1 column 30",
        "not valid JSON",
    )


def test_truncated_file(run, tmp_path):
    data = SMALL.read_bytes()[:500]
    check(run, write(tmp_path, data), 3, "ends too early")


def test_non_utf8_bytes(run):
    check(run, BAD / "latin1.geojson", 3, "0xFB is not UTF-8", "line 1")


def test_nan_in_coordinates(run):
    check(run, BAD / "nan-coordinates.geojson", 3, "NaN is not a finite")


def test_not_a_feature_collection(run, tmp_path):
    doc = small_doc()["features"][0]
    check(run, write(tmp_path, doc), 4, "not a FeatureCollection")


def test_not_incidents(run):
    check(
        run,
        BAD / "null-properties.geojson",
        4,
        "title is missing",
        "date_start is missing",
        "event_type is missing",
    )


@pytest.mark.parametrize(
    ("field", "value", "needles"),
    [
        ("date_start", "2017-02-30", ['date_start "2017-02-30" is not a date that exists']),
        ("date_start", "16/10/2017", ['"16/10/2017" is not an ISO date', "2017-10-16"]),
        ("date_end", "2017-10-01", ["date_end 2017-10-01 is before date_start 2017-10-16"]),
        ("event_type", "Battle", ['did you mean "Battles"']),
        ("event_type", "battles", ['did you mean "Battles"']),
        ("fatalities", -3, ["fatalities -3 is not in range (>= 0)"]),
        ("fatalities", "twelve", ['fatalities "twelve" is not a whole number']),
        ("fatalities", 2.5, ["fatalities 2.5 is not a whole number"]),
        ("geo_precision", 4, ["geo_precision 4 is not in range (1..3)"]),
        ("title", 42, ["title must be text"]),
        ("sources", "a string", ["sources must be a list"]),
        ("sub_event_type", "Riot", ['does not belong to "Battles"']),
        ("iso3", "Iraq", ["not an ISO 3166-1 alpha-3 code"]),
    ],
)
def test_bad_property(run, tmp_path, field, value, needles):
    path = write(tmp_path, mutate(field, value))
    check(run, path, 4, 'feature 0 (id "t-kirkuk")', field, *needles)


def test_duplicate_ids(run, tmp_path):
    path = write(tmp_path, mutate("id", "t-raqqa", index=0))
    check(run, path, 4, 'id "t-raqqa" is also used by feature')


def test_null_geometry(run, tmp_path):
    doc = small_doc()
    doc["features"][2]["geometry"] = None
    check(run, write(tmp_path, doc), 4, 'feature 2 (id "t-tongo")', "has no geometry")


def test_out_of_range_coordinates(run, tmp_path):
    doc = small_doc()
    doc["features"][1]["geometry"]["coordinates"] = [239.0, 35.9]
    check(run, write(tmp_path, doc), 4, "[239.0, 35.9] is outside lon -180..180")


def test_swapped_coordinates_suggest_the_fix(run, tmp_path):
    doc = small_doc()
    doc["features"][0]["geometry"]["coordinates"] = [35.4681, 44.3922]
    path = write(tmp_path, doc)
    result = run("validate", path)
    assert result.exit_code == 0
    assert "warning: point (35.4681, 44.3922)" in result.stdout
    assert "lat and lon swapped" in result.stdout


def test_every_problem_is_reported_at_once(run, tmp_path):
    doc = small_doc()
    doc["features"][0]["properties"]["date_start"] = "2017-02-30"
    doc["features"][3]["properties"]["fatalities"] = -1
    doc["features"][5]["properties"]["event_type"] = "Riot"
    result = run("validate", write(tmp_path, doc))
    assert result.exit_code == 4
    lines = [ln for ln in result.stdout.splitlines() if ": feature " in ln]
    assert [ln.split(": feature ")[1][:1] for ln in lines] == ["0", "3", "5"]
    assert "invalid: " in result.stdout and "3 errors" in result.stdout


def test_skip_invalid_maps_the_rest(run, tmp_path):
    path = write(tmp_path, mutate("date_start", "2017-02-30"))
    assert run("list", path).exit_code == 4
    result = run("list", path, "--skip-invalid", "--format", "json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 5
    assert "skipped 1 invalid incident" in result.stderr
    assert "2017-02-30" in result.stderr and "feature 0" in result.stderr


def test_legacy_crs_is_rejected(run):
    check(run, BAD / "legacy-crs.geojson", 4, "legacy 'crs' member")


def test_duplicate_members_are_rejected(run):
    check(run, BAD / "duplicate-members.geojson", 4, 'member "type" appears more')


def test_unreadable_file(run, tmp_path, monkeypatch):
    # CI runs as root, who can read a mode-0 file; deny access where the reader asks for it.
    path = write(tmp_path, small_doc())
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: p != path and real_access(p, mode))
    check(run, path, 3, "permission denied")


def test_plausibility_warnings_do_not_fail_validation(run, tmp_path):
    doc = small_doc()
    doc["features"][0]["geometry"]["coordinates"] = [0, 0]
    doc["features"][1]["properties"]["iso3"] = None
    doc["features"][1]["properties"]["country"] = None
    doc["features"][1]["geometry"]["coordinates"] = [-30.0, 30.0]  # mid-Atlantic
    doc["features"][2]["properties"]["date_start"] = "2999-01-01"
    doc["features"][2]["properties"]["date_end"] = "2999-01-01"
    result = run("validate", write(tmp_path, doc))
    assert result.exit_code == 0, result.stdout
    assert 'feature 0 (id "t-kirkuk"): geometry: warning: the incident is at 0,0' in result.stdout
    assert "feature 1" in result.stdout and "not in or near any country" in result.stdout
    assert "date_start 2999-01-01 is in the future" in result.stdout
    assert "0 errors, 3 warnings" in result.stdout


def test_unknown_extension(run, tmp_path):
    path = tmp_path / "store.txt"
    path.write_text("{}")
    result = run("list", path)
    assert result.exit_code == 2
    assert "unknown file type '.txt'" in result.stderr


def test_absurdly_deep_nesting_is_an_input_error_not_a_crash(run, tmp_path):
    path = write(tmp_path, b"[" * 5000 + b"]" * 5000)
    check(run, path, 3, "nested too deeply")


def test_a_store_too_large_for_memory_is_refused_up_front(run, tmp_path, monkeypatch):
    import geoevents.io.memory as memory

    monkeypatch.setattr(memory, "available_memory", lambda **_: 50_000_000)
    path = write(tmp_path, small_doc())
    before = path.read_bytes()
    out = tmp_path / "m.html"
    result = run("map", path, "-o", out)
    assert result.exit_code == 3
    assert "needs about" in result.stderr and "available" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists() and path.read_bytes() == before

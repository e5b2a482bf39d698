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


# -- issue 16: hostile values, one clean error each ----------------------------------------------


def raw_mutate(tmp_path, field, json_value, index=0, name="store.geojson"):
    """The small store with one property written as raw JSON text (escapes kept as escapes)."""
    doc = mutate(field, "__RAW__", index)
    path = tmp_path / name
    path.write_text(json.dumps(doc).replace('"__RAW__"', json_value), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("title", '"a\\ud800b"', 'title: title "a\\ud800b" is not Unicode text'),
        ("event_type", '"\\ud800"', 'event_type: event_type "\\ud800" is not Unicode text'),
        ("iso3", '"\\udc00"', 'iso3: iso3 "\\udc00" is not Unicode text'),
        ("date_start", '"\\ud800"', 'date_start: date_start "\\ud800" is not Unicode text'),
        ("summary", '"x\\udfff"', 'summary: summary "x\\udfff" is not Unicode text'),
        ("tags", '["ok", "\\ud800"]', 'tags[1]: tags[1] "\\ud800" is not Unicode text'),
        ("sources", '[{"name": "\\ud800"}]', 'sources[0].name "\\ud800" is not Unicode text'),
        ("id", '"k\\ud800"', 'feature 0 (id "k\\ud800"): id: id "k\\ud800" is not Unicode text'),
    ],
)
def test_text_that_is_not_unicode_is_one_clean_error(run, tmp_path, field, value, shown):
    path = raw_mutate(tmp_path, field, value)
    check(run, path, 4, shown, "lone surrogate")
    for command in (["list", "--format", "json"], ["validate", "--format", "json"]):
        result = run(*command, path)
        assert result.exit_code == 4 and "Traceback" not in result.output
    out = tmp_path / "m.html"
    assert run("map", path, "-o", out).exit_code == 4 and not out.exists()
    # Skipping the bad incident leaves output that encodes.
    listed = run("list", path, "--skip-invalid", "--format", "json")
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)) == 5


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("fatalities", str(2**63), "fatalities 9223372036854775808 is not a count of deaths"),
        ("fatalities", "1e308", "fatalities 1e+308 is not a count of deaths"),
        ("fatalities", str(10**40), "is not a count of deaths"),
        ("geo_precision", str(2**63), "geo_precision 9223372036854775808 is not in range (1..3)"),
        ("geo_precision", "1e308", "geo_precision 1e+308 is not in range (1..3)"),
    ],
)
def test_numbers_beyond_64_bits_are_errors_not_overflows(run, tmp_path, field, value, needle):
    check(run, raw_mutate(tmp_path, field, value), 4, 'feature 0 (id "t-kirkuk")', needle)


def test_numbers_beyond_64_bits_in_geoparquet(run, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from geoevents.io.formats import read_incidents, write_incidents

    gdf, _, _ = read_incidents(SMALL)
    store = write_incidents(gdf, tmp_path / "store.parquet")
    table = pq.read_table(store)
    k = table.schema.get_field_index("fatalities")
    values = [2**63, 2**64 - 1, 3, None, 0, 1]
    column = pa.array(values, pa.uint64())
    changed = table.set_column(k, pa.field("fatalities", pa.uint64()), column)
    pq.write_table(changed.replace_schema_metadata(table.schema.metadata), store)
    result = run("validate", store)
    # The reader may refuse the column (exit 3) or hand it to validation (exit 4): either
    # way one clean line naming the value, never an OverflowError.
    assert result.exit_code in (3, 4), result.output
    assert "Traceback" not in result.output and "9223372036854775808" in result.output


@pytest.mark.parametrize(
    ("field", "value", "needles"),
    [
        ("title", "two\nlines", ['title "two\\nlines" holds a line break', "put it on one line"]),
        ("title", "a\u2028b", ["holds a line break", "put it on one line"]),
        ("title", "tab\there", ["control character (U+0009)", "remove the control character"]),
        ("id", "k\x01", ['id "k\\x01" holds a control character (U+0001)', "remove the control"]),
        ("id", "k\r\n", ["holds a line break"]),
    ],
)
def test_one_line_fields_reject_line_breaks_and_control_characters(
    run, tmp_path, field, value, needles
):
    check(run, write(tmp_path, mutate(field, value)), 4, "feature 0 (id ", field, *needles)


def test_other_text_fields_may_hold_line_breaks(run, tmp_path):
    doc = mutate("summary", "First paragraph.\n\nSecond, with a\ttab.")
    doc["features"][0]["properties"]["sources"][0]["quote"] = "line one\nline two"
    result = run("validate", write(tmp_path, doc))
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.stdout


# -- repeated problems are summarised ------------------------------------------------------------


def test_repeated_problems_are_summarised_per_rule(run, tmp_path):
    doc = small_doc()
    features = [copy.deepcopy(doc["features"][k % 6]) for k in range(40)]
    for k, feat in enumerate(features):
        feat["properties"]["id"] = f"f{k}"
        day = f"2016-{1 + k // 28:02d}-{1 + k % 28:02d}"  # no two alike (double counts)
        feat["properties"]["date_start"] = feat["properties"]["date_end"] = day
        feat["properties"]["date_precision"] = "day"
        feat["properties"]["title"] = None
        if k % 10 == 3:
            feat["properties"]["fatalities"] = -1
    doc["features"] = features
    path = write(tmp_path, doc)
    result = run("validate", path)
    assert result.exit_code == 4
    lines = result.stdout.splitlines()
    titles = [ln for ln in lines if ": title: title is missing" in ln]
    assert [ln.split(": feature ")[1].split(" ")[0] for ln in titles] == ["0", "1", "2", "3", "4"]
    summary = f"{path}: ... and 35 more with the same problem (--all lists every one)"
    assert lines[lines.index(titles[-1]) + 1] == summary
    # Fewer than five of a rule: every one shown, no summary line.
    assert len([ln for ln in lines if "fatalities -1" in ln]) == 4
    assert lines.count(summary) == 1
    assert lines[-1] == f"invalid: {path}: 44 errors, 0 warnings in 40 features"
    every = run("validate", "--all", path).stdout.splitlines()
    assert len([ln for ln in every if "title is missing" in ln]) == 40 and "... and" not in every
    as_json = json.loads(run("validate", "--format", "json", path).stdout)
    assert len(as_json["problems"]) == 44


def test_a_csv_of_two_thousand_columns_validates_with_a_short_report(run, tmp_path):
    import time

    from geoevents.io.census import MAX_COLUMNS

    columns = ["id", "title", "date_start", "event_type", "lon", "lat"]
    n = MAX_COLUMNS - len(columns)
    extra = [f"x{i}" for i in range(n)]
    path = tmp_path / "wide.csv"
    values = ["w1", "Wide", "2020-01-01", "Battles", "44.39", "35.47"]
    path.write_text(",".join(columns + extra) + "\n" + ",".join(values + ["1"] * n) + "\n")
    started = time.perf_counter()
    result = run("validate", path)
    # About a second (0.2 s of it reading); 20,000 columns took 12 s before the reader kept the
    # table as one block (wider tables are refused: test_bounded_work).
    assert time.perf_counter() - started < 30
    assert result.exit_code == 0, result.output[-500:]
    lines = result.stdout.splitlines()
    assert len(lines) == 7 and f"... and {n - 5:,} more with the same problem" in lines[5]
    assert lines[-1].endswith(f"0 errors, {n:,} warnings in 1 feature")


def test_a_hundred_thousand_empty_features_validate_with_a_short_report(run, tmp_path):
    import time

    path = tmp_path / "empty.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [' + ",".join(["{}"] * 100_000) + "]}"
    )
    started = time.perf_counter()
    result = run("validate", path)
    assert time.perf_counter() - started < 60
    assert result.exit_code == 4
    lines = result.stdout.splitlines()
    assert len(lines) < 40
    assert (
        lines.count(f"{path}: ... and 99,995 more with the same problem (--all lists every one)")
        == 5
    )
    assert lines[-1] == f"invalid: {path}: 500,000 errors, 0 warnings in 100,000 features"


# -- issue 14: what validation can enforce of the coding rules ----------------------------------


@pytest.mark.parametrize(
    ("precision", "start", "end", "needle"),
    [
        ("day", "2017-10-01", "2017-10-30", '"day" does not fit 2017-10-01..2017-10-30 (30 days)'),
        ("week", "2017-10-01", "2017-10-08", '"week" does not fit 2017-10-01..2017-10-08 (8 days)'),
        ("week", "2017-10-01", "2017-10-20", 'give the precision the dates have ("month")'),
        ("month", "2017-10-01", "2017-11-15", '"month" holds at most 31 days'),
        ("month", "2017-01-01", "2017-06-30", 'give the precision the dates have ("year")'),
        ("year", "2016-01-01", "2017-06-30", "split it into incidents of at most a year each"),
    ],
)
def test_a_date_precision_that_does_not_fit_its_interval_is_a_warning(
    run, tmp_path, precision, start, end, needle
):
    doc = mutate("date_precision", precision)
    doc["features"][0]["properties"]["date_start"] = start
    doc["features"][0]["properties"]["date_end"] = end
    result = run("validate", write(tmp_path, doc))
    assert result.exit_code == 0, result.output
    assert (
        f'feature 0 (id "t-kirkuk"): date_precision: warning: date_precision {needle}'
        in (result.stdout.replace('date_precision "', 'date_precision "', 1))
        or needle in result.stdout
    )
    assert "0 errors, 1 warning in" in result.stdout


@pytest.mark.parametrize(
    ("precision", "start", "end"),
    [
        ("day", "2017-10-16", "2017-10-22"),
        ("week", "2017-10-16", "2017-10-22"),
        ("month", "2016-02-01", "2016-02-29"),
        # Known to within a month: UCDP's "8-30 days" ranges, across a month's end too.
        ("month", "2017-10-01", "2017-10-20"),
        ("month", "2017-10-16", "2017-11-15"),
        ("month", "2017-10-16", None),  # a month-precision date that names one day
        ("year", "2017-01-01", "2017-12-31"),
        ("year", "2017-03-01", "2017-08-31"),
    ],
)
def test_a_date_precision_that_fits_draws_no_warning(run, tmp_path, precision, start, end):
    doc = mutate("date_precision", precision)
    doc["features"][0]["properties"]["date_start"] = start
    doc["features"][0]["properties"]["date_end"] = end
    assert "0 errors, 0 warnings" in run("validate", write(tmp_path, doc)).stdout


def test_strategic_development_other_needs_a_reason_tag(run, tmp_path):
    doc = small_doc()
    sulay = doc["features"][5]["properties"]
    assert (sulay["event_type"], sulay["sub_event_type"]) == ("Strategic developments", "Other")
    for tags in ([], ["reason:"], ["reasons: none"]):
        sulay["tags"] = tags
        result = run("validate", write(tmp_path, doc))
        assert result.exit_code == 0
        assert (
            'feature 5 (id "t-sulay"): tags: warning: a Strategic development of sub-type "Other" '
            'without a reason tag; say why it is an event in a tag "reason:..."' in result.stdout
        )
    sulay["tags"] = ["reason:talks before the offensive"]
    assert "0 errors, 0 warnings" in run("validate", write(tmp_path, doc)).stdout


def test_a_likely_double_count_names_the_first_record(run, tmp_path):
    doc = small_doc()
    twin = copy.deepcopy(doc["features"][0])
    twin["properties"]["id"] = "t-kirkuk-again"
    twin["properties"]["title"] = "Kirkuk taken (another report)"
    moved = copy.deepcopy(twin)
    moved["properties"]["id"] = "t-kirkuk-moved"
    moved["geometry"]["coordinates"] = [44.4, 35.45]  # same location and iso3
    actors = copy.deepcopy(twin)
    actors["properties"]["id"] = "t-kirkuk-swapped"
    p = actors["properties"]
    p["actor1"], p["actor2"] = p["actor2"], p["actor1"]  # no direction implied
    other_day = copy.deepcopy(twin)
    other_day["properties"]["id"] = "t-kirkuk-later"
    other_day["properties"]["date_start"] = other_day["properties"]["date_end"] = "2017-10-18"
    doc["features"] += [twin, moved, actors, other_day]
    result = run("validate", write(tmp_path, doc))
    assert result.exit_code == 0, result.output
    same = 'warning: likely the same event as feature 0 (id "t-kirkuk"): same place, dates, '
    for k, ident in ((6, "t-kirkuk-again"), (7, "t-kirkuk-moved"), (8, "t-kirkuk-swapped")):
        assert f'feature {k} (id "{ident}"): {same}' in result.stdout
    assert "feature 9 (" not in result.stdout
    assert "0 errors, 3 warnings" in result.stdout

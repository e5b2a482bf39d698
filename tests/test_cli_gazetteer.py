"""``geocode``, ``add`` and ``extract`` through the CLI."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

from helpers import FIXTURES, SMALL

import geoevents

ARTICLE = FIXTURES / "article.txt"  # a short news text of our own


def store_copy(tmp_path):
    store = tmp_path / "store.geojson"
    store.write_bytes(SMALL.read_bytes())
    return store


def test_geocode_json_best_first(run):
    result = run("geocode", "Tuz Kharmato", "--format", "json")
    assert result.exit_code == 0
    places = json.loads(result.stdout)
    assert places[0]["iso3"] == "IRQ" and abs(places[0]["lat"] - 34.89) < 0.05
    assert run("geocode", "Kirkuk").stdout.splitlines()[2].startswith("Kirkuk")


def test_geocode_table_shows_the_kind(run):
    # Aleppo the city and Aleppo the province used to look alike in the table.
    lines = run("geocode", "Aleppo", "--limit", "2").stdout.splitlines()
    assert lines[0].split()[:2] == ["name", "kind"]
    assert "populated place" in lines[2] and "admin1" in lines[3]


def test_geocode_incirlik_is_not_found_rather_than_a_longer_name(run):
    result = run("geocode", "Incirlik")
    assert result.exit_code == 7
    assert "İncirlikuyu" in result.stderr  # offered as a nearest name, not as the answer


def test_geocode_unknown_place_names_the_nearest(run):
    result = run("geocode", "Kirkukk Zzz")
    assert result.exit_code == 7
    assert "nearest names" in result.stderr


def test_add_by_place_name(run, tmp_path):
    store = store_copy(tmp_path)
    result = run(
        "add",
        store,
        "--title",
        "Clashes in Tuz Khurmatu",
        "--date",
        "2017-10-16",
        "--type",
        "Battles",
        "--sub-type",
        "Armed clash",
        "--place",
        "Tuz Kharmato",
        "--country",
        "IRQ",
        "--source-name",
        "Reuters",
        "--source-url",
        "https://example.org/a",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{store}: added inc-000001\n"
    gdf = geoevents.load(store)
    new = gdf.set_index("id").loc["inc-000001"]
    assert new["iso3"] == "IRQ" and new["country"] == "Iraq"
    assert abs(new.geometry.y - 34.89) < 0.05
    assert new["sources"] == [{"name": "Reuters", "url": "https://example.org/a"}]


def test_add_by_coordinates_and_from_json(run, tmp_path):
    store = store_copy(tmp_path)
    result = run(
        "add",
        store,
        "--title",
        "Protest",
        "--date",
        "2019-10-01",
        "--type",
        "protests",
        "--lonlat",
        "44.38,33.31",
        "--country",
        "IRQ",
    )
    assert result.exit_code == 4  # the type must be written as in the vocabulary
    assert 'did you mean "Protests"' in result.stderr
    result = run(
        "add",
        store,
        "--title",
        "Protest",
        "--date",
        "2019-10-01",
        "--type",
        "Protests",
        "--lonlat",
        "44.38,33.31",
        "--country",
        "IRQ",
    )
    assert result.exit_code == 0
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [44.4, 33.3]},
        "properties": {
            "title": "From JSON",
            "date_start": "2019-10-02",
            "event_type": "Protests",
            "iso3": "IRQ",
        },
    }
    result = run("add", store, "--from-json", "-", input=json.dumps(feature))
    assert result.exit_code == 0, result.output
    assert list(geoevents.load(store)["id"][-2:]) == ["inc-000001", "inc-000002"]


def test_ambiguous_place_lists_candidates(run, tmp_path):
    store = store_copy(tmp_path)
    before = store.read_bytes()
    result = run(
        "add",
        store,
        "--title",
        "x",
        "--date",
        "2017-01-01",
        "--type",
        "Battles",
        "--place",
        "Tripoli",
    )
    assert result.exit_code == 8
    assert "Libya" in result.stderr and "Lebanon" in result.stderr and "--country" in result.stderr
    assert store.read_bytes() == before


def test_failed_add_leaves_the_store_byte_identical(run, tmp_path):
    store = store_copy(tmp_path)
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    for args in (
        ["--date", "2017-02-30", "--type", "Battles", "--lonlat", "44,35"],
        ["--date", "2017-02-01", "--type", "Battles", "--lonlat", "44,35", "--id", "t-kirkuk"],
        ["--date", "2017-02-01", "--type", "Battles"],
    ):
        result = run("add", store, "--title", "x", *args)
        assert result.exit_code != 0, args
        assert "Traceback" not in result.output
        assert hashlib.sha256(store.read_bytes()).hexdigest() == before


def test_two_concurrent_adds_both_land(tmp_path):
    store = store_copy(tmp_path)
    cmd = [
        sys.executable,
        "-m",
        "geoevents",
        "add",
        str(store),
        "--date",
        "2017-10-16",
        "--type",
        "Battles",
        "--lonlat",
        "44.39,35.47",
        "--country",
        "IRQ",
    ]
    procs = [
        subprocess.Popen(
            [*cmd, "--title", f"concurrent {i}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    for p in procs:
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
    gdf = geoevents.load(store)
    assert {"concurrent 0", "concurrent 1"} <= set(gdf["title"])
    assert len(gdf) == 8 and gdf["id"].is_unique


def test_extract_writes_candidates_with_verbatim_quotes(run, tmp_path):
    article = ARTICLE
    out = tmp_path / "cand.geojson"
    result = run("extract", article, "--published", "2020-01-01", "-o", out)
    assert result.exit_code == 0, result.output
    gdf = geoevents.load(out)
    text = article.read_text("utf-8")
    assert len(gdf) >= 1
    assert all(s[0]["quote"] in text for s in gdf["sources"])
    assert set(gdf["confidence"]) == {"possible"}
    assert (gdf["date_end"] <= "2020-01-01").all()


def test_extract_bad_inputs(run, tmp_path):
    article = ARTICLE
    assert run("extract", article).exit_code == 2
    result = run("extract", article, "--published", "01/01/2020")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.stderr
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\x00\x01\x02binary")
    assert run("extract", binary, "--published", "2020-01-01").exit_code == 3
    empty = tmp_path / "e.txt"
    empty.write_text("")
    assert run("extract", empty, "--published", "2020-01-01").exit_code == 3
    plain = tmp_path / "p.txt"
    plain.write_text("nothing happened to anyone anywhere, as far as this note says.")
    result = run("extract", plain, "--published", "2020-01-01")
    assert result.exit_code == 0
    assert "no candidate incidents" in result.stderr and result.stdout == ""


def test_add_prefers_the_countries_the_store_holds(run, tmp_path):
    # "Sinjar" is a town in Iraq and one in Syria: alone it is ambiguous (exit 8), but a store
    # of Iraqi incidents implies the Iraqi one (issue 14: the store implies the country).
    args = ["--title", "Clashes in Sinjar", "--date", "2017-10-17", "--type", "Battles"]
    empty = tmp_path / "new.geojson"
    assert run("add", empty, *args, "--place", "Sinjar").exit_code == 8
    iraq = tmp_path / "iraq.geojson"
    seed = geoevents.load(SMALL)
    geoevents.write_incidents(seed[seed["iso3"] == "IRQ"].reset_index(drop=True), iraq)
    result = run("add", iraq, *args, "--place", "Sinjar")
    assert result.exit_code == 0, result.stderr
    added = geoevents.load(iraq).iloc[-1]
    assert (added["iso3"], added["location"]) == ("IRQ", "Sinjār")

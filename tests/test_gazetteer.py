"""Tests for the offline gazetteer: spellings, curated places, ranking, errors and speed."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from shapely.geometry import Point

import geoevents
from geoevents import gazetteer
from geoevents.borders import countries as ne_countries
from geoevents.errors import GeoeventsError, UsageError
from geoevents.gazetteer import (
    AmbiguousPlaceError,
    Place,
    PlaceNotFoundError,
    geocode,
    normalize_name,
    resolve,
)

DATA = Path(geoevents.__file__).parent / "data"


@pytest.fixture(scope="module", autouse=True)
def index() -> None:
    """Build (or load from the user cache) the index once for the module."""
    gazetteer.load_index()


# The spellings analysts use for the same place, with the place each must resolve to.
VARIANTS = [
    ("Sulaymaniyah", "Sulaymaniyah", "IRQ"),
    ("Sulaimaniya", "Sulaymaniyah", "IRQ"),
    ("Slemani", "Sulaymaniyah", "IRQ"),
    ("Sulaimaniyyah", "Sulaymaniyah", "IRQ"),
    ("Tuz Khurmatu", "Ţūz Khūrmātū", "IRQ"),
    ("Tuz Kharmato", "Ţūz Khūrmātū", "IRQ"),
    ("Raqqa", "Ar Raqqah", "SYR"),
    ("Ar-Raqqah", "Ar Raqqah", "SYR"),
    ("Hawija", "Hawija", "IRQ"),
    ("Al-Hawijah", "Hawija", "IRQ"),
    ("Ain Issa", "Ain Issa", "SYR"),
    ("Ain al Issa", "Ain Issa", "SYR"),
    ("Ayn Isa", "Ain Issa", "SYR"),
    ("Deir ez-Zor", "Deir ez-Zor", "SYR"),
    ("Deir Ezzor", "Deir ez-Zor", "SYR"),
    ("Al Bukamal", "Abu Kamal", "SYR"),
    ("Abu Kamal", "Abu Kamal", "SYR"),
    ("Sāmarrā’", "Sāmarrā’", "IRQ"),
    ("Samarra", "Sāmarrā’", "IRQ"),
]


@pytest.mark.parametrize(("spelling", "expected", "iso3"), VARIANTS)
def test_spelling_variants_resolve_to_the_same_place(spelling, expected, iso3):
    place = resolve(spelling)
    assert (place.name, place.iso3) == (expected, iso3)
    best = geocode(spelling)[0]
    assert (best.name, best.iso3) == (expected, iso3)


@pytest.mark.parametrize(
    "group",
    [
        ("Ain Issa", "Ain al Issa", "Ayn Isa", "Ain al-Issa", "ʿAyn ʿĪsá", "Ein Issa"),
        ("Deir ez-Zor", "Deir Ezzor", "Dayr ez Zor"),
        ("Raqqa", "Ar-Raqqah", "Arraqqa", "al-Raqqa", "RAQQA"),
        ("Hawija", "Al-Hawijah", "al Hawija", "Ḩawījah"),
        ("Sulaymaniyah", "Sulaimaniya", "Sulaimaniyyah", "Sulaymaniyya"),
        ("Kirkuk", "KIRKUK", "Kirkuk\u200e", "Kirkûk"),
    ],
)
def test_normalize_name_folds_transliteration_variants(group):
    keys = {normalize_name(name) for name in group}
    assert len(keys) == 1, keys


def test_vowel_variants_are_a_loose_match():
    best = geocode("Kerkouk")[0]
    assert best.name == "Kirkuk"
    tuz = geocode("Tuz Kharmato")[0]
    assert tuz.score < 0.8  # found, but ranked as a loose (vowel-blind) match


def test_normalize_name_keeps_different_places_apart():
    assert normalize_name("Kirkuk") != normalize_name("Karbala")
    assert normalize_name("Ain Issa") != normalize_name("Ain al Asad")
    # A lone article word is a name, not an article ("Ar" alone is kept).
    assert normalize_name("Ar") == "ar"


@pytest.mark.parametrize(
    ("arabic", "expected"), [("كركوك", "Kirkuk"), ("الحويجة", "Hawija"), ("عين عيسى", "Ain Issa")]
)
def test_arabic_script_names(arabic, expected):
    assert geocode(arabic)[0].name == expected


# ----------------------------------------------------------------------------- curated places


def test_tongo_tongo_comes_from_the_supplement():
    place = resolve("Tongo Tongo")
    assert (place.iso3, place.country, place.admin1) == ("NER", "Niger", "Tillaberi")
    assert place.lat == pytest.approx(15.05, abs=0.05)
    assert place.lon == pytest.approx(1.84, abs=0.05)
    assert "Wikipedia" in place.source
    assert place.population is None  # not known, which is not zero
    assert place.geo_precision == 1


@pytest.mark.parametrize(
    ("spelling", "name", "kind"),
    [
        ("Ain al-Asad", "Al Asad Air Base", "site"),
        ("Ain al Assad airbase", "Al Asad Air Base", "site"),
        ("K1", "K-1 Air Base", "site"),
        ("K-1", "K-1 Air Base", "site"),
        ("US Embassy Baghdad", "US Embassy Baghdad", "site"),
        ("Iraqi Kurdistan", "Kurdistan Region", "region"),
        ("Al Bukumai", "Abu Kamal", "populated place"),
    ],
)
def test_curated_places_and_spellings(spelling, name, kind):
    place = resolve(spelling, country="IRQ" if kind != "populated place" else None)
    assert (place.name, place.kind) == (name, kind)
    assert "curated supplement" in place.source


def _supplement_rows() -> list[dict[str, str]]:
    with (DATA / "gazetteer_supplement.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _admin1_rows() -> list[dict[str, str]]:
    with (DATA / "gazetteer_admin1.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _inside(iso3: str, lat: float, lon: float, margin_deg: float = 0.3) -> bool:
    borders = ne_countries()
    shape = borders.loc[borders["iso3"] == iso3, "geometry"]
    assert len(shape) == 1, iso3
    return bool(shape.iloc[0].buffer(margin_deg).contains(Point(lon, lat)))


def test_supplement_rows_are_sourced_and_inside_their_country():
    rows = _supplement_rows()
    names = {r["name"] for r in rows}
    assert {"Tongo Tongo", "Hawija", "Ain Issa"} <= names
    for row in rows:
        assert len(row["source"]) > 40, row["name"]  # says where the coordinate comes from
        assert row["kind"] in gazetteer.POINT_KINDS + gazetteer.AREA_KINDS
        assert _inside(row["iso3"], float(row["lat"]), float(row["lon"])), row["name"]


def test_supplement_rows_that_name_a_geonames_record_keep_its_coordinates():
    for row in _supplement_rows():
        if not row["geonameid"]:
            continue
        place = resolve(row["name"], country=row["iso3"])
        assert f"GeoNames {row['geonameid']}" in place.source
        assert place.lat == pytest.approx(float(row["lat"]), abs=0.01)
        assert place.lon == pytest.approx(float(row["lon"]), abs=0.01)


def test_admin1_rows_are_inside_their_country():
    iso3 = {"IQ": "IRQ", "SY": "SYR", "NE": "NER"}
    rows = _admin1_rows()
    assert len(rows) == 41
    for row in rows:
        assert _inside(iso3[row["country_code"]], float(row["lat"]), float(row["lon"])), row


# ----------------------------------------------------------------------------- ranking


def test_the_city_of_kirkuk_ranks_first():
    places = geocode("Kirkuk")
    assert (places[0].name, places[0].iso3, places[0].kind) == ("Kirkuk", "IRQ", "populated place")
    assert places[0].population and places[0].population > 500_000
    assert [p.score for p in places] == sorted((p.score for p in places), reverse=True)
    assert all(0 <= p.score <= 1 for p in places)


def _tiny_index(rows: list[tuple]) -> gazetteer.GazetteerIndex:
    records = [
        gazetteer.Record(name, lat, lon, iso2, admin1, pop, pop or 0, kind, f"test {i}")
        for i, (name, lat, lon, iso2, admin1, pop, kind) in enumerate(rows)
    ]
    names = [[r.name] for r in records]
    countries = {
        "IQ": gazetteer.Country("Iraq", "IRQ"),
        "TR": gazetteer.Country("Turkey", "TUR"),
        "IR": gazetteer.Country("Iran", "IRN"),
    }
    return gazetteer.make_index(records, names, countries, "test")


@pytest.fixture
def use_tiny():
    """Look up in a hand-made index for one test, then put the package's index back."""
    previous: list[gazetteer.GazetteerIndex | None] = []

    def use(rows: list[tuple]) -> None:
        previous.append(gazetteer.use_index(_tiny_index(rows)))

    yield use
    if previous:
        gazetteer.use_index(previous[0])


def test_a_city_ranks_before_a_hamlet_of_the_same_name(use_tiny):
    # A hamlet listed first, with the same exact spelling, in another country.
    use_tiny(
        [
            ("Kirkuk", 38.0, 30.0, "TR", None, 120, "populated place"),
            ("Kirkuk", 35.46806, 44.39222, "IQ", "Kirkuk", 1_031_000, "populated place"),
        ]
    )
    places = geocode("Kirkuk")
    assert [p.iso3 for p in places] == ["IRQ", "TUR"]
    assert resolve("Kirkuk").iso3 == "IRQ"
    assert resolve("Kirkuk", country="TUR").lat == 38.0


def test_two_hamlets_of_the_same_name_are_ambiguous(use_tiny):
    use_tiny(
        [
            ("Qaryat Ali", 35.0, 44.0, "IQ", None, 0, "populated place"),
            ("Qaryat Ali", 33.0, 47.0, "IR", None, 0, "populated place"),
        ]
    )
    with pytest.raises(AmbiguousPlaceError) as err:
        resolve("Qaryat Ali")
    assert 'country="ISO3" (one of IRN, IRQ)' in str(err.value)
    assert err.value.options == ('country="ISO3"', "lonlat=(lon, lat)")


def test_namesakes_in_one_country_ask_for_the_position_only(use_tiny):
    use_tiny(
        [
            ("Qaryat Ali", 35.0, 44.0, "IQ", None, 0, "populated place"),
            ("Qaryat Ali", 33.0, 46.0, "IQ", None, 0, "populated place"),
        ]
    )
    with pytest.raises(AmbiguousPlaceError) as err:
        resolve("Qaryat Ali")
    msg = str(err.value)
    assert msg.endswith(
        "give the position with lonlat=(lon, lat) (they are all in the same country)"
    )
    assert err.value.options == ("lonlat=(lon, lat)",)


@pytest.mark.parametrize(("name", "iso3"), [("Najaf", "IRQ"), ("Mosul", "IRQ")])
def test_the_populous_place_wins_over_small_namesakes(name, iso3):
    assert resolve(name).iso3 == iso3


# ----------------------------------------------------------------------------- issue 14, item 7


@pytest.mark.parametrize("name", ["Sinjar", "Kobani"])
def test_one_ambiguity_rule_namesakes_in_two_countries_are_refused(name):
    # Sinjar (Iraq, 38,000) and Sinjar (Idlib, Syria, population not known) used to resolve
    # silently to Iraq while Kobani was refused: a population GeoNames lacks is not a small one.
    with pytest.raises(AmbiguousPlaceError) as err:
        resolve(name)
    assert err.value.options == ('country="ISO3"', "lonlat=(lon, lat)")


@pytest.mark.parametrize(
    ("name", "prefer", "iso3"),
    [
        ("Sinjar", ("IRQ",), "IRQ"),
        ("Sinjar", ("SYR",), "SYR"),
        ("Kobani", ("SYR",), "SYR"),
        ("Sinjar", ("Iraq", "XXX"), "IRQ"),  # names and unknown codes are accepted as hints
    ],
)
def test_a_country_hint_decides_between_namesakes(name, prefer, iso3):
    assert resolve(name, prefer=prefer).iso3 == iso3
    assert geocode(name, prefer=prefer)[0].iso3 == iso3
    assert gazetteer.best_match(name, prefer=prefer).place.iso3 == iso3


def test_a_hint_of_two_countries_that_both_match_decides_nothing():
    with pytest.raises(AmbiguousPlaceError):
        resolve("Sinjar", prefer=("IRQ", "SYR"))


def test_a_hint_is_not_a_filter():
    assert resolve("Mosul", prefer=("SYR",)).iso3 == "IRQ"  # no Mosul in Syria: the hint is moot


def test_a_longer_name_is_not_a_loose_match():
    # Incirlik (the air-base town near Adana) is not in GeoNames' table; İncirlikuyu, a
    # different, longer name, used to come back as a confident answer.
    with pytest.raises(PlaceNotFoundError) as err:
        geocode("Incirlik")
    assert any("İncirlikuyu" in s for s in err.value.suggestions)


def test_weak_loose_matches_are_not_listed_beside_a_real_match():
    places = geocode("Tal Afar")
    assert places[0].name == "Tall ‘Afar"
    assert all(p.iso3 == "IRQ" for p in places), [(p.name, p.iso3) for p in places]


def test_a_city_comes_before_the_province_named_after_it():
    places = geocode("Raqqa")
    assert places[0].kind == "populated place"
    assert any(p.kind == "admin1" for p in places)
    assert resolve("Raqqa").kind == "populated place"


def test_province_suffix_asks_for_the_province():
    place = resolve("Kirkuk province")
    assert (place.name, place.kind, place.geo_precision) == ("Kirkuk", "admin1", 3)
    assert resolve("Salahaddin").name == "Salah ad Din"
    assert resolve("Nineveh").kind == "admin1"


def test_countries_are_areas():
    niger = resolve("Niger")
    assert (niger.kind, niger.iso3, niger.geo_precision) == ("country", "NER", 3)
    assert _inside("NER", niger.lat, niger.lon, margin_deg=0)


def test_places_carry_a_province_name_where_curated():
    assert resolve("Tikrit").admin1 == "Salah ad Din"
    assert resolve("Dibis").admin1 == "Kirkuk"


def test_to_dict_is_json_ready():
    d = resolve("Kirkuk").to_dict()
    assert list(d)[:9] == [
        "name",
        "lat",
        "lon",
        "country",
        "iso3",
        "admin1",
        "population",
        "score",
        "source",
    ]
    assert d["geo_precision"] == 1


# ----------------------------------------------------------------------------- country filter


def test_country_filter_picks_the_namesake():
    assert geocode("Sinjar", country="SYR")[0].iso3 == "SYR"
    assert all(p.iso3 == "SYR" for p in geocode("Sinjar", country="SYR"))
    assert resolve("Tripoli", country="LBN").country == "Lebanon"


@pytest.mark.parametrize("code", ["IRQ", "irq", "IQ", "Iraq"])
def test_country_accepts_iso3_iso2_and_name(code):
    assert resolve("Kirkuk", country=code).iso3 == "IRQ"


def test_unknown_country_is_a_usage_error():
    with pytest.raises(UsageError) as err:
        geocode("Kirkuk", country="XYZ")
    assert "'XYZ'" in str(err.value)
    assert 'pass e.g. country="IRQ", SYR or NER' in str(err.value)
    assert err.value.options == ('country="IRQ"',)
    assert err.value.exit_code == 2


# ----------------------------------------------------------------------------- errors


def test_ambiguous_name_lists_the_candidates_and_the_fix():
    with pytest.raises(AmbiguousPlaceError) as err:
        resolve("Tripoli")
    exc = err.value
    msg = str(exc)
    assert exc.exit_code == 8
    assert isinstance(exc, GeoeventsError) and isinstance(exc, LookupError)
    assert "Libya" in msg and "Lebanon" in msg
    assert "lat 32.8874, lon 13.1873" in msg
    assert 'pass country="ISO3" (one of ' in msg and "with lonlat=(lon, lat)" in msg
    assert all(option in msg for option in exc.options)
    assert "--" not in msg  # library terms: the CLI swaps each option for its flag
    assert {p.iso3 for p in exc.candidates} >= {"LBY", "LBN"}
    assert all(isinstance(p, Place) for p in exc.candidates)


def test_unknown_name_says_so_with_the_nearest_names():
    with pytest.raises(PlaceNotFoundError) as err:
        resolve("Kirkukistan")
    exc = err.value
    msg = str(exc)
    assert exc.exit_code == 7
    assert isinstance(exc, LookupError)
    assert "'Kirkukistan'" in msg and "nearest names" in msg
    assert any(s.startswith("Kirkuk") for s in exc.suggestions)
    assert msg.endswith("; check the spelling, or give the position with lonlat=(lon, lat)")
    assert exc.options == ("lonlat=(lon, lat)",)


def test_geocode_raises_for_unknown_names_too():
    with pytest.raises(PlaceNotFoundError) as err:
        geocode("Tongo Tongoo Xq", country="NER")
    msg = str(err.value)
    assert "in NER" in msg
    assert msg.endswith(
        "check the spelling, drop country=..., or give the position with lonlat=(lon, lat)"
    )
    assert err.value.options == ("country=...", "lonlat=(lon, lat)")


@pytest.mark.parametrize("bad", ["", "   ", "--", "!!"])
def test_empty_names_are_usage_errors(bad):
    with pytest.raises(UsageError):
        geocode(bad)
    with pytest.raises(UsageError) as err:
        resolve(bad)
    if not bad.strip():
        assert str(err.value).endswith("give a name such as 'Kirkuk' or use lonlat=...")
        assert err.value.options == ("lonlat=...",)


def test_limit_must_be_positive():
    with pytest.raises(UsageError):
        geocode("Kirkuk", limit=0)
    assert len(geocode("Tripoli", limit=2)) == 2


# ----------------------------------------------------------------------------- speed and cache


def test_lookups_are_fast_after_the_first():
    names = [name for name, _, _ in VARIANTS] + ["Kirkuk", "Baghdad", "Tongo Tongo", "Mosul"]
    for name in names:  # warm up (dateparser-free, but the first lookup of a name folds it)
        geocode(name)
    start = time.perf_counter()
    for i in range(100):
        geocode(names[i % len(names)])
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"100 lookups took {elapsed:.2f} s"


def test_importing_does_not_load_the_data():
    code = "import geoevents.gazetteer as g; assert not g.index_loaded(); print('ok')"
    env = {**os.environ, "GEOEVENTS_CACHE_DIR": "none"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "ok"


def test_cache_round_trip_and_corrupt_cache(tmp_path):
    small = _tiny_index(
        [
            ("Kirkuk", 35.5, 44.4, "IQ", None, 10, "populated place"),
            ("Kirkuk", 35.3, 44.1, "IQ", "Kirkuk", None, "admin1"),
            ("Erbil", 36.19, 44.01, "IQ", None, 5, "populated place"),
        ]
    )
    path = tmp_path / "sub" / "gazetteer-test.sqlite"
    gazetteer.write_cache(small, path)
    loaded = gazetteer.read_cache(path)
    assert loaded is not None and list(loaded.records) == small.records
    assert loaded.fingerprint == "test" and loaded.countries == small.countries
    assert dict(loaded.keys) == small.keys and dict(loaded.loose) == small.loose
    assert dict(loaded.near) == small.near and loaded.named("kirkuk") == (0, 1)
    assert loaded.records[2] == small.records[2] and loaded.named("nowhere") == ()
    path.write_bytes(b"not an index")
    assert gazetteer.read_cache(path) is None
    assert gazetteer.read_cache(tmp_path / "missing.sqlite") is None


def test_unwritable_cache_is_skipped(tmp_path):
    small = _tiny_index([("Kirkuk", 35.5, 44.4, "IQ", None, 10, "populated place")])
    blocker = tmp_path / "file"
    blocker.write_text("x")
    gazetteer.write_cache(small, blocker / "gazetteer.sqlite")  # parent is a file: no error


def test_cache_dir_can_be_chosen_or_disabled(monkeypatch, tmp_path):
    monkeypatch.setenv("GEOEVENTS_CACHE_DIR", str(tmp_path))
    assert gazetteer.cache_dir() == tmp_path
    monkeypatch.setenv("GEOEVENTS_CACHE_DIR", "none")
    assert gazetteer.cache_dir() is None


def test_the_article_and_a_final_h_do_not_make_a_spelling_inexact():
    # "Basra" is GeoNames' "Al Başrah" (1.3 M), not the Pakistani village spelled "Basra".
    assert resolve("Basra").iso3 == "IRQ"
    assert gazetteer.same_name("Basra", "Al Başrah")
    assert not gazetteer.same_name("Samara", "Samarra")

"""Tests for article -> candidate incidents, and the recall measurement on the seed articles.

Run as a script to print the recall table of ``docs/extraction.md``::

    .venv/bin/python tests/test_extract.py
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from helpers import SEEDS, require_shared, shared_params

from geoevents import gazetteer
from geoevents.errors import InputError, UsageError
from geoevents.extract import classify, extract, lexicon, parse_published, read_article
from geoevents.extract.candidates import document_hash
from geoevents.gazetteer import normalize_name
from geoevents.schema import COLUMNS, CONFIDENCE, DATE_PRECISIONS, SUB_EVENT_TYPES

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / "data" / "incidents.geojson"

#: Publication dates of the seed articles where the dataset does not give one: 001 says
#: "date 2020-01-01"; the others are inferred from the events they report (000: Dunford's
#: briefing "on Monday" 23 Oct 2017; 002: the Foreign Policy article of 29 May 2020 it threads;
#: 003: the Kirkuk takeover "earlier this week" of 16 Oct 2017; 004: "Wednesday's missile
#: strike" of 8 Jan 2020).
SEED_PUBLISHED = {
    "000": "2017-10-24",
    "001": "2020-01-01",
    "002": "2020-05-29",
    "003": "2017-10-20",
    "004": "2020-01-10",
}

#: Recall floors actually achieved (see docs/extraction.md); a drop below is a regression. 001
#: and 002 are at 0.5 since the store was recoded (docs/coding.md): their deadliest events (the US
#: strikes of 29 Dec 2019; the Soleimani strike and Camp Taji) are in sentences that name no place,
#: and the store now records them with the place from public record, which extraction, finding
#: only places the text names, cannot reach.
RECALL_FLOOR = {"000": 0.9, "001": 0.5, "002": 0.5, "003": 0.9, "004": 0.9}

#: A candidate within this distance of an incident's point finds it, by geo_precision.
RADIUS_KM = {1: 10.0, 2: 25.0, 3: 100.0}

PUB = dt.date(2017, 10, 24)  # a Tuesday


@pytest.fixture(scope="module", autouse=True)
def index() -> None:
    gazetteer.load_index()


def _seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


def _incidents() -> list[dict]:
    if not DATASET.is_file():
        return []
    return json.loads(DATASET.read_text(encoding="utf-8-sig")).get("features", [])


def _published(document: str) -> dt.date:
    for feature in _incidents():
        for source in feature["properties"].get("sources") or []:
            if source.get("document") == document and source.get("published"):
                return dt.date.fromisoformat(source["published"])
    return dt.date.fromisoformat(SEED_PUBLISHED[document[:3]])


# ----------------------------------------------------------------------------- recall


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def _contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def _finds(candidate: dict, geometry, incident: dict, by_distance: bool = True) -> bool:
    """Whether a candidate finds an incident's place: by name or by distance.

    By name: the candidate's gazetteer name or its mention as written, normalised, occurs as
    whole words in the incident's ``location`` with parenthesised remarks removed (``Tongo
    Tongo (outskirts)`` -> ``Tongo Tongo``). By distance: the candidate's point lies within
    10 / 25 / 100 km of the incident's point for geo_precision 1 / 2 / 3.
    """
    props = incident["properties"]
    location = re.sub(r"\([^)]*\)", " ", props["location"])
    words = normalize_name(location).split()
    mentions = [t[len("mention:") :] for t in candidate["tags"] if t.startswith("mention:")]
    for name in [candidate["location"], *mentions]:
        if _contains(words, normalize_name(name).split()):
            return True
    geom = incident.get("geometry") or {}
    if by_distance and geom.get("type") == "Point":
        lon, lat = geom["coordinates"][:2]
        radius = RADIUS_KM.get(props.get("geo_precision") or 1, 10.0)
        point = geometry if geometry.geom_type == "Point" else geometry.representative_point()
        return _km(point.y, point.x, lat, lon) <= radius
    return False


def measure(path: Path) -> dict:
    """Extract from one seed article and compare with the dataset's incidents for it."""
    document = path.name
    frame = extract(read_article(path), published=_published(document), document=document)
    incidents = [
        f
        for f in _incidents()
        if any(s.get("document") == document for s in f["properties"].get("sources") or [])
    ]
    locations: dict[str, list[dict]] = {}
    for f in incidents:
        locations.setdefault(f["properties"]["location"], []).append(f)
    found, dated, missed, by_name = [], [], [], []
    rows = list(zip(frame.to_dict("records"), frame.geometry, strict=True))
    for location, features in locations.items():
        if any(_finds(c, g, f, by_distance=False) for c, g in rows for f in features):
            by_name.append(location)
        hits = [(c, g) for c, g in rows for f in features if _finds(c, g, f)]
        if not hits:
            missed.append(location)
            continue
        found.append(location)
        spans = [(f["properties"]["date_start"], f["properties"].get("date_end")) for f in features]
        if any(
            c["date_start"] <= (end or start) and c["date_end"] >= start
            for c, _ in hits
            for start, end in spans
        ):
            dated.append(location)
    total = len(locations)
    return {
        "document": document,
        "candidates": len(frame),
        "locations": total,
        "found": len(found),
        "by_name": len(by_name),
        "dated": len(dated),
        "missed": missed,
        "recall": len(found) / total if total else None,
    }


# ----------------------------------------------------------------------------- reading


def test_read_article_returns_text(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("\ufeffClashes in Kirkuk.\n".encode())
    assert read_article(path) == "Clashes in Kirkuk.\n"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"  \n\t\n", "is empty"),
        (b"%PDF-1.4\x00\x01\x02binary", "binary file"),
        ("Clashes in Tuz Khurmatu – café".encode("latin-1", "replace"), "not UTF-8"),
    ],
)
def test_read_article_rejects_bad_files(tmp_path, content, expected):
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_article(path)
    assert str(path) in str(err.value)
    assert expected in str(err.value)
    assert err.value.exit_code == 3


def test_read_article_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such article file"):
        read_article(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_article(tmp_path)


# ----------------------------------------------------------------------------- usage


@pytest.mark.parametrize("bad", [None, "", "2017-13-01", "24/10/2017", "yesterday", 20171024])
def test_published_missing_or_malformed_is_a_usage_error(bad):
    with pytest.raises(UsageError) as err:
        extract("Clashes in Kirkuk on Monday.", published=bad)
    assert err.value.exit_code == 2
    # Library terms: the keyword as a call spells it, listed in options for the CLI to swap.
    (option,) = err.value.options
    assert option in str(err.value)
    if bad in (None, ""):
        assert option == 'published="YYYY-MM-DD"'
        assert str(err.value).startswith('the publication date is required (published="YYYY-')
    else:
        assert option == 'published="2017-10-24"'
        assert str(err.value).endswith('give it as YYYY-MM-DD, e.g. published="2017-10-24"')


def test_published_accepts_dates_datetimes_and_iso_strings():
    assert parse_published("2017-10-24") == PUB
    assert parse_published(dt.datetime(2017, 10, 24, 18, 30)) == PUB
    assert parse_published(PUB) == PUB


@pytest.mark.parametrize("text", ["", "   \n "])
def test_empty_text_is_an_input_error(text):
    with pytest.raises(InputError, match="empty"):
        extract(text, published=PUB, document="blank.txt")


# ----------------------------------------------------------------------------- output shape


def _check_frame(frame: gpd.GeoDataFrame, text: str, published: dt.date) -> None:
    assert list(frame.columns) == [*COLUMNS, "geometry"]
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    doc = document_hash(text)
    assert frame["id"].is_unique
    for row in frame.to_dict("records"):
        assert re.fullmatch(rf"cand-{doc}-\d{{2,}}[a-z]?", row["id"]), row["id"]
        assert row["confidence"] == "possible" and row["confidence"] in CONFIDENCE
        assert row["sub_event_type"] in SUB_EVENT_TYPES[row["event_type"]]
        assert row["date_precision"] in DATE_PRECISIONS
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date_start"])
        assert row["date_start"] <= row["date_end"]
        if "date-after-publication" not in row["tags"]:
            assert row["date_end"] <= published.isoformat()
        assert row["geo_precision"] in (1, 2, 3)
        assert row["sources"]
        for source in row["sources"]:  # one a sentence, when sentences about one event merge
            assert source["quote"] in text  # verbatim
            assert source["published"] == published.isoformat()
        assert row["tags"][0] == "extracted"
    for row, g in zip(frame.to_dict("records"), frame.geometry, strict=True):
        # A country-only candidate is drawn as the country, not as a circle round a point.
        expected = ("Polygon", "MultiPolygon") if "country-only" in row["tags"] else ("Point",)
        assert g.geom_type in expected, (row["location"], g.geom_type)


def test_no_place_and_no_date_gives_zero_candidates():
    text = "Nothing much happened. The weather was mild and people went about their day."
    frame = extract(text, published=PUB)
    assert len(frame) == 0
    _check_frame(frame, text, PUB)


def test_a_place_without_any_date_is_dated_by_publication_honestly():
    text = "Fighters clashed with police in Hawija."
    (row,) = extract(text, published=PUB).to_dict("records")
    assert row["location"] == "Hawija"
    assert (row["date_start"], row["date_end"], row["date_precision"]) == (
        "2017-10-24",
        "2017-10-24",
        "year",
    )
    assert "date-from-publication" in row["tags"]


# ----------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("sentence", "start", "end", "precision"),
    [
        ("Militants ambushed a patrol near Tongo Tongo on October 4.", "2017-10-04", None, "day"),
        ("The stadium in Raqqa, Syria, fell last Friday.", "2017-10-20", None, "day"),
        ("On Sunday, fighting broke out in Kirkuk.", "2017-10-22", None, "day"),
        ("Clashes in Kirkuk on Monday morning left two dead.", "2017-10-23", None, "day"),
        ("Gunmen attacked a checkpoint in Hawija yesterday.", "2017-10-23", None, "day"),
        ("Iraqi forces entered Kirkuk earlier this week.", "2017-10-23", "2017-10-24", "week"),
        ("Clashes erupted in Kirkuk last week.", "2017-10-16", "2017-10-22", "week"),
        (
            "ISIS captured the Iraqi town of Sinjar in August 2014.",
            "2014-08-01",
            "2014-08-31",
            "month",
        ),
        ("A bomb exploded in Samarra on 22 February 2006.", "2006-02-22", None, "day"),
        ("Fighting in Kirkuk intensified in September.", "2017-09-01", "2017-09-30", "month"),
        ("From 2005 to 2011 bombs in Baghdad killed hundreds.", "2005-01-01", "2011-12-31", "year"),
        ("Fighting in Mosul this month displaced thousands.", "2017-10-01", "2017-10-24", "month"),
        ("Police in Kirkuk arrested two men 3 days ago.", "2017-10-21", None, "day"),
    ],
)
def test_dates_resolve_against_publication(sentence, start, end, precision):
    frame = extract(sentence, published=PUB)
    _check_frame(frame, sentence, PUB)
    row = frame.to_dict("records")[0]
    assert (row["date_start"], row["date_end"], row["date_precision"]) == (
        start,
        end or start,
        precision,
    )


def test_no_date_after_publication_unless_the_text_says_so():
    frame = extract("On December 30 fighting broke out in Kirkuk.", published=PUB)
    assert frame.iloc[0]["date_start"] == "2016-12-30"  # the last December 30 before publication
    frame = extract("Clashes in Kirkuk on October 30.", published=PUB)
    assert frame.iloc[0]["date_start"] == "2016-10-30"
    frame = extract("Protesters clashed with police in Baghdad in March 2025.", published=PUB)
    row = frame.iloc[0]
    assert row["date_start"] == "2025-03-01" and "date-after-publication" in row["tags"]


def test_a_date_in_the_previous_sentence_is_borrowed_and_tagged():
    text = "Details about the October 4 attack are emerging. Militants were seen in Tongo Tongo."
    row = extract(text, published=PUB).iloc[-1]
    assert row["location"] == "Tongo Tongo"
    assert row["date_start"] == "2017-10-04"
    assert "date-from-context" in row["tags"]


def test_a_place_in_the_previous_sentence_is_borrowed_and_tagged():
    text = (
        "RAQQA, Syria—The stadium here was a prison. When it fell last Friday, ISIS was defeated."
    )
    rows = extract(text, published=PUB).to_dict("records")
    fell = [r for r in rows if "place-from-context" in r["tags"]]
    assert fell and fell[0]["location"] == "Ar Raqqah" and fell[0]["date_start"] == "2017-10-20"


# ----------------------------------------------------------------------------- places and types


def test_near_a_place_is_geo_precision_2_and_provinces_are_3():
    rows = extract(
        "Militants attacked soldiers near Kirkuk on Monday. Raids continued in Kirkuk province "
        "on Tuesday.",
        published=PUB,
    ).to_dict("records")
    assert [(r["location"], r["geo_precision"]) for r in rows] == [("Kirkuk", 2), ("Kirkuk", 3)]


def test_loose_spelling_is_found_after_in_and_tagged():
    text = "Iraqi forces and Kurdish fighters clashed in Tuz Kharmato in Iraq on October 16."
    rows = extract(text, published=PUB).to_dict("records")
    tuz = [r for r in rows if r["location"] == "Ţūz Khūrmātū"]
    assert tuz and "place-loose-match" in tuz[0]["tags"]
    assert "mention:Tuz Kharmato" in tuz[0]["tags"]


@pytest.mark.parametrize(
    "text",
    [
        "Suit: U.S. Firms’ Bribes Funded Iraq Militia Attacks on Americans",  # not Assiut
        "They met at the Bai Hassan and Avana oil fields in Iraq on Monday.",  # not Havana
        "A celebration in Naim Square in Raqqa on Monday.",  # not Nîmes
        "Issa Xabur, 42, was arrested in Syria on Monday.",  # a person
        "Leaders of the Patriotic Union of Kurdistan met on Monday.",  # a party
        "General Joseph Dunford spoke on Monday about the attack.",
    ],
)
def test_common_false_places_are_filtered(text):
    rows = extract(text, published=PUB).to_dict("records")
    assert not {r["location"] for r in rows} & {"Assiut", "Havana", "Nîmes", "Kurdistan Region"}
    assert all(r["location"] not in ("Issa", "Dunford") for r in rows)


@pytest.mark.parametrize(
    ("sentence", "event_type", "sub_event_type"),
    [
        ("Militants ambushed the patrol.", "Battles", "Armed clash"),
        (
            "Iraqi forces seized the city from the Peshmerga.",
            "Battles",
            "Government regains territory",
        ),
        ("ISIS captured the town.", "Battles", "Non-state actor overtakes territory"),
        ("Israeli air strikes hit the militia.", "Explosions/Remote violence", "Air/drone strike"),
        (
            "Iran fired missiles at the base.",
            "Explosions/Remote violence",
            "Shelling/artillery/missile attack",
        ),
        (
            "A roadside bomb killed two.",
            "Explosions/Remote violence",
            "Remote explosive/landmine/IED",
        ),
        ("They beheaded prisoners in the stadium.", "Violence against civilians", "Attack"),
        ("Yazidi women were enslaved.", "Violence against civilians", "Sexual violence"),
        (
            "The militia kidnapped four soldiers.",
            "Violence against civilians",
            "Abduction/forced disappearance",
        ),
        ("Crowds stormed the embassy.", "Riots", "Violent demonstration"),
        ("Thousands protested peacefully.", "Protests", "Peaceful protest"),
        ("Police fired tear gas at protesters.", "Protests", "Excessive force against protesters"),
        ("Authorities detained the village chief.", "Strategic developments", "Arrests"),
        (
            "The Peshmerga withdrew from the city.",
            "Strategic developments",
            "Non-violent transfer of territory",
        ),
        ("The two sides signed a ceasefire.", "Strategic developments", "Agreement"),
        ("The minister gave a speech.", "Strategic developments", "Other"),
    ],
)
def test_event_type_from_the_sentence(sentence, event_type, sub_event_type):
    got_type, got_sub, cue = classify(sentence)
    assert (got_type, got_sub) == (event_type, sub_event_type)
    assert cue == (sub_event_type != "Other")
    assert got_sub in SUB_EVENT_TYPES[got_type]


#: Sub-event types of event_rules.txt that classify decides from the qualifiers.
DECIDED_BY_QUALIFIERS = {"territory", "protest", "attack", "storm"}


def test_the_vocabulary_is_data_read_once():
    files = sorted(lexicon.VOCABULARY_DIR.iterdir())
    # pyproject.toml ships vocabulary/*.txt: anything else there would be left out of a wheel.
    assert files and all(f.suffix == ".txt" for f in files), files
    assert lexicon.words("stopwords") is lexicon.words("stopwords")  # cached, not re-read
    assert {"january", "president", "iraqi"} <= lexicon.words("stopwords")
    assert "united states" in lexicon.lines("stop_phrases")
    assert lexicon.pairs("demonyms")["nigerien"] == "NER"
    rules = lexicon.blocks("event_rules")
    assert len(rules) == 22
    for header, pattern in rules:
        event_type, sub = (part.strip() for part in header.split("|"))
        re.compile(pattern)
        assert sub in DECIDED_BY_QUALIFIERS or sub in SUB_EVENT_TYPES[event_type], header
    qualifiers = dict(lexicon.blocks("event_qualifiers"))
    assert set(qualifiers) == {
        "armed",
        "non_state",
        "government",
        "fell_to",
        "excessive_force",
        "intervention",
        "civilians",
    }
    assert all(re.compile(p) for p in qualifiers.values())


def test_quotes_are_whole_sentences_even_with_abbreviations():
    text = (
        "U.S. officials said Gen. Dunford was briefed. Militants ambushed U.S. troops near "
        "Tongo Tongo on October 4. Nothing else."
    )
    (row,) = extract(text, published=PUB).to_dict("records")
    assert row["sources"][0]["quote"] == (
        "Militants ambushed U.S. troops near Tongo Tongo on October 4."
    )
    assert row["summary"] == row["sources"][0]["quote"]


def test_sources_carry_the_document_and_name():
    frame = extract(
        "Clashes in Kirkuk on Monday.", published=PUB, document="a.txt", source_name="Reuters"
    )
    assert frame.iloc[0]["sources"] == [
        {
            "name": "Reuters",
            "document": "a.txt",
            "quote": "Clashes in Kirkuk on Monday.",
            "published": "2017-10-24",
        }
    ]


# ----------------------------------------------------------------------------- seed articles


SEED_PATHS = _seed_paths()


@pytest.mark.parametrize("path", shared_params(SEEDS, lambda: SEED_PATHS), ids=lambda p: p.name[:3])
def test_seed_article(path):
    require_shared(SEEDS)
    text = read_article(path)
    published = _published(path.name)
    frame = extract(text, published=published, document=path.name)
    _check_frame(frame, text, published)
    assert len(frame) > 0
    assert all(s[0]["document"] == path.name for s in frame["sources"])
    if not DATASET.is_file():
        pytest.skip("data/incidents.geojson is not there yet: recall not measured")
    result = measure(path)
    if result["recall"] is None:
        pytest.skip(f"no incident of the dataset cites {path.name}")
    assert result["recall"] >= RECALL_FLOOR[path.name[:3]], result


def test_seed_highlights():
    require_shared(SEEDS)
    by_doc = {
        p.name[:3]: extract(read_article(p), published=_published(p.name), document=p.name)
        for p in SEED_PATHS
    }
    tongo = by_doc["000"][by_doc["000"]["location"] == "Tongo Tongo"]
    assert "2017-10-04" in set(tongo["date_start"])
    raqqa_fell = by_doc["000"][(by_doc["000"]["location"] == "Ar Raqqah")]
    assert "2017-10-20" in set(raqqa_fell["date_start"])  # "when it fell last Friday"
    assert "Ţūz Khūrmātū" in set(by_doc["000"]["location"])  # written "Tuz Kharmato"
    assert "Sulaymaniyah" in set(by_doc["000"]["location"])  # written "Sulaimaniya"
    embassy = by_doc["001"][by_doc["001"]["event_type"] == "Riots"]
    assert set(embassy["location"]) == {"Baghdad"}
    province = by_doc["002"][by_doc["002"]["geo_precision"] == 3]
    assert "Kirkuk" in set(province["location"])
    assert "Abu Kamal" in set(by_doc["004"]["location"])  # written "Al Bukumai"
    assert "Al Asad Air Base" in set(by_doc["004"]["location"])  # written "Ain al Assad"


def _table() -> str:
    lines = [
        "| article | published | candidates | incident places | found | recall "
        "| found by name alone | found with an overlapping date | missed |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    totals = [0, 0, 0, 0, 0]
    for path in _seed_paths():
        r = measure(path)
        recall = f"{r['recall']:.0%}" if r["recall"] is not None else "n/a"
        lines.append(
            f"| `{path.name}` | {_published(path.name)} | {r['candidates']} | {r['locations']} "
            f"| {r['found']} | {recall} | {r['by_name']} | {r['dated']} "
            f"| {'; '.join(r['missed']) or '-'} |"
        )
        for i, key in enumerate(("candidates", "locations", "found", "by_name", "dated")):
            totals[i] += r[key]
    c, n, f, b, d = totals
    if n:
        lines.append(f"| all | | {c} | {n} | {f} | {f / n:.0%} | {b} | {d} | |")
    return "\n".join(lines)


if __name__ == "__main__":
    gazetteer.load_index()
    print(_table())
    sys.exit(0)

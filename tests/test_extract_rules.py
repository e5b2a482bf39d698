"""The extraction rules of issue 14 (item 4), one test each, on sentences written for them.

These sentences are the rules' own tuning notes; the held-apart evaluation set is
``fixtures/extraction_eval/`` (``test_extraction_eval.py``).
"""

from __future__ import annotations

import datetime as dt

import pytest

from geoevents import gazetteer
from geoevents.extract import classify, extract
from geoevents.extract.actors import UNIDENTIFIED, find_actors
from geoevents.extract.candidates import document_hash
from geoevents.extract.furniture import is_furniture

MONDAY = dt.date(2021, 3, 15)


@pytest.fixture(scope="module", autouse=True)
def index() -> None:
    gazetteer.load_index()


def _rows(text: str, published: dt.date = MONDAY, **kw) -> list[dict]:
    return extract(text, published=published, **kw).to_dict("records")


# ----------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("sentence", "day"),
    [
        ("Gunmen attacked a checkpoint in Hawija on Monday.", "2021-03-15"),  # same weekday
        ("Gunmen attacked a checkpoint in Hawija on Monday night.", "2021-03-15"),
        ("Gunmen attacked a checkpoint in Hawija last Monday.", "2021-03-08"),
        ("Gunmen attacked a checkpoint in Hawija on Sunday.", "2021-03-14"),
        ("Gunmen attacked a checkpoint in Hawija on Tuesday.", "2021-03-09"),
    ],
)
def test_a_weekday_equal_to_the_publications_is_that_day(sentence, day):
    (row,) = _rows(sentence)
    assert (row["date_start"], row["date_end"]) == (day, day)


def test_a_future_marked_weekday_is_the_coming_one():
    (row,) = _rows("Protesters will rally in Basra on Friday.")
    assert row["date_start"] == "2021-03-19"
    assert "date-after-publication" in row["tags"]


def test_the_statements_date_does_not_date_the_event():
    text = "Militants attacked a patrol in Hawija on Saturday, officials said on Monday."
    (row,) = _rows(text)
    assert row["date_start"] == "2021-03-13"


def test_a_statement_date_alone_bounds_the_event_by_a_week():
    (row,) = _rows("Militants attacked a patrol in Hawija, officials said on Monday.")
    assert (row["date_start"], row["date_end"], row["date_precision"]) == (
        "2021-03-09",
        "2021-03-15",
        "week",
    )
    assert "date-from-statement" in row["tags"]


def test_since_a_year_is_background_not_the_event_date():
    (row,) = _rows("Militants have attacked patrols in Hawija since 2015.")
    assert "date-from-publication" in row["tags"]
    assert row["date_start"] != "2015-01-01"


# ----------------------------------------------------------------------------- cues


@pytest.mark.parametrize(
    ("sentence", "event_type", "sub"),
    [
        ("Jihadists overran an army post.", "Battles", "Non-state actor overtakes territory"),
        ("Taliban fighters seized the town.", "Battles", "Non-state actor overtakes territory"),
        ("Insurgents stormed an army base.", "Battles", "Armed clash"),
        ("Gunmen stormed the village and shot villagers.", "Violence against civilians", "Attack"),
        (
            "Soldiers captured the town from the rebels.",
            "Battles",
            "Government regains territory",
        ),
        (
            "Five people were killed in strikes on the market.",
            "Explosions/Remote violence",
            "Air/drone strike",
        ),
        (
            "Gunmen kidnapped 20 passengers.",
            "Violence against civilians",
            "Abduction/forced disappearance",
        ),
        (
            "Bandits abducted 12 women after raiding the village.",
            "Violence against civilians",
            "Abduction/forced disappearance",
        ),
        ("Militants ambushed a convoy.", "Battles", "Armed clash"),
        (
            "Artillery shelled the outskirts.",
            "Explosions/Remote violence",
            "Shelling/artillery/missile attack",
        ),
        ("Gunmen killed 14 civilians on a bus.", "Violence against civilians", "Attack"),
        (
            "A blast tore through the market.",
            "Explosions/Remote violence",
            "Remote explosive/landmine/IED",
        ),
    ],
)
def test_cues_for_common_verbs(sentence, event_type, sub):
    assert classify(sentence)[:2] == (event_type, sub)


# ----------------------------------------------------------------------------- captions


@pytest.mark.parametrize(
    "line",
    [
        "Related: Iraq's long fight against IS remnants",
        "Related reading: Mahdi Army",
        "Photo: A street in Hawija in 2019.",
        "photo",
        "Read more: Ten years on",
        "See also Essential Guide: The Battle for Kirkuk",
        "Image: Moqtada al-Sadr",
        "https://example.org/news/hawija-attack",
        "[Clashes in Hawija](https://example.org/a)",
        "Fighters parade in Sadr City, Baghdad, in 2014.Scott Peterson / Getty Images file",
        "Smoke rises over Hawija. (Credit: AFP)",
    ],
)
def test_captions_credits_and_link_lines_are_furniture(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "More than 20 people were killed in Hawija on Monday.",
        "Sources said the attack in Hawija began at dawn.",
        "Photographers were allowed into Hawija on Monday.",
    ],
)
def test_prose_is_not_furniture(line):
    assert not is_furniture(line)


def test_a_caption_gives_no_candidate():
    text = "Photo: Militants attacked a checkpoint in Hawija in 2019.\nNothing else happened."
    assert _rows(text) == []


# ----------------------------------------------------------------------------- one per incident


def test_sentences_about_one_event_merge_into_one_candidate():
    text = (
        "Militants attacked a checkpoint in Hawija on Sunday. "
        "The attack in Hawija on Sunday killed three soldiers."
    )
    (row,) = _rows(text)
    assert [s["quote"] for s in row["sources"]] == [
        "Militants attacked a checkpoint in Hawija on Sunday.",
        "The attack in Hawija on Sunday killed three soldiers.",
    ]
    assert "merged" in row["tags"]


def test_different_days_at_one_place_stay_apart():
    text = "Militants attacked a checkpoint in Hawija on Saturday. Rockets hit Hawija on Sunday."
    assert len(_rows(text)) == 2


def test_places_that_only_locate_the_event_give_no_candidate_of_their_own():
    text = "Militants ambushed a patrol near Hawija, west of Kirkuk, on Sunday."
    assert [r["location"] for r in _rows(text)] == ["Hawija"]
    text = "ISIS fighters attacked a base in Hawija in Kirkuk province on Sunday."
    assert [r["location"] for r in _rows(text)] == ["Hawija"]


def test_the_dateline_is_where_the_report_was_filed():
    text = "KIRKUK, Iraq — Militants attacked a checkpoint in Hawija on Sunday."
    assert [r["location"] for r in _rows(text)] == ["Hawija"]
    text = "KIRKUK, Iraq — Militants attacked a checkpoint on Sunday."
    assert [r["location"] for r in _rows(text)] == ["Kirkuk"]


# ----------------------------------------------------------------------------- actors


@pytest.mark.parametrize(
    ("sentence", "iso3", "names"),
    [
        ("ISIS fighters attacked the town.", "IRQ", ["Islamic State"]),
        ("Daesh attacked the town.", "IRQ", ["Islamic State"]),
        (
            "ISIL and the Hashd al-Shaabi clashed.",
            "IRQ",
            ["Islamic State", "Popular Mobilization Forces"],
        ),
        ("The PMF took over the town.", "IRQ", ["Popular Mobilization Forces"]),
        ("Islamic State West Africa Province fighters attacked.", "NGA", ["ISWAP"]),
        ("Ansar Allah fired a missile.", "YEM", ["Houthis"]),
        ("Al-Shabab fighters attacked the base.", "SOM", ["al-Shabaab"]),
        (
            "Iraqi troops retook the town from ISIS.",
            "IRQ",
            ["Military Forces of Iraq", "Islamic State"],
        ),
        ("Turkish drones struck a car.", "IRQ", ["Military Forces of Turkey"]),
        ("Soldiers repelled the attack.", "MLI", ["Military Forces of Mali"]),
        ("Police fired tear gas.", "IRQ", ["Police Forces of Iraq"]),
        ("Gunmen killed five people.", "NGA", [UNIDENTIFIED]),
        ("The al-Qaeda-linked JNIM attacked a camp.", "MLI", ["JNIM"]),
        ("It is not clear who is behind it.", "IRQ", []),  # "is" is not the Islamic State
    ],
)
def test_actors_from_the_vocabulary_with_aliases(sentence, iso3, names):
    assert find_actors(sentence, iso3=iso3).names == names


def test_a_speaker_is_a_source_not_an_actor():
    assert find_actors("Gunmen attacked the town, police said.", iso3="NGA").names == [UNIDENTIFIED]
    assert find_actors("The army said on Monday it was investigating.", iso3="MLI").names == []


def test_an_alleged_group_is_unidentified_with_the_allegation_kept():
    found = find_actors("Suspected Boko Haram fighters attacked the village.", iso3="NGA")
    assert found.names == [UNIDENTIFIED] and found.alleged == ["Boko Haram"]
    (row,) = _rows("Suspected Boko Haram fighters attacked Hawija on Sunday.")
    assert row["actor1"] == UNIDENTIFIED
    assert "alleged:Boko Haram" in row["tags"]


def test_actors_fill_actor1_and_actor2():
    (row,) = _rows("ISIS fighters attacked Iraqi soldiers in Hawija on Sunday.")
    assert (row["actor1"], row["actor2"]) == ("Islamic State", "Military Forces of Iraq")


def test_a_violent_event_without_a_named_perpetrator_is_unidentified():
    (row,) = _rows("A roadside bomb exploded in Hawija on Sunday.")
    assert row["actor1"] == UNIDENTIFIED and "actor-unnamed" in row["tags"]


def test_protesters_are_the_actor_of_a_protest():
    (row,) = _rows("Protesters rallied in Hawija on Sunday and police fired tear gas.")
    assert (row["actor1"], row["actor2"]) == ("Protesters", "Police Forces of Iraq")


# ----------------------------------------------------------------------------- ids


def test_ids_are_stable_and_unique_across_articles():
    a = "Militants attacked a checkpoint in Hawija on Sunday. Rockets hit Kirkuk on Sunday."
    b = "Clashes broke out in Hawija on Sunday."
    ids_a = [r["id"] for r in _rows(a)]
    assert ids_a == [r["id"] for r in _rows(a)]  # same text, same ids
    assert ids_a == [f"cand-{document_hash(a)}-00", f"cand-{document_hash(a)}-01"]
    assert not set(ids_a) & {r["id"] for r in _rows(b)}


def test_two_places_of_one_sentence_get_distinct_ids():
    text = "Militants attacked checkpoints in Hawija and in Tuz Khurmatu on Sunday."
    ids = [r["id"] for r in _rows(text)]
    assert ids == [f"cand-{document_hash(text)}-00", f"cand-{document_hash(text)}-00b"]


# ----------------------------------------------------------------------------- country-only


def test_a_country_only_candidate_is_drawn_as_the_country():
    frame = extract("Militants attacked a convoy in Niger on Sunday.", published=MONDAY)
    (row,) = frame.to_dict("records")
    assert row["location"] == "Niger" and row["geo_precision"] == 3
    assert "country-only" in row["tags"]
    geom = frame.geometry.iloc[0]
    assert geom.geom_type in ("Polygon", "MultiPolygon")
    assert geom.area > 50  # the whole country (square degrees), not a 75 km circle

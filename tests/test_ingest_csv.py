"""Generic table import: column options, mapping files, defaults, and the analyst's own quirks."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from geoevents.errors import InputError, UsageError, ValidationError
from geoevents.ingest import ImportResult, import_file
from geoevents.ingest.report import contract_problems
from geoevents.validation import validate_frame

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
SHEET = FIXTURES / "analyst_sheet.csv"
MAPPING = FIXTURES / "analyst_mapping.json"


def assert_valid(result: ImportResult) -> None:
    assert contract_problems(result.incidents) == []
    report = validate_frame(result.incidents)
    assert not report.errors, report.lines()


def row(result: ImportResult, ident: str) -> dict:
    found = result.incidents[result.incidents["id"] == ident]
    assert len(found) == 1
    return found.iloc[0].to_dict()


@pytest.fixture(scope="module")
def sheet() -> ImportResult:
    return import_file("csv", SHEET, mapping=MAPPING, list_separator=",")


def test_mapping_file_imports_the_analyst_sheet(sheet: ImportResult) -> None:
    assert sheet.detected_format == "csv"
    assert sheet.rows_read == 4 and len(sheet.incidents) == 3
    assert_valid(sheet)
    k = row(sheet, "K-01")
    assert k["title"] == "Iraqi forces enter Kirkuk after Peshmerga withdraw"
    assert (k["date_start"], k["date_end"], k["date_precision"]) == (
        "2017-10-16",
        "2017-10-16",
        "day",
    )
    assert (k["event_type"], k["location"], k["admin1"]) == ("Battles", "Kirkuk", "Kirkuk")
    assert (k["country"], k["iso3"]) == ("Iraq", "IRQ")  # iso3 looked up from the name
    assert (k["geometry"].x, k["geometry"].y) == (44.3922, 35.4681)
    assert pd.isna(k["fatalities"]) and k["geo_precision"] == 1
    assert k["sources"] == [{"name": "Rudaw", "url": "https://example.org/kirkuk-2017-10-16"}]
    assert (k["confidence"], k["tags"]) == ("confirmed", ["oil", "K-1 base"])


def test_partial_dates_become_ranges(sheet: ImportResult) -> None:
    n = row(sheet, "N-01")  # "2017-10": the whole month
    assert (n["date_start"], n["date_end"], n["date_precision"]) == (
        "2017-10-01",
        "2017-10-31",
        "month",
    )
    assert n["title"] == 'Ambush near Tongo Tongo, "four US soldiers killed"'
    assert (n["fatalities"], n["confidence"]) == (9, "probable")
    b = row(sheet, "B-01")  # "31 December 2019"
    assert b["date_start"] == "2019-12-31"
    assert b["sources"] == [{"name": "example.org", "url": "https://example.org/baghdad-embassy"}]


def test_ambiguous_date_is_rejected_with_the_fix(sheet: ImportResult) -> None:
    assert [r.line for r in sheet.rejected] == [5]
    reason = sheet.rejected[0].reason
    assert 'Date "16/10/2017" is ambiguous' in reason and "date_format='%d/%m/%Y'" in reason


def test_date_format_option(tmp_path: Path) -> None:
    path = tmp_path / "dmy.csv"
    path.write_text("lat,lon,when,type\n35.4681,44.3922,16/10/2017,Battles\n")
    result = import_file("csv", path, date="when", event_type="type", date_format="%d/%m/%Y")
    assert result.incidents["date_start"].tolist() == ["2017-10-16"]


def test_keyword_options_defaults_and_generated_ids(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text(
        "y,x,day,place,notes\n"
        "14.692,1.653,2017-10-04,Tongo Tongo,Ambush\n"
        '35.4681,44.3922,2017-10-16,Kirkuk,"Forces enter the city, oil fields"\n'
    )
    result = import_file(
        "csv",
        path,
        lat="y",
        lon="x",
        date="day",
        location="place",
        summary="notes",
        defaults={"event_type": "Battles", "country": "Iraq", "geo_precision": 2},
    )
    assert_valid(result)
    assert result.incidents["id"].tolist() == ["notes-2", "notes-3"]  # file stem and line
    assert result.incidents["title"].tolist() == ["Battles (Tongo Tongo)", "Battles (Kirkuk)"]
    assert result.incidents["geo_precision"].tolist() == [2, 2]
    assert result.incidents["summary"][1] == "Forces enter the city, oil fields"


def test_columns_named_like_schema_fields_are_used(tmp_path: Path) -> None:
    # A table geoevents could have written: list fields as JSON, sources as objects.
    path = tmp_path / "store.csv"
    frame = pd.DataFrame(
        {
            "id": ["a1"],
            "title": ["Embassy compound stormed"],
            "date_start": ["2019-12-31"],
            "date_end": ["2020-01-01"],
            "event_type": ["Riots"],
            "sub_event_type": ["Violent demonstration"],
            "assoc_actors": [json.dumps(["Kataib Hezbollah"])],
            "latitude": ["33.2986"],
            "longitude": ["44.3950"],
            "sources": [json.dumps([{"name": "Reuters", "url": "https://example.org/r"}])],
            "tags": ["embassy;baghdad"],
        }
    )
    frame.to_csv(path, index=False)
    result = import_file("csv", path)
    assert_valid(result)
    e = result.incidents.iloc[0]
    assert (e["date_start"], e["date_end"]) == ("2019-12-31", "2020-01-01")
    assert e["assoc_actors"] == ["Kataib Hezbollah"]
    assert e["sources"] == [{"name": "Reuters", "url": "https://example.org/r"}]
    assert e["tags"] == ["embassy", "baghdad"]


def test_semicolon_and_tab_delimiters_are_found(tmp_path: Path) -> None:
    for sep in (";", "\t"):
        path = tmp_path / "t.csv"
        path.write_text(sep.join(["lat", "lon", "date"]) + "\n" + sep.join(["1.5", "2.5", "2020"]))
        result = import_file("csv", path, defaults={"event_type": "Protests"})
        assert result.incidents[["date_start", "date_end", "date_precision"]].values.tolist() == [
            ["2020-01-01", "2020-12-31", "year"]
        ]


def test_bad_values_are_rejected_with_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "id,lat,lon,date,event_type,iso3,confidence,fatalities,date_end\n"
        "ok,35.1,44.1,2017-10-16,Battles,IRQ,confirmed,1,\n"
        "t,35.1,44.1,2017-10-16,Skirmish,IRQ,,,\n"
        "i,35.1,44.1,2017-10-16,Battles,Iraq,,,\n"
        "c,35.1,44.1,2017-10-16,Battles,IRQ,sure,,\n"
        "f,35.1,44.1,2017-10-16,Battles,IRQ,,2.5,\n"
        "e,35.1,44.1,2017-10-16,Battles,IRQ,,,2017-10-01\n"
        ",35.1,44.1,2017-10-16,Battles,IRQ,,,\n"
        "z,0,0,2017-10-16,Battles,,,,\n"
        "d,35.1,44.1,last week,Battles,,,,\n"
    )
    result = import_file("csv", path)
    assert result.incidents["id"].tolist() == ["ok", "z"]
    got = {r.line: r.reason for r in result.rejected}
    assert 'event_type "Skirmish" is not an ACLED event type' in got[3]
    assert 'iso3 "IRAQ" is not an ISO 3166-1 alpha-3 code' in got[4]
    assert 'confidence "sure" is not one of confirmed, probable, possible' in got[5]
    assert 'fatalities "2.5" is not a whole number' in got[6]
    assert 'date_end "2017-10-01" is before the start date' in got[7]
    assert "id (the id column) is blank" in got[8]
    assert 'date "last week" is not a date' in got[10]
    assert [(s.line, s.id) for s in result.suspect] == [(9, "z")]


def test_missing_columns_and_option_mistakes(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"has no column lat='Breite'; its columns are: Ref, Date"):
        import_file("csv", SHEET, mapping=MAPPING, lat="Breite")
    path = tmp_path / "nolat.csv"
    path.write_text("where,when,what\nKirkuk,2017-10-16,Battles\n")
    with pytest.raises(InputError, match=r"no lat column was named or found \(give lat='COLUMN'\)"):
        import_file("csv", path, event_type="what")
    path.write_text("lat,lon,when\n35.4681,44.3922,2017-10-16\n")
    with pytest.raises(UsageError, match=r"defaults=\{'event_type': 'Battles'\}"):
        import_file("csv", path, date="when")
    with pytest.raises(UsageError, match="unknown field 'latitud'"):
        import_file("csv", SHEET, mapping={"latitud": "Lat"})
    bad_json = tmp_path / "m.json"
    bad_json.write_text("{lat: Lat}")
    with pytest.raises(UsageError, match="not JSON"):
        import_file("csv", SHEET, mapping=bad_json)
    with pytest.raises(UsageError, match="unknown fields colour"):
        import_file("csv", SHEET, mapping=MAPPING, defaults={"colour": "red"})


def test_ucdp_file_passed_as_csv_suggests_ucdp(tmp_path: Path) -> None:
    path = tmp_path / "ged.csv"
    path.write_text("id,side_a,side_b,where_prec,date_prec,best\n1,A,B,1,1,0\n")
    with pytest.raises(InputError, match=r"looks like a UCDP GED file.*format 'ucdp'"):
        import_file("csv", path, defaults={"event_type": "Battles"})


def test_nothing_importable(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("lat,lon,date\n,,2017-10-16\n")
    with pytest.raises(ValidationError, match="line 2: lat and lon are blank"):
        import_file("csv", path, defaults={"event_type": "Battles"})

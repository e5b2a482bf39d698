"""GDELT import: a 2.0 export file written for the tests, the CAMEO mapping, and layouts."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from geoevents.errors import InputError, ValidationError
from geoevents.ingest import ImportResult, import_file
from geoevents.ingest.gdelt import CAMEO, COLUMNS_2, cameo_mapping
from geoevents.ingest.report import contract_problems
from geoevents.validation import validate_frame

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
EXPORT = FIXTURES / "20191231150000.export.CSV"


@pytest.fixture(scope="module")
def gdelt() -> ImportResult:
    return import_file("gdelt", EXPORT)


def row(result: ImportResult, ident: str) -> dict:
    found = result.incidents[result.incidents["id"] == ident]
    assert len(found) == 1
    return found.iloc[0].to_dict()


def records() -> list[dict[str, str]]:
    lines = EXPORT.read_text(encoding="utf-8").splitlines()
    return [dict(zip(COLUMNS_2, line.split("\t"), strict=True)) for line in lines]


def write_gdelt(path: Path, rows: list[dict[str, str]], columns=COLUMNS_2) -> Path:
    path.write_text(
        "".join("\t".join(r.get(c, "") for c in columns) + "\n" for r in rows), encoding="utf-8"
    )
    return path


def test_export_file_imports_conflict_events_only(gdelt: ImportResult) -> None:
    assert gdelt.detected_format == "gdelt-2.0"
    assert gdelt.rows_read == 7
    assert gdelt.skipped == 1  # CAMEO 043 (host a visit) is not a conflict event
    assert "895432160" not in set(gdelt.incidents["id"])
    assert [(r.line, r.column) for r in gdelt.rejected] == [(6, "ActionGeo_Type")]
    assert "GDELT found no place for this event" in gdelt.rejected[0].reason
    assert len(gdelt.incidents) == 5
    assert contract_problems(gdelt.incidents) == []
    assert not validate_frame(gdelt.incidents).errors
    assert "1 skipped" in gdelt.summary()


def test_baghdad_embassy_assault_field_by_field(gdelt: ImportResult) -> None:
    e = row(gdelt, "895432101")
    assert e["title"] == "Protest violently, riot: IRAQ – UNITED STATES (Baghdad)"
    assert (e["date_start"], e["date_end"], e["date_precision"]) == (
        "2019-12-31",
        "2019-12-31",
        "day",
    )
    assert (e["event_type"], e["sub_event_type"]) == ("Riots", "Violent demonstration")
    assert (e["actor1"], e["actor2"]) == ("IRAQ", "UNITED STATES")
    assert (e["country"], e["iso3"], e["admin1"], e["location"]) == (
        "Iraq",
        "IRQ",
        "Baghdad",
        "Baghdad",
    )
    assert (e["geometry"].x, e["geometry"].y) == (44.3939, 33.3386)
    assert e["geo_precision"] == 1  # a city match
    assert pd.isna(e["fatalities"])  # GDELT does not count deaths
    assert e["sources"] == [
        {
            "name": "news.example.org",
            "url": "https://news.example.org/2019/12/31/iraq-protesters-storm-us-embassy-baghdad",
            "published": "2019-12-31",
        }
    ]
    assert e["tags"] == [
        "dataset:gdelt",
        "cameo:145",
        "quad_class:4",
        "goldstein:-6.5",
        "actiongeo_type:4",
        "is_root_event:1",
    ]
    assert e["summary"] == (
        "GDELT event coded CAMEO 145 (Protest violently, riot) from 10 article(s) by 2 "
        "source(s); Goldstein scale -6.5, average tone -7.35."
    )
    fight = row(gdelt, "895432102")
    assert (fight["event_type"], fight["sub_event_type"]) == ("Battles", "Armed clash")
    assert fight["sources"][0]["name"] == "wire.example.com"


def test_region_and_country_matches_are_geo_precision_3(gdelt: ImportResult) -> None:
    strike = row(gdelt, "895100031")  # ActionGeo_Type 5: ADM1 centroid
    assert (strike["event_type"], strike["sub_event_type"]) == (
        "Explosions/Remote violence",
        "Air/drone strike",
    )
    assert strike["geo_precision"] == 3
    assert (strike["admin1"], strike["location"], strike["iso3"]) == ("Al Anbar", "Al Anbar", "IRQ")
    assert strike["date_start"] == "2019-12-29"
    country = row(gdelt, "895432150")  # ActionGeo_Type 1: country centroid
    assert country["geo_precision"] == 3
    assert (country["location"], country["country"]) == ("Iraq", "Iraq")
    assert pd.isna(country["admin1"])
    assert (country["event_type"], country["sub_event_type"]) == (
        "Violence against civilians",
        "Attack",
    )


def test_occupying_territory_depends_on_who_occupies(gdelt: ImportResult, tmp_path: Path) -> None:
    kirkuk = row(gdelt, "712345001")
    assert kirkuk["date_start"] == "2017-10-16"
    assert kirkuk["sub_event_type"] == "Government regains territory"  # Actor1Type1Code MIL
    assert (kirkuk["location"], kirkuk["admin1"]) == ("Kirkuk", "At Ta'mim")
    rebel = {**records()[-1], "GLOBALEVENTID": "1", "Actor1Type1Code": "REB"}
    result = import_file("gdelt", write_gdelt(tmp_path / "e.CSV", [rebel]))
    assert result.incidents["sub_event_type"].tolist() == ["Non-state actor overtakes territory"]


def test_keep_other_keeps_non_conflict_events_as_strategic_developments() -> None:
    result = import_file("gdelt", EXPORT, keep_other=True)
    assert result.skipped == 0
    visit = row(result, "895432160")
    assert (visit["event_type"], visit["sub_event_type"]) == ("Strategic developments", "Other")
    assert visit["title"] == "Consult: UNITED STATES – IRAQ (Baghdad)"
    assert not validate_frame(result.incidents).errors


def test_only_skipped_events_is_an_error_with_a_hint(tmp_path: Path) -> None:
    path = write_gdelt(tmp_path / "x.CSV", [records()[4]])
    with pytest.raises(ValidationError, match="keep_other=True"):
        import_file("gdelt", path)


def test_gdelt_1_layout_is_read(tmp_path: Path) -> None:
    columns = [c for c in COLUMNS_2 if not c.endswith("ADM2Code")]
    path = write_gdelt(tmp_path / "20150101.export.CSV", records(), columns)
    result = import_file("gdelt", path)
    assert result.detected_format == "gdelt-1.0"
    pd.testing.assert_frame_equal(result.incidents, import_file("gdelt", EXPORT).incidents)


def test_table_with_a_header_is_read(tmp_path: Path) -> None:
    path = tmp_path / "bigquery.csv"
    lines = [",".join(COLUMNS_2)]
    lines += [",".join(f'"{v}"' for v in r.values()) for r in records()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_file("gdelt", path)
    assert result.incidents["id"].tolist() == import_file("gdelt", EXPORT).incidents["id"].tolist()


def test_zipped_export_as_gdelt_publishes_it(tmp_path: Path) -> None:
    path = tmp_path / "20191231150000.export.CSV.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(EXPORT, EXPORT.name)
    assert len(import_file("gdelt", path).incidents) == 5


def test_acled_file_passed_as_gdelt() -> None:
    with pytest.raises(InputError) as err:
        import_file("gdelt", FIXTURES / "acled_api.csv")
    assert "its first line has 31 comma-separated fields" in str(err.value)
    assert "format 'acled'" in str(err.value)


def test_mentions_file_is_not_an_event_file(tmp_path: Path) -> None:
    path = tmp_path / "20191231150000.mentions.CSV"
    path.write_text("895432101\t20191231143000\t20191231143000\t1\tnews.example.org\n")
    with pytest.raises(InputError, match="not the mentions or GKG files"):
        import_file("gdelt", path)


def test_bad_date_and_quote_characters(tmp_path: Path) -> None:
    first = records()[0]
    rows = [
        {**first, "GLOBALEVENTID": "1", "SQLDATE": "20191332"},
        # GDELT never quotes: a stray quote is part of the name, not the start of a field.
        {**first, "GLOBALEVENTID": "2", "Actor1Name": 'THE "GREEN ZONE'},
    ]
    result = import_file("gdelt", write_gdelt(tmp_path / "e.CSV", rows))
    assert [r.line for r in result.rejected] == [1]  # no header: the first row is line 1
    assert 'SQLDATE "20191332" is not a date' in result.rejected[0].reason
    assert result.incidents["actor1"].tolist() == ['THE "GREEN ZONE']


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("145", ("Riots", "Violent demonstration")),
        ("1411", ("Protests", "Peaceful protest")),
        ("181", ("Violence against civilians", "Abduction/forced disappearance")),
        ("1821", ("Violence against civilians", "Sexual violence")),
        ("1831", ("Explosions/Remote violence", "Suicide bomb")),
        ("194", ("Explosions/Remote violence", "Shelling/artillery/missile attack")),
        ("1952", ("Explosions/Remote violence", "Air/drone strike")),
        ("202", ("Violence against civilians", "Attack")),
        ("2041", ("Explosions/Remote violence", "Chemical weapon")),
        ("043", None),
        ("173", None),
    ],
)
def test_cameo_mapping(code: str, expected: tuple[str, str] | None) -> None:
    got = cameo_mapping(code)
    assert (got[:2] if got else None) == expected


def test_every_cameo_mapping_uses_the_schema_vocabulary() -> None:
    from geoevents.schema import SUB_EVENT_TYPES

    for code, (etype, sub, label) in CAMEO.items():
        assert code[:2] in {"14", "18", "19", "20"}
        assert label
        assert sub == "territory" or sub in SUB_EVENT_TYPES[etype], code
    assert cameo_mapping("173", keep_other=True) == ("Strategic developments", "Other", "Coerce")

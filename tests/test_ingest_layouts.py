"""The layouts analysts actually have: R-written ACLED (``NA`` for blanks), ACLED version 7,
GDELT saved with a header, UCDP saved by pandas (``1.0``), and import summaries that say what
``validate`` will say. Every fixture is written by us, in the layout of the real thing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from helpers import FIXTURES

import geoevents
from geoevents.errors import InputError, UsageError
from geoevents.ingest import ImportResult, detect_format, import_file
from geoevents.ingest.report import contract_problems

INGEST = FIXTURES / "ingest"
R_EXPORT = INGEST / "acled_r_export.csv"
V7 = INGEST / "acled_v7.csv"
GDELT_HEADER = INGEST / "gdelt_header.tsv"
UCDP_PANDAS = INGEST / "ucdp_pandas.csv"


def row(result: ImportResult, ident: str) -> dict:
    found = result.incidents[result.incidents["id"] == ident]
    assert len(found) == 1, f"{ident} imported {len(found)} times"
    return found.iloc[0].to_dict()


def na_texts(result: ImportResult) -> list[str]:
    """Every place an ``NA`` survived as text: whole values, list items, tag values, titles."""
    found = []
    for name in result.incidents.columns:
        if name == "geometry":
            continue
        for ident, value in zip(result.incidents["id"], result.incidents[name], strict=True):
            items = value if isinstance(value, list) else [value]
            for item in items:
                texts = item.values() if isinstance(item, dict) else [item]
                for text in texts:
                    if not isinstance(text, str):
                        continue
                    if (
                        text == "NA"
                        or text.endswith(":NA")
                        or " NA " in f" {text} ".replace("(", " ").replace(")", " ")
                    ):
                        found.append(f"{ident} {name}: {text!r}")
    return found


def rewrite(src: Path, dest: Path, changes: dict[str, dict[str, str]], key: str) -> Path:
    """Copy a fixture with some cells changed (``{row id: {column: value}}``)."""
    with src.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({**r, **changes.get(r[key], {})})
    dest.write_text(buf.getvalue(), encoding="utf-8")
    return dest


# -- 1. R-written exports: NA is a blank --------------------------------------------------------
def test_r_written_acled_export_has_no_na_text() -> None:
    result = import_file("acled", R_EXPORT)
    assert result.detected_format == "acled-export"
    assert len(result.incidents) == 4 and result.rejected == []
    assert na_texts(result) == []
    assert contract_problems(result.incidents) == []
    moved = row(result, "BEN9001")
    assert pd.isna(moved["actor2"])  # not reported, not the text "NA"
    assert moved["assoc_actors"] == ["Refugees/IDPs (Benin)"]
    assert moved["title"] == "Other: Civilians (Benin) (Tanguieta)"
    assert "admin2:Tanguieta" in moved["tags"]
    assert not any(t.startswith(("admin3:", "civilian_targeting:")) for t in moved["tags"])
    attack = row(result, "BEN9002")
    assert pd.isna(attack["fatalities"])  # NA in R: not reported
    assert "civilian_targeting:Civilian targeting" in attack["tags"]


def test_a_real_value_that_merely_contains_na_stays() -> None:
    result = import_file("acled", R_EXPORT)
    clash = row(result, "BEN9003")
    assert clash["location"] == "Nangaria"
    assert [s["name"] for s in clash["sources"]] == ["Undisclosed Source", "NAN Radio"]
    assert "admin3:Founougo" in clash["tags"]
    march = row(result, "BEN9004")
    assert march["assoc_actors"] == ["NAPOLEON Youth Club (Benin)"]


def test_na_values_can_be_chosen(tmp_path: Path) -> None:
    kept = import_file("acled", R_EXPORT, na_values=[])
    assert row(kept, "BEN9001")["actor2"] == "NA"
    # The generic importer keeps NA unless told: in a table of one's own it may be a value.
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "lat,lon,date,event_type,actor2,location\n"
        "36.19,44.01,2017-10-16,Battles,NA,Erbil\n"
        "36.19,44.01,2017-10-17,Battles,Peshmerga,NA\n",
        encoding="utf-8",
    )
    as_is = import_file("csv", sheet)
    assert as_is.incidents["actor2"].tolist()[0] == "NA"
    blanked = import_file("csv", sheet, na_values="NA")
    assert blanked.incidents["actor2"].isna().tolist() == [True, False]
    assert blanked.incidents["location"].isna().tolist() == [False, True]
    with pytest.raises(UsageError, match="na_values must be a text or a list of texts"):
        import_file("csv", sheet, na_values=3)


def test_r_written_ucdp_file_has_no_na_text(tmp_path: Path) -> None:
    path = rewrite(
        UCDP_PANDAS,
        tmp_path / "ged-r.csv",
        {"300382.0": {"adm_2": "NA", "low": "NA", "deaths_a": "NA"}},
        "id",
    )
    result = import_file("ucdp", path)
    assert na_texts(result) == []
    clash = row(result, "300382")
    assert "low:NA" not in clash["tags"] and not any(t.startswith("admin2:") for t in clash["tags"])
    assert "side A ?" in clash["summary"]


# -- 2. ACLED version 7 ---------------------------------------------------------------------------
def test_v7_ally_actors_become_associated_actors() -> None:
    result = import_file("acled", V7)
    assert result.detected_format == "acled-v7"
    assert len(result.incidents) == 11 and result.rejected == []
    assert contract_problems(result.incidents) == []
    assert row(result, "101KEN")["assoc_actors"] == ["Students (Kenya)"]
    assert row(result, "103KEN")["assoc_actors"] == ["Luo Ethnic Group (Kenya)"]
    assert row(result, "104KEN")["assoc_actors"] == ["Clan Militia (Kenya)"]
    massacre = row(result, "108KEN")
    assert massacre["assoc_actors"] == ["Kikuyu Ethnic Group (Kenya)"]
    assert massacre["date_start"] == "2008-01-11"  # day first, as v7 wrote dates


@pytest.mark.parametrize(
    ("ident", "event_type", "sub_event_type"),
    [
        ("101KEN", "Riots", None),  # actor1 Rioters (inter1 5)
        ("102KEN", "Protests", None),  # actor1 Protesters (inter1 6)
        ("103KEN", "Protests", None),  # police against protesters (inter2 6)
        ("104KEN", "Battles", "Armed clash"),
        ("105KEN", "Battles", "Government regains territory"),
        ("106KEN", "Battles", "Non-state actor overtakes territory"),
        ("107KEN", "Explosions/Remote violence", None),
        ("108KEN", "Violence against civilians", None),
        ("109KEN", "Strategic developments", "Headquarters or base established"),
        ("110KEN", "Strategic developments", "Non-violent transfer of territory"),
        ("111KEN", "Strategic developments", None),
    ],
)
def test_v7_event_types(ident: str, event_type: str, sub_event_type: str | None) -> None:
    got = row(import_file("acled", V7), ident)
    assert got["event_type"] == event_type
    sub = got["sub_event_type"]
    assert (sub if isinstance(sub, str) else None) == sub_event_type
    if ident in ("101KEN", "102KEN", "103KEN"):
        assert "acled_event_type:Riots/Protests" in got["tags"]


def test_v7_rioters_in_the_api_layout_labels_too(tmp_path: Path) -> None:
    path = tmp_path / "v7-labels.csv"
    text = V7.read_text(encoding="utf-8").replace(",5,Police", ",Rioters,Police")
    path.write_text(text, encoding="utf-8")
    assert row(import_file("acled", path), "101KEN")["event_type"] == "Riots"


# -- 5. GDELT with a header ---------------------------------------------------------------------
def test_gdelt_with_a_codebook_header_in_any_order() -> None:
    assert detect_format(GDELT_HEADER) == "gdelt"
    result = import_file("gdelt", GDELT_HEADER)
    assert result.detected_format == "gdelt-2.0"
    assert result.rows_read == 6  # the header is not a row
    assert result.skipped == 1  # CAMEO 040 only; the header is not counted
    assert result.rejected == []
    assert sorted(result.incidents["id"]) == [
        "990000001",
        "990000002",
        "990000003",
        "990000004",
        "990000006",
    ]
    riot = row(result, "990000001")
    assert riot["event_type"] == "Riots" and riot["date_start"] == "2019-10-24"
    assert riot["actor1"] == "PROTESTER" and riot["actor2"] == "POLICE"
    assert riot["sources"] == [
        {
            "name": "news.example.co.uk",
            "url": "https://news.example.co.uk/a1",
            "published": "2019-10-24",
        }
    ]
    # A tool that writes a header may write R's NA for a blank.
    assert row(result, "990000006")["actor2"] != "NA"


@pytest.mark.parametrize(
    ("ident", "location", "admin1", "country"),
    [
        # The ADM1 name has a comma in it: everything between the city and the country.
        ("990000001", "London", "London, City of", "United Kingdom"),
        # "(general)" with code BO00: GDELT does not know the ADM1.
        ("990000002", "Minsk", None, "Belarus"),
        # A FIPS country name with a comma in it.
        ("990000003", "Busan", "Pusan-jikhalsi", "South Korea"),
        ("990000004", "Anbar", "Anbar", "Iraq"),
        ("990000006", "Austin", "Texas", "United States"),
    ],
)
def test_gdelt_full_name_structure(
    ident: str, location: str, admin1: str | None, country: str
) -> None:
    got = row(import_file("gdelt", GDELT_HEADER), ident)
    assert got["location"] == location
    assert (got["admin1"] if isinstance(got["admin1"], str) else None) == admin1
    assert got["country"] == country


def test_gdelt_placeholder_is_not_an_admin1_in_a_headerless_file(tmp_path: Path) -> None:
    from geoevents.ingest.gdelt import COLUMNS_2

    with GDELT_HEADER.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        rows = list(reader)
    names = {"GlobalEventID": "GLOBALEVENTID", "Day": "SQLDATE"}
    fixed = [
        {names.get(k, k.replace("Fullname", "FullName")): v for k, v in r.items()} for r in rows
    ]
    path = tmp_path / "20191024150000.export.CSV"
    path.write_text("".join("\t".join(r[c] for c in COLUMNS_2) + "\n" for r in fixed), "utf-8")
    result = import_file("gdelt", path)
    assert result.rows_read == 6 and result.skipped == 1
    minsk = row(result, "990000002")
    assert not isinstance(minsk["admin1"], str)
    assert row(result, "990000001")["admin1"] == "London, City of"


def test_gdelt_1_header_and_an_unknown_header(tmp_path: Path) -> None:
    lines = GDELT_HEADER.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    keep = [i for i, name in enumerate(header) if not name.endswith("ADM2Code")]
    one = tmp_path / "gdelt1.tsv"
    one.write_text(
        "\n".join("\t".join(line.split("\t")[i] for i in keep) for line in lines) + "\n", "utf-8"
    )
    assert import_file("gdelt", one).detected_format == "gdelt-1.0"
    odd = tmp_path / "odd.tsv"
    odd.write_text(
        "\t".join(f"col{i}" for i in range(61)) + "\n" + lines[1] + "\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"neither an event .* nor a header"):
        import_file("gdelt", odd)


# -- 6. integral floats -----------------------------------------------------------------------
def test_ucdp_saved_by_pandas_imports() -> None:
    result = import_file("ucdp", UCDP_PANDAS)
    assert result.rejected == [] and len(result.incidents) == 3
    assert contract_problems(result.incidents) == []
    camp = row(result, "300380")
    assert camp["event_type"] == "Battles" and camp["fatalities"] == 23
    assert camp["geo_precision"] == 2 and camp["date_precision"] == "day"
    assert {"type_of_violence:1", "where_prec:2", "low:23", "conflict_id:11347"} <= set(
        camp["tags"]
    )
    assert "Deaths: best 23 (low 23, high 30); side A 21" in camp["summary"]
    area = row(result, "300382")
    assert (area["date_precision"], area["geo_precision"]) == ("month", 3)
    assert row(result, "300381")["event_type"] == "Violence against civilians"


def test_a_real_non_integer_is_still_rejected(tmp_path: Path) -> None:
    path = rewrite(
        UCDP_PANDAS,
        tmp_path / "g.csv",
        {"300380.0": {"type_of_violence": "1.5"}, "300381.0": {"where_prec": "2.5"}},
        "id",
    )
    result = import_file("ucdp", path)
    assert result.incidents["id"].tolist() == ["300382"]
    got = {r.line: r.reason for r in result.rejected}
    assert got[2].startswith('type_of_violence "1.5" is not 1 (state-based)')
    assert got[3].startswith('where_prec "2.5" is not a UCDP spatial precision')


def test_acled_codes_written_as_floats(tmp_path: Path) -> None:
    path = rewrite(
        V7,
        tmp_path / "v7.csv",
        {
            "101KEN": {"INTER1": "5.0", "TIME_PRECISION": "1.0", "FATALITIES": "3.0"},
            "102KEN": {"TIME_PRECISION": "1.5"},
        },
        "EVENT_ID_CNTY",
    )
    result = import_file("acled", path)
    riot = row(result, "101KEN")
    assert (riot["event_type"], riot["fatalities"], riot["date_precision"]) == ("Riots", 3, "day")
    assert "inter1:Rioters" in riot["tags"]
    assert [r.line for r in result.rejected] == [3]
    assert 'time_precision "1.5" is not 1 (day)' in result.rejected[0].reason


# -- 9. the summary says what validate will say ---------------------------------------------------
def test_import_reports_the_validators_warnings(tmp_path: Path, run) -> None:
    # Nairobi's coordinates moved 300 km north, into Ethiopia.
    path = rewrite(V7, tmp_path / "v7.csv", {"102KEN": {"LATITUDE": "6.5"}}, "EVENT_ID_CNTY")
    result = import_file("acled", path)
    assert [(s.line, s.id) for s in result.suspect] == [(3, "102KEN")]
    assert "outside KEN" in result.suspect[0].reason
    assert result.summary().endswith(", 0 rejected, 1 warning")
    assert len(result.report().warnings) == 1

    store = tmp_path / "store.geojson"
    imported = run("import", "acled", path, "-o", store)
    assert imported.exit_code == 0, imported.output
    assert "1 warning" in imported.stderr and "outside KEN" in imported.stderr
    assert len(geoevents.validate(store).warnings) == 1
    checked = run("validate", store)
    assert "0 errors, 1 warning in 11 features" in checked.stdout


def test_zero_zero_is_one_warning_not_two(tmp_path: Path) -> None:
    path = rewrite(
        V7, tmp_path / "v7.csv", {"102KEN": {"LATITUDE": "0", "LONGITUDE": "0"}}, "EVENT_ID_CNTY"
    )
    result = import_file("acled", path)
    assert [(s.line, s.id) for s in result.suspect] == [(3, "102KEN")]
    assert "0,0" in result.suspect[0].reason
    incidents = result.incidents
    assert len(geoevents.validate_frame(incidents).warnings) == 1

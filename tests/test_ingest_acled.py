"""ACLED import: both layouts field by field, precision ranges, and every kind of bad input."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geoevents import schema
from geoevents.errors import InputError, UsageError, ValidationError
from geoevents.ingest import FORMATS, ImportResult, detect_format, import_file
from geoevents.ingest._read import open_input, read_chunks
from geoevents.ingest.acled import normalise_event_type
from geoevents.ingest.report import contract_problems
from geoevents.validation import validate_frame

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
API = FIXTURES / "acled_api.csv"
EXPORT = FIXTURES / "acled_export.csv"
BAD = FIXTURES / "acled_bad.csv"
GED = FIXTURES / "ucdp_ged.csv"  # a UCDP GED header and three rows of our own


def assert_valid(result: ImportResult) -> None:
    gdf = result.incidents
    assert contract_problems(gdf) == []
    report = validate_frame(gdf)
    assert not report.errors, report.lines()


def row(result: ImportResult, ident: str) -> dict:
    found = result.incidents[result.incidents["id"] == ident]
    assert len(found) == 1, f"{ident} imported {len(found)} times"
    return found.iloc[0].to_dict()


def write_acled(path: Path, rows: list[dict[str, str]], base: Path = EXPORT) -> Path:
    """Write rows (dicts of column -> value, over the first row of ``base``) in its layout."""
    with base.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        template = next(reader)
        header = reader.fieldnames
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for i, changes in enumerate(rows):
        writer.writerow({**template, "event_id_cnty": f"IRQ{70000 + i}", **changes})
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


# -- both layouts, field by field ---------------------------------------------------------------
@pytest.mark.parametrize(("path", "layout"), [(API, "acled-api"), (EXPORT, "acled-export")])
def test_kirkuk_takeover_lands_where_and_when_it_should(path: Path, layout: str) -> None:
    result = import_file("acled", path)
    assert result.detected_format == layout
    assert result.rows_read == 5 and len(result.incidents) == 5
    assert result.rejected == [] and result.suspect == []
    assert_valid(result)
    kirkuk = row(result, "IRQ24017")
    assert kirkuk["date_start"] == kirkuk["date_end"] == "2017-10-16"
    assert kirkuk["date_precision"] == "day"
    assert kirkuk["event_type"] == "Battles"
    assert kirkuk["sub_event_type"] == "Government regains territory"
    assert kirkuk["actor1"] == "Military Forces of Iraq (2014-2018)"
    assert kirkuk["actor2"] == "Peshmerga - Military Forces of Kurdistan Regional Government"
    assert kirkuk["assoc_actors"] == [
        "Popular Mobilization Forces",
        "Military Forces of Iraq (2014-2018) Counter Terrorism Service",
    ]
    assert (kirkuk["country"], kirkuk["iso3"], kirkuk["admin1"], kirkuk["location"]) == (
        "Iraq",
        "IRQ",
        "Kirkuk",
        "Kirkuk",
    )
    assert (kirkuk["geometry"].x, kirkuk["geometry"].y) == (44.3922, 35.4681)
    assert kirkuk["geo_precision"] == 1
    assert kirkuk["fatalities"] == 0  # reported as zero, which is not "not reported"
    assert kirkuk["summary"].startswith("On 16 October 2017, Iraqi forces")
    assert '"with casualties on both sides"' in kirkuk["summary"]
    assert kirkuk["sources"] == [{"name": "Rudaw"}, {"name": "Reuters"}, {"name": "Kurdistan24"}]
    assert kirkuk["title"] == (
        "Government regains territory: Military Forces of Iraq (2014-2018) – "
        "Peshmerga - Military Forces of Kurdistan Regional Government (Kirkuk)"
    )
    for tag in (
        "dataset:acled",
        "time_precision:1",
        "inter1:State forces",
        "inter2:State forces",
        "interaction:State forces-State forces",
        "source_scale:National-International",
        "admin2:Kirkuk",
        "admin3:Markaz Kirkuk",
    ):
        assert tag in kirkuk["tags"]
    assert pd.isna(kirkuk["confidence"])


@pytest.mark.parametrize("path", [API, EXPORT])
def test_tongo_tongo_ambush(path: Path) -> None:
    tongo = row(import_file("acled", path), "NIG1532")
    assert (tongo["date_start"], tongo["date_end"]) == ("2017-10-04", "2017-10-04")
    assert (tongo["event_type"], tongo["sub_event_type"]) == ("Battles", "Armed clash")
    assert tongo["actor1"] == "Islamic State (Greater Sahara)"
    assert tongo["actor2"] == "Military Forces of Niger (2011-2021)"
    assert tongo["assoc_actors"] == ["Military Forces of the United States (2017-2021)"]
    assert (tongo["country"], tongo["iso3"], tongo["admin1"]) == ("Niger", "NER", "Tillaberi")
    assert tongo["location"] == "Tongo Tongo"
    assert (tongo["geometry"].x, tongo["geometry"].y) == (1.653, 14.692)
    assert tongo["geo_precision"] == 2  # ACLED's own code carries over
    assert tongo["fatalities"] == 9
    assert "inter1:Rebel group" in tongo["tags"]
    assert "interaction:State forces-Rebel group" in tongo["tags"]
    assert "admin2:Ouallam" in tongo["tags"]


def test_both_layouts_give_the_same_incidents() -> None:
    api = import_file("acled", API).incidents
    export = import_file("acled", EXPORT).incidents
    # Only the API layout has disorder_type and ACLED's own tags column.
    columns = [c for c in api.columns if c != "tags"]
    pd.testing.assert_frame_equal(
        pd.DataFrame(api[columns]), pd.DataFrame(export[columns]), check_dtype=True
    )
    for a, e in zip(api["tags"], export["tags"], strict=True):
        assert [t for t in a if not t.startswith(("disorder_type:", "crowd size"))] == e


def test_time_precision_2_is_the_week_around_the_date_and_3_the_month() -> None:
    result = import_file("acled", EXPORT)
    week = row(result, "SYR87001")
    assert (week["date_start"], week["date_end"], week["date_precision"]) == (
        "2017-10-08",
        "2017-10-14",
        "week",
    )
    month = row(result, "IRQ24503")
    assert (month["date_start"], month["date_end"], month["date_precision"]) == (
        "2017-10-01",
        "2017-10-31",
        "month",
    )
    assert pd.isna(week["fatalities"])  # blank in the file: not reported


def test_month_precision_handles_month_ends(tmp_path: Path) -> None:
    path = write_acled(
        tmp_path / "a.csv",
        [
            {"event_date": "29 February 2016", "time_precision": "3"},
            {"event_date": "1 December 2019", "time_precision": "3"},
            {"event_date": "1 January 2020", "time_precision": "2"},
        ],
    )
    got = import_file("acled", path).incidents[["date_start", "date_end"]].values.tolist()
    assert got == [
        ["2016-02-01", "2016-02-29"],
        ["2019-12-01", "2019-12-31"],
        ["2019-12-29", "2020-01-04"],
    ]


def test_riot_without_second_actor_and_acled_tags() -> None:
    riot = row(import_file("acled", API), "IRQ30001")
    assert (riot["event_type"], riot["sub_event_type"]) == ("Riots", "Violent demonstration")
    assert pd.isna(riot["actor2"])
    assert riot["assoc_actors"] == ["Kataib Hezbollah", "Popular Mobilization Forces"]
    assert "interaction:Rioters only" in riot["tags"]
    assert "crowd size=thousands" in riot["tags"]  # ACLED's own tags are kept as they are
    assert riot["date_start"] == "2019-12-31"


def test_multiline_notes_survive() -> None:
    week = row(import_file("acled", API), "SYR87001")
    assert week["summary"].endswith("Raqqa city.\nCasualties: unknown.")


# -- bad input -----------------------------------------------------------------------------------
def test_bad_file_reports_each_row_with_its_line() -> None:
    # BOM, CRLF line ends, a quoted note spanning two lines, a blank line and one row of each
    # kind of fault; line numbers count the header as line 1 and the note's extra line.
    result = import_file("acled", BAD)
    assert result.detected_format == "acled-export"
    assert result.rows_read == 13  # the blank line is not a row
    assert result.incidents["id"].tolist() == ["IRQ90001", "IRQ90003", "IRQ90011"]
    assert_valid(result)
    reasons = {r.line: r.reason for r in result.rejected}
    assert sorted(reasons) == [4, 6, 7, 9, 10, 11, 12, 13, 14, 15]
    assert "latitude and longitude are blank" in reasons[4]
    assert 'event_date "31 Spetember 2017" is not a date' in reasons[6]
    assert "16 October 2017" in reasons[6]  # says what a date looks like
    assert 'event_type "Skirmish" is not an ACLED event type' in reasons[7]
    assert "Battles" in reasons[7]
    assert 'fatalities "-3"' in reasons[9]
    assert "32 fields where the header has 31" in reasons[10]
    assert 'id "IRQ90001" is already used by line 2' in reasons[11]
    assert 'latitude "35,4681" is not a number' in reasons[12]
    assert 'geo_precision "4"' in reasons[13]
    assert 'time_precision "5"' in reasons[14]
    assert 'latitude "135.2" is outside -90..90' in reasons[15]
    by_line = {r.line: r for r in result.rejected}
    assert (by_line[6].column, by_line[6].value, by_line[6].id) == (
        "event_date",
        "31 Spetember 2017",
        "IRQ90004",
    )
    # IRQ90003 is at 0,0; it and IRQ90011 repeat IRQ90001's place, date, type and actors.
    assert [(s.line, s.id) for s in result.suspect] == [(5, "IRQ90003")] * 2 + [(16, "IRQ90011")]
    assert "0,0" in result.suspect[0].reason
    assert all('same event as feature 0 (id "IRQ90001")' in s.reason for s in result.suspect[1:])
    first = row(result, "IRQ90001")
    assert first["summary"] == 'Quoted, with commas, and\na newline: "Kirkuk"'
    report = result.report()
    assert len(report.errors) == 10 and len(report.warnings) == 3
    assert report.errors[0].format(report.source).startswith(f"{BAD}: line 4, latitude: ")


def test_strict_turns_rejected_rows_into_an_error() -> None:
    with pytest.raises(ValidationError) as err:
        import_file("acled", BAD, strict=True)
    message = str(err.value)
    assert str(BAD) in message and "10 rows could not be imported" in message
    assert "line 6: event_date" in message and "line 15: latitude" in message
    assert err.value.report is not None and len(err.value.report.errors) == 10
    assert err.value.exit_code == 4


def test_strict_passes_a_clean_file() -> None:
    assert len(import_file("acled", EXPORT, strict=True).incidents) == 5


def test_nothing_importable_is_an_error(tmp_path: Path) -> None:
    path = write_acled(tmp_path / "a.csv", [{"latitude": ""}, {"event_date": "soon"}])
    with pytest.raises(ValidationError, match=r"nothing could be imported: all 2 rows") as err:
        import_file("acled", path)
    assert "line 2: latitude and longitude are blank" not in str(err.value)
    assert "line 2: latitude is blank" in str(err.value)
    assert "line 3: event_date" in str(err.value)


def test_header_only_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(API.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="no data rows under the header"):
        import_file("acled", path)


def test_empty_missing_and_directory_inputs(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(InputError, match=r"empty\.csv: the file is empty"):
        import_file("acled", tmp_path / "empty.csv")
    with pytest.raises(InputError, match="no such file") as err:
        import_file("acled", tmp_path / "missing.csv")
    assert err.value.exit_code == 3
    with pytest.raises(InputError, match="is a directory"):
        import_file("acled", tmp_path)


def test_ucdp_file_passed_as_acled_names_missing_columns_and_the_format() -> None:
    with pytest.raises(InputError) as err:
        import_file("acled", GED)
    message = str(err.value)
    assert str(GED) in message
    assert "the header lacks event_id_cnty, event_date, event_type" in message
    assert "looks like a UCDP GED file" in message and "format 'ucdp'" in message


def test_gdelt_file_passed_as_acled() -> None:
    path = FIXTURES / "20191231150000.export.CSV"
    with pytest.raises(InputError, match=r"looks like a GDELT event file.*format 'gdelt'"):
        import_file("acled", path)


def test_unknown_format_and_option() -> None:
    with pytest.raises(UsageError, match="unknown import format 'acledd'; use one of: acled, "):
        import_file("acledd", API)
    with pytest.raises(UsageError, match="unknown option lat for format 'acled'; it takes: "):
        import_file("acled", API, lat="latitude")
    with pytest.raises(UsageError, match="chunksize"):
        import_file("acled", API, chunksize=0)
    assert FORMATS == ("acled", "ucdp", "gdelt", "csv")
    assert import_file("ACLED", API).detected_format == "acled-api"


def test_bom_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + API.read_bytes())
    pd.testing.assert_frame_equal(
        import_file("acled", path).incidents, import_file("acled", API).incidents
    )


def test_not_utf8_says_how_to_fix_and_encoding_option_reads_it(tmp_path: Path) -> None:
    path = write_acled(tmp_path / "latin.csv", [{"location": "Kirkūk"}])
    path.write_bytes(path.read_text(encoding="utf-8").replace("ū", "\xe9").encode("latin-1"))
    with pytest.raises(
        InputError, match=r"latin\.csv: line 2 \(byte 630\): byte 0xe9 is not valid utf-8"
    ):
        import_file("acled", path)
    result = import_file("acled", path, encoding="latin-1")
    assert result.incidents["location"].tolist() == ["Kirkék"]


def test_bad_byte_far_into_the_file_is_located(tmp_path: Path) -> None:
    # Past the part read to sniff the header, so pandas hits it; the line is still found.
    path = write_acled(tmp_path / "late.csv", [{} for _ in range(900)])
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[800] = lines[800].replace("Kirkuk", "Kirk\u00fbk")
    path.write_bytes("\n".join(lines).encode("latin-1"))
    assert path.stat().st_size > 300_000
    with pytest.raises(InputError, match=r"late\.csv: line 801 \(byte [\d,]+\): byte 0xfb is not"):
        import_file("acled", path)


def test_quote_never_closed_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "open.csv"
    path.write_text(
        "event_id_cnty,event_date,event_type,latitude,longitude,notes\n"
        'IRQ1,16 October 2017,Battles,35.1,44.1,"fine"\n'
        'IRQ2,16 October 2017,Battles,35.1,44.1,"never closed\n'
        "IRQ3,16 October 2017,Battles,35.1,44.1,ok\n"
    )
    with pytest.raises(InputError, match=r"open\.csv: line 3 or a little after: a quoted field"):
        import_file("acled", path)


def test_old_uppercase_header_legacy_types_and_slashed_dates(tmp_path: Path) -> None:
    path = write_acled(
        tmp_path / "old.csv",
        [
            {"event_type": "Battle-Non-state actor overtakes territory", "sub_event_type": ""},
            {"event_type": "Remote violence", "sub_event_type": "", "event_date": "16/10/2017"},
            {"event_type": "strategic developments", "sub_event_type": "agreement"},
            {"event_type": "Protests", "sub_event_type": "Excessive force against protestors"},
        ],
    )
    text = path.read_text(encoding="utf-8").split("\n", 1)
    path.write_text(text[0].upper() + "\n" + text[1], encoding="utf-8")
    result = import_file("acled", path)
    assert_valid(result)
    got = result.incidents[["event_type", "sub_event_type", "date_start"]]
    assert got.fillna("-").values.tolist() == [
        ["Battles", "Non-state actor overtakes territory", "2017-10-16"],
        ["Explosions/Remote violence", "-", "2017-10-16"],
        ["Strategic developments", "Agreement", "2017-10-16"],
        ["Protests", "Excessive force against protesters", "2017-10-16"],
    ]
    assert "acled_event_type:Remote violence" in result.incidents["tags"][1]


def test_sub_event_type_of_another_type_is_rejected(tmp_path: Path) -> None:
    path = write_acled(tmp_path / "a.csv", [{}, {"sub_event_type": "Air/drone strike"}])
    result = import_file("acled", path)
    assert [r.line for r in result.rejected] == [3]
    assert 'sub_event_type "Air/drone strike" does not belong to "Battles"' in (
        result.rejected[0].reason
    )


def test_iso3_from_numeric_code_or_name_when_the_file_has_no_iso3(tmp_path: Path) -> None:
    path = write_acled(
        tmp_path / "a.csv",
        [{"iso": "562", "country": "Niger"}, {"iso": "", "country": "Syria"}],
        base=API,
    )
    assert import_file("acled", path).incidents["iso3"].tolist() == ["NER", "SYR"]


def test_zip_archive_is_read_without_unpacking(tmp_path: Path) -> None:
    path = tmp_path / "acled.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(API, "acled_api.csv")
    result = import_file("acled", path)
    assert len(result.incidents) == 5 and result.source.endswith("acled.zip:acled_api.csv")


def test_id_prefix_keeps_datasets_apart() -> None:
    result = import_file("acled", BAD, id_prefix="acled:")
    assert result.incidents["id"].tolist()[0] == "acled:IRQ90001"
    assert result.suspect[0].id == "acled:IRQ90003"


def test_detect_format() -> None:
    assert detect_format(API) == detect_format(EXPORT) == "acled"
    assert detect_format(GED) == "ucdp"
    assert detect_format(FIXTURES / "20191231150000.export.CSV") == "gdelt"
    assert detect_format(FIXTURES / "analyst_sheet.csv") is None


@pytest.mark.parametrize(
    ("etype", "sub", "expected"),
    [
        ("battles", "armed clash", ("Battles", "Armed clash", None)),
        ("Riots/Protests", "", ("Protests", None, None)),
        ("", "", (None, None, "event_type is blank; every ACLED event has one")),
    ],
)
def test_normalise_event_type(etype: str, sub: str, expected: tuple) -> None:
    assert normalise_event_type(etype, sub) == expected


# -- streaming ------------------------------------------------------------------------------------
def _big_acled(path: Path, rows: int, bad_at: int) -> None:
    """``rows`` export-layout rows; every 1000th has a two-line note; row ``bad_at`` a bad date."""
    text = EXPORT.read_text(encoding="utf-8").split("\n")
    header, template = text[0], text[1]
    head, tail = template.split("IRQ24017", 1)
    multiline = template.replace('"On 16 October 2017,', '"On 16 October 2017,\nthen', 1)
    mhead, mtail = multiline.split("IRQ24017", 1)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(header + "\n")
        for i in range(1, rows + 1):
            if i == bad_at:
                line = (head + f"IRQ{i}" + tail).replace("16 October 2017", "32 October 2017", 1)
            elif i % 1000 == 0:
                line = mhead + f"IRQ{i}" + mtail
            else:
                line = head + f"IRQ{i}" + tail
            fh.write(line + "\n")


def test_large_file_streams_in_chunks_with_right_line_numbers(tmp_path: Path) -> None:
    rows, bad_at, chunk = 200_000, 150_001, 25_000
    path = tmp_path / "big.csv"
    _big_acled(path, rows, bad_at)
    size = path.stat().st_size

    # The reader never holds more than one chunk of rows.
    sizes = [len(c.frame) for c in read_chunks(open_input(path), delimiter=",", chunksize=chunk)]
    assert max(sizes) <= chunk and sum(sizes) == rows and len(sizes) >= rows // chunk

    calls: list[tuple[int, int, int]] = []
    result = import_file("acled", path, chunksize=chunk, on_progress=lambda *a: calls.append(a))
    assert len(result.incidents) == rows - 1
    # 150 two-line notes come before the bad row: it starts on line 150,002 + 150.
    assert [(r.line, r.id) for r in result.rejected] == [(bad_at + 1 + 150, f"IRQ{bad_at}")]
    assert len(calls) >= rows // chunk
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)
    assert [c[1] for c in calls] == sorted(c[1] for c in calls)
    assert calls[-1] == (rows, size, size)
    assert all(total == size for _, _, total in calls)
    assert result.incidents["date_start"].eq("2017-10-16").all()
    assert np.isclose(result.incidents.geometry.x, 44.3922).all()
    assert set(result.incidents["event_type"]) == {"Battles"} <= set(schema.EVENT_TYPES)

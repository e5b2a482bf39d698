"""Every real file in ``../shared/data/real`` imports cleanly: no ``NA`` left as text, no source
column that has a schema field silently dropped, and the warnings the import reports are the ones
``validate`` reports on the written store (issue 15)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from helpers import SHARED, require_shared
from test_ingest_layouts import na_texts

import geoevents
from geoevents.ingest import ImportResult, import_file
from geoevents.ingest.gdelt import COLUMNS_2

REAL = SHARED / "data" / "real"

#: (format, file under ../shared/data/real) for every importable real file.
FILES = [
    ("acled", "acled/benin-2022-export.csv"),
    ("acled", "acled/algeria-2001-v7.csv"),
    ("gdelt", "gdelt/20191024143000.export.CSV"),
    ("ucdp", "hdx-scraper-ucdp/ged191.csv"),
    ("ucdp", "hdx-scraper-ucdp/conflict_data_BGD.csv"),
    ("ucdp", "ucdp-api/afg-mini.csv"),
]

_ACLED_ASSOC = ("assoc_actor_1", "assoc_actor_2", "ally_actor_1", "ally_actor_2")
#: Source column -> schema field it must reach, per format (the id column first).
MAPPED = {
    "acled": {
        "event_id_cnty": "id",
        "actor1": "actor1",
        "actor2": "actor2",
        **dict.fromkeys(_ACLED_ASSOC, "assoc_actors"),
        "country": "country",
        "iso3": "iso3",
        "admin1": "admin1",
        "location": "location",
        "notes": "summary",
        "source": "sources",
        "geo_precision": "geo_precision",
        "fatalities": "fatalities",
    },
    "ucdp": {
        "id": "id",
        "side_a": "actor1",
        "side_b": "actor2",
        "country": "country",
        "iso3": "iso3",
        "adm_1": "admin1",
        "where_coordinates": "location",
        "best": "fatalities",
    },
    "gdelt": {
        "GLOBALEVENTID": "id",
        "Actor1Name": "actor1",
        "Actor2Name": "actor2",
        "SOURCEURL": "sources",
    },
}


def real(rel: str) -> Path:
    """The real file, or a skip naming ``../shared`` (a failure under ``CI=true``)."""
    path = REAL / rel
    require_shared(path)
    return path


def source_rows(fmt: str, path: Path) -> pd.DataFrame:
    """The file as text, one row per data row, columns named as the importer reads them."""
    if fmt == "gdelt":
        frame = pd.read_csv(
            path,
            sep="\t",
            header=None,
            names=list(COLUMNS_2),
            dtype=str,
            keep_default_na=False,
            quoting=csv.QUOTE_NONE,
        )
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        frame.columns = [c.strip().lower() for c in frame.columns]
    hxl = frame.iloc[:1].apply(lambda col: col.str.startswith("#")).any(axis=None)
    return frame.iloc[1:] if hxl else frame  # HDX's hashtag row under the header


def _blank(value: str) -> bool:
    return not value.strip() or value.strip() == "NA"


def _reaches(value: str, got: object, field: str) -> bool:
    text = value.strip()
    if field == "assoc_actors":
        return all(p.strip() in got for p in text.split(";") if p.strip())  # type: ignore[operator]
    if field == "sources":
        names = {s.get("name") for s in got} | {s.get("url") for s in got}  # type: ignore[union-attr]
        return all(p.strip() in names for p in text.split(";") if p.strip())
    if field in ("fatalities", "geo_precision"):
        return not pd.isna(got) and int(float(text)) == got
    return isinstance(got, str) and " ".join(got.split()) == " ".join(text.split())


@pytest.fixture(scope="module", params=FILES, ids=[rel for _, rel in FILES])
def imported(request) -> tuple[str, Path, ImportResult]:
    fmt, rel = request.param
    path = real(rel)
    return fmt, path, import_file(fmt, path)


def test_no_na_survives_as_text(imported) -> None:
    _, _, result = imported
    assert na_texts(result) == []


def test_no_column_with_a_schema_field_is_dropped(imported) -> None:
    fmt, path, result = imported
    rows = source_rows(fmt, path)
    mapping = {c: f for c, f in MAPPED[fmt].items() if c in rows.columns}
    id_col = next(iter(mapping))
    by_id = result.incidents.set_index("id")
    lost = []
    for record in rows.to_dict("records"):
        ident = str(int(float(record[id_col]))) if fmt == "ucdp" else record[id_col].strip()
        if ident not in by_id.index:
            continue  # rejected or skipped, and reported as such
        incident = by_id.loc[ident]
        for column, field in mapping.items():
            if field == "id" or _blank(record[column]):
                continue
            if not _reaches(record[column], incident[field], field):
                lost.append(f"{ident}: {column} {record[column]!r} -> {field} {incident[field]!r}")
    assert not lost, "\n".join(lost[:10])


def test_warnings_match_what_validate_says(imported, tmp_path: Path) -> None:
    _, _, result = imported
    store = tmp_path / "store.geojson"
    geoevents.write_incidents(result.incidents, store)
    later = geoevents.validate(store)
    assert len(result.suspect) == len(later.warnings)
    n = len(result.suspect)
    if n:
        assert result.summary().endswith(f", {n:,} warning{'s' if n != 1 else ''}")
    assert {(s.id, s.reason) for s in result.suspect} == {
        (p.feature_id, f"{p.message}; {p.fix}") for p in later.warnings
    }


def test_algeria_v7_keeps_the_berber_ethnic_group_and_its_riots() -> None:
    result = import_file("acled", real("acled/algeria-2001-v7.csv"))
    assert result.detected_format == "acled-v7"
    by_id = result.incidents.set_index("id")
    assert by_id.loc["1416RTA", "assoc_actors"] == ["Berber Ethnic Group (Algeria)"]
    assert by_id.loc["2229RTA", "event_type"] == "Riots"  # actor1 Rioters (inter1 5)
    assert by_id.loc["2230RTA", "event_type"] == "Protests"  # actor1 Protesters (inter1 6)


def test_ged191_import_names_the_six_misplaced_points(run, tmp_path: Path) -> None:
    path = real("hdx-scraper-ucdp/ged191.csv")
    store = tmp_path / "ged.parquet"
    imported = run("import", "ucdp", path, "-o", store)
    assert imported.exit_code == 0, imported.output
    # With 12 likely double counts (same village, day, type and sides); UCDP's date ranges all
    # fit their precision (a "month" holds up to 31 days).
    assert "3,194 of 3,194 rows imported (ucdp-ged), 0 rejected, 18 warnings" in imported.stderr
    checked = run("validate", "--all", store)
    assert checked.stdout.count(" km outside ") == 6
    assert "0 errors, 18 warnings in 3,194 features" in checked.stdout

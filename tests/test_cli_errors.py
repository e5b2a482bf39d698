"""The one error mapper: library fixes named in library terms, printed with the CLI's flags.

A library error lists the keyword spellings its message names as a fix in ``options``; the CLI
swaps each for its flag (``cli.options.FLAGS``) before printing ``Error: ...``. Every such error
the library can raise is triggered here: its spellings must have flags, and what the CLI prints
must be what it printed when the library named the flags itself.
"""

from __future__ import annotations

import ast
import json

import pytest
from helpers import ROOT, SMALL

import geoevents
from geoevents.cli.options import FLAGS, with_flags
from geoevents.criteria import Criteria
from geoevents.errors import GeoeventsError
from geoevents.extract import parse_published
from geoevents.gazetteer import resolve
from geoevents.io.memory import check_map_size
from geoevents.render.engines import choose_engine
from geoevents.render.tiles import tile_source
from geoevents.store import add_incidents, new_incident


def _bad_store(tmp_path):
    doc = json.loads(SMALL.read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["event_type"] = "Nope"
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _taken_id(tmp_path):
    store = tmp_path / "store.geojson"
    store.write_bytes(SMALL.read_bytes())
    incident = new_incident(lonlat=(0, 0), id="t-kirkuk", title="x", date_start="2017-10-01")
    add_incidents(store, [incident.properties], [incident.geometry])


def _duplicate(tmp_path):
    store = tmp_path / "store.geojson"
    store.write_bytes(SMALL.read_bytes())
    kirkuk = geoevents.load(SMALL).iloc[0]
    fields = {k: kirkuk[k] for k in ("title", "date_start", "event_type")}
    point = kirkuk.geometry
    incident = new_incident(lonlat=(point.x, point.y), **fields)
    add_incidents(store, [incident.properties], [incident.geometry], allow_duplicate=False)


BATTLE = {"title": "x", "date_start": "2017-10-01", "event_type": "Battles"}

#: (what raises, the text the CLI prints for it: the message as it was before ``options``).
TRIGGERS = {
    "io.formats.usable_incidents": (
        lambda tmp: geoevents.load(_bad_store(tmp)),
        "fix them (or pass --skip-invalid to use the rest):",
    ),
    "io.atomic.refuse_overwrite (write_incidents)": (
        lambda tmp: geoevents.write_incidents(geoevents.load(SMALL), SMALL, overwrite=False),
        f"{SMALL}: already exists; pass --force to replace it",
    ),
    "criteria.Criteria": (
        lambda tmp: Criteria(near=(35.0, 44.0)),
        "near and within go together: give both, e.g. --near 35.47,44.39 --within 50",
    ),
    "io.memory.check_map_size": (
        lambda tmp: check_map_size(10, "x.parquet", max_points=1),
        "select them (--start/--end, --bbox, --country), or map them aggregated (geoevents "
        "aggregate), or pass --max-points N to try",
    ),
    "render.engines.choose_engine": (
        lambda tmp: choose_engine("large", 0, cluster=True),
        "--cluster works with the classic engine only (the large engine thins dense points "
        "itself); drop --cluster or use --engine classic",
    ),
    "render.tiles.tile_source": (
        lambda tmp: tile_source("CartoDB.DarkMatter"),
        "for *.basemaps.cartocdn.com: pass --tiles-key KEY (or GEOEVENTS_TILES_KEY), or use",
    ),
    "render.tiles.tile_source (fields)": (
        lambda tmp: tile_source("CartoDB.DarkMatter", {"token": "x"}),
        "pass --tiles-key NAME=KEY (once per field) with each of them",
    ),
    "store.add_incidents": (_taken_id, "; choose another --id, or leave it out for a new one"),
    "store.add_incidents (duplicate)": (
        _duplicate,
        "(same place, date and type); leave it out, or pass --allow-duplicate to add it anyway",
    ),
    "store.new_incident (source)": (
        lambda tmp: new_incident(lonlat=(0, 0), source_url="http://x", **BATTLE),
        "--source-url/--source-quote need --source-name",
    ),
    "store.new_incident (both)": (
        lambda tmp: new_incident(lonlat=(0, 0), place="Kirkuk", **BATTLE),
        "give --place or --lonlat, not both",
    ),
    "gazetteer.lookup.resolve (country)": (
        lambda tmp: resolve("Kirkuk", country="ZZZ"),
        "that the gazetteer knows; pass e.g. --country IRQ, SYR or NER",
    ),
    "gazetteer.lookup.resolve (empty)": (
        lambda tmp: resolve(" "),
        "the place name is empty; give a name such as 'Kirkuk' or use --lonlat",
    ),
    "gazetteer.lookup.resolve (not found)": (
        lambda tmp: resolve("Nowhereville", country="IRQ"),
        "; check the spelling, drop --country, or give the position with --lonlat LON,LAT",
    ),
    "gazetteer.lookup.resolve (ambiguous)": (
        lambda tmp: resolve("Springfield"),
        "give the position with --lonlat LON,LAT (they are all in the same country)",
    ),
    "gazetteer.lookup.resolve (countries)": (
        lambda tmp: resolve("Tripoli"),
        "pass --country ISO3 (one of ",
    ),
    "extract.article.parse_published (missing)": (
        lambda tmp: parse_published(None),
        "the publication date is required (--published YYYY-MM-DD)",
    ),
    "extract.article.parse_published (bad)": (
        lambda tmp: parse_published("nope"),
        "is not a date; give it as YYYY-MM-DD, e.g. --published 2017-10-24",
    ),
    "store.new_incident (where)": (
        lambda tmp: new_incident(**BATTLE),
        "say where: --place NAME or --lonlat LON,LAT",
    ),
}


@pytest.mark.parametrize("name", sorted(TRIGGERS))
def test_every_library_fix_has_its_flag(name, tmp_path):
    trigger, printed = TRIGGERS[name]
    with pytest.raises(GeoeventsError) as info:
        trigger(tmp_path)
    exc = info.value
    assert exc.options, f"{name}: the message names no option"
    for spelling in exc.options:
        assert spelling in str(exc), f"{name}: {spelling!r} is not in the message"
        assert spelling in FLAGS, f"{name}: add {spelling!r} to geoevents.cli.options.FLAGS"
        assert not spelling.startswith("--"), f"{name}: library messages name keywords"
    assert printed in with_flags(exc)


def test_every_module_that_names_options_is_triggered_here():
    # A new library message with `options=` needs a trigger above (and its flags in FLAGS).
    naming = set()
    for path in (ROOT / "geoevents").rglob("*.py"):
        if "cli" in path.relative_to(ROOT / "geoevents").parts or path.name == "errors.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.keyword) and node.arg == "options" for node in ast.walk(tree)):
            naming.add(".".join(path.relative_to(ROOT / "geoevents").with_suffix("").parts))
    triggered = {name.split(" ")[0].rpartition(".")[0] for name in TRIGGERS}
    assert naming <= triggered, f"modules raising `options` with no trigger: {naming - triggered}"


def test_only_the_named_spellings_are_replaced_and_only_whole():
    exc = GeoeventsError("no replacement: give place or lonlat", options=("place",))
    assert with_flags(exc) == "no replacement: give --place or lonlat"
    assert with_flags(GeoeventsError("pass skip_invalid=True")) == "pass skip_invalid=True"


# -- what the CLI prints, byte for byte ---------------------------------------------------------


def test_usage_errors_of_the_filters_show_the_command(run):
    result = run("list", SMALL, "--near", "35,44")
    assert result.exit_code == 2
    assert result.stderr == (
        "Usage: cli list [OPTIONS] [PATH]\nTry 'cli list --help' for help.\n\n"
        "Error: near and within go together: give both, e.g. --near 35.47,44.39 --within 50\n"
    )


def test_library_usage_errors_show_the_group(run, tmp_path):
    result = run("map", SMALL, "--engine", "large", "--cluster", "-o", tmp_path / "m.html")
    assert result.exit_code == 2
    assert result.stderr == (
        "Usage: cli [OPTIONS] COMMAND [ARGS]...\nTry 'cli --help' for help.\n\n"
        "Error: --cluster works with the classic engine only (the large engine thins dense "
        "points itself); drop --cluster or use --engine classic\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--title", "x"], "say where: --place NAME or --lonlat LON,LAT"),
        (["--place", "Kirkuk", "--lonlat", "44,35"], "give --place or --lonlat, not both"),
        (
            ["--lonlat", "44,35", "--source-url", "u"],
            "--source-url/--source-quote need --source-name",
        ),
    ],
)
def test_add_usage_errors(run, tmp_path, args, message):
    result = run("add", tmp_path / "s.geojson", *args)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Usage: cli add [OPTIONS] [STORE]\nTry 'cli add --help' for help.\n\nError: {message}\n"
    )
    assert not (tmp_path / "s.geojson").exists()


def test_add_a_taken_id(run, tmp_path):
    store = tmp_path / "store.geojson"
    store.write_bytes(SMALL.read_bytes())
    args = ["--title", "T", "--date", "2017-10-01", "--type", "Battles", "--lonlat", "44,35"]
    result = run("add", store, *args, "--id", "t-kirkuk")
    assert result.exit_code == 4
    assert result.stderr == (
        f"Error: {store} was not changed:\n"
        f'feature 0 (id "t-kirkuk"): id: id "t-kirkuk" is already in {store}; '
        "choose another --id, or leave it out for a new one\n"
    )


@pytest.mark.parametrize("command", ["filter", "convert", "extract"])
def test_refusing_to_overwrite(run, tmp_path, command):
    exists = tmp_path / "exists.geojson"
    exists.write_text("keep")
    if command == "extract":
        article = tmp_path / "art.txt"
        article.write_text("Clashes in Kirkuk on Monday killed 3 people.", encoding="utf-8")
        args = [article, "--published", "2017-10-20", "-o", exists]
    else:
        args = [SMALL, *(["-o"] if command == "filter" else []), exists]
    result = run(command, *args)
    assert result.exit_code == 6
    assert result.stderr == f"Error: {exists}: already exists; pass --force to replace it\n"
    assert exists.read_text() == "keep"


def test_an_invalid_store_suggests_the_flag(run, tmp_path):
    bad = _bad_store(tmp_path)
    result = run("list", bad)
    assert result.exit_code == 4
    assert result.stderr.startswith(
        f"Error: {bad} has 1 error(s); fix them (or pass --skip-invalid to use the rest):\n"
        f'{bad}: feature 0 (id "t-kirkuk"): event_type: event_type "Nope" is not one of '
    )


def test_validate_exits_4_through_the_mapper_with_its_report_only(run, tmp_path):
    result = run("validate", _bad_store(tmp_path))
    assert result.exit_code == 4
    assert result.stderr == ""
    assert result.stdout.splitlines()[-1].startswith("invalid: ")

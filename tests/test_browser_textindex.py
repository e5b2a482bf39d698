"""The free-text filter's word index (assets/textindex.js) selects what ``geoevents list --text``
selects: on a generated map whose summaries hold markup, quotes, joined words and digits, for
needles the index answers (letters and digits) and ones left to the scan (anything else); a
phrase's candidate rows searched in the column's upper-cased chunks (assets/textscan.js, here
chunks of about 1,000 bytes, so hundreds of them) and byte by byte select the same rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from browser import offline_context, open_map
from click.testing import CliRunner

import geoevents
from geoevents.cli import cli
from geoevents.testing import synthetic

pytestmark = pytest.mark.browser

SUMMARIES = [
    "<b>MarKet</b> burned",
    "super-market raid",
    "the market's stalls",
    'a "MARKET" quote',
    "MARKET2019 code",
    "Markets; 2019-05-01",
    "mar ket apart",
    "=SUM(A1)</script><script>window.__pwned=1</script>",
]
NEEDLES = ["market", "MARKET", "ket", "2019", "markets", "b", "zzz", "market's", "mar ket", "</b>"]
# Phrases (a space or punctuation): searched in the rows of their rarest run of letters.
NEEDLES += ["super-market", "the market", 'a "market', "2019-05", "Markets; 2019", "ket ap"]
NEEDLES += ["</script><script>", "sum(a1)", "et b", " ", "'s st", "-market r"]
INDEX = (
    "() => { const s = Object.values(geoevents.maps)[0].store.column('summary');"
    " return !!(s.wordIndex && s.wordIndex() && s.wordIndex().ready); }"
)


@pytest.fixture(scope="module")
def store_and_map(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("textindex")
    gdf = synthetic.incidents(3000, seed=5)
    for k, text in enumerate(SUMMARIES):
        gdf.loc[k * 7, "summary"] = text
    gdf.loc[5, "summary"] = None
    store = Path(geoevents.write_incidents(gdf, folder / "text.geojson"))
    html = folder / "text.html"
    result = CliRunner().invoke(cli, ["map", str(store), "-o", str(html), "--tiles", "none"])
    assert result.exit_code == 0, result.output
    return store, html


def cli_ids(store: Path, needle: str) -> list[str]:
    result = CliRunner().invoke(cli, ["list", str(store), "--text", needle, "--format", "json"])
    if result.exit_code == 5:
        return []
    assert result.exit_code == 0, result.output
    return [row["id"] for row in json.loads(result.stdout)]


def test_the_word_index_selects_what_list_selects(store_and_map: tuple[Path, Path]) -> None:
    store, html = store_and_map
    with offline_context() as context:
        opened = open_map(context, html)
        page: Any = opened.page
        # Small chunks: hundreds of chunk boundaries for the scans and the phrases below.
        page.evaluate("geoevents.TEXT_CHUNK_BYTES = 1000")
        page.evaluate("geoevents.filter({text: 'market'})")  # scans, then builds the index
        page.wait_for_function(INDEX, timeout=30_000)
        for needle in NEEDLES:
            page.evaluate("(t) => geoevents.filter({text: t})", needle)
            assert page.evaluate("geoevents.visible()") == cli_ids(store, needle), needle
        # Rare phrases were the index's to answer (the rest of the column not scanned).
        answered = page.evaluate(
            "(ts) => { const s = Object.values(geoevents.maps)[0].store;"
            " const index = s.column('summary').wordIndex();"
            " return ts.map((t) => index.mark(t.toUpperCase(), new Uint8Array(s.n))); }",
            ["super-market", "mar ket apart", "Markets; 2019", "</script><script>"],
        )
        assert answered == [True, True, True, True]
        # Each phrase the index answers: the same rows from the chunks and byte by byte.
        both = page.evaluate(
            "(ts) => { const s = Object.values(geoevents.maps)[0].store;"
            " const column = s.column('summary');"
            " const index = column.wordIndex(); const scan = column.textChunks();"
            " const rows = (t, chunks) => { const into = new Uint8Array(s.n);"
            "   const ok = index.mark(t.toUpperCase(), into, chunks);"
            "   return ok ? Array.from(into.keys()).filter((i) => into[i]) : null; };"
            " return {chunks: scan.count(),"
            "   rows: ts.map((t) => [rows(t, scan), rows(t, null)])}; }",
            NEEDLES,
        )
        assert both["chunks"] > 100
        for needle, (chunked, bytewise) in zip(NEEDLES, both["rows"], strict=True):
            if chunked is not None and bytewise is not None:
                assert chunked == bytewise, needle
        assert sum(chunked is not None for chunked, _ in both["rows"]) >= 12
        assert page.evaluate("window.__pwned === undefined")
        assert not opened.errors


def test_a_long_column_is_indexed_and_chunked_while_the_page_is_idle(
    tmp_path: Path,
) -> None:
    # Summaries of 3,000 characters: 9 MB, past the 8 MB at which the page builds the word
    # index and then the upper-cased chunks (about 2 MB each) while idle, before any filter.
    gdf = synthetic.incidents(3000, seed=9)
    filler = " ".join(["report"] * 500)
    gdf["summary"] = [f"{text} {filler}"[:3000] for text in gdf["summary"].fillna("")]
    gdf.loc[10, "summary"] = "front line " + filler
    gdf.loc[2000, "summary"] = filler + " the Front Line held"
    store = Path(geoevents.write_incidents(gdf, tmp_path / "long.geojson"))
    html = tmp_path / "long.html"
    result = CliRunner().invoke(cli, ["map", str(store), "-o", str(html), "--tiles", "none"])
    assert result.exit_code == 0, result.output
    chunked = (
        "() => { const s = Object.values(geoevents.maps)[0].store.column('summary');"
        " const c = s.textChunks(); return !!(s.wordIndex() && s.wordIndex().ready"
        " && c && c.ready); }"
    )
    with offline_context() as context:
        opened = open_map(context, html)
        page: Any = opened.page
        page.wait_for_function(chunked, timeout=60_000)
        assert page.evaluate(
            "Object.values(geoevents.maps)[0].store.column('summary').textChunks().count()"
        ) in range(4, 7)
        for needle in ["front line", "report report", "t rep", "line held"]:
            page.evaluate("(t) => geoevents.filter({text: t})", needle)
            assert page.evaluate("geoevents.visible()") == cli_ids(store, needle), needle
        assert not opened.errors

"""`geoevents figure` and `stats --plot`: valid files of the requested size, the same bytes on
every run, pixels close to a stored reference, colour-blind-safe colours.

The reference (``fixtures/figures/ten.png``, drawn from the 10-incident ``ten.geojson``) is
redrawn by ``GEOEVENTS_REGENERATE_FIGURES=1 pytest tests/test_figures.py``; look at it before
committing it.
"""

from __future__ import annotations

import itertools
import os
import struct

import numpy as np
import pytest
from helpers import FIXTURES
from PIL import Image

import geoevents
from geoevents.errors import UsageError
from geoevents.figures import FIGURE_EVENT_COLORS, figure, plot_counts
from geoevents.figures.scalebar import nice_length

TEN = FIXTURES / "figures" / "ten.geojson"
REFERENCE = FIXTURES / "figures" / "ten.png"

#: The reference's size: small, so the stored PNG stays small.
SMALL_SIZE, SMALL_DPI = (6.0, 3.5), 50

#: A pixel differs when a channel is off by more than this; at most this share may differ.
TOLERANCE, MAX_SHARE = 48, 0.01


@pytest.fixture(scope="module")
def ten():
    return geoevents.load(TEN)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("size", ["slide", "a4"])
def test_png_has_the_requested_size_and_the_same_bytes_twice(ten, tmp_path, size):
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    figure(ten, first, size=size, dpi=40, source=TEN)
    figure(ten, second, size=size, dpi=40, source=TEN)
    width, height = {"slide": (40 / 3, 7.5), "a4": (11.69, 8.27)}[size]
    # matplotlib truncates inches x dpi to whole pixels.
    assert _png_size(first.read_bytes()) == (int(width * 40), int(height * 40))
    assert first.read_bytes() == second.read_bytes()


def test_svg_and_pdf_are_valid_and_repeatable(ten, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    for ext in ("svg", "pdf"):
        a, b = tmp_path / f"a.{ext}", tmp_path / f"b.{ext}"
        figure(ten, a, size="a4", source=TEN)
        figure(ten, b, size="a4", source=TEN)
        assert a.read_bytes() == b.read_bytes(), ext
    svg = (tmp_path / "a.svg").read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and 'width="841.68pt" height="595.44pt"' in svg
    assert "<dc:date>" not in svg
    pdf = (tmp_path / "a.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and b"/CreationDate" not in pdf
    assert b"/MediaBox [ 0 0 841.68 595.44 ]" in pdf
    assert b"geoevents" in pdf


def test_source_date_epoch_is_the_only_date(ten, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1508112000")
    figure(ten, tmp_path / "a.svg", size=SMALL_SIZE, source=TEN)
    assert "<dc:date>2017-10-16T00:00:00+00:00</dc:date>" in (tmp_path / "a.svg").read_text()


def test_pixels_match_the_reference(ten, tmp_path):
    out = tmp_path / "ten.png"
    figure(ten, out, size=SMALL_SIZE, dpi=SMALL_DPI, title="Ten incidents")
    if os.environ.get("GEOEVENTS_REGENERATE_FIGURES") == "1":
        REFERENCE.write_bytes(out.read_bytes())
    drawn = np.asarray(Image.open(out).convert("RGB"), dtype=int)
    reference = np.asarray(Image.open(REFERENCE).convert("RGB"), dtype=int)
    assert drawn.shape == reference.shape
    differs = (np.abs(drawn - reference) > TOLERANCE).any(axis=2)
    assert differs.mean() <= MAX_SHARE, f"{differs.mean():.2%} of the pixels differ"
    # The picture is not blank: the event-type colours are on it.
    battles = np.array([int(FIGURE_EVENT_COLORS["Battles"][i : i + 2], 16) for i in (1, 3, 5)])
    assert (np.abs(drawn - battles).sum(axis=2) < 30).any()


def test_counts_plot(ten, tmp_path):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    plot_counts(ten, a, by="month", size="slide", dpi=30, source=TEN)
    plot_counts(ten, b, by="month", size="slide", dpi=30, source=TEN)
    assert _png_size(a.read_bytes()) == (400, 225)
    assert a.read_bytes() == b.read_bytes()
    with pytest.raises(UsageError, match="cannot count by period 'event_type'"):
        plot_counts(ten, tmp_path / "c.png", by="event_type")


def test_bad_output_and_size(ten, tmp_path):
    with pytest.raises(UsageError, match="cannot draw a figure as gif"):
        figure(ten, tmp_path / "x.gif")
    with pytest.raises(UsageError, match="size 'poster' is unknown"):
        figure(ten, tmp_path / "x.png", size="poster")
    assert not list(tmp_path.iterdir())


def test_nice_scale_lengths():
    assert [nice_length(v) for v in (0.7, 3, 7.5, 40, 180, 999)] == [0.5, 2, 5, 20, 100, 500]


# Machado, Oliveira & Fernandes (2009), severity 1: linear-RGB matrices of the three dichromacies.
_DICHROMACY = {
    "protanopia": [[0.1523, 1.0526, -0.2049], [0.1145, 0.7863, 0.0992], [-0.0039, -0.0481, 1.052]],
    "deuteranopia": [[0.3673, 0.8606, -0.228], [0.2801, 0.6725, 0.0474], [-0.0118, 0.0429, 0.9689]],
    "tritanopia": [[1.2555, -0.0767, -0.1788], [-0.0784, 0.9308, 0.1476], [0.0047, 0.6914, 0.3039]],
}


def _lab(linear: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    v = xyz @ linear / np.array([0.95047, 1.0, 1.08883])
    f = np.where(v > 0.008856, np.cbrt(v), 7.787 * v + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _linear(color: str) -> np.ndarray:
    c = np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


@pytest.mark.parametrize("kind", list(_DICHROMACY))
def test_event_type_colours_stay_apart_for_colour_blind_readers(kind):
    matrix = np.array(_DICHROMACY[kind])
    seen = [_lab(np.clip(matrix @ _linear(c), 0, 1)) for c in FIGURE_EVENT_COLORS.values()]
    closest = min(np.linalg.norm(a - b) for a, b in itertools.combinations(seen, 2))
    assert closest > 15, f"two event types are {closest:.1f} CIELAB units apart ({kind})"


def test_cli_figure_and_stats_plot(run, tmp_path):
    out = tmp_path / "map.pdf"
    result = run("figure", out, TEN, "--size", "a4", "--title", "Ten", "--start", "2017-11")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"{out}: 5 incidents\n"
    assert out.read_bytes().startswith(b"%PDF-")
    again = run("figure", out, TEN)
    assert again.exit_code == 6 and "already exists; pass --force" in again.stderr
    assert run("figure", out, TEN, "--force").exit_code == 0
    bad = run("figure", tmp_path / "map.gif", TEN)
    assert bad.exit_code == 2 and "cannot draw a figure as gif" in bad.stderr
    empty = run("figure", tmp_path / "e.png", TEN, "--start", "2030")
    assert empty.exit_code == 5 and not (tmp_path / "e.png").exists()
    plot = tmp_path / "months.svg"
    stats = run("stats", TEN, "--by", "month", "--plot", plot)
    assert stats.exit_code == 0, stats.output
    assert stats.stdout.splitlines()[-2].split() == ["total", "10", "13", "7"]
    assert f"{plot}: month counts of 10 incidents" in stats.stderr
    assert plot.read_text(encoding="utf-8").startswith("<?xml")


def test_a_figure_does_not_import_folium(tmp_path):
    """The figures share the map's rules (symbols, colours) but not its folium (a second)."""
    import subprocess
    import sys

    code = (
        "import sys, geoevents\n"
        "from geoevents.figures import figure\n"
        f"figure(geoevents.load({str(TEN)!r}), {str(tmp_path / 'a.png')!r}, dpi=20)\n"
        "assert 'folium' not in sys.modules, 'folium was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_categories_and_place_labels_by_distinct_value():
    import geopandas as gpd
    import pandas as pd

    from geoevents.figures.labels import label_places
    from geoevents.figures.style import category_codes

    gdf = gpd.GeoDataFrame(
        {
            "event_type": ["Riots", None, "Battles", "", "Riots", "Battles"],
            "actor": ["b", "a", None, "a", 5, "b"],
            "tags": [["x"], [], ["y"], ["x"], [], []],
            "location": ["Mosul", "  ", "Erbil", "Erbil", None, "Mosul"],
        },
        geometry=gpd.points_from_xy([1, 2, 3, 4, 5, 6], [0, 0, 0, 0, 0, 0]),
    )
    codes, order = category_codes(gdf, "event_type")
    assert order == ["Battles", "Riots", "(unknown)"]  # ACLED's order, the unknown last
    assert [order[c] for c in codes] == [
        "Riots", "(unknown)", "Battles", "(unknown)", "Riots", "Battles",
    ]  # fmt: skip
    codes, order = category_codes(gdf, "actor")
    assert order == ["a", "b", "(unknown)"]
    assert [order[c] for c in codes] == ["b", "a", "(unknown)", "a", "(unknown)", "b"]
    codes, order = category_codes(gdf, "tags")  # lists are no category
    assert order == ["(unknown)"] and codes.tolist() == [0] * 6
    # Most incidents first, ties by name; each at its first point; blank names left out.
    assert label_places(gdf) == [("Erbil", 3.0, 0.0), ("Mosul", 1.0, 0.0)]
    assert label_places(gdf.assign(location=pd.Series([None] * 6, dtype=object))) == []

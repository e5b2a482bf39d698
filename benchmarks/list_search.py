"""Time the incident list and the search box of a map in headless Chromium (issue 11).

Usage::

    python benchmarks/generate.py 1000000 --formats parquet
    geoevents map benchmarks/data/incidents-1000000-seed42.parquet -o /tmp/m.html --tiles none
    python benchmarks/list_search.py /tmp/m.html [--width 1280 --height 800]

It opens the map from ``file://`` (every http(s) request fails: Chromium is pointed at a proxy
that does not exist), waits until it is drawn and the list is filled, then measures in the page:

list ready
    From the map being drawn to the list's first rows (the text columns decoded, the date
    order computed, the shown rows collected).
sort
    ``sortBy`` for each key: the first call computes that key's order over every row; the
    second (the other direction) reuses it. Each time includes rebuilding the shown rows and
    drawing the rows in view.
scroll frames
    The list scrolled by 50 rows, 100 times, one step per animation frame: the time between
    consecutive frames (median, 95th percentile, worst), and the frame rate it amounts to.
search keystroke
    Typing a word one letter at a time (an ``input`` event each): the handler's time per
    keystroke. The first one builds the search index (folding every distinct value once).
toggle
    A category switched off and on again through the page API: the mask, the drawer, the
    counts and the list's shown rows, until the next frame.
"""

from __future__ import annotations

import json
import os
import time

from pagebench import (  # this folder is on sys.path when the script runs
    LISTED_JS,
    map_arguments,
    opened_map,
)

MEASURE_JS = """async () => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => r(performance.now())));
    const page = Object.values(geoevents.maps)[0];
    const out = {shown: geoevents.visible().length, rows: page.count};
    const scroller = document.querySelector(".ge-list-scroll");
    out.sort = {};
    for (const [key, up] of [["date", true], ["date", false], ["fatalities", false],
                             ["fatalities", true], ["title", true], ["title", false]]) {
        const t0 = performance.now();
        geoevents.sortBy(key, up);
        out.sort[key + (up ? " asc" : " desc")] = performance.now() - t0;
        await frame();
    }
    geoevents.sortBy("date", false);
    await frame();
    const gaps = [];
    let last = await frame();
    for (let k = 0; k < 100; k++) {
        scroller.scrollTop += 50 * geoevents.LIST_ROW_HEIGHT;
        const now = await frame();
        gaps.push(now - last);
        last = now;
    }
    gaps.sort((a, b) => a - b);
    out.scroll = {median: gaps[50], p95: gaps[95], worst: gaps[99],
                  fps: 1000 / (gaps.reduce((a, b) => a + b, 0) / gaps.length)};
    const input = document.querySelector(".ge-search-input");
    const f0 = performance.now();
    input.focus();
    out.searchIndex = performance.now() - f0;
    out.search = [];
    for (const word of ["kirkuk", "battle", "irq12"]) {
        input.value = "";
        for (let k = 1; k <= word.length; k++) {
            input.value = word.slice(0, k);
            const t0 = performance.now();
            input.dispatchEvent(new Event("input", {bubbles: true}));
            out.search.push([input.value, performance.now() - t0,
                             document.querySelectorAll(".ge-search-result").length]);
        }
    }
    const name = Object.keys(geoevents.counts())[0];
    const t0 = performance.now();
    geoevents.toggle(name, false);
    await frame();
    const t1 = performance.now();
    geoevents.toggle(name, true);
    await frame();
    out.toggle = [t1 - t0, performance.now() - t1];
    return out;
}"""


def main(argv: list[str] | None = None) -> int:
    """Measure one map and print the figures (and JSON with --json)."""
    args = map_arguments(__doc__).parse_args(argv)
    with opened_map(args.map, args.width, args.height) as (_, page, drawn):
        listing = time.perf_counter()
        page.wait_for_function(LISTED_JS, timeout=300_000)
        filled = time.perf_counter() - listing
        figures = page.evaluate(MEASURE_JS)
    figures["drawn_s"] = drawn
    figures["list_ready_s"] = filled
    if args.json:
        print(json.dumps(figures, indent=2))
    load = os.getloadavg()
    print(f"{figures['rows']} incidents, {figures['shown']} shown; load average {load[0]:.2f}")
    print(
        f"drawn {figures['drawn_s']:.2f} s after navigation; "
        f"list filled {figures['list_ready_s']:.2f} s later"
    )
    for key, ms in figures["sort"].items():
        print(f"sort {key}: {ms:.0f} ms")
    s = figures["scroll"]
    print(
        f"scroll 100 x 50 rows: frame median {s['median']:.1f} ms, p95 {s['p95']:.1f} ms, "
        f"worst {s['worst']:.1f} ms ({s['fps']:.0f} fps)"
    )
    print(f"search index (built when the box gets the focus): {figures['searchIndex']:.0f} ms")
    for text, ms, count in figures["search"]:
        print(f"search {text!r}: {ms:.1f} ms, {count} results")
    off, on = figures["toggle"]
    print(f"toggle off {off:.0f} ms, on {on:.0f} ms (to the next frame)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Time the hexagon view's recount in headless Chromium: each filter or timeline change (issue 17).

Usage::

    python benchmarks/generate.py 1000000 --formats parquet
    geoevents map benchmarks/data/incidents-1000000-seed42.parquet -o /tmp/hex.html \\
        --tiles none --timeline --view hex
    python benchmarks/hexview.py /tmp/hex.html [--width 1280 --height 800]

It opens the map from ``file://`` (every http(s) request fails: Chromium is pointed at a proxy
that does not exist), waits until it is drawn and the text is decoded, then, for each of a
series of changes (timeline steps of a month and of a year, a type filter, a category toggle,
each colouring), measures in the page:

count
    The hexagon view's own recount after the mask changed: the window and the previous window,
    the shown incidents, their deaths and the previous window's incidents per cell, with typed
    arrays (``page.hexTiming.count``).
draw
    Drawing the cells in view and relabelling the box (``page.hexTiming.draw``).
countries
    The change per country for the box's table, computed in the task after the change
    (``page.hexTiming.countries``).
change
    The whole change, from the API call to the next frame: the store's mask, the list, the
    counts, the hexagons.
"""

from __future__ import annotations

import json
import os

from pagebench import (  # this folder is on sys.path when the script runs
    LISTED_JS,
    map_arguments,
    opened_map,
)

MEASURE_JS = """async () => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => r(performance.now())));
    const page = Object.values(geoevents.maps)[0];
    const out = {rows: page.count, view: geoevents.view(), resolution: geoevents.hexResolution(),
                 steps: []};
    const step = async (label, act) => {
        const t0 = performance.now();
        await act();
        const t1 = await frame();
        await new Promise((r) => setTimeout(r, 50));  // the table per country, a task later
        out.steps.push({label, change: t1 - t0, count: page.hexTiming.count,
                        draw: page.hexTiming.draw, countries: page.hexTiming.countries,
                        shown: page.store.shown,
                        cells: geoevents.hexes().length});
    };
    for (const [label, range] of [["timeline 2019-01", ["2019-01-01", "2019-01-31"]],
                                  ["timeline 2019-02", ["2019-02-01", "2019-02-28"]],
                                  ["timeline 2020", ["2020-01-01", "2020-12-31"]],
                                  ["timeline 2021", ["2021-01-01", "2021-12-31"]]]) {
        await step(label, () => geoevents.timeRange(range));
    }
    await step("filter type Battles", () => geoevents.filter({types: ["Battles"]}));
    await step("filter cleared", () => geoevents.clearFilters());
    const name = Object.keys(geoevents.counts())[1];
    await step("toggle off " + name, () => geoevents.toggle(name, false));
    await step("toggle on " + name, () => geoevents.toggle(name, true));
    await step("timeline 2022-06", () => geoevents.timeRange(["2022-06-01", "2022-06-30"]));
    for (const mode of ["deaths", "change", "count"]) {
        const t0 = performance.now();
        geoevents.hexColour(mode);
        out.steps.push({label: "colour by " + mode, change: (await frame()) - t0});
    }
    return out;
}"""


def main(argv: list[str] | None = None) -> int:
    """Measure one map and print the figures (and JSON with --json)."""
    args = map_arguments(__doc__).parse_args(argv)
    with opened_map(args.map, args.width, args.height) as (_, page, drawn):
        page.wait_for_function(LISTED_JS, timeout=300_000)
        page.evaluate("geoevents.view('hex')")
        figures = page.evaluate(MEASURE_JS)
    figures["drawn_s"] = drawn
    if args.json:
        print(json.dumps(figures, indent=2))
    load = os.getloadavg()
    print(
        f"{figures['rows']} incidents, view {figures['view']}, H3 resolution "
        f"{figures['resolution']}; drawn {figures['drawn_s']:.1f} s after navigation; "
        f"load average {load[0]:.2f}"
    )
    for s in figures["steps"]:
        if "count" in s:
            print(
                f"{s['label']}: hexagons counted in {s['count']:.0f} ms, drawn in "
                f"{s['draw']:.0f} ms, per country {s['countries']:.0f} ms; the whole change "
                f"{s['change']:.0f} ms to the next frame ({s['shown']} shown, {s['cells']} cells)"
            )
        else:
            print(f"{s['label']}: {s['change']:.0f} ms to the next frame")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Time the map's time control (histogram, brush, playback) in headless Chromium (issue 12).

Usage::

    python benchmarks/generate.py 1000000 --formats parquet
    geoevents map benchmarks/data/incidents-1000000-seed42.parquet --timeline -o /tmp/m.html \
        --tiles none
    python benchmarks/time_control.py /tmp/m.html [--width 1280 --height 800 --steps 10]

It opens the map from ``file://`` (every http(s) request fails: Chromium is pointed at a proxy
that does not exist), waits until it is drawn, then measures in the page:

histogram recount + draw
    What a change of the bars' inputs (a toggle, a filter) costs the histogram itself: one
    pass that finds the rows shown if the range is left out and counts them per bin and
    category, then drawing the bars, ticks and brush. Median of ``--steps`` runs.
unit, first use
    Switching the bars to a unit not used before: each row's period in that unit is computed
    once (one pass), then the recount and the draw.
toggle
    A category switched off through the page API until the end of the next animation frame:
    the mask, the drawer, the counts, the list, the histogram's recount and draw.
playback step
    ``geoevents.step(1)`` with a week and with a month window (the zoom showing about a year)
    until the end of the next animation frame: the mask, the drawer, the list, the brush and
    the labels (the bars are not recounted). Median and worst of ``--steps`` steps.
"""

from __future__ import annotations

import json
import os

from pagebench import map_arguments, opened_map  # this folder is on sys.path when the script runs

MEASURE_JS = """async (steps) => {
    const afterFrame = () => new Promise((resolve) => requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(performance.now());
        channel.port2.postMessage(null);
    }));
    const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const page = Object.values(geoevents.maps)[0];
    const tl = page.timeline;
    const store = page.store;
    const out = {rows: page.count, unit: tl.unit};
    await afterFrame();
    const recount = [];
    for (let k = 0; k < steps; k++) {
        const t0 = performance.now();
        tl.counts = geoevents.countShown(store, tl.bins, tl.base, tl.counts, tl.imprecise);
        tl.draw();
        recount.push(performance.now() - t0);
    }
    out.recount = {median: median(recount), worst: Math.max(...recount)};
    let t0 = performance.now();
    geoevents.histogram({unit: "month"});
    out.unitFirstUse = performance.now() - t0;
    t0 = performance.now();
    geoevents.histogram({unit: "week"});
    out.unitFirstUseWeek = performance.now() - t0;
    geoevents.histogram({unit: "auto"});
    const name = Object.keys(geoevents.counts())[0];
    await afterFrame();
    t0 = performance.now();
    geoevents.toggle(name, false);
    const toggleHandler = performance.now() - t0;
    out.toggle = [(await afterFrame()) - t0, toggleHandler];
    geoevents.toggle(name, true);
    await afterFrame();
    out.step = {};
    for (const window of ["week", "month"]) {
        geoevents.playback({window: window});
        geoevents.timeRange(["2019-01-01", "2019-01-01"]);
        geoevents.playback({window: window});
        geoevents.histogram({view: ["2019-01-01", "2019-12-31"]});
        await afterFrame();
        const times = [];
        const handler = [];
        let shown = 0;
        for (let k = 0; k < steps; k++) {
            const s0 = performance.now();
            geoevents.step(1);
            handler.push(performance.now() - s0);
            times.push((await afterFrame()) - s0);
            shown += store.shown;
        }
        out.step[window] = {median: median(times), worst: Math.max(...times),
                            handler: median(handler), shown: Math.round(shown / steps)};
    }
    return out;
}"""


def main(argv: list[str] | None = None) -> int:
    """Measure one map and print the figures (and JSON with --json)."""
    parser = map_arguments(__doc__)
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args(argv)
    with opened_map(args.map, args.width, args.height) as (_, page, drawn):
        figures = page.evaluate(MEASURE_JS, args.steps)
    figures["drawn_s"] = drawn
    if args.json:
        print(json.dumps(figures, indent=2))
    load = os.getloadavg()
    print(f"{figures['rows']} incidents; load average {load[0]:.2f}; drawn after {drawn:.1f} s")
    r = figures["recount"]
    print(
        f"histogram recount + draw ({figures['unit']}): median {r['median']:.1f} ms, "
        f"worst {r['worst']:.1f} ms"
    )
    print(
        f"unit first use: month {figures['unitFirstUse']:.0f} ms, "
        f"week {figures['unitFirstUseWeek']:.0f} ms"
    )
    total, handler = figures["toggle"]
    print(f"toggle: {total:.0f} ms to the next frame ({handler:.0f} ms in the handler)")
    for window, s in figures["step"].items():
        print(
            f"playback step ({window} window, ~{s['shown']} shown): median {s['median']:.0f} ms, "
            f"worst {s['worst']:.0f} ms to the next frame ({s['handler']:.0f} ms in the handler)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

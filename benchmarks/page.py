"""Time what an analyst does on a large map in headless Chromium (issue 11's performance targets).

Usage::

    python benchmarks/generate.py 1000000 --formats parquet
    geoevents map benchmarks/data/incidents-1000000-seed42.parquet -o /tmp/m.html \\
        --timeline --tiles none
    python benchmarks/page.py /tmp/m.html [--width 1280 --height 800] [--repeat 5] [--json]

It opens the map from ``file://`` (every http(s) request fails: Chromium is pointed at a proxy
that does not exist) and measures in the page, with ``performance.now()``:

ready
    From navigation to ``<html data-geoevents-ready="true">`` (the map drawn, the permalink
    restored), and on to the list being filled.
CPU (with --cpu)
    Each action again, traced by Chromium: the CPU time of the page's main thread from the
    call to the end of the next frame (a phrase filter and "clear all" after a pan while
    filtered among them). On a loaded machine wall times grow; this grows less.
toggle, timeline step, filter change
    The call through the page API until the next animation frame (the mask, the drawing, the
    counts, the list and every other listener), the median and the worst of ``--repeat``
    runs; and where that time went: the mask (``store.recompute``), the projection of the
    shown incidents (``page.project``), each change listener, and the drawing (the rest).
at()
    The first call after a change (it builds the hit grid of the incidents in view) and the
    next ones (they read it), at incidents in view.
word index
    When, after navigation, the summaries' word index and their upper-cased chunks (built
    while the page is idle once the text is decoded) are ready; every timed run waits for them.
open(id)
    The first call (no id index yet) and later ones, for ids of rows spread over the store.
scroll
    The list sorted by date, then, a second later (the earlier actions' idle work and garbage
    collection done), scrolled by 50 rows, 100 times, one step per animation frame: the time
    between frames (median, 95th percentile, worst) and the frame rate.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from typing import Any

from pagebench import (  # this folder is on sys.path when the script runs
    LISTED_JS,
    map_arguments,
    opened_map,
)

INSTRUMENT_JS = """() => {
    const page = Object.values(geoevents.maps)[0];
    const store = page.store;
    const spent = (window.__spent = {});
    const wrap = (owner, name, label) => {
        const inner = owner[name];
        owner[name] = function () {
            const t0 = performance.now();
            try { return inner.apply(this, arguments); }
            finally { spent[label] = (spent[label] || 0) + performance.now() - t0; }
        };
    };
    wrap(store, "recompute", "mask");
    wrap(page, "project", "project");
    wrap(page, "update", "update");
    page.listeners.forEach((fn, k) => {
        page.listeners[k] = function () {
            const t0 = performance.now();
            try { return fn.apply(this, arguments); }
            finally {
                const label = "listener " + k + " " + (fn.name || "anonymous");
                spent[label] = (spent[label] || 0) + performance.now() - t0;
            }
        };
    });
    return page.listeners.length;
}"""

ACTIONS_JS = """async (repeat) => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => r(performance.now())));
    const page = Object.values(geoevents.maps)[0];
    const spent = window.__spent;
    const reset = () => { for (const key of Object.keys(spent)) delete spent[key]; };
    const names = Object.keys(geoevents.counts());
    const out = {shown: page.visibleCount(), rows: page.count};
    async function timed(label, action) {
        const runs = [];
        for (let k = 0; k < repeat; k++) {
            await frame();
            reset();
            const t0 = performance.now();
            await action(k);
            const t1 = performance.now();
            await frame();
            const total = performance.now() - t0;
            runs.push({call: t1 - t0, total: total, parts: Object.assign({}, spent)});
        }
        out[label] = runs;
    }
    // Off, then on again: each category in turn.
    await timed("toggle", (k) => geoevents.toggle(names[(k >> 1) % names.length], k % 2 === 1));
    names.forEach((name) => geoevents.toggle(name, true));
    const years = ["2018", "2019", "2020", "2021", "2022", "2023"];
    await timed("timeline step",
                (k) => geoevents.timeRange([years[k % 6] + "-01-01", years[k % 6] + "-06-30"]));
    geoevents.timeRange(null);
    const types = ["Battles", "Protests", "Riots", "Violence against civilians",
                   "Explosions/Remote violence"];
    await timed("filter change", (k) => geoevents.filter({types: [types[k % types.length]]}));
    await timed("filter change (fatalities)", (k) => geoevents.filter({min_fatalities: k + 1}));
    const words = ["attack", "clash", "market", "road", "village"];
    await timed("filter change (text)", (k) => geoevents.filter({text: words[k % 5]}));
    geoevents.clearFilters();
    await frame();
    // at(): the first call right after a change builds the grid of the incidents in view;
    // once the page is idle the grid is built (as before a click).
    const store = page.store;
    const map = page.map;
    const bounds = map.getBounds();
    const inView = [];
    for (let i = 0; i < store.n && inView.length < 50; i += 9973) {
        if (store.mask[i] && bounds.contains([store.lat[i], store.lon[i]])) inView.push(i);
    }
    out.at = [];
    for (let k = 0; k < Math.min(repeat, inView.length); k++) {
        geoevents.toggle(names[0], false);
        geoevents.toggle(names[0], true);
        const row = inView[k];
        const t0 = performance.now();
        const first = geoevents.at(store.lat[row], store.lon[row]);
        const t1 = performance.now();
        const again = geoevents.at(store.lat[inView[k + 1]], store.lon[inView[k + 1]]);
        const t2 = performance.now();
        geoevents.toggle(names[0], false);
        geoevents.toggle(names[0], true);
        await frame();
        await new Promise((r) => setTimeout(r, 300));
        const t3 = performance.now();
        const settled = geoevents.at(store.lat[inView[k + 2]], store.lon[inView[k + 2]]);
        const t4 = performance.now();
        out.at.push({first: t1 - t0, next: t2 - t1, settled: t4 - t3,
                     found: [first.length, again.length, settled.length]});
    }
    // open(id): ids spread over the store; the first builds nothing up front.
    const ids = [];
    for (let i = store.n - 1; i >= 0 && ids.length < 12; i -= Math.floor(store.n / 12) + 1) {
        if (store.mask[i]) ids.push(store.id(i));
    }
    out.rowOf = [];
    for (const id of ids) {
        const t0 = performance.now();
        store.rowOf(id);
        out.rowOf.push(performance.now() - t0);
    }
    out.open = [];
    for (const id of ids) {
        const t0 = performance.now();
        await geoevents.open(id);
        out.open.push(performance.now() - t0);
    }
    map.closePopup();
    // The list: scroll 100 steps of 50 rows, one per frame, once the work the actions above
    // left for later (idle tasks, the collection of their garbage) is done, as when a person
    // turns from the map to the list: a frame of that work is not the scroll's.
    const scroller = document.querySelector(".ge-list-scroll");
    geoevents.sortBy("date", false);
    await new Promise((r) => setTimeout(r, 1000));
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
    return out;
}"""


#: One action through the page API, until the next frame (for the CPU-time measurement).
ACTION_JS = {
    "toggle off": "(n) => geoevents.toggle(Object.keys(geoevents.counts())[n % 5], false)",
    "toggle on": "(n) => geoevents.toggle(Object.keys(geoevents.counts())[n % 5], true)",
    "timeline step": "(n) => geoevents.timeRange([(2018 + n % 6) + '-01-01', "
    "(2018 + n % 6) + '-06-30'])",
    "timeline cleared": "(n) => geoevents.timeRange(null)",
    "filter (type)": "(n) => geoevents.filter({types: ['Battles', 'Protests', 'Riots'][n % 3]})",
    "filter (fatalities)": "(n) => geoevents.filter({min_fatalities: n + 1})",
    "filter (text)": "(n) => geoevents.filter({text: ['attack', 'clash', 'market'][n % 3]})",
    "filter (phrase)": "(n) => geoevents.filter({text: ['front line', 'looted shops', "
    "'2021-04-05'][n % 3]})",
    "filters cleared": "(n) => geoevents.clearFilters()",
    "filters cleared after a pan": "(n) => geoevents.clearFilters()",
}
#: Run before an action, outside its trace: "clear all" after the map moved while filtered
#: (what the projection and the stamps kept for the unfiltered view no longer applies).
SETUP_JS = {
    "filters cleared after a pan": "async (n) => { geoevents.filter({types: ['Battles']}); "
    "Object.values(geoevents.maps)[0].map.panBy([n % 2 ? 60 : -60, 0], {animate: false}); "
    "await new Promise((r) => setTimeout(r, 1500)); }",
}
WORD_INDEX_JS = """() => {
    const column = Object.values(geoevents.maps)[0].store.column("summary");
    const index = column && column.wordIndex ? column.wordIndex() : null;
    // (A map made before the chunks, textscan.js, has no textChunks: its index alone.)
    const chunks = column && column.textChunks ? column.textChunks() : { ready: true };
    return index === null || (index.ready && (index.failed || (chunks !== null && chunks.ready)));
}"""
FRAME_JS = "() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))"


def main_thread_cpu_ms(trace: bytes) -> float:
    """CPU time of the renderer's main thread in a trace: the sum of its top-level tasks."""
    events = json.loads(trace)
    events = events.get("traceEvents", events) if isinstance(events, dict) else events
    main = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("name") == "thread_name" and e.get("args", {}).get("name") == "CrRendererMain"
    }
    return sum(
        e.get("tdur", e.get("dur", 0)) / 1000
        for e in events
        if e.get("name") in ("RunTask", "ThreadControllerImpl::RunTask")
        and e.get("ph") == "X"
        and (e["pid"], e["tid"]) in main
    )


def cpu_times(browser: Any, page: Any, repeat: int) -> dict[str, list[float]]:
    """Each action's main-thread CPU time (from Chromium's tracing: what it costs an idle core)."""
    out: dict[str, list[float]] = {}
    for n in range(repeat):
        for label, script in ACTION_JS.items():
            if label in SETUP_JS:
                page.evaluate(f"async () => {{ await ({SETUP_JS[label]})({n}); }}")
            page.evaluate(FRAME_JS)
            browser.start_tracing(page=page, categories=["toplevel", "devtools.timeline"])
            page.evaluate(f"async () => {{ await ({script})({n}); }}")
            page.evaluate(FRAME_JS)
            out.setdefault(label, []).append(main_thread_cpu_ms(browser.stop_tracing()))
    return out


def summary(runs: list[dict]) -> str:
    """Median and worst to the next frame, and the median parts."""
    totals = [run["total"] for run in runs]
    parts: dict[str, list[float]] = {}
    for run in runs:
        for key, ms in run["parts"].items():
            parts.setdefault(key, []).append(ms)
    shown = ", ".join(
        f"{key} {statistics.median(values):.0f}" for key, values in sorted(parts.items())
    )
    return (
        f"median {statistics.median(totals):.0f} ms, worst {max(totals):.0f} ms "
        f"to the next frame (call {statistics.median(r['call'] for r in runs):.0f} ms; {shown})"
    )


def main(argv: list[str] | None = None) -> int:
    """Measure one map and print the figures (and JSON with --json)."""
    parser = map_arguments(__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="also each action's CPU time on the page's main thread (Chromium tracing)",
    )
    args = parser.parse_args(argv)
    with opened_map(args.map, args.width, args.height) as (browser, page, ready):
        listing = time.perf_counter()
        page.wait_for_function(LISTED_JS, timeout=300_000)
        listed = ready + time.perf_counter() - listing
        # The summaries' word index is made while the page is idle once the text is decoded:
        # the timed runs measure the filters once it is there (before, a filter scans).
        indexed = time.perf_counter()
        page.wait_for_function(WORD_INDEX_JS, timeout=120_000)
        word_index_s = listed + time.perf_counter() - indexed
        page.evaluate(INSTRUMENT_JS)
        figures = page.evaluate(ACTIONS_JS, args.repeat)
        figures["word_index_s"] = word_index_s
        figures["cpu"] = cpu_times(browser, page, args.repeat) if args.cpu else {}
    figures["ready_s"] = ready
    figures["listed_s"] = listed
    if args.json:
        print(json.dumps(figures, indent=2))
    load = os.getloadavg()
    print(f"{figures['rows']} incidents, {figures['shown']} shown; load average {load[0]:.2f}")
    print(f"ready {ready:.2f} s after navigation; list filled at {listed:.2f} s")
    ready_s = figures["word_index_s"]
    print(f"summaries' word index and chunks ready {ready_s:.1f} s after navigation")
    for label in (
        "toggle",
        "timeline step",
        "filter change",
        "filter change (fatalities)",
        "filter change (text)",
    ):
        print(f"{label}: {summary(figures[label])}")
    at = figures["at"]
    if at:
        print(
            f"at(): first after a change {statistics.median(a['first'] for a in at):.1f} ms "
            f"(worst {max(a['first'] for a in at):.1f}), next "
            f"{statistics.median(a['next'] for a in at):.2f} ms, once the page is idle "
            f"{statistics.median(a['settled'] for a in at):.2f} ms "
            f"(worst {max(a['settled'] for a in at):.2f}; ids found: "
            f"{', '.join(str(a['found']) for a in at)})"
        )
    looked = figures["rowOf"]
    print(
        f"store.rowOf(id): first {looked[0]:.1f} ms, then "
        + ", ".join(f"{ms:.1f}" for ms in looked[1:])
        + " ms"
    )
    opened = figures["open"]
    print(
        f"open(id): first {opened[0]:.0f} ms, then median "
        f"{statistics.median(opened[1:]):.0f} ms (worst {max(opened[1:]):.0f})"
    )
    for label, runs in figures["cpu"].items():
        print(
            f"CPU {label}: median {statistics.median(runs):.0f} ms, "
            f"worst {max(runs):.0f} ms (main thread, the action and its frame)"
        )
    s = figures["scroll"]
    print(
        f"scroll 100 x 50 rows: frame median {s['median']:.1f} ms, p95 {s['p95']:.1f} ms, "
        f"worst {s['worst']:.1f} ms ({s['fps']:.0f} fps)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

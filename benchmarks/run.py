"""Benchmark ``geoevents map`` against plain folium (and lonboard / kepler.gl when installed).

Usage::

    python benchmarks/run.py --sizes 1000,10000,100000 [--tools geoevents,folium-geojson,...]
                             [--shapes clean,dirty] [--timeout 180] [--no-browser] [--seed 42]

For each size (smallest first) and data shape (``clean``: validates with no warning;
``dirty``: most rows draw a plausibility warning and 1 % are invalid, mapped with
``--skip-invalid``) the runner generates the incidents once (``generate.py``, cached under
``benchmarks/data/``), then, on the same files, builds each tool's map in its own
subprocess and opens it in headless Chromium. It prints one Markdown table and writes it, with
the machine and the command, to ``benchmarks/results/latest.md`` (raw numbers in
``latest.json``; the maps and each run's log are kept next to them).

What is measured (docs/benchmarks.md says the same, with the results):

wall s
    From starting the tool's process to its exit (interpreter start, imports, reading,
    validation, rendering, writing), measured by this process.
cpu s
    The process's user + system CPU time (``ru_utime + ru_stime`` from ``wait4``, its children
    included when it waited for them): on a shared machine under load, wall time stretches
    and this does not, so it says what the work itself costs.
peak RSS MB
    The process's ``ru_maxrss`` as the kernel reports it when the process is reaped
    (``os.wait4``): the true high-water mark, not a sample. MB = 10^6 bytes.
HTML MB
    The size of the written file.
draw s
    From navigation start (``performance.timeOrigin``) of the ``file://`` page to the end of
    the first animation frame in which (a) the document has finished loading and (b) the
    tool's incidents are in the DOM: geoevents sets ``<html data-geoevents-ready="true">``
    after drawing every incident; for folium GeoJson, the marker pane holds one marker per
    incident and the last marker's icon has loaded; for FastMarkerCluster, the marker pane
    holds at least one cluster or marker (the plugin builds its whole cluster tree before it
    draws the first one). The end of the frame is taken as the moment a message posted from
    that frame's ``requestAnimationFrame`` callback is delivered, i.e. after style, layout
    and paint of that frame.
timeline-step ms
    geoevents maps only (built with ``--timeline``): the median of five steps of the "first
    date shown" handle, one day each, from setting the input's value and dispatching its
    ``input`` event to the end of the next animation frame (as above). Peers have no
    timeline: n/a.
geoevents ratio
    geoevents' value divided by the peer's, per metric, on the same size and data (geoevents
    from the same format as the peer when it ran, else from GeoJSON, else GeoParquet): below 1
    means geoevents is faster / smaller. lonboard is run from the GeoJSON (up to
    ``--geojson-max``) and from the GeoParquet, side by side with geoevents.

Every http(s) request of the page fails (Chromium is pointed at a proxy that does not exist).
folium's pages load Leaflet and MarkerCluster from CDNs, so the page that is drawn is a copy
whose links to those files point at the XStatic copies installed with geoevents, the same files
geoevents inlines (MarkerCluster 1.4.1 where folium asks for 1.1.0); Leaflet's marker images come
from the same folder. jQuery, Bootstrap and Font Awesome stay blocked: they draw nothing here.
lonboard and kepler.gl pages load their code from CDNs (jsdelivr, unpkg, esm.sh) that cannot be
substituted offline, so they are built and measured but not drawn.

geoevents' modules are compiled to bytecode before the first run (``compileall``), as pip
compiles an installed package's: run from a checkout where ``PYTHONDONTWRITEBYTECODE`` is set,
every run would compile them again (0.1 s of each run), which no installed peer pays.

A run that exceeds ``--timeout`` is killed and reported as a timeout; a tool that timed out or
failed at one size is skipped at the larger ones (and the same for drawing).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import shlex
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from geoevents.io.digest import file_sha256
from geoevents.testing.chromium import CHROMIUM, OFFLINE_ARGS

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
RESULTS = HERE / "results"
VIEWPORT = {"width": 1200, "height": 800}
TIMELINE_STEPS = 5
#: How long a page that has thrown an uncaught error may still take to draw.
ERROR_GRACE_S = 10

TOOLS = ("geoevents", "folium-geojson", "folium-fastmarkercluster", "lonboard", "kepler")
#: Python package each optional peer needs.
PEER_PACKAGES = {"lonboard": "lonboard", "kepler": "keplergl"}
LABELS = {
    "geoevents:geojson": "geoevents (GeoJSON)",
    "geoevents:parquet": "geoevents (GeoParquet)",
    "folium-geojson": "folium GeoJson",
    "folium-fastmarkercluster": "folium FastMarkerCluster",
    "lonboard": "lonboard (GeoJSON)",
    "lonboard:parquet": "lonboard (GeoParquet)",
    "kepler": "kepler.gl",
}
SHAPES = ("clean", "dirty")
#: Pages that load their own code from CDNs we cannot stand in for: built, never drawn.
NEEDS_CDN = {
    "lonboard": "lonboard's page loads require.js and @jupyter-widgets/html-manager from CDNs",
    "kepler": "kepler.gl's page loads kepler.gl, React and MapLibre from unpkg / esm.sh",
}

# Runs in every page before its own scripts: watches, frame by frame, for the moment the
# incidents are drawn. __CONDITION__ is replaced by the tool's test (a JS expression).
WATCH_JS = """
(function () {
  var bench = (window.__bench = { drawn: null });
  function drawn() {
    try {
      return document.readyState === "complete" && Boolean(__CONDITION__);
    } catch (e) {
      return false;
    }
  }
  function frame() {
    if (drawn()) {
      // Delivered after this frame's style, layout and paint.
      var channel = new MessageChannel();
      channel.port1.onmessage = function () {
        bench.drawn = performance.now();
      };
      channel.port2.postMessage(null);
    } else {
      requestAnimationFrame(frame);
    }
  }
  requestAnimationFrame(frame);
})();
"""

CONDITIONS = {
    "geoevents": 'document.documentElement.dataset.geoeventsReady === "true"',
    "folium-geojson": (
        '(function () { var p = document.querySelector(".leaflet-marker-pane");'
        " return p && p.childElementCount >= __COUNT__ && p.lastElementChild.complete; })()"
    ),
    "folium-fastmarkercluster": (
        '(function () { var p = document.querySelector(".leaflet-marker-pane");'
        " return p && p.childElementCount > 0; })()"
    ),
}

STEP_JS = """
async (steps) => {
  // The time control's "first date shown" handle; ArrowRight moves it by one day.
  const input = document.querySelector(".ge-timeline .ge-range-input");
  const counter = document.querySelector(".ge-visible-count");
  if (!input) return null;
  const afterFrame = () =>
    new Promise((resolve) =>
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(performance.now());
        channel.port2.postMessage(null);
      })
    );
  await afterFrame();
  const before = counter ? counter.textContent : null;
  const times = [];
  const handler = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
    handler.push(performance.now() - t0);
    times.push((await afterFrame()) - t0);
  }
  return { times, handler, before, after: counter ? counter.textContent : null };
}
"""


@dataclass
class Result:
    """One tool at one size: what it cost to build, and to draw."""

    size: int
    key: str
    label: str
    shape: str = "clean"
    source: str = ""
    status: str = "ok"
    wall_s: float | None = None
    cpu_s: float | None = None
    rss_mb: float | None = None
    html_mb: float | None = None
    html: str = ""
    draw: str = ""
    draw_s: float | None = None
    draw_timeout_s: float | None = None  # set when the page was not drawn within the timeout
    step: str = "n/a"
    step_ms: float | None = None
    step_times_ms: list[float] = field(default_factory=list)
    step_handler_ms: list[float] = field(default_factory=list)  # the input handler's own share
    counts: list[str | None] = field(default_factory=list)
    identical: bool | None = None
    blocked: int = 0  # http(s) requests the page made (all of them failed)
    page_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# -- running a tool ---------------------------------------------------------------------------


def run_measured(cmd: list[str], log: Path, timeout: float) -> tuple[str, float, float, float]:
    """Run ``cmd``; return (status, wall seconds, peak RSS in MB, CPU seconds) of its process.

    The process runs in its own session so that a timeout kills it and anything it started.
    Peak RSS is ``ru_maxrss`` from ``wait4`` (kilobytes on Linux).
    """
    with open(log, "wb") as out:
        began = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        timed_out = False
        try:
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.perf_counter() - began > timeout:
                    timed_out = True
                    os.killpg(proc.pid, signal.SIGKILL)
                    pid, status, usage = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.002)
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            raise
        wall = time.perf_counter() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    rss = usage.ru_maxrss * 1024 / 1e6
    cpu = usage.ru_utime + usage.ru_stime
    if timed_out:
        return f"timeout (>{timeout:g} s)", wall, rss, cpu
    if proc.returncode != 0:
        return f"failed (exit {proc.returncode}, see {log.relative_to(ROOT)})", wall, rss, cpu
    return "ok", wall, rss, cpu


def ensure_data(size: int, seed: int, fmt: str, shape: str = "clean") -> Path:
    """Generate (once) and return the incidents of ``size`` in ``fmt``."""
    cmd = [sys.executable, str(HERE / "generate.py"), str(size), "--seed", str(seed)]
    cmd += ["--formats", fmt, "--out", str(DATA), "--shape", shape]
    done = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True)
    for line in done.stderr.splitlines():
        say(f"  {line}")
    return Path(done.stdout.split()[-1])


def tool_command(tool: str, source: Path, out: Path, shape: str = "clean") -> list[str]:
    """The command that builds ``tool``'s map of ``source`` into ``out``."""
    if tool == "geoevents":
        cmd = [sys.executable, "-m", "geoevents", "map", str(source), "-o", str(out)]
        cmd += ["--tiles", "none", "--timeline"]
        # Dirty data has invalid rows: an analyst maps the rest.
        return cmd + (["--skip-invalid"] if shape == "dirty" else [])
    return [sys.executable, str(HERE / "peers.py"), tool, str(source), str(out)]


# -- drawing in Chromium ----------------------------------------------------------------------


def _local_copies() -> dict[str, str]:
    """folium's CDN URLs of Leaflet and MarkerCluster -> file URIs of the XStatic copies."""
    import xstatic.pkg.leaflet as leaflet
    import xstatic.pkg.leaflet_markercluster as cluster

    base, extra = Path(leaflet.BASE_DIR), Path(cluster.BASE_DIR)
    files = {name: (base / name).as_uri() for name in ("leaflet.js", "leaflet.css")}
    for name in ("leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"):
        files[name] = (extra / name).as_uri()
    return files


#: The CDN addresses folium writes for Leaflet and MarkerCluster (any version of the latter).
CDN_URL = re.compile(
    rb"https://cdn\.jsdelivr\.net/npm/leaflet@1\.9\.3/dist/(leaflet\.(?:js|css))"
    rb"|https://cdnjs\.cloudflare\.com/ajax/libs/leaflet\.markercluster/[^/\"']+/"
    rb"(leaflet\.markercluster\.js|MarkerCluster(?:\.Default)?\.css)"
)


def offline_copy(html: Path, out: Path) -> Path:
    """Write ``html`` with folium's Leaflet / MarkerCluster CDN links pointing at local copies.

    Only the page that is drawn is rewritten; the HTML size reported is the original's. Leaflet
    finds its marker images next to its CSS, so they come from the local copy too.
    """
    local = {k.encode(): v.encode() for k, v in _local_copies().items()}
    data = html.read_bytes()
    out.write_bytes(CDN_URL.sub(lambda m: local[m.group(1) or m.group(2)], data))
    return out


class Browser:
    """Headless Chromium through Playwright, launched afresh for each page.

    The network is cut by pointing Chromium at a proxy that does not exist, so every http(s)
    request fails; requests are recorded but not intercepted (interception through Playwright
    would turn Chromium's cache off and make a page with thousands of identical <img> fetch
    the image thousands of times through this process).
    """

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self._manager = sync_playwright()
        self.playwright = self._manager.start()
        self.version = ""

    def close(self) -> None:
        self._manager.__exit__(None, None, None)

    def measure(self, html: Path, condition: str, timeout: float, *, timeline: bool) -> dict:
        """Open ``html``; return when it was drawn (ms), the timeline steps, requests, errors."""
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        outcome: dict[str, Any] = {"requests": [], "errors": [], "crashed": False}
        browser = self.playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(OFFLINE_ARGS), headless=True
        )
        try:
            self.version = self.version or browser.version
            context = browser.new_context(viewport=VIEWPORT)
            context.add_init_script(script=WATCH_JS.replace("__CONDITION__", condition))
            page = context.new_page()
            page.on("request", lambda r: outcome["requests"].append(r.url))
            page.on("pageerror", lambda exc: outcome["errors"].append(str(exc)))
            page.on("crash", lambda _page: outcome.__setitem__("crashed", True))
            began = time.perf_counter()
            try:
                page.goto(html.resolve().as_uri(), wait_until="commit", timeout=timeout * 1000)
                outcome.update(self._wait_drawn(page, began, timeout, outcome["errors"]))
                if timeline and "drawn_ms" in outcome:
                    try:
                        outcome["timeline"] = self._timeline(page, timeout)
                    except PlaywrightTimeout:
                        outcome["timeline_status"] = f"timeout (>{timeout:g} s)"
            except PlaywrightTimeout:
                outcome["status"] = f"timeout (>{timeout:g} s)"
            except PlaywrightError as exc:
                if outcome["crashed"] or "crash" in str(exc).lower():
                    outcome["status"] = "page crashed"
                else:
                    outcome["status"] = f"error: {str(exc).splitlines()[0][:120]}"
        finally:
            with contextlib.suppress(PlaywrightError):
                browser.close()
        outcome["requests"] = [u for u in outcome["requests"] if re.match(r"https?://", u)]
        return outcome

    @staticmethod
    def _wait_drawn(page: Any, began: float, timeout: float, errors: list[str]) -> dict:
        """Wait for the watcher's mark; give up early once the page has failed with an error.

        Only ``wait_for_function`` (whose timeout Playwright enforces from outside) touches the
        page until it is drawn: ``evaluate`` would wait for as long as a busy page is busy.
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        failed_at = None
        while True:
            left = timeout - (time.perf_counter() - began)
            if left <= 0:
                return {"status": f"timeout (>{timeout:g} s)"}
            try:
                page.wait_for_function(
                    "window.__bench && window.__bench.drawn !== null",
                    timeout=min(left, 2.0) * 1000,
                    polling=100,
                )
                return {"drawn_ms": page.evaluate("window.__bench.drawn")}
            except PlaywrightTimeout:
                if errors:
                    failed_at = failed_at or time.perf_counter()
                    if time.perf_counter() - failed_at > ERROR_GRACE_S:
                        return {"status": "not drawn (page error)"}

    @staticmethod
    def _timeline(page: Any, timeout: float) -> dict | None:
        """Run STEP_JS in the page and wait for its result, within ``timeout``."""
        page.evaluate(
            f"(steps) => {{ window.__steps = null; ({STEP_JS})(steps).then("
            "(r) => { window.__steps = r || false; }); }",
            TIMELINE_STEPS,
        )
        page.wait_for_function("window.__steps !== null", timeout=timeout * 1000, polling=100)
        return page.evaluate("window.__steps") or None


# -- the table --------------------------------------------------------------------------------


def _num(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _ratio(ours: float | None, theirs: float | None) -> str | None:
    if ours is None or theirs is None or theirs <= 0:
        return None
    ratio = ours / theirs
    return f"{ratio:.2f}×" if ratio < 10 else f"{ratio:.0f}×"


def reference(results: list[Result], peer: Result) -> Result | None:
    """The geoevents row a peer is compared with: same size and data, same input if run."""
    fmt = "parquet" if peer.source.endswith(".parquet") else "geojson"
    same = [x for x in results if x.size == peer.size and x.shape == peer.shape]
    for key in (f"geoevents:{fmt}", "geoevents:geojson", "geoevents:parquet"):
        for x in same:
            if x.key == key and x.status == "ok":
                return x
    return None


def ratio_cell(ref: Result | None, peer: Result) -> str:
    if ref is None or ref is peer or peer.key.startswith("geoevents"):
        return ""
    parts = []
    for name, attr in (
        ("wall", "wall_s"),
        ("CPU", "cpu_s"),
        ("RSS", "rss_mb"),
        ("HTML", "html_mb"),
    ):
        if peer.status == "ok" and ref.status == "ok":
            ratio = _ratio(getattr(ref, attr), getattr(peer, attr))
            if ratio:
                parts.append(f"{name} {ratio}")
    ratio = _ratio(ref.draw_s, peer.draw_s)
    if ratio:
        parts.append(f"draw {ratio}")
    elif ref.draw_s is not None and peer.draw_timeout_s:
        # The peer was still not drawn when the wait ended: the ratio is at most this.
        parts.append(f"draw <{ref.draw_s / peer.draw_timeout_s:.2f}×")
    return " · ".join(parts) or "—"


def table(results: list[Result]) -> str:
    head = [
        "| size | data | tool | wall s | cpu s | peak RSS MB | HTML MB | draw s "
        "| timeline-step ms | geoevents ratio |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    rows = []
    for r in results:
        ref = reference(results, r)
        cpu = _num(r.cpu_s, 2)
        if r.status == "ok":
            wall, rss, html = _num(r.wall_s, 2), _num(r.rss_mb, 0), _num(r.html_mb, 2)
        else:
            wall, rss, html, cpu = r.status.split(" (see")[0], "", "", ""
        draw = _num(r.draw_s, 2) if r.draw_s is not None else r.draw
        step = _num(r.step_ms, 1) if r.step_ms is not None else r.step
        cells = [f"{r.size:,}", r.shape, r.label, wall, cpu, rss, html, draw, step]
        cells.append(ratio_cell(ref, r))
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(head + rows)


def footnotes(results: list[Result]) -> list[str]:
    """One line per distinct note of a tool, with the sizes it applies to."""
    sizes: dict[tuple[str, str], list[int]] = {}
    for r in results:
        for note in r.notes:
            sizes.setdefault((r.label, note), []).append(r.size)
    return [
        f"- {label} at {', '.join(f'{n:,}' for n in ns)}: {note}"
        for (label, note), ns in sizes.items()
    ]


LEGEND = (
    "geoevents ratio = geoevents' value ÷ the peer's at the same size and data (geoevents from "
    "the peer's input format, else GeoJSON, else GeoParquet): below 1 means geoevents is faster "
    "or smaller. draw s: from navigation start to the first painted frame with every incident "
    "in the DOM (see benchmarks/run.py)."
)


# -- the machine ------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    info: dict[str, Any] = {"cpus": os.cpu_count(), "usable_cpus": len(os.sched_getaffinity(0))}
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gib"] = round(int(line.split()[1]) / 2**20, 1)
    info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    info["os"] = platform.platform()
    info["python"] = platform.python_version()
    packages = {}
    for name in ("geoevents", "folium", "geopandas", "pyogrio", "pyarrow", "playwright"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            packages[name] = importlib.metadata.version(name)
    for name in PEER_PACKAGES.values():
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            packages[name] = importlib.metadata.version(name)
    info["packages"] = packages
    return info


def describe_machine(info: dict[str, Any]) -> list[str]:
    packages = ", ".join(f"{k} {v}" for k, v in info["packages"].items())
    return [
        f"- CPU: {info.get('cpu', '?')}, {info['usable_cpus']} usable of {info['cpus']} "
        f"logical CPUs; memory {info.get('memory_gib', '?')} GiB",
        f"- load average at start: {', '.join(map(str, info['load_average']))}",
        f"- {info.get('chromium', 'Chromium not used')}; {info['os']}; Python {info['python']}",
        f"- {packages}",
    ]


# -- main -------------------------------------------------------------------------------------


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(s.replace("_", "")) for s in text.split(",") if s.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give sizes like 1000,10000") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def _tools(text: str) -> list[str]:
    tools = [t.strip() for t in text.split(",") if t.strip()]
    unknown = sorted(set(tools) - set(TOOLS))
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown tool(s) {unknown}; use {', '.join(TOOLS)}")
    return [t for t in TOOLS if t in tools]


def _shapes(text: str) -> list[str]:
    shapes = [t.strip() for t in text.split(",") if t.strip()]
    unknown = sorted(set(shapes) - set(SHAPES))
    if unknown or not shapes:
        raise argparse.ArgumentTypeError(f"unknown shape(s) {unknown}; use {', '.join(SHAPES)}")
    return [t for t in SHAPES if t in shapes]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=_sizes, default=_sizes("1000,10000,100000"))
    parser.add_argument("--tools", type=_tools, default=list(TOOLS))
    parser.add_argument(
        "--shapes",
        type=_shapes,
        default=["clean"],
        help="data shapes, comma-separated: clean, dirty (default clean)",
    )
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per run and draw")
    parser.add_argument("--no-browser", action="store_true", help="do not open the maps")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--report",
        type=Path,
        default=RESULTS / "latest.md",
        help="where to write the table (default benchmarks/results/latest.md; raw numbers go "
        "next to it, as .json)",
    )
    parser.add_argument(
        "--geojson-max",
        type=int,
        default=100_000,
        help="largest size at which geoevents also reads GeoJSON (default 100000)",
    )
    parser.add_argument(
        "--identity-max",
        type=int,
        default=10_000,
        help="up to this size geoevents builds each map twice and checks the bytes match",
    )
    return parser.parse_args(argv)


def plan(tools: list[str], size: int, geojson_max: int) -> list[tuple[str, str, str]]:
    """(key, tool, input format) of every row at ``size``."""
    rows = []
    for tool in tools:
        if tool == "geoevents":
            if size <= geojson_max:
                rows.append(("geoevents:geojson", tool, "geojson"))
            rows.append(("geoevents:parquet", tool, "parquet"))
        elif tool == "lonboard":
            # The peer that reads GeoParquet too: compared on the very same file.
            if size <= geojson_max:
                rows.append((tool, tool, "geojson"))
            rows.append(("lonboard:parquet", tool, "parquet"))
        else:
            rows.append((tool, tool, "geojson"))
    return rows


def measure_row(
    args: argparse.Namespace,
    browser: Browser | None,
    result: Result,
    tool: str,
    fmt: str,
    given_up: dict[str, str],
) -> None:
    key, size = f"{result.key}:{result.shape}", result.size
    if key in given_up:
        result.status = result.draw = "skipped"
        result.step = "skipped" if tool == "geoevents" else "n/a"
        result.notes.append(f"skipped: {given_up[key]}")
        return
    package = PEER_PACKAGES.get(tool)
    if package and importlib.util.find_spec(package) is None:
        result.status = "not installed"
        result.draw = "n/a"
        result.notes.append(f"`{package}` is not installed (pip install {package}): skipped")
        return
    source = ensure_data(size, args.seed, fmt, result.shape)
    result.source = str(source.relative_to(ROOT))
    stem = f"{key.replace(':', '-')}-{size}"
    out = RESULTS / f"{stem}.html"
    out.unlink(missing_ok=True)
    cmd = tool_command(tool, source, out, result.shape)
    shown = ["python" if c == sys.executable else c.replace(f"{ROOT}/", "") for c in cmd]
    say(f"  {result.label}: {shlex.join(shown)}")
    status, wall, rss, cpu = run_measured(cmd, RESULTS / f"{stem}.log", args.timeout)
    result.status, result.wall_s, result.rss_mb, result.cpu_s = status, wall, rss, cpu
    say(f"    {status}: wall {wall:.2f} s, CPU {cpu:.2f} s, peak RSS {rss:.0f} MB")
    if status != "ok":
        given_up[key] = f"{status.split(' (see')[0]} at {size:,}"
        result.draw = result.step = "—" if tool == "geoevents" else "n/a"
        if status.startswith("failed"):
            result.notes.append(status)
        return
    result.html_mb = out.stat().st_size / 1e6
    result.html = str(out.relative_to(ROOT))
    if tool == "geoevents" and size <= args.identity_max:
        again = RESULTS / f"{stem}-again.html"
        again.unlink(missing_ok=True)
        second, _, _, _ = run_measured(
            tool_command(tool, source, again, result.shape),
            RESULTS / f"{stem}-again.log",
            args.timeout,
        )
        result.identical = second == "ok" and file_sha256(out) == file_sha256(again)
        result.notes.append(
            "built twice: byte-identical" if result.identical else "built twice: bytes DIFFER"
        )
        again.unlink(missing_ok=True)
    draw_measure(args, browser, result, tool, out, given_up)


def draw_measure(
    args: argparse.Namespace,
    browser: Browser | None,
    result: Result,
    tool: str,
    out: Path,
    given_up: dict[str, str],
) -> None:
    draw_key = f"draw:{result.key}:{result.shape}"
    if tool in NEEDS_CDN:
        result.draw = "needs CDN"
        result.notes.append(f"not drawn: {NEEDS_CDN[tool]} (blocked offline)")
        return
    if browser is None:
        result.draw = "not run"
        result.step = "not run" if tool == "geoevents" else "n/a"
        return
    if draw_key in given_up:
        result.draw = "skipped"
        result.step = "skipped" if tool == "geoevents" else "n/a"
        result.notes.append(f"draw skipped: {given_up[draw_key]}")
        return
    condition = CONDITIONS[tool].replace("__COUNT__", str(result.size))
    page = out
    if tool != "geoevents":
        page = offline_copy(out, out.with_name(out.stem + ".offline.html"))
    try:
        outcome = browser.measure(page, condition, args.timeout, timeline=tool == "geoevents")
    finally:
        if page != out:
            page.unlink(missing_ok=True)
    result.blocked = len(outcome["requests"])
    result.page_errors = outcome["errors"][:5]
    if tool == "geoevents" and outcome["requests"]:
        result.notes.append(f"the page tried the network {result.blocked} time(s)")
    if outcome["errors"]:
        result.notes.append(f"page errors: {'; '.join(outcome['errors'][:2])[:200]}")
    if "drawn_ms" not in outcome:
        result.draw = outcome.get("status", "not drawn")
        if result.draw.startswith("timeout"):
            result.draw_timeout_s = args.timeout
        result.step = "—" if tool == "geoevents" else "n/a"
        given_up[draw_key] = f"{result.draw} at {result.size:,}"
        say(f"    draw: {result.draw}")
        return
    result.draw_s = outcome["drawn_ms"] / 1000
    say(f"    drawn in {result.draw_s:.2f} s")
    steps = outcome.get("timeline")
    if tool == "geoevents":
        if "timeline_status" in outcome:
            result.step = outcome["timeline_status"]
        elif steps and steps["times"]:
            result.step_times_ms = [round(t, 1) for t in steps["times"]]
            result.step_handler_ms = [round(t, 1) for t in steps["handler"]]
            result.step_ms = statistics.median(steps["times"])
            result.counts = [steps["before"], steps["after"]]
            handler = statistics.median(steps["handler"])
            say(
                f"    timeline step: {result.step_ms:.1f} ms (median of {len(steps['times'])}; "
                f"input handler {handler:.1f} ms)"
            )
        else:
            result.step = "no timeline"


def compile_bytecode() -> None:
    """Compile geoevents' modules to bytecode, as pip does when it installs a package."""
    import compileall

    package = Path(importlib.util.find_spec("geoevents").origin).parent
    if not compileall.compile_dir(package, quiet=1):
        raise SystemExit(f"could not compile {package} to bytecode")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    compile_bytecode()
    RESULTS.mkdir(parents=True, exist_ok=True)
    command = "python benchmarks/run.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    info = machine()
    browser = None
    if not args.no_browser:
        if not CHROMIUM.is_file():
            say(f"{CHROMIUM} is missing: drawing is not measured (install Debian's chromium)")
        else:
            browser = Browser()
    results: list[Result] = []
    given_up: dict[str, str] = {}
    try:
        for size in args.sizes:
            for shape in args.shapes:
                say(f"{size:,} incidents, {shape}")
                for key, tool, fmt in plan(args.tools, size, args.geojson_max):
                    result = Result(size=size, key=key, label=LABELS[key], shape=shape)
                    results.append(result)
                    measure_row(args, browser, result, tool, fmt, given_up)
    finally:
        if browser is not None:
            if browser.version:
                info["chromium"] = f"Chromium {browser.version} (headless, {CHROMIUM})"
            browser.close()
    text = table(results)
    print(text)
    notes = footnotes(results)
    report = [
        "# Latest benchmark run",
        "",
        f"Command: `{command}` (timeout {args.timeout:g} s per run and per draw, seed "
        f"{args.seed}).",
        "",
        *describe_machine(info),
        "",
        text,
        "",
        LEGEND,
        "",
        *(["Notes:", "", *notes, ""] if notes else []),
    ]
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text("\n".join(report), encoding="utf-8")
    raw = {"command": command, "machine": info, "results": [asdict(r) for r in results]}
    raw_path = args.report.with_suffix(".json")
    raw_path.write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")
    if notes:
        print("\n" + "\n".join(notes))
    say(f"wrote {args.report} and {raw_path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What the page benchmarks share: their command line and a map opened in headless Chromium.

``hexview.py``, ``list_search.py``, ``page.py`` and ``time_control.py`` each measure one map
file; they import this module as a sibling (this folder is on ``sys.path`` when a script runs).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from geoevents.testing.chromium import CHROMIUM, OFFLINE_ARGS

__all__ = ["LISTED_JS", "READY_JS", "map_arguments", "opened_map"]

#: Set once the incidents are drawn, and once the list is filled (docs/map.md).
READY_JS = "document.documentElement.dataset.geoeventsReady === 'true'"
LISTED_JS = "document.documentElement.dataset.geoeventsList === 'true'"


def map_arguments(doc: str) -> argparse.ArgumentParser:
    """The options every page benchmark takes: the map, the window size and ``--json``."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("map", type=Path)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    return parser


@contextmanager
def opened_map(
    path: Path, width: int, height: int, *, timeout_ms: int = 300_000
) -> Iterator[tuple[Any, Any, float]]:
    """The browser, the page and the seconds from navigation to ready, for ``path`` opened
    from ``file://`` offline (every http(s) request fails); the browser is closed on exit."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(OFFLINE_ARGS))
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            began = time.perf_counter()
            page.goto(path.resolve().as_uri(), wait_until="commit")
            page.wait_for_function(READY_JS, timeout=timeout_ms)
            yield browser, page, time.perf_counter() - began
        finally:
            browser.close()

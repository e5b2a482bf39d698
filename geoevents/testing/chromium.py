"""Where the system Chromium is and how to launch it headless, for browser tests and benchmarks.

Debian's ``chromium`` package, never a downloaded browser. Constants only: each caller launches
it through its own Playwright session.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")

#: Flags for a quiet headless run: no sandbox (CI runs as root), no GPU, no background traffic.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

#: ... plus a proxy that does not exist, so that every http(s) request fails without the page
#: being intercepted (interception turns Chromium's cache off).
OFFLINE_ARGS = (
    *CHROMIUM_ARGS,
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
)

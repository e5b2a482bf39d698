"""Kill writers at random points: the target is whole (old or new), and the next write to it
leaves no stale temporary behind (issue 16, build 5).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest
from helpers import FIXTURES, ROOT, SMALL

import geoevents
from geoevents.io.atomic import temporaries_of

#: Trials in all, and how long a writer runs before it is killed until one run is timed.
TRIALS = int(os.environ.get("GEOEVENTS_CRASH_TRIALS", "6"))
LONGEST = 2.5
ACLED = FIXTURES / "ingest" / "acled_export.csv"


def writer(kind: str, store, html) -> list[str]:
    base = [sys.executable, "-m", "geoevents"]
    if kind == "add":
        return [
            *base,
            "add",
            str(store),
            "--title",
            "x",
            "--date",
            "2017-10-01",
            "--type",
            "Battles",
            "--lonlat",
            f"44.{random.randrange(10**6):06d},35",
        ]
    if kind == "import --merge":
        return [*base, "import", "acled", str(ACLED), "--merge", str(store)]
    return [*base, "map", str(store), "-o", str(html), "--tiles", "none"]


def whole_map(html) -> bool:
    return not html.exists() or html.read_bytes().rstrip().endswith(b"</html>")


@pytest.mark.parametrize("seed", [16])
def test_killed_writers_leave_whole_targets_and_no_stale_temporaries(tmp_path, seed):
    rng = random.Random(seed)
    store = tmp_path / "store.geojson"
    store.write_bytes(SMALL.read_bytes())
    html = tmp_path / "map.html"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    kinds = ["add", "import --merge", "map"]
    killed = left = 0
    durations: dict[str, float] = {}
    for trial in range(TRIALS):
        kind = kinds[trial % 3]
        before = len(geoevents.load(store))
        proc = subprocess.Popen(
            writer(kind, store, html),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=tmp_path,
        )
        target = html if kind == "map" else store
        if trial % 2:
            # Most of a run is starting up and reading; aim at its last part, where it writes.
            took = durations.get(kind, LONGEST)
            time.sleep(rng.uniform(0.75 * took, 1.02 * took))
        else:
            # Or the moment its temporary appears: a kill in the middle of the write.
            stop = time.monotonic() + 4 * LONGEST
            while proc.poll() is None and not temporaries_of(target) and time.monotonic() < stop:
                time.sleep(0.0005)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed += 1
        proc.wait()
        # Old or new, never partial: the store reads back and the map is complete.
        after = len(geoevents.load(store))
        assert after >= before
        assert whole_map(html), f"trial {trial} ({kind}): a partial map"
        # The next write to the same target removes what the killed one left.
        left += bool(temporaries_of(target))
        started = time.monotonic()
        done = subprocess.run(writer(kind, store, html), env=env, capture_output=True, cwd=tmp_path)
        durations[kind] = time.monotonic() - started
        assert done.returncode == 0, done.stderr.decode()
        assert temporaries_of(target) == [], f"trial {trial} ({kind}): a stale temporary"
    assert json.loads(store.read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    assert killed, "no writer was killed: lengthen LONGEST"
    print(f"crash test: {TRIALS} trials, {killed} killed, {left} left a temporary (removed)")


def test_a_terminated_writer_removes_its_temporary(tmp_path):
    store = tmp_path / "store.geojson"
    store.write_bytes(SMALL.read_bytes())
    html = tmp_path / "map.html"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(3):
        proc = subprocess.Popen(
            writer("map", store, html), env=env, stderr=subprocess.PIPE, cwd=tmp_path
        )
        stop = time.monotonic() + 30
        while proc.poll() is None and not temporaries_of(html) and time.monotonic() < stop:
            time.sleep(0.0005)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate()
        assert temporaries_of(html) == [], (proc.returncode, err.decode()[-2000:])
        assert whole_map(html)


def test_repeated_terminations_end_quietly(tmp_path):
    # A supervisor (or an impatient user) that sends SIGTERM again while the command unwinds
    # from the first: the same exit status, no traceback, no temporary left.
    store = tmp_path / "store.geojson"
    store.write_bytes(SMALL.read_bytes())
    html = tmp_path / "map.html"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        writer("map", store, html), env=env, stderr=subprocess.PIPE, cwd=tmp_path
    )
    time.sleep(0.3)  # inside the imports or the work
    for _ in range(40):
        if proc.poll() is not None:
            break
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.002)
    _, err = proc.communicate(timeout=60)
    text = err.decode()
    assert "Traceback" not in text and "Exception ignored" not in text, text[-2000:]
    # (-SIGTERM: it came before the handler was set, during the first imports.)
    assert proc.returncode in (0, 128 + signal.SIGTERM, -signal.SIGTERM), proc.returncode
    assert temporaries_of(html) == []

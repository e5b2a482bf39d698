"""The group: every command's help, `python -m geoevents`, --version, the early end."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from helpers import SEED_STORE

import geoevents
from geoevents.cli import cli


def test_every_command_has_help_text_and_an_example(run):
    for name, command in cli.commands.items():
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert command.help and len(command.help) > 20, name
        assert "Example" in result.stdout, f"{name} --help has no example"


def test_python_dash_m_and_version():
    out = subprocess.run(
        [sys.executable, "-m", "geoevents", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0
    assert out.stdout.strip() == f"geoevents, version {geoevents.__version__}"


@pytest.mark.parametrize(
    ("name", "given", "seen"),
    [
        ("NUMPY_MADVISE_HUGEPAGE", None, "0"),
        ("NUMPY_MADVISE_HUGEPAGE", "1", "1"),
        ("ARROW_DEFAULT_MEMORY_POOL", None, "jemalloc" if sys.platform == "linux" else None),
        ("ARROW_DEFAULT_MEMORY_POOL", "system", "system"),
        (
            "JE_ARROW_MALLOC_CONF",
            None,
            "dirty_decay_ms:0,muzzy_decay_ms:0" if sys.platform == "linux" else None,
        ),
        ("JE_ARROW_MALLOC_CONF", "dirty_decay_ms:500", "dirty_decay_ms:500"),
    ],
)
def test_the_console_entry_sets_numpy_and_arrow_memory_unless_told(monkeypatch, name, given, seen):
    """numpy and pyarrow read these when imported (when first allocating): the console entry
    sets them before the command line (and any command's numpy) starts; a user's own value
    is kept."""
    import geoevents.cli
    from geoevents import console

    if given is None:
        monkeypatch.delenv(name, raising=False)
    else:
        monkeypatch.setenv(name, given)
    handed_over = []
    monkeypatch.setattr(geoevents.cli, "main", lambda: handed_over.append(os.environ.get(name)))
    console.main()
    assert handed_over == [seen]


def test_the_console_entrys_arrow_pool_is_there_and_used():
    """The pool the entry names exists in this pyarrow (else Arrow warns on stderr)."""
    code = "import pyarrow as pa; print(pa.default_memory_pool().backend_name)"
    env = {**os.environ, "ARROW_DEFAULT_MEMORY_POOL": "jemalloc"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    if sys.platform == "linux":
        assert (out.stdout.strip(), out.stderr) == ("jemalloc", "")


@pytest.mark.skipif(sys.platform != "linux", reason="the jemalloc pool is set on Linux only")
def test_the_console_entrys_jemalloc_gives_freed_memory_back_at_once():
    """Arrow's jemalloc reads JE_ARROW_MALLOC_CONF: with the entry's value, memory freed is
    no longer resident (by default jemalloc keeps it for seconds)."""
    code = (
        "import pyarrow as pa\n"
        "def rss(): return int(open('/proc/self/statm').read().split()[1]) * 4096\n"
        "before = rss()\n"
        "bufs = [pa.allocate_buffer(64 * 1024) for _ in range(4000)]\n"
        "for b in bufs: memoryview(b).cast('B')[::4096] = bytes(16)\n"
        "held = rss(); del bufs, b\n"
        "print((held - before) >> 20, (rss() - before) >> 20)\n"
    )
    kept = {}
    for conf in ("", "dirty_decay_ms:0,muzzy_decay_ms:0"):
        env = {**os.environ, "ARROW_DEFAULT_MEMORY_POOL": "jemalloc", "JE_ARROW_MALLOC_CONF": conf}
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        held, left = map(int, out.stdout.split())
        assert held > 200
        kept[conf] = left
    assert kept[""] > 50 and kept["dirty_decay_ms:0,muzzy_decay_ms:0"] < 20


def test_python_dash_m_imports_no_numpy_before_the_entry():
    # Were numpy imported before console.main, the setting above would come too late.
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, geoevents, geoevents.console; print('numpy' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"


# An exit handler runs at a normal end of the interpreter, not at an early one.
_ENTRY = (
    "import atexit, sys; atexit.register(lambda: print('unwound', file=sys.stderr)); "
    "from geoevents.console import main; sys.argv = ['geoevents', *sys.argv[1:]]; main()"
)


def _console(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-c", _ENTRY, *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


@pytest.mark.parametrize(
    ("args", "out", "said"),
    [
        (["map", "{store}", "-o", "{out}"], "m.html", "stdout"),
        (["aggregate", "{store}", "-o", "{out}"], "a.csv", "stderr"),
        (["figure", "{out}", "{store}"], "f.png", "stderr"),
        (["list", "{store}", "--format", "csv"], None, "stdout"),
    ],
    ids=["map", "aggregate", "figure", "list"],
)
def test_the_console_entry_ends_as_soon_as_a_command_completes(tmp_path, args, out, said):
    """A completed command ends the process at once (no second spent freeing a million
    incidents), its output flushed, exit status 0, and what it wrote is what the library
    writes in a test's own process (where CliRunner's process goes on)."""
    fill = {"store": str(SEED_STORE), "out": str(tmp_path / (out or "-"))}
    done = _console(*[a.format(**fill) for a in args])
    assert done.returncode == 0, done.stderr
    assert "unwound" not in done.stderr
    assert (done.stdout if said == "stdout" else done.stderr).strip()  # flushed before the end
    fill["out"] = str(tmp_path / f"inside-{out}")
    result = CliRunner().invoke(cli, [a.format(**fill) for a in args])
    assert result.exit_code == 0, result.output
    if out:
        assert (tmp_path / out).read_bytes() == (tmp_path / f"inside-{out}").read_bytes()
    else:
        assert done.stdout == result.stdout


def test_a_failing_command_ends_as_usual_with_its_exit_status(tmp_path):
    """The early end is for completed commands: one that fails unwinds, exit status non-zero."""
    done = _console("map", str(tmp_path / "missing.geojson"), "-o", str(tmp_path / "m.html"))
    assert done.returncode != 0
    assert "unwound" in done.stderr
    assert not (tmp_path / "m.html").exists()

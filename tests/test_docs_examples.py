"""Every console example in README.md and docs/cli.md is run, and prints what the docs show.

An example is a ```` ```console ```` block: ``$ COMMAND`` lines (a trailing ``\\`` continues one),
each followed by the output it prints, stdout and stderr together as on a terminal. A block runs
top to bottom in a fresh folder of its own (never the checkout) that holds a copy of the shipped
dataset as ``data/incidents.geojson``, an empty ``output/``, the small input files the examples
name (:data:`INPUTS`), and ``../shared`` when the checkout has one beside it. ``geoevents``
commands run in-process through Click's CliRunner; a pipeline or redirect runs in ``bash``, with
``geoevents`` on its PATH.

The comparison is exact after three normalisations: trailing spaces are dropped from every line
(editors drop them from Markdown); the block's folder is dropped from printed paths (the docs
show them relative); durations (``4.2 s)``) are not compared, on either side. An output line
that is only ``...`` stands for any number of lines. ``python benchmarks/generate.py`` runs the
checkout's generator, copied into the block's folder so that it writes there.

Shell set-up lines that are not ours to run (``make``, ``git clone``, ...) are listed in
:data:`NOT_RUN`; any other command runs, so a new example cannot go unrun.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import FIXTURES, ROOT, SEED_STORE, SHARED, SMALL, require_shared, unavailable

from geoevents.cli import cli

DOCS = (ROOT / "README.md", ROOT / "docs" / "cli.md")
BLOCK = re.compile(r"^```console\n(.*?)^```$", re.MULTILINE | re.DOTALL)
DURATION = re.compile(r"\b\d+(\.\d+)? s\)")

#: Set-up commands of the quick start: they build the environment the test already runs in.
NOT_RUN = ("git clone ", "make ", "xdg-open ", ". .venv/bin/activate")


def _broken() -> bytes:
    """The store ``geoevents validate broken.geojson`` is shown on: two errors in the fixture."""
    doc = json.loads(SMALL.read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["date_start"] = "2017-02-30"
    doc["features"][3]["properties"]["fatalities"] = -1
    return json.dumps(doc, indent=2).encode()


#: The input files the examples name, by the name they give them.
INPUTS = {
    "data/incidents.geojson": SEED_STORE.read_bytes,
    "broken.geojson": _broken,
    "acled-iraq.csv": (FIXTURES / "ingest" / "acled_api.csv").read_bytes,
    "20191231150000.export.CSV": (FIXTURES / "ingest" / "20191231150000.export.CSV").read_bytes,
    "benchmarks/generate.py": (ROOT / "benchmarks" / "generate.py").read_bytes,
    "sheet.csv": lambda: (
        b"day,y,x,title,event_type\n"
        b"2017-10-16,35.4681,44.3922,Iraqi forces enter Kirkuk,Battles\n"
        b"2017-10-20,35.9528,39.0079,Raqqa declared liberated,Strategic developments\n"
    ),
}


@dataclass
class Command:
    line: int  # where the command starts in the document
    text: str
    shown: list[str] = field(default_factory=list)


@dataclass
class Example:
    doc: Path
    line: int
    commands: list[Command]

    @property
    def id(self) -> str:
        return f"{self.doc.name}:{self.line}"


def examples(doc: Path) -> list[Example]:
    """Every ``console`` block of ``doc``, as commands with the output shown after each."""
    text = doc.read_text(encoding="utf-8")
    found = []
    for block in BLOCK.finditer(text):
        first = text.count("\n", 0, block.start(1)) + 1
        commands: list[Command] = []
        lines = block.group(1).splitlines()
        i = 0
        while i < len(lines):
            line = lines[i]
            if line.startswith("$ "):
                command = Command(first + i, line[2:])
                while command.text.endswith("\\") and i + 1 < len(lines):
                    i += 1
                    command.text = command.text[:-1].rstrip() + " " + lines[i].strip()
                commands.append(command)
            else:
                assert commands, f"{doc.name}:{first + i}: output before any $ command"
                commands[-1].shown.append(line.rstrip())
            i += 1
        found.append(Example(doc, first - 1, commands))
    return found


EXAMPLES = [e for doc in DOCS for e in examples(doc)]


def matches(shown: list[str], printed: list[str]) -> bool:
    """Whether ``printed`` is ``shown``, where a ``...`` line stands for any lines."""
    if not shown:
        return not printed
    if shown[0] == "...":
        return any(matches(shown[1:], printed[k:]) for k in range(len(printed) + 1))
    return bool(printed) and shown[0] == printed[0] and matches(shown[1:], printed[1:])


def sandbox(tmp_path: Path) -> Path:
    """A fresh folder to run a block in, with its inputs and ``../shared`` as in the checkout."""
    work = tmp_path / "work"
    (work / "output").mkdir(parents=True)
    for name, read in INPUTS.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_bytes(read())
    if SHARED.is_dir():
        (tmp_path / "shared").symlink_to(SHARED, target_is_directory=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, runs in (("geoevents", "-m geoevents"), ("python", "")):
        shim = bin_dir / name
        shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" {runs} "$@"\n')
        shim.chmod(0o755)
    return work


def run(command: str, work: Path) -> tuple[int, str]:
    """Run one documented command in ``work``; return its exit code and what it printed."""
    words = shlex.split(command, comments=True)
    for word in words:
        if word.startswith("../shared/"):
            require_shared(SHARED / word.removeprefix("../shared/"))
    if words[0] != "geoevents" or any(w == "|" or w.startswith(">") for w in words):
        tools = [words[0]] + [words[k + 1] for k, w in enumerate(words[:-1]) if w == "|"]
        for tool in tools:
            if tool != "geoevents" and shutil.which(tool) is None:
                unavailable(f"{tool} is not installed: the example {command!r} needs it")
        env = {
            **os.environ,
            "PATH": f"{work.parent / 'bin'}{os.pathsep}{os.environ['PATH']}",
            "PYTHONPATH": str(ROOT),
        }
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command],
            cwd=work,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
        return done.returncode, done.stdout
    result = CliRunner().invoke(cli, words[1:], catch_exceptions=False)
    return result.exit_code, result.output


def test_the_docs_have_examples():
    assert {e.doc.name for e in EXAMPLES} == {d.name for d in DOCS}
    assert sum(len(e.commands) for e in EXAMPLES) >= 25


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.id)
def test_example_prints_what_the_docs_show(example: Example, tmp_path, monkeypatch):
    work = sandbox(tmp_path)
    monkeypatch.chdir(work)
    for command in example.commands:
        if command.text.startswith(NOT_RUN):
            assert not command.shown, f"{example.doc.name}:{command.line}: output of a set-up line"
            continue
        code, printed = run(command.text, work)
        where = f"{example.doc.name}:{command.line}: $ {command.text}"
        printed = printed.replace(f"{work}{os.sep}", "")
        lines = [DURATION.sub("s)", line.rstrip()) for line in printed.splitlines()]
        shown = [DURATION.sub("s)", line) for line in command.shown]
        assert matches(shown, lines), (
            f"{where}\nthe docs show:\n" + "\n".join(command.shown) + "\nit prints:\n" + printed
        )
        failed = any(s.startswith(("Error: ", "invalid: ")) for s in command.shown)
        assert (code != 0) if failed else (code == 0), f"{where}: exit {code}"


PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def test_the_readme_python_example_runs(tmp_path, monkeypatch):
    # The notebook example is code a user pastes: it must run as shown, in a folder of its own.
    blocks = PYTHON_BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    assert blocks, "README.md has no Python example"
    work = sandbox(tmp_path)
    monkeypatch.chdir(work)
    for code in blocks:
        scope: dict[str, object] = {}
        exec(compile(code, "README.md", "exec"), scope)
    assert (work / "output" / "oct17.html").stat().st_size > 0
    assert scope["report"].ok and len(scope["oct17"]) == 3

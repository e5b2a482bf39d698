"""The group: every command's help, `python -m geoevents`, --version."""

from __future__ import annotations

import subprocess
import sys

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

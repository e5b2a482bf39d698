"""Shared test helpers: paths to fixtures and a CLI runner."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from geoevents.cli import cli


@pytest.fixture
def run():
    """Invoke the CLI like a user would; returns the Click result (stdout and stderr apart)."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke

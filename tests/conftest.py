"""Shared fixtures.

Golden files live in tests/golden/.  To regenerate them after an intended
change to the output, run:

    ADTRACE_UPDATE_GOLDEN=1 python -m pytest

and review the diff with ``git diff tests/golden`` before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("ADTRACE_UPDATE_GOLDEN") == "1"


@pytest.fixture
def golden():
    """``golden("name.txt", text)`` compares text with tests/golden/name.txt."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if UPDATE or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            if not UPDATE:
                pytest.fail(f"golden file {name} did not exist; written now - review and rerun")
        assert text == path.read_text(encoding="utf-8"), (
            f"output differs from tests/golden/{name}; if the change is intended, rerun with "
            "ADTRACE_UPDATE_GOLDEN=1 and review the diff")

    return check


@pytest.fixture
def run():
    """Run the CLI in-process: ``run("forward", "x*y", "--at", "x=1,y=2")``."""
    from adtrace.cli import cli

    def invoke(*args: str, input: str | None = None):
        runner = CliRunner()
        return runner.invoke(cli, list(args), input=input, prog_name="adtrace",
                             catch_exceptions=False, standalone_mode=True)

    return invoke

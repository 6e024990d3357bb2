"""The README's example outputs are real: each ``<!-- adtrace-output: ARGS -->`` block
must equal what the command prints.  Regenerate with ADTRACE_UPDATE_GOLDEN=1."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

README = Path(__file__).parent.parent / "README.md"
BLOCK = re.compile(r"<!-- adtrace-output: (.*?) -->\n```text\n(.*?)```", re.S)
UPDATE = __import__("os").environ.get("ADTRACE_UPDATE_GOLDEN") == "1"


def blocks() -> list[tuple[str, str]]:
    return BLOCK.findall(README.read_text(encoding="utf-8"))


@pytest.mark.parametrize("args,shown", blocks(), ids=[a for a, _ in blocks()])
def test_readme_output_is_real(run, args, shown):
    result = run(*shlex.split(args))
    assert result.exit_code == 0, result.stderr
    if UPDATE and result.stdout != shown:
        text = README.read_text(encoding="utf-8")
        old = f"<!-- adtrace-output: {args} -->\n```text\n{shown}```"
        new = f"<!-- adtrace-output: {args} -->\n```text\n{result.stdout}```"
        README.write_text(text.replace(old, new), encoding="utf-8")
        return
    assert result.stdout == shown, f"README block for '{args}' is stale; rerun with " \
                                   "ADTRACE_UPDATE_GOLDEN=1"


def test_readme_commands_are_the_ci_commands():
    text = README.read_text(encoding="utf-8")
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    test_command = re.findall(r"```sh\n(.*?)\n```", text)[1]
    assert test_command in ci.splitlines()

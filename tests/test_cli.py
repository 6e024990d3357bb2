"""The forward and reverse commands end to end: goldens, JSON schema, exit statuses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCHEMA = json.loads((Path(__file__).parent / "schema_v1.json").read_text())
BAYDIN = "ln(x1) + x1*x2 - sin(x2)"
WIKI = "x1*x2 + sin(x1)"

GOLDEN_CASES = {
    "baydin_forward.txt": ("forward", BAYDIN, "--at", "x1=2,x2=5", "--labels", "v",
                           "--wrt", "x1"),
    "baydin_reverse.txt": ("reverse", BAYDIN, "--at", "x1=2,x2=5", "--labels", "v"),
    "wikipedia_forward.txt": ("forward", WIKI, "--at", "x1=2,x2=3"),
    "wikipedia_reverse.txt": ("reverse", WIKI, "--at", "x1=2,x2=3"),
    "baydin_h_written.txt": ("forward", BAYDIN, "--at", "x1=2,x2=5", "--labels", "h",
                             "--order", "written", "--digits", "3"),
    "wikipedia_reverse.json": ("reverse", WIKI, "--at", "x1=2,x2=3", "--format", "json"),
    "baydin_forward.json": ("forward", BAYDIN, "--at", "x1=2,x2=5", "--labels", "v",
                            "--format", "json"),
}


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_golden_output(run, golden, name):
    result = run(*GOLDEN_CASES[name])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    golden(name, result.stdout)


@pytest.mark.parametrize("args", [
    ("reverse", WIKI, "--at", "x1=2,x2=3"),
    ("forward", BAYDIN, "--at", "x1=2,x2=5", "--labels", "v"),
    ("forward", BAYDIN, "--at", "x1=2,x2=5", "--labels", "h", "--seed", "x1=1,x2=-0.5"),
    ("reverse", "y1 = x1*x2; y2 = sin(x1)", "--at", "x1=2,x2=3"),
    ("reverse", "abs(x) + max(x, y)", "--at", "x=0,y=0", "--no-check"),
])
def test_json_follows_schema_1(run, args):
    import jsonschema

    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, SCHEMA)
    ids = {i["id"] for i in doc["inputs"]} | {n["id"] for n in doc["nodes"]}
    for node in doc["nodes"]:
        assert all(a in ids or not a[0].isalpha() or a in ("pi", "E") for a in node["args"])
    for sweep in doc["sweeps"]:
        assert set(sweep["values"]) <= ids
        assert all(step["id"] in ids for step in sweep["steps"])
    assert ("check" in doc) == ("--no-check" not in args)


def test_contract_numbers(run):
    doc = json.loads(run("reverse", WIKI, "--at", "x1=2,x2=3", "--format", "json").stdout)
    assert doc["derivatives"] == {"f": {"x1": 2.5838531634528574, "x2": 2.0}}
    assert doc["check"]["agree"] is True and doc["check"]["entries"][0]["symbolic"] == \
        "x2 + cos(x1)"
    doc = json.loads(run("forward", "exp(sin(sin(x)))", "--at", "x=2", "--format", "json").stdout)
    assert str(doc["derivatives"]["f"]["x"]).startswith("-0.5627520386627")
    doc = json.loads(run("forward", WIKI, "--at", "x1=2,x2=3", "--format", "json").stdout)
    assert doc["sweeps"][0]["steps"][0]["text"] == "ẇ1 = ẋ1·x2 + x1·ẋ2 = 1·3 + 2·0 = 3"
    assert doc["nodes"][0]["text"] == "w1 = x1 * x2"
    assert doc["nodes"][0]["latex"] == "w_{1} = x_{1} x_{2}"
    assert doc["sweeps"][0]["seed"] == {"x1": 1, "x2": 0}


def test_digits_and_wrt(run):
    out = run("forward", WIKI, "--at", "x1=2,x2=3", "--wrt", "x2", "--digits", "2").stdout
    assert "Tangent sweep 1: ẋ2 = 1" in out and "Tangent sweep 2" not in out
    assert "= 0.91" in out and "= 0.9093" not in out


def test_help_for_every_command(run):
    from adtrace.cli import cli

    for name, command in cli.commands.items():
        assert command.help, f"{name} has no help"
        result = run(name, "--help")
        assert result.exit_code == 0 and "Usage:" in result.stdout


@pytest.mark.parametrize("args,status,message", [
    (("forward", "x*", "--at", "x=1"), 2, "Error: '*' is missing its right operand at column 3"),
    (("forward", "sinn(x)", "--at", "x=1"), 2,
     "Error: unknown function 'sinn' at column 1 (did you mean sin?)"),
    (("forward", "sin(x, y)", "--at", "x=1,y=2"), 2, "Error: sin takes 1 argument, got 2"),
    (("forward", "x*y", "--at", "x=1"), 2, "Error: --at: missing a value for 'y'"),
    (("forward", "x", "--at", "x=1,z=2"), 2, "Error: --at: 'z' is not a variable"),
    (("forward", "x"), 2, "Error: --at is required"),
    (("forward", "log(x1)", "--at", "x1=-1"), 3,
     "Error: w1 = log(x1) is undefined at x1 = -1"),
    (("reverse", "sqrt(x)", "--at", "x=0"), 3, "Error: w1 = sqrt(x) has no finite derivative"),
    (("forward", "x", "--at", "x=1", "--bogus"), 2, "Error: No such option"),
    (("reverse", "x", "--at", "x=1", "--wrt", "x"), 2, "Error: --wrt is for forward mode"),
])
def test_errors_are_one_line_with_a_status(run, args, status, message):
    result = run(*args)
    assert result.exit_code == status
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and errors[0].startswith(message), result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_nondifferentiable_point_warns_and_exits_0(run):
    result = run("reverse", "abs(x)", "--at", "x=0")
    assert result.exit_code == 0
    assert result.stderr.startswith("Warning: w1 = abs(x) at x = 0: abs is not differentiable")


def test_check_disagreement_exits_1(run, monkeypatch):
    from adtrace import tracing as trace_module

    real = trace_module.partial_values

    def wrong(*args, **kwargs):
        return [None if p is None else p * 1.5 for p in real(*args, **kwargs)]

    monkeypatch.setattr("adtrace.api.partial_values", wrong)
    result = run("forward", "sin(x)", "--at", "x=1")
    assert result.exit_code == 1
    assert "✗" in result.stdout and result.stderr.startswith("Error: the symbolic check")


def test_colour_only_on_a_terminal(monkeypatch):
    from adtrace import files

    class Tty:
        def isatty(self):
            return True

        def fileno(self):
            raise OSError

    monkeypatch.setattr(sys, "stdout", Tty())
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert files.terminal_style() == (True, 80)
    monkeypatch.setenv("NO_COLOR", "1")
    assert files.terminal_style()[0] is False


def test_colour_table_has_escapes_and_plain_has_none():
    from adtrace import trace
    from adtrace.render import render

    t = trace(WIKI, "x1=2,x2=3")
    assert "\x1b[" in render(t, "table", color=True)
    assert "\x1b[" not in render(t, "table", color=False)


# --- through a real process ------------------------------------------------------------------

ADTRACE = shutil.which("adtrace")
needs_command = pytest.mark.skipif(ADTRACE is None, reason="adtrace is not installed on PATH")


@needs_command
def test_installed_command_runs_the_main_example():
    proc = subprocess.run([ADTRACE, "forward", "x1*x2+sin(x1)", "--at", "x1=2,x2=3"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "ẇ1 = ẋ1·x2 + x1·ẋ2 = 1·3 + 2·0" in proc.stdout
    assert "∂f/∂x1 = 2.5839" in proc.stdout


@needs_command
def test_installed_command_error_has_no_traceback():
    proc = subprocess.run([ADTRACE, "reverse", "__import__('os').system('true')", "--at", "x=1"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.startswith("Error: ") and "Traceback" not in proc.stderr


def test_help_imports_neither_sympy_nor_rich():
    code = ("import sys\nfrom adtrace.cli import main\nsys.argv = ['adtrace', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('HEAVY', sorted(m for m in ('sympy', 'rich') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert "HEAVY []" in proc.stdout, proc.stdout + proc.stderr


def test_python_dash_m():
    proc = subprocess.run([sys.executable, "-m", "adtrace", "--version"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("adtrace ")

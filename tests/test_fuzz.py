"""Random text and random token soups through the command line.

Whatever the formula, point or options, ``adtrace forward`` and ``adtrace reverse``
end with status 0, 1, 2 or 3, never 70 (an internal error) or an uncaught
exception, within a bounded time, and say so in at most one ``Error:`` line.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adtrace import budget
from adtrace.cli import cli
from adtrace.ops import FUNCTIONS

NAMES = ["x", "y", "x1", "x2", "t", "a", "b", "w1", "v0", "f", "gamma", "S", "N", "I", "é"]
CONSTANTS = ["pi", "E"]
NUMBERS = ["0", "1", "2", "3", "0.5", "3.25", "10", "100", "1e3", "1e-3", "1e308", ".5", "5.",
           "0.0", "1e999", "007", "9" * 30, "1e", "2.5e-320"]
OPERATORS = ["+", "-", "*", "/", "**", "^", "(", ")", "(", ")", ",", ";", "=", "\n", " "]
CALLS = [f"{name}(" for name in FUNCTIONS]
HOSTILE = ["__import__", "'os'", "lambda", ":", ".", "[", "]", "{", "}", "__class__", "Symbol",
           "Integer", "sympify", "exec", "eval", "open", "f'", '"', "!", "@", "%", "//", ":=",
           "\\", "#", "\t", "\x00", "\x1b", "²", "−", "ｘ", "if", "for", "in", "9**9**9",
           "**9**9", "((((", "))))", "\r", "\u202e", "\ufeff", "1j", "0x1F", "...", "@x"]
TOKENS = NAMES * 3 + CONSTANTS + NUMBERS + OPERATORS * 3 + CALLS * 2 + HOSTILE
VALUES = ["1", "2", "-1", "0", "0.5", "pi/4", "1/3", "-3", "2e-3", "E", "1e300", "1e999", "nan",
          "inf", "x", "sin(1)", "", "1/0", "9**9**9", "(1", "2^10", "__import__('os')"]
OPTIONS = ["--wrt", "--seed", "--out", "--digits", "--labels", "--order", "--format", "--no-check",
           "--exact", "--bogus", "-x"]
STATUSES = {0, 1, 2, 3}
NAME_RE = re.compile(r"[^\W\d]\w*")


@pytest.fixture(autouse=True)
def short_check_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """SymPy's work (--exact, printing the check's derivatives) stops after this long at the
    latest (the CLI's last resort is 10 s); the check's verdict has no time limit."""
    monkeypatch.setattr(budget, "TIME_BUDGET", 1.0)


def invoke(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, prog_name="adtrace", catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def assert_clean(args: list[str]) -> None:
    status, out, err = invoke(args)
    assert status in STATUSES, (args, status, err)
    assert "Traceback" not in out + err, (args, err)
    assert "internal error" not in err, (args, err)
    errors = [line for line in err.splitlines() if line.startswith("Error:")]
    if status in (2, 3):
        assert len(errors) == 1, (args, err)
    elif status == 0:
        assert not errors, (args, err)
    for line in err.splitlines():  # nothing but the contract's lines and a parse error's context
        assert line.startswith(("Error: ", "Warning: ", "  ")), (args, err)


def point_for(formula: str, values: list[str], mangle: int) -> str:
    """An ``--at`` for the names in ``formula``: all of them, or one missing, or one extra."""
    names = [n for n in dict.fromkeys(NAME_RE.findall(formula))
             if n not in FUNCTIONS and n not in CONSTANTS]
    if mangle == 1 and names:
        names = names[1:]
    elif mangle == 2:
        names = names + ["zz"]
    return ",".join(f"{n}={values[k % len(values)]}" for k, n in enumerate(names)) or "x=1"


soups = st.lists(st.sampled_from(TOKENS), min_size=0, max_size=40).map("".join)
modes = st.sampled_from(["forward", "reverse"])
fuzz = settings(max_examples=400, deadline=5000, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@fuzz
@given(mode=modes, formula=soups,
       values=st.lists(st.sampled_from(VALUES[:8]), min_size=1, max_size=4),
       mangle=st.sampled_from([0, 0, 0, 1, 2]), no_check=st.booleans())
def test_token_soup(mode: str, formula: str, values: list[str], mangle: int,
                    no_check: bool) -> None:
    args = [mode, "--at", point_for(formula, values, mangle), "--", formula]
    assert_clean(args[:1] + (["--no-check"] if no_check else []) + args[1:])


@settings(fuzz, max_examples=300)
@given(mode=modes, formula=st.text(max_size=60), at=st.text(max_size=30))
def test_random_text(mode: str, formula: str, at: str) -> None:
    assert_clean([mode, "--no-check", "--at", at, "--", formula])
    assert_clean([mode, "--no-check", "--at", "x=1", "--", "x*" + formula])


@settings(fuzz, max_examples=200)
@given(mode=modes, data=st.one_of(st.binary(max_size=120),
                                  soups.map(lambda s: s.encode("utf-8", "surrogatepass"))),
       bom=st.booleans())
def test_random_file(mode: str, data: bytes, bom: bool, tmp_path_factory) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "formula.txt"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    assert_clean([mode, "--no-check", "--at", "x=1", f"@{path}"])


@settings(fuzz, max_examples=300)
@given(mode=modes,
       formula=st.sampled_from(["x*y + sin(x)", "a = x*y; b = sin(a); c = a + b",
                                "y1 = x1*x2; y2 = max(x1, x2)", "abs(x) + y", "log(x) + y^x"]),
       at=st.lists(st.sampled_from(VALUES), min_size=1, max_size=3),
       options=st.lists(st.tuples(st.sampled_from(OPTIONS), st.sampled_from(
           VALUES + ["x", "y", "x1", "a,b", "c", "y2", "x,x", "17", "-1", "99999999999999999999",
                     "json", "table", "v", "h", "written", "level", "zz", "x=1,y=0.5"])),
           max_size=3))
def test_option_soup(mode: str, formula: str, at: list[str],
                     options: list[tuple[str, str]]) -> None:
    names = ["x", "y", "x1", "x2"]
    point = ",".join(f"{n}={v}" for n, v in zip(names, at)) if len(at) > 1 else f"x={at[0]}"
    args = [mode, "--at", point]
    for option, value in options:
        args += [option] if option in ("--no-check", "--exact") else [option, value]
    assert_clean(args + ["--", formula])

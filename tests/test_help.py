"""Help that teaches and errors that say exactly what is missing."""

from __future__ import annotations

import pytest


def test_a_missing_point_names_the_variables(run):
    result = run("forward", "x1*x2+sin(x1)")
    assert result.exit_code == 2
    assert "give a value for x1, x2 (e.g. --at x1=2,x2=3)" in result.stderr


def test_a_formula_of_constants_alone_says_so_not_asks_for_values(run):
    result = run("forward", "2*pi + 1")
    assert result.exit_code == 2
    assert "is a constant: it depends on no input" in result.stderr
    assert "give a value" not in result.stderr


def test_many_variables_are_counted_not_all_listed(run):
    result = run("compare", "a*b*c*d*e*f*g*h")
    assert result.exit_code == 2 and "… (8 in all)" in result.stderr


@pytest.mark.parametrize("command", ["forward", "reverse"])
def test_forward_and_reverse_help_show_examples(run, command):
    out = run(command, "--help").stdout
    assert "Examples:" in out and f"adtrace {command} " in out.split("Examples:")[1]


def test_reverse_help_does_not_offer_wrt_but_explains_it(run):
    assert "--wrt" not in run("reverse", "--help").stdout
    assert "--wrt" in run("forward", "--help").stdout
    result = run("reverse", "x*y", "--at", "x=1,y=2", "--wrt", "x")
    assert result.exit_code == 2 and "--wrt is for forward mode" in result.stderr


def test_key_help_lists_every_problem_key(run):
    from adtrace.problems import PROBLEM_KEYS

    out = run("key", "--help").stdout
    assert "[[problem]]" in out
    for key, what in PROBLEM_KEYS.items():
        assert f"  {key}" in out and what.split()[0] in out


def test_help_of_the_group_does_not_import_the_problem_table():
    import subprocess
    import sys

    code = ("import sys, adtrace.cli as c; sys.argv = ['adtrace', '--help']\n"
            "try:\n    c.main()\nexcept SystemExit:\n    pass\n"
            "assert 'adtrace.problems' not in sys.modules, 'imported'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr

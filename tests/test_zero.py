"""Zero prints as 0 everywhere: a negative zero (0 * -1.2, sin(-0), --at x=-0) is the
number 0 in every value, every rule with numbers and every format."""

from __future__ import annotations

import re

import pytest

LOSS = "-(y*log(s) + (1-y)*log(1-s))"  # the logistic loss at y = 0: y*log(s) is -0.0


@pytest.mark.parametrize("fmt", ["table", "markdown", "latex", "json", "csv"])
@pytest.mark.parametrize("mode", ["forward", "reverse"])
@pytest.mark.parametrize("formula,at", [(LOSS, "y=0,s=0.3"), ("x*y - sin(x)*y", "x=-0,y=2"),
                                        ("max(x, -x) * 0 - y*x", "x=-0,y=-1")])
def test_no_negative_zero_is_printed(run, fmt, mode, formula, at):
    result = run(mode, "--at", at, "--format", fmt, "--", formula)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "-0.0" not in out and "(-0)" not in out
    assert not re.search(r"(?<![a-z])\(0\)", out)  # a parenthesised 0, not a call sin(0)
    assert "= -0 " not in out and not any(line.rstrip().endswith("= -0") for line in
                                            out.splitlines())


def test_values_are_positive_zero():
    import math

    from adtrace import trace

    t = trace(LOSS, "y=0,s=0.3", mode="reverse", check=False)
    zeros = [v for v in t.values if v == 0] + \
        [v for s in t.sweeps for v in s.values if v == 0]
    assert zeros and all(math.copysign(1.0, v) > 0 for v in zeros)

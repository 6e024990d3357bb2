"""Small pieces several formats share: names of derivatives, check marks, the header."""

from __future__ import annotations

from ..expr import fmt_number
from ..program import BAR, DOT, _mark
from ..tracing import Sweep, Trace


def one_line(formula: str) -> str:
    """A program on one line: statements joined by '; ', comments dropped."""
    parts = []
    for line in formula.splitlines():  # a comment may contain ';': drop it first
        for statement in line.split("#", 1)[0].split(";"):
            if statement.strip():
                parts.append(statement.strip())
    return "; ".join(parts)


def derivative_name(t: Trace, output: str, inp: str) -> str:
    return f"∂{output}/∂{inp}"


def result_name(t: Trace, sweep: Sweep, name: str) -> str:
    """How a sweep's result is named: ∂f/∂x1 for unit seeds, ḟ or x̄1 along a direction."""
    unit = sweep.unit
    if sweep.mode == "forward":
        return f"∂{name}/∂{unit}" if unit else _mark(name, DOT)
    return f"∂{unit}/∂{name}" if unit else _mark(name, BAR)


def check_name(output: str, inp: str) -> str:
    """A check entry's name: ∂f/∂x1, or a weighted/directional one for --seed sweeps."""
    if "=" in output:
        return f"{output} · ∂/∂{inp}"
    if "=" in inp:
        return f"∂{output} along {inp}"
    return f"∂{output}/∂{inp}"


def check_mark(agree: bool | None) -> str:
    return "✓" if agree else ("✗" if agree is False else "–")


def seed_text(sweep: Sweep, digits: int) -> str:
    return ", ".join(f"{k}={fmt_number(v, digits)}" for k, v in sweep.seed.items())

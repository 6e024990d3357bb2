"""The symbolic cross-check: SymPy's ``diff`` of the whole formula at the point.

The SymPy expressions are built from the same :class:`Program` (never by parsing
the text again), with the op table's own ``value`` rules.  The check is bounded:
programs above :data:`MAX_CHECK_OPS` operations, exact constants too large to
compute, and anything slower than the time budget are skipped with a note.
"""

from __future__ import annotations

import math
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .tracing import Check, CheckEntry, Trace

MAX_CHECK_OPS = 1_000
TIME_BUDGET = 10.0  # seconds


class _OutOfTime(BaseException):
    """Raised by the alarm; a BaseException so that no ``except Exception`` swallows it."""


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread() or not hasattr(
            signal, "setitimer"):
        yield
        return

    def _alarm(signum: int, frame: Any) -> None:
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, _alarm)
    # fire again every quarter second: code that swallows one interruption (or is inside
    # a long C call when it lands) still stops soon after the budget
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.25)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def describe(weights: dict[str, float]) -> str:
    """A seed that is not a unit vector, in the ``--seed`` notation."""
    from .expr import fmt_number

    return ",".join(f"{k}={fmt_number(v, 12)}" for k, v in weights.items() if v != 0) or "0"


def cross_check(trace: Trace, budget: float | None = None) -> Check:
    budget = TIME_BUDGET if budget is None else budget  # read now: tests may lower it
    p = trace.program
    if len(p.eqns) > MAX_CHECK_OPS:
        return Check(skipped=f"{len(p.eqns):,} operations is more than the symbolic check's "
                             f"limit of {MAX_CHECK_OPS:,}")
    try:
        with time_budget(budget):
            return _check(trace)
    except _OutOfTime:
        return Check(skipped=f"SymPy took longer than {budget:g} s")
    except RecursionError:
        return Check(skipped="the formula is too deeply nested for SymPy")
    except MemoryError:
        return Check(skipped="SymPy ran out of memory")
    except Exception as err:  # ExactTooLarge and SymPy's own failures
        from .symbolic import ExactTooLarge

        if isinstance(err, ExactTooLarge):
            return Check(skipped=f"an exact constant is too large to compute ({err})")
        return Check(skipped=f"SymPy could not evaluate the derivatives ({type(err).__name__})")


def _check(trace: Trace) -> Check:
    import sympy

    from .exact import symbolic_latex
    from .program import Const
    from .symbolic import SYMPY, symbol, to_float

    p = trace.program
    syms = [symbol(name) for name in p.inputs]
    exprs: list[Any] = list(syms) + [None] * len(p.eqns)
    for k, eqn in enumerate(p.eqns):
        args = [a.exact() if isinstance(a, Const) else exprs[a] for a in eqn.args]
        exprs[p.n_inputs + k] = eqn.rule.value(SYMPY, *args)
    point = {s: sympy.Float(sympy.N(c.exact(), 30), 30) for s, c in zip(syms, trace.point)}
    out_expr = {name: exprs[node] for name, node in p.outputs}
    cache: dict[tuple[str, str], Any] = {}

    def d(o: str, i: str) -> Any:
        if (o, i) not in cache:
            cache[(o, i)] = sympy.diff(out_expr[o], syms[p.inputs.index(i)])
        return cache[(o, i)]

    scale = max([1.0] + [abs(v) for v in trace.values] +
                [abs(v) for s in trace.sweeps for v in s.values if v is not None])
    entries: list[CheckEntry] = []
    for sweep in trace.sweeps:
        weights = {k: (sympy.Integer(1) if v == 1 else sympy.Rational(repr(v)))
                   for k, v in sweep.seed.items() if v != 0}
        if sweep.mode == "forward":
            pairs = [(o, None) for o in p.output_names()]
        else:
            pairs = [(None, i) for i in p.inputs]
        for o, i in pairs:
            if sweep.mode == "forward":
                sym = sum((w * d(o, k) for k, w in weights.items()), sympy.Integer(0))
                ad = sweep.result[o]
                label_o, label_i = o, (sweep.unit or describe(sweep.seed))
            else:
                sym = sum((w * d(k, i) for k, w in weights.items()), sympy.Integer(0))
                ad = sweep.result[i]
                label_o, label_i = (sweep.unit or describe(sweep.seed)), i
            value = to_float(sym.xreplace(point))
            tol = 1e-9 * max(1.0, abs(value)) + 1e-12 * scale
            agree: bool | None = math.isfinite(value) and abs(value - ad) <= tol
            note = None
            if not agree and math.isfinite(value):
                # an ill-conditioned point (tan(x) at x = 1.5707963): the sweeps ran at the
                # point rounded to doubles, so compare there before calling it a failure; but
                # not at a singularity (1/sin(x) at x = pi), where the two values are far apart
                rounded = to_float(sym.xreplace(
                    {s: sympy.Float(c.value, 30) for s, c in zip(syms, trace.point)}))
                if math.isfinite(rounded) and abs(rounded - ad) <= \
                        1e-9 * max(1.0, abs(rounded)) + 1e-12 * scale and \
                        abs(value - rounded) <= 0.01 * abs(rounded):
                    value, agree, note = rounded, True, (
                        "ill-conditioned here: agrees at the point rounded to floating point, "
                        "where the sweeps ran")
            if not agree and trace.warnings:
                agree, note = None, ("not differentiable at this point: SymPy's value "
                                     "differs from the one-sided choice taken")
            entries.append(CheckEntry(label_o, label_i, sympy.sstr(sym), value, ad, agree, note,
                                      symbolic_latex(sym, dict(zip(syms, p.inputs)))))
    return Check(entries)

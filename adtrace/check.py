"""The symbolic cross-check: SymPy's ``diff`` of the whole formula at the point.

The SymPy expressions are built from the same :class:`Program` (never by parsing
the text again), with the op table's own ``value`` rules.  The check is bounded:
programs above :data:`MAX_CHECK_OPS` operations, exact constants too large to
compute, and anything slower than the time budget are skipped with a note.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from . import budget
from .errors import DomainError
from .tracing import Check, CheckEntry, Trace, row_text

MAX_CHECK_OPS = 1_000


def describe(weights: dict[str, float]) -> str:
    """A seed that is not a unit vector, in the ``--seed`` notation."""
    from .notation import fmt_number

    return ",".join(f"{k}={fmt_number(v, 12)}" for k, v in weights.items() if v != 0) or "0"


def cross_check(trace: Trace, seconds: float | None = None) -> Check:
    """SymPy's derivatives of the outputs, compared with the sweeps' results."""
    seconds = budget.TIME_BUDGET if seconds is None else seconds  # read now: tests lower it
    p = trace.program
    if len(p.eqns) > MAX_CHECK_OPS:
        return Check(skipped=f"{len(p.eqns):,} operations is more than the symbolic check's "
                             f"limit of {MAX_CHECK_OPS:,}")
    try:
        with budget.time_budget(seconds):
            return _check(trace)
    except DomainError:  # undefined at the exact point, where floating point missed it
        raise
    except budget.OutOfTime:
        return Check(skipped=f"SymPy took longer than {seconds:g} s")
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

    from .fromsympy import show
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
        kind = sweep.kind
        for name, ad in sweep.result.items():  # outputs (tangents) or inputs (adjoints)
            sym = sum((w * d(*kind.entry(k, name)) for k, w in weights.items()),
                      sympy.Integer(0))
            label_o, label_i = kind.entry(sweep.unit or describe(sweep.seed), name)
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
            text, latex = show(sym, p.inputs)
            entries.append(CheckEntry(label_o, label_i, text, value, ad, agree, note, latex))
    if any(e.agree is False for e in entries):
        kink = _exact_point(trace)  # raises if the formula is undefined exactly there
        if kink:
            entries = [replace(e, agree=None, note=kink) if e.agree is False else e
                       for e in entries]
    return Check(entries)


def _exact_point(trace: Trace) -> str | None:
    """:func:`_walk_exactly`, which gives no verdict (None) where SymPy fails or an exact
    value grows too large (``x*x`` squared 30 times at ``x = 1/10``)."""
    try:
        return _walk_exactly(trace)
    except DomainError:
        raise
    except Exception:  # SymPy's own failures, and ExactTooLarge: no verdict
        return None


def _walk_exactly(trace: Trace) -> str | None:
    """Walk the program once more at the exact point (``x = pi`` is pi, not 3.14159...).

    Floating point can miss a singularity: ``sin(pi)`` is 1.2e-16 in doubles, so
    ``1/sin(x)`` at ``x = pi`` runs, with derivatives of some 1e31, and SymPy's value at
    the point disagrees.  Exactly, ``sin(pi)`` is 0.  A node undefined there, or
    without a finite derivative, is a :class:`DomainError` naming it; a node at a kink
    there (``abs`` at 0, tied ``max``) gives the note to put on the disagreeing entries.
    Only SymPy's automatic evaluation is used (no simplification), so not every such
    point is found; the walk stops at a value as large as ``--exact`` refuses to show.
    """
    from .exact import exceeds_bounds
    from .program import Const
    from .symbolic import SYMPY

    p, labels = trace.program, trace.labels
    exact: list[Any] = [c.exact() for c in trace.point]
    point = ", ".join(f"{name} = {c.text}" for name, c in zip(p.inputs, trace.point))
    for k, eqn in enumerate(p.eqns):
        node = p.n_inputs + k
        args = [a.exact() if isinstance(a, Const) else exact[a] for a in eqn.args]
        value = eqn.rule.value(SYMPY, *args)
        if _undefined(value):
            raise DomainError(f"{row_text(p, labels, node)} is undefined at {point}"
                              f"{_exactly_zero(trace, eqn.args, args)}")
        for j, a in enumerate(eqn.args):
            if isinstance(a, int) and not eqn.rule.routes and \
                    _undefined(eqn.rule.partials[j](SYMPY, *args)):
                which = "" if len(p.node_args(node)) == 1 else \
                    f" with respect to {labels.text[a]}"
                raise DomainError(f"{row_text(p, labels, node)} has no finite derivative"
                                  f"{which} at {point}{_exactly_zero(trace, eqn.args, args)}")
        if eqn.rule.nondiff is not None:
            try:
                kink = eqn.rule.nondiff(tuple(args))
            except TypeError:  # SymPy cannot order the arguments
                kink = None
            if kink:
                return (f"not differentiable at this point ({row_text(p, labels, node)}: "
                        f"{kink.split(';')[0]} exactly here, which floating point misses)")
        if exceeds_bounds(value):
            return None
        exact.append(value)
    return None


def _undefined(value: Any) -> bool:
    """Infinite, indeterminate or not real."""
    import sympy

    value = sympy.sympify(value)  # a partial may be a plain 1 or -1
    return bool(value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) or
                value.is_extended_real is False)


def _exactly_zero(trace: Trace, args: tuple[Any, ...], exact: list[Any]) -> str:
    """``: there w1 = sin(x) is exactly 0 (1.2246e-16 in floating point)`` for the
    arguments that are exactly zero but not in floating point."""
    from .notation import fmt_number

    p, labels = trace.program, trace.labels
    for a, e in zip(args, exact):
        if isinstance(a, int) and e == 0 and trace.values[a] != 0:
            name = row_text(p, labels, a) if not p.is_input(a) else labels.text[a]
            return (f": there {name} is exactly 0 ({fmt_number(trace.values[a], 6)} in "
                    "floating point)")
    return ""

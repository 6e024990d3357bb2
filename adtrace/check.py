"""The symbolic cross-check: every derivative the sweeps produced, against the chain rule.

The verdict comes from :mod:`adtrace.chain`: the program's DAG walked by the chain rule in
mpmath at 30 digits, with each operation's partials from SymPy's ``diff`` of its value
rule, and a tolerance from the floating-point error the sweeps may make.  It has no size
limit and no time budget: its cost grows linearly with the trace, as the sweeps' does.

Where an entry disagrees at the point as given, it is tried at the values the sweeps
computed with in floating point (ill-conditioned points such as ``tan`` near pi/2, or
``(3*x - 0.9)^2`` at ``x = 0.3``, where rounding moved the point), and the program is
walked once more with exact SymPy values (:func:`_walk_exactly`) to tell such points from
a singularity that floating point missed (a domain error) or a kink (a note).

SymPy's derivative of the whole formula is only printed, as each entry's ``symbolic``
text, and only while the formula is small: at most :data:`MAX_SHOWN` tree nodes of the
outputs times the derivatives printed.  Past that the text is :data:`NOT_SHOWN`; the
verdict never depends on it.
"""

from __future__ import annotations

from typing import Any

from . import budget
from .errors import DomainError
from .tracing import Check, CheckEntry, Trace, row_text

#: Print SymPy's derivatives while (tree nodes of the outputs involved) × (derivatives)
#: is at most this.  Measured (benchmarks/RESULTS.md), differentiating and printing take
#: at most some 0.6 s below it: 0.5 s for a generated program at 1,750 (55,000
#: characters of derivatives), 0.6 s for a chain of 120 sines at 121.
MAX_SHOWN = 2_000
NOT_SHOWN = "not shown (too large)"
#: An exact-point and a rounded-values derivative this close are the same derivative;
#: further apart, the point is ill-conditioned (or singular) and the entry says so; and
#: further apart than SINGULAR_RTOL, only an exact walk of the whole program tells which.
NOTE_RTOL = 1e-9
SINGULAR_RTOL = 0.01
ILL = ("ill-conditioned here: agrees at the values the sweeps computed in floating point, "
       "where rounding moved the point")
#: The exact walk stops (finding nothing) after this many equations, or at a value of more
#: nodes than this: SymPy's assumption queries on nested values grow with the cube of the
#: nesting (a chain of 80 sines takes 0.25 s, of 200, 6 s).
MAX_WALK_EQNS = 1_000
MAX_WALK_NODES = 60
KINKED = "not differentiable at this point: SymPy's value differs from the one-sided choice taken"
NO_VALUE = "the chain rule has no finite value here"


def describe(weights: dict[str, float]) -> str:
    """A seed that is not a unit vector, in the ``--seed`` notation."""
    from .notation import fmt_number

    return ",".join(f"{k}={fmt_number(v, 12)}" for k, v in weights.items() if v != 0) or "0"


def cross_check(trace: Trace) -> Check:
    """Every result of every sweep, against the chain rule; SymPy's derivatives to print."""
    specs = [(k, name, ad) for k, sweep in enumerate(trace.sweeps)
             for name, ad in sweep.result.items()]
    verdicts = _verdicts(trace, specs)
    texts = _symbolic(trace, specs)
    entries = []
    for (k, name, ad), (value, agree, note), (text, latex) in zip(specs, verdicts, texts):
        sweep = trace.sweeps[k]
        label_o, label_i = sweep.kind.entry(sweep.unit or describe(sweep.seed), name)
        entries.append(CheckEntry(label_o, label_i, text, value, ad, agree, note, latex))
    return Check(entries)


# --- the verdict ---------------------------------------------------------------------------


def _verdicts(trace: Trace, specs: list[tuple[int, str, float]]) -> list[list[Any]]:
    """[value, agree, note] for each entry: at the point, else at the rounded values."""
    from . import chain

    with chain.precision():
        first = chain.sweep_results(trace, chain.point_walk(trace))
        second: list[dict[str, chain.Derivative]] | None = None
        out: list[list[Any]] = []
        for k, name, ad in specs:
            d1 = first[k][name]
            if d1.agrees(ad):
                out.append([float(d1), True, None])
                continue
            if second is None:  # the sweeps' own values, if they are right to rounding
                second = chain.sweep_results(trace, chain.float_walk(trace)) \
                    if chain.primal_holds(trace) else []
            d2 = second[k][name] if second else None
            if d2 is None or not d2.agrees(ad):
                out.append([_finite(d1, d2), False, None])
            elif _within(d1, d2, NOTE_RTOL):
                out.append([float(d1), True, None])
            else:  # agrees where the sweeps ran, not at the point: ill-conditioned or singular
                out.append([float(d2), NEAR if _within(d1, d2, SINGULAR_RTOL) else FAR, ILL,
                            float(d1)])
    return _explain(trace, out)


NEAR, FAR = "near", "far"  # verdicts pending the exact walk


def _within(d1: Any, d2: Any, rtol: float) -> bool:
    import mpmath

    return bool(mpmath.isfinite(d1.value) and abs(d1.value - d2.value) <= rtol * abs(d2.value))


def _finite(*ds: Any) -> float:
    """The first finite value (the point's, then the rounded values'), or nan."""
    import math

    for d in ds:
        if d is not None and math.isfinite(float(d)):
            return float(d)
    return math.nan


def _explain(trace: Trace, out: list[list[Any]]) -> list[list[Any]]:
    """Disagreements at a point where the trace warned of a kink, or where an exact walk
    finds one (or a singularity: a domain error), are not failures."""
    import math

    for v in out:
        if v[1] is False and trace.warnings:
            v[1], v[2] = None, KINKED
    if any(v[1] in (False, NEAR, FAR) for v in out):
        complete, kink = _exact_point(trace)  # raises if undefined exactly there
        for v in out:
            if v[1] in (NEAR, FAR):  # ill-conditioned, unless the walk stopped short of a
                # singularity that a difference of more than SINGULAR_RTOL may be
                ill = complete or v[1] == NEAR
                v[1], v[2] = (None, kink) if kink else (True, ILL) if ill else (False, None)
                if v[1] is False:
                    v[0] = v[3]  # the chain rule's value at the point
            elif v[1] is False and kink:
                v[1], v[2] = None, kink
    for v in out:
        if not math.isfinite(v[0]):  # (JSON has no nan)
            v[0], v[2] = 0.0, v[2] or NO_VALUE
    return [v[:3] for v in out]


def _exact_point(trace: Trace) -> tuple[bool, str | None]:
    """:func:`_walk_exactly`, which does not finish where SymPy fails."""
    try:
        return _walk_exactly(trace)
    except DomainError:
        raise
    except Exception:  # SymPy's own failures, and ExactTooLarge
        return False, None


def _walk_exactly(trace: Trace) -> tuple[bool, str | None]:
    """Walk the program once more at the exact point (``x = pi`` is pi, not 3.14159...).

    Floating point can miss a singularity: ``sin(pi)`` is 1.2e-16 in doubles, so
    ``1/sin(x)`` at ``x = pi`` runs, with derivatives of some 1e31, and the chain rule at
    the point disagrees.  Exactly, ``sin(pi)`` is 0.  A node undefined there, or
    without a finite derivative, is a :class:`DomainError` naming it.  Returns whether
    the walk went through the whole program, and the note for a node at a kink there
    (``abs`` at 0, tied ``max``).  Only SymPy's automatic evaluation is used (no
    simplification), so not every such point is found; the walk stops at a value as
    large as ``--exact`` refuses to show, or past :data:`MAX_WALK_EQNS` equations or
    :data:`MAX_WALK_NODES` nodes.
    """
    import itertools

    import sympy

    from .exact import exceeds_bounds
    from .program import Const
    from .symbolic import SYMPY

    p, labels = trace.program, trace.labels
    exact: list[Any] = [c.exact() for c in trace.point]
    point = ", ".join(f"{name} = {c.text}" for name, c in zip(p.inputs, trace.point))
    for k, eqn in enumerate(p.eqns):
        node = p.n_inputs + k
        args = [a.exact() if isinstance(a, Const) else exact[a] for a in eqn.args]
        if k >= MAX_WALK_EQNS or any(sum(1 for _ in itertools.islice(
                sympy.preorder_traversal(a), MAX_WALK_NODES + 1)) > MAX_WALK_NODES for a in args):
            return False, None
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
                return True, (f"not differentiable at this point ({row_text(p, labels, node)}: "
                              f"{kink.split(';')[0]} exactly here, which floating point misses)")
        if exceeds_bounds(value):
            return False, None
        exact.append(value)
    return True, None


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


# --- SymPy's derivatives, to print ------------------------------------------------------


def tree_sizes(trace: Trace) -> list[int]:
    """Every node's size as a tree (a subexpression used twice counts twice): what SymPy's
    expression of it holds before any simplification."""
    p = trace.program
    size = [1] * p.n_inputs
    for eqn in p.eqns:
        size.append(1 + sum(size[a] if isinstance(a, int) else 1 for a in eqn.args))
    return size


def _pairs(trace: Trace, k: int, name: str) -> list[tuple[str, str, float]]:
    """(output, input, weight) of the Jacobian entries that result ``name`` of sweep ``k``
    weighs together."""
    sweep = trace.sweeps[k]
    return [(*sweep.kind.entry(key, name), w) for key, w in sweep.seed.items() if w != 0]


def _symbolic(trace: Trace, specs: list[tuple[int, str, float]]) -> list[tuple[str, str | None]]:
    """SymPy's derivative of each entry as (text, LaTeX), or why it is not shown."""
    size = tree_sizes(trace)
    node = dict(trace.program.outputs)
    cost = sum(size[node[o]] for k, name, _ in specs for o, _, _ in _pairs(trace, k, name))
    why = None
    if cost > MAX_SHOWN:
        why = NOT_SHOWN
    else:
        try:  # a last resort against SymPy's pathologies: the bound keeps well inside it
            with budget.time_budget(budget.TIME_BUDGET):
                return _derivatives(trace, specs)
        except budget.OutOfTime:
            why = f"not shown (SymPy took longer than {budget.TIME_BUDGET:g} s)"
        except RecursionError:
            why = "not shown (too deeply nested for SymPy)"
        except Exception as err:  # ExactTooLarge and SymPy's own failures
            why = f"not shown (SymPy failed: {type(err).__name__})"
    return [(why, rf"\text{{{why}}}")] * len(specs)


def _derivatives(trace: Trace, specs: list[tuple[int, str, float]]) -> list[tuple[str, str]]:
    import sympy

    from .program import Const
    from .symbolic import SYMPY, symbol

    p = trace.program
    syms = [symbol(name) for name in p.inputs]
    exprs: list[Any] = list(syms)
    for eqn in p.eqns:
        exprs.append(eqn.rule.value(SYMPY, *[a.exact() if isinstance(a, Const) else exprs[a]
                                             for a in eqn.args]))
    out_expr = {name: exprs[node] for name, node in p.outputs}
    cache: dict[tuple[str, str], Any] = {}
    texts = []
    for k, name, _ in specs:
        total = sympy.Integer(0)
        for o, i, w in _pairs(trace, k, name):
            if (o, i) not in cache:
                cache[(o, i)] = sympy.diff(out_expr[o], syms[p.inputs.index(i)])
            weight = sympy.Integer(1) if w == 1 else sympy.Rational(repr(w))
            total += weight * cache[(o, i)]
        texts.append(_print_symbolic(total, p.inputs))
    return texts


def _print_symbolic(expr: Any, inputs: list[str]) -> tuple[str, str]:
    """A derivative as text and as LaTeX: the one place the check prints SymPy (in the
    rows' own notation, :func:`adtrace.fromsympy.show`)."""
    from .fromsympy import show

    return show(expr, inputs)

"""``--exact``: every value of a trace also in exact form (``ln(2)``, ``3 + cos(2)``, ``1/2``).

The exact values are computed by walking the same :class:`~adtrace.program.Program`
as the float sweeps, with the op table's own ``value`` and ``partials`` rules
called in the SymPy namespace (:data:`adtrace.symbolic.SYMPY`): never by parsing
text.  Inputs keep the exact value they were given (``x=1/2``, ``t=pi/4``; a
decimal such as ``0.1`` is the exact decimal 1/10).  Seeds are the floats of the
sweeps, read back as the simplest fraction that gives the same float.

The work is bounded, and the bounds do not depend on the machine's speed:

* a value whose SymPy tree has more than :data:`MAX_EXACT_NODES` nodes, or an
  integer of more than :data:`MAX_EXACT_BITS` bits, is not carried further (it and
  every value computed from it are shown as decimals only);
* a value whose printed form is longer than :data:`MAX_EXACT_CHARS` characters is
  not shown (decimals only);
* ``sympy.simplify`` is tried only on values of at most :data:`MAX_SIMPLIFY_OPS`
  operations, and kept only when it is not longer.

As a last resort against pathological inputs, everything runs under SymPy's
time budget (:mod:`adtrace.budget`); values not reached in time are shown as decimals
only.  Every value left without an exact form is named in :attr:`ExactValues.notes`.

Renderers never import SymPy: they read the strings in :class:`Exact`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from . import budget
from .tracing import Sweep, Trace

MAX_EXACT_CHARS = 200
MAX_EXACT_NODES = 400
MAX_EXACT_BITS = 700
MAX_SIMPLIFY_OPS = 20
#: how many names a note lists before it says "and N more"
NOTE_NAMES = 8


@dataclass(frozen=True)
class Exact:
    """One exact value, printed: ``text`` as adtrace reads it, ``latex`` to typeset."""

    text: str
    latex: str


@dataclass
class ExactSweep:
    seed: dict[str, Exact | None]  # forward: input -> tangent; reverse: output -> weight
    steps: list[Exact | None]  # one per step of the sweep, in the same order
    values: list[Exact | None]  # final tangent or adjoint of every node (None: not reached)
    result: dict[str, Exact | None]  # forward: outputs' tangents; reverse: inputs' adjoints


@dataclass
class ExactValues:
    """What ``--exact`` adds to a trace; ``None`` wherever the exact form is not shown."""

    primal: list[Exact | None]  # every node's value
    sweeps: list[ExactSweep]  # in the order of ``Trace.sweeps``
    notes: list[str] = field(default_factory=list)
    _index: dict[int, int] = field(default_factory=dict, repr=False)

    def sweep_of(self, sweep: Sweep) -> ExactSweep | None:
        k = self._index.get(id(sweep))
        return None if k is None else self.sweeps[k]

    def result(self, sweep: Sweep, name: str) -> Exact | None:
        """The exact result of ``sweep`` for ``name`` (an output's tangent, an input's adjoint)."""
        ex = self.sweep_of(sweep)
        return None if ex is None else ex.result.get(name)

    def derivatives(self, t: Trace) -> dict[str, dict[str, Exact | None]]:
        """The exact Jacobian entries, keyed like :attr:`Trace.derivatives`."""
        out: dict[str, dict[str, Exact | None]] = {o: {} for o in t.derivatives}
        for sweep, ex in zip(t.sweeps, self.sweeps):
            unit = sweep.unit
            if unit is None:
                continue
            for name, value in ex.result.items():
                if t.mode == "forward":
                    out[name][unit] = value
                else:
                    out[unit][name] = value
        return {o: {i: out[o].get(i) for i in d} for o, d in t.derivatives.items()}

    def attach_primal(self, rows: list[Any]) -> None:
        """Set ``row.exact`` on the rows of a primal trace (``rows.primal_rows``)."""
        for row in rows:
            if row.node is not None:
                row.exact = self.primal[row.node]

    def attach_sweep(self, sweep: Sweep, rows: list[Any]) -> None:
        """Set ``row.exact`` on the rows of one sweep (``rows.tangent_rows``/``adjoint_rows``)."""
        ex = self.sweep_of(sweep)
        if ex is None:
            return
        k = 0
        for row in rows:
            if row.kind in ("tangent", "adjoint"):
                row.exact = ex.steps[k] if k < len(ex.steps) else None
                k += 1
            elif row.kind == "seed":
                row.exact = _show_float(row.value)
            elif row.node is not None:
                row.exact = ex.values[row.node]


def exact_values(t: Trace) -> ExactValues:
    """The exact form of every value in ``t``: primal, each sweep's steps and results."""
    work = _Work(t)
    try:
        with budget.time_budget(budget.TIME_BUDGET):
            work.run()
    except budget.OutOfTime:
        work.late = True
    return work.finish()


# --- the computation ---------------------------------------------------------------------------


class _Work:
    """Fills the exact values in place, so that a timeout keeps what was done."""

    def __init__(self, t: Trace) -> None:
        self.t = t
        p = t.program
        self.primal: list[Exact | None] = [None] * p.n_nodes
        self.sweeps = [ExactSweep({}, [None] * len(s.steps), [None] * p.n_nodes, {})
                       for s in t.sweeps]
        self.late = False
        self.too_long: list[str] = []
        self.too_large: list[str] = []
        self._shown: dict[Any, Exact | None] = {}

    # values -> Exact, with the bounds
    def show(self, value: Any, name: str) -> Exact | None:
        if value is None:
            return None
        if value in self._shown:
            shown = self._shown[value]
        else:
            shown = _printed(_simplified(value))
            self._shown[value] = shown
        if shown is None:
            self.too_long.append(name)
        return shown

    def bounded(self, value: Any, name: str) -> Any:
        """``value``, or None (and a note) when it is too large to carry further."""
        if value is None:
            return None
        if exceeds_bounds(value):
            self.too_large.append(name)
            return None
        return value

    def run(self) -> None:
        import sympy

        from .ops import winner
        from .program import Const
        from .symbolic import SYMPY
        from .tracing import arg_values

        t, p, lab = self.t, self.t.program, self.t.labels
        n = p.n_inputs
        vals: list[Any] = [None] * p.n_nodes
        for i, c in enumerate(t.point):
            vals[i] = self.bounded(_safe(c.exact), lab.text[i])
        for k, eqn in enumerate(p.eqns):
            node = n + k
            args = [_safe(a.exact) if isinstance(a, Const) else vals[a] for a in eqn.args]
            if any(a is None for a in args):
                continue
            vals[node] = self.bounded(_safe(eqn.rule.value, SYMPY, *args), lab.text[node])

        partial_cache: dict[tuple[int, int], Any] = {}

        def partial(node: int, k: int) -> Any:
            """∂node/∂(argument k), exact; None when unknown."""
            key = (node, k)
            if key not in partial_cache:
                eqn = p.eqn(node)
                rule = eqn.rule
                if rule.routes:
                    win = winner(rule, arg_values(p, node, t.values))
                    partial_cache[key] = sympy.Integer(1 if k == win else 0)
                else:
                    args = [_safe(a.exact) if isinstance(a, Const) else vals[a] for a in eqn.args]
                    partial_cache[key] = None if any(a is None for a in args) else _safe(
                        rule.partials[k], SYMPY, *args)
            return partial_cache[key]

        for node in range(p.n_nodes):
            self.primal[node] = self.show(vals[node], lab.text[node])

        for sweep, ex in zip(t.sweeps, self.sweeps):
            if sweep.mode == "forward":
                self._forward(sweep, ex, partial)
            else:
                self._reverse(sweep, ex, partial)

    def _forward(self, sweep: Sweep, ex: ExactSweep, partial: Any) -> None:
        import sympy

        p, lab = self.t.program, self.t.labels
        n = p.n_inputs
        dots: list[Any] = [_rational(sweep.seed[name]) for name in p.inputs] + [None] * len(p.eqns)
        ex.seed = {name: _show_float(sweep.seed[name]) for name in p.inputs}
        for k, step in enumerate(sweep.steps):
            node = step.node
            eqn = p.eqn(node)
            total: Any = sympy.Integer(0)
            for j, a in enumerate(eqn.args):
                if isinstance(a, int):
                    d = partial(node, j)
                    if d is None or dots[a] is None:
                        total = None
                        break
                    total = total + d * dots[a]
            dots[node] = self.bounded(total, lab.dot(node))
            ex.steps[k] = self.show(dots[node], lab.dot(node))
        for i in range(n):
            ex.values[i] = ex.seed[p.inputs[i]]
        for step, shown in zip(sweep.steps, ex.steps):
            ex.values[step.node] = shown
        ex.result = {name: ex.values[node] for name, node in p.outputs}

    def _reverse(self, sweep: Sweep, ex: ExactSweep, partial: Any) -> None:
        p, lab = self.t.program, self.t.labels
        bars: list[Any] = [None] * p.n_nodes
        known = [False] * p.n_nodes  # False: no exact form (too large), or not reached yet
        ex.seed = {name: _show_float(w) for name, w in sweep.seed.items()}
        for name, node in p.outputs:
            w = sweep.seed.get(name, 0.0)
            if w != 0:
                bars[node] = _rational(w) if bars[node] is None else bars[node] + _rational(w)
                known[node] = True
        for k, step in enumerate(sweep.steps):
            assert step.source is not None and step.arg is not None
            d = partial(step.source, step.arg)
            src = bars[step.source] if known[step.source] else None
            value = None
            if d is not None and src is not None:
                contribution = src * d
                if step.previous is None:
                    value = contribution
                elif known[step.node]:
                    value = bars[step.node] + contribution
            value = self.bounded(value, lab.bar(step.node))
            bars[step.node] = value
            known[step.node] = value is not None
            ex.steps[k] = self.show(value, lab.bar(step.node))
        for node in range(p.n_nodes):
            if sweep.values[node] is not None:
                ex.values[node] = self.show(bars[node], lab.bar(node)) if known[node] else None
        ex.result = {name: ex.values[i] if sweep.values[i] is not None else _show_float(0.0)
                     for i, name in enumerate(p.inputs)}

    def finish(self) -> ExactValues:
        notes = []
        if self.too_large:
            notes.append(f"no exact form for {_names(self.too_large)} and the values computed "
                         f"from {'it' if len(_unique(self.too_large)) == 1 else 'them'}: too "
                         "large; decimals shown")
        if self.too_long:
            notes.append(f"exact form of {_names(self.too_long)} longer than {MAX_EXACT_CHARS} "
                         "characters; decimals shown")
        if self.late:
            notes.append("SymPy took too long: some exact forms are missing; decimals shown")
        index = {id(s): k for k, s in enumerate(self.t.sweeps)}
        return ExactValues(self.primal, self.sweeps, notes, index)


# --- helpers -----------------------------------------------------------------------------------


def _safe(make: Any, *args: Any) -> Any:
    """``make(*args)`` as a SymPy value, or None when SymPy cannot (or may not:
    ``ExactTooLarge``) compute it."""
    import sympy

    try:
        return sympy.sympify(make(*args))
    except (ArithmeticError, ValueError, TypeError, RecursionError, MemoryError):
        return None
    except Exception as err:
        from .symbolic import ExactTooLarge

        if isinstance(err, ExactTooLarge):
            return None
        raise


def exceeds_bounds(value: Any) -> bool:
    """Too large to carry further exactly: a big tree, a huge rational, a float, or
    something infinite or not real."""
    import sympy

    count = 0
    for node in sympy.preorder_traversal(value):
        count += 1
        if count > MAX_EXACT_NODES:
            return True
        if isinstance(node, sympy.Rational) and max(
                abs(node.p).bit_length(), abs(node.q).bit_length()) > MAX_EXACT_BITS:
            return True
        if isinstance(node, sympy.Float):
            return True  # never produced by exact inputs; refuse rather than mislead
    return value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.I)


def _simplified(value: Any) -> Any:
    import sympy

    if value.is_Atom or value.is_Rational:
        return value
    ops = sympy.count_ops(value)
    if ops > MAX_SIMPLIFY_OPS:
        return value
    try:
        simpler = sympy.simplify(value)
    except Exception:  # SymPy's own failures: keep the value as computed
        return value
    return simpler if sympy.count_ops(simpler) <= ops else value


def _printed(value: Any) -> Exact | None:
    from .symbolic import LATEX, TEXT

    text = TEXT.doprint(value)
    if len(text) > MAX_EXACT_CHARS:
        return None
    return Exact(text, LATEX.doprint(value))


def _rational(x: float) -> Any:
    """The simplest fraction whose float is ``x`` (seeds: ``0.5`` -> 1/2, ``1/3`` -> 1/3)."""
    import sympy

    q = _fraction(x)
    return sympy.Rational(q.numerator, q.denominator)


def _fraction(x: float) -> Fraction:
    exact = Fraction(x)
    for limit in (10, 1000, 10**6):
        q = exact.limit_denominator(limit)
        if float(q) == x:
            return q
    return exact


def _show_float(x: float) -> Exact | None:
    if not math.isfinite(x):
        return None
    q = _fraction(x)
    if q.denominator == 1:
        return Exact(str(q.numerator), str(q.numerator))
    sign = "-" if q < 0 else ""
    return Exact(f"{q.numerator}/{q.denominator}",
                 rf"{sign}\frac{{{abs(q.numerator)}}}{{{q.denominator}}}")


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _names(names: list[str]) -> str:
    names = _unique(names)
    shown = ", ".join(names[:NOTE_NAMES])
    if len(names) > NOTE_NAMES:
        shown += f" and {len(names) - NOTE_NAMES} more"
    return shown

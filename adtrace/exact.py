"""``--exact``: every value of a trace also in exact form (``ln(2)``, ``3 + cos(2)``, ``1/2``).

The exact values come from the same :class:`~adtrace.program.Program` as the
floats, with the op table's own ``value`` and ``partials`` rules called in the
SymPy namespace (:data:`adtrace.symbolic.SYMPY`), and the tangents and adjoints
from the very :func:`~adtrace.forward.forward_sweep` and
:func:`~adtrace.reverse.reverse_sweep` of the trace, run with SymPy values: never
by parsing text.  Inputs keep the exact value they were given (``x=1/2``, ``t=pi/4``; a
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
from .arith import Arithmetic
from .ops import winner
from .program import Const, Eqn, Labels
from .tracing import Sweep, Trace, arg_values, jacobian_entries

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
        out = jacobian_entries([(s, ex.result) for s, ex in zip(t.sweeps, self.sweeps)],
                               t.derivatives)
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
            if row.step is not None:  # one of the sweep's steps
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


class _Unknown:
    """A value without an exact form (too large, or beyond SymPy): so is all computed from it."""

    def __add__(self, other: object) -> _Unknown:
        return self

    __radd__ = __mul__ = __rmul__ = __add__

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


class _Work:
    """Fills the exact values in place, so that a timeout keeps what was done.

    The sweeps are the float trace's own :func:`forward_sweep` and
    :func:`reverse_sweep`, run again with SymPy values: they take the same steps, in
    the same order, because an exact partial is None exactly where a float one is.
    """

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
        if value is None or value is UNKNOWN:
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
        """``value``, or UNKNOWN (with a note if it is too large to carry further)."""
        if value is None or value is UNKNOWN:
            return UNKNOWN
        if exceeds_bounds(value):
            self.too_large.append(name)
            return UNKNOWN
        return value

    def fits(self, value: Any) -> bool:
        return value is UNKNOWN or not exceeds_bounds(value)

    def misfit(self, labels: Labels, node: int, value: Any, role: str, sweep: str) -> Any:
        self.too_large.append(labels.marked(node, role))
        return UNKNOWN

    def run(self) -> None:
        import sympy

        t, p, lab = self.t, self.t.program, self.t.labels
        vals = self.primal_values()
        for node in range(p.n_nodes):
            self.primal[node] = self.show(vals[node], lab.text[node])
        partials = _Partials(t, vals)
        arith = Arithmetic(sympy.Integer(0), self.fits, self.misfit)
        for sweep, ex in zip(t.sweeps, self.sweeps):
            seed = {name: _rational(w) for name, w in sweep.seed.items()}
            ex.seed = {name: _show_float(w) for name, w in sweep.seed.items()}
            exact = sweep.kind.run(p, lab, partials, seed, arith)
            if sweep.kind.seeds == "inputs":
                self._show_forward(exact, ex)
            else:
                self._show_reverse(sweep, exact, ex)

    def primal_values(self) -> list[Any]:
        """Every node's exact value (UNKNOWN where there is none)."""
        from .symbolic import SYMPY

        t, p, lab = self.t, self.t.program, self.t.labels
        vals: list[Any] = [self.bounded(_safe(c.exact), lab.text[i])
                           for i, c in enumerate(t.point)]
        for k, eqn in enumerate(p.eqns):
            args = _exact_args(eqn, vals)
            node = p.n_inputs + k
            vals.append(UNKNOWN if any(a is UNKNOWN for a in args) else
                        self.bounded(_safe(eqn.rule.value, SYMPY, *args), lab.text[node]))
        return vals

    def _show_forward(self, exact: Sweep, ex: ExactSweep) -> None:
        p, lab = self.t.program, self.t.labels
        for k, step in enumerate(exact.steps):
            ex.steps[k] = self.show(step.value, lab.marked(step.node, "dot"))
        for i, name in enumerate(p.inputs):
            ex.values[i] = ex.seed[name]
        for step, shown in zip(exact.steps, ex.steps):
            ex.values[step.node] = shown
        ex.result = {name: ex.values[node] for name, node in p.outputs}

    def _show_reverse(self, sweep: Sweep, exact: Sweep, ex: ExactSweep) -> None:
        p, lab = self.t.program, self.t.labels
        for k, step in enumerate(exact.steps):
            ex.steps[k] = self.show(step.value, lab.marked(step.node, "bar"))
        for node in range(p.n_nodes):
            ex.values[node] = self.show(exact.values[node], lab.marked(node, "bar"))
        ex.result = {name: ex.values[i] for i, name in enumerate(p.inputs)}

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


class _Partials:
    """The exact partials of equation ``k`` as ``partials[k]``, computed when first read:
    None where the float partial is None (a constant argument, a max/min loser),
    UNKNOWN where there is no exact form."""

    def __init__(self, t: Trace, vals: list[Any]) -> None:
        self.t, self.vals = t, vals
        self.rows: dict[int, list[Any]] = {}

    def __getitem__(self, k: int) -> list[Any]:
        row = self.rows.get(k)
        if row is None:
            row = self.rows[k] = self._row(k)
        return row

    def _row(self, k: int) -> list[Any]:
        import sympy

        from .symbolic import SYMPY

        p = self.t.program
        eqn = p.eqns[k]
        rule = eqn.rule
        if rule.routes:
            win = winner(rule, arg_values(p, p.n_inputs + k, self.t.values))
            return [sympy.Integer(1) if j == win and isinstance(a, int) else None
                    for j, a in enumerate(eqn.args)]
        args = _exact_args(eqn, self.vals)
        known = all(a is not UNKNOWN for a in args)
        return [None if not isinstance(a, int) else
                _known(_safe(rule.partials[j], SYMPY, *args)) if known else UNKNOWN
                for j, a in enumerate(eqn.args)]


def _exact_args(eqn: Eqn, vals: list[Any]) -> list[Any]:
    """The exact values of an equation's arguments, constants included."""
    return [_known(_safe(a.exact)) if isinstance(a, Const) else vals[a] for a in eqn.args]


def _known(value: Any) -> Any:
    return UNKNOWN if value is None else value


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
    """The value as the rows print (``1 - exp(-1)``, ``ln(2)``), unless it is too long."""
    from .fromsympy import show_value

    text, latex = show_value(value)
    if len(text) > MAX_EXACT_CHARS:
        return None
    return Exact(text, latex)


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

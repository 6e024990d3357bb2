"""What a trace is made of, and the primal evaluation every sweep starts from."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .errors import DomainError
from .expr import FLOAT, ConstD, D, Leaf, display_namespace
from .kinds import SWEEP_KINDS, SweepKind
from .notation import TextPrinter, fmt_number
from .ops import winner
from .program import Const, Labels, Program


@dataclass(slots=True)
class Step:
    """One printed row of a tangent or adjoint sweep (a large trace has many: slots)."""

    node: int  # whose tangent or adjoint this row sets
    value: float  # its value after the row
    source: int | None = None  # reverse: the node whose adjoint flows into ``node``
    arg: int | None = None  # reverse: which argument of ``source`` ``node`` is
    previous: float | None = None  # reverse: the value before an accumulation (``x̄ = x̄ + ...``)

    @property
    def accumulates(self) -> bool:
        return self.previous is not None


@dataclass
class Sweep:
    kind: SweepKind  # tangent (forward mode) or adjoint (reverse mode): see kinds.py
    seed: dict[str, float]  # forward: input -> tangent; reverse: output -> weight
    steps: list[Step]
    values: list[float]  # the final tangent or adjoint of every node
    result: dict[str, float]  # forward: outputs' tangents; reverse: inputs' adjoints

    @property
    def mode(self) -> str:
        return self.kind.mode

    @property
    def unit(self) -> str | None:
        """The one seeded name when the seed is a unit vector (a Jacobian column/row)."""
        hot = [k for k, v in self.seed.items() if v != 0]
        if len(hot) == 1 and self.seed[hot[0]] == 1:
            return hot[0]
        return None


@dataclass
class CheckEntry:
    output: str
    input: str
    symbolic: str  # SymPy's derivative, or why it is not shown
    value: float  # the chain rule's value (check.py)
    ad: float
    agree: bool | None  # None: not differentiable at the point, not compared
    note: str | None = None
    latex: str | None = None  # ``symbolic`` typeset (for LaTeX output)


@dataclass
class Check:
    entries: list[CheckEntry] = field(default_factory=list)
    skipped: str | None = None  # why the check did not run

    @property
    def agree(self) -> bool:
        return all(e.agree is not False for e in self.entries)

    @property
    def max_abs_error(self) -> float:
        errs = [abs(e.value - e.ad) for e in self.entries if e.agree is not None]
        return max(errs, default=0.0)


@dataclass
class Trace:
    program: Program
    labels: Labels
    mode: str  # "forward" | "reverse"
    point: list[Const]  # input values as given
    values: list[float]  # primal value of every node
    sweeps: list[Sweep]
    warnings: list[str] = field(default_factory=list)
    check: Check | None = None
    digits: int = 4
    exact: Any = None  # exact.ExactValues when --exact asked

    @property
    def kind(self) -> SweepKind:
        """The kind of its sweeps."""
        return SWEEP_KINDS[self.mode]

    @property
    def derivatives(self) -> dict[str, dict[str, float]]:
        """The Jacobian entries the sweeps produced: output -> input -> value."""
        p = self.program
        out = jacobian_entries([(s, s.result) for s in self.sweeps], p.output_names())
        # keep the contract's order: outputs as declared, inputs in --at order
        return {o: {i: out[o][i] for i in p.inputs if i in out[o]} for o in out}


def jacobian_entries(results: list[tuple[Sweep, dict[str, Any]]],
                     outputs: Iterable[str]) -> dict[str, dict[str, Any]]:
    """output -> input -> value, from the results of the sweeps with a unit seed (a
    tangent sweep's give a column of the Jacobian, an adjoint sweep's a row)."""
    out: dict[str, dict[str, Any]] = {name: {} for name in outputs}
    for sweep, result in results:
        unit = sweep.unit
        if unit is not None:
            for name, value in result.items():
                o, i = sweep.kind.entry(unit, name)
                out[o][i] = value
    return out


# --- the primal sweep -------------------------------------------------------------------------


def arg_display(program: Program, node: int, *, exact_consts: bool = False,
                leaf: Callable[[int, str], D] | None = None) -> list[D]:
    """The display of a node's arguments: ``Leaf`` for nodes, the constant as written.

    With ``leaf``, argument ``k`` is ``leaf(k, "val")`` instead (a template's place)."""
    from .expr import Num

    out: list[D] = []
    for k, a in enumerate(program.eqn(node).args):
        if isinstance(a, int):
            out.append(Leaf(a) if leaf is None else leaf(k, "val"))
        elif exact_consts and a.rational is not None:
            out.append(Num(a.rational))
        else:
            out.append(ConstD(a))
    return out


def primal_display(program: Program, node: int,
                   leaf: Callable[[int, str], D] | None = None) -> D:
    """``x1 * x2`` for a node: the op's own ``value`` rule, called on display trees
    (with ``leaf``, a template: see :func:`arg_display`)."""
    eqn = program.eqn(node)
    return eqn.rule.value(display_namespace(eqn.alias), *arg_display(program, node, leaf=leaf))


def row_text(program: Program, labels: Labels, node: int) -> str:
    return f"{labels.text[node]} = " + TextPrinter(labels.leaf_text, times=" * ").doprint(
        primal_display(program, node))


def _at(labels: Labels, nodes: list[int], values: list[float], digits: int = 6) -> str:
    seen: list[int] = []
    for n in nodes:
        if n not in seen:
            seen.append(n)
    return ", ".join(f"{labels.text[n]} = {fmt_number(values[n], digits)}" for n in seen)


def arg_values(program: Program, node: int, values: list[float]) -> tuple[float, ...]:
    return tuple([a.value if isinstance(a, Const) else values[a]  # type: ignore[index]
                  for a in program.eqn(node).args])


def evaluate_primal(program: Program, labels: Labels, point: list[float],
                    warnings: list[str] | None = None) -> list[float]:
    """Every node's value; a domain error names the row and its arguments' values."""
    # (+ 0.0: a negative zero is the number 0, and prints and is written as 0)
    values = [x + 0.0 for x in point] + [0.0] * len(program.eqns)
    n = program.n_inputs
    isfinite = math.isfinite
    for k, eqn in enumerate(program.eqns):
        node = n + k
        args = tuple([a.value if isinstance(a, Const) else values[a]  # as arg_values
                      for a in eqn.args])
        rule = eqn.rule
        try:
            v = rule.value(FLOAT, *args)
        except OverflowError:
            v = math.inf
        except (ValueError, ZeroDivisionError):
            raise _domain(program, labels, node, values, "is undefined") from None
        if isinstance(v, complex) or not isfinite(v):
            raise _domain(program, labels, node, values, "overflows" if isinstance(v, float) and
                          math.isinf(v) else "is undefined")
        values[node] = float(v) + 0.0
        if warnings is not None and rule.nondiff is not None:
            msg = rule.nondiff(args)
            if msg:
                warnings.append(f"{row_text(program, labels, node)} at "
                                f"{_at(labels, program.node_args(node), values)}: {msg}")
    return values


def _domain(program: Program, labels: Labels, node: int, values: list[float],
            what: str) -> DomainError:
    at = _at(labels, program.node_args(node), values)
    return DomainError(f"{row_text(program, labels, node)} {what} at {at}")


def partial_values(program: Program, labels: Labels, node: int,
                   values: list[float]) -> list[float | None]:
    """∂node/∂arg for every argument: ``None`` for constants and max/min losers."""
    eqn = program.eqns[node - program.n_inputs]
    args = tuple([a.value if isinstance(a, Const) else values[a]  # as arg_values
                  for a in eqn.args])
    rule = eqn.rule
    if rule.routes:
        w = winner(rule, args)
        return [1.0 if k == w and isinstance(a, int) else None
                for k, a in enumerate(eqn.args)]
    out: list[float | None] = []
    partials = rule.partials
    for k, a in enumerate(eqn.args):
        if not isinstance(a, int):
            out.append(None)
            continue
        try:
            p = float(partials[k](FLOAT, *args))
        except (ValueError, ZeroDivisionError, OverflowError):
            p = math.nan
        if not math.isfinite(p):
            which = "" if len(program.node_args(node)) == 1 else \
                f" with respect to {labels.text[a]}"
            raise _domain(program, labels, node, values, f"has no finite derivative{which}")
        out.append(p)
    return out


def check_finite(labels: Labels, node: int, value: float, role: str, sweep: str) -> float:
    if not math.isfinite(value):
        name = labels.marked(node, role)
        raise DomainError(f"{name} overflows to {fmt_number(value)} in the {sweep}")
    return value

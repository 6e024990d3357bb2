"""Forward against reverse mode for the whole Jacobian: what each costs on one function.

:func:`compare` runs both modes on the user's program — forward mode one tangent
sweep per input, reverse mode one adjoint sweep per output — and counts what the
sweeps do.  The counting rules (also printed by ``adtrace compare`` and listed in
``docs/programs.md``):

* An **operation** is one primal row (one elementary function, with its local
  partial derivatives) or one multiply-add of a sweep: a tangent term
  ``v̇ += ∂v/∂u · u̇`` or an adjoint contribution ``ū += v̄ · ∂v/∂u``.
* **Forward mode** carries each tangent along with the primal, row by row (Baydin's
  Table 2), so every tangent sweep evaluates the primal rows again; a row's tangent
  has one term per variable argument (one for max/min: the winner), whatever the
  seed.  It keeps only the values still needed: **stored** is the most values alive
  at once, each with its tangent.  A value is alive from the row that computes it
  (an input: from the first row that reads it) to the last row that reads it; the
  outputs stay alive to the end.
* **Reverse mode** evaluates the primal once and records every value on the tape;
  each adjoint sweep then walks the tape backwards from its output and makes one
  multiply-add per contribution it reaches (rows its output does not depend on
  cost nothing).  **Stored** is the tape length: every input and every row.
* The **cheaper** mode needs fewer operations; on a tie, fewer sweeps (passes over
  the graph: the textbook's n against m); then fewer stored values; if all tie,
  ``"either"``.

Nothing is printed here: each format under ``adtrace/render/`` prints the
:class:`Comparison` with its ``compare`` function.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .api import At, load
from .forward import forward_sweep
from .jacobian import JacobianView, jacobian_view
from .notation import sym
from .program import Program
from .reverse import reverse_sweep
from .tracing import Sweep, Trace, evaluate_primal, partial_values

DEFINITIONS: dict[str, str] = {
    "operation": "one primal row (an elementary function with its local partial derivatives) "
                 "or one multiply-add of a sweep: a tangent term v̇ += ∂v/∂u·u̇ or an adjoint "
                 "contribution ū += v̄·∂v/∂u",
    "forward": "every tangent sweep evaluates the primal rows again, together with their "
               "tangents, and keeps only the values still needed: stored = the most values "
               "alive at once (each with its tangent)",
    "reverse": "the primal rows are evaluated once and every value is recorded on the tape; "
               "each adjoint sweep walks the tape back from its output: stored = the tape "
               "length (every input and every row)",
    "cheaper": "fewer operations; on a tie, fewer sweeps (passes over the graph), then "
               "fewer stored values",
}


@dataclass(frozen=True)
class SweepCost:
    """One sweep of one mode: what it seeded and the operations it executed."""

    title: str  # "tangent sweep 1" | "adjoint sweep 2"
    seed: str  # the input (forward) or output (reverse) seeded with 1
    primal: int  # primal rows this sweep evaluates
    multiply_adds: int  # tangent terms or adjoint contributions

    @property
    def operations(self) -> int:
        return self.primal + self.multiply_adds


@dataclass(frozen=True)
class ModeCost:
    """The full Jacobian by one mode: its sweeps, their operations, the values kept."""

    mode: str  # "forward" | "reverse"
    sweeps: list[SweepCost]
    stored: int  # forward: most values alive at once; reverse: the tape length

    @property
    def n_sweeps(self) -> int:
        return len(self.sweeps)

    @property
    def operations(self) -> int:
        return sum(s.operations for s in self.sweeps)

    @property
    def stored_what(self) -> str:
        return "most alive at once" if self.mode == "forward" else "the tape"

    def as_dict(self) -> dict[str, int]:
        """The contract's JSON object: ``{"sweeps", "operations", "stored"}``."""
        return {"sweeps": self.n_sweeps, "operations": self.operations, "stored": self.stored}


@dataclass(frozen=True)
class Comparison:
    """Forward against reverse mode on one function at one point.

    For renderers (one module per format under ``adtrace/render/``):

    * ``source`` is the formula or program as given; ``inputs`` and ``outputs`` are
      ``(name, value)`` pairs in the trace's order (inputs as in ``--at``);
      ``primal_rows`` is the number of operations in the primal trace.
    * ``forward`` and ``reverse`` are :class:`ModeCost`: ``n_sweeps``,
      ``operations`` (total), ``stored``, ``stored_what``, and ``sweeps``, one
      :class:`SweepCost` per sweep with ``title``, ``seed``, ``primal``,
      ``multiply_adds`` and ``operations``.
    * ``cheaper`` is ``"forward"``, ``"reverse"`` or ``"either"``; ``why`` says
      why in one sentence; :data:`DEFINITIONS` words the counting rules.
    * ``jacobian`` is the Jacobian as reverse mode assembled it (a
      :class:`~adtrace.jacobian.JacobianView`), ``max_difference`` the largest
      difference between the forward and the reverse Jacobian entries.
    * ``reverse_trace`` is the reverse-mode trace (its sweeps, values and labels),
      for a renderer that wants to show it.
    """

    source: str
    inputs: list[tuple[str, float]]
    outputs: list[tuple[str, float]]
    primal_rows: int
    forward: ModeCost
    reverse: ModeCost
    cheaper: str
    why: str
    jacobian: JacobianView
    max_difference: float
    warnings: list[str] = field(default_factory=list)
    reverse_trace: Trace | None = field(default=None, repr=False, compare=False)
    digits: int = 4  # decimals shown (as --digits)

    def as_dict(self) -> dict[str, object]:
        """The contract's ``adtrace compare --format json`` object (schema 1)."""
        t = self.reverse_trace
        assert t is not None
        p, lab = t.program, t.labels
        return {
            "schema": 1,
            "mode": "compare",
            "inputs": [{"id": lab.ids[i], "name": name, "value": t.values[i]}
                       for i, name in enumerate(p.inputs)],
            "outputs": [{"id": lab.ids[node], "name": name, "value": t.values[node]}
                        for name, node in p.outputs],
            "forward": self.forward.as_dict(),
            "reverse": self.reverse.as_dict(),
            "cheaper": self.cheaper,
            "why": self.why,
        }


def compare(formula: str, at: At, *, out: str | list[str] | None = None,
            digits: int = 4) -> Comparison:
    """Run forward and reverse mode for the full Jacobian of ``formula`` at ``at`` and
    count sweeps, operations and stored values (see the module's docstring)."""
    from .errors import BindingError

    if at is None:
        raise BindingError("--at is required: give a value for every variable, e.g. --at x1=2,x2=3")
    program, lab, point = load(formula, at, out=out)
    assert point is not None
    warnings: list[str] = []
    values = evaluate_primal(program, lab, [c.value for c in point], warnings)
    n = program.n_inputs
    partials = [partial_values(program, lab, n + k, values) for k in range(len(program.eqns))]
    # thousands of inputs or outputs: refuse, not hang
    from .parse import MAX_COMPARE_ROWS, check_trace_size

    check_trace_size(program, program.n_inputs, "forward", fewer="", limit=MAX_COMPARE_ROWS)
    check_trace_size(program, len(program.outputs), "reverse", fewer="--out")
    # forward: only each column is kept (a large program's sweeps need not stay in memory)
    columns = {name: forward_sweep(program, lab, partials, {name: 1.0}).result
               for name in program.inputs}
    rev = [reverse_sweep(program, lab, partials, {name: 1.0}) for name in program.output_names()]
    reverse_trace = Trace(program, lab, "reverse", point, values, rev, warnings)

    rows = len(program.eqns)
    terms = sum(1 for ps in partials for p in ps if p is not None)
    forward = ModeCost("forward", [
        SweepCost(f"tangent sweep {k}", name, rows, terms)
        for k, name in enumerate(program.inputs, start=1)], live_values(program))
    reverse = ModeCost("reverse", [
        SweepCost(f"adjoint sweep {k}", name, rows if k == 1 else 0,
                  _contributions(sweep, partials))
        for k, (name, sweep) in enumerate(zip(program.output_names(), rev), start=1)],
        program.n_nodes)
    cheaper = _cheaper(forward, reverse)

    rj = reverse_trace.derivatives
    diff = max((abs(column[o] - rj[o][i]) for i, column in columns.items() for o in column),
               default=0.0)
    return Comparison(
        source=program.source,
        inputs=[(name, values[i]) for i, name in enumerate(program.inputs)],
        outputs=[(name, values[node]) for name, node in program.outputs],
        primal_rows=rows, forward=forward, reverse=reverse, cheaper=cheaper,
        why=_why(forward, reverse, cheaper), jacobian=jacobian_view(reverse_trace),
        max_difference=diff, warnings=warnings, reverse_trace=reverse_trace, digits=digits)


def live_values(program: Program) -> int:
    """The most values alive at once while the rows run in order (a liveness analysis).

    A value is alive from the row that computes it (an input: from the first row that
    reads it) through the last row that reads it; outputs stay alive to the end.  At
    each row its arguments and its result are alive together.
    """
    n, rows = program.n_inputs, len(program.eqns)
    if rows == 0:
        return len({node for _, node in program.outputs})
    first = [rows] * program.n_nodes  # row where a value becomes alive
    last = [-1] * program.n_nodes  # last row where it is alive
    for k, eqn in enumerate(program.eqns):
        first[n + k] = last[n + k] = k
        for a in eqn.args:
            if isinstance(a, int):
                first[a] = min(first[a], k)
                last[a] = k
    for _, node in program.outputs:
        first[node] = min(first[node], rows - 1)
        last[node] = rows - 1
    change = [0] * (rows + 1)
    for node in range(program.n_nodes):
        if last[node] >= 0:
            change[first[node]] += 1
            change[last[node] + 1] -= 1
    best = alive = 0
    for k in range(rows):
        alive += change[k]
        best = max(best, alive)
    return best


def _contributions(sweep: Sweep, partials: list[list[float | None]]) -> int:
    """An adjoint sweep's multiply-adds: its steps, less a max/min's routing steps (a
    losing argument's adjoint stays 0: no arithmetic)."""
    n = len(sweep.values) - len(partials)
    return sum(1 for s in sweep.steps if partials[s.source - n][s.arg] is not None)  # type: ignore[operator,index]


def _cheaper(forward: ModeCost, reverse: ModeCost) -> str:
    f = (forward.operations, forward.n_sweeps, forward.stored)
    r = (reverse.operations, reverse.n_sweeps, reverse.stored)
    return "forward" if f < r else "reverse" if r < f else "either"


def _plural(k: int, word: str) -> str:
    return f"{k:,} {word}{'' if k == 1 else 's'}"


def _stored(cost: ModeCost) -> str:
    if cost.mode == "forward":
        return f"{cost.stored:,} values alive at once"
    return f"a tape of {cost.stored:,} values"


def _why(forward: ModeCost, reverse: ModeCost, cheaper: str) -> str:
    """One sentence: the n ≫ m / m ≫ n rule on this function, with its numbers."""
    n, m = forward.n_sweeps, reverse.n_sweeps
    rel = "n ≫ m" if n >= 4 * m else "n > m" if n > m else "m ≫ n" if m >= 4 * n else \
        "m > n" if m > n else "n = m"
    shape = f"n = {_plural(n, 'input')} and m = {_plural(m, 'output')} ({sym(rel)})"
    whole = "gradient" if m == 1 else "Jacobian"
    fops, rops = f"{forward.operations:,}", f"{reverse.operations:,}"
    if cheaper == "either":  # (so the sweeps tie too: n = m)
        return (f"With {shape}, both modes need {_plural(n, 'sweep')}, take {fops} operations "
                f"and store {forward.stored:,} values here.")
    fewer, more = (forward, reverse) if cheaper == "forward" else (reverse, forward)
    if forward.operations == reverse.operations and n != m:
        step = {"forward": "tangent sweep", "reverse": "adjoint sweep"}
        return (f"With {shape}, both modes take {fops} operations, but {fewer.mode} mode "
                f"needs fewer passes over the graph: "
                f"{_plural(fewer.n_sweeps, step[fewer.mode])} against "
                f"{_plural(more.n_sweeps, step[more.mode])}.")
    if forward.operations == reverse.operations:
        return (f"With {shape}, both modes take {fops} operations, but {fewer.mode} mode "
                f"keeps less: {_stored(fewer)} against {_stored(more)}.")
    if cheaper == "reverse" and m > n:
        return (f"With {shape}, reverse mode needs more sweeps ({m:,} against {n:,}) yet "
                f"fewer operations ({rops} against {fops}), because each adjoint sweep "
                "visits only the rows its output depends on.")
    if cheaper == "reverse":
        return (f"With {shape}, reverse mode gets the whole {whole} from "
                f"{_plural(m, 'adjoint sweep')}, one per output ({rops} operations), where "
                f"forward mode needs {_plural(n, 'tangent sweep')}, one per input "
                f"({fops} operations), at the price of {_stored(reverse)}.")
    return (f"With {shape}, forward mode gets the whole {whole} from "
            f"{_plural(n, 'tangent sweep')}, one per input ({fops} operations), where "
            f"reverse mode needs {_plural(m, 'adjoint sweep')}, one per output "
            f"({rops} operations) and {_stored(reverse)}.")

"""The Jacobian that a trace's sweeps assemble, and which part each sweep produced.

Forward mode fills one *column* ∂(y1, ..., ym)/∂xj per tangent sweep seeded with
the unit vector of ``xj``; reverse mode fills one *row* ∂yi/∂(x1, ..., xn) per
adjoint sweep seeded with the unit weight of ``yi``.  A sweep along any other
direction (``--seed``) gives a Jacobian-vector product J·ẋ (forward) or a
vector-Jacobian product ȳᵀ·J (reverse) instead.  Every output format can show the
same :class:`JacobianView`; nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass

from .notation import fmt_number, sym
from .program import BAR, DOT, _mark
from .tracing import Trace


@dataclass(frozen=True)
class Part:
    """What one sweep produced.

    ``kind`` is ``"column"`` (forward, unit seed of input ``name``), ``"row"``
    (reverse, unit weight of output ``name``), ``"jvp"`` or ``"vjp"`` (any other
    seed; ``name`` is None).  ``values`` maps the outputs (column, jvp) or the
    inputs (row, vjp) to the numbers the sweep produced.
    """

    sweep: int  # 1-based, as the sweeps are titled
    kind: str
    name: str | None
    seed: dict[str, float]
    values: dict[str, float]

    @property
    def sweep_title(self) -> str:
        return f"{'tangent' if self.kind in ('column', 'jvp') else 'adjoint'} sweep {self.sweep}"

    def describe(self, digits: int = 4) -> str:
        """``column ∂/∂x1 from tangent sweep 1``, ``row ∂y2/∂· from adjoint sweep 2``, ..."""
        if self.kind == "column":
            return sym(f"column ∂/∂{self.name} from {self.sweep_title}")
        if self.kind == "row":
            return sym(f"row ∂{self.name}/∂· from {self.sweep_title}")
        mark = DOT if self.kind == "jvp" else BAR
        seed = ", ".join(f"{_mark(k, mark)} = {fmt_number(v, digits)}"
                         for k, v in self.seed.items() if v != 0) or "zero seed"
        what = sym("Jacobian-vector product J·ẋ" if self.kind == "jvp" else
                   "vector-Jacobian product ȳᵀ·J")
        return f"{what} from {self.sweep_title} ({seed})"


@dataclass(frozen=True)
class JacobianView:
    """The m × n Jacobian (outputs × inputs) as far as the sweeps computed it.

    ``entries[i][j]`` is ∂outputs[i]/∂inputs[j], or None where no sweep produced
    it (forward mode with ``--wrt`` seeding only some inputs).  ``parts`` lists
    every sweep in order; ``products`` are the sweeps along a general direction.
    """

    outputs: list[str]
    inputs: list[str]
    entries: list[list[float | None]]
    parts: list[Part]

    @property
    def complete(self) -> bool:
        return all(v is not None for row in self.entries for v in row)

    @property
    def products(self) -> list[Part]:
        return [p for p in self.parts if p.kind in ("jvp", "vjp")]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.outputs), len(self.inputs)


def jacobian_view(t: Trace) -> JacobianView:
    """Assemble the Jacobian from a trace's unit sweeps; general seeds become products."""
    outputs = t.program.output_names()
    inputs = list(t.program.inputs)
    col = {name: j for j, name in enumerate(inputs)}
    row = {name: i for i, name in enumerate(outputs)}
    entries: list[list[float | None]] = [[None] * len(inputs) for _ in outputs]
    parts: list[Part] = []
    for k, sweep in enumerate(t.sweeps, start=1):
        unit = sweep.unit
        forward = sweep.kind.seeds == "inputs"  # a column (or JVP), not a row (VJP)
        if unit is None:
            parts.append(Part(k, "jvp" if forward else "vjp", None, dict(sweep.seed),
                              dict(sweep.result)))
            continue
        parts.append(Part(k, "column" if forward else "row", unit, dict(sweep.seed),
                          dict(sweep.result)))
        for name, value in sweep.result.items():
            if forward:
                entries[row[name]][col[unit]] = value
            else:
                entries[row[unit]][col[name]] = value
    return JacobianView(outputs, inputs, entries, parts)

"""The kinds of sweep, as data: what a tangent sweep and an adjoint sweep are.

Everything that runs, names, prints or assembles a sweep asks its kind rather than
testing ``mode == "forward"``: which function runs it, how its quantities are marked
(``ẋ1``, ``x̄1``), what its seed weights, how its results read as Jacobian entries,
and whether its rows note how the derivative flows through each operation.  A new
kind of sweep is a new entry here (and, for its rows, one in ``rows.ROW_KINDS``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .program import BAR, DOT


@dataclass(frozen=True)
class SweepKind:
    mode: str  # the command, and JSON's "mode": forward | reverse
    step: str  # the kind of its rows (rows.ROW_KINDS): tangent | adjoint
    role: str  # how its quantities are marked: dot (ẋ1) | bar (x̄1)
    title: str  # "Tangent sweep" | "Adjoint sweep"
    plural: str  # "tangents" | "adjoints"
    seeds: str  # what the seed weights (and the result's keys are not): inputs | outputs
    flows: bool  # its rows say how the derivative flows through each operation
    run: Callable[..., Any]  # (program, labels, partials, seed[, arith]) -> Sweep
    rows: Callable[[Any], int]  # at most how many rows one sweep of a program makes
    fewer: str  # the options that ask for fewer sweeps

    @property
    def mark(self) -> str:
        """The combining mark of its quantities: a dot or a bar."""
        return DOT if self.role == "dot" else BAR

    def flow(self, source: int, target: int) -> tuple[int, int]:
        """Along a graph edge from ``source`` (an argument) to ``target`` (its user):
        (the node whose derivative the edge adds to, the node whose derivative it carries)."""
        return (target, source) if self.seeds == "inputs" else (source, target)

    def entry(self, unit: str, name: str) -> tuple[str, str]:
        """(output, input) of the Jacobian entry that result ``name`` of a sweep seeded
        at ``unit`` alone is: a tangent sweep gives a column, an adjoint sweep a row."""
        return (name, unit) if self.seeds == "inputs" else (unit, name)


def _forward(*args: Any) -> Any:
    from .forward import forward_sweep

    return forward_sweep(*args)


def _reverse(*args: Any) -> Any:
    from .reverse import reverse_sweep

    return reverse_sweep(*args)


FORWARD = SweepKind("forward", "tangent", "dot", "Tangent sweep", "tangents", "inputs",
                    flows=False, run=_forward,
                    rows=lambda p: len(p.eqns) + len(p.outputs),  # a row per operation
                    fewer="--wrt or --seed")
REVERSE = SweepKind("reverse", "adjoint", "bar", "Adjoint sweep", "adjoints", "outputs",
                    flows=True, run=_reverse,
                    # a row per argument at most, and a value per input and output
                    rows=lambda p: sum(len(e.args) for e in p.eqns) + p.n_inputs +
                    len(p.outputs),
                    fewer="--seed or --out")
#: by mode (``adtrace forward``/``reverse``, ``trace(mode=...)``)
SWEEP_KINDS: dict[str, SweepKind] = {k.mode: k for k in (FORWARD, REVERSE)}

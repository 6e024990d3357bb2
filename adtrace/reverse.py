"""Reverse mode: one adjoint sweep per output weighting, ``ūₖ += v̄ · ∂v/∂uₖ``.

The equations are walked backwards; every contribution into an argument's
adjoint is its own step, so a variable used twice shows the textbook's
accumulation ``x̄1 = x̄1 + w̄1·x2``.  Nodes the seeded outputs do not depend on
are never reached and print no rows.
"""

from __future__ import annotations

import math

from .program import Labels, Program
from .tracing import Step, Sweep, check_finite


def reverse_sweep(program: Program, labels: Labels, partials: list[list[float | None]],
                  weights: dict[str, float]) -> Sweep:
    """Propagate the adjoints ``weights`` (output name -> ȳ) back to the inputs."""
    n = program.n_inputs
    bars: list[float | None] = [None] * program.n_nodes
    for name, node in program.outputs:
        w = weights.get(name, 0.0)
        if w != 0:
            bars[node] = (bars[node] or 0.0) + w
    steps: list[Step] = []
    append, eqns, isfinite = steps.append, program.eqns, math.isfinite
    for node in range(program.n_nodes - 1, n - 1, -1):
        bar = bars[node]
        if bar is None:
            continue
        for k, (a, p) in enumerate(zip(eqns[node - n].args, partials[node - n])):
            if p is None:
                continue
            contribution = bar * p
            previous = bars[a]  # type: ignore[index]
            value = contribution if previous is None else previous + contribution
            if not isfinite(value):
                check_finite(labels, a, value, "bar", "adjoint sweep")  # type: ignore[arg-type]  # raises
            bars[a] = value  # type: ignore[index]
            append(Step(a, value, node, k, previous))  # type: ignore[arg-type]
    result = {name: bars[i] or 0.0 for i, name in enumerate(program.inputs)}
    full_seed = {name: weights.get(name, 0.0) for name in program.output_names()}
    return Sweep("reverse", full_seed, steps, bars, result)

"""Forward mode: one tangent sweep per seed, ``v̇ = Σₖ ∂v/∂uₖ · u̇ₖ``."""

from __future__ import annotations

import math

from .program import Labels, Program
from .tracing import Step, Sweep, check_finite


def forward_sweep(program: Program, labels: Labels, partials: list[list[float | None]],
                  seed: dict[str, float]) -> Sweep:
    """Propagate the tangents ``seed`` (input name -> ẋ) through the program.

    ``partials[k]`` holds ∂eqn_k/∂arg for every argument of equation ``k``
    (``None`` where an argument is a constant or a max/min loser), computed once
    from the primal values and shared by all sweeps.
    """
    n = program.n_inputs
    dots: list[float | None] = [seed.get(name, 0.0) for name in program.inputs]
    dots += [None] * len(program.eqns)
    steps: list[Step] = []
    append, isfinite = steps.append, math.isfinite
    for k, eqn in enumerate(program.eqns):
        node = n + k
        total = 0.0
        for a, p in zip(eqn.args, partials[k]):
            if p is not None:
                total += p * dots[a]  # type: ignore[operator,index]
        if not isfinite(total):
            check_finite(labels, node, total, "dot", "tangent sweep")  # raises
        dots[node] = total
        append(Step(node, total))
    result = {name: dots[node] for name, node in program.outputs}
    full_seed = {name: seed.get(name, 0.0) for name in program.inputs}
    return Sweep("forward", full_seed, steps, dots, result)  # type: ignore[arg-type]

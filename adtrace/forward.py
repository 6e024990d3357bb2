"""Forward mode: one tangent sweep per seed, ``v̇ = Σₖ ∂v/∂uₖ · u̇ₖ``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .arith import FLOATS, Arithmetic
from .kinds import FORWARD
from .program import Labels, Program
from .tracing import Step, Sweep


def forward_sweep(program: Program, labels: Labels, partials: Sequence[Sequence[Any]],
                  seed: dict[str, Any], arith: Arithmetic = FLOATS) -> Sweep:
    """Propagate the tangents ``seed`` (input name -> ẋ) through the program.

    ``partials[k]`` holds ∂eqn_k/∂arg for every argument of equation ``k``
    (``None`` where an argument is a constant or a max/min loser), computed once
    from the primal values and shared by all sweeps.  The values are floats, or
    whatever ``arith`` describes (SymPy's, for ``--exact``).
    """
    n = program.n_inputs
    zero, fits, misfit = arith.zero, arith.fits, arith.misfit
    dots: list[Any] = [seed.get(name, zero) for name in program.inputs]
    dots += [None] * len(program.eqns)
    steps: list[Step] = []
    append = steps.append
    for k, eqn in enumerate(program.eqns):
        node = n + k
        total = zero
        for a, p in zip(eqn.args, partials[k]):
            if p is not None:
                total += p * dots[a]  # type: ignore[index]
        if not fits(total):
            total = misfit(labels, node, total, "dot", "tangent sweep")
        dots[node] = total
        append(Step(node, total))
    result = {name: dots[node] for name, node in program.outputs}
    full_seed = {name: seed.get(name, zero) for name in program.inputs}
    return Sweep(FORWARD, full_seed, steps, dots, result)

"""Reverse mode: one adjoint sweep per output weighting, ``ūₖ += v̄ · ∂v/∂uₖ``.

The equations are walked backwards; every contribution into an argument's
adjoint is its own step, so a variable used twice shows the textbook's
accumulation ``x̄1 = x̄1 + w̄1·x2``.  A max/min passes its adjoint to the
winner; each losing argument gets its own step, ``w̄2 = w̄3·0``, so the routing
shows.  Nodes the seeded outputs do not depend on are never reached and print no
rows; their final adjoint is 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .arith import FLOATS, Arithmetic
from .kinds import REVERSE
from .program import Labels, Program
from .tracing import Step, Sweep


def reverse_sweep(program: Program, labels: Labels, partials: Sequence[Sequence[Any]],
                  weights: dict[str, Any], arith: Arithmetic = FLOATS) -> Sweep:
    """Propagate the adjoints ``weights`` (output name -> ȳ) back to the inputs.

    ``partials`` as for :func:`~adtrace.forward.forward_sweep`; floats, or the
    values ``arith`` describes.
    """
    n = program.n_inputs
    zero, fits, misfit = arith.zero, arith.fits, arith.misfit
    bars: list[Any] = [None] * program.n_nodes
    for name, node in program.outputs:
        w = weights.get(name, zero)
        if w != 0:
            bars[node] = (bars[node] or zero) + w
    steps: list[Step] = []
    append, eqns = steps.append, program.eqns
    for node in range(program.n_nodes - 1, n - 1, -1):
        bar = bars[node]
        if bar is None:
            continue
        eqn = eqns[node - n]
        for k, (a, p) in enumerate(zip(eqn.args, partials[node - n])):
            if p is not None:
                contribution = bar * p
            elif a.__class__ is int and eqn.rule.routes:
                contribution = zero  # a max/min loser: the adjoint routes to the winner
            else:
                continue  # a constant
            previous = bars[a]  # type: ignore[index]
            # (zero + ... : a first contribution of -0.0 is the adjoint 0)
            value = (zero if previous is None else previous) + contribution
            if not fits(value):
                value = misfit(labels, a, value, "bar", "adjoint sweep")  # type: ignore[arg-type]
            bars[a] = value  # type: ignore[index]
            append(Step(a, value, node, k, previous))  # type: ignore[arg-type]
    bars = [zero if b is None else b for b in bars]  # nothing reached it: 0
    result = {name: bars[i] for i, name in enumerate(program.inputs)}
    full_seed = {name: weights.get(name, zero) for name in program.output_names()}
    return Sweep(REVERSE, full_seed, steps, bars, result)

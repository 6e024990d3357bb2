"""Generate a straight-line program with a given number of operations.

    python benchmarks/gen_program.py 20000 > /tmp/p20k.txt
    adtrace reverse @/tmp/p20k.txt --at "$(python benchmarks/gen_program.py --at)" \
        --format json --no-check

Every statement reads the previous one and one earlier value (an input or an
intermediate chosen at random), so the program has one output, many reused
intermediates, and every statement's value stays in [-1, 1] (sines, cosines,
tanh and products of such values): no domain errors and no overflow at the point
printed by ``--at``.  The program
has exactly the number of operations asked for (after sharing repeated
subexpressions).  The output is deterministic for a given ``--seed``.
"""

from __future__ import annotations

import argparse
import random

#: statement shapes: (template, operations); A is the previous value, B an earlier one
SHAPES = [
    ("sin({A}) * {B}", 2),
    ("tanh({A} * {B} + {B})", 3),
    ("cos({A} - {B})", 2),
    ("{A} * {B}", 1),
]


def point(n_inputs: int = 10) -> str:
    """The ``--at`` value for the generated program: x1=0.1, x2=0.2, ..."""
    return ",".join(f"x{i}={i / (n_inputs + 1):.4g}" for i in range(1, n_inputs + 1))


def generate(n_ops: int, n_inputs: int = 10, seed: int = 1) -> str:
    """A program of exactly ``n_ops`` operations over inputs x1..x{n_inputs}."""
    if n_ops < 2 * n_inputs:
        raise ValueError("need at least two operations per input")
    rng = random.Random(seed)
    names = [f"x{i}" for i in range(1, n_inputs + 1)]
    lines = [f"# generated: {n_ops} operations over {n_inputs} inputs (seed {seed})"]
    # fold the inputs into t1, t2, ...: every input is used
    prev = names[0]
    k = 0
    for x in names[1:]:
        k += 1
        lines.append(f"t{k} = cos({prev} + {x})")
        prev = f"t{k}"
    left = n_ops - 2 * (n_inputs - 1)
    pool = list(names)
    while left > 0:
        shapes = [s for s in SHAPES if s[1] <= left]
        template, cost = rng.choice(shapes)
        # B: an earlier value other than A, so that no subexpression repeats
        b = rng.choice(pool)
        k += 1
        lines.append(f"t{k} = " + template.format(A=prev, B=b))
        pool.append(prev)
        prev = f"t{k}"
        left -= cost
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ops", type=int, nargs="?", default=20_000, help="operations (default 20000)")
    ap.add_argument("--inputs", type=int, default=10, help="number of inputs (default 10)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--at", action="store_true", help="print the --at value instead")
    args = ap.parse_args()
    if args.at:
        print(point(args.inputs))
    else:
        print(generate(args.ops, args.inputs, args.seed), end="")


if __name__ == "__main__":
    main()

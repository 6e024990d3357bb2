"""How adtrace's time grows with the size of a program.

    python benchmarks/scale.py                # 2.5k, 5k, 10k and 20k operations
    python benchmarks/scale.py 20000 --repeat 5
    python benchmarks/scale.py 20000 --formats json,csv,markdown,latex,table

For each size, a program from ``gen_program.py`` (10 inputs, one output) is traced
in reverse mode with ``--format json --no-check``:

* ``command``: the whole ``adtrace reverse @FILE --at ... --format json --no-check``
  run as a separate process, wall-clock seconds (start-up included), best of
  ``--repeat`` runs; with ``--formats``, one such column per format;
* then, in this process, CPU seconds of each stage, with the cyclic garbage collector
  off as in the command: ``parse`` (text to Program), ``sweeps`` (primal values,
  local partials, the adjoint sweep) and ``render`` (the JSON text: every row's text
  and LaTeX, and the document around them).

The last column is microseconds per operation of the whole command: flat means
linear growth.  The first line gives the CPU seconds of a plain Python loop of 10^7
additions, to compare machines (and a shared machine with itself at another time).
No figure here is asserted by the tests.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_program import generate, point  # noqa: E402

SIZES = (2_500, 5_000, 10_000, 20_000)


def stages(path: str, at: str) -> dict[str, float]:
    """CPU seconds of each stage, in this process."""
    from adtrace.api import load
    from adtrace.render.json import render
    from adtrace.reverse import reverse_sweep
    from adtrace.tracing import Trace, evaluate_primal, partial_values

    out: dict[str, float] = {}
    gc.collect()
    gc.disable()  # as the command does (adtrace.cli.main)
    c = time.process_time()
    program, labels, pt = load("@" + path, at)
    out["parse"] = time.process_time() - c
    c = time.process_time()
    assert pt is not None
    values = evaluate_primal(program, labels, [v.value for v in pt], [])
    n = program.n_inputs
    partials = [partial_values(program, labels, n + k, values) for k in range(len(program.eqns))]
    sweeps = [reverse_sweep(program, labels, partials, {o: 1.0}) for o in program.output_names()]
    t = Trace(program, labels, "reverse", pt, values, sweeps)
    out["sweeps"] = time.process_time() - c
    c = time.process_time()
    render(t)
    out["render"] = time.process_time() - c
    out["steps"] = sum(len(s.steps) for s in sweeps)
    gc.enable()
    return out


def command(path: str, at: str, fmt: str = "json") -> tuple[float, int]:
    """Wall-clock seconds of the whole command, and the size of its output."""
    start = time.perf_counter()
    result = subprocess.run(["adtrace", "reverse", "@" + path, "--at", at, "--format", fmt,
                             "--no-check"], capture_output=True, check=True)
    return time.perf_counter() - start, len(result.stdout)


def calibration() -> float:
    """CPU seconds of a Python loop of 10**7 additions: the speed of this machine now."""
    start = time.process_time()
    total = 0
    for i in range(10**7):
        total += i
    return time.process_time() - start


def main() -> None:
    ap = argparse.ArgumentParser(description="adtrace reverse --format json on large programs")
    ap.add_argument("sizes", type=int, nargs="*", default=list(SIZES))
    ap.add_argument("--repeat", type=int, default=3, help="runs per size; the best counts")
    ap.add_argument("--formats", default="json",
                    help="comma-separated formats to time the command in (default json)")
    args = ap.parse_args()
    formats = args.formats.split(",")
    at = point()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; "
          f"load average {os.getloadavg()[0]:.2f}; loop of 10^7 additions {calibration():.2f} s")
    heads = " ".join(f"{fmt + ' s':>10}" for fmt in formats)
    print(f"{'ops':>7} {'steps':>7} {heads} {'parse':>6} {'sweeps':>6} "
          f"{'render':>6} {'MB':>6} {'µs/op':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = os.path.join(tmp, f"p{size}.txt")
            Path(path).write_text(generate(size), encoding="utf-8")
            walls, size_mb = [], 0.0
            for fmt in formats:
                runs = [command(path, at, fmt) for _ in range(args.repeat)]
                walls.append(min(r[0] for r in runs))
                if fmt == formats[0]:
                    size_mb = runs[0][1] / 1e6
            cpu = [stages(path, at) for _ in range(args.repeat)]
            best = {k: min(c[k] for c in cpu) for k in cpu[0]}
            cols = " ".join(f"{w:>10.2f}" for w in walls)
            print(f"{size:>7,} {int(best['steps']):>7,} {cols} {best['parse']:>6.2f} "
                  f"{best['sweeps']:>6.2f} {best['render']:>6.2f} "
                  f"{size_mb:>6.1f} {walls[0] / size * 1e6:>6.0f}")


if __name__ == "__main__":
    main()

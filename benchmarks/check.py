"""How long the cross-check takes, on generated programs and on a long sum.

    python benchmarks/check.py                 # 20 to 20,000 operations
    python benchmarks/check.py 1000 5000 --repeat 5

For each size, a program from ``gen_program.py`` (10 inputs, one output) is traced in
this process without the check, and then checked (``adtrace.check.cross_check``), CPU
seconds, best of ``--repeat``:

* ``verdict``: the chain rule over the DAG in mpmath, for every entry (the walk at the
  point; where an entry disagrees there, the walk at the sweeps' own values and the
  exact walk as well);
* ``print``: SymPy's derivatives of the whole formula, differentiated and printed, or
  nothing once the formula is past the size bound (``shown`` says which); the first run
  only, as SymPy keeps what it computed for the next;

in reverse mode (one sweep, 10 entries) and in forward mode (one sweep per input, as many
as the trace's row limit allows).  The first check in a process also derives each
operation's partials with SymPy (``first``, once per process, not counted above).

Then the whole ``adtrace reverse "x1 + ... + x999" --at x1=1,...`` as a separate process,
wall-clock seconds, best of ``--repeat``, with the check and with ``--no-check`` (the
target: under 3 s with the check).  The first line gives the CPU seconds of a plain
Python loop of 10^7 additions, to compare machines.  No figure here is asserted by the
tests.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_program import generate, point  # noqa: E402

SIZES = (20, 50, 200, 1_000, 5_000, 20_000)


def calibration() -> float:
    """CPU seconds of a Python loop of 10**7 additions: the speed of this machine now."""
    start = time.process_time()
    total = 0
    for i in range(10**7):
        total += i
    return time.process_time() - start


def timed_check(text: str, mode: str, wrt: list[str] | None, repeat: int) -> dict[str, float]:
    """CPU seconds of the verdict and of the printing, best of ``repeat``."""
    from adtrace import check
    from adtrace.api import trace

    t = trace(text, point(), mode=mode, wrt=wrt, check=False)
    specs = [(k, name, ad) for k, s in enumerate(t.sweeps) for name, ad in s.result.items()]
    best = {"verdict": float("inf")}
    start = time.process_time()
    texts = check._symbolic(t, specs)
    best["print"] = time.process_time() - start
    for _ in range(repeat):
        start = time.process_time()
        verdicts = check._verdicts(t, specs)
        best["verdict"] = min(best["verdict"], time.process_time() - start)
    best["sweeps"] = len(t.sweeps)
    best["entries"] = len(specs)
    best["agree"] = all(v[1] is not False for v in verdicts)
    best["shown"] = texts[0][0] != check.NOT_SHOWN
    return best


def forward_wrt(size: int) -> list[str]:
    """As many inputs as the trace's row limit allows one forward sweep each."""
    from adtrace.parse import MAX_TRACE_ROWS

    fits = max(1, MAX_TRACE_ROWS // (size + 1))
    return [f"x{i}" for i in range(1, min(10, fits) + 1)]


def command(argv: list[str], repeat: int) -> float:
    """Wall-clock seconds of a command, best of ``repeat``."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def adtrace() -> str:
    local = Path(sys.executable).parent / "adtrace"
    found = str(local) if local.exists() else shutil.which("adtrace")
    if found is None:
        sys.exit("adtrace is not installed (pip install .)")
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description="the cross-check's time")
    ap.add_argument("sizes", type=int, nargs="*", default=list(SIZES))
    ap.add_argument("--repeat", type=int, default=3, help="runs per size; the best counts")
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; "
          f"load average {os.getloadavg()[0]:.2f}; loop of 10^7 additions {calibration():.2f} s")
    from adtrace import check
    from adtrace.api import trace

    start = time.process_time()
    check.cross_check(trace("x*y", "x=1,y=2", check=False))
    print(f"first check in a process (SymPy's partials of each op, once): "
          f"{time.process_time() - start:.2f} s")
    print(f"{'ops':>7} {'mode':>8} {'sweeps':>6} {'entries':>7} {'verdict s':>9} "
          f"{'print s':>8} {'shown':>5} {'agree':>5} {'µs/op/sweep':>11}")
    for size in args.sizes:
        text = generate(size)
        for mode, wrt in (("reverse", None), ("forward", forward_wrt(size))):
            r = timed_check(text, mode, wrt, args.repeat)
            per = r["verdict"] / size / r["sweeps"] * 1e6
            print(f"{size:>7,} {mode:>8} {int(r['sweeps']):>6} {int(r['entries']):>7} "
                  f"{r['verdict']:>9.3f} {r['print']:>8.3f} {str(bool(r['shown'])):>5} "
                  f"{str(bool(r['agree'])):>5} {per:>11.0f}")
    names = [f"x{i}" for i in range(1, 1000)]
    argv = [adtrace(), "reverse", " + ".join(names), "--at", ",".join(f"{n}=1" for n in names)]
    with_check = command(argv, args.repeat)
    without = command(argv + ["--no-check"], args.repeat)
    print(f'adtrace reverse "x1 + ... + x999" --at x1=1,...: {with_check:.2f} s with the '
          f"check, {without:.2f} s with --no-check (wall clock, best of {args.repeat})")


if __name__ == "__main__":
    main()

"""Start-up cost: the main example against ``python -c "import sympy"``.

    python benchmarks/startup.py [--runs 15]

Prints the median wall time of each command over several runs and their ratio;
the target is a ratio within 1.5 (SymPy's import dominates both).  Also times
``adtrace --help``, which imports neither SymPy nor rich.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def command(name: str) -> list[str]:
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if found is None:
        sys.exit(f"{name} is not installed (pip install .)")
    return [found]


def median_time(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    adtrace = command("adtrace")
    cases = {
        'python -c "import sympy"': [sys.executable, "-c", "import sympy"],
        "adtrace --help": adtrace + ["--help"],
        'adtrace forward "x1*x2+sin(x1)" --at x1=2,x2=3': adtrace + [
            "forward", "x1*x2+sin(x1)", "--at", "x1=2,x2=3"],
        "... --no-check": adtrace + ["forward", "x1*x2+sin(x1)", "--at", "x1=2,x2=3",
                                     "--no-check"],
    }
    for argv in cases.values():  # warm the file cache
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = {label: median_time(argv, runs) for label, argv in cases.items()}
    for label, seconds in results.items():
        print(f"{seconds * 1000:8.0f} ms  {label}")
    base = results['python -c "import sympy"']
    main_example = results['adtrace forward "x1*x2+sin(x1)" --at x1=2,x2=3']
    print(f"ratio main example / import sympy: {main_example / base:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()

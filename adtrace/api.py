"""The library entry points: text in, :class:`~adtrace.tracing.Trace` out.  No printing here."""

from __future__ import annotations

from collections.abc import Mapping

from .bind import parse_assignments, parse_names
from .errors import BindingError
from .files import read_text_file
from .kinds import SWEEP_KINDS, SweepKind
from .parse import MAX_CHARS, check_trace_size, parse_constant, parse_program
from .program import Const, Labels, Program
from .tracing import Sweep, Trace, evaluate_primal, partial_values

At = str | Mapping[str, object] | None


def read_formula(formula: str) -> tuple[str, str | None]:
    """The formula's text, reading ``@path`` files; returns (text, path or None)."""
    if not formula.startswith("@"):
        return formula, None
    path = formula[1:]
    if not path:
        raise BindingError("'@' must be followed by a file name")
    text = read_text_file(path, MAX_CHARS)
    if not text.strip():
        raise BindingError(f"{path}: the file is empty")
    return text, path


def parse_point(at: At) -> list[tuple[str, Const]] | None:
    if at is None:
        return None
    if isinstance(at, str):
        return parse_assignments(at, "--at")
    return [(str(k), parse_constant(str(v), f"--at {k}")) for k, v in at.items()]


def load(formula: str, at: At = None, *, labels: str = "w", order: str = "level",
         out: str | list[str] | None = None,
         letter: str | None = None) -> tuple[Program, Labels, list[Const] | None]:
    """Parse a formula (or ``@file``) and bind its point; no evaluation yet."""
    text, _ = read_formula(formula)
    point = parse_point(at)
    outs = parse_names(out, "--out") if isinstance(out, str) else out
    program = parse_program(text, inputs=[n for n, _ in point] if point is not None else None,
                            outputs=outs, order=order)
    return (program, Labels(program, labels, letter),
            [c for _, c in point] if point is not None else None)


def trace(formula: str, at: At, *, mode: str = "forward", wrt: str | list[str] | None = None,
          seed: str | None = None, labels: str = "w", order: str = "level",
          out: str | list[str] | None = None, check: bool = True, digits: int = 4,
          exact: bool = False, letter: str | None = None) -> Trace:
    """Evaluate ``formula`` at ``at`` and run forward or reverse mode over it."""
    if mode not in SWEEP_KINDS:
        raise BindingError(f"mode must be forward or reverse, not '{mode}'")
    if at is None:
        raise BindingError("--at is required: give a value for every variable, e.g. --at x1=2,x2=3")
    if not 0 <= digits <= 17:
        raise BindingError("--digits must be between 0 and 17")
    program, lab, point = load(formula, at, labels=labels, order=order, out=out, letter=letter)
    assert point is not None
    warnings: list[str] = []
    values = evaluate_primal(program, lab, [c.value for c in point], warnings)
    n = program.n_inputs
    partials = [partial_values(program, lab, n + k, values) for k in range(len(program.eqns))]
    sweeps = _sweeps(SWEEP_KINDS[mode], program, lab, partials, wrt, seed)
    result = Trace(program, lab, mode, point, values, sweeps, warnings, digits=digits)
    if exact:
        from .exact import exact_values

        result.exact = exact_values(result)
    if check:
        from .check import cross_check

        result.check = cross_check(result)
    return result


def _sweeps(kind: SweepKind, program: Program, lab: Labels, partials: list[list[float | None]],
            wrt: str | list[str] | None, seed: str | None) -> list[Sweep]:
    """One sweep along ``seed``, or one per unit seed: every input for tangents (or the
    ones ``wrt`` names), every output for adjoints."""
    names = program.inputs if kind.seeds == "inputs" else program.output_names()
    noun = kind.seeds[:-1]  # input | output
    if wrt is not None:
        if kind.seeds != "inputs":
            raise BindingError("--wrt is for forward mode: one reverse sweep gives the "
                               "derivatives with respect to every input (use --seed to weight "
                               "the outputs)")
        if seed is not None:
            raise BindingError("give --wrt or --seed, not both")
    if seed is not None:
        weights = {}
        for name, c in parse_assignments(seed, "--seed"):
            if name not in names:
                raise BindingError(f"--seed: '{name}' is not an {noun} "
                                   f"({kind.seeds}: {', '.join(names)})")
            weights[name] = c.value
        return [kind.run(program, lab, partials, weights)]
    chosen = parse_names(wrt, "--wrt") if isinstance(wrt, str) else (wrt or names)
    for name in chosen:
        if name not in names:
            raise BindingError(f"--wrt: '{name}' is not an {noun} "
                               f"({kind.seeds}: {', '.join(names)})")
    check_trace_size(program, len(chosen), kind.mode)
    return [kind.run(program, lab, partials, {name: 1.0}) for name in chosen]

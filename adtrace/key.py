"""``adtrace key``: answer keys and worksheets from a problem set (TOML).

The file format is documented in ``docs/answer-keys.md``.  :func:`load_problem_set`
reads and validates the file (every mistake is a :class:`ProblemSetError` naming the
problem and the key); :func:`solve` runs each problem; :func:`render_key` prints the
whole document in Markdown or LaTeX.  A worksheet is the same document with the
computed cells left blank (:class:`Worksheet`).

One problem's part of the document is printed by :func:`problem_section`, which
joins the parts listed in :data:`PARTS`; a new kind of part (a graph, say) is one
function appended there, and its option one entry in :data:`PROBLEM_KEYS`.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import AdtraceError, ProblemSetError

MODES = ("forward", "reverse", "both", "compare")
FORMATS = ("markdown", "latex")
#: what a worksheet may give away: the whole primal trace, or the rule of every row
GIVEN = ("primal", "rules")
MAX_FILE_BYTES = 1_000_000
MAX_PROBLEMS = 200
#: operations in one problem's program: a key is a document to read, not a data dump
MAX_OPERATIONS = 1_000

#: key -> what it must be (the text of the error message); the checks are in _value
PROBLEM_KEYS: dict[str, str] = {
    "statement": "a string",
    "formula": "a string (a formula, a program or \"@file\")",
    "program": "a string (a program, or \"@file\")",
    "at": "a string such as \"x1=2,x2=5\" or a table such as {x1 = 2, x2 = \"pi/4\"}",
    "mode": "forward, reverse, both or compare",
    "wrt": "a string such as \"x1,x2\" or a list of names",
    "seed": "a string such as \"x1=1,x2=0.5\" or a table",
    "labels": "w, v or h",
    "order": "level or written",
    "out": "a string such as \"y1,y2\" or a list of names",
    "digits": "an integer from 0 to 17",
    "exact": "true or false",
    "check": "true or false",
    "given": "a list of \"primal\" and \"rules\"",
}
TOP_KEYS = ("title", "course", "defaults", "problem")


# --- the problem set ---------------------------------------------------------------------------


@dataclass
class Problem:
    number: int
    formula: str  # the text as written (read from the file for "@file")
    at: str
    mode: str = "both"
    statement: str | None = None
    wrt: str | None = None
    seed: str | None = None
    labels: str = "w"
    order: str = "level"
    out: str | None = None
    digits: int = 4
    exact: bool = False
    check: bool = True
    given: frozenset[str] = frozenset()
    options: dict[str, Any] = field(default_factory=dict)  # every key as given (for extensions)


@dataclass
class ProblemSet:
    title: str
    course: str | None
    problems: list[Problem]
    path: str


def _toml() -> Any:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib


def _unknown(key: str, known: tuple[str, ...] | list[str], where: str) -> ProblemSetError:
    close = difflib.get_close_matches(key, list(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return ProblemSetError(f"{where}unknown key '{key}'{hint}; known keys: {', '.join(known)}")


def _names(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return ",".join(value)
    return None


def _assignments(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and value:
        items = []
        for k, v in value.items():
            if isinstance(v, bool) or not isinstance(v, (str, int, float)):
                return None
            items.append(f"{k}={v if not isinstance(v, float) else repr(v)}")
        return ",".join(items)
    return None


def _value(key: str, value: Any) -> Any:
    """The checked value of one problem key, or None when it has the wrong type."""
    if key in ("statement", "formula", "program"):
        return value if isinstance(value, str) else None
    if key == "at" or key == "seed":
        return _assignments(value)
    if key in ("wrt", "out"):
        return _names(value)
    if key == "mode":
        return value if value in MODES else None
    if key == "labels":
        return value if value in ("w", "v", "h") else None
    if key == "order":
        return value if value in ("level", "written") else None
    if key == "digits":
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 17
        return value if ok else None
    if key in ("exact", "check"):
        return value if isinstance(value, bool) else None
    if key == "given":
        items = [value] if isinstance(value, str) else value
        if isinstance(items, list) and all(isinstance(v, str) and v in GIVEN for v in items):
            return frozenset(items)
        return None
    return value  # keys added by extensions check their own values


def _checked(table: dict[str, Any], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key not in PROBLEM_KEYS:
            raise _unknown(key, list(PROBLEM_KEYS), where)
        checked = _value(key, value)
        if checked is None or (checked == "" and key != "statement"):
            raise ProblemSetError(f"{where}'{key}' must be {PROBLEM_KEYS[key]}")
        out[key] = checked
    return out


def load_problem_set(path: str) -> ProblemSet:
    """Read and check a problem set; every mistake names the problem and the key."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise ProblemSetError(f"{path}: is a directory, not a problem set")
        if size > MAX_FILE_BYTES:
            raise ProblemSetError(f"{path}: the file is {size:,} bytes; the limit is "
                                  f"{MAX_FILE_BYTES:,}")
        with p.open("rb") as fh:  # one byte past the limit, never more: /dev/zero has no end
            raw = fh.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise ProblemSetError(f"{path}: the file is longer than {MAX_FILE_BYTES:,} bytes, "
                                  "the limit")
    except FileNotFoundError:
        raise ProblemSetError(f"{path}: no such file") from None
    except PermissionError:
        raise ProblemSetError(f"{path}: permission denied") from None
    except OSError as e:
        raise ProblemSetError(f"{path}: cannot be read ({e.strerror or e})") from None
    tomllib = _toml()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProblemSetError(f"{path}: not a UTF-8 text file") from None
    except tomllib.TOMLDecodeError as e:
        raise ProblemSetError(f"{path}: not valid TOML: {e}") from None
    except RecursionError:
        raise ProblemSetError(f"{path}: nested too deeply") from None
    for key in data:
        if key not in TOP_KEYS:
            raise _unknown(key, TOP_KEYS, "")
    title = data.get("title", "Problems")
    if not isinstance(title, str):
        raise ProblemSetError("'title' must be a string")
    course = data.get("course")
    if course is not None and not isinstance(course, str):
        raise ProblemSetError("'course' must be a string")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise ProblemSetError("'defaults' must be a table: [defaults]")
    defaults = _checked(defaults, "defaults: ")
    for key in ("formula", "program", "statement", "at"):
        if key in defaults:
            raise ProblemSetError(f"defaults: '{key}' belongs to each problem, not to [defaults]")
    problems = data.get("problem")
    if not isinstance(problems, list) or not problems or not all(
            isinstance(x, dict) for x in problems):
        raise ProblemSetError("a problem set needs at least one [[problem]] table")
    if len(problems) > MAX_PROBLEMS:
        raise ProblemSetError(f"{len(problems):,} problems is more than the limit of "
                              f"{MAX_PROBLEMS}")
    folder = p.parent
    out = [_problem(k, table, defaults, folder) for k, table in enumerate(problems, start=1)]
    return ProblemSet(title, course, out, str(path))


def _problem(number: int, table: dict[str, Any], defaults: dict[str, Any],
             folder: Path) -> Problem:
    where = f"problem {number}: "
    given = _checked(table, where)
    options = {**defaults, **given}
    if "formula" in given and "program" in given:
        raise ProblemSetError(f"{where}give 'formula' or 'program', not both")
    text = given.get("formula", given.get("program"))
    if text is None:
        raise ProblemSetError(f"{where}'formula' is missing")
    if "at" not in given:
        raise ProblemSetError(f"{where}'at' is missing: give a value for every variable, "
                              "e.g. at = \"x1=2,x2=5\"")
    if text.startswith("@"):
        text = _read(folder, text[1:], where)
    mode = options.get("mode", "both")
    if "wrt" in options and mode not in ("forward", "both"):
        raise ProblemSetError(f"{where}'wrt' is for forward mode (this problem's mode is {mode})")
    if "wrt" in options and "seed" in options and mode == "forward":
        raise ProblemSetError(f"{where}give 'wrt' or 'seed', not both")
    if "seed" in options and mode == "compare":
        raise ProblemSetError(f"{where}'seed' does not apply to mode = \"compare\" "
                              "(it computes the whole Jacobian)")
    known = {k: v for k, v in options.items() if k in Problem.__dataclass_fields__}
    known.pop("formula", None)
    known.pop("program", None)
    return Problem(number=number, formula=text, options=options, **known)


def _read(folder: Path, name: str, where: str) -> str:
    from .api import read_formula

    if not name:
        raise ProblemSetError(f"{where}'@' must be followed by a file name")
    path = Path(name) if os.path.isabs(name) else folder / name
    try:
        text, _ = read_formula("@" + str(path))
    except AdtraceError as e:
        raise ProblemSetError(f"{where}{e.message}") from None
    return text


# --- solving -----------------------------------------------------------------------------------


@dataclass
class Solution:
    problem: Problem
    forward: Any = None  # tracing.Trace
    reverse: Any = None  # tracing.Trace
    comparison: Any = None  # compare.Comparison

    @property
    def traces(self) -> list[Any]:
        return [t for t in (self.forward, self.reverse) if t is not None]

    @property
    def program(self) -> Any:
        if self.comparison is not None:
            return self.comparison.reverse_trace.program
        return self.traces[0].program

    @property
    def point_trace(self) -> Any:
        if self.comparison is not None:
            return self.comparison.reverse_trace
        return self.traces[0]

    def warnings(self) -> list[str]:
        seen: list[str] = []
        for t in self.traces or [self.point_trace]:
            seen += [w for w in t.warnings if w not in seen]
        return seen

    def disagreements(self) -> list[Any]:
        return [e for t in self.traces if t.check is not None for e in t.check.entries
                if e.agree is False]


_OPTION = re.compile(r"--(at|wrt|seed|out|labels|order|digits)\b")


def _in_problem(err: AdtraceError, number: int) -> AdtraceError:
    """The same error, saying which problem, in the file's words ('at', not '--at')."""
    message = _OPTION.sub(lambda m: f"'{m.group(1)}'", err.message)
    new = type(err)(f"problem {number}: {message}", context=err.context)
    new.status = err.status
    return new


def solve(problem: Problem) -> Solution:
    """Run a problem's mode(s); errors name the problem."""
    try:
        return _solve(problem)
    except AdtraceError as e:
        raise _in_problem(e, problem.number) from None


def _solve(problem: Problem) -> Solution:
    from .api import load, trace

    program, _, _ = load(problem.formula, problem.at, labels=problem.labels,
                         order=problem.order, out=problem.out)
    if len(program.eqns) > MAX_OPERATIONS:
        raise ProblemSetError(f"{len(program.eqns):,} operations is more than an answer key "
                              f"shows (the limit is {MAX_OPERATIONS:,}); use 'adtrace forward' "
                              "or 'reverse' with --format csv or json")

    common = dict(labels=problem.labels, order=problem.order, out=problem.out,
                  check=problem.check, digits=problem.digits, exact=problem.exact)
    sol = Solution(problem)
    if problem.mode == "compare":
        try:
            from .compare import compare
        except ImportError:
            raise ProblemSetError("mode = \"compare\" needs 'adtrace compare', which this "
                                  "installation does not have") from None
        sol.comparison = compare(problem.formula, problem.at, out=problem.out)
        return sol
    fwd_seed, rev_seed = problem.seed, problem.seed
    if problem.mode == "both" and problem.seed is not None:
        fwd_seed, rev_seed = _split_seed(problem)
    if problem.mode in ("forward", "both"):
        sol.forward = trace(problem.formula, problem.at, mode="forward", wrt=problem.wrt,
                            seed=fwd_seed, **common)
    if problem.mode in ("reverse", "both"):
        sol.reverse = trace(problem.formula, problem.at, mode="reverse", seed=rev_seed, **common)
    return sol


def _split_seed(problem: Problem) -> tuple[str | None, str | None]:
    """mode = "both": the seed's inputs direct the forward sweep, its outputs weight the
    reverse sweep."""
    from .api import load
    from .bind import parse_assignments

    program, _, _ = load(problem.formula, problem.at, labels=problem.labels, order=problem.order,
                         out=problem.out)
    items = parse_assignments(problem.seed or "", "seed")
    fwd = [f"{n}={c.text}" for n, c in items if n in program.inputs]
    rev = [f"{n}={c.text}" for n, c in items if n not in program.inputs]
    if fwd and problem.wrt is not None:
        raise ProblemSetError("give 'wrt' or a seed for the inputs, not both")
    return (",".join(fwd) or None, ",".join(rev) or None)


# --- worksheets --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Worksheet:
    """Which cells a worksheet leaves blank: everything computed, unless ``given``.

    Inputs and seeds stay (they are the problem's data); the rows' left-hand sides and
    the names of outputs and results stay (the structure).  ``given`` may keep the
    whole primal trace (``"primal"``) or the symbolic rule of every row (``"rules"``).
    """

    given: frozenset[str] = frozenset()

    def hidden(self, row: Any) -> tuple[bool, bool, bool]:
        """(rule, with values, value) blank for this row."""
        kind = row.kind
        if kind in ("input", "seed"):
            return (False, False, False)
        primal = kind == "primal" or (kind == "output" and getattr(row.rhs, "role", "") == "val")
        if primal and "primal" in self.given:
            return (False, False, False)
        if kind in ("output", "result"):
            return (False, False, True)
        if "rules" in self.given:
            return (False, True, True)
        return (True, True, True)


# --- the document ------------------------------------------------------------------------------

Part = Callable[[Solution, str, "Worksheet | None"], list[str]]


def _traces_part(sol: Solution, fmt: str, ws: Worksheet | None) -> list[str]:
    if sol.comparison is not None:
        return _compare_part(sol, fmt, ws)
    lines: list[str] = []
    both = sol.forward is not None and sol.reverse is not None
    if fmt == "markdown":
        from .render import markdown as out
    else:
        from .render import latex as out  # type: ignore[no-redef]
    for t in sol.traces:
        mode = t.mode
        title = f"Derivatives ({mode} mode)" if both else "Derivatives"
        kw: dict[str, Any] = dict(worksheet=ws, primal=t is sol.traces[0],
                                  check=t is sol.traces[-1], derivatives_title=title)
        if fmt == "markdown":
            kw["level"] = 3
        lines += out.sections(t, **kw)
    return lines


def _compare_part(sol: Solution, fmt: str, ws: Worksheet | None) -> list[str]:
    c = sol.comparison
    blank = ws is not None
    f, r = c.forward, c.reverse
    rows = [("sweeps", f"{f.n_sweeps:,}", "(one per input)", f"{r.n_sweeps:,}",
             "(one per output)"),
            ("operations", f"{f.operations:,}", "", f"{r.operations:,}", ""),
            ("values stored", f"{f.stored:,}", f"({f.stored_what})", f"{r.stored:,}",
             f"({r.stored_what})")]
    t = c.reverse_trace
    jac = t.derivatives
    from .expr import fmt_number

    digits = sol.problem.digits
    if fmt == "markdown":
        from .render.markdown import escape, table

        lines = ["", "### Forward and reverse mode for the whole Jacobian", ""]
        body = [[escape(a), "" if blank else escape(f"{b} {c_}".strip()),
                 "" if blank else escape(f"{d} {e}".strip())] for a, b, c_, d, e in rows]
        lines += table(["", "forward mode", "reverse mode"], body, "lll")
        lines += ["", "Cheaper: " + ("" if blank else escape(f"{c.cheaper}. {c.why}"))]
        lines += ["", "### Jacobian", ""]
        inputs = t.program.inputs
        body = [[escape(o)] + ["" if blank else escape(fmt_number(jac[o][i], digits))
                               for i in inputs] for o in jac]
        lines += table([""] + [escape(f"∂/∂{i}") for i in inputs], body, "l" + "r" * len(inputs))
        return lines
    from .program import latex_name
    from .render.latex import STRETCH, STRETCH_WORKSHEET
    from .render.latex import escape as lx

    stretch = STRETCH_WORKSHEET if blank else STRETCH
    blank_cell = r"\adblank[4em]"
    lines = [r"\begin{center}\small", stretch, r"\begin{tabular}{@{}lrlrl@{}}", r"\toprule",
             r"\textbf{The whole Jacobian} & \multicolumn{2}{l}{\textit{forward mode}} & "
             r"\multicolumn{2}{l}{\textit{reverse mode}} \\", r"\midrule"]
    for a, b, c_, d, e in rows:
        cells = [a] + ([blank_cell, "", blank_cell, ""] if blank else [b, lx(c_), d, lx(e)])
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{center}"]
    lines.append(r"\textbf{Cheaper:} " + (blank_cell.replace("4em", "20em") if blank
                                         else lx(f"{c.cheaper}. {c.why}")))
    from .expr import latex_number

    inputs, outputs = t.program.inputs, list(jac)

    def entry(o: str, i: str) -> str:
        return blank_cell if blank else latex_number(jac[o][i], digits)

    # many inputs: one row per input (the transposed Jacobian), so that the table fits
    transpose = len(inputs) > 6 and len(inputs) > len(outputs)
    cols = outputs if transpose else inputs
    heads = ([latex_name(o) for o in outputs] if transpose
             else [rf"\partial/\partial {latex_name(i)}" for i in inputs])
    spec = "@{}>{$}l<{$}" + ">{$}r<{$}" * len(cols) + "@{}"
    lines += [r"\begin{center}\small", stretch, rf"\begin{{tabular}}{{{spec}}}", r"\toprule",
              r"\multicolumn{1}{@{}l}{\textbf{Jacobian}} & " + " & ".join(heads) + r" \\",
              r"\midrule"]
    if transpose:
        for i in inputs:
            cells = [rf"\partial/\partial {latex_name(i)}"] + [entry(o, i) for o in outputs]
            lines.append(" & ".join(cells) + r" \\")
    else:
        for o in outputs:
            lines.append(" & ".join([latex_name(o)] + [entry(o, i) for i in inputs]) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{center}"]
    return lines


#: the parts of one problem after its heading, statement, function and point
PARTS: list[Part] = [_traces_part]


def _mode_text(sol: Solution) -> str:
    p = sol.problem
    if p.mode == "compare":
        return "forward and reverse mode compared, for the whole Jacobian"
    what = {"forward": "forward mode", "reverse": "reverse mode",
            "both": "forward and reverse mode"}[p.mode]
    return what


def problem_section(sol: Solution, fmt: str, worksheet: Worksheet | None = None) -> list[str]:
    """One problem: heading, statement, the function as written, the point, then the parts."""
    p = sol.problem
    t = sol.point_trace
    ws = Worksheet(p.given) if worksheet is not None else None
    if fmt == "markdown":
        from .render.markdown import code, code_block, escape, text_with_math
        from .rows import point_text

        lines = ["", f"## Problem {p.number}"]
        for par in _paragraphs(p.statement or ""):
            lines += ["", text_with_math(par)]
        source = p.formula.strip("\n")
        if "\n" in source.strip():
            lines += ["", "Function:", ""] + code_block(source)
        else:
            lines += ["", f"Function: {code(source.strip())}"]
        lines += ["", f"At {escape(point_text(t))}; {escape(_mode_text(sol))}."]
    else:
        from .render.latex import formula_block, point_latex, text_with_math

        lines = [rf"\section*{{Problem {p.number}}}"]
        for par in _paragraphs(p.statement or ""):
            lines += [text_with_math(par), ""]
        lines += [*formula_block(sol.program), rf"at {point_latex(t)}; {_mode_text(sol)}."]
    for part in PARTS:
        lines += part(sol, fmt, ws)
    return lines


def _paragraphs(text: str) -> list[str]:
    return [" ".join(par.split()) for par in re.split(r"\n\s*\n", text.strip()) if par.strip()]


def render_key(pset: ProblemSet, solutions: list[Solution], fmt: str = "markdown", *,
               worksheet: bool = False, standalone: bool = True) -> str:
    """The whole document: title, course, then every problem in order."""
    ws = Worksheet() if worksheet else None
    if fmt == "markdown":
        from .render.markdown import text_with_math

        lines = [f"# {text_with_math(pset.title)}"]
        if pset.course:
            lines += ["", text_with_math(pset.course)]
        for sol in solutions:
            lines += problem_section(sol, fmt, ws)
        return "\n".join(lines) + "\n"
    from .render.latex import MACROS, PACKAGES, PREAMBLE, comment
    from .render.latex import text_with_math as tm

    head = [r"\begin{center}", rf"{{\Large\bfseries {tm(pset.title)}}}"]
    if pset.course:
        head[-1] += r"\\[0.6ex]"
        head.append(tm(pset.course))
    head.append(r"\end{center}")
    body = list(head)
    for sol in solutions:
        body += problem_section(sol, fmt, ws)
    if standalone:
        lines = [*PREAMBLE, *MACROS, r"\begin{document}", *body, r"\end{document}"]
    else:
        lines = [comment(r"needs \usepackage{" + ",".join(PACKAGES) + "}"), *MACROS, *body]
    return "\n".join(lines) + "\n"


def format_for(fmt: str | None, output: str | None) -> str:
    """The format asked for, or the one the output file's name implies (``.tex``: latex)."""
    if fmt is not None:
        return fmt
    if output is not None and output.lower().endswith((".tex", ".latex")):
        return "latex"
    return "markdown"

"""``adtrace key``: answer keys and worksheets from a problem set.

:func:`solve` runs each problem of a :class:`~adtrace.problems.ProblemSet` (read by
:func:`adtrace.problems.load_problem_set`); :func:`render_key` prints the whole
document in any format that offers ``document`` in :data:`adtrace.render.FORMATS`
(Markdown, LaTeX), built from that format's pieces (title, a problem's heading and
opening, paragraph, the function, the point, the traces, a comparison, figures):
nothing here knows a format's syntax.  A worksheet is the same document with the
computed cells left blank (:mod:`adtrace.worksheet`).

One problem's part of the document is printed by :func:`problem_section`, which
joins the parts listed in :data:`PARTS` (the traces, then the graph of a problem with
``graph = true``); a new kind of part is one function appended there, and its option
one entry in :data:`adtrace.problems.PROBLEM_KEYS`.  The traces and comparisons are
the formats' own sections: the same code as ``adtrace forward|reverse|compare --format``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import AdtraceError, ProblemSetError
from .problems import Problem, ProblemSet
from .render import DOCUMENT, FORMATS, DocumentFormat, load, names
from .worksheet import Worksheet, blank_graph

#: operations in one problem's program: a key is a document to read, not a data dump
MAX_OPERATIONS = 1_000


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
                         letter=problem.letter, order=problem.order, out=problem.out)
    if len(program.eqns) > MAX_OPERATIONS:
        raise ProblemSetError(f"{len(program.eqns):,} operations is more than an answer key "
                              f"shows (the limit is {MAX_OPERATIONS:,}); use 'adtrace forward' "
                              "or 'reverse' with --format csv or json")
    if problem.graph:
        from .graph import PAGE_MAX_NODES

        if program.n_nodes > PAGE_MAX_NODES:
            raise ProblemSetError(f"'graph': the graph has {program.n_nodes:,} nodes, more than "
                                  f"an answer key draws (at most {PAGE_MAX_NODES}); set "
                                  "graph = false, or draw it with 'adtrace graph --format dot'")

    common = dict(labels=problem.labels, letter=problem.letter, order=problem.order,
                  out=problem.out, check=problem.check, digits=problem.digits,
                  exact=problem.exact)
    sol = Solution(problem)
    if problem.mode == "compare":
        try:
            from .compare import compare
        except ImportError:
            raise ProblemSetError("mode = \"compare\" needs 'adtrace compare', which this "
                                  "installation does not have") from None
        sol.comparison = compare(problem.formula, problem.at, out=problem.out,
                                 digits=problem.digits)
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

    program, _, _ = load(problem.formula, problem.at, labels=problem.labels,
                         letter=problem.letter, order=problem.order, out=problem.out)
    items = parse_assignments(problem.seed or "", "seed")
    fwd = [f"{n}={c.text}" for n, c in items if n in program.inputs]
    rev = [f"{n}={c.text}" for n, c in items if n not in program.inputs]
    if fwd and problem.wrt is not None:
        raise ProblemSetError("give 'wrt' or a seed for the inputs, not both")
    return (",".join(fwd) or None, ",".join(rev) or None)


# --- the document ------------------------------------------------------------------------------

Part = Callable[[Solution, DocumentFormat, "Worksheet | None"], list[str]]


def _traces_part(sol: Solution, doc: DocumentFormat, ws: Worksheet | None) -> list[str]:
    """The traces (forward, then reverse: one primal trace, one check), or a comparison
    without the counting rules."""
    if sol.comparison is not None:
        return doc.compare_sections(sol.comparison, level=3, worksheet=ws,
                                    digits=sol.problem.digits, rules=False)
    lines: list[str] = []
    both = sol.forward is not None and sol.reverse is not None
    # a worksheet's check would be a blank table of symbolic derivatives: only on request
    check = ws is None or sol.problem.worksheet_check
    for t in sol.traces:
        title = f"Derivatives ({t.mode} mode)" if both else "Derivatives"
        lines += doc.trace_sections(t, level=3, worksheet=ws, primal=t is sol.traces[0],
                                    check=check and t is sol.traces[-1],
                                    derivatives_title=title)
    return lines


def _graph(sol: Solution, ws: Worksheet | None) -> tuple[Any, Any, int | None]:
    """(graph, trace, sweep index) to draw for a problem.

    An answer shows the values and the first sweep of reverse mode (mode ``both`` too:
    the adjoints are where the graph's fan-out shows) or of forward mode; a comparison
    shows values and partials only.  A worksheet draws the same graph with every
    computed number blank (:func:`adtrace.worksheet.blank_graph`).
    """
    from .graph import graph_of_trace

    if sol.comparison is not None:
        t, sweep = sol.comparison.reverse_trace, None
    else:
        t = sol.reverse if sol.reverse is not None else sol.forward
        sweep = 0 if t.sweeps else None
    g = graph_of_trace(t, sweep)
    if ws is not None:
        g = blank_graph(g, rules="rules" in ws.given, primal="primal" in ws.given)
    return g, t, sweep


def _graph_caption(doc: DocumentFormat, t: Any, sweep: int | None,
                   ws: Worksheet | None) -> str:
    """What the nodes and edges show."""
    from .rows import sweep_title

    fill = "" if ws is None else " Fill in the blanks."
    if sweep is None:
        return doc.text("Nodes: the values. Edges: the local partial derivatives at the point." +
                        fill)
    s = t.sweeps[sweep]
    what = s.kind.step
    title = sweep_title(t, s, sweep + 1).partition(": ")[0]
    head = f"Nodes: the values and the {what}s of {title[0].lower()}{title[1:]} ("
    tail = ("). Edges: the local partial derivatives at the point" +
            (", and what the sweep carries along each." if ws is None else "." + fill))
    return doc.text(head) + doc.sweep_seed(t, s) + doc.text(tail)


def _graph_part(sol: Solution, doc: DocumentFormat, ws: Worksheet | None) -> list[str]:
    """``graph = true``: the problem's computational graph after its traces, as the
    format draws a figure (Mermaid in Markdown, a TikZ picture in LaTeX)."""
    if not sol.problem.graph:
        return []
    g, t, sweep = _graph(sol, ws)
    try:
        return doc.figure("Computational graph", _graph_caption(doc, t, sweep, ws), g, 3)
    except AdtraceError as e:
        raise _in_problem(e, sol.problem.number) from None


#: the parts of one problem after its heading, statement, function and point
PARTS: list[Part] = [_traces_part, _graph_part]


def _mode_text(sol: Solution) -> str:
    p = sol.problem
    if p.mode == "compare":
        return "forward and reverse mode compared, for the whole Jacobian"
    return {"forward": "forward mode", "reverse": "reverse mode",
            "both": "forward and reverse mode"}[p.mode]


def problem_section(sol: Solution, fmt: str, worksheet: Worksheet | None = None) -> list[str]:
    """One problem: heading (with its points), statement, the function as written, the
    point, then the parts.  ``new_page`` starts any problem but the first on a new page."""
    doc: DocumentFormat = load(fmt, DOCUMENT)
    p = sol.problem
    ws = Worksheet(p.given) if worksheet is not None else None
    opening: list[str] = []
    for par in _paragraphs(p.statement or ""):
        opening += doc.paragraph(par)
    opening += doc.formula(sol.program)
    opening += doc.point(sol.point_trace, _mode_text(sol))
    heading = f"Problem {p.number}" + (f" ({points_text(p.points)})" if p.points else "")
    lines = doc.problem(heading, opening, new_page=p.new_page and p.number > 1)
    for part in PARTS:
        lines += part(sol, doc, ws)
    return lines


def _paragraphs(text: str) -> list[str]:
    return [" ".join(par.split()) for par in re.split(r"\n\s*\n", text.strip()) if par.strip()]


def points_text(points: float) -> str:
    """``1 point``, ``2.5 points``, ``10 points``."""
    shown = f"{points:g}" if points < 1e6 else f"{points:,.0f}"
    return f"{shown} point{'' if points == 1 else 's'}"


def title_lines(pset: ProblemSet) -> list[str]:
    """Under the title: the course, and the points in all when every problem has points."""
    lines = [pset.course] if pset.course else []
    points = [p.points for p in pset.problems]
    if all(points):
        lines.append(f"Total: {points_text(sum(points))}")  # type: ignore[arg-type]
    return lines


def render_key(pset: ProblemSet, solutions: list[Solution], fmt: str = "markdown", *,
               worksheet: bool = False, standalone: bool = True) -> str:
    """The whole document: title, course, points in all, then every problem in order."""
    doc: DocumentFormat = load(fmt, DOCUMENT)
    ws = Worksheet() if worksheet else None
    lines = doc.title(pset.title, title_lines(pset))
    for sol in solutions:
        lines += problem_section(sol, fmt, ws)
    figures = any(sol.problem.graph for sol in solutions)
    return doc.document(lines, standalone=standalone, figures=figures)


def format_for(fmt: str | None, output: str | None) -> str:
    """The format asked for, or the one the output file's name implies (``.tex``: latex),
    or the first document format (markdown)."""
    if fmt is not None:
        return fmt
    for name in names(DOCUMENT):
        if output is not None and output.lower().endswith(FORMATS[name].suffixes):
            return name
    return names(DOCUMENT)[0]

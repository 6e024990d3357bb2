"""The computational graph of a trace: nodes with roles, edges with local partials.

A :class:`Graph` is built from a parsed :class:`~adtrace.program.Program` (and, when
a point is given, from a :class:`~adtrace.tracing.Trace`): one node per input and
per operation, one edge per use of a node as an argument, labelled with the local
partial derivative ``∂w1/∂x1 = x2 = 3``.  With a sweep, each node also carries its
tangent (forward) or adjoint (reverse) and the terms that sum to it, so a node used
twice shows why its adjoint is a sum.

The formats (text, DOT, Mermaid, TikZ, SVG/PNG) are modules under ``adtrace/render/``,
chosen by name from the registry :data:`adtrace.render.FORMATS`; each draws a graph
with its ``graph`` function.  Nothing here imports SymPy or rich.

Other code gets a figure for a trace with :func:`trace_graph`::

    t = adtrace.trace("x1*x2 + sin(x1)", "x1=2,x2=3", mode="reverse")
    trace_graph(t, "mermaid")   # a ``flowchart LR`` block for Markdown
    trace_graph(t, "tikz")      # a ``tikzpicture`` (\\usepackage{amsmath,tikz})
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import AdtraceError, BindingError, ExitStatus
from .expr import display_namespace, lift
from .kinds import FORWARD, SWEEP_KINDS, SweepKind
from .notation import LatexPrinter, TextPrinter, fmt_number, latex_number
from .notation import sym as symbols
from .program import Labels, Program, _latex_mark, _mark, latex_name
from .tracing import arg_display, partial_values, primal_display

if TYPE_CHECKING:
    from .tracing import Sweep, Trace

#: past this many nodes the text view prints a summary (DOT, Mermaid, TikZ stay complete)
TEXT_MAX_NODES = 60
#: past this many nodes a graph does not fit a page: the TikZ picture is refused (TeX would
#: take minutes) and an answer key does not draw it (DOT and Mermaid have no such limit)
PAGE_MAX_NODES = 300

ROLES = ("input", "intermediate", "output")


class GraphvizMissing(AdtraceError):
    """``--format svg|png`` without Graphviz's ``dot`` program."""


class GraphvizFailed(AdtraceError):
    """Graphviz's ``dot`` ran but did not produce the picture (a bug: the DOT is ours)."""

    status = ExitStatus.INTERNAL


@dataclass
class GraphNode:
    node: int  # index in the program (inputs first)
    id: str  # the label's id (``w1``, ``v-1``, ``w0_1``): JSON ids
    label: str  # the label as printed (``w1``, ``v-1``, ``w⁽¹⁾₂``)
    latex: str  # the label in LaTeX
    role: str  # input | intermediate | output
    op: str | None  # op name (``mul``); None for inputs
    depth: int  # longest path from the inputs; inputs are 0
    title: str  # ``w1 = x1 * x2``, ``f = w3 = w1 + w2``, ``v-1 = x1``, ``x1``
    title_latex: str
    outputs: list[str] = field(default_factory=list)  # output names this node is
    value: float | None = None  # primal value (with a point)
    derivative: float | None = None  # tangent or adjoint of the sweep shown
    terms: list[float] = field(default_factory=list)  # what sums to ``derivative``
    users: list[int] = field(default_factory=list)  # nodes using this one, one per edge

    @property
    def shared(self) -> bool:
        """Used by two or more operations (or twice by one): the graph fans out here."""
        return len(self.users) > 1

    @property
    def fans_out(self) -> bool:
        """Its value goes to two or more places (operations, or an operation and the
        outputs): drawn with a heavier border and coloured out-edges."""
        return len(self.users) + (self.role == "output") > 1

    @property
    def use_text(self) -> str | None:
        """``used 2×``; an output that operations also use says so: ``output, also used 1×``."""
        if self.role == "output" and self.users:
            return symbols(f"output, also used {len(self.users)}×")
        if self.shared:
            return symbols(f"used {len(self.users)}×")
        return None


@dataclass
class GraphEdge:
    source: int  # the argument
    target: int  # the operation using it
    arg: int  # which argument of ``target`` ``source`` is
    name: str  # ``∂w1/∂x1``
    name_latex: str
    symbolic: str  # ``x2``; the partial as a formula of the trace's quantities
    symbolic_latex: str
    value: float | None = None  # its value at the point
    flow: float | None = None  # the sweep's quantity carried along this edge (ḋ·∂ or v̄·∂)


@dataclass
class Graph:
    source: str  # the formula as given
    program: Program
    labels: Labels
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    mode: str | None = None  # None (primal only) | forward | reverse
    seed: dict[str, float] = field(default_factory=dict)  # the sweep's seed
    point: list[tuple[str, str]] | None = None  # (input, value as written)
    digits: int = 4

    # --- helpers the renderers share -------------------------------------------------------

    @property
    def kind(self) -> SweepKind | None:
        """The kind of the sweep shown, if any."""
        return None if self.mode is None else SWEEP_KINDS[self.mode]

    def number(self, x: float) -> str:
        return fmt_number(x, self.digits)

    def number_latex(self, x: float) -> str:
        return latex_number(x, self.digits)

    def derivative_name(self, node: int) -> str:
        """``ẇ1`` (forward) or ``w̄1`` (reverse)."""
        return _mark(self.labels.text[node], self.kind.mark)  # type: ignore[union-attr]

    def derivative_latex(self, node: int) -> str:
        return _latex_mark(self.labels.latex[node], self.kind.role)  # type: ignore[union-attr]

    def value_text(self, n: GraphNode) -> str | None:
        """``= 6`` or None without a point."""
        return None if n.value is None else f"= {self.number(n.value)}"

    def derivative_text(self, n: GraphNode) -> str | None:
        """``x̄1 = 3 + -0.4161 = 2.584``: the sum is shown when two or more terms make it."""
        if self.mode is None or n.derivative is None:
            return None
        name = self.derivative_name(n.node)
        total = self.number(n.derivative)
        if len(n.terms) > 1:
            return f"{name} = {join_terms([self.number(t) for t in n.terms])} = {total}"
        return f"{name} = {total}"

    def derivative_text_latex(self, n: GraphNode) -> str | None:
        if self.mode is None or n.derivative is None:
            return None
        name = self.derivative_latex(n.node)
        total = self.number_latex(n.derivative)
        if len(n.terms) > 1:
            terms = join_terms([self.number_latex(t) for t in n.terms])
            return f"{name} = {terms} = {total}"
        return f"{name} = {total}"

    def edge_text(self, e: GraphEdge) -> str:
        """``∂w1/∂x1 = x2 = 3``; a symbolic part equal to the number is not repeated."""
        return _equation(e.name, e.symbolic,
                         None if e.value is None else self.number(e.value))

    def edge_latex(self, e: GraphEdge) -> str:
        return _equation(e.name_latex, e.symbolic_latex,
                         None if e.value is None else self.number_latex(e.value))

    def flow_text(self, e: GraphEdge) -> str | None:
        """What the sweep carries along an edge: ``x̄1 += w̄1 · 3 = 3`` (reverse, from the
        user back to the argument) or ``ẇ1 += ẋ1 · 3 = 3`` (forward)."""
        if self.mode is None or e.flow is None or e.value is None:
            return None
        to, frm = (self.derivative_name(n) for n in self.kind.flow(e.source, e.target))  # type: ignore[union-attr]
        factor = self.number(e.value)
        if factor.startswith("-"):
            factor = f"({factor})"
        return f"{to} += {frm} {symbols('·')} {factor} = {self.number(e.flow)}"

    def flow_latex(self, e: GraphEdge) -> str | None:
        if self.mode is None or e.flow is None or e.value is None:
            return None
        to, frm = (self.derivative_latex(n) for n in self.kind.flow(e.source, e.target))  # type: ignore[union-attr]
        factor = self.number_latex(e.value)
        if factor.startswith("-"):
            factor = rf"\left({factor}\right)"
        return (rf"{to} \mathrel{{+}}= {frm} \cdot {factor} = "
                f"{self.number_latex(e.flow)}")

    def sweep_text(self) -> str | None:
        """``reverse mode: adjoints for f̄ = 1`` / ``forward mode: tangents for ẋ1 = 1``."""
        if self.mode is None:
            return None
        kind = SWEEP_KINDS[self.mode]
        hot = [(k, v) for k, v in self.seed.items() if v != 0]
        seed = ", ".join(f"{_mark(k, kind.mark)} = {self.number(v)}" for k, v in hot)
        return f"{kind.mode} mode: {kind.plural} for {seed or 'zero seed'}"

    def point_text(self) -> str | None:
        if self.point is None:
            return None
        return ", ".join(f"{name} = {value}" for name, value in self.point)

    def layers(self) -> list[list[int]]:
        """Node indices by depth, each layer in row order."""
        deepest = max((n.depth for n in self.nodes), default=0)
        out: list[list[int]] = [[] for _ in range(deepest + 1)]
        for n in self.nodes:
            out[n.depth].append(n.node)
        return out


def join_terms(terms: list[str]) -> str:
    """``3 + -0.4161`` written ``3 - 0.4161``."""
    out = terms[0]
    for t in terms[1:]:
        if t.startswith("-"):
            out += f" - {t[1:]}"
        else:
            out += f" + {t}"
    return out


# --- building -------------------------------------------------------------------------------


def build_graph(program: Program, labels: Labels, *, values: list[float] | None = None,
                sweep: Sweep | None = None, point: list[tuple[str, str]] | None = None,
                digits: int = 4) -> Graph:
    """The graph of ``program``; with ``values`` the primal values and numeric partials,
    with ``sweep`` the tangents or adjoints of that sweep."""
    p, lab = program, labels
    n_in = p.n_inputs
    out_names: dict[int, list[str]] = {}
    for name, node in p.outputs:
        out_names.setdefault(node, []).append(name)
    text = TextPrinter(lab.leaf_text, times=" * ")
    sym = TextPrinter(lab.leaf_text)
    latex = LatexPrinter(lab.leaf_latex)

    nodes: list[GraphNode] = []
    for i in range(p.n_nodes):
        names = out_names.get(i, [])
        if p.is_input(i):
            name = p.inputs[i]
            title = name if lab.text[i] == name else f"{lab.text[i]} = {name}"
            title_latex = lab.latex[i] if lab.text[i] == name else \
                f"{lab.latex[i]} = {latex_name(name)}"
            op = None
        else:
            rhs = primal_display(p, i)
            title = f"{lab.text[i]} = {text.doprint(rhs)}"
            title_latex = f"{lab.latex[i]} = {latex.doprint(rhs)}"
            op = p.eqn(i).op
        aliases = [nm for nm in names if nm != lab.text[i]]
        if aliases:  # ``f = w3 = w1 + w2``, as the trace's output row reads
            title = " = ".join(aliases) + " = " + title
            title_latex = " = ".join(latex_name(nm) for nm in aliases) + " = " + title_latex
        role = "output" if names else ("input" if p.is_input(i) else "intermediate")
        nodes.append(GraphNode(i, lab.ids[i], lab.text[i], lab.latex[i], role, op,
                               p.depth[i] if p.depth else 0, title, title_latex, names,
                               values[i] if values is not None else None))

    edges: list[GraphEdge] = []
    for k, eqn in enumerate(p.eqns):
        node = n_in + k
        rule = eqn.rule
        nums = partial_values(p, lab, node, values) if values is not None else None
        ns = display_namespace(eqn.alias)
        args = arg_display(p, node, exact_consts=True)
        for j, a in enumerate(eqn.args):
            if not isinstance(a, int):
                continue
            name = symbols(f"∂{lab.text[node]}/∂{lab.text[a]}")
            name_latex = rf"\partial {lab.latex[node]} / \partial {lab.latex[a]}"
            if rule.routes:
                # max/min: 1 for the argument that wins, 0 for the others
                if nums is not None:
                    symbolic = symbolic_latex = ""
                else:
                    symbolic = f"1 if {lab.text[a]} is the {rule.name}, else 0"
                    symbolic_latex = (rf"[{lab.latex[a]} \text{{ is the {rule.name}}}]")
                value = None if nums is None else (nums[j] if nums[j] is not None else 0.0)
            else:
                d = lift(rule.partials[j](ns, *args))
                symbolic, symbolic_latex = sym.doprint(d), latex.doprint(d)
                value = None if nums is None else nums[j]
            edges.append(GraphEdge(a, node, j, name, name_latex, symbolic, symbolic_latex, value))
            nodes[a].users.append(node)

    g = Graph(p.source, p, lab, nodes, edges, digits=digits, point=point)
    if sweep is not None:
        _attach_sweep(g, sweep)
    return g


def _attach_sweep(g: Graph, sweep: Sweep) -> None:
    g.mode = sweep.mode
    g.seed = dict(sweep.seed)
    vals = sweep.values
    for n in g.nodes:
        n.derivative = vals[n.node]
    if sweep.kind is FORWARD:  # tangents flow along the edges, adjoints against them
        for e in g.edges:
            if e.value is not None:
                e.flow = e.value * vals[e.source]  # type: ignore[operator]
                g.nodes[e.target].terms.append(e.flow)
    else:
        for name, node in g.program.outputs:
            w = sweep.seed.get(name, 0.0)
            if w != 0:
                g.nodes[node].terms.append(w)
        # the edges the sweep passed an adjoint along (users it never reached pass none)
        passed = {(step.source, step.arg) for step in sweep.steps}
        for e in g.edges:  # in row order: the order the adjoint sweep adds them is reversed
            if e.value is not None and (e.target, e.arg) in passed:
                e.flow = vals[e.target] * e.value  # type: ignore[operator]
        # contributions in the order the sweep makes them: later users first
        by_source: dict[int, list[GraphEdge]] = {}
        for e in g.edges:
            by_source.setdefault(e.source, []).append(e)
        for src, es in by_source.items():
            for e in sorted(es, key=lambda e: (-e.target, e.arg)):
                if e.flow is not None:
                    g.nodes[src].terms.append(e.flow)


def graph_of_trace(t: Trace, sweep: int | None = 0) -> Graph:
    """The graph of a trace, showing sweep number ``sweep`` (0-based), or none with None."""
    chosen = t.sweeps[sweep] if sweep is not None and t.sweeps else None
    point = [(name, c.text) for name, c in zip(t.program.inputs, t.point)]
    return build_graph(t.program, t.labels, values=t.values, sweep=chosen, point=point,
                       digits=t.digits)


def graph(formula: str, at: Any = None, *, mode: str | None = None, wrt: str | None = None,
          seed: str | None = None, labels: str = "w", order: str = "level",
          out: str | list[str] | None = None, digits: int = 4) -> Graph:
    """Parse ``formula`` and build its graph; with ``at`` evaluate it, with ``mode`` sweep.

    ``mode="forward"`` shows the first tangent sweep (the first input), the one ``wrt``
    names, or the ``seed`` direction; ``mode="reverse"`` the adjoints of the first
    output, or of the ``seed`` weights.
    """
    from .api import load, trace

    if mode not in (None, "forward", "reverse"):
        raise BindingError(f"--mode must be forward or reverse, not '{mode}'")
    if at is None or at == "":
        if mode is not None:
            raise BindingError(f"--mode {mode} needs a point: give --at "
                               "(e.g. --at x1=2,x2=3)")
        if wrt is not None or seed is not None:
            raise BindingError("--wrt and --seed need --mode and --at")
        program, lab, _ = load(formula, None, labels=labels, order=order, out=out)
        return build_graph(program, lab, digits=digits)
    if mode is None and (wrt is not None or seed is not None):
        raise BindingError("--wrt and --seed need --mode forward or --mode reverse")
    if wrt is not None and "," in wrt:
        raise BindingError("the graph shows one tangent sweep: give one input to --wrt "
                           "(or a direction with --seed)")
    t = trace(formula, at, mode=mode or "forward", wrt=wrt, seed=seed, labels=labels,
              order=order, out=out, check=False, digits=digits)
    return graph_of_trace(t, 0 if mode is not None else None)


# --- rendering --------------------------------------------------------------------------------


def render_graph(g: Graph, fmt: str, **options: Any) -> str | bytes:
    """``fmt`` is a graph format of :data:`adtrace.render.FORMATS` (``text``, ``dot``,
    ``mermaid``, ``tikz``, ``svg``, ``png``); ``png`` gives bytes, every other text."""
    from .render import render_graph as draw

    return draw(g, fmt, **options)


def trace_graph(t: Trace, fmt: str = "mermaid", *, sweep: int | None = 0,
                **options: Any) -> str | bytes:
    """The graph of a trace in one format: ``mermaid``, ``dot``, ``tikz``, ``text``, ...

    ``sweep`` picks which of the trace's sweeps the nodes show (0-based; None: values
    and partials only).  For LaTeX, ``trace_graph(t, "tikz")`` is a ``tikzpicture``
    needing only ``\\usepackage{amsmath,tikz}``; pass ``standalone=True`` for a whole document.
    """
    return render_graph(graph_of_trace(t, sweep), fmt, **options)


def _equation(name: str, symbolic: str | None, number: str | None) -> str:
    """``name = symbolic = number``, without parts that are absent or say the same."""
    parts = [name]
    if symbolic:
        parts.append(symbolic)
    if number is not None and number != symbolic:
        parts.append(number)
    return " = ".join(parts)

"""``adtrace graph --format text``: the graph drawn in the terminal with rich.

Each output is the root of a tree whose branches are its arguments; a branch is
labelled with the edge's local partial, and under it stands the argument with its
value and tangent or adjoint.  A node used more than once is drawn in full the first
time (marked ``used 2×``) and as ``(see above)`` afterwards, so the drawing never
repeats a subgraph and every fan-out is marked.  A graph too deep for the width is
listed layer by layer instead, and one with more than
:data:`~adtrace.graph.TEXT_MAX_NODES` nodes is summarised (DOT and Mermaid stay
complete).  Colour only when asked; the plain layout is stable for golden files.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..graph import TEXT_MAX_NODES, Graph, GraphEdge, GraphNode
from ..notation import sym
from .common import one_line, printed, terminal

#: the tree's guides take 4 columns per level
GUIDE = 4


DERIVATIVE_COLOR = {"forward": "green", "reverse": "red"}  # by the sweep's mode


def _styles(color: bool, mode: str | None) -> dict[str, str]:
    if not color:
        return {k: "" for k in ("input", "output", "intermediate", "deriv", "edge", "tag",
                                "seen", "head")}
    return {"input": "bold cyan", "output": "bold yellow", "intermediate": "bold",
            "deriv": DERIVATIVE_COLOR.get(mode or "", "red"), "edge": "dim",
            "tag": "magenta", "seen": "italic dim", "head": "bold"}


def _tags(n: GraphNode) -> list[str]:
    tags = []
    if n.op is None:  # an input (possibly also an output: ``y = x``)
        tags.append("input")
    if n.use_text:
        tags.append(n.use_text)
    elif n.role == "output":
        tags.append("output")
    return tags


def _node_text(g: Graph, n: GraphNode, st: dict[str, str]) -> Any:
    from rich.text import Text

    t = Text()
    t.append(n.title, style=st[n.role])
    value = g.value_text(n)
    if value is not None:
        t.append(f" {value}")
    deriv = g.derivative_text(n)
    if deriv is not None:
        t.append("   ")
        t.append(deriv, style=st["deriv"])
    tags = _tags(n)
    if tags:
        t.append("   ")
        t.append(f"[{'; '.join(tags)}]", style=st["tag"])
    return t


def _header(g: Graph, console: Any, st: dict[str, str]) -> None:
    from rich.text import Text

    formula = one_line(g.source)
    if len(formula) > 300:
        formula = formula[:299] + sym("…")
    console.print(Text(f"adtrace graph: {formula}", style=st["head"]), overflow="fold")
    for line in (g.point_text() and f"at {g.point_text()}", g.sweep_text()):
        if line:
            console.print(Text(line), overflow="fold")
    console.print()


def _roots(g: Graph) -> list[int]:
    """The outputs, in order, then any node nothing uses that is not an output."""
    roots: list[int] = []
    for _, node in g.program.outputs:
        if node not in roots:
            roots.append(node)
    roots += [n.node for n in g.nodes if not n.users and n.node not in roots]
    return roots


def _tree_depth(g: Graph, roots: list[int]) -> int:
    """Levels the tree drawing needs (each node is expanded once)."""
    seen: set[int] = set()
    deepest = 0
    for r in roots:
        stack = [(r, 0)]
        while stack:
            node, level = stack.pop()
            deepest = max(deepest, level)
            if node in seen:
                continue
            seen.add(node)
            for e in reversed(_in_edges(g, node)):
                stack.append((e.source, level + 1))
    return deepest


def _in_edges(g: Graph, node: int) -> list[GraphEdge]:
    return [e for e in g.edges if e.target == node]


def _trees(g: Graph, console: Any, st: dict[str, str]) -> None:
    from rich.text import Text
    from rich.tree import Tree

    in_edges: dict[int, list[GraphEdge]] = {}
    for e in g.edges:
        in_edges.setdefault(e.target, []).append(e)
    seen: set[int] = set()

    def seen_text(n: GraphNode) -> Any:
        t = Text(n.label, style=st[n.role])
        t.append(" (see above)", style=st["seen"])
        return t

    first = True
    for root in _roots(g):
        if not first:
            console.print()
        first = False
        n = g.nodes[root]
        if root in seen:
            console.print(seen_text(n))
            continue
        seen.add(root)
        tree = Tree(_node_text(g, n, st), guide_style=st["edge"] or "none")
        stack: list[tuple[Any, int]] = [(tree, root)]
        while stack:
            branch, node = stack.pop()
            children = []
            for e in in_edges.get(node, []):
                arg = g.nodes[e.source]
                label = Text()
                label.append(g.edge_text(e), style=st["edge"])
                label.append("\n")
                if e.source in seen:
                    label.append_text(seen_text(arg))
                    branch.add(label)
                else:
                    seen.add(e.source)
                    label.append_text(_node_text(g, arg, st))
                    children.append((branch.add(label), e.source))
            stack.extend(reversed(children))
        console.print(tree)


def _layers(g: Graph, console: Any, st: dict[str, str]) -> None:
    """Layer by layer: each node with the edges coming into it."""
    from rich.text import Text

    for depth, layer in enumerate(g.layers()):
        if not layer:
            continue
        console.print(Text(f"depth {depth}", style=st["head"]))
        for i in layer:
            n = g.nodes[i]
            console.print(Text("  ").append_text(_node_text(g, n, st)), overflow="fold")
            for e in _in_edges(g, i):
                console.print(Text(sym("      ← ") + f"{g.nodes[e.source].label}: {g.edge_text(e)}",
                                   style=st["edge"]), overflow="fold")


def _summary(g: Graph, console: Any, st: dict[str, str]) -> None:
    from rich.text import Text

    n_ops = len(g.nodes) - g.program.n_inputs
    console.print(Text(
        f"Summarised: the graph has {len(g.nodes):,} nodes ({g.program.n_inputs:,} inputs, "
        f"{n_ops:,} operations, {len(g.edges):,} edges), more than the {TEXT_MAX_NODES} the "
        "text view draws. --format dot or --format mermaid give the complete graph.",
        style=st["tag"]), overflow="fold")
    console.print()
    inputs = [n.label for n in g.nodes if n.role == "input" or g.program.is_input(n.node)]
    shown = ", ".join(inputs[:20]) + (sym(f", … ({len(inputs) - 20:,} more)") if len(inputs) > 20
                                       else "")
    console.print(Text(f"inputs: {shown}"), overflow="fold")
    ops = Counter(n.op for n in g.nodes if n.op is not None)
    by_count = sorted(ops.items(), key=lambda x: (-x[1], x[0]))
    console.print(Text("operations: " + ", ".join(f"{op} {k:,}" for op, k in by_count)),
                  overflow="fold")
    layers = g.layers()
    counts = [f"{d}: {len(layer):,}" for d, layer in enumerate(layers)]
    if len(counts) > 24:
        counts = counts[:12] + [sym("…")] + counts[-6:]
    console.print(Text(f"nodes per depth ({len(layers):,} levels): " + ", ".join(counts)),
                  overflow="fold")
    shared = [n for n in g.nodes if n.shared]
    if shared:
        most = max(shared, key=lambda n: len(n.users))
        console.print(Text(f"shared nodes (used more than once): {len(shared):,}; most used: "
                           f"{most.label} ({len(most.users):,} uses)"), overflow="fold")
    console.print(Text("outputs:"))
    outs = _roots(g)[: len(g.program.outputs)]
    for node in outs[:20]:
        console.print(Text("  ").append_text(_node_text(g, g.nodes[node], st)), overflow="fold")
    if len(outs) > 20:
        console.print(Text(sym(f"  … ({len(outs) - 20:,} more)")))


def graph(g: Graph, *, color: bool = False, width: int = 80, **_: Any) -> str:
    """The graph drawn as trees (or by depth, or summarised) for the terminal."""
    console = terminal(color, width)
    st = _styles(color, g.mode)
    _header(g, console, st)
    if len(g.nodes) > TEXT_MAX_NODES:
        _summary(g, console, st)
    elif (_tree_depth(g, _roots(g)) + 1) * GUIDE > width // 2:
        console.print(Text_("(listed by depth: the tree is too deep for the width)", st))
        _layers(g, console, st)
    else:
        _trees(g, console, st)
    return printed(console)


def Text_(text: str, st: dict[str, str]) -> Any:  # noqa: N802 - a styled line
    from rich.text import Text

    return Text(text, style=st["seen"])

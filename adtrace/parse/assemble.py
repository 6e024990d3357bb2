"""The DAG's statements -> :class:`~adtrace.program.Program`: outputs, inputs, row order.

Outputs are the assigned names never used later (or those ``--out`` lists) and the bare
expressions; inputs follow ``--at`` (or their first appearance); rows are numbered by
depth, then left to right as written (``order="level"``), or in plain evaluation order
(``order="written"``).
"""

from __future__ import annotations

from ..errors import BindingError
from ..program import Const, Eqn, Program
from .walk import Dag, Statement


def assemble(dag: Dag, stmts: list[Statement], text: str, inputs: list[str] | None,
             outputs: list[str] | None, order: str) -> Program:
    """The program of ``text``, whose statements the walk turned into ``dag``."""
    outs = _outputs(dag, stmts, outputs)
    if not dag.inputs:
        raise BindingError("the formula has no variables to differentiate")
    input_names = _inputs(dag, inputs)
    nodes = dag.nodes
    if order == "level":  # by statement, depth, then position as written
        ops = [i for *_, i in sorted([(n.stmt, n.depth, n.pre, i) for i, n in enumerate(nodes)
                                      if n.op is not None])]
    else:  # the order they were built in: evaluation order as written
        ops = [i for i, n in enumerate(nodes) if n.op is not None]
    final = [0] * len(nodes)  # node -> its index in the program
    for k, name in enumerate(input_names):
        final[dag.inputs[name]] = k
    for k, i in enumerate(ops, start=len(input_names)):
        final[i] = k
    eqns = []
    for i in ops:
        n = nodes[i]
        args = n.args
        if len(args) == 2:  # most operations
            a, b = args
            args = (final[a] if a.__class__ is int else a,  # type: ignore[index]
                    final[b] if b.__class__ is int else b)  # type: ignore[index]
        else:
            args = tuple([final[a] if a.__class__ is int else a for a in args])  # type: ignore
        eqns.append(Eqn(n.op, args, n.alias, n.name, n.line, n.col + 1))  # type: ignore[arg-type]
    depth = [0] * len(input_names) + [nodes[i].depth for i in ops]
    program_outputs = [(name, final[value]) for name, value, _ in outs]  # type: ignore[index]
    return Program(text, input_names, eqns, program_outputs, depth)


def _outputs(dag: Dag, stmts: list[Statement],
             outputs: list[str] | None) -> list[tuple[str, int | Const, int]]:
    """(name, value, line) of each output, checked to depend on some input."""
    bare = [(value, line) for name, value, line in stmts if name is None]
    assigned = [(name, value, line) for name, value, line in stmts if name is not None]
    outs: list[tuple[str, int | Const, int]] = []
    if outputs:
        known = {name: (value, line) for name, value, line in assigned}
        for name in outputs:
            if name not in known:
                where = "an input, not an assigned name" if name in dag.inputs else \
                    "not assigned"
                raise BindingError(f"--out: '{name}' is {where} in the program")
            outs.append((name, *known[name]))
    else:
        outs = [(name, value, line) for name, value, line in assigned
                if not dag.used_after[name]]
    if bare:
        taken = set(dag.inputs) | set(dag.env)
        base = next(n for n in ("f", "y", "F", "out") if n not in taken)
        names = [base] if len(bare) == 1 else [f"{base}{k}" for k in range(1, len(bare) + 1)]
        outs += [(nm, value, line) for nm, (value, line) in zip(names, bare)]
    for name, value, line in outs:
        if isinstance(value, Const):
            what = f"{name} = {value.text}" if name not in ("f", "y", "F", "out") else value.text
            raise BindingError(f"{what} (line {line}) is a constant: it depends on no input, "
                               "so there is nothing to differentiate")
    return outs


def _inputs(dag: Dag, inputs: list[str] | None) -> list[str]:
    """The input names in ``--at`` order (``inputs``), or else in order of appearance."""
    first_seen = sorted(dag.inputs, key=lambda n: dag.nodes[dag.inputs[n]].pre)
    if inputs is None:
        return first_seen
    missing = [n for n in first_seen if n not in inputs]
    extra = [n for n in inputs if n not in dag.inputs]
    if missing:
        also = f" ({_names(extra)} {'is' if len(extra) == 1 else 'are'} not in the " \
            "formula)" if extra else ""
        raise BindingError(f"--at: missing a value for {_names(missing)}{also}")
    if extra:
        raise BindingError(f"--at: {_names(extra)} {'is' if len(extra) == 1 else 'are'} not "
                           f"{'a variable' if len(extra) == 1 else 'variables'} of the "
                           f"formula (variables: {', '.join(first_seen)})")
    return list(inputs)


def _names(names: list[str]) -> str:
    quoted = [f"'{n}'" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]

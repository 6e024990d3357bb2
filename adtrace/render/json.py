"""``--format json``: the contract's schema version 1, full float precision."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..printer import RowPrinter
from ..rows import ROW_KINDS, primal_row, sweep_rows
from ..tracing import Trace
from .jsontext import dumps

if TYPE_CHECKING:
    from ..compare import Comparison

SCHEMA = 1


def _int(x: float) -> float | int:
    """Seeds print as the contract shows them (``"x1": 1``); other values keep full floats."""
    return int(x) if math.isfinite(x) and x == int(x) and abs(x) < 2**53 else x


def _exact(value: Any) -> str | None:
    return None if value is None else value.text  # type: ignore[no-any-return]


def _nodes(t: Trace, text: RowPrinter, latex: RowPrinter) -> list[dict[str, Any]]:
    """The primal trace: one record per equation."""
    p, lab, ex = t.program, t.labels, t.exact
    nodes = []
    for k, eqn in enumerate(p.eqns):
        node = p.n_inputs + k
        row = primal_row(t, node)
        entry: dict[str, Any] = {
            "id": lab.ids[node],
            "op": eqn.op,
            "args": [lab.ids[a] if a.__class__ is int else a.text for a in eqn.args],
            "value": t.values[node],
        }
        if ex is not None:
            entry["exact"] = _exact(ex.primal[node])
        entry["text"] = f"{lab.text[node]} = {text.rule(row)}"
        entry["latex"] = f"{lab.latex[node]} = {latex.rule(row)}"
        name = eqn.name
        if name is not None and name != lab.ids[node]:
            entry["name"] = name
        nodes.append(entry)
    return nodes


def _sweeps(t: Trace, text: RowPrinter, latex: RowPrinter) -> list[dict[str, Any]]:
    """Each sweep: its seed, its steps as printed, every node's final value, its result."""
    p, lab, ex = t.program, t.labels, t.exact
    out = []
    for sweep in t.sweeps:
        steps = []
        for row in sweep_rows(t, sweep):
            if row.step is None:  # seeds, outputs and results are not steps
                continue
            step: dict[str, Any] = {"id": lab.ids[row.node], "value": row.value}  # type: ignore[index]
            if ex is not None:
                step["exact"] = _exact(row.exact)
            step["text"] = text.line(row)
            step["latex"] = latex.line(row)
            if ROW_KINDS[row.kind].from_source:  # an adjoint: it may accumulate
                step["accumulate"] = row.accumulates
                if row.flow:
                    step["flow"] = row.flow
            steps.append(step)
        forward = sweep.kind.seeds == "inputs"  # the inputs' tangents are the seed
        out.append({
            "seed": {k: _int(v) for k, v in sweep.seed.items()},
            "steps": steps,
            "values": {lab.ids[i]: (_int(v) if i < p.n_inputs and forward else v)
                       for i, v in enumerate(sweep.values) if v is not None},
            "result": dict(sweep.result),
        })
        exs = ex.sweep_of(sweep) if ex is not None else None
        if exs is not None:
            out[-1]["exact_result"] = {k: _exact(v) for k, v in exs.result.items()}
    return out


def to_dict(t: Trace, formula: str | None = None) -> dict[str, Any]:
    """The JSON document, as plain data."""
    p, lab = t.program, t.labels
    text = RowPrinter(lab, digits=t.digits)
    latex = RowPrinter(lab, digits=t.digits, latex=True)
    inputs = [{"id": lab.ids[i], "name": name, "value": t.values[i]}
              for i, name in enumerate(p.inputs)]
    outputs = [{"id": lab.ids[node], "name": name, "value": t.values[node]}
               for name, node in p.outputs]
    ex = t.exact  # --exact: an "exact" string next to each "value" (null where too large)
    if ex is not None:
        for item, node in zip(inputs + outputs, [*range(p.n_inputs), *(n for _, n in p.outputs)]):
            item["exact"] = _exact(ex.primal[node])
    out: dict[str, Any] = {
        "schema": SCHEMA,
        "mode": t.mode,
        "formula": formula if formula is not None else p.source,
        "inputs": inputs,
        "outputs": outputs,
        "nodes": _nodes(t, text, latex),
        "sweeps": _sweeps(t, text, latex),
        "derivatives": t.derivatives,
    }
    ex = t.exact
    if ex is not None:
        out["exact_derivatives"] = {o: {i: _exact(v) for i, v in d.items()}
                                    for o, d in ex.derivatives(t).items()}
        if ex.notes:
            out["exact_notes"] = list(ex.notes)
    if t.warnings:
        out["warnings"] = list(t.warnings)
    if t.check is not None:
        c = t.check
        check: dict[str, Any] = {"method": "sympy"}
        if c.skipped:
            check.update({"agree": None, "skipped": c.skipped, "max_abs_error": None,
                          "entries": []})
        else:
            check["agree"] = c.agree
            check["max_abs_error"] = c.max_abs_error
            check["entries"] = []
            for e in c.entries:
                item: dict[str, Any] = {"output": e.output, "input": e.input,
                                        "symbolic": e.symbolic, "value": e.value, "ad": e.ad,
                                        "agree": e.agree}
                if e.note:
                    item["note"] = e.note
                check["entries"].append(item)
        out["check"] = check
    return out


def render(t: Trace, **_: Any) -> str:
    return dumps(to_dict(t), end="\n")  # json.dumps(..., indent=2), but faster


def compare(c: Comparison, **_: Any) -> str:
    """``adtrace compare --format json``: the contract's compare object, schema 1."""
    return dumps(c.as_dict(), end="\n")

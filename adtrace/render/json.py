"""``--format json``: the contract's schema version 1, full float precision."""

from __future__ import annotations

import math
from typing import Any

from ..rows import RowPrinter, adjoint_rows, tangent_rows
from ..shapes import ShapePrinter
from ..tracing import Sweep, Trace
from . import json_rows
from .jsontext import Fragment, dumps

SCHEMA = 1


def _int(x: float) -> float | int:
    """Seeds print as the contract shows them (``"x1": 1``); other values keep full floats."""
    return int(x) if math.isfinite(x) and x == int(x) and abs(x) < 2**53 else x


def _exact(value: Any) -> str | None:
    return None if value is None else value.text  # type: ignore[no-any-return]


def _fast_steps(t: Trace, sweep: Sweep, shapes: ShapePrinter) -> list[dict[str, Any]]:
    """A sweep's steps as the rows print them (see the loop over rows in :func:`to_dict`)."""
    ids, eqns, n = t.labels.ids, t.program.eqns, t.program.n_inputs
    steps = []
    for step, (text, latex) in zip(sweep.steps, shapes.sweep_lines(sweep)):
        item: dict[str, Any] = {"id": ids[step.node], "value": step.value, "text": text,
                                "latex": latex}
        if sweep.mode == "reverse":
            item["accumulate"] = step.accumulates
            flow = eqns[step.source - n].rule.flow  # type: ignore[operator]
            if flow:
                item["flow"] = flow
        steps.append(item)
    return steps


def to_dict(t: Trace, formula: str | None = None, *, stream: bool = False) -> dict[str, Any]:
    """The JSON document; with ``stream``, its nodes and steps arrays come as ready JSON
    text (:mod:`.json_rows`, for :func:`render`) rather than as lists of dicts."""
    p, lab = t.program, t.labels
    text = RowPrinter(lab, digits=t.digits)
    latex = RowPrinter(lab, digits=t.digits, latex=True)
    # every rule printed once per shape (adtrace.shapes): the rows' own text, much faster
    shapes = ShapePrinter(t, ("text", "latex"))
    inputs = [{"id": lab.ids[i], "name": name, "value": t.values[i]}
              for i, name in enumerate(p.inputs)]
    outputs = [{"id": lab.ids[node], "name": name, "value": t.values[node]}
               for name, node in p.outputs]
    ex = t.exact  # --exact: an "exact" string next to each "value" (null where too large)
    if ex is not None:
        for item, node in zip(inputs + outputs, [*range(p.n_inputs), *(n for _, n in p.outputs)]):
            item["exact"] = _exact(ex.primal[node])
    stream = stream and ex is None  # --exact values come with the rows
    rows = json_rows.JsonRows(t, shapes)
    nodes: list[dict[str, Any]] | Fragment = rows.nodes() if stream else []
    for k, eqn in enumerate([] if stream else p.eqns):
        node = p.n_inputs + k
        rule_text, rule_latex = shapes.primal_rule(node)
        entry: dict[str, Any] = {
            "id": lab.ids[node],
            "op": eqn.op,
            "args": [lab.ids[a] if isinstance(a, int) else a.text for a in eqn.args],
            "value": t.values[node],
            **({"exact": _exact(ex.primal[node])} if ex is not None else {}),
            "text": f"{lab.text[node]} = {rule_text}",
            "latex": f"{lab.latex[node]} = {rule_latex}",
        }
        name = lab.name(node)
        if name != lab.ids[node]:
            entry["name"] = name
        nodes.append(entry)  # type: ignore[union-attr]
    sweeps = []
    for sweep in t.sweeps:
        steps = []
        if ex is None:
            steps = rows.steps(sweep) if stream else _fast_steps(t, sweep, shapes)
            exact_rows = []
        else:  # --exact: the rows carry the exact values
            exact_rows = tangent_rows(t, sweep) if sweep.mode == "forward" else \
                adjoint_rows(t, sweep)
        for row in exact_rows:
            if row.kind not in ("tangent", "adjoint"):
                continue
            step: dict[str, Any] = {
                "id": lab.ids[row.node],  # type: ignore[index]
                "value": row.value,
                **({"exact": _exact(row.exact)} if ex is not None else {}),
                "text": text.line(row),
                "latex": latex.line(row),
            }
            if row.kind == "adjoint":
                step["accumulate"] = row.accumulates
                if row.flow:
                    step["flow"] = row.flow
            steps.append(step)
        forward = sweep.mode == "forward"
        values = rows.values(sweep, _int if forward else None) if stream else None
        if values is None:
            values = {lab.ids[i]: (_int(v) if i < p.n_inputs and forward else v)
                      for i, v in enumerate(sweep.values) if v is not None}
        sweeps.append({
            "seed": {k: _int(v) for k, v in sweep.seed.items()},
            "steps": steps,
            "values": values,
            "result": dict(sweep.result),
        })
        exs = ex.sweep_of(sweep) if ex is not None else None
        if exs is not None:
            sweeps[-1]["exact_result"] = {k: _exact(v) for k, v in exs.result.items()}
    out: dict[str, Any] = {
        "schema": SCHEMA,
        "mode": t.mode,
        "formula": formula if formula is not None else p.source,
        "inputs": inputs,
        "outputs": outputs,
        "nodes": nodes,
        "sweeps": sweeps,
        "derivatives": t.derivatives,
    }
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
    return dumps(to_dict(t, stream=True), end="\n")  # json.dumps(..., indent=2), but faster


def compare(c: Any, **_: Any) -> str:
    """``adtrace compare --format json``: the contract's compare object, schema 1."""
    return dumps(c.as_dict(), end="\n")

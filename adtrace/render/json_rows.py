"""The ``nodes`` and ``steps`` arrays of a trace, written straight to JSON text.

A 20,000-operation trace has some 50,000 of these objects.  Building a dict for
each and encoding it again costs more than writing the text: here every object
is one ``%`` template at its indentation, filled with strings encoded by the
standard library's C function.  The text is exactly what
``jsontext.dumps(json.to_dict(trace))`` writes for the same arrays (the tests
compare the two); :func:`adtrace.render.json.render` uses it when no ``--exact``
values are asked for.
"""

from __future__ import annotations

from json.encoder import encode_basestring as enc
from typing import Any

from ..shapes import ShapePrinter
from ..tracing import Sweep, Trace
from .jsontext import Fragment

_float_repr = float.__repr__


def _number(x: Any) -> str:
    if x.__class__ is float and x - x == 0.0:
        return _float_repr(x)
    from .jsontext import dumps

    return dumps(x)  # an int, or a float that is refused as json.dumps refuses it


def _items(items: list[str], indent: str) -> str:
    if not items:
        return "[]"
    inner = indent + "  "
    # one join: a chain of '+' would copy the (megabytes long) body at every step
    return "".join(("[\n", inner, (",\n" + inner).join(items), "\n", indent, "]"))


def nodes(t: Trace, shapes: ShapePrinter) -> Fragment:
    """The primal trace: ``{"id", "op", "args", "value", "text", "latex"[, "name"]}``."""

    def write(indent: str) -> str:
        p, lab = t.program, t.labels
        field = indent + "    "
        head = ("{\n" + field + '"id": %s,\n' + field + '"op": %s,\n' + field + '"args": [\n'
                + field + "  %s\n" + field + '],\n' + field + '"value": %s,\n' + field
                + '"text": %s,\n' + field + '"latex": %s')
        named = head + ",\n" + field + '"name": %s\n' + indent + "  }"
        plain = head + "\n" + indent + "  }"
        between = ",\n" + field + "  "
        items = []
        for k, eqn in enumerate(p.eqns):
            node = p.n_inputs + k
            rule_text, rule_latex = shapes.primal_rule(node)
            args = between.join([enc(lab.ids[a]) if a.__class__ is int else enc(a.text)
                                 for a in eqn.args])
            fields = (enc(lab.ids[node]), enc(eqn.op), args, _number(t.values[node]),
                      enc(f"{lab.text[node]} = {rule_text}"),
                      enc(f"{lab.latex[node]} = {rule_latex}"))
            name = lab.name(node)
            items.append(named % (*fields, enc(name)) if name != lab.ids[node] else
                         plain % fields)
        return _items(items, indent)

    return Fragment(write)


def steps(t: Trace, sweep: Sweep, shapes: ShapePrinter) -> Fragment:
    """One sweep's rows: ``{"id", "value", "text", "latex"[, "accumulate"[, "flow"]]}``."""

    def write(indent: str) -> str:
        ids, eqns, n = t.labels.ids, t.program.eqns, t.program.n_inputs
        field = indent + "    "
        head = ("{\n" + field + '"id": %s,\n' + field + '"value": %s,\n' + field
                + '"text": %s,\n' + field + '"latex": %s')
        end = "\n" + indent + "  }"
        tangent = head + end
        adjoint = head + ",\n" + field + '"accumulate": %s' + end
        flowing = head + ",\n" + field + '"accumulate": %s,\n' + field + '"flow": %s' + end
        items = []
        if sweep.mode == "forward":
            for step, (text, latex) in zip(sweep.steps, shapes.sweep_lines(sweep)):
                items.append(tangent % (enc(ids[step.node]), _number(step.value), enc(text),
                                        enc(latex)))
        else:
            for step, (text, latex) in zip(sweep.steps, shapes.sweep_lines(sweep)):
                fields = (enc(ids[step.node]), _number(step.value), enc(text), enc(latex),
                          "true" if step.accumulates else "false")
                flow = eqns[step.source - n].rule.flow  # type: ignore[operator]
                items.append(flowing % (*fields, enc(flow)) if flow else adjoint % fields)
        return _items(items, indent)

    return Fragment(write)

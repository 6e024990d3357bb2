"""``--format csv``: one row per step, for spreadsheets and autograders.

Columns (a header row comes first)::

    mode,sweep,kind,id,lhs,rule,substituted,value,exact,wrt,note

* ``sweep`` is 0 for the primal trace and 1, 2, ... for the tangent or adjoint sweeps;
* ``kind`` is ``input``, ``primal`` or ``output`` (sweep 0); ``seed``, ``tangent`` or
  ``adjoint``, and ``output`` (forward) or ``result`` (reverse) in a sweep;
  ``derivative`` for each Jacobian entry, ``check`` for each entry of the symbolic
  check, ``warning`` and ``note`` for remarks;
* ``id`` is the node id used by ``--format json`` (``v-1``, ``w3``); for output,
  result, derivative and check rows it is the user's output or input name, and for
  derivative and check rows ``wrt`` names the input;
* ``lhs``, ``rule`` and ``substituted`` are the printed row (``v̄0``, ``v̄0 + v̄2·v-1``,
  ``-0.2837 + 1·2``, with ``--digits``); for check rows ``rule`` is SymPy's derivative
  and ``value`` its value at the point; ``value`` has full float precision (the
  shortest text that reads back as the same float); ``exact`` is filled with ``--exact``;
* ``note`` holds the reverse-mode flow (``mul switches``), ``accumulates``, or the
  check's verdict (``agree``, ``disagree``, ``not compared: ...``, ``skipped: ...``).

Cells are plain UTF-8 text; the file uses ``\\n`` line ends and minimal quoting.
"""

from __future__ import annotations

import csv
import io
import math
import unicodedata
from typing import Any

from ..rows import Row, RowPrinter, primal_rows, sweep_rows
from ..tracing import Trace
from .common import result_name

COLUMNS = ["mode", "sweep", "kind", "id", "lhs", "rule", "substituted", "value", "exact", "wrt",
           "note"]


def number(x: float | None) -> str:
    """Full precision: ``2``, ``0.6931471805599453``, ``1e+20``."""
    if x is None:
        return ""
    if math.isfinite(x) and x == int(x) and abs(x) < 2**53:
        return str(int(x))
    return repr(x)


def _row_id(t: Trace, row: Row) -> str:
    if row.kind in ("output", "result"):  # the user's name, without its dot or bar
        name = unicodedata.normalize("NFD", getattr(row.lhs, "text", ""))
        return unicodedata.normalize("NFC", name.replace("\u0307", "").replace("\u0304", ""))
    assert row.node is not None
    return t.labels.ids[row.node]


def records(t: Trace) -> list[dict[str, str]]:
    """The rows of the CSV as dictionaries (column -> cell)."""
    printer = RowPrinter(t.labels, digits=t.digits)
    out: list[dict[str, str]] = []

    def add(**cells: Any) -> None:
        out.append({c: "" if cells.get(c) is None else str(cells.get(c)) for c in COLUMNS})

    def add_rows(sweep: int, rows: list[Row]) -> None:
        for row in rows:
            lhs, rule, subst, _ = printer.cells(row)
            note = row.flow or ""
            if row.accumulates:
                note = f"{note}; accumulates" if note else "accumulates"
            add(mode=t.mode, sweep=sweep, kind=row.kind, id=_row_id(t, row), lhs=lhs, rule=rule,
                substituted=subst, value=number(row.value),
                exact=row.exact.text if row.exact is not None else "", note=note)

    add_rows(0, primal_rows(t))
    for k, sweep in enumerate(t.sweeps, start=1):
        add_rows(k, sweep_rows(t, sweep))
    for k, sweep in enumerate(t.sweeps, start=1):
        ex = t.exact.sweep_of(sweep) if t.exact is not None else None
        unit = sweep.unit
        for name, value in sweep.result.items():
            exact = ex.result.get(name) if ex is not None else None
            if t.mode == "forward":
                output, wrt = name, unit or ",".join(f"{a}={number(v)}" for a, v in
                                                     sweep.seed.items() if v != 0)
            else:
                output, wrt = unit or ",".join(f"{a}={number(v)}" for a, v in
                                               sweep.seed.items() if v != 0), name
            add(mode=t.mode, sweep=k, kind="derivative", id=output, wrt=wrt,
                lhs=result_name(t, sweep, name), value=number(value),
                exact=exact.text if exact is not None else "")
    if t.check is not None:
        c = t.check
        if c.skipped:
            add(mode=t.mode, kind="check", note=f"skipped: {c.skipped}")
        for e in c.entries:
            verdict = {True: "agree", False: "disagree"}.get(e.agree,  # type: ignore[arg-type]
                                                            f"not compared: {e.note}")
            add(mode=t.mode, kind="check", id=e.output, wrt=e.input, rule=e.symbolic,
                value=number(e.value), note=verdict)
    for w in t.warnings:
        add(mode=t.mode, kind="warning", note=w)
    if t.exact is not None:
        for n in t.exact.notes:
            add(mode=t.mode, kind="note", note=n)
    return out


def write(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """Rows as CSV text with a header: the writer every CSV format shares."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def render(t: Trace, **_: Any) -> str:
    return write(records(t), COLUMNS)

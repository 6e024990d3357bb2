"""``--format csv``: one row per step, for spreadsheets and autograders.

A trace (:func:`render`) and a comparison of the two modes (:func:`compare`), each a
table with a header row.  UTF-8, ``\\n`` line ends, minimal quoting.

A trace's columns::

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
  ``-0.2837 + 1·2``, with ``--digits``); for check rows ``rule`` is SymPy's derivative,
  in the rows' notation (``x2 + 1/x1``), and ``value`` its value at the point;
  ``value`` has full float precision (the shortest text that reads back as the same
  float); ``exact`` is filled with ``--exact``;
* ``note`` holds the reverse-mode flow (``mul switches``), ``accumulates``, or the
  check's verdict (``agree``, ``disagree``, ``not compared: ...``, ``skipped: ...``).

``adtrace compare --format csv``: one row per sweep of each mode, then the summaries.
Its columns::

    mode,sweep,kind,id,wrt,seed,sweeps,primal,multiply_adds,operations,stored,value,note

Rows, in this order (``kind`` says which):

* ``input`` and ``output``: ``id`` is the user's name, ``value`` its value at the point;
* ``sweep``: one per sweep, ``mode`` ``forward`` or ``reverse``, ``sweep`` 1, 2, ...;
  ``seed`` the input (forward) or output (reverse) seeded with 1; ``primal`` the
  primal rows the sweep evaluates, ``multiply_adds`` its tangent terms or adjoint
  contributions, ``operations`` their sum;
* ``total``: one per mode, the contract's JSON numbers: ``sweeps``, ``operations``
  and ``stored`` (``note`` says what is stored), with ``primal`` and
  ``multiply_adds`` summed over the sweeps;
* ``cheaper``: ``mode`` is ``forward``, ``reverse`` or ``either``; ``note`` says why;
* ``derivative``: one per Jacobian entry, ``id`` the output, ``wrt`` the input;
* ``difference``: ``value`` is the largest difference between the forward and the
  reverse Jacobian entries (0 when they agree exactly);
* ``warning``: ``note`` says which node and which one-sided choice was taken.

Counts are plain integers; values have full float precision (the shortest text that
reads back as the same float).
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from ..compare import Comparison
from ..printer import RowPrinter
from ..program import unmark
from ..rows import Row, primal_rows, sweep_rows
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


def cells_of(cells: dict[str, Any], columns: list[str]) -> dict[str, str]:
    """One CSV row: every column, empty where ``cells`` has nothing."""
    return {c: "" if cells.get(c) is None else str(cells[c]) for c in columns}


def _row_id(t: Trace, row: Row) -> str:
    if row.kind in ("output", "result"):  # the user's name, without its dot or bar
        return unmark(getattr(row.lhs, "text", ""))
    assert row.node is not None
    return t.labels.ids[row.node]


def records(t: Trace) -> list[dict[str, str]]:
    """The rows of the CSV as dictionaries (column -> cell)."""
    printer = RowPrinter(t.labels, digits=t.digits)
    out: list[dict[str, str]] = []

    def add(**cells: Any) -> None:
        out.append(cells_of(cells, COLUMNS))

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
            output, wrt = sweep.kind.entry(unit or ",".join(
                f"{a}={number(v)}" for a, v in sweep.seed.items() if v != 0), name)
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
    """A trace, one row per step."""
    return write(records(t), COLUMNS)


# --- adtrace compare ---------------------------------------------------------------------------

COMPARE_COLUMNS = ["mode", "sweep", "kind", "id", "wrt", "seed", "sweeps", "primal",
                   "multiply_adds", "operations", "stored", "value", "note"]


def compare_records(c: Comparison) -> list[dict[str, str]]:
    """The comparison's rows as dictionaries (column -> cell)."""
    out: list[dict[str, str]] = []

    def add(**cells: Any) -> None:
        out.append(cells_of(cells, COMPARE_COLUMNS))

    for name, value in c.inputs:
        add(kind="input", id=name, value=number(value))
    for name, value in c.outputs:
        add(kind="output", id=name, value=number(value))
    for cost in (c.forward, c.reverse):
        for k, s in enumerate(cost.sweeps, start=1):
            add(mode=cost.mode, sweep=k, kind="sweep", seed=s.seed, primal=s.primal,
                multiply_adds=s.multiply_adds, operations=s.operations)
    for cost in (c.forward, c.reverse):
        add(mode=cost.mode, kind="total", sweeps=cost.n_sweeps,
            primal=sum(s.primal for s in cost.sweeps),
            multiply_adds=sum(s.multiply_adds for s in cost.sweeps),
            operations=cost.operations, stored=cost.stored, note=cost.stored_what)
    add(mode=c.cheaper, kind="cheaper", note=c.why)
    view = c.jacobian
    for i, output in enumerate(view.outputs):
        for j, inp in enumerate(view.inputs):
            add(kind="derivative", id=output, wrt=inp, value=number(view.entries[i][j]))
    add(kind="difference", value=number(c.max_difference),
        note="largest difference between the forward and the reverse Jacobian entries")
    for w in c.warnings:
        add(kind="warning", note=w)
    return out


def compare(c: Comparison, **_: Any) -> str:
    """A comparison, one row per sweep, then the totals, the verdict and the Jacobian."""
    return write(compare_records(c), COMPARE_COLUMNS)

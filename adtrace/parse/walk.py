"""The allow-listed walk: ``ast`` tree -> the DAG of a program's operations.

The tree ``ast.parse`` gives still has the user's order and binary operators
(``BinOp(Sub)``, ``BinOp(Div)``, ``UnaryOp(USub)``).  Each statement's expression is
walked iteratively (so long chains cannot overflow the stack), every node checked
against an allow-list, and turned into nodes of a DAG in which a subexpression
written twice is one node, and numbers and constants fold into one :class:`Const`.
"""

from __future__ import annotations

import ast
import difflib
import math

from ..errors import BindingError, DomainError, LimitError, ParseError
from ..expr import FLOAT
from ..ops import CONSTANTS, FUNCTIONS, RULES
from ..program import Arg, Const, const_eval
from .limits import MAX_EXACT_BITS, MAX_OPERATIONS
from .source import Source, short
from .tokens import NUMBER_RE

BINOPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
Statement = tuple["str | None", "int | Const", int]  # (name assigned or None, value, line)


class Node:
    """A node of the DAG while it is built: an input (``op`` None) or an operation.

    Nodes are numbered as they are built, so an operation's number is its place in
    evaluation order as written."""

    __slots__ = ("op", "args", "name", "alias", "stmt", "pre", "depth", "line", "col")

    def __init__(self, op: str | None, args: tuple, name: str | None, alias: str | None,
                 stmt: int, pre: int, depth: int, line: int, col: int) -> None:
        self.op = op
        self.args = args  # nodes (ints) and constants
        self.name = name  # input name, or the name a statement assigned
        self.alias = alias  # the function name as written, when it differs from the op's
        self.stmt = stmt
        self.pre = pre  # pre-order position of its first occurrence (left to right as written)
        self.depth = depth
        self.line = line
        self.col = col


class Dag:
    """The nodes of a program so far, and the names its statements have bound."""

    def __init__(self, src: Source) -> None:
        self.src = src
        self.nodes: list[Node] = []
        self.keys: dict[tuple, int] = {}  # structural key -> node: shared subexpressions
        self.env: dict[str, int | Const] = {}  # assigned names
        self.assigned_at: dict[str, int] = {}  # name -> line
        self.inputs: dict[str, int] = {}  # input name -> node
        self.input_line: dict[str, int] = {}
        self.used_after: dict[str, bool] = {}
        self.counter = 0  # pre-order position of the next node visited

    def fail(self, message: str, node: ast.AST, cls: type = ParseError,
             hint: str = "") -> Exception:
        """The error to raise at ``node``, with a caret under the user's column."""
        line, col = self.src.node_pos(node)
        return self.src.error(message, line, col, cls, hint)

    # --- statements --------------------------------------------------------------------------

    def statements(self, tree: ast.Module) -> list[Statement]:
        """Walk the statements; return the bare expressions and assignments in order."""
        stmts: list[Statement] = []
        for i, st in enumerate(tree.body):
            if st.__class__ is ast.Assign:
                stmts.append(self.assignment(st, i))  # type: ignore[arg-type]
            elif st.__class__ is ast.Expr:
                stmts.append((None, self.expression(st.value, i), st.lineno))  # type: ignore
            else:
                raise self.fail("unsupported statement", st)
        if not stmts:
            raise ParseError("the formula is empty")
        return stmts

    def assignment(self, st: ast.Assign, i: int) -> Statement:
        """``name = expression``: the name checked, the expression walked, the name bound."""
        if len(st.targets) != 1:
            raise self.fail("assign one name per statement ('a = b = ...' is not supported)", st)
        target = st.targets[0]
        if not isinstance(target, ast.Name):
            raise self.fail("only a name can be assigned to", target)
        name = target.id
        if name in FUNCTIONS:
            raise self.fail(f"'{name}' is a function and cannot be assigned to", target)
        if name in CONSTANTS:
            raise self.fail(f"'{name}' is a constant and cannot be assigned to", target)
        value = self.expression(st.value, i)
        if name in self.assigned_at:
            lines = "" if self.assigned_at[name] == st.lineno else \
                f" (lines {self.assigned_at[name]} and {st.lineno})"
            raise self.fail(f"'{name}' is assigned twice{lines}; a straight-line program "
                            "assigns each name once", target, BindingError)
        if name in self.inputs:
            raise self.fail(f"'{name}' is used as an input (line {self.input_line[name]}) and "
                            f"assigned later", target, BindingError)
        self.env[name] = value
        self.assigned_at[name] = st.lineno
        self.used_after[name] = False
        if value.__class__ is int:
            node = self.nodes[value]  # type: ignore[index]
            if node.op is not None and node.name is None:
                node.name = name
        return name, value, st.lineno

    # --- the walk ----------------------------------------------------------------------------

    def expression(self, root: ast.AST, stmt: int) -> int | Const:
        """Post-order walk of one statement's expression, with an explicit stack.

        Each node is checked when it is visited, left to right (pre-order).  A name or a
        number is built at once; any other node leaves ``(node, pre-order position,
        number of children, op, alias)`` on the stack below its children, and is built
        by :meth:`build` when that entry comes back up.
        """
        results: list[int | Const] = []
        stack: list = [root]
        pop, push, result = stack.pop, stack.append, results.append
        env, used_after = self.env, self.used_after
        pre = self.counter  # pre-order position of the next node visited
        while stack:
            item = pop()
            cls = item.__class__
            if cls is tuple:  # its children are built: build it
                result(self.build(item, results, stmt))
                continue
            pre += 1
            if cls is ast.Name:
                name = item.id
                if name in env:
                    used_after[name] = True
                    result(env[name])
                else:
                    result(self.name(name, item, stmt, pre - 1))
            elif cls is ast.BinOp:
                op = BINOPS.get(item.op.__class__)
                if op is None:
                    raise self.fail("unsupported operator", item)
                push((item, pre - 1, 2, op, None))
                push(item.right)
                push(item.left)
            elif cls is ast.Call:
                op, alias = self.function(item)
                push((item, pre - 1, len(item.args), op, alias))
                stack.extend(reversed(item.args))
            elif cls is ast.Constant:
                result(self.number(item))
            elif cls is ast.UnaryOp and item.op.__class__ in (ast.USub, ast.UAdd):
                push((item, pre - 1, 1, "neg" if item.op.__class__ is ast.USub else None, None))
                push(item.operand)
            else:
                raise self.refusal(item)
        self.counter = pre
        return results[0]

    def build(self, item: tuple, results: list[int | Const], stmt: int) -> int | Const:
        """The node (or constant) of an operation whose arguments end ``results``.

        ``item`` is ``(ast node, pre-order position, number of arguments, op, alias)``;
        the arguments are taken off ``results``.
        """
        node, pre, n, op, alias = item
        if n == 2:
            b = results.pop()
            a = results.pop()
            args: tuple = (a, b)
            if a.__class__ is int:
                key = (op, a, b if b.__class__ is int else b.tree)  # type: ignore[union-attr]
            elif b.__class__ is int:
                key = (op, a.tree, b)  # type: ignore[union-attr]
            else:  # numbers and constants only: one constant
                return self.constant(op, args, node)
        elif n == 1:
            a = results.pop()
            if op is None:  # unary '+'
                return a
            if a.__class__ is not int:
                return self.constant(op, (a,), node)
            args, key = (a,), (op, a)
        else:
            args = tuple(results[-n:])
            del results[-n:]
            if int not in {a.__class__ for a in args}:
                return self.constant(op, args, node)
            key = (op, *[a if a.__class__ is int else a.tree for a in args])  # type: ignore
        found = self.keys.get(key)
        return found if found is not None else self.new_op(key, args, alias, stmt, pre, node)

    def refusal(self, node: ast.AST) -> Exception:
        """The error for a node outside the allow-list."""
        if node.__class__ is ast.UnaryOp:
            return self.fail("unsupported operator", node)
        if node.__class__ is ast.Tuple:
            return self.fail("a list of values is not a formula (separate statements with ';')",
                             node)
        return self.fail("unsupported syntax", node)

    def function(self, node: ast.Call) -> tuple[str, str | None]:
        """The op of a call to a listed function, and its name as written if that differs;
        any other call is refused here."""
        if node.func.__class__ is not ast.Name:
            raise self.fail("only the listed functions can be called", node)
        fname = node.func.id  # type: ignore[attr-defined]
        if fname not in FUNCTIONS:
            hint = difflib.get_close_matches(fname.lower(), list(FUNCTIONS), n=1, cutoff=0.6)
            more = f"did you mean {hint[0]}?" if hint else (
                f"known: {', '.join(sorted(FUNCTIONS))}")
            raise self.fail(f"unknown function '{fname}'", node, hint=more)
        if node.keywords:
            raise self.fail(f"{fname} takes no keyword arguments", node)
        for a in node.args:
            if a.__class__ is ast.Starred:
                raise self.fail("starred arguments are not allowed", node)
        op, arity = FUNCTIONS[fname]
        n = len(node.args)
        if arity and n != arity:
            raise self.fail(f"{fname} takes {arity} argument{'s' * (arity != 1)}, got {n}", node)
        if not arity and n < 2:
            raise self.fail(f"{fname} takes 2 or more arguments, got {n}", node)
        return op, (fname if fname != op else None)

    def number(self, node: ast.Constant) -> Const:
        """A number, as written."""
        value = node.value
        if value.__class__ is bool or value.__class__ not in (int, float):
            raise self.fail("only real numbers are allowed", node)
        text = self.src.segment(node)
        value = float(text) if NUMBER_RE.fullmatch(text) else math.inf
        if not math.isfinite(value):  # pragma: no cover - the token check refuses these
            raise self.fail(f"the number {short(text)} is too large", node, LimitError)
        return Const(text, ("num", text), value)

    def name(self, name: str, node: ast.AST, stmt: int, pre: int) -> int | Const:
        """A name no statement has assigned so far: a constant, or an input (new at its
        first use, ``pre`` its position)."""
        if name in CONSTANTS:
            return Const(name, ("name", name), const_eval(("name", name), FLOAT))
        if name in FUNCTIONS:
            raise self.fail(f"'{name}' is a function: call it as {name}(...)", node)
        if name in self.assigned_at:  # pragma: no cover - env holds every assigned name
            raise self.fail(f"'{name}' is used before it is assigned", node, BindingError)
        found = self.inputs.get(name)
        if found is not None:
            return found
        line, col = self.src.node_pos(node)
        idx = len(self.nodes)
        self.nodes.append(Node(None, (), name, None, stmt, pre, 0, line, col))
        self.inputs[name] = idx
        self.input_line[name] = line
        return idx

    def new_op(self, key: tuple, args: tuple[Arg, ...], alias: str | None, stmt: int, pre: int,
               node: ast.AST) -> int:
        """A new node for the operation ``key`` (its op and its arguments' keys)."""
        nodes = self.nodes
        if len(nodes) - len(self.inputs) >= MAX_OPERATIONS:
            raise self.fail(f"more than {MAX_OPERATIONS:,} operations", node, LimitError)
        depth = 0
        for a in args:
            if a.__class__ is int and nodes[a].depth >= depth:  # type: ignore[index]
                depth = nodes[a].depth + 1  # type: ignore[index]
        if self.src.plain:
            line, col = node.lineno, node.col_offset  # type: ignore[attr-defined]
        else:
            line, col = self.src.node_pos(node)
        idx = len(nodes)
        nodes.append(Node(key[0], args, None, alias, stmt, pre, depth, line, col))
        self.keys[key] = idx
        return idx

    def constant(self, op: str, args: list[Const], node: ast.AST) -> Const:
        """One constant for an operation on constants, computed as a float and checked."""
        tree = (op, *(a.tree for a in args))
        text = self.src.segment(node)
        if op == "pow" and _power_bits(args[0].value, args[1].value) > MAX_EXACT_BITS:
            raise self.fail(f"the constant {short(text)} is too large to compute (more than "
                            f"2^{MAX_EXACT_BITS:,})", node, LimitError)
        try:
            value = RULES[op].value(FLOAT, *(a.value for a in args))
        except OverflowError:
            raise self.fail(f"the constant {text} overflows", node, DomainError) from None
        except (ValueError, ZeroDivisionError):
            raise self.fail(f"the constant {text} is undefined", node, DomainError) from None
        if isinstance(value, complex) or not math.isfinite(value):
            raise self.fail(f"the constant {text} is not a finite real number", node, DomainError)
        return Const(text, tree, float(value))


def _power_bits(base: float, exponent: float) -> float:
    """About how many bits ``base ** exponent`` needs (its size in magnitude, either way)."""
    if base == 0 or abs(base) == 1 or exponent == 0:
        return 0.0
    return abs(exponent * math.log2(abs(base)))

"""The program: inputs, then equations in evaluation order (like a jaxpr).

Node ``i`` is input ``i`` for ``i < len(inputs)`` and equation ``i - len(inputs)``
otherwise.  Labels (``w1``, ``v-1``, ``w⁽¹⁾₂``) are a view computed by
:class:`Labels`; the program itself only knows indices and the names the user
assigned.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Union

from .errors import BindingError
from .expr import DISPLAY, Atom, Bin, D
from .notation import LatexPrinter, ascii_on
from .ops import CONSTANTS, RULES

# --- constants -------------------------------------------------------------------------

ConstTree = tuple  # ("num", "2.5") | ("name", "pi") | (op, *subtrees)


@dataclass(frozen=True)
class Const:
    """A subexpression of numbers and constants only: one value, shown as written."""

    text: str
    tree: ConstTree
    value: float

    @property
    def simple(self) -> bool:
        return re.fullmatch(r"-?[\w.]+", self.text) is not None

    @property
    def rational(self) -> Fraction | None:
        try:
            return const_eval(self.tree, _FRACTION)
        except (_NotRational, ZeroDivisionError, OverflowError, ValueError):
            return None

    @property
    def latex(self) -> str:
        return LatexPrinter(lambda leaf: "?").doprint(const_eval(self.tree, _ATOMS))

    def exact(self) -> Any:
        """The exact SymPy value (bounded: huge powers raise ``ExactTooLarge``)."""
        from .symbolic import SYMPY

        return const_eval(self.tree, SYMPY)


def const_eval(tree: ConstTree, M: Any) -> Any:
    """Evaluate a constant's tree in namespace ``M`` (iteratively: no recursion limit)."""
    stack: list[tuple[ConstTree, bool]] = [(tree, False)]
    out: list[Any] = []
    while stack:
        node, done = stack.pop()
        tag = node[0]
        if tag == "num":
            out.append(M.number(node[1]))
        elif tag == "name":
            out.append(M.constant(node[1]))
        elif not done:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node[1:]))
        else:
            n = len(node) - 1
            args = out[-n:]
            del out[-n:]
            out.append(RULES[tag].value(M, *args))
    return out[0]


class _NotRational(Exception):
    pass


class _FractionNS:
    """Exact rational values of constants (``1/3``, ``2^-3``); anything else is not rational."""

    @staticmethod
    def number(text: str) -> Fraction:
        return Fraction(text)

    @staticmethod
    def constant(name: str) -> Fraction:
        raise _NotRational(name)

    @staticmethod
    def pow(a: Fraction, b: Fraction) -> Fraction:
        if b.denominator != 1 or abs(b) > 64:
            raise _NotRational("pow")
        return a ** int(b)

    def __getattr__(self, name: str) -> Any:
        raise _NotRational(name)


class _AtomNS:
    """Display trees for a constant's LaTeX: numbers and names as written."""

    def __getattr__(self, name: str) -> Any:
        return getattr(DISPLAY, name)

    @staticmethod
    def number(text: str) -> Atom:
        return Atom(text, text)

    @staticmethod
    def constant(name: str) -> Atom:
        return Atom(name, CONSTANTS[name].latex)

    @staticmethod
    def pow(a: D, b: D) -> D:
        return Bin("^", a, b)


_FRACTION = _FractionNS()
_ATOMS = _AtomNS()
#: Float values of constants, used while parsing: the op table's float namespace.

# --- the program -----------------------------------------------------------------------

Arg = Union[int, Const]  # noqa: UP007 - a runtime alias, kept valid on Python 3.10


@dataclass(frozen=True)
class Eqn:
    op: str
    args: tuple[Arg, ...]
    alias: str | None = None  # the function name as written, when it differs (``ln``)
    name: str | None = None  # the name a program statement assigned to this node
    line: int = 1  # where it was first written (1-based), for messages
    col: int = 1

    @property
    def rule(self):  # -> OpRule
        return RULES[self.op]


@dataclass
class Program:
    source: str
    inputs: list[str]
    eqns: list[Eqn]
    outputs: list[tuple[str, int]]  # (output name, node)
    depth: list[int] = field(default_factory=list)  # per node; inputs 0

    @property
    def n_inputs(self) -> int:
        return len(self.inputs)

    @property
    def n_nodes(self) -> int:
        return len(self.inputs) + len(self.eqns)

    def eqn(self, node: int) -> Eqn:
        return self.eqns[node - len(self.inputs)]

    def is_input(self, node: int) -> bool:
        return node < len(self.inputs)

    def node_args(self, node: int) -> list[int]:
        return [a for a in self.eqn(node).args if isinstance(a, int)]

    def user_names(self) -> list[str]:
        names = list(self.inputs) + [e.name for e in self.eqns if e.name]
        names += [name for name, _ in self.outputs]
        return names

    def input_index(self, name: str) -> int:
        try:
            return self.inputs.index(name)
        except ValueError:
            raise BindingError(f"'{name}' is not an input of the formula "
                               f"(inputs: {', '.join(self.inputs) or 'none'})") from None

    def output_names(self) -> list[str]:
        return [name for name, _ in self.outputs]


# --- labels ------------------------------------------------------------------------------

SUPERSCRIPT = str.maketrans("0123456789-()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁽⁾")
SUBSCRIPT = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")
DOT, BAR = "\u0307", "\u0304"
#: the ASCII notation's marks: a suffix after the whole name (``x1_dot``, ``v-1_bar``)
ASCII_MARKS = {DOT: "_dot", BAR: "_bar"}
GREEK = set(
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma "
    "tau upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi "
    "Omega".split()
)
SCHEMES = ("w", "v", "h")
LETTERS = ("w", "u", "z", "q", "r", "s")


def _split(name: str) -> tuple[str, str]:
    """``x1`` -> (``x``, ``1``); ``alpha_2`` -> (``alpha``, ``_2``)."""
    m = re.fullmatch(r"([^\W\d_]+)(.*)", name)
    return (m.group(1), m.group(2)) if m else (name, "")


def _mark(name: str, mark: str) -> str:
    """Put a combining dot or bar over a name: ``x1`` -> ``ẋ1``, ``gamma`` -> ``ḡamma``;
    in the ASCII notation, a suffix: ``x1_dot``, ``gamma_bar``."""
    if ascii_on():
        return name + ASCII_MARKS[mark]
    stem, rest = _split(name)
    if not stem:
        return name + mark
    return _marked_stem(stem, mark) + rest


def unmark(text: str) -> str:
    """The name under a dot or bar, in either notation: ``ẋ1`` -> ``x1``, ``f_bar`` -> ``f``."""
    if ascii_on():
        for suffix in ASCII_MARKS.values():
            if text.endswith(suffix):
                return text[: -len(suffix)]
        return text
    name = unicodedata.normalize("NFD", text).replace(DOT, "").replace(BAR, "")
    return unicodedata.normalize("NFC", name)


def _marked_stem(stem: str, mark: str) -> str:
    """The mark over the first letter, where a reader looks for it (``ḡamma``, as LaTeX's
    ``\\bar{\\gamma}``; not ``gammā``, which reads as a marked last letter).  NFC: the
    precomposed letter where Unicode has one (ẋ U+1E8B, as textbooks and the contract
    write it); a combining mark otherwise (x̄, v̇)."""
    return unicodedata.normalize("NFC", stem[0] + mark) + stem[1:]


def _latex_letters(stem: str) -> str:
    """``α`` -> ``\\alpha``; other non-ASCII letters are set as text."""
    out = []
    for ch in stem:
        if ch.isascii():
            out.append(ch)
            continue
        uname = unicodedata.name(ch, "")
        m = re.fullmatch(r"GREEK (SMALL|CAPITAL) LETTER (\w+)", uname)
        greek = m.group(2).lower() if m else ""
        greek = {"lamda": "lambda"}.get(greek, greek)
        if m and m.group(1) == "CAPITAL":
            greek = greek.capitalize()
        if greek in GREEK:
            out.append("\\" + greek + " ")
        else:
            out.append(rf"\text{{{ch}}}")
    return "".join(out).strip()


def latex_name(name: str) -> str:
    stem, rest = _split(name)
    if stem in GREEK:
        base = "\\" + stem
    elif not stem.isascii():
        base = _latex_letters(stem)
        if len(stem) > 1:
            base = f"{{{base}}}"
    elif len(stem) == 1:
        base = stem
    else:
        base = rf"\mathrm{{{stem}}}"
    sub = rest.lstrip("_")
    return f"{base}_{{{latex_escape_sub(sub)}}}" if sub else base


def latex_escape_sub(s: str) -> str:
    return s.replace("_", r"\_")


def _latex_mark(latex: str, mark: str) -> str:
    """``x_{1}`` -> ``\\dot{x}_{1}``; ``w^{(1)}_{2}`` -> ``\\dot{w}^{(1)}_{2}``."""
    m = re.match(r"(\\[a-zA-Z]+\{[^}]*\}|\\[a-zA-Z]+|[^_^])(.*)", latex)
    assert m is not None
    return rf"\{mark}{{{m.group(1)}}}{m.group(2)}"


class Labels:
    """The names every node is shown by: ``ids`` for JSON, ``text`` and ``latex`` to print."""

    def __init__(self, program: Program, scheme: str = "w", letter: str | None = None) -> None:
        if scheme not in SCHEMES:
            raise BindingError(f"--labels must be one of {', '.join(SCHEMES)}, not '{scheme}'")
        self.scheme = scheme
        self.program = program
        self.letter = self._choose_letter(program, scheme, letter)
        n = program.n_inputs
        ids: list[str] = []
        text: list[str] = []
        latex: list[str] = []
        L = self.letter
        if scheme == "w":
            k = 0
            for i in range(program.n_nodes):
                name = program.inputs[i] if i < n else program.eqns[i - n].name
                if name is None:
                    k += 1
                    name = f"{L}{k}"
                ids.append(name)
                text.append(name)
                latex.append(latex_name(name))
        elif scheme == "v":
            for i in range(program.n_nodes):
                j = i - n + 1
                ids.append(f"{L}{j}")
                text.append(f"{L}{j}")
                latex.append(f"{L}_{{{j}}}")
        else:
            seen: dict[int, int] = {}
            plain: list[str] = []  # the same in ASCII
            for i in range(program.n_nodes):
                d = program.depth[i]
                seen[d] = seen.get(d, 0) + 1
                ids.append(f"{L}{d}_{seen[d]}")
                text.append(f"{L}{f'({d})'.translate(SUPERSCRIPT)}{str(seen[d]).translate(SUBSCRIPT)}")
                plain.append(f"{L}^({d})_{seen[d]}")
                latex.append(f"{L}^{{({d})}}_{{{seen[d]}}}")
        self.ids, self.latex = ids, latex
        self._text, self._ascii_text = text, (plain if scheme == "h" else text)
        if ascii_on():
            self._check_ascii(program)

    @property
    def text(self) -> list[str]:
        """Every node's label as printed: ``w1``, ``v-1``, ``w⁽¹⁾₂`` (ASCII: ``w^(1)_2``)."""
        return self._ascii_text if ascii_on() else self._text

    @staticmethod
    def _check_ascii(program: Program) -> None:
        """In the ASCII notation ``x_bar`` is the adjoint of ``x``: a name that ends so
        would read as a mark."""
        for name in program.user_names():
            for suffix in ASCII_MARKS.values():
                if name.endswith(suffix):
                    role = "tangent" if suffix == "_dot" else "adjoint"
                    raise BindingError(
                        f"'{name}' reads as the {role} of {name[: -len(suffix)] or 'nothing'} "
                        "in the ASCII notation; rename it, or leave the ASCII notation "
                        "(no --ascii, a UTF-8 output)")

    @staticmethod
    def _choose_letter(program: Program, scheme: str, asked: str | None = None) -> str:
        """The letter of the intermediates' labels: the scheme's own (w, or v), or the
        next of LETTERS that no name of the formula starts with as a whole word (a
        variable ``w`` or ``w_2`` would read like the label w1).  ``asked``: the
        user's choice, which must be one such letter too."""
        taken = {_split(name)[0] for name in program.user_names()}
        if asked is not None:
            if not re.fullmatch(r"[a-zA-Z]", asked):
                raise BindingError(f"--letter must be one letter, not '{asked}'")
            if asked in taken:
                raise BindingError(f"--letter {asked}: the formula has a variable named "
                                   f"{asked}; labels {asked}1, {asked}2 would read like it")
            return asked
        first = "v" if scheme == "v" else "w"
        for letter in (first,) + tuple(x for x in LETTERS if x != first):
            if letter not in taken:
                return letter
        raise BindingError("cannot choose labels: the formula's names use every label letter "
                           f"({', '.join(LETTERS)}); rename a variable or choose one with "
                           "--letter")

    def name(self, node: int) -> str:
        """The user's name for a node, where it has one (inputs, assigned names)."""
        p = self.program
        if p.is_input(node):
            return p.inputs[node]
        return p.eqn(node).name or self.ids[node]

    def marked(self, node: int, role: str) -> str:
        """A node's name in ``role``: ``w1``, dotted ``ẇ1`` or barred ``w̄1``."""
        text = self.text[node]
        return text if role == "val" else _mark(text, DOT if role == "dot" else BAR)

    # the patterns of _split and _latex_mark, compiled once for marked_names
    _STEM = re.compile(r"([^\W\d_]+)(.*)")
    _LATEX_HEAD = re.compile(r"(\\[a-zA-Z]+\{[^}]*\}|\\[a-zA-Z]+|[^_^])(.*)")

    def marked_names(self, role: str, latex: bool = False) -> list[str]:
        """Every node's name in ``role``, in one pass: for ``"dot"`` and ``"bar"`` the same
        as :meth:`marked` (in LaTeX, ``_latex_mark``) of each node, for ``"val"`` the
        plain names.

        A trace of 20,000 operations names every node this way; the marked letters
        (``ẋ``, ``t̄``) are made once per letter rather than once per node."""
        names = self.latex if latex else self.text
        if role == "val":
            return list(names)
        if role not in ("dot", "bar"):
            raise ValueError(f"unknown role {role!r}")
        if not latex and ascii_on():
            suffix = ASCII_MARKS[DOT if role == "dot" else BAR]
            return [name + suffix for name in names]
        if latex:
            head = self._LATEX_HEAD.match
            lines = "\n" in "".join(names)  # the pattern's (.*) stops at a line break
            out = []
            for name in names:
                first = name[:1]
                if first and first not in "\\_^" and not lines:  # x_{1}: one plain letter
                    out.append(rf"\{role}{{{first}}}{name[1:]}")
                    continue
                m = head(name)
                assert m is not None
                out.append(rf"\{role}{{{m.group(1)}}}{m.group(2)}")
            return out
        mark = DOT if role == "dot" else BAR
        stem = self._STEM.fullmatch
        letters: dict[str, str] = {}  # stem -> the stem with the mark, as _mark makes it
        out = []
        for name in names:
            s = name.rstrip("0123456789")
            if s.isascii() and s.isalpha():  # t12: ASCII letters, then digits
                rest = name[len(s):]
            else:
                m = stem(name)
                if m is None:  # as _mark: the whole name is the stem
                    s, rest = name, ""
                else:
                    s, rest = m.group(1), m.group(2)
            if not s:
                out.append(name + mark)
                continue
            marked = letters.get(s)
            if marked is None:
                marked = letters[s] = _marked_stem(s, mark)
            out.append(marked + rest)
        return out

    def leaf_text(self, leaf: Any) -> str:
        """A leaf's name: the node's label, dotted or barred as its role says."""
        return self.marked(leaf.node, leaf.role)

    def leaf_latex(self, leaf: Any) -> str:
        role = leaf.role
        return self.latex[leaf.node] if role == "val" else _latex_mark(
            self.latex[leaf.node], role)

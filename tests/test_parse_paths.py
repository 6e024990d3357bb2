"""The parser's fast path gives exactly what the full path gives, or steps aside.

``adtrace.parse`` checks ordinary text (ASCII names, decimal numbers, the allowed
operators) with a few regular expressions instead of Python's tokenizer, and sends
anything else, and anything that fails, down the full path.  These tests parse the
same text both ways and compare everything: the program (nodes, order, labels'
positions), or the error (class, message, the line and caret under it).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import test_hostile
from helpers import gen_program
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz import TOKENS

from adtrace import parse
from adtrace.errors import AdtraceError

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def outcome(text: str, fast: bool, monkeypatch: pytest.MonkeyPatch) -> object:
    """The parsed program as plain data, or the error it raised."""
    with monkeypatch.context() as m:
        if not fast:
            m.setattr(parse, "_fast_build", lambda src: None)
        try:
            p = parse.parse_program(text)
        except AdtraceError as e:
            return (type(e).__name__, e.message, getattr(e, "context", None))
    return (p.inputs, p.eqns, p.outputs, p.depth, p.source)


def same_both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> object:
    full = outcome(text, False, monkeypatch)
    assert outcome(text, True, monkeypatch) == full, text
    return full


def takes_fast_path(text: str) -> bool:
    return parse._fast_build(parse._source(text)) is not None


VALID = [
    "x1*x2 + sin(x1)",
    "ln(x1) + x1*x2 - sin(x2)",
    "x^2 + y^-3 - 2^x",  # '^' converted, columns moved
    "y1 = x1*x2; y2 = sin(x1)",
    "  a = x + 1  # comment with ^ and é and 'quotes'\n\n  b = a^2 * (a - 3)\n",
    "z = max(x, y, 2*pi) - min(1e-3, x)",
    "t = (x +\n     y) * 2\nu = t ^ 3",  # a statement over two lines
    "sqrt(abs(x)) / (1 + exp(-x))",
    "x**2**3 - -x + +y",
    "q = 1.5e3 * x; r = .5 * q; s = 5. * r",
    "a = 2*pi; b = a * x",  # a named constant
    "tanh(x); cosh(x)",  # two bare outputs
    "sin(x,)",  # a trailing comma in a call
    "x;",
    "x = u + 1\n  y = x\n\tz = y",  # indentation means nothing
    "x\n(y)",  # two outputs
    "match = x; case = match * 2; _ = case + 1",  # soft keywords are names
]

INVALID = [
    "2x", "x y", "sin x", "x +", "(x", "x)", ")(", "(x)(y)", "(sin)(x)", "x = ()", "x**",
    "1_000 * x", "0x1f * x", "007 * x", "1e * x", "1.2.3 * x", "1j * x", "x.real",
    "x // y", "x == y", "x += 1", "x = y = 1", "x, y", "f(x=1)", "sin(*x)", "max(**x)",
    "lambda: x", "x if y else z", "__import__", "x = 1; x = 2", "x = y; y = 1", "sin = x",
    "x;;", "; x", "x = ", "= x", "1e999 * x", "9" * 500 + " * x", "a" * 300, "x ^ ",
    "(" * 101 + "x" + ")" * 101, " + ".join(["x"] * 1002), "sin()", "max(x)", "pi * 2",
    "x = 2; y = 3", "(x\n)(y)", "x. 5", "..." , "x = ...", "y = 1 + ... ",
    "2 (x)", "x (y)", "None * x", "True + x", "x = 1 ;\n;",
]


@pytest.mark.parametrize("text", VALID, ids=lambda t: repr(t[:30]))
def test_valid_texts_parse_the_same_both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result = same_both_ways(text, monkeypatch)
    assert isinstance(result[0], list), result  # a program, not an error
    assert takes_fast_path(text), "ordinary text should not need the full check"


@pytest.mark.parametrize("text", INVALID, ids=lambda t: repr(t[:30]))
def test_invalid_texts_fail_the_same_both_ways(text: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    result = same_both_ways(text, monkeypatch)
    assert isinstance(result[0], str), result  # an error's class name, not a program


def test_errors_come_from_the_full_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """A few errors, with the messages only the full check writes."""
    assert outcome("2x", True, monkeypatch)[1] == \
        "write '2*x' for a product (implicit multiplication is not supported) at column 2"
    assert outcome("x // y", True, monkeypatch)[1] == \
        "floor division ('//') is not allowed at column 3"
    assert outcome("(sin)(x)", True, monkeypatch)[1].startswith(
        "missing an operator between ')' and '('")


def test_samples_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    assert len(texts) >= 5
    for text in texts:
        same_both_ways(text, monkeypatch)
        assert takes_fast_path(text)


def test_the_benchmark_program_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    text = gen_program().generate(3000)
    assert takes_fast_path(text)
    same_both_ways(text, monkeypatch)


def test_the_hostile_corpus_fails_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = []
    for case in test_hostile.ALL.values():
        args = case.args
        if len(args) > 1 and args[0] in ("forward", "reverse", "compare", "graph") \
                and not args[1].startswith("@"):
            texts.append(args[1])
        if isinstance(case.file, str):
            texts.append(case.file)
    assert len(texts) > 100
    for text in texts:
        same_both_ways(text, monkeypatch)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=14))
def test_token_soups_parse_the_same_both_ways(tokens: list[str]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        same_both_ways("".join(tokens), monkeypatch)


ASCII_SOUP = list("xy12 .+-*/^(),;=\n_e0#") + ["sin(", "**", "1e5", "ab", "if", "__"]


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(ASCII_SOUP), min_size=1, max_size=20))
def test_ascii_soups_parse_the_same_both_ways(tokens: list[str]) -> None:
    """Text the fast path looks at (its characters only): every way it can go wrong."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        same_both_ways("".join(tokens), monkeypatch)


def test_random_programs_parse_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)
    ops = ["+", "-", "*", "/", "^", "**"]
    for _ in range(40):
        names = ["x1", "x2", "x3"]
        lines = []
        for k in range(rng.randint(1, 12)):
            a, b = rng.choice(names), rng.choice(names + ["2", "0.5", "pi", "1e-3"])
            expr = f"{a} {rng.choice(ops)} {b}"
            if rng.random() < 0.4:
                expr = f"{rng.choice(['sin', 'exp', 'ln', 'tanh', 'sqrt'])}({expr})"
            if rng.random() < 0.3:
                expr = f"({expr}) * {rng.choice(names)}  # note {k}"
            lines.append(f"t{k} = {expr}")
            names.append(f"t{k}")
        text = rng.choice(["\n", "; "]).join(lines)
        same_both_ways(text, monkeypatch)
        assert takes_fast_path(text), text


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(VALID), st.data())
def test_valid_texts_with_a_slip_parse_the_same_both_ways(text: str, data: st.DataObject) -> None:
    """One character deleted or one piece inserted: text that is nearly right."""
    at = data.draw(st.integers(0, len(text)))
    if data.draw(st.booleans()):
        text = text[:at] + text[at + 1:]
    else:
        text = text[:at] + data.draw(st.sampled_from(ASCII_SOUP + [")(", "2x", "1e400"])) + \
            text[at:]
    if text.strip():
        with pytest.MonkeyPatch.context() as monkeypatch:
            same_both_ways(text, monkeypatch)

"""The parser, text -> Program: what it builds from valid text, and how it refuses the rest.

Valid text gives the expected inputs, operations and outputs.  Invalid text, hostile
text and random soups of tokens give a Program or one of adtrace's errors, never
another exception; an error that names a column shows the user's line with a caret
under that column (indentation, non-ASCII names and converted ``^`` included).
"""

from __future__ import annotations

import io
import os
import random
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest
import test_hostile
from helpers import gen_program
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz import TOKENS

from adtrace.errors import BindingError, DomainError, LimitError, ParseError
from adtrace.parse import parse_program
from adtrace.parse.source import read_source
from adtrace.parse.tokens import check_tokens
from adtrace.program import Program

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
ERRORS = (ParseError, BindingError, LimitError, DomainError)

# text -> (inputs, operations in row order, outputs)
VALID = {
    "x1*x2 + sin(x1)": (["x1", "x2"], ["mul", "sin", "add"], ["f"]),
    "ln(x1) + x1*x2 - sin(x2)": (["x1", "x2"], ["log", "mul", "sin", "add", "sub"], ["f"]),
    "x^2 + y^-3 - 2^x": (["x", "y"], ["pow", "pow", "pow", "add", "sub"], ["f"]),
    "y1 = x1*x2; y2 = sin(x1)": (["x1", "x2"], ["mul", "sin"], ["y1", "y2"]),
    "  a = x + 1  # comment with ^ and é and 'quotes'\n\n  b = a^2 * (a - 3)\n":
        (["x"], ["add", "pow", "sub", "mul"], ["b"]),
    "z = max(x, y, 2*pi) - min(1e-3, x)": (["x", "y"], ["max", "min", "sub"], ["z"]),
    "t = (x +\n     y) * 2\nu = t ^ 3": (["x", "y"], ["add", "mul", "pow"], ["u"]),
    "sqrt(abs(x)) / (1 + exp(-x))": (["x"], ["abs", "neg", "sqrt", "exp", "add", "div"], ["f"]),
    "x**2**3 - -x + +y": (["x", "y"], ["pow", "neg", "sub", "add"], ["f"]),
    "q = 1.5e3 * x; r = .5 * q; s = 5. * r": (["x"], ["mul", "mul", "mul"], ["s"]),
    "a = 2*pi; b = a * x": (["x"], ["mul"], ["b"]),  # a named constant
    "tanh(x); cosh(x)": (["x"], ["tanh", "cosh"], ["f1", "f2"]),  # two bare outputs
    "sin(x,)": (["x"], ["sin"], ["f"]),  # a trailing comma in a call
    "x;": (["x"], [], ["f"]),
    "x = u + 1\n  y = x\n\tz = y": (["u"], ["add"], ["z"]),  # indentation means nothing
    "x\n(y)": (["x", "y"], [], ["f1", "f2"]),  # two outputs
    "match = x; case = match * 2; _ = case + 1": (["x"], ["mul", "add"], ["_"]),  # soft keywords
    "é^2 * x + (é^2 * x)^é": (["é", "x"], ["pow", "mul", "pow", "add"], ["f"]),  # shared
}

KNOWN = "known: abs, acos, asin, atan, cos, cosh, exp, ln, log, max, min, sin, sinh, sqrt, " \
    "tan, tanh"
PRODUCT = "(implicit multiplication is not supported)"
# text -> (error class, message)
INVALID = {
    "2x": (ParseError, f"write '2*x' for a product {PRODUCT} at column 2"),
    "x y": (ParseError, "missing an operator between 'x' and 'y' at column 3"),
    "sin x": (ParseError, "write 'sin(x)': a function's argument goes in parentheses at column 5"),
    "x +": (ParseError, "'+' is missing its right operand at column 4"),
    "(x": (ParseError, "unbalanced parenthesis: '(' is never closed at column 1"),
    "x)": (ParseError, "unbalanced parenthesis: ')' has no matching '(' at column 2"),
    ")(": (ParseError, "unbalanced parenthesis: ')' has no matching '(' at column 1"),
    "(x)(y)": (ParseError, "missing an operator between ')' and '(' (write ')*(' for a product) "
               "at column 4"),
    "(sin)(x)": (ParseError, "missing an operator between ')' and '(' (write ')*(' for a "
                 "product) at column 6"),
    "x = ()": (ParseError, "empty parentheses at column 6"),
    "x**": (ParseError, "'**' is missing its right operand at column 4"),
    "1_000 * x": (ParseError, "numbers are written in decimal ('1_000' is not) at column 1"),
    "0x1f * x": (ParseError, "numbers are written in decimal ('0x1f' is not) at column 1"),
    "007 * x": (ParseError, "numbers cannot have leading zeros at column 1"),
    "1e * x": (ParseError, "'1e' is not a number (an exponent needs digits, as in 1e3) at "
               "column 1"),
    "1.2.3 * x": (ParseError, "'1.2.3' is not a number at column 1"),
    "1j * x": (ParseError, "imaginary numbers are not supported at column 1"),
    "x.real": (ParseError, "attribute access ('.') is not allowed at column 2"),
    "x // y": (ParseError, "floor division ('//') is not allowed at column 3"),
    "x == y": (ParseError, "comparisons ('==') are not allowed at column 3"),
    "x += 1": (ParseError, "augmented assignment ('+=') is not allowed at column 3"),
    "x = y = 1": (ParseError, "assign one name per statement ('a = b = ...' is not supported) "
                  "at column 1"),
    "x, y": (ParseError, "a list of values is not a formula (separate statements with ';') at "
             "column 1"),
    "f(x=1)": (ParseError, f"unknown function 'f' at column 1 ({KNOWN})"),
    "sin(*x)": (ParseError, "'*' is missing its left operand at column 5"),
    "max(**x)": (ParseError, "'**' is missing its left operand at column 5"),
    "lambda: x": (ParseError, "'lambda' is not allowed (a Python keyword) at column 1"),
    "x if y else z": (ParseError, "'if' is not allowed (a Python keyword) at column 3"),
    "__import__": (ParseError, "names starting with '__' are not allowed ('__import__') at "
                   "column 1"),
    "x = 1; x = 2": (BindingError, "'x' is assigned twice; a straight-line program assigns "
                     "each name once at column 8"),
    "x = y; y = 1": (BindingError, "'y' is used as an input (line 1) and assigned later at "
                     "column 8"),
    "sin = x": (ParseError, "'sin' is a function and cannot be assigned to at column 1"),
    "x;;": (ParseError, "an empty statement before ';' at column 3"),
    "; x": (ParseError, "an empty statement before ';' at column 1"),
    "x = ": (ParseError, "'=' is missing its right operand at column 4"),
    "= x": (ParseError, "'=' needs a name on its left at column 1"),
    "1e999 * x": (LimitError, "the number 1e999 is too large (floating point reaches about "
                  "1.8e308) at column 1"),
    "9" * 500 + " * x": (LimitError, "a number longer than 400 digits at column 1"),
    "a" * 300: (LimitError, "a name longer than 200 characters at column 1"),
    "x ^ ": (ParseError, "'^' is missing its right operand at column 4"),
    "(" * 101 + "x" + ")" * 101: (LimitError, "parentheses nested more than 100 deep; write "
                                  "deeper formulas as a program with intermediate names at "
                                  "column 101"),
    " + ".join(["x"] * 1002): (LimitError, "more than 1,000 operators in one statement; split "
                               "it into a program with intermediate names at column 4003"),
    "sin()": (ParseError, "sin takes 1 argument, got 0 at column 1"),
    "max(x)": (ParseError, "max takes 2 or more arguments, got 1 at column 1"),
    "pi * 2": (BindingError, "pi * 2 (line 1) is a constant: it depends on no input, so there "
               "is nothing to differentiate"),
    "x = 2; y = 3": (BindingError, "x = 2 (line 1) is a constant: it depends on no input, so "
                     "there is nothing to differentiate"),
    "(x\n)(y)": (ParseError, "missing an operator between ')' and '(' (write ')*(' for a "
                 "product) at line 2, column 2"),
    "x. 5": (ParseError, "attribute access ('.') is not allowed at column 2"),
    "...": (ParseError, "'...' is not allowed at column 1"),
    "x = ...": (ParseError, "'...' is not allowed at column 5"),
    "y = 1 + ... ": (ParseError, "'...' is not allowed at column 9"),
    "2 (x)": (ParseError, f"write '2*(' for a product {PRODUCT} at column 3"),
    "x (y)": (ParseError, f"unknown function 'x' at column 1 ({KNOWN})"),
    "None * x": (ParseError, "'None' is not allowed (a Python keyword) at column 1"),
    "True + x": (ParseError, "'True' is not allowed (a Python keyword) at column 1"),
    "x = 1 ;\n;": (ParseError, "an empty statement before ';' at line 2, column 1"),
    # found by ast.parse, or by the walk, after '^' became '**' and indentation was stripped
    "1 = x": (ParseError, "only a name can be assigned to at column 1"),
    "x^2 + y^2 = 1": (ParseError, "only a name can be assigned to at column 1"),
    "  y = x^2 + 2^(1/0)": (DomainError, "the constant 1/0 is undefined at column 16"),
    "é^2 + x^2 + foo(x)": (ParseError, f"unknown function 'foo' at column 13 ({KNOWN})"),
    "\tx = 1\n\t  y = x^2^2 $": (ParseError, "unexpected character '$' at line 2, column 14"),
    "  t = x ^ 2\n  t = 3*x": (BindingError, "'t' is assigned twice (lines 1 and 2); a "
                               "straight-line program assigns each name once at line 2, "
                               "column 3"),
    "z = é^2 * x^-2 + 10^400^2": (LimitError, "the constant 10^400^2 is too large to compute "
                                  "(more than 2^100,000) at column 18"),
    "  a = x\n    b = a ^ 2 ^ sin": (ParseError, "'sin' is a function: call it as sin(...) at "
                                     "line 2, column 17"),
}


def shown(line: str) -> str:
    """A line as an error shows it: one character per column, none a terminal acts on."""
    return "".join(ch if ch.isprintable() else " " if ch == "\t" else "?" for ch in line)


def assert_points_at_its_column(err: Exception, text: str) -> None:
    """One line of message; where it names a column, the user's line and a caret under it."""
    message, context = err.message, err.context  # type: ignore[attr-defined]
    assert message and "\n" not in message, message
    if not context:
        return
    assert len(context) == 2 and re.fullmatch(r"  +\^", context[1]), context
    m = re.search(r" at (?:line (\d+), )?column (\d+)", message)
    assert m, message
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    line = shown(lines[int(m.group(1) or 1) - 1])
    if len(line) <= 120:  # a longer line is shown as a window around the column
        assert context[0] == "  " + line, (text, context)
        assert context[1] == "  " + " " * (int(m.group(2)) - 1) + "^", (text, message, context)


def outcome(text: str) -> Program | Exception:
    """The program, or the error (checked); any other exception fails the test."""
    try:
        return parse_program(text)
    except ERRORS as err:
        assert_points_at_its_column(err, text)
        return err


@pytest.mark.parametrize("text", list(VALID), ids=lambda t: repr(t[:30]))
def test_valid_texts_parse_into_their_program(text: str) -> None:
    inputs, ops, outputs = VALID[text]
    program = parse_program(text)
    assert program.inputs == inputs
    assert [e.op for e in program.eqns] == ops
    assert [name for name, _ in program.outputs] == outputs
    assert program.source == text


@pytest.mark.parametrize("text", list(INVALID), ids=lambda t: repr(t[:30]))
def test_invalid_texts_are_refused_at_their_column(text: str) -> None:
    cls, message = INVALID[text]
    err = outcome(text)
    assert type(err) is cls, err
    assert err.message == message  # type: ignore[attr-defined]
    assert bool(err.context) == (" column " in message)  # type: ignore[attr-defined]


def test_samples_parse() -> None:
    paths = sorted(SAMPLES.glob("*.txt"))
    assert len(paths) >= 5
    for path in paths:
        program = parse_program(path.read_text(encoding="utf-8"))
        assert program.eqns and program.outputs, path


def test_the_benchmark_program_parses() -> None:
    program = parse_program(gen_program().generate(3000))
    assert len(program.eqns) == 3000
    assert len(program.inputs) == 10 and len(program.outputs) == 1


def test_the_hostile_corpus_is_refused_cleanly() -> None:
    texts = []
    for case in test_hostile.ALL.values():
        args = case.args
        if len(args) > 1 and args[0] in ("forward", "reverse", "compare", "graph") \
                and not args[1].startswith("@"):
            texts.append(args[1])
        if isinstance(case.file, str):
            texts.append(case.file)
    assert len(texts) > 100
    refused = [text for text in texts if isinstance(outcome(text), Exception)]
    assert len(refused) > 80


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=14))
def test_token_soups_parse_or_are_refused_cleanly(tokens: list[str]) -> None:
    outcome("".join(tokens))


ASCII_SOUP = list("xy12 .+-*/^(),;=\n_e0#\t") + ["sin(", "**", "1e5", "ab", "if", "__", "é"]


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(ASCII_SOUP), min_size=1, max_size=20))
def test_ascii_soups_parse_or_are_refused_cleanly(tokens: list[str]) -> None:
    outcome("".join(tokens))


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(list(VALID)), st.data())
def test_valid_texts_with_a_slip_parse_or_are_refused_cleanly(text: str,
                                                            data: st.DataObject) -> None:
    """One character deleted or one piece inserted: text that is nearly right."""
    at = data.draw(st.integers(0, len(text)))
    if data.draw(st.booleans()):
        text = text[:at] + text[at + 1:]
    else:
        text = text[:at] + data.draw(st.sampled_from(ASCII_SOUP + [")(", "2x", "1e400", "$"])) \
            + text[at:]
    if text.strip():
        outcome(text)


def test_random_programs_parse_with_their_outputs() -> None:
    """Outputs are the assigned names no later statement uses."""
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
            lines.append(f"{'  ' * rng.randint(0, 1)}t{k} = {expr}")
            names.append(f"t{k}")
        text = rng.choice(["\n", "; "]).join(lines)
        program = parse_program(text)
        # the statements that count: a comment runs to the end of its line
        statements = [s for line in text.split("\n") for s in line.split("#")[0].split(";")]
        assigned = [s.split("=")[0].strip() for s in statements]
        used = [set(re.findall(r"\bt\d+\b", s.split("=")[1])) for s in statements]
        unused = [name for k, name in enumerate(assigned)
                  if not any(name in later for later in used[k + 1:])]
        assert [name for name, _ in program.outputs] == unused
        assert 1 <= len(program.eqns) <= 3 * len(statements)


@pytest.mark.parametrize("text", ["x^2", "x ^ -y^2 # ^ in a comment", "(x^2)^3 + é^x",
                                  "a = x^2\n  b = (a ^\n 3)^a"])
def test_carets_are_sympys_convert_xor(text: str) -> None:
    """The '^' made powers are exactly the tokens SymPy's convert_xor converts."""
    from sympy.parsing.sympy_parser import convert_xor

    src = read_source(text)
    tokens = list(tokenize.generate_tokens(io.StringIO(src.text).readline))
    converted = convert_xor([(t.type, t.string) for t in tokens], {}, {})
    expected = [t.start for t, (_, new) in zip(tokens, converted) if new != t.string]
    assert check_tokens(src).carets == expected
    assert src.convert(expected).count("**") == text.count("**") + len(expected)


def test_parsing_a_power_does_not_import_sympy() -> None:
    code = ("import sys\nfrom adtrace.cli import main\n"
            "sys.argv = ['adtrace', 'forward', 'é^2 + x^-1', '--at', 'é=2,x=3', '--no-check',"
            " '--format', 'json']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('SYMPY' if 'sympy' in sys.modules else 'NO-SYMPY', file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert '"op": "pow"' in proc.stdout, proc.stderr
    assert "NO-SYMPY" in proc.stderr, proc.stderr

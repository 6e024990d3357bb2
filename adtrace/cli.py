"""The command line.  Parses options, calls the library, picks a renderer, and maps
every error to its exit status in one place.  No mathematics here.

Importing this module imports click only: ``adtrace --help`` stays fast.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from . import __version__
from .errors import AdtraceError, ExitStatus, one_line
from .render import COMPARE, DOCUMENT, FORMATS, GRAPH, TRACE, names
from .stops import Stopped, stop_on_signals

# the registry only names modules: importing it is free
TRACE_FORMATS, COMPARE_FORMATS, GRAPH_FORMATS, KEY_FORMATS = (
    names(TRACE), names(COMPARE), names(GRAPH), names(DOCUMENT))


def _fail(message: str, context: list[str] | None = None,
          status: int = ExitStatus.BAD_INPUT) -> None:
    click.echo(f"Error: {one_line(message)}", err=True)
    for line in context or []:
        click.echo(one_line(line), err=True)
    sys.exit(status)


class AdtraceGroup(click.Group):
    """A group whose usage errors are one ``Error:`` line, and that never shows a traceback."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        from .files import ReaderGone, forget_inputs

        forget_inputs()
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError as e:
            click.echo(e.ctx.get_help())
            sys.exit(ExitStatus.OK)
        except click.UsageError as e:
            _fail(_usage_message(e))
        except (click.exceptions.Abort, KeyboardInterrupt):
            _fail("aborted", status=ExitStatus.INTERRUPTED)
        except Stopped as e:
            _fail("aborted" if e.signum == signal.SIGINT else "terminated", status=128 + e.signum)
        except click.exceptions.Exit as e:
            sys.exit(e.exit_code)
        except click.ClickException as e:
            _fail(e.format_message())
        except AdtraceError as e:
            _fail(e.message, e.context, e.status)
        except (ReaderGone, BrokenPipeError):
            sys.exit(ExitStatus.READER_GONE)  # quietly, as a Unix tool killed by SIGPIPE
        except RecursionError:
            _fail("the input is nested too deeply", status=ExitStatus.BAD_INPUT)
        except MemoryError:
            _fail("the input is too large to process", status=ExitStatus.BAD_INPUT)
        except Exception as e:  # a bug: still one line, and a status that says so
            _fail(f"internal error ({type(e).__name__}: {e}); please report it with the "
                  "command that caused it", status=ExitStatus.INTERNAL)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # before click, which would print an empty line first
            raise Stopped(signal.SIGINT) from None


def _usage_message(e: click.UsageError) -> str:
    msg = e.format_message()
    name = getattr(e, "option_name", None) or ""
    if isinstance(e, click.NoSuchOption) and not name.startswith("--") and \
            e.ctx is not None and e.ctx.parent is not None:
        # "-x**2" is a formula that starts with '-', not an option
        return (f"{msg} (a formula that starts with '-' goes after '--', as in "
                f"{e.ctx.command_path} --at x=1 -- \"-x**2\")")
    if e.ctx is not None and e.ctx.command_path and "No such command" not in msg:
        return f"{msg} (see '{e.ctx.command_path} --help')"
    return msg


def _check(formula: str, at: tuple[str, ...], standalone: bool, fmt: str,
           formats: tuple[str, ...]) -> None:
    """The usage errors of forward, reverse and compare: no point (naming the variables
    that need a value, or saying that the formula has none); --standalone where the
    format cannot be a document."""
    if not at:
        from .api import load

        inputs = load(formula)[0].inputs  # a formula of constants alone is refused here
        names = ", ".join(inputs[:6]) + (f", … ({len(inputs):,} in all)" if len(inputs) > 6
                                         else "")
        example = ",".join(f"{name}={k}" for k, name in enumerate(inputs[:3], start=2))
        raise click.UsageError(f"--at is required: give a value for {names} "
                               f"(e.g. --at {example}{',...' if len(inputs) > 3 else ''})")
    if standalone and not FORMATS[fmt].standalone:
        able = " or ".join(name for name in formats if FORMATS[name].standalone)
        raise click.UsageError(f"--standalone is for --format {able}")


def _show(result: Any, fmt: str, draw: Callable[..., str], standalone: bool) -> None:
    """The warnings on stderr, then ``result`` drawn in ``fmt`` on stdout (in colour when
    the format is for a terminal and stdout is one)."""
    from .files import terminal_style

    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)
    color, width = terminal_style()
    color = color and FORMATS[fmt].color
    _write(draw(result, fmt, color=color, width=width, standalone=standalone), None, fmt)


def _write(data: str | bytes, output: str | None, fmt: str) -> None:
    """The command's output, to ``output`` or standard output (see adtrace.files)."""
    from .files import write

    write(data, output, utf8=FORMATS[fmt].utf8)


@contextmanager
def _notation(asked: bool, fmt: str, output: str | None) -> Iterator[None]:
    """The notation of the command's output: ASCII with --ascii, or when standard output
    cannot show the Unicode one (a file is UTF-8; JSON and SVG are UTF-8 everywhere)."""
    from .notation import ascii_notation

    on = asked
    if not on and output is None and not (FORMATS[fmt].utf8 or FORMATS[fmt].binary):
        from .files import stdout_encodes
        from .notation import unicode_chars

        on = not stdout_encodes(unicode_chars())
    with ascii_notation(on):
        yield


ASCII_HELP = ("Write the notation in ASCII: x1_dot, x1_bar, df/dx1, * (for e-mail and "
              "autograders; also chosen when standard output cannot show Unicode).")


def trace_options(mode: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The options of forward or reverse (only forward mode shows --wrt)."""
    return lambda f: _add_trace_options(f, mode)


def _add_trace_options(f: Callable[..., Any], mode: str) -> Callable[..., Any]:
    # reverse mode takes --wrt only to say what to use instead: hidden from its help
    wrt = click.option("--wrt", metavar="NAME[,...]", hidden=mode != "forward",
                       help="Inputs to seed, one tangent sweep each (default: every input).")
    seed = ("One sweep along this direction (a JVP): x1=1,x2=0.5." if mode == "forward" else
            "Output weights for one sweep (a VJP): y1=1,y2=0.5 (default: one sweep per "
            "output).")
    options = [
        click.option("--at", "at", multiple=True, metavar="NAME=VALUE[,...]",
                     help="The point: a value for every variable (x1=2,x2=pi/4). "
                          "Inputs are numbered in this order."),
        wrt,
        click.option("--seed", metavar="NAME=VALUE[,...]", help=seed),
        click.option("--format", "fmt", type=click.Choice(TRACE_FORMATS), default="table",
                     show_default=True, help="Output format."),
        click.option("--labels", type=click.Choice(["w", "v", "h"]), default="w",
                     show_default=True,
                     help="w: w1, w2, ...; v: Griewank/Baydin v-1, v0, v1, ...; "
                          "h: hierarchy w⁽ⁿ⁾ᵢ by depth."),
        click.option("--letter", metavar="L",
                     help="The letter of the intermediates' labels (default w, or v with "
                          "--labels v; another when a variable is named so)."),
        click.option("--order", type=click.Choice(["level", "written"]), default="level",
                     show_default=True,
                     help="level: by depth, then left to right; written: evaluation order."),
        click.option("--digits", type=click.IntRange(0, 17), default=4, show_default=True,
                     help="Decimals shown (JSON always has full precision)."),
        click.option("--no-check", is_flag=True, help="Skip the symbolic cross-check."),
        click.option("--exact", is_flag=True,
                     help="Also show every value in exact form (ln(2), 3 + cos(2), 1/2)."),
        click.option("--standalone", is_flag=True,
                     help="latex: a complete document rather than a fragment to \\input."),
        click.option("--out", metavar="NAME[,...]",
                     help="Programs: which assigned names are outputs "
                          "(default: names never used later)."),
        click.option("--ascii", "ascii_", is_flag=True, help=ASCII_HELP),
    ]
    for option in reversed(options):
        f = option(f)
    return f


@click.group(cls=AdtraceGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="adtrace", message="%(prog)s %(version)s")
def cli() -> None:
    """Automatic differentiation, step by step.

    Prints the evaluation traces of forward mode (tangents) and reverse mode
    (adjoints) as textbooks print them, with a symbolic cross-check.

    \b
    Examples:
      adtrace forward "x1*x2 + sin(x1)" --at x1=2,x2=3
      adtrace reverse "ln(x1) + x1*x2 - sin(x2)" --at x1=2,x2=5 --labels v

    Exit status: 0 success, 1 the cross-check disagrees, 2 bad input,
    3 the formula is undefined at the point, 74 the output could not be
    written, 130 interrupted, 141 the reader of standard output went away.
    """


def _run(mode: str, formula: str, at: tuple[str, ...], fmt: str, no_check: bool,
         ascii_: bool, standalone: bool = False, **options: Any) -> None:
    from .api import trace
    from .notation import sym
    from .render import render

    with _notation(ascii_, fmt, None):
        _check(formula, at, standalone, fmt, TRACE_FORMATS)
        t = trace(formula, ",".join(at), mode=mode, check=not no_check, **options)
        _show(t, fmt, render, standalone)
        if t.check is not None and not t.check.agree:
            bad = [e for e in t.check.entries if e.agree is False]
            _fail(sym(f"the symbolic check disagrees for ∂{bad[0].output}/∂{bad[0].input}: "
                      f"AD {bad[0].ad!r}, chain rule {bad[0].value!r}"),
                  status=ExitStatus.CHECK_FAILED)


@cli.command()
@click.argument("formula")
@trace_options("forward")
def forward(formula: str, **options: Any) -> None:
    """Forward mode: the primal trace and one tangent trace per seeded input.

    FORMULA is an expression ("x1*x2 + sin(x1)"), several outputs
    ("y1 = x1*x2; y2 = sin(x1)"), a straight-line program, or @FILE.

    \b
    Examples:
      adtrace forward "x1*x2 + sin(x1)" --at x1=2,x2=3
      adtrace forward "ln(x1) + x1*x2 - sin(x2)" --at x1=2,x2=5 --labels v --wrt x1
      adtrace forward "y1 = x1*x2; y2 = sin(x1)" --at x1=2,x2=3 --seed x1=1,x2=0.5
      adtrace forward @samples/lighthouse.txt --at nu=2,gamma=1.5,omega=0.4,t=2.1 --format json
    """
    _run("forward", formula, **options)


@cli.command()
@click.argument("formula")
@trace_options("reverse")
def reverse(formula: str, **options: Any) -> None:
    """Reverse mode: the primal trace and one adjoint trace per output.

    Each contribution to an adjoint is its own row, so a variable used twice shows
    the accumulation x̄1 = x̄1 + ...  FORMULA is as for forward.

    \b
    Examples:
      adtrace reverse "ln(x1) + x1*x2 - sin(x2)" --at x1=2,x2=5 --labels v
      adtrace reverse "y1 = x1*x2; y2 = sin(x1)" --at x1=2,x2=3 --seed y1=1,y2=-1
      adtrace reverse "x1*x2 + sin(x1)" --at x1=2,x2=3 --format latex --standalone
    """
    _run("reverse", formula, **options)


# --- adtrace compare -------------------------------------------------------------------------

@cli.command()
@click.argument("formula")
@click.option("--at", "at", multiple=True, metavar="NAME=VALUE[,...]",
              help="The point: a value for every variable (x1=2,x2=pi/4).")
@click.option("--format", "fmt", type=click.Choice(COMPARE_FORMATS), default="table",
              show_default=True, help="Output format.")
@click.option("--out", metavar="NAME[,...]",
              help="Programs: which assigned names are outputs "
                   "(default: names never used later).")
@click.option("--digits", type=click.IntRange(0, 17), default=4, show_default=True,
              help="Decimals shown (JSON and CSV always have full precision).")
@click.option("--standalone", is_flag=True,
              help="latex: a complete document rather than a fragment to \\input.")
@click.option("--ascii", "ascii_", is_flag=True, help=ASCII_HELP)
def compare(formula: str, at: tuple[str, ...], fmt: str, out: str | None, digits: int,
            standalone: bool, ascii_: bool) -> None:
    """Forward against reverse mode for the whole Jacobian: sweeps, operations, stored values.

    Forward mode needs one tangent sweep per input, reverse mode one adjoint sweep
    per output and a tape of every value; the table says which is cheaper here
    and why, and how operations and stored values are counted.

    \b
    Examples:
      adtrace compare "x1*x2*x3*x4" --at x1=1,x2=2,x3=3,x4=4
      adtrace compare @samples/lighthouse.txt --at nu=2,gamma=1.5,omega=0.4,t=2.1 --out y1,y2
    """
    from .compare import compare as run_compare
    from .render import render_compare

    with _notation(ascii_, fmt, None):
        _check(formula, at, standalone, fmt, COMPARE_FORMATS)
        _show(run_compare(formula, ",".join(at), out=out, digits=digits), fmt, render_compare,
              standalone)


# --- adtrace graph ---------------------------------------------------------------------------

@cli.command()
@click.argument("formula")
@click.option("--at", "at", multiple=True, metavar="NAME=VALUE[,...]",
              help="The point: nodes then show values and edges numeric partials.")
@click.option("--mode", type=click.Choice(["forward", "reverse"]),  # kinds.SWEEP_KINDS
              help="Also show tangents (forward) or adjoints (reverse); needs --at.")
@click.option("--wrt", metavar="NAME",
              help="forward: the input to seed (default: the first input).")
@click.option("--seed", metavar="NAME=VALUE[,...]",
              help="forward: a tangent direction; reverse: output weights "
                   "(default: the first output).")
@click.option("--labels", type=click.Choice(["w", "v", "h"]), default="w", show_default=True,
              help="Node labels, as in the traces.")
@click.option("--order", type=click.Choice(["level", "written"]), default="level",
              show_default=True, help="Numbering of the operations, as in the traces.")
@click.option("--out", metavar="NAME[,...]",
              help="Programs: which assigned names are outputs.")
@click.option("--digits", type=click.IntRange(0, 17), default=4, show_default=True,
              help="Decimals shown.")
@click.option("--format", "fmt", type=click.Choice(GRAPH_FORMATS), default="text",
              show_default=True,
              help="text (terminal), dot (Graphviz), mermaid, tikz (LaTeX), svg or png "
                   "(rendered by Graphviz's dot).")
@click.option("-o", "--output", "output", metavar="FILE",
              help="Write to FILE instead of standard output.")
@click.option("--ascii", "ascii_", is_flag=True, help=ASCII_HELP)
def graph(formula: str, at: tuple[str, ...], mode: str | None, wrt: str | None,
          seed: str | None, labels: str, order: str, out: str | None, digits: int, fmt: str,
          output: str | None, ascii_: bool) -> None:
    """The computational graph: nodes with values, edges with local partials.

    Inputs, intermediates and outputs are drawn differently, and a node used
    twice fans out.  With --mode each node also shows its tangent or adjoint.

    \b
    Examples:
      adtrace graph "x1*x2 + sin(x1)" --at x1=2,x2=3 --mode reverse
      adtrace graph "x1*x2 + sin(x1)" --format mermaid
      adtrace graph "x1*x2 + sin(x1)" --at x1=2,x2=3 --format png -o graph.png
    """
    from .files import output_target, stdout_is_terminal, terminal_style
    from .graph import graph as build
    from .graph import render_graph

    if FORMATS[fmt].binary and output is None and stdout_is_terminal():
        raise click.UsageError(f"--format {fmt} writes binary data: give -o FILE "
                               "(or redirect standard output to a file)")
    if output is not None:
        output_target(output)  # refused before the work, not after it
    with _notation(ascii_, fmt, output):
        g = build(formula, ",".join(at) if at else None, mode=mode, wrt=wrt, seed=seed,
                  labels=labels, order=order, out=out, digits=digits)
        color, width = terminal_style()
        color = color and FORMATS[fmt].color and output is None
        _write(render_graph(g, fmt, color=color, width=width if output is None else 80),
               output, fmt)


# --- adtrace key -----------------------------------------------------------------------------


def _key_format_help() -> str:
    """``markdown (default) or latex; '-o NAME.tex' implies latex.``, from the registry."""
    first, *rest = KEY_FORMATS
    text = " or ".join([f"{first} (default)", *rest])
    for name in KEY_FORMATS:
        if FORMATS[name].suffixes:
            text += f"; '-o NAME{FORMATS[name].suffixes[0]}' implies {name}"
    return text + "."


class KeyCommand(click.Command):
    """``adtrace key``: its help ends with the problem-set format, read from the table
    that checks it (imported only when the help is shown)."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from .problems import PROBLEM_KEYS

        formatter.write_paragraph()
        formatter.write_text("The file (TOML): title = \"...\", optional course = \"...\", "
                             "an optional [defaults] table of problem keys, then one "
                             "[[problem]] table per problem with these keys (formula or "
                             "program, and at, are required):")
        with formatter.indentation():
            formatter.write_dl([(k, v) for k, v in PROBLEM_KEYS.items()])


@cli.command(cls=KeyCommand)
@click.argument("problems", metavar="PROBLEMS.toml")
@click.option("-o", "--output", metavar="FILE",
              help="Write the document to FILE (default: standard output).")
@click.option("--format", "fmt", type=click.Choice(KEY_FORMATS), default=None,
              help=_key_format_help())
@click.option("--worksheet", is_flag=True,
              help="Leave the computed cells blank for students (the data stay).")
@click.option("--worksheet-output", metavar="FILE",
              help="Also write the worksheet to FILE, from the same run: -o gets the key. "
                   "Its format is --format, or the one FILE's name implies.")
@click.option("--standalone/--fragment", default=True, show_default=True,
              help="latex: a complete document, or a fragment to \\input.")
@click.option("--ascii", "ascii_", is_flag=True, help=ASCII_HELP)
def key(problems: str, output: str | None, fmt: str | None, worksheet: bool,
        worksheet_output: str | None, standalone: bool, ascii_: bool) -> None:
    """Answer keys (or worksheets) for a problem set in TOML.

    Every problem is numbered and shows its statement, the function as written, the
    point, the traces, the derivatives and the symbolic check (a worksheet leaves the
    check out unless the problem asks for it).  The file's keys are listed below (more
    in the project's docs/answer-keys.md).

    \b
    Examples:
      adtrace key samples/homework.toml -o key.md
      adtrace key samples/homework.toml --format latex -o key.tex
      adtrace key samples/homework.toml --worksheet -o worksheet.tex
      adtrace key samples/homework.toml -o key.tex --worksheet-output worksheet.tex
    """
    from .files import output_target
    from .key import format_for, render_key, solve
    from .notation import sym
    from .problems import load_problem_set

    if worksheet_output is not None and worksheet:
        _fail("--worksheet-output writes the worksheet beside the key that -o (or standard "
              "output) gets; drop --worksheet")
    targets = [path for path in (output, worksheet_output) if path is not None]
    for path in targets:
        output_target(path)  # refused before the work, not after it
    if len(targets) == 2 and os.path.realpath(output) == os.path.realpath(worksheet_output):
        _fail(f"-o and --worksheet-output are the same file: {output}")
    key_fmt = format_for(fmt, output)
    with _notation(ascii_, key_fmt, output):
        pset = load_problem_set(problems)
        solutions = [solve(p) for p in pset.problems]
        for sol in solutions:
            for warning in sol.warnings():
                click.echo(f"Warning: problem {sol.problem.number}: {warning}", err=True)
        _write(render_key(pset, solutions, key_fmt, worksheet=worksheet,
                          standalone=standalone), output, key_fmt)
        if worksheet_output is not None:
            ws_fmt = format_for(fmt, worksheet_output)
            _write(render_key(pset, solutions, ws_fmt, worksheet=True, standalone=standalone),
                   worksheet_output, ws_fmt)
        for sol in solutions:
            bad = sol.disagreements()
            if bad:
                _fail(sym(f"problem {sol.problem.number}: the symbolic check disagrees for "
                          f"∂{bad[0].output}/∂{bad[0].input}: AD {bad[0].ad!r}, "
                          f"chain rule {bad[0].value!r}"), status=ExitStatus.CHECK_FAILED)


def main() -> None:
    # One command, then the process ends: the cyclic garbage collector would only rescan
    # the trace's objects again and again (a third of the time of a 20,000-operation
    # trace) to find cycles the program does not make; reference counting frees the rest.
    import gc

    gc.disable()
    stop_on_signals()
    cli.main(prog_name="adtrace")


if __name__ == "__main__":  # pragma: no cover
    main()

"""Inputs, outputs and the ASCII notation, in-process: which files are read, how outputs
are written, and the notation for readers without Unicode."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from adtrace import files
from adtrace.errors import BindingError

WIKI = ("x1*x2 + sin(x1)", "--at", "x1=2,x2=3")
HOMEWORK = """title = "Homework"
[[problem]]
formula = "@f.txt"
at = "x=2,y=3"
mode = "forward"
"""


def one_error(result, status: int, says: str) -> None:
    assert result.exit_code == status, (result.exit_code, result.stderr)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: "), result.stderr
    assert says in result.stderr, result.stderr


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("f.txt").write_text("x*y\n")
    Path("hw.toml").write_text(HOMEWORK)
    return tmp_path


# --- an output is never one of the inputs ------------------------------------------------------


@pytest.mark.parametrize("args", [
    ("key", "hw.toml", "-o", "hw.toml"),
    ("key", "hw.toml", "-o", "./hw.toml"),
    ("key", "hw.toml", "-o", "f.txt"),  # a problem's formula file
    ("key", "./sub/../hw.toml", "-o", "hw.toml"),
    ("graph", "@f.txt", "-o", "f.txt"),
    ("graph", "@f.txt", "--format", "dot", "-o", "link.txt"),
    ("graph", "@f.txt", "--format", "mermaid", "-o", "hard.txt"),
])
def test_an_output_that_is_an_input_is_refused(run, folder, args):
    Path("sub").mkdir()
    Path("link.txt").symlink_to("f.txt")
    os.link("f.txt", "hard.txt")
    before = {p: Path(p).read_bytes() for p in ("f.txt", "hw.toml")}
    one_error(run(*args), 2, "is one of the inputs")
    assert {p: Path(p).read_bytes() for p in before} == before


def test_inputs_of_an_earlier_command_do_not_count(run, folder):
    assert run("graph", "@f.txt", "--format", "dot").exit_code == 0
    assert run("graph", "x*y", "--format", "dot", "-o", "f.txt").exit_code == 0
    assert Path("f.txt").read_text().startswith("digraph")


# --- outputs are written whole or not at all ---------------------------------------------------


def test_a_failed_write_leaves_the_file_as_it_was(run, folder, monkeypatch):
    Path("g.dot").write_text("the old graph\n")

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    one_error(run("graph", "x*y", "--format", "dot", "-o", "g.dot"), 74,
              "cannot write g.dot: No space left on device")
    assert Path("g.dot").read_text() == "the old graph\n"
    assert sorted(p.name for p in folder.iterdir()) == ["f.txt", "g.dot", "hw.toml"]


def test_an_interrupted_render_leaves_no_file(run, folder, monkeypatch):
    import adtrace.render.dot as dot

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(dot, "graph", interrupted)
    one_error(run("graph", "x*y", "--format", "dot", "-o", "g.dot"), 130, "aborted")
    assert sorted(p.name for p in folder.iterdir()) == ["f.txt", "hw.toml"]


def test_writing_keeps_the_files_mode_and_replaces_a_symlinks_target(run, folder):
    Path("g.dot").write_text("old\n")
    os.chmod("g.dot", 0o640)
    Path("out").mkdir()
    Path("alias.dot").symlink_to("out/real.dot")
    assert run("graph", "x*y", "--format", "dot", "-o", "g.dot").exit_code == 0
    assert stat.S_IMODE(os.stat("g.dot").st_mode) == 0o640
    assert Path("g.dot").read_text().startswith("digraph")
    assert run("graph", "x*y", "--format", "dot", "-o", "alias.dot").exit_code == 0
    assert Path("alias.dot").is_symlink() and Path("out/real.dot").read_text().startswith("digraph")


def test_text_and_binary_outputs_go_through_one_writer(run, folder, monkeypatch):
    written = []
    real = files.write_output
    monkeypatch.setattr(files, "write_output", lambda path, data: (written.append(
        (path, type(data).__name__)), real(path, data)))
    run("graph", "x*y", "--format", "dot", "-o", "g.dot")
    run("key", "hw.toml", "-o", "key.md")
    if shutil.which("dot"):
        run("graph", "x*y", "--format", "png", "-o", "g.png")
        assert ("g.png", "bytes") in written
    assert ("g.dot", "str") in written and ("key.md", "str") in written


@pytest.mark.parametrize("target, says", [
    ("sub", "a directory"),
    ("missing/g.dot", "no such folder"),
    ("/dev/null", "a character device"),
    ("", "give a file name"),
])
def test_outputs_that_are_not_files_are_refused_before_the_work(run, folder, target, says):
    Path("sub").mkdir()
    one_error(run("graph", "x*y", "--format", "dot", "-o", target), 2, says)
    one_error(run("key", "hw.toml", "-o", target), 2, says)


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True,
                    reason="root writes anywhere")
def test_a_folder_without_permission(run, folder):
    Path("ro").mkdir()
    os.chmod("ro", 0o500)
    one_error(run("graph", "x*y", "--format", "dot", "-o", "ro/g.dot"), 2, "permission denied")


# --- inputs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path, says", [
    (".", "a directory, not a regular file"),
    ("/dev/null", "a character device, not a regular file"),
    ("missing.txt", "no such file"),
])
def test_inputs_that_are_not_files(run, folder, path, says):
    one_error(run("forward", f"@{path}", "--at", "x=1"), 2, says)
    one_error(run("key", path), 2, says)


def test_every_file_is_read_by_one_function(run, folder, monkeypatch):
    read = []
    real = files.read_text_file
    monkeypatch.setattr(files, "read_text_file", lambda path, *a: (read.append(path),
                                                                  real(path, *a))[1])
    import adtrace.api

    monkeypatch.setattr(adtrace.api, "read_text_file", files.read_text_file)
    assert run("key", "hw.toml").exit_code == 0
    assert run("forward", "@f.txt", "--at", "x=1,y=2").exit_code == 0
    assert [Path(p).name for p in read] == ["hw.toml", "f.txt", "f.txt"]


def test_a_name_with_nul_is_bad_input():
    """A problem set's string may hold NUL, which no file name can."""
    with pytest.raises(BindingError, match="not a file name"):
        files.read_text_file("a\0b", 10)
    with pytest.raises(BindingError, match="not a file name"):
        files.output_target("a\0b")


def test_read_text_file_checks_the_opened_descriptor(tmp_path, monkeypatch):
    """A file swapped for a FIFO between the check and the open is refused, not waited on."""
    real = tmp_path / "f.txt"
    real.write_text("x\n")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    stat_of = os.stat
    monkeypatch.setattr(os, "stat", lambda p, *a, **k: stat_of(real if str(p) == str(fifo)
                                                               else p, *a, **k))
    with pytest.raises(BindingError, match="FIFO"):
        files.read_text_file(str(fifo), 100)


# --- names with marks --------------------------------------------------------------------------


@pytest.mark.parametrize("name, says", [
    ("ā", "'ā': a letter with a bar reads as the trace's own mark"),
    ("ẋ", "such as 'xdot'"),
    ("xā1", "such as 'xa1bar'"),
    ("ä", "a letter with two dots"),
    ("ḡamma", "such as 'gammabar'"),
    ("x\u0304", "a bar over a letter reads as the trace's own mark"),
    ("x\u0307", "a dot over a letter"),
    ("e\u0301", "a combining mark"),
])
def test_names_with_dots_or_bars_are_refused(run, name, says):
    result = run("forward", f"{name}*y", "--at", "y=2")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and says in result.stderr, result.stderr


@pytest.mark.parametrize("name", ["α", "é", "x_1", "gamma"])
def test_other_names_pass(run, name):
    result = run("forward", f"{name}*y", "--at", f"{name}=1,y=2", "--no-check")
    assert result.exit_code == 0, result.stderr


# --- the ASCII notation ------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ("forward", *WIKI), ("reverse", *WIKI, "--labels", "v"), ("reverse", *WIKI, "--labels", "h"),
    ("forward", *WIKI, "--format", "markdown"), ("reverse", *WIKI, "--format", "csv"),
    ("forward", *WIKI, "--exact"), ("compare", *WIKI), ("compare", *WIKI, "--format", "markdown"),
    ("graph", *WIKI, "--mode", "reverse"), ("graph", *WIKI, "--format", "dot"),
    ("graph", *WIKI, "--format", "mermaid", "--mode", "forward"),
    ("forward", "y1 = x1*x2; y2 = sin(x1)", "--at", "x1=2,x2=3", "--seed", "x1=1,x2=0.5"),
    ("reverse", "y1 = x1*x2; y2 = sin(x1)", "--at", "x1=2,x2=3"),
])
def test_ascii_output_is_ascii(run, args):
    result = run(*args, "--ascii")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.isascii(), sorted({c for c in result.stdout if not c.isascii()})


def test_ascii_key_is_ascii(run):
    from helpers import ROOT

    for toml in ("homework", "forward", "reverse", "compare"):
        result = run("key", str(ROOT / "samples" / f"{toml}.toml"), "--ascii")
        assert result.exit_code == 0 and result.stdout.isascii(), toml


def test_ascii_trace_reads_as_the_textbook_in_ascii(run, golden):
    result = run("reverse", "ln(x1) + x1*x2 - sin(x2)", "--at", "x1=2,x2=5", "--labels", "v",
                 "--ascii")
    golden("baydin_reverse_ascii.txt", result.stdout)
    assert "v0_bar = v0_bar + v2_bar*v-1 = -0.2837 + 1*2" in " ".join(result.stdout.split())


def test_ascii_json_is_the_same_document_with_ascii_texts(run):
    plain = json.loads(run("forward", *WIKI, "--format", "json").stdout)
    ascii_ = json.loads(run("forward", *WIKI, "--format", "json", "--ascii").stdout)
    assert plain["derivatives"] == ascii_["derivatives"]
    assert [n["id"] for n in plain["nodes"]] == [n["id"] for n in ascii_["nodes"]]
    texts = [step["text"] for step in ascii_["sweeps"][0]["steps"]]
    assert "w1_dot = x1_dot*x2 + x1*x2_dot = 1*3 + 2*0 = 3" in texts


def test_names_that_read_as_marks_are_refused_in_ascii(run):
    assert run("forward", "x_bar*y", "--at", "x_bar=1,y=2").exit_code == 0
    result = run("forward", "x_bar*y", "--at", "x_bar=1,y=2", "--ascii")
    assert result.exit_code == 2 and "reads as the adjoint of x" in result.stderr


def test_the_setting_is_scoped():
    from adtrace import trace
    from adtrace.notation import ascii_notation, ascii_on, sym
    from adtrace.render import render

    with ascii_notation():
        assert ascii_on() and sym("∂f/∂x·ẋ") == "df/dx*x_dot"
        t = trace("x*y", "x=1,y=2")
        text = render(t, "table")
    assert not ascii_on() and sym("∂f") == "∂f"
    assert "x_dot" in text and text.isascii()
    assert "ẋ" in render(trace("x*y", "x=1,y=2"), "table")


# --- Graphviz's limits -------------------------------------------------------------------------


def test_graphviz_size_limit(run, monkeypatch, tmp_path):
    import adtrace.render.image as image

    monkeypatch.setattr(shutil, "which", lambda *a, **k: "/bin/false")
    monkeypatch.setattr(image, "MAX_NODES", 4)
    one_error(run("graph", *WIKI, "--format", "svg", "-o", str(tmp_path / "g.svg")), 2,
              "the graph has 5 nodes, more than the 4 Graphviz is asked to lay out")


@pytest.mark.skipif(os.name != "posix", reason="a shell script as dot")
def test_graphviz_time_limit_kills_dot(run, monkeypatch, tmp_path):
    import adtrace.render.image as image

    pid_file = tmp_path / "pid"
    dot = tmp_path / "dot"
    dot.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 60\n")
    dot.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(image, "TIMEOUT", 0.5)
    one_error(run("graph", *WIKI, "--format", "svg", "-o", str(tmp_path / "g.svg")), 2,
              "Graphviz took longer than 0.5 s to lay out 5 nodes, the time limit")
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not (tmp_path / "g.svg").exists()

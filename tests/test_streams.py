"""Files, streams, encodings and signals, through a real process of the installed command.

Each case here once hung, crashed or exited with the wrong status: a FIFO or a device
as an input or output, a full disk or a closed stdout, a reader that leaves, a stream
that cannot show Unicode, Ctrl-C and SIGTERM.  Every process has a timeout, so a
regression fails instead of hanging.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ROOT, adtrace_command, gen_program

ADTRACE = adtrace_command()
pytestmark = [
    pytest.mark.skipif(ADTRACE is None, reason="adtrace is not installed"),
    pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, /dev and signals are POSIX"),
]
WIKI = ("x1*x2 + sin(x1)", "--at", "x1=2,x2=3")
TIMEOUT = 60


def adtrace(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
            **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([ADTRACE, *args], capture_output=True, timeout=TIMEOUT, cwd=cwd,
                          env={**os.environ, **(env or {})}, check=False, **kwargs)


def one_error(proc: subprocess.CompletedProcess, status: int, says: str) -> None:
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == status, (proc.returncode, err)
    assert err.count("\n") == 1 and err.startswith("Error: "), err
    assert says in err, err
    assert "Traceback" not in err


# --- inputs that never end or never open ----------------------------------------------------


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def test_fifo_as_formula_file(fifo):
    one_error(adtrace("forward", f"@{fifo}", "--at", "x=1"), 2,
              "a FIFO (named pipe), not a regular file")


def test_fifo_as_problem_set_and_as_a_problems_formula(fifo, tmp_path):
    one_error(adtrace("key", str(fifo)), 2, "not a regular file")
    (tmp_path / "hw.toml").write_text(f'[[problem]]\nformula = "@{fifo.name}"\nat = "x=1"\n')
    one_error(adtrace("key", "hw.toml", cwd=tmp_path), 2, "not a regular file")


def test_stdin_and_own_descriptors_held_open():
    """@/dev/stdin and @/proc/self/fd/0 with a writer that never closes; fd/1 is stdout."""
    for path in ("/dev/stdin", "/proc/self/fd/0", "/proc/self/fd/1"):
        if not os.path.exists("/proc/self/fd"):
            pytest.skip("no /proc")
        proc = subprocess.Popen([ADTRACE, "forward", f"@{path}", "--at", "x=1"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        try:
            out, err = proc.communicate(timeout=TIMEOUT)  # stdin stays open until then
        finally:
            proc.kill()
        assert proc.returncode == 2, err
        assert err.decode().startswith("Error: ") and b"not a regular file" in err


def test_fifo_as_output_does_not_wait_for_a_reader(fifo):
    one_error(adtrace("graph", *WIKI[:1], "--format", "dot", "-o", str(fifo)), 2,
              "a FIFO (named pipe), not a regular file")
    one_error(adtrace("key", str(ROOT / "samples" / "forward.toml"), "-o", str(fifo)), 2,
              "not a regular file")


# --- a generated fuzz of paths ---------------------------------------------------------------


def _paths(tmp_path: Path) -> dict[str, str]:
    """Paths of every kind that is not a regular file to write or read, each also through a
    symlink and through a detour (``dir/../``)."""
    (tmp_path / "dir").mkdir()
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    kinds = {"fifo": str(tmp_path / "fifo"), "dir": str(tmp_path / "dir"),
             "loop": str(tmp_path / "loop"), "missing-folder": str(tmp_path / "no" / "f.txt"),
             "devnull": "/dev/null", "devzero": "/dev/zero", "stdin": "/dev/stdin",
             "fd0": "/proc/self/fd/0", "fd1": "/proc/self/fd/1", "fd2": "/proc/self/fd/2"}
    paths = {}
    for name, path in kinds.items():
        if not os.path.lexists(path) and name != "missing-folder":
            continue
        paths[name] = path
        link = tmp_path / f"link-{name}"
        link.symlink_to(path)
        paths[f"symlink-{name}"] = str(link)
        paths[f"detour-{name}"] = str(tmp_path / "dir" / ".." / os.path.relpath(path, tmp_path)) \
            if path.startswith(str(tmp_path)) else str(Path("/dev/../") / path.lstrip("/"))
    return paths


def test_fuzz_paths_never_hang_and_are_refused(tmp_path):
    formula = tmp_path / "f.txt"
    formula.write_text("x*y\n")
    for name, path in _paths(tmp_path).items():
        for args in ((["graph", f"@{path}", "--format", "dot"], ["key", path])
                     if not name.endswith("missing-folder") else ()):
            proc = subprocess.Popen([ADTRACE, *args], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                _, err = proc.communicate(timeout=TIMEOUT)
            finally:
                proc.kill()
            assert proc.returncode == 2, (name, args, err)
            assert err.decode().count("\n") == 1, (name, args, err)
        proc = subprocess.Popen([ADTRACE, "graph", f"@{formula}", "--format", "dot", "-o", path],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        try:
            _, err = proc.communicate(timeout=TIMEOUT)
        finally:
            proc.kill()
        assert proc.returncode == 2, (name, "-o", err)
        assert err.decode().startswith("Error: cannot write"), (name, err)
    assert formula.read_text() == "x*y\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


# --- standard output ---------------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_stdout_on_a_full_disk():
    for args in (("forward", *WIKI), ("forward", *WIKI, "--format", "json"),
                 ("graph", *WIKI, "--format", "dot")):
        with open("/dev/full", "wb") as full:
            proc = subprocess.run([ADTRACE, *args], stdout=full, stderr=subprocess.PIPE,
                                  timeout=TIMEOUT, check=False)
        assert proc.returncode == 74, proc.stderr
        assert proc.stderr == b"Error: cannot write the output: No space left on device\n"


def test_stdout_closed():
    for args in (("forward", *WIKI), ("graph", *WIKI, "--format", "png"),
                 ("graph", *WIKI, "--format", "text")):
        proc = subprocess.run([ADTRACE, *args], stderr=subprocess.PIPE, timeout=TIMEOUT,
                              check=False, preexec_fn=lambda: os.close(1))
        assert proc.returncode == 74, proc.stderr
        assert proc.stderr == b"Error: cannot write the output: standard output is closed\n"


def test_a_reader_that_leaves_ends_the_command_quietly(tmp_path):
    """``adtrace ... | head -1``: status 141 (128 + SIGPIPE), as a Unix tool, nothing on stderr."""
    gen = gen_program()
    (tmp_path / "big.txt").write_text(gen.generate(400))
    for fmt in ("table", "json"):
        proc = subprocess.Popen([ADTRACE, "forward", "@big.txt", "--at", gen.point(),
                                 "--no-check", "--format", fmt], cwd=tmp_path,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert proc.stdout.read(10)
            proc.stdout.close()
            err = proc.stderr.read()
            assert proc.wait(timeout=TIMEOUT) == 141, err
        finally:
            proc.kill()
        assert err == b""


# --- encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "ascii"])
def test_a_stream_that_cannot_show_unicode_gets_ascii(encoding, tmp_path):
    env = {"PYTHONIOENCODING": encoding}
    for args in (("forward", *WIKI), ("reverse", *WIKI, "--labels", "h"),
                 ("compare", *WIKI), ("graph", *WIKI, "--mode", "reverse"),
                 ("reverse", *WIKI, "--format", "markdown"),
                 ("key", str(ROOT / "samples" / "homework.toml"))):
        proc = adtrace(*args, env=env)
        assert proc.returncode == 0, (args, proc.stderr)
        assert proc.stdout.isascii(), (args, proc.stdout[:200])
    out = " ".join(adtrace("forward", *WIKI, env=env).stdout.decode().split())
    assert "w1_dot = x1_dot*x2 + x1*x2_dot = 1*3 + 2*0 = 3" in out
    assert "df/dx1 = 2.5839" in out


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "latin-1"}, {"PYTHONIOENCODING": "cp1252"},
                                 {"LANG": "C", "LC_ALL": "C"}])
def test_json_is_utf8_whatever_the_locale(env):
    utf8 = adtrace("forward", *WIKI, "--format", "json")
    proc = adtrace("forward", *WIKI, "--format", "json", env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == utf8.stdout
    steps = json.loads(proc.stdout.decode("utf-8"))["sweeps"][0]["steps"]
    assert "ẇ1 = ẋ1·x2 + x1·ẋ2 = 1·3 + 2·0 = 3" in [step["text"] for step in steps]


def test_a_name_the_stream_cannot_show_is_one_error():
    proc = adtrace("forward", "α*y", "--at", "α=1,y=2", env={"PYTHONIOENCODING": "latin-1"})
    assert proc.returncode == 74
    err = proc.stderr.decode("latin-1")
    assert err.startswith("Error: cannot write the output: standard output's encoding "
                          "(latin-1) cannot show") and err.count("\n") == 1
    assert "-o" in err


def test_files_are_utf8_whatever_the_locale(tmp_path):
    out = tmp_path / "g.txt"
    proc = adtrace("graph", *WIKI, "--mode", "forward", "-o", str(out),
                   env={"PYTHONIOENCODING": "latin-1"})
    assert proc.returncode == 0, proc.stderr
    assert "ẇ1" in out.read_text(encoding="utf-8")


def test_c_locale_keeps_unicode():
    proc = adtrace("forward", *WIKI, env={"LANG": "C", "LC_ALL": "C"})
    assert proc.returncode == 0 and "ẇ1 = ẋ1·x2" in proc.stdout.decode()


# --- signals ---------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@pytest.fixture
def slow_dot(tmp_path):
    """A 'dot' that never finishes, first on PATH: Graphviz's place in a slow layout."""
    folder = tmp_path / "bin"
    folder.mkdir()
    dot = folder / "dot"
    dot.write_text("#!/bin/sh\nexec sleep 120\n")
    dot.chmod(dot.stat().st_mode | stat.S_IXUSR)
    return {"PATH": f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"}


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
@pytest.mark.parametrize("sig, status, line", [
    (signal.SIGTERM, 143, b"Error: terminated\n"),
    (signal.SIGINT, 130, b"Error: aborted\n"),
    (signal.SIGHUP, 129, b"Error: terminated\n"),
])
def test_a_signal_during_graphviz_kills_it_and_ends_in_one_line(slow_dot, tmp_path, sig,
                                                                  status, line):
    out = tmp_path / "g.svg"
    proc = subprocess.Popen([ADTRACE, "graph", *WIKI, "--format", "svg", "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, **slow_dot})
    try:
        deadline = time.monotonic() + TIMEOUT
        while not _children(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        children = _children(proc.pid)
        assert children, "dot did not start"
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=TIMEOUT)
    finally:
        proc.kill()
    assert proc.returncode == status
    assert err == line  # one line, no empty line before it
    time.sleep(0.1)
    assert not any(_alive(pid) for pid in children)
    assert not out.exists() and list(tmp_path.glob(".g.svg.*")) == []


def test_ctrl_c_while_computing_is_one_line(tmp_path):
    """SIGINT in the middle of the work (a large program's trace and check)."""
    gen = gen_program()
    (tmp_path / "big.txt").write_text(gen.generate(20_000))
    proc = subprocess.Popen([ADTRACE, "reverse", "@big.txt", "--at", gen.point(), "--format",
                             "json"], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        time.sleep(1.0)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        proc.kill()
    if proc.returncode == 0:
        pytest.skip("the command finished before the signal")
    assert (proc.returncode, err) == (130, b"Error: aborted\n")

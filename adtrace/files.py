"""Files and streams: the one place a command's input files are read and its output written.

Inputs are regular files only.  A FIFO, a device, a socket, a directory, or a path that
leads to one (``/dev/stdin``, ``/proc/self/fd/0`` on a pipe or a terminal) is refused
before anything waits on it, and a file is read with a bound, so no input can hang.

An output goes to standard output, or to a regular file with ``-o``.  A file is written
whole or not at all: into a temporary file in the same folder, which then replaces the
target in one rename, so a failure, an interruption or a concurrent run never leaves a
truncated file.  An output that is one of the files the command read (the same file by
any path: ``./``, a symlink, a hard link) is refused rather than overwritten.

Writing to standard output either succeeds or ends in one clear error: a full disk or a
closed stream is an :class:`OutputError` (exit status 74), a reader that went away
(``| head``) is :class:`ReaderGone`, which ends the command quietly.
"""

from __future__ import annotations

import errno
import os
import stat
import sys

from .errors import AdtraceError, BindingError, ExitStatus

#: (st_dev, st_ino) of every file read by read_text_file: an output must not be one of them
_INPUTS: dict[tuple[int, int], str] = {}
#: flags that make opening a FIFO or a terminal return at once (where the OS has them)
_NO_WAIT = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


class OutputError(AdtraceError):
    """The output could not be written (a full disk, an I/O error, a closed stream)."""

    status = ExitStatus.OUTPUT


class ReaderGone(Exception):
    """Standard output's reader has closed the pipe (``adtrace ... | head -1``)."""


def forget_inputs() -> None:
    """Start a new command: no file has been read yet."""
    _INPUTS.clear()


def _kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    for test, what in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return what
    return "not a regular file"


def _reason(e: OSError) -> str:
    return (e.strerror or str(e)).lower() if e.errno in (errno.ENOENT, errno.EACCES, errno.EPERM) \
        else (e.strerror or str(e))


def read_text_file(path: str, limit: int, error: type[AdtraceError] = BindingError) -> str:
    """A regular UTF-8 text file, read with a bound; every failure is one ``error`` naming
    the path.

    The file's kind is checked before it is opened and again on the open descriptor
    (opened without waiting, so a FIFO swapped in between cannot block), and one
    character past ``limit`` is read, never more.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except OSError as e:
        raise error(f"{path}: cannot be read ({_reason(e)})") from None
    except ValueError:  # a NUL in the name
        raise error(f"{path}: not a file name") from None
    if not stat.S_ISREG(mode):
        raise error(f"{path}: {_kind(mode)}, not a regular file: only files are read")
    try:
        fd = os.open(path, os.O_RDONLY | _NO_WAIT)
    except OSError as e:
        raise error(f"{path}: cannot be read ({_reason(e)})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise error(f"{path}: {_kind(st.st_mode)}, not a regular file: only files are read")
        with open(fd, encoding="utf-8-sig", closefd=False) as fh:
            text = fh.read(limit + 1)
    except UnicodeDecodeError:
        raise error(f"{path}: not a UTF-8 text file") from None
    except OSError as e:
        raise error(f"{path}: cannot be read ({_reason(e)})") from None
    finally:
        os.close(fd)
    if len(text) > limit:
        raise error(f"{path}: the file is longer than {limit:,} characters, the limit")
    _INPUTS[(st.st_dev, st.st_ino)] = path
    return text


# --- outputs -------------------------------------------------------------------------------


def output_target(path: str) -> str:
    """The file that ``-o path`` writes (symlinks followed), after refusing what must not
    be written: something other than a regular file, one of the command's inputs, a
    folder that does not exist.  Called before the work and again when writing."""
    if not path or path.endswith(("/", os.sep)):
        raise BindingError(f"-o '{path}': give a file name")
    try:
        st: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise BindingError(f"cannot write {path}: {_reason(e)}") from None
    except ValueError:  # a NUL in the name
        raise BindingError(f"cannot write {path}: not a file name") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise BindingError(f"cannot write {path}: it is {_kind(st.st_mode)}, not a regular "
                           "file (-o writes files; redirect standard output instead)")
    target = os.path.realpath(path)
    if st is not None:
        same = _INPUTS.get((st.st_dev, st.st_ino))
        if same is not None:
            also = "" if same == path else f" ({same})"
            raise BindingError(f"cannot write {path}: it is one of the inputs{also}; "
                               "writing it would destroy it")
        try:
            moved = os.stat(target)
        except OSError:
            moved = None
        if moved is None or (moved.st_dev, moved.st_ino) != (st.st_dev, st.st_ino):
            raise BindingError(f"cannot write {path}: it does not lead to one file")
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise BindingError(f"cannot write {path}: no such folder")
    return target


def write_output(path: str, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to the file ``path`` in one step: a temporary file in
    the same folder, then a rename over the target; on any failure the target is as it was."""
    import tempfile  # (with shutil and the compressors: only when a file is written)

    target = output_target(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    folder, name = os.path.split(target)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise _write_error(path, e) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.chmod(tmp, mode)
        except PermissionError:  # a file someone else owns: it becomes ours, as any new file
            pass
        os.replace(tmp, target)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise _write_error(path, e) from None
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_error(path: str, e: OSError) -> AdtraceError:
    """A path that cannot be written is bad input (2); a full disk or an I/O error is an
    output error (74)."""
    if e.errno in (errno.ENOSPC, errno.EIO, getattr(errno, "EDQUOT", -1), errno.EFBIG):
        return OutputError(f"cannot write {path}: {e.strerror or e}")
    return BindingError(f"cannot write {path}: {_reason(e)}")


# --- standard output -----------------------------------------------------------------------


def write(data: str | bytes, output: str | None, *, utf8: bool = False) -> None:
    """A command's output: to the file ``output`` (text as UTF-8) or, when None, to standard
    output (``utf8``: as UTF-8 bytes, whatever the stream's encoding).  Text ends with one
    line break."""
    if isinstance(data, str) and not data.endswith("\n"):
        data += "\n"
    if output is None:
        write_stdout(data, utf8=utf8)
    else:
        write_output(output, data)


def stdout_encodes(text: str) -> bool:
    """Whether standard output's encoding can write ``text`` (a closed stream can: it is
    refused when written)."""
    out = sys.stdout
    if out is None:
        return True
    try:
        text.encode(getattr(out, "encoding", None) or "utf-8")
    except (UnicodeError, LookupError):
        return False
    return True


def stdout_is_terminal() -> bool:
    out = sys.stdout
    try:
        return out is not None and out.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def terminal_style() -> tuple[bool, int]:
    """(colour?, width) for standard output: colour only on a terminal, and never with
    NO_COLOR or TERM=dumb."""
    tty = stdout_is_terminal()
    color = tty and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    width = 80
    if tty:
        try:
            width = max(60, os.get_terminal_size(sys.stdout.fileno()).columns)
        except (OSError, ValueError, AttributeError):
            width = 80
    return color, width


def write_stdout(data: str | bytes, *, utf8: bool = False) -> None:
    """Write ``data`` to standard output and flush it: text in the stream's encoding (or
    as UTF-8 bytes with ``utf8``), bytes as they are.  Every byte is written or the
    failure is raised: a pipe whose reader left takes part of a write and then refuses
    the rest, which a single buffered write would not report."""
    out = sys.stdout
    if out is None:
        raise OutputError("cannot write the output: standard output is closed")
    try:
        buffer = getattr(out, "buffer", None)
        if buffer is None:  # a text stream only (an embedding's, a test's)
            if isinstance(data, bytes):
                raise OutputError("cannot write the output: standard output takes no bytes")
            out.write(data)
            out.flush()
            return
        if isinstance(data, str):
            if utf8:
                data = data.encode("utf-8")
            else:
                if os.linesep != "\n":
                    data = data.replace("\n", os.linesep)
                data = data.encode(out.encoding or "utf-8", out.errors or "strict")
        out.flush()
        view = memoryview(data)
        while view:
            view = view[buffer.write(view) or 0:]
        buffer.flush()
    except UnicodeEncodeError as e:
        bad = e.object[e.start]
        raise OutputError(f"cannot write the output: standard output's encoding "
                          f"({e.encoding}) cannot show {bad!r} (U+{ord(bad):04X}); write it to "
                          "a file with -o (always UTF-8) or set PYTHONIOENCODING=utf-8") from None
    except BrokenPipeError:
        _silence_stdout()
        raise ReaderGone from None
    except ValueError:  # a file object closed under us
        raise OutputError("cannot write the output: standard output is closed") from None
    except OSError as e:
        _silence_stdout()
        if e.errno == errno.EBADF:
            raise OutputError("cannot write the output: standard output is closed") from None
        raise OutputError(f"cannot write the output: {e.strerror or e}") from None


def _silence_stdout() -> None:
    """Point standard output at the null device, so that the interpreter's last flush of
    what could not be written fails no more (it would print a second error)."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, AttributeError, ValueError):
        pass

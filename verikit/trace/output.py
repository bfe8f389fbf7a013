"""Output files that are never half-written and never silently replaced.

    refuse_existing(path, force)           # up front: a usage error before any work is done
    write_output(path, data, force)        # at the end: all of `data` under `path`, or nothing

Every file verikit writes (a `--trace-out` trace, a `--diagram`, `render -o`, `graph -o`) is
written to a temporary file in the same directory, flushed to disk, and only then given its
name, so a full disk or a crash never leaves a truncated file behind. Without `force` the
naming step is exclusive: a hard link, which fails when the name exists, so a file that
appeared while verikit ran (another run writing the same path) is never replaced. With
`force` the name is replaced in one step (`os.replace`). A symbolic link at the name counts as
an existing file, dangling or not: it is refused without `force`, and with `force` the link
itself is replaced, never the file it points to.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

# Where hard links are not supported (some network and FAT file systems), the name is
# reserved with an exclusive create and the complete file renamed over it.
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK}


class OutputProblem(Exception):
    """An output that was not written (its message says why); nothing is left behind."""


class OutputExists(OutputProblem):
    """The output's name is taken (by a file, a directory or a symbolic link)."""

    def __init__(self, path: Path, appeared: bool = False) -> None:
        self.path = path
        if path.is_dir() and not path.is_symlink():
            message = f"{path} is a directory"
        else:
            when = " (it appeared while verikit ran)" if appeared else ""
            message = f"{path} already exists{when}; pass --force to overwrite it"
        super().__init__(message)


class OutputError(OutputProblem):
    """The output could not be written; nothing was left under its name."""

    def __init__(self, path: Path, error: OSError) -> None:
        self.path = path
        super().__init__(f"{path}: cannot write: {error.strerror or error}")


def taken(path: Path) -> bool:
    """Is the name in use? A dangling symbolic link counts: it is not followed."""
    return os.path.lexists(path)


def refuse_existing(path: Path, force: bool) -> None:
    """Raise OutputExists for a name in use (without `force`), or for a directory (always)."""
    if (taken(path) and not force) or (path.is_dir() and not path.is_symlink()):
        raise OutputExists(path)


def write_output(path: Path, data: bytes, force: bool = False) -> None:
    """Write `data` to `path` completely or not at all (see the module docstring).
    OutputExists when the name is taken and not `force`; OutputError when writing failed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = _write_temporary(path, data)
    except OSError as error:
        raise OutputError(path, error) from None
    try:
        _name(temporary, path, force)
    except (FileExistsError, IsADirectoryError):
        raise OutputExists(path, appeared=True) from None
    except OSError as error:
        raise OutputError(path, error) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _write_temporary(path: Path, data: bytes) -> str:
    """A complete, flushed copy of `data` beside `path`, with the permissions a new file gets."""
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return temporary


def _name(temporary: str, path: Path, force: bool) -> None:
    """Give the complete file its name: replacing with `force`, else only a free name."""
    if force:
        if path.is_dir() and not path.is_symlink():
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
        os.replace(temporary, path)
        return
    try:
        os.link(temporary, path, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in _NO_LINKS:
            raise
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))  # reserve it
        os.replace(temporary, path)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask

"""The one safe writer: every file govern writes goes through here, atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from govern.errors import UsageError


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; new files get 0666 less the umask (like open())."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: str | os.PathLike[str], text: str | bytes, *, overwrite: bool = True) -> None:
    """Write `text` (bytes: UTF-8 text) to `path` via a temp file in the same directory and an
    atomic rename.

    A failure leaves the previous file (or no file) in place, never a half-written one.
    """
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{target}: is a directory; give a file name for the output")
    if target.exists() and not overwrite:
        raise UsageError(f"{target}: already exists; refusing to overwrite (use --force)")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"{target}: directory {parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    try:
        os.fchmod(fd, _mode_for(target))
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as binary:
                binary.write(text)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise

"""Writing a generated package: render into a temp dir beside the target, then rename into place."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from govern.errors import UsageError
from govern.write import write_atomic


def write_tree(out: str, files: dict[str, str], *, force: bool = False) -> None:
    """Write `files` ({relative path: text}) as the directory `out`, all or nothing.

    `out` must not exist, be empty, or (with `force`) is replaced whole. The files are written
    into a temp directory in `out`'s parent, which is then renamed to `out`; a failure leaves
    whatever was there before untouched.
    """
    target = Path(out)
    parent = target.parent if str(target.parent) else Path(".")
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target}: exists and is not a directory")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise UsageError(f"{target}: directory is not empty; refusing to overwrite (use --force)")
    if not parent.is_dir():
        raise UsageError(f"{target}: parent directory {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"{target}: cannot write in {parent} (permission denied)")
    try:
        staging = tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise UsageError(f"{target}: cannot write in {parent} ({exc.strerror})") from None
    try:
        for rel in sorted(files):
            path = Path(staging, *rel.split("/"))
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, files[rel])
        os.chmod(staging, _dir_mode())
        _swap(Path(staging), target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise UsageError(f"{target}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, target: Path) -> None:
    """Move `staging` to `target`; an existing `target` is moved aside first and removed after."""
    if not target.exists():
        os.rename(staging, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    os.rmdir(old)
    os.rename(target, old)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _dir_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask

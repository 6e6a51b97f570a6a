"""Stage rendered files in a temporary folder, validate them, then move them into place.

The temporary folder sits next to the output (same file system), so the final step is a rename:
a new output folder appears in one `os.rename`; files added to an existing folder are moved one
by one, and a failure part-way moves back what was already moved (replaced files included).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from govern.errors import InputError, UsageError


@dataclass
class Staged:
    """Rendered files written under `root` (a temporary folder), bound for `output`."""

    root: Path
    output: Path
    files: list[str]  # relative paths, in listing order
    existing: list[str] = field(default_factory=list)  # those already present in `output`

    def target(self, rel: str) -> Path:
        return self.output / rel


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _nearest_existing(path: Path) -> Path:
    here = path
    while not here.exists():
        if here.parent == here:
            break
        here = here.parent
    return here


def check_output(output: Path) -> None:
    """The output must be a folder (or not exist yet); nothing on its way may be a file."""
    if output.exists() and not output.is_dir():
        raise UsageError(f"{output}: exists and is not a directory; choose another --output")
    base = _nearest_existing(output)
    if not base.is_dir():
        raise UsageError(f"{base}: is not a directory; choose another --output")
    if not os.access(base, os.W_OK):
        raise UsageError(f"{base}: not writable")


def stage(files: dict[str, str], output: Path) -> Staged:
    """Write `files` into a new temporary folder beside `output`."""
    from govern.write import write_atomic

    check_output(output)
    base = output if output.is_dir() else _nearest_existing(output.parent)
    root = Path(tempfile.mkdtemp(prefix=f".{output.name or 'scaffold'}.govern-", dir=base))
    try:
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text, overwrite=False)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    staged = Staged(root=root, output=output, files=list(files))
    staged.existing = [rel for rel in staged.files if os.path.lexists(staged.target(rel))]
    return staged


def discard(staged: Staged) -> None:
    shutil.rmtree(staged.root, ignore_errors=True)


def validate(staged: Staged, contracts: list[str]) -> None:
    """Load every contract strictly (OpenAPI, AsyncAPI schemas, protoc); a problem is an InputError
    naming the file where it would have been written."""
    from govern.load import load_contract

    for rel in contracts:
        try:
            load_contract(str(staged.root / rel), mode="strict", ref_root=str(staged.root))
        except InputError as exc:
            where = exc.file or rel
            shown = str(staged.output / os.path.relpath(where, staged.root)) if os.path.isabs(where) else where
            raise InputError(
                shown,
                f"the generated contract is not valid ({exc.msg}); nothing was written. "
                "This is a bug in govern's templates: please report it",
                line=exc.line,
                col=exc.col,
            ) from None


def refuse_conflicts(staged: Staged, force: bool) -> None:
    for rel in staged.existing:
        if os.path.isdir(staged.target(rel)) or os.path.islink(staged.target(rel)):
            raise UsageError(f"{staged.target(rel)}: exists and is not a regular file; not replacing it")
    if staged.existing and not force:
        first = staged.target(staged.existing[0])
        more = len(staged.existing) - 1
        tail = f" (and {more} more file{'s' if more != 1 else ''})" if more else ""
        raise UsageError(f"{first}: already exists{tail}; refusing to overwrite (use --force)")
    for rel in staged.files:
        for parent in Path(rel).parents:
            if str(parent) != "." and staged.target(str(parent)).exists() and not staged.target(str(parent)).is_dir():
                raise UsageError(f"{staged.target(str(parent))}: exists and is not a directory")


def commit(staged: Staged) -> None:
    """Move the staged files into place; on failure, undo every step and re-raise."""
    output = staged.output
    if not output.exists():
        parents = _make_parents(output.parent)
        try:
            os.chmod(staged.root, 0o777 & ~_umask())
            os.rename(staged.root, output)
        except BaseException:
            _remove_dirs(parents)
            raise
        return
    backup = staged.root / ".replaced"
    moved: list[tuple[Path, Path | None]] = []  # (target, backup of what it replaced)
    made: list[Path] = []
    try:
        for rel in staged.files:
            target = staged.target(rel)
            made += _make_parents(target.parent)
            saved: Path | None = None
            if os.path.lexists(target):
                saved = backup / rel
                saved.parent.mkdir(parents=True, exist_ok=True)
                mode = target.stat().st_mode & 0o7777
                os.replace(target, saved)
                os.chmod(staged.root / rel, mode)
            try:
                os.replace(staged.root / rel, target)
            except BaseException:
                if saved is not None:
                    os.replace(saved, target)
                raise
            moved.append((target, saved))
    except BaseException:
        for target, saved in reversed(moved):
            try:
                if saved is not None:
                    os.replace(saved, target)
                else:
                    os.unlink(target)
            except OSError:
                pass
        _remove_dirs(made)
        raise
    finally:
        shutil.rmtree(staged.root, ignore_errors=True)


def _make_parents(folder: Path) -> list[Path]:
    """mkdir -p, returning the folders it created (outermost first)."""
    missing: list[Path] = []
    here = folder
    while not here.exists():
        missing.append(here)
        here = here.parent
    for path in reversed(missing):
        path.mkdir()
    return list(reversed(missing))


def _remove_dirs(made: list[Path]) -> None:
    for path in reversed(made):
        try:
            path.rmdir()
        except OSError:
            pass

"""Read contracts from git revisions (`REF:path`) with real git, never touching the work tree.

subprocess, tarfile, tempfile, shutil and pathlib are imported where git is really run: a diff of
two local paths asks `parse_spec` and never needs them (they cost a few ms of every start).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from govern.errors import InputError

if TYPE_CHECKING:
    import subprocess


class NotAtRevision(InputError):
    """The path does not exist at the revision (a new contract, or a deleted one)."""


@dataclass(frozen=True)
class GitSpec:
    """One side of a diff given as `REF:path`; `path` is relative to the repository root."""

    ref: str
    path: str
    display: str


def _git(args: list[str], cwd: str) -> subprocess.CompletedProcess[bytes]:
    import subprocess

    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=300)
    except FileNotFoundError:
        raise InputError(None, "git is not installed; it is needed to read REF:path inputs") from None


def repo_root(cwd: str = ".") -> str:
    """The top directory of the git work tree that contains `cwd`."""
    proc = _git(["rev-parse", "--show-toplevel"], cwd)
    if proc.returncode != 0:
        raise InputError(os.path.abspath(cwd), "not inside a git repository (needed for REF:path and --base)")
    return proc.stdout.decode().strip()


def parse_spec(arg: str, cwd: str = ".") -> GitSpec | None:
    """`REF:path` -> GitSpec; a plain path (existing, or without ':') -> None."""
    if os.path.exists(arg) or ":" not in arg:
        return None
    ref, _, path = arg.partition(":")
    if not ref or not path:
        return None
    root = repo_root(cwd)
    # A path given relative to the current directory is made relative to the repo root.
    rel = os.path.relpath(os.path.abspath(os.path.join(cwd, path)), root)
    from pathlib import Path, PurePosixPath

    if rel.startswith(".."):
        raise InputError(arg, f"path {path!r} is outside the git repository at {root}")
    return GitSpec(ref=ref, path=PurePosixPath(Path(rel)).as_posix(), display=arg)


def resolve_ref(ref: str, root: str) -> str:
    """Full commit id of `ref`; a clear error for unknown refs and shallow clones."""
    proc = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
    if proc.returncode == 0:
        return proc.stdout.decode().strip()
    shallow = _git(["rev-parse", "--is-shallow-repository"], root).stdout.decode().strip() == "true"
    hint = (
        "; this is a shallow clone, fetch the base history (e.g. actions/checkout with fetch-depth: 0)"
        if shallow
        else ""
    )
    raise InputError(None, f"unknown git revision {ref!r}{hint}")


def path_exists_at(commit: str, path: str, root: str) -> bool:
    proc = _git(["cat-file", "-e", f"{commit}:{path}"], root)
    return proc.returncode == 0


def history(path: str, root: str, *, until: str = "HEAD") -> list[str]:
    """Commits that changed `path` (oldest first), following renames."""
    proc = _git(["log", "--format=%H", "--follow", until, "--", path], root)
    if proc.returncode != 0:
        raise InputError(path, f"git log failed: {proc.stderr.decode().strip()}")
    return list(reversed(proc.stdout.decode().split()))


@contextmanager
def checkout_path(spec: GitSpec, *, scope: str | None = None, cwd: str = ".") -> Iterator[str]:
    """Extract what `spec` needs at its revision into a temp dir and yield the local path.

    `scope` is the directory (relative to the repo root) to extract so relative `$ref`s and
    proto imports resolve; by default the first path component (e.g. `contracts/`).
    The work tree and index are never touched (`git archive` streams from the object store).
    """
    root = repo_root(cwd)
    commit = resolve_ref(spec.ref, root)
    if not path_exists_at(commit, spec.path, root):
        raise NotAtRevision(spec.display, f"does not exist at {spec.ref}")
    from pathlib import PurePosixPath

    parts = PurePosixPath(spec.path).parts
    if scope is None:
        scope = parts[0] if len(parts) > 1 else "."
    with extract(commit, [scope], root) as tmp:
        if tmp is None:
            raise InputError(spec.display, f"git archive of {scope} at {spec.ref} failed")
        yield os.path.join(tmp, *parts)


def git_lines(args: list[str], cwd: str) -> list[str]:
    """Non-empty output lines of a git command; a failure is an InputError."""
    proc = _git(args, cwd)
    if proc.returncode != 0:
        raise InputError(None, f"git {' '.join(args[:2])} failed: {' '.join(proc.stderr.decode().split())}")
    return [line for line in proc.stdout.decode().splitlines() if line]


@contextmanager
def extract(commit: str, paths: list[str], root: str) -> Iterator[str | None]:
    """`git archive` of `paths` (repo-relative) at `commit` into a temp dir, removed afterwards.

    Yields None when git cannot archive them (e.g. a path that does not exist at `commit`).
    """
    import io
    import shutil
    import tarfile
    import tempfile

    proc = _git(["archive", "--format=tar", commit, "--", *paths], root)
    if proc.returncode != 0:
        yield None
        return
    tmp = tempfile.mkdtemp(prefix="govern-git-")
    try:
        with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

"""Earlier revisions of a contract from git history, for the *_TRANSITIVE modes."""

from __future__ import annotations

import os
from contextlib import ExitStack
from typing import TYPE_CHECKING

from govern.errors import InputError

if TYPE_CHECKING:
    from govern.diff.run import DiffOptions
    from govern.load.model import Contract


def load_history(base_arg: str, base: "Contract", stack: ExitStack, options: "DiffOptions") -> list["Contract"]:
    """Every committed revision of the base file before the base itself, oldest first.

    The base is a path in a git work tree or `REF:path`; history is `git log --follow` of that
    path up to the ref (HEAD for a plain path).
    """
    from govern.diff.run import load_side
    from govern.load.git import GitSpec, history, parse_spec, repo_root

    spec = parse_spec(base_arg)
    if spec is None:
        if not os.path.exists(base_arg):
            raise InputError(base_arg, "no such file or directory")
        root = repo_root(os.path.dirname(os.path.abspath(base_arg)) or ".")
        rel = os.path.relpath(os.path.abspath(base_arg), root)
        spec = GitSpec("HEAD", rel.replace(os.sep, "/"), base_arg)
    else:
        root = repo_root(".")
    commits = history(spec.path, root, until=spec.ref)
    earlier: list["Contract"] = []
    cwd_relative = os.path.relpath(os.path.join(root, spec.path))
    for commit in commits:
        earlier.append(load_side(f"{commit}:{cwd_relative}", stack, options))
    return earlier

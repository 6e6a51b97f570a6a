"""`govern check`: every contract in a repository, linted and diffed against a git base."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from govern.config import Config
from govern.diff.run import DiffOptions
from govern.errors import InputError
from govern.load.git import git_lines
from govern.rules.finding import Finding, Level, Location
from govern.rules.registry import declare

KIND = "check"

CONTRACT_ADDED = declare(
    "contract-added",
    level=Level.INFO,
    kind=KIND,
    area="repository",
    description="A contract exists in the working tree that did not exist at the base revision.",
    why="New contracts cannot break existing clients; they are listed for the changelog.",
)
CONTRACT_REMOVED = declare(
    "contract-removed",
    level=Level.ERR,
    kind=KIND,
    area="repository",
    description="A contract that existed at the base revision is gone from the working tree.",
    why="Every client of the removed API, service or event stream breaks.",
)


@dataclass
class Plan:
    """What one check run will do."""

    contracts: list[str]
    changed: set[str] = field(default_factory=set)
    base: str | None = None
    removed: list[str] = field(default_factory=list)


@dataclass
class CheckResult:
    findings: list[Finding]
    contracts: list[str]
    diffed: list[str]
    added: list[str]
    removed: list[str]
    waived: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class BaseTree:
    """The base revision's copy of the scanned folders, extracted once per run (None: none of
    them existed at the base). Workers read old contracts from here instead of running git."""

    ref: str
    root: str  # the repository root
    tmp: str | None

    def old_path(self, contract: str) -> str | None:
        if self.tmp is None:
            return None
        rel = os.path.relpath(os.path.abspath(contract), self.root)
        path = os.path.join(self.tmp, rel)
        return path if os.path.exists(path) else None


def _scope_of(contract: str) -> str:
    """The directory whose files make up a contract (its folder, or the proto import root)."""
    return contract if os.path.isdir(contract) else os.path.dirname(contract) or "."


def changed_files(base_commit: str, paths: list[str], root: str) -> set[str]:
    """Absolute paths of files that differ between `base_commit` and the working tree (incl. new files)."""
    rel = [os.path.relpath(os.path.abspath(p), root) for p in paths]
    names = git_lines(["diff", "--name-only", "--no-renames", base_commit, "--", *rel], root)
    names += git_lines(["ls-files", "--others", "--exclude-standard", "--", *rel], root)
    return {os.path.join(root, n) for n in names}


def plan(paths: list[str], base: str | None, limits_files: int = 20_000) -> Plan:
    from govern.load import discover
    from govern.load.model import Limits

    limits = Limits(max_files=limits_files)
    contracts: list[str] = []
    for path in paths:
        if not os.path.exists(path):
            raise InputError(path, "no such file or directory")
        contracts += discover(path, limits) if os.path.isdir(path) else [path]
    contracts = sorted(dict.fromkeys(os.path.normpath(c) for c in contracts))
    result = Plan(contracts)
    if base is None:
        return result
    from govern.load.git import repo_root, resolve_ref

    root = repo_root(".")
    for path in paths:
        if os.path.relpath(os.path.abspath(path), root).startswith(".."):
            raise InputError(path, f"is outside the git repository at {root}")
    commit = resolve_ref(base, root)
    result.base = base
    changed = changed_files(commit, paths, root)
    for contract in contracts:
        scope = os.path.abspath(_scope_of(contract))
        if any(c == scope or c.startswith(scope + os.sep) for c in changed):
            result.changed.add(contract)
    result.removed = _removed_contracts(commit, paths, contracts, root, limits)
    return result


def _removed_contracts(commit: str, paths: list[str], current: list[str], root: str, limits: object) -> list[str]:
    """Contracts discovered in the base revision's copy of `paths` that no longer exist."""
    from govern.load import discover
    from govern.load.git import extract

    rel = [os.path.relpath(os.path.abspath(p), root) for p in paths if os.path.isdir(p)]
    if not rel:
        return []
    with extract(commit, rel, root) as tmp:
        if tmp is None:  # the paths may be new since the base: nothing can have been removed
            return []
        now = {os.path.relpath(os.path.abspath(c), root) for c in current}
        removed = []
        for r in rel:
            if not os.path.isdir(os.path.join(tmp, r)):
                continue
            for found in discover(os.path.join(tmp, r), limits):  # type: ignore[arg-type]
                relative = os.path.relpath(found, tmp)
                if relative not in now:
                    removed.append(relative)
        return sorted(removed)


def check_one(
    contract: str,
    base: str | None,
    changed: bool,
    options: DiffOptions,
    config: "Config | None" = None,
    tree: BaseTree | None = None,
) -> tuple[list[Finding], str, list[Any]]:
    """Lint one contract and, if it changed since `base`, diff it (reading the base version
    from `tree` when given, else with git).

    Returns findings (after the config's policy), a status and the waived (finding, waiver) pairs.
    """
    from govern.diff.run import diff_contracts, load_side, options_for
    from govern.lint import DEFAULT_RULESET, lint_contract
    from govern.load import load_contract
    from govern.load.git import NotAtRevision
    from govern.rules.engine import apply_policy

    cfg = config or Config()
    # The command's flags, then the contract's settings in the config (check has no --mode or
    # --strictness: those come from the config only).
    options, settings = options_for(
        cfg, contract, mode=options.mode, strictness=None, category=options.category,
        import_paths=options.import_paths, limits=options.limits,
    )
    current = load_contract(contract, mode="collect", limits=options.limits, import_paths=options.import_paths or None)
    linted = apply_policy(lint_contract(current, ruleset=cfg.ruleset or DEFAULT_RULESET, overrides=cfg.rules), cfg)
    findings, waived = linted.findings, linted.waived
    if base is None or not changed:
        return findings, "linted", waived
    if current.problems:
        return findings, "invalid", waived  # lint findings already say why; a diff needs a valid contract
    with ExitStack() as stack:
        try:
            if tree is not None:
                old = _load_old(contract, tree, options)
            else:
                old = load_side(f"{base}:{contract}", stack, options)
        except NotAtRevision:
            loc = Location(contract, None, None, None)
            findings.append(Finding(CONTRACT_ADDED.id, CONTRACT_ADDED.level, f"new contract (not present at {base})", loc, KIND))
            return findings, "added", waived
        diffed = apply_policy(diff_contracts(old, current, options), cfg, settings=settings, base=old, revision=current)
    return findings + diffed.findings, "diffed", waived + diffed.waived


def _load_old(contract: str, tree: BaseTree, options: DiffOptions) -> Any:
    """The base version of `contract` from the pre-extracted tree (NotAtRevision when absent)."""
    from govern.diff.run import load_checked_out
    from govern.load.git import NotAtRevision

    path = tree.old_path(contract)
    if path is None or tree.tmp is None:
        raise NotAtRevision(f"{tree.ref}:{contract}", f"does not exist at {tree.ref}")
    return load_checked_out(path, tree.tmp, tree.ref, tree.root, options)


def run_check(
    paths: list[str], base: str | None, options: DiffOptions, jobs: int, config: "Config | None" = None
) -> CheckResult:
    from govern.rules.engine import apply_policy, expired_waivers

    work = plan(paths, base)
    findings: list[Finding] = []
    waived: list[Any] = []
    diffed: list[str] = []
    added: list[str] = []
    with ExitStack() as stack:
        tree = _extract_base(work, options, stack) if base is not None and work.changed else None
        tasks = [(c, base, c in work.changed, options, config, tree) for c in work.contracts]
        if jobs > 1 and len(tasks) > 1:
            with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
                results = list(pool.map(_check_task, tasks))
        else:
            results = [_check_task(t) for t in tasks]
    for (contract, *_), (found, status, skipped) in zip(tasks, results):
        findings += found
        waived += skipped
        if status == "diffed":
            diffed.append(contract)
        elif status == "added":
            added.append(contract)
    gone_findings = []
    for gone in work.removed:
        loc = Location(f"{base}:{gone}", None, None, None)
        gone_findings.append(Finding(CONTRACT_REMOVED.id, CONTRACT_REMOVED.level, f"contract {gone} was removed", loc, KIND))
    cfg = config or Config()
    gone_policy = apply_policy(gone_findings, cfg)
    findings += gone_policy.findings + expired_waivers(cfg)
    waived += gone_policy.waived
    return CheckResult(findings, work.contracts, diffed, added, work.removed, waived)


def _extract_base(work: Plan, options: DiffOptions, stack: ExitStack) -> BaseTree:
    """Extract, once, the top folders of the changed contracts at the base commit.

    Relative `$ref`s and proto imports may reach anywhere under a contract's top folder (the
    same scope `REF:path` uses); with --proto-path the whole tree is extracted."""
    from govern.load.git import extract, path_exists_at, repo_root, resolve_ref

    assert work.base is not None
    root = repo_root(".")
    commit = resolve_ref(work.base, root)
    scopes: set[str] = set()
    for contract in work.changed:
        parts = os.path.relpath(os.path.abspath(contract), root).split(os.sep)
        scopes.add(parts[0] if len(parts) > 1 and not options.import_paths else ".")
    present = sorted(s for s in scopes if s == "." or path_exists_at(commit, s, root))
    tmp = stack.enter_context(extract(commit, present, root)) if present else None
    return BaseTree(work.base, root, tmp)


def _check_task(
    task: tuple[str, str | None, bool, DiffOptions, "Config | None", BaseTree | None]
) -> tuple[list[Finding], str, list[Any]]:
    return check_one(*task)

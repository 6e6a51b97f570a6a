"""Lint: validity (specification conformance) and governance rules, on one registry (kind "lint").

Validity findings come from the loaders' Problems and are reported in every ruleset. Governance
rules (house style and hygiene: `openapi_rules`, `schema_rules`, `proto_rules`,
`asyncapi_rules`) run on a contract only when it has no ERR-level validity problem: rules are
written against the specification's structure, and on a document that breaks it their findings
would mostly be echoes of the same mistake. Which governance rules run, and at what level, is
chosen by a ruleset (`rulesets.py`) and per-rule overrides.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from govern.errors import InputError, UsageError
from govern.load.model import Contract, Limits, Problem
from govern.rules.finding import Finding, Level
from govern.rules.registry import REGISTRY

KIND = "lint"
DEFAULT_RULESET = "recommended"

Override = Level | str | None
Levels = dict[str, Level | None]


def problem_to_finding(problem: Problem) -> Finding:
    """Turn a loader Problem into a Finding, taking level and kind from the registry."""
    rule = REGISTRY.get(KIND, problem.rule_id)
    return Finding(rule.id, rule.level, problem.message, problem.location, kind=KIND)


def rule_levels(ruleset: str = DEFAULT_RULESET, overrides: Mapping[str, Override] | None = None) -> Levels:
    """Governance rule id -> level (None: off) for a ruleset with per-rule overrides applied.

    An override with a level also turns on a rule the ruleset leaves out; `None` or "none"
    turns a rule off. Overrides naming rules of other kinds are ignored here.
    """
    from govern.lint import rulesets

    levels: Levels = dict(rulesets.resolve(ruleset))
    for rule_id, level in _overrides(overrides).items():
        levels[rule_id] = level
    return levels


def _overrides(overrides: Mapping[str, Override] | None) -> Levels:
    out: Levels = {}
    for rule_id, value in (overrides or {}).items():
        if value is None or (isinstance(value, str) and value.strip().lower() in ("none", "off")):
            out[rule_id] = None
        elif isinstance(value, Level):
            out[rule_id] = value
        else:
            try:
                out[rule_id] = Level.parse(str(value))
            except ValueError as exc:
                raise UsageError(f"rule {rule_id!r}: {exc}") from None
    return out


def _view(contract: Contract) -> Any:
    if contract.kind == "openapi":
        from govern.lint.openapi_rules import OpenAPIView

        return OpenAPIView(contract)
    if contract.kind == "asyncapi":
        from govern.lint.asyncapi_rules import AsyncAPIView

        return AsyncAPIView(contract)
    if contract.kind == "proto":
        from govern.lint.proto_rules import ProtoView

        return ProtoView(contract)
    return None


def lint_contract(
    contract: Contract,
    *,
    ruleset: str = DEFAULT_RULESET,
    overrides: Mapping[str, Override] | None = None,
    levels: Levels | None = None,
) -> list[Finding]:
    """Findings for one loaded contract: its validity problems, then (when it is valid enough)
    the governance rules the ruleset selects. `levels` (from `rule_levels`) saves recomputing
    the selection for every contract of a run."""
    if levels is None:
        levels = rule_levels(ruleset, overrides)
    validity = _overrides(overrides)
    findings: list[Finding] = []
    for problem in contract.problems:
        f = problem_to_finding(problem)
        level = validity.get(f.id, f.level)
        if level is not None:
            findings.append(Finding(f.id, level, f.message, f.location, kind=KIND))
    if any(problem_to_finding(p).level >= Level.ERR for p in contract.problems):
        return findings
    findings.extend(_governance(contract, levels))
    return findings


def _governance(contract: Contract, levels: Levels) -> list[Finding]:
    from govern.lint.base import CHECKS

    REGISTRY.load(KIND)
    checks = [(rid, fn) for rid, fn in CHECKS.get(contract.kind, []) if levels.get(rid) is not None]
    if not checks:
        return []
    view = _view(contract)
    out: list[Finding] = []
    for rule_id, check in checks:
        level = levels[rule_id]
        assert level is not None
        for hit in check(view):
            out.append(Finding(rule_id, level, hit.message, hit.location, kind=KIND))
    return out


def lint_paths(
    paths: list[str],
    *,
    limits: Limits,
    import_paths: list[str] | None = None,
    ruleset: str = DEFAULT_RULESET,
    overrides: Mapping[str, Override] | None = None,
) -> tuple[list[Finding], list[str]]:
    """Lint every contract reachable from `paths`; return findings and the contracts examined.

    `ruleset` is `minimal`, `recommended` (default) or `strict` (UsageError otherwise);
    `overrides` maps rule ids to a level or None (off)."""
    from govern.load import discover, load_contract

    levels = rule_levels(ruleset, overrides)  # refuse a bad ruleset before reading anything
    targets: list[str] = []
    for path in paths:
        if not os.path.exists(path):
            raise InputError(path, "no such file or directory")
        if os.path.isdir(path):
            found = discover(path)
            if not found:
                raise InputError(path, "no contracts found (looked for OpenAPI, AsyncAPI, JSON Schema and .proto files)")
            targets.extend(found)
        else:
            targets.append(path)
    findings: list[Finding] = []
    for target in dict.fromkeys(targets):
        contract = load_contract(target, mode="collect", limits=limits, import_paths=import_paths)
        findings.extend(lint_contract(contract, overrides=overrides, levels=levels))
    return findings, list(dict.fromkeys(targets))

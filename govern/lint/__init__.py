"""Lint: validity (specification conformance) now, governance rules on the same registry later."""

from __future__ import annotations

import os

from govern.errors import InputError
from govern.load.model import Contract, Limits, Problem
from govern.rules.finding import Finding
from govern.rules.registry import REGISTRY

KIND = "lint"


def problem_to_finding(problem: Problem) -> Finding:
    """Turn a loader Problem into a Finding, taking level and kind from the registry."""
    rule = REGISTRY.get(KIND, problem.rule_id)
    return Finding(rule.id, rule.level, problem.message, problem.location, kind=KIND)


def lint_contract(contract: Contract) -> list[Finding]:
    """Findings for one loaded contract."""
    return [problem_to_finding(p) for p in contract.problems]


def lint_paths(
    paths: list[str], *, limits: Limits, import_paths: list[str] | None = None
) -> tuple[list[Finding], list[str]]:
    """Lint every contract reachable from `paths`; return findings and the contracts examined."""
    from govern.load import discover, load_contract

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
        findings.extend(lint_contract(contract))
    return findings, list(dict.fromkeys(targets))

"""Lint rule cases: tests/cases/lint/<rule-id>/contract.* with the exact expected findings.

A case runs under the default ruleset unless its folder holds `options.json`
(`{"ruleset": "strict"}`), for rules that only some rulesets turn on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govern.lint import lint_paths
from govern.load.model import Limits
from govern.rules.registry import REGISTRY

from tests.conftest import CASES

LINT_CASES = sorted(p for p in (CASES / "lint").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", LINT_CASES, ids=lambda p: p.name)
def test_lint_case(case: Path) -> None:
    contract = next(p for p in case.iterdir() if p.name.startswith("contract."))
    expected = json.loads((case / "expected.json").read_text())
    options_file = case / "options.json"
    options = json.loads(options_file.read_text()) if options_file.exists() else {}
    findings, inputs = lint_paths([str(contract)], limits=Limits(), **options)
    assert inputs == [str(contract)]
    got = sorted(findings, key=lambda f: (f.location.line or 0, f.id))
    assert [(f.id, f.level.name, f.location.line) for f in got] == [
        (e["id"], e["level"], e["line"]) for e in expected
    ]
    for finding, want in zip(got, expected):
        assert want["says"].lower() in finding.message.lower()
        assert Path(finding.location.file).resolve() == contract.resolve()
    assert case.name in {f.id for f in findings}, "the case shows its own rule firing"


def test_every_lint_rule_has_a_case() -> None:
    ids = {r.id for r in REGISTRY.rules("lint")}
    assert ids == {p.name for p in LINT_CASES}

"""The rule registry: one id per kind, every field filled, duplicates refused."""

from __future__ import annotations

import pytest

from govern.rules.finding import Level
from govern.rules.registry import REGISTRY, DuplicateRuleError, Registry, Rule


def test_duplicate_id_is_refused() -> None:
    registry = Registry()
    registry.add(Rule("x-rule", Level.ERR, "lint", "first"))
    registry.add(Rule("x-rule", Level.ERR, "lint", "first"))  # identical re-declaration is harmless
    with pytest.raises(DuplicateRuleError):
        registry.add(Rule("x-rule", Level.WARN, "lint", "second"))


def test_every_rule_is_complete() -> None:
    rules = REGISTRY.rules()
    assert rules
    for r in rules:
        assert r.id and r.kind and r.description, r
        assert isinstance(r.level, Level)


def test_level_parse() -> None:
    assert Level.parse("err") is Level.ERR
    assert Level.parse("warning") is Level.WARN
    with pytest.raises(ValueError):
        Level.parse("fatal")

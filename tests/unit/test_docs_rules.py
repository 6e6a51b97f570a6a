"""docs/rules.md is generated from the registry and must be current."""

from __future__ import annotations

from govern.rules.catalogue import render_catalogue
from govern.rules.registry import REGISTRY

from tests.conftest import ROOT


def test_rules_md_is_current() -> None:
    expected = render_catalogue(REGISTRY.rules(), "markdown")
    actual = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/rules.md is stale: run `make docs` and review the diff"


def test_every_kind_has_rules() -> None:
    for kind in REGISTRY.kinds():
        assert REGISTRY.rules(kind), f"no rules of kind {kind}"

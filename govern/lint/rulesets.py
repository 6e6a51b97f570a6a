"""Lint rulesets (`minimal`, `recommended`, `strict`) from govern/data/rulesets.yaml."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from govern.errors import UsageError
from govern.rules.finding import Level

DEFAULT = "recommended"
VALIDITY_AREA = "validity"


@cache
def _data() -> dict[str, Any]:
    import yaml  # type: ignore[import-untyped]

    text = resources.files("govern").joinpath("data", "rulesets.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("rulesets"), dict):
        raise TypeError("govern/data/rulesets.yaml: expected a `rulesets` mapping")
    return data


def names() -> list[str]:
    """The ruleset names, in the order the data file lists them."""
    return list(_data()["rulesets"])


def description(name: str) -> str:
    return str(_spec(name).get("description", "")).strip()


def _spec(name: str) -> dict[str, Any]:
    rulesets = _data()["rulesets"]
    if not isinstance(name, str) or name not in rulesets:
        raise UsageError(f"unknown ruleset {name!r}; use {', '.join(names())}")
    spec = rulesets[name]
    if not isinstance(spec, dict):
        raise TypeError(f"govern/data/rulesets.yaml: ruleset {name!r} is not a mapping")
    return spec


@cache
def resolve(name: str) -> dict[str, Level]:
    """Governance rule id -> level for ruleset `name` (validity rules are not included: they
    always run). UsageError for an unknown name; ValueError for a broken data file."""
    from govern.rules.registry import REGISTRY

    known = {r.id: r for r in REGISTRY.rules("lint") if r.area != VALIDITY_AREA}
    chain: list[str] = []
    current: str | None = name
    while current is not None:
        if current in chain:
            raise ValueError(f"govern/data/rulesets.yaml: `extends` cycle through {current!r}")
        chain.append(current)
        parent = _spec(current).get("extends")
        current = parent if isinstance(parent, str) else None
    levels: dict[str, Level] = {}
    for ruleset in reversed(chain):
        for rule_id, level in (_spec(ruleset).get("rules") or {}).items():
            if rule_id not in known:
                raise ValueError(f"govern/data/rulesets.yaml: ruleset {ruleset!r} names unknown lint rule {rule_id!r}")
            levels[rule_id] = known[rule_id].level if level == "default" else Level.parse(str(level))
    return levels

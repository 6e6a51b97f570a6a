"""What every governance rule shares: the `lint_rule` decorator and the per-contract-kind check lists.

A governance rule is a function that takes a view of one loaded contract (see `openapi_rules`,
`proto_rules`, `asyncapi_rules`) and yields `Hit`s; `govern.lint` turns hits into Findings with
the level the ruleset (and the user's overrides) give the rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from govern.rules.finding import Level, Location
from govern.rules.registry import rule

KIND = "lint"


@dataclass(frozen=True)
class Hit:
    """One place a rule fires: what is wrong there, and where."""

    message: str
    location: Location


Check = Callable[[Any], Iterator[Hit]]

# contract kind ("openapi", "proto", "asyncapi") -> [(rule id, check)], in declaration order.
CHECKS: dict[str, list[tuple[str, Check]]] = {}


def lint_rule(
    rule_id: str, *, on: str, level: Level, description: str, why: str
) -> Callable[[Check], Check]:
    """Declare a governance rule (kind lint, area = the contract kind it checks) next to its check."""
    register = rule(rule_id, level=level, kind=KIND, area=on, description=description, why=why)

    def decorate(fn: Check) -> Check:
        register(fn)
        CHECKS.setdefault(on, []).append((rule_id, fn))
        return fn

    return decorate

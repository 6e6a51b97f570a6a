"""The rule registry: every rule has one id, a level, a kind and a description, declared once."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from govern.rules.finding import Level

# Modules that declare the rules of each kind; imported on demand so startup stays fast.
KIND_MODULES: dict[str, tuple[str, ...]] = {
    "lint": (
        "govern.lint.validity",
        "govern.lint.openapi_rules",
        "govern.lint.schema_rules",
        "govern.lint.proto_rules",
        "govern.lint.asyncapi_rules",
    ),
    "jsonschema": ("govern.diff.schema.rules",),
    "proto": ("govern.diff.proto.rules",),
    "openapi": ("govern.diff.openapi.rules",),
    "asyncapi": ("govern.diff.asyncapi.rules",),
    "check": ("govern.check",),
    "policy": ("govern.rules.engine",),
}


class DuplicateRuleError(RuntimeError):
    """Two rules were declared with the same id and kind."""


@dataclass(frozen=True)
class Rule:
    """Metadata of one rule; `check` is the function that yields hits, when the rule has one."""

    id: str
    level: Level
    kind: str
    description: str
    area: str = ""
    why: str = ""
    message: str = ""
    categories: tuple[str, ...] = ()
    check: Callable[..., Any] | None = field(default=None, compare=False, repr=False)

    def format_message(self, **params: Any) -> str:
        template = self.message or self.description
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):
            return template

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "level": self.level.name,
            "kind": self.kind,
            "area": self.area,
            "description": self.description,
        }
        if self.why:
            out["why"] = self.why
        if self.categories:
            out["categories"] = list(self.categories)
        return out


class Registry:
    """All known rules, keyed by (kind, id). Declaring an id twice in one kind is an error."""

    def __init__(self) -> None:
        self._rules: dict[tuple[str, str], Rule] = {}
        self._loaded: set[str] = set()

    def add(self, r: Rule) -> Rule:
        key = (r.kind, r.id)
        existing = self._rules.get(key)
        if existing is not None and existing != r:
            raise DuplicateRuleError(f"rule {r.id!r} of kind {r.kind!r} is declared twice")
        self._rules[key] = r
        return r

    def load(self, kind: str | None = None) -> None:
        """Import the modules that declare the rules of `kind` (all kinds when None)."""
        kinds = [kind] if kind else list(KIND_MODULES)
        for k in kinds:
            if k in self._loaded:
                continue
            for module in KIND_MODULES.get(k, ()):
                importlib.import_module(module)
            self._loaded.add(k)

    def get(self, kind: str, rule_id: str) -> Rule:
        self.load(kind)
        return self._rules[(kind, rule_id)]

    def find(self, rule_id: str) -> list[Rule]:
        self.load()
        return [r for (_, rid), r in self._rules.items() if rid == rule_id]

    def rules(self, kind: str | None = None) -> list[Rule]:
        self.load(kind)
        found: Iterable[Rule] = self._rules.values()
        if kind:
            found = (r for r in found if r.kind == kind)
        return sorted(found, key=lambda r: (r.kind, r.area, r.id))

    def kinds(self) -> list[str]:
        return list(KIND_MODULES)


REGISTRY = Registry()


def rule(
    rule_id: str,
    *,
    level: Level,
    kind: str,
    description: str,
    area: str = "",
    why: str = "",
    message: str = "",
    categories: tuple[str, ...] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a rule next to the function that checks it."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        r = Rule(rule_id, level, kind, description, area, why, message, categories, fn)
        REGISTRY.add(r)
        fn.rule = r  # type: ignore[attr-defined]
        return fn

    return decorate


def declare(
    rule_id: str,
    *,
    level: Level,
    kind: str,
    description: str,
    area: str = "",
    why: str = "",
    message: str = "",
    categories: tuple[str, ...] = (),
) -> Rule:
    """Declare a rule whose logic lives in a shared engine (e.g. schema difference types)."""
    return REGISTRY.add(Rule(rule_id, level, kind, description, area, why, message, categories))

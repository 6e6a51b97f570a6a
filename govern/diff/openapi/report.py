"""Collects the findings of one OpenAPI diff: level, message, location and what they explain.

Checks call `Reporter.add` with the rule id, where the change is in the base and/or the
revision, and a message. The reporter applies the rule's level (downgraded to INFO for
operations whose stability level exempts them), picks the location (the revision, or the base
for removals) and remembers both places as explained, so the residue pass does not report the
same difference again as unclassified.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from govern.diff.openapi.rules import LEVELS
from govern.diff.openapi.spec import Side, Where
from govern.rules.finding import Finding, Level

KIND = "openapi"

# Rules that still apply to draft/alpha operations: they are about the stability promise itself.
NOT_EXEMPT = frozenset(
    {
        "api-stability-decreased",
        "api-invalid-stability-level",
    }
)


@dataclass
class Settings:
    """Knobs of the OpenAPI diff (all optional)."""

    deprecation_days_beta: int = 0
    deprecation_days_stable: int = 0
    today: date | None = None
    unclassified: bool = True
    exempt_stability: tuple[str, ...] = ("draft", "alpha")

    def now(self) -> date:
        return self.today or date.today()


@dataclass
class Scope:
    """What a finding is about (an operation, a webhook, the document) and whether it is exempt."""

    label: str = ""
    exempt: str | None = None  # the stability level that exempts it (draft/alpha), or None
    details: tuple[tuple[str, Any], ...] = ()


DOCUMENT = Scope()


class Reporter:
    def __init__(self, base: Side, revision: Side, settings: Settings) -> None:
        self.base = base
        self.revision = revision
        self.settings = settings
        self.findings: list[Finding] = []
        self.covered: dict[str, dict[str, set[str]]] = {"base": {}, "revision": {}}
        self._seen: set[tuple[Any, ...]] = set()
        self._unchanged: Any = None

    def same(self, old: Any, new: Any) -> bool:
        """True when `old` (base) and `new` (revision) are equal and nothing they reference changed."""
        if self._unchanged is None:
            from govern.diff.openapi.unchanged import Unchanged

            self._unchanged = Unchanged(self.base, self.revision)
        return bool(self._unchanged.same(old, new))

    def cover(self, side: str, where: Where | None) -> None:
        if where is not None:
            self.covered[side].setdefault(where[0], set()).add(where[1])

    def add(
        self,
        rule_id: str,
        scope: Scope,
        message: str,
        *,
        base: Where | None = None,
        revision: Where | None = None,
        level: Level | None = None,
        covers: tuple[Where, ...] = (),
        **details: Any,
    ) -> None:
        """Report `rule_id`. The location is the revision's unless only the base has the node."""
        lvl = level if level is not None else LEVELS[rule_id]
        extra = dict(scope.details)
        if scope.exempt and lvl > Level.INFO and rule_id not in NOT_EXEMPT:
            extra["exempt"] = f"x-stability-level {scope.exempt}"
            extra["default_level"] = lvl.name
            lvl = Level.INFO
        if scope.label:
            extra.setdefault("operation", scope.label)
        for key, value in details.items():
            if value is not None:
                extra[key] = value
        text = f"{scope.label}: {message}" if scope.label else message
        if revision is not None:
            location = self.revision.location(revision)
        elif base is not None:
            location = self.base.location(base)
        else:
            location = self.revision.location(self.revision.root_where())
        key = (rule_id, text, location.file, location.pointer, extra.get("media_type"), extra.get("status"))
        if key in self._seen:
            return
        self._seen.add(key)
        self.cover("base", base)
        self.cover("revision", revision)
        self._cover_extra(covers)
        self.findings.append(
            Finding(rule_id, lvl, text, location, KIND, tuple(extra.items()))
        )

    def add_prepared(
        self,
        rule_id: str,
        scope: Scope,
        message: str,
        base: Where | None,
        revision: Where | None,
        level: Level | None,
        covers: tuple[Where, ...],
        details: tuple[tuple[str, Any], ...],
    ) -> None:
        """`add` for callers that built the message and details already (schema changes)."""
        lvl = level if level is not None else LEVELS[rule_id]
        extra = scope.details
        if scope.label:
            extra = extra + (("operation", scope.label),)
        if scope.exempt and lvl > Level.INFO and rule_id not in NOT_EXEMPT:
            extra = extra + (("exempt", f"x-stability-level {scope.exempt}"), ("default_level", lvl.name))
            lvl = Level.INFO
        text = f"{scope.label}: {message}" if scope.label else message
        if revision is not None:
            location = self.revision.location(revision)
        elif base is not None:
            location = self.base.location(base)
        else:
            location = self.revision.location(self.revision.root_where())
        media = status = None
        for k, v in details:
            if k == "media_type":
                media = v
        for k, v in scope.details:
            if k == "status":
                status = v
        key = (rule_id, text, location.file, location.pointer, media, status)
        if key in self._seen:
            return
        self._seen.add(key)
        if base is not None:
            self.cover("base", base)
        if revision is not None:
            self.cover("revision", revision)
        self._cover_extra(covers)
        self.findings.append(Finding(rule_id, lvl, text, location, KIND, extra + details))

    def _cover_extra(self, covers: tuple[Any, ...]) -> None:
        """Other places a finding explains: a Where (revision side) or ("base"|"revision", Where)."""
        for entry in covers:
            if len(entry) == 2 and entry[0] in ("base", "revision") and isinstance(entry[1], tuple):
                self.cover(entry[0], entry[1])
            else:
                self.cover("revision", entry)

"""Finding, Level and Location: the one currency every stage of govern trades in."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any


class Level(IntEnum):
    """Severity of a finding. ERR breaks clients, WARN may break them, INFO is compatible."""

    INFO = 1
    WARN = 2
    ERR = 3

    @classmethod
    def parse(cls, text: str) -> "Level":
        key = text.strip().upper()
        aliases = {"ERROR": "ERR", "WARNING": "WARN", "NOTE": "INFO"}
        key = aliases.get(key, key)
        try:
            return cls[key]
        except KeyError:
            raise ValueError(f"unknown level {text!r}; use ERR, WARN or INFO") from None


@dataclass(frozen=True, order=True)
class Location:
    """Where a finding points: a file, a 1-based line and column, and a JSON pointer."""

    file: str | None = None
    line: int | None = None
    col: int | None = None
    pointer: str | None = None

    def short(self) -> str:
        """`file:line[:col]`, or whatever part is known."""
        text = self.file or ""
        if self.line is not None:
            text += f":{self.line}"
            if self.col is not None:
                text += f":{self.col}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "col": self.col, "pointer": self.pointer}


@dataclass(frozen=True)
class Finding:
    """One rule hit: rule id, level, a human message and where it happened."""

    id: str
    level: Level
    message: str
    location: Location = field(default_factory=Location)
    kind: str = ""
    details: tuple[tuple[str, Any], ...] = ()

    def sort_key(self) -> tuple[Any, ...]:
        loc = self.location
        return (-self.level, loc.file or "", loc.line or 0, loc.pointer or "", self.id, self.message)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "level": self.level.name,
            "message": self.message,
            "location": self.location.to_dict(),
        }
        if self.kind:
            out["kind"] = self.kind
        if self.details:
            out["details"] = dict(self.details)
        return out


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=Finding.sort_key)


def summarize(findings: list[Finding]) -> dict[str, int]:
    counts = {level.name: 0 for level in sorted(Level, reverse=True)}
    for f in findings:
        counts[f.level.name] += 1
    counts["total"] = len(findings)
    return counts

"""Resilience defaults (govern/data/resilience.yaml): one source for reports and generated clients."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from govern.errors import InputError

RESILIENCE_FILE = Path(__file__).resolve().parent.parent / "data" / "resilience.yaml"
GOVERN_DEFAULT = "govern-default"


@dataclass(frozen=True)
class Setting:
    practice: str  # a resilience pattern id of the matrix, e.g. "retry-backoff"
    key: str  # e.g. "max_attempts"
    value: Any
    sources: tuple[str, ...]  # seed ids and/or "govern-default"
    why: str


@functools.lru_cache(maxsize=2)
def load_resilience(path: str | None = None) -> tuple[Setting, ...]:
    """Every setting in file order; checked for shape."""
    import yaml

    file = path or str(RESILIENCE_FILE)
    with open(file, encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(data, dict) or data.get("format") != "govern-resilience/1":
        raise InputError(file, "not a govern-resilience/1 file")
    out: list[Setting] = []
    for practice, settings in (data.get("defaults") or {}).items():
        if not isinstance(settings, dict) or not settings:
            raise InputError(file, f"{practice}: expected a mapping of settings")
        for key, spec in settings.items():
            if not isinstance(spec, dict) or {"value", "sources", "why"} - set(spec):
                raise InputError(file, f"{practice}.{key}: needs value, sources and why")
            sources = spec["sources"]
            if not isinstance(sources, list) or not sources:
                raise InputError(file, f"{practice}.{key}: sources must be a non-empty list")
            out.append(Setting(practice, key, spec["value"], tuple(sources), spec["why"]))
    return tuple(out)


def resilience_version(path: str | None = None) -> str:
    import yaml

    with open(path or RESILIENCE_FILE, encoding="utf-8") as fh:
        return str(yaml.safe_load(fh).get("version", ""))


def resilience_defaults(practices: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """{practice: {setting: value}} for the client generator; all practices by default."""
    wanted = set(practices) if practices is not None else None
    out: dict[str, dict[str, Any]] = {}
    for s in load_resilience():
        if wanted is None or s.practice in wanted:
            out.setdefault(s.practice, {})[s.key] = s.value
    return out


def check_against(settings: Iterable[Setting], patterns: Mapping[str, Any], sources: Mapping[str, Any]) -> list[str]:
    """Problems linking resilience.yaml to the matrix (unknown practices or sources)."""
    problems: list[str] = []
    for s in settings:
        pattern = patterns.get(s.practice)
        if pattern is None or pattern.kind != "resilience":
            problems.append(f"{s.practice}: not a resilience pattern of the matrix")
        for src in s.sources:
            if src != GOVERN_DEFAULT and src not in sources:
                problems.append(f"{s.practice}.{s.key}: unknown source {src!r}")
    return problems

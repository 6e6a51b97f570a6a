"""A changelog for humans: every change between two revisions, breaking first, grouped by the
operation, channel or area it touches, each with its location. Pure rendering, text or markdown."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from govern.rules.finding import Finding, Level

FORMATS = ("text", "markdown")

RuleArea = Callable[[Finding], "str | None"]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    noun: tuple[str, str]  # one, many (for the summary line)


BREAKING = Section("breaking", "Breaking changes", ("breaking change", "breaking changes"))
DEPRECATIONS = Section("deprecations", "Deprecations and warnings", ("deprecation or warning", "deprecations and warnings"))
ADDITIONS = Section("additions", "Additions", ("addition", "additions"))
OTHER = Section("other", "Other compatible changes", ("other change", "other changes"))
SECTIONS = (BREAKING, DEPRECATIONS, ADDITIONS, OTHER)

_METHODS = ("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE")
_WORDS = re.compile(r"[^0-9a-z]+")


@dataclass
class Group:
    """Changes that touch one thing: an operation, a channel/message, or a rule area."""

    label: str
    order: tuple[object, ...]
    items: list[Finding] = field(default_factory=list)


def section_of(f: Finding) -> Section:
    """ERR is breaking; WARN and deprecations come next; then additions; the rest is other."""
    if f.level is Level.ERR:
        return BREAKING
    words = set(_WORDS.split(f.id.lower()))
    if f.level is Level.WARN or ("deprecated" in words and "removed" not in words):
        return DEPRECATIONS
    if words & {"added", "new", "extended"}:
        return ADDITIONS
    return OTHER


def _details(f: Finding) -> dict[str, object]:
    return dict(f.details)


def subject_of(f: Finding, area: RuleArea) -> tuple[str, tuple[object, ...]]:
    """The group label of a finding and its sort key (operations, then channels, then areas)."""
    d = _details(f)
    operation = d.get("operation")
    if isinstance(operation, str) and operation and ("method" in d or f.kind == "openapi"):
        method, _, path = operation.partition(" ")
        rank = _METHODS.index(method) if method in _METHODS else len(_METHODS)
        return operation, (0, path or operation, rank, method)
    channel = d.get("channel")
    if isinstance(channel, str) and channel:
        label = f"channel {channel}"
        message = d.get("message")
        if isinstance(message, str) and message:
            label += f", message {message}"
        return label, (1, label)
    if isinstance(operation, str) and operation:
        return f"operation {operation}", (1, f"operation {operation}")
    name = area(f)
    if name:
        return name, (2, name)
    return "other", (3, "")


def _strip_subject(message: str, label: str) -> str:
    """`GET /orders: response property …` under the `GET /orders` heading loses its prefix."""
    prefix = f"{label}: "
    return message[len(prefix):] if message.startswith(prefix) and len(message) > len(prefix) else message


def where(f: Finding) -> str:
    """`file:line` (columns are noise in a changelog)."""
    loc = f.location
    text = loc.file or ""
    if loc.line is not None:
        text += f":{loc.line}"
    return text


def arrange(findings: list[Finding], area: RuleArea) -> list[tuple[Section, list[Group]]]:
    """Findings in sections (breaking first), each a list of groups in a stable human order."""
    by_section: dict[str, dict[str, Group]] = {s.key: {} for s in SECTIONS}
    for f in findings:
        label, order = subject_of(f, area)
        by_label = by_section[section_of(f).key]
        by_label.setdefault(label, Group(label, order)).items.append(f)
    out = []
    for section in SECTIONS:
        groups = sorted(by_section[section.key].values(), key=lambda g: (g.order, g.label))
        for g in groups:
            g.items.sort(key=lambda f: (f.location.file or "", f.location.line or 0, f.location.pointer or "", f.id, f.message))
        if groups:
            out.append((section, groups))
    return out


def _count(n: int, noun: tuple[str, str]) -> str:
    return f"{n} {noun[0] if n == 1 else noun[1]}"


def summary(arranged: list[tuple[Section, list[Group]]]) -> str:
    parts = []
    for section, groups in arranged:
        parts.append(_count(sum(len(g.items) for g in groups), section.noun))
    return ", ".join(parts) if parts else "no changes"


def registry_area(f: Finding) -> str | None:
    """The `area` of the registered rule behind a finding (e.g. `parameters`, `field`)."""
    from govern.report.sarif import registry_lookup

    rule = registry_lookup(f)
    return rule.area if rule is not None and rule.area else None


def render(
    findings: list[Finding],
    base: str,
    revision: str,
    fmt: str = "text",
    *,
    color: bool = False,
    area: RuleArea = registry_area,
) -> str:
    """The changelog of `base` -> `revision` in `fmt` (text or markdown)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown changelog format {fmt!r}")
    arranged = arrange(findings, area)
    if fmt == "markdown":
        return _markdown(arranged, base, revision)
    return _text(arranged, base, revision, color)


def _text(arranged: list[tuple[Section, list[Group]]], base: str, revision: str, color: bool) -> str:
    from govern.report.text import _clean

    def bold(text: str) -> str:
        return f"\x1b[1m{text}\x1b[0m" if color else text

    lines = [bold(f"Changelog: {_clean(base)} -> {_clean(revision)}"), summary(arranged), ""]
    for section, groups in arranged:
        total = sum(len(g.items) for g in groups)
        lines += [bold(f"{section.title.upper()} ({total})"), ""]
        for g in groups:
            lines.append(f"  {_clean(g.label)}")
            for f in g.items:
                lines.append(f"    - {_clean(_strip_subject(f.message, g.label))}")
                detail = f.id
                if where(f):
                    detail += f"  {_clean(where(f))}"
                if f.location.pointer:
                    detail += f"  at {_clean(f.location.pointer)}"
                lines.append(f"      {detail}")
            lines.append("")
    if not arranged:
        lines.append("No changes.")
    return "\n".join(lines).rstrip("\n") + "\n"


def _markdown(arranged: list[tuple[Section, list[Group]]], base: str, revision: str) -> str:
    from govern.report.markdown import code, escape

    lines = ["# Changelog", "", f"{code(base)} → {code(revision)}", ""]
    counts = summary(arranged)
    if arranged and arranged[0][0] is BREAKING:
        head, _, rest = counts.partition(", ")
        counts = f"**{head}**" + (f", {rest}" if rest else "")
    lines += [counts[:1].upper() + counts[1:], ""]
    for section, groups in arranged:
        total = sum(len(g.items) for g in groups)
        lines += [f"## {section.title} ({total})", ""]
        for g in groups:
            lines += [f"### {code(g.label)}", ""]
            for f in g.items:
                meta = [code(f.id)]
                if where(f):
                    meta.append(code(where(f)))
                if f.location.pointer:
                    meta.append(f"at {code(f.location.pointer)}")
                lines.append(f"- {escape(_strip_subject(f.message, g.label))} ({', '.join(meta)})")
            lines.append("")
    if not arranged:
        lines += ["No changes.", ""]
    return "\n".join(lines).rstrip("\n") + "\n"

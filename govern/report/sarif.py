"""SARIF 2.1.0 log for code-scanning tools (GitHub code scanning, IDE viewers).

Valid against the OASIS schema vendored as govern/data/schemas/sarif-2.1.0.json. Also home of
the helpers the CI formats share: where a finding lands in the working tree (`ci_location`) and
a stable fingerprint per finding (`fingerprints`).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from govern import __version__
from govern.report import Report
from govern.report.json_report import indented_line
from govern.rules.finding import Finding, Level, sort_findings, summarize
from govern.rules.registry import Rule

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://govern.dev"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "governFingerprint/v1"

LEVELS = {Level.ERR: "error", Level.WARN: "warning", Level.INFO: "note"}

RuleLookup = Callable[[Finding], "Rule | None"]

# `REF:path` as the diff command labels files read from git (e.g. origin/main:contracts/a.yaml).
# The ref has at least two characters so a Windows drive (C:) never matches, and a git path
# never starts with a slash.
_GIT_LABEL = re.compile(r"^(?P<ref>[^:/\\][^:]+):(?P<path>[^:/\\].*)$")


@dataclass(frozen=True)
class CiLocation:
    """Where a CI system should pin a finding: a working-tree path and, when it applies, a line.

    `ref` is set when the finding points into another git revision (`REF:path`); its line then
    belongs to that revision, so `line`/`col` are None and `origin` keeps the full label.
    """

    path: str | None
    line: int | None
    col: int | None
    ref: str | None = None
    origin: str | None = None


def posix_path(file: str) -> str:
    """`file` with forward slashes and without leading `./`."""
    path = file.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def default_file(report: Report) -> str | None:
    """Where a finding without a file is pinned: the last input (the revision, for diff)."""
    return report.inputs[-1] if report.inputs else None


def ci_location(f: Finding, fallback: str | None = None) -> CiLocation:
    """The finding's place in the working tree; `fallback` stands in for a missing file."""
    loc = f.location
    file = loc.file or fallback
    if not file:
        return CiLocation(None, None, None)
    match = _GIT_LABEL.match(file)
    if match:
        origin = file if loc.line is None or not loc.file else f"{file}:{loc.line}"
        return CiLocation(posix_path(match["path"]), None, None, match["ref"], origin)
    if not loc.file:
        return CiLocation(posix_path(file), None, None)
    line = loc.line if loc.line and loc.line > 0 else None
    col = loc.col if line and loc.col and loc.col > 0 else None
    return CiLocation(posix_path(loc.file), line, col)


def fingerprints(findings: list[Finding], fallback: str | None = None) -> list[str]:
    """A stable hash per finding, from its rule, kind, working-tree path and JSON pointer (or
    message, when it has no pointer). Lines are left out so a finding keeps its identity while
    the file around it changes. Findings that share all of these are told apart by their
    message, and then by their order."""
    keys = []
    for f in findings:
        where = ci_location(f, fallback).path or ""
        anchor = f.location.pointer if f.location.pointer is not None else f"message:{f.message}"
        keys.append(f"{f.id}\x1f{f.kind}\x1f{where}\x1f{anchor}")
    shared = {k for k, n in Counter(keys).items() if n > 1}
    seen: dict[str, int] = {}
    out: list[str] = []
    for f, key in zip(findings, keys):
        if key in shared:
            key += f"\x1f{f.message}"
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key += f"\x1f{seen[key]}"
        out.append(hashlib.sha256(key.encode("utf-8")).hexdigest())
    return out


def registry_lookup(f: Finding) -> Rule | None:
    """The registered rule behind a finding: same id, and the same kind when the finding has one."""
    from govern.rules.registry import REGISTRY

    candidates = REGISTRY.find(f.id)
    if f.kind:
        candidates = [r for r in candidates if r.kind == f.kind]
    return candidates[0] if candidates else None


def _rule_name(rule_id: str) -> str:
    """`request-parameter-removed` / `FIELD_NO_DELETE` -> `RequestParameterRemoved` / `FieldNoDelete`."""
    words = [w for w in re.split(r"[^0-9A-Za-z]+", rule_id) if w]
    return "".join(w[:1].upper() + w[1:].lower() for w in words) or rule_id


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def _descriptor(rule_id: str, f: Finding, rule: Rule | None) -> dict[str, Any]:
    """A reportingDescriptor, from the registry when the rule is known, else from the finding."""
    kind = rule.kind if rule else f.kind
    level = rule.level if rule else f.level
    facts = ", ".join(x for x in (level.name, kind, rule.area if rule else "") if x)
    if rule and rule.description:
        short = rule.description
        full = _sentence(short) + (f" {_sentence(rule.why)}" if rule.why else "")
        help_md = f"`{rule_id}` ({facts}): {_sentence(short)}"
        help_md += f"\n\n{_sentence(rule.why)}" if rule.why else ""
    else:
        short = full = rule_id
        help_md = f"`{rule_id}` ({facts})"
    props: dict[str, Any] = {}
    tags: list[str] = []
    if kind:
        props["kind"] = kind
        tags.append(kind)
    if rule and rule.area:
        props["area"] = rule.area
        tags.append(rule.area)
    if rule and rule.categories:
        props["categories"] = list(rule.categories)
    if tags:
        props["tags"] = tags
    out: dict[str, Any] = {
        "id": rule_id,
        "name": _rule_name(rule_id),
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": full, "markdown": help_md},
        "defaultConfiguration": {"level": LEVELS[level]},
    }
    if props:
        out["properties"] = props
    return out


def _artifact(path: str) -> dict[str, Any]:
    """artifactLocation: relative paths against %SRCROOT%, absolute ones as file:// URIs."""
    if path.startswith("/"):
        return {"uri": "file://" + quote(path, safe="/")}
    if re.match(r"^[A-Za-z]:/", path):
        return {"uri": "file:///" + quote(path, safe="/:")}
    return {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT}


def _result(f: Finding, index: int, fingerprint: str, fallback: str | None) -> dict[str, Any]:
    ci = ci_location(f, fallback)
    out: dict[str, Any] = {
        "ruleId": f.id,
        "ruleIndex": index,
        "level": LEVELS[f.level],
        "message": {"text": f.message},
    }
    location: dict[str, Any] = {}
    if ci.path:
        physical: dict[str, Any] = {"artifactLocation": _artifact(ci.path)}
        if ci.line:
            region: dict[str, Any] = {"startLine": ci.line}
            if ci.col:
                region["startColumn"] = ci.col
            physical["region"] = region
        location["physicalLocation"] = physical
    if f.location.pointer:
        location["logicalLocations"] = [{"fullyQualifiedName": f.location.pointer}]
    if location:
        out["locations"] = [location]
    out["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint}
    props: dict[str, Any] = {}
    if f.kind:
        props["kind"] = f.kind
    if ci.origin:
        props["revisionLocation"] = ci.origin
    if f.details:
        props["details"] = dict(f.details)
    if props:
        out["properties"] = props
    return out


def build(report: Report, rules: RuleLookup | None = None) -> dict[str, Any]:
    """The SARIF log as a dict (`render` serializes it)."""
    lookup = rules or registry_lookup
    findings = sort_findings(report.findings)
    first: dict[str, Finding] = {}
    for f in findings:
        first.setdefault(f.id, f)
    rule_ids = sorted(first)
    index = {rid: i for i, rid in enumerate(rule_ids)}
    descriptors = [_descriptor(rid, first[rid], lookup(first[rid])) for rid in rule_ids]
    fallback = default_file(report)
    prints = fingerprints(findings, fallback)
    results = [_result(f, index[f.id], fp, fallback) for f, fp in zip(findings, prints)]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "govern",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }
        },
        "automationDetails": {"id": f"govern/{report.command}/"},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "command": report.command,
            "inputs": list(report.inputs),
            "failOn": report.fail_on,
            "failed": report.failed,
            "summary": summarize(findings),
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report, *, color: bool = False, rules: RuleLookup | None = None) -> str:
    return render_bytes(report, rules=rules).decode("utf-8")


def render_bytes(report: Report, *, rules: RuleLookup | None = None) -> bytes:
    return indented_line(build(report, rules))

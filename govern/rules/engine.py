"""Policy: what the config does to the findings of one contract, in one fixed order.

1. stability: a contract whose configured stability is exempt has its ERR/WARN findings lowered
   to INFO (each says why), so nothing disappears silently;
2. per-rule level overrides from `rules:` (`none` removes the rule's findings);
3. waivers: a live waiver moves matching findings to the waived list; an expired one no longer
   does (`expired_waivers` reports it once per run);
4. versioning: breaking changes (ERR after the steps above) without a major version bump give
   `version-not-bumped` (AsyncAPI, protobuf; OpenAPI keeps oasdiff's `api-major-version-not-bumped`),
   whose level comes from `versioning.level` or a `rules:` override.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from govern.rules.finding import Finding, Level, Location
from govern.rules.registry import declare

if TYPE_CHECKING:
    from govern.config import Config, ContractSettings, Waiver
    from govern.load.model import Contract

KIND = "policy"

VERSION_NOT_BUMPED = declare(
    "version-not-bumped",
    level=Level.WARN,
    kind=KIND,
    area="versioning",
    description="An AsyncAPI or protobuf contract has breaking changes but its major version did "
    "not go up (info.version for AsyncAPI, the vN package suffix for protobuf; OpenAPI uses "
    "api-major-version-not-bumped).",
    why="Semantic versioning tells clients what an upgrade costs; a breaking change in the same "
    "major version surprises everyone who pinned it. The level is set by versioning.level.",
)
WAIVER_EXPIRED = declare(
    "waiver-expired",
    level=Level.WARN,
    kind=KIND,
    area="waivers",
    description="A waiver in the config has passed its expiry date and no longer suppresses findings.",
    why="Waivers are promises with a deadline; renew the waiver with a new reason or fix the change.",
)


@dataclass
class PolicyResult:
    findings: list[Finding]
    waived: list[tuple[Finding, "Waiver"]] = field(default_factory=list)


def apply_policy(
    findings: list[Finding],
    config: "Config",
    *,
    settings: "ContractSettings | None" = None,
    base: "Contract | None" = None,
    revision: "Contract | None" = None,
    today: date | None = None,
) -> PolicyResult:
    """Apply the config to the findings of one contract (see the module docstring for the order)."""
    today = today or date.today()
    out = _exempt_by_stability(findings, config, settings)
    out = _override(out, config)
    kept, waived = _waive(out, config.waivers, today)
    if base is not None and revision is not None:
        kept, bump = _versioning(kept, base, revision, config)
        if bump is not None:
            kept += _waive(_override([bump], config), config.waivers, today)[0]
    return PolicyResult(kept, waived)


def _versioning(
    findings: list[Finding], base: "Contract", revision: "Contract", config: "Config"
) -> tuple[list[Finding], Finding | None]:
    """OpenAPI has oasdiff's own rule for a missing major bump: keep it only while breaking
    changes remain after overrides and waivers, at the versioning level. Other kinds get
    `version-not-bumped`."""
    if revision.kind != "openapi":
        return findings, version_finding(findings, base, revision, config)
    own = [f for f in findings if f.id == OPENAPI_BUMP]
    rest = [f for f in findings if f.id != OPENAPI_BUMP]
    breaking = any(f.level == Level.ERR and f.kind == "openapi" for f in rest)
    if not own or not breaking or config.versioning is None:
        return rest, None
    return rest, replace(own[0], level=config.versioning)


def _exempt_by_stability(findings: list[Finding], config: "Config", settings: "ContractSettings | None") -> list[Finding]:
    stability = settings.stability if settings else None
    if stability is None or stability not in config.exempt:
        return findings
    return [
        replace(f, level=Level.INFO, message=f"{f.message} (exempt: the contract's stability is {stability})")
        if f.level > Level.INFO
        else f
        for f in findings
    ]


def _override(findings: list[Finding], config: "Config") -> list[Finding]:
    if not config.rules:
        return findings
    out = []
    for f in findings:
        if f.id not in config.rules:
            out.append(f)
            continue
        level = config.rules[f.id]
        if level is not None:
            out.append(f if f.level == level else replace(f, level=level))
    return out


def subjects(finding: Finding) -> list[str]:
    """The texts a waiver's `where` glob is matched against: operation, message, pointer, names."""
    found = [str(v) for k, v in finding.details if isinstance(v, (str, int)) and k in _SUBJECT_KEYS]
    if finding.location.pointer:
        found.append(finding.location.pointer)
    found.append(finding.message)
    return found


_SUBJECT_KEYS = ("operation", "channel", "message", "path", "name", "element", "schema_path")


def waiver_matches(waiver: "Waiver", finding: Finding) -> bool:
    if waiver.rule != finding.id:
        return False
    if not waiver.matches_path(finding.location.file):
        return False
    if waiver.where is None:
        return True
    return any(fnmatch.fnmatchcase(s, waiver.where) for s in subjects(finding))


def _waive(
    findings: list[Finding], waivers: list["Waiver"], today: date
) -> tuple[list[Finding], list[tuple[Finding, "Waiver"]]]:
    live = [w for w in waivers if w.expires >= today]
    if not live:
        return findings, []
    kept: list[Finding] = []
    waived: list[tuple[Finding, Waiver]] = []
    for f in findings:
        hit = next((w for w in live if waiver_matches(w, f)), None)
        if hit is None:
            kept.append(f)
        else:
            waived.append((f, hit))
    return kept, waived


def expired_waivers(config: "Config", today: date | None = None) -> list[Finding]:
    """One finding per expired waiver, at its place in the config file."""
    today = today or date.today()
    out = []
    for w in config.waivers:
        if w.expires >= today:
            continue
        file, _, line = w.source.rpartition(":")
        message = (
            f"the waiver for {w.rule} ({w.reason}) expired on {w.expires.isoformat()}; "
            "it no longer suppresses findings: renew it or fix the change"
        )
        loc = Location(file or None, int(line) if line.isdigit() else None, None, None)
        out.append(Finding(WAIVER_EXPIRED.id, WAIVER_EXPIRED.level, message, loc, KIND))
    return _override(out, config)


# ------------------------------------------------------------------------------ versioning

OPENAPI_BUMP = "api-major-version-not-bumped"
_SEMVER = re.compile(r"^[vV]?(\d+)(?:\.(\d+))?")
_PROTO_VERSION = re.compile(r"^(.*)\.v(\d+)((?:alpha|beta|test|p\d)\w*)?$")


def version_finding(findings: list[Finding], base: "Contract", revision: "Contract", config: "Config") -> Finding | None:
    """`version-not-bumped` when ERR findings of a diff come without a major version bump."""
    if config.versioning is None:
        return None
    breaking = [f for f in findings if f.level == Level.ERR and f.kind in ("asyncapi", "proto")]
    if not breaking:
        return None
    if revision.kind == "asyncapi":
        problem = _document_version_problem(base, revision)
        loc = revision.locate("/info/version")
    elif revision.kind == "proto":
        problem, loc = _proto_version_problem(base, revision)
    else:
        return None
    if problem is None:
        return None
    message = f"{len(breaking)} breaking change{'s' if len(breaking) != 1 else ''} but {problem}"
    return Finding(VERSION_NOT_BUMPED.id, config.versioning, message, loc, KIND)


def _info_version(contract: "Contract") -> str:
    data = contract.data if isinstance(contract.data, dict) else {}
    info = data.get("info") if isinstance(data.get("info"), dict) else {}
    return str(info.get("version", "")).strip()


def _document_version_problem(base: "Contract", revision: "Contract") -> str | None:
    old, new = _info_version(base), _info_version(revision)
    mo, mn = _SEMVER.match(old), _SEMVER.match(new)
    if not mn or not mo:
        bad = new if not mn else old
        return f"info.version {bad!r} is not a semantic version, so no major bump can be seen"
    (o_major, o_minor), (n_major, n_minor) = (
        (int(mo.group(1)), int(mo.group(2) or 0)),
        (int(mn.group(1)), int(mn.group(2) or 0)),
    )
    if n_major > o_major:
        return None
    if o_major == 0 and n_major == 0 and n_minor > o_minor:
        return None  # 0.x: a minor bump may break (semver's initial development)
    return f"info.version went from {old!r} to {new!r} without a major bump"


def _packages(contract: "Contract") -> set[str]:
    fds = contract.descriptors
    if fds is None:
        return set()
    names = set(contract.files)
    return {fd.package for fd in fds.file if fd.name in names and fd.package}


def _proto_version_problem(base: "Contract", revision: "Contract") -> tuple[str | None, Location]:
    """Whether the revision moved to a newer vN package; where its kept package is declared."""
    from govern.load.proto import locate

    old, new = _packages(base), _packages(revision)
    newest: dict[str, int] = {}
    for pkg in old:
        m = _PROTO_VERSION.match(pkg)
        if m and not m.group(3):
            newest[m.group(1)] = max(newest.get(m.group(1), 0), int(m.group(2)))
    for pkg in new:
        m = _PROTO_VERSION.match(pkg)
        if m and not m.group(3) and m.group(1) in newest and int(m.group(2)) > newest[m.group(1)]:
            return None, Location()
    kept = sorted(old & new) or sorted(new)
    if not kept:
        return None, Location()
    names = set(revision.files)
    fd = next(f for f in revision.descriptors.file if f.name in names and f.package == kept[0])
    loc = locate(revision, fd.name, [2])  # FileDescriptorProto.package
    return f"package {kept[0]} kept its major version; publish the change as a new vN package", loc

"""GitLab Code Quality report: the JSON array a job publishes as `artifacts:reports:codequality`."""

from __future__ import annotations

from typing import Any

from govern.report import Report
from govern.report.json_report import indented_line
from govern.report.sarif import ci_location, default_file, fingerprints
from govern.rules.finding import Finding, Level, sort_findings

# critical: fails the pipeline at the default --fail-on; blocker is left to tools that find
# defects in running code.
SEVERITIES = {Level.ERR: "critical", Level.WARN: "minor", Level.INFO: "info"}


def _issue(f: Finding, fingerprint: str, command: str, fallback: str | None) -> dict[str, Any]:
    ci = ci_location(f, fallback)
    description = f.message
    if f.location.pointer:
        description += f" (at {f.location.pointer})"
    if ci.origin:
        description += f" (in {ci.origin})"
    return {
        "type": "issue",
        "check_name": f.id,
        "description": description,
        "categories": ["Compatibility" if command == "diff" else "Bug Risk"],
        "severity": SEVERITIES[f.level],
        "fingerprint": fingerprint,
        # GitLab needs a path and a begin line: a finding without a line is pinned to line 1.
        "location": {"path": ci.path or "", "lines": {"begin": ci.line or 1}},
    }


def render(report: Report, *, color: bool = False) -> str:
    return render_bytes(report).decode("utf-8")


def render_bytes(report: Report) -> bytes:
    findings = sort_findings(report.findings)
    fallback = default_file(report)
    prints = fingerprints(findings, fallback)
    issues = [_issue(f, fp, report.command, fallback) for f, fp in zip(findings, prints)]
    return indented_line(issues)

"""`--format waivers`: ready-to-paste `waivers:` entries for .govern.yaml, one per finding group.

Each entry waives one rule at one file and operation (or JSON pointer), expires in 30 days and
asks for a reason, so a waiver is always a deliberate, dated decision.
"""

from __future__ import annotations

import os
from datetime import date, timedelta

from govern.report import Report
from govern.rules.finding import Finding, Level, sort_findings

DAYS = 30


def _where(finding: Finding) -> str | None:
    details = dict(finding.details)
    for key in ("operation", "channel", "message"):
        if details.get(key):
            return str(details[key])
    return finding.location.pointer or None


def _glob_literal(text: str) -> str:
    """`text` as an fnmatch pattern that matches only itself."""
    return "".join(f"[{c}]" if c in "[*?" else c for c in text)


def _path(finding: Finding, root: str) -> str | None:
    from govern.config import relative_to

    file = finding.location.file
    return relative_to(file, root) if file else None


def render(report: Report, *, color: bool = False, today: date | None = None) -> str:
    import yaml

    config = report.meta.get("config")
    root = os.path.dirname(os.path.abspath(config)) if config else os.getcwd()
    expires = ((today or date.today()) + timedelta(days=DAYS)).isoformat()
    entries: list[dict[str, str]] = []
    seen: set[tuple[str, str | None, str | None]] = set()
    for f in sort_findings(report.findings):
        if f.level < Level.WARN or f.kind == "policy":
            continue
        key = (f.id, _path(f, root), _where(f))
        if key in seen:
            continue
        seen.add(key)
        entry = {"rule": f.id}
        if key[1]:
            entry["path"] = _glob_literal(key[1])
        if key[2]:
            entry["where"] = _glob_literal(key[2])
        message = " ".join(f.message.split())
        summary = message if len(message) <= 70 else message[:69].rstrip() + "…"
        entry["reason"] = f"TODO: say why this is accepted: {summary}"
        entry["expires"] = expires
        entries.append(entry)
    target = config or ".govern.yaml"
    if not entries:
        return f"# No ERR or WARN findings: nothing to waive in {target}.\n"
    head = (
        f"# Paste under `waivers:` in {target}; replace each reason, keep the expiry short.\n"
        f"# {len(entries)} waiver(s) for {report.command} findings at WARN or above.\n"
    )
    return head + yaml.safe_dump({"waivers": entries}, sort_keys=False, allow_unicode=True, width=100)

"""Machine-readable JSON report; its shape is published in govern/data/schemas/report.schema.json."""

from __future__ import annotations

import json

from govern import __version__
from govern.report import Report
from govern.rules.finding import sort_findings, summarize

SCHEMA_ID = "https://govern.dev/schemas/report-1.json"


def render(report: Report, *, color: bool = False) -> str:
    findings = sort_findings(report.findings)
    doc = {
        "$schema": SCHEMA_ID,
        "tool": {"name": "govern", "version": __version__},
        "command": report.command,
        "inputs": report.inputs,
        "findings": [f.to_dict() for f in findings],
        "summary": {**summarize(findings), "fail_on": report.fail_on, "failed": report.failed},
    }
    if report.meta:
        doc["meta"] = report.meta
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n"

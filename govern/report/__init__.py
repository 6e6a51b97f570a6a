"""Reporters: one module per output format, all rendering the same list of Findings."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from govern.rules.finding import Finding

FORMATS: dict[str, str] = {
    "text": "govern.report.text",
    "json": "govern.report.json_report",
    "markdown": "govern.report.markdown",
    "sarif": "govern.report.sarif",
    "junit": "govern.report.junit",
    "github": "govern.report.github",
    "gitlab": "govern.report.gitlab",
    "waivers": "govern.report.waivers",
}


@dataclass
class Report:
    """What every reporter renders: findings plus the context they came from."""

    command: str
    findings: list[Finding]
    inputs: list[str] = field(default_factory=list)
    fail_on: str = "ERR"
    failed: bool = False
    meta: dict[str, Any] = field(default_factory=dict)


def render(report: Report, fmt: str, *, color: bool = False) -> str:
    """Render `report` in format `fmt` (one of FORMATS)."""
    module = importlib.import_module(FORMATS[fmt])
    text: str = module.render(report, color=color)
    return text


def render_bytes(report: Report, fmt: str, *, color: bool = False) -> bytes:
    """`render(...)` encoded as UTF-8; the JSON-based formats write their bytes directly."""
    module = importlib.import_module(FORMATS[fmt])
    direct = getattr(module, "render_bytes", None)
    if direct is not None:
        data: bytes = direct(report)
        return data
    return render(report, fmt, color=color).encode("utf-8")

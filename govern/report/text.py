"""Human-readable text report, grouped by file, coloured when writing to a terminal."""

from __future__ import annotations

import gc
import re
from itertools import groupby

from govern.report import Report
from govern.rules.finding import Level, sort_findings, summarize

_COLORS = {Level.ERR: "31", Level.WARN: "33", Level.INFO: "36"}


_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f]")


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    return " " if ch == "\n" else f"\\x{ord(ch):02x}"


def _clean(text: str) -> str:
    """Neutralise control characters from contract content (no escape-code injection)."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escape, text)


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def render(report: Report, *, color: bool = False) -> str:
    enabled = gc.isenabled()
    gc.disable()  # many short-lived strings; collections would rescan the whole heap
    try:
        return _render(report, color)
    finally:
        if enabled:
            gc.enable()


def _render(report: Report, color: bool) -> str:
    findings = sort_findings(report.findings)
    lines: list[str] = []
    by_file = sorted(findings, key=lambda f: (f.location.file or "", f.location.line or 0))
    for file, group in groupby(by_file, key=lambda f: f.location.file or ""):
        lines.append(_paint(_clean(file) if file else "(no file)", "1", color))
        for f in sorted(group, key=lambda f: (f.location.line or 0, -f.level, f.id)):
            where = ""
            if f.location.line is not None:
                where = f"{f.location.line}"
                if f.location.col is not None:
                    where += f":{f.location.col}"
            level = _paint(f"{f.level.name:<4}", _COLORS[f.level], color)
            lines.append(f"  {where:>9}  {level}  {f.id}  {_clean(f.message)}")
            if f.location.pointer:
                lines.append(f"  {'':>9}        at {_clean(f.location.pointer)}")
        lines.append("")
    counts = summarize(findings)
    if not findings:
        lines.append(f"{report.command}: no findings in {len(report.inputs)} contract(s)")
    else:
        parts = ", ".join(f"{counts[n]} {n}" for n in ("ERR", "WARN", "INFO") if counts[n])
        verdict = "FAIL" if report.failed else "ok"
        lines.append(
            f"{report.command}: {counts['total']} finding(s) ({parts}) in "
            f"{len(report.inputs)} contract(s); fail-on {report.fail_on}: {verdict}"
        )
    waived = report.meta.get("waived") or []
    if waived:
        lines.append(f"{len(waived)} more finding(s) waived by {report.meta.get('config', 'the config')} (listed by --format json or markdown)")
    return "\n".join(lines) + "\n"

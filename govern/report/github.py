"""GitHub Actions workflow commands: one `::error|warning|notice …::` annotation per finding."""

from __future__ import annotations

from govern.report import Report
from govern.report.sarif import ci_location, default_file
from govern.rules.finding import Finding, Level, sort_findings, summarize

COMMANDS = {Level.ERR: "error", Level.WARN: "warning", Level.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message the way the Actions runner decodes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property value (file, title): also `:` and `,`, which end a property."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding, fallback: str | None = None) -> str:
    ci = ci_location(f, fallback)
    props: list[tuple[str, str]] = []
    if ci.path:
        props.append(("file", ci.path))
        if ci.line:
            props.append(("line", str(ci.line)))
            if ci.col:
                props.append(("col", str(ci.col)))
    props.append(("title", f.id))
    message = f.message
    if f.location.pointer:
        message += f"\nat {f.location.pointer}"
    if ci.origin:
        message += f"\nin {ci.origin}"
    head = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{COMMANDS[f.level]} {head}::{escape_data(message)}"


def summary_line(report: Report) -> str:
    counts = summarize(report.findings)
    verdict = "FAIL" if report.failed else "ok"
    if not report.findings:
        found = "no findings"
    else:
        parts = ", ".join(f"{counts[n]} {n}" for n in ("ERR", "WARN", "INFO") if counts[n])
        found = f"{counts['total']} finding(s) ({parts})"
    return (
        f"govern {report.command}: {found} in {len(report.inputs)} contract(s); "
        f"fail-on {report.fail_on}: {verdict}"
    )


def render(report: Report, *, color: bool = False) -> str:
    fallback = default_file(report)
    lines = [annotation(f, fallback) for f in sort_findings(report.findings)]
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"

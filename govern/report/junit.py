"""JUnit XML for CI test-report widgets: a testsuite per contract file, a testcase per finding.

A finding at or above the report's fail-on level is a `<failure>` (exactly the findings that make
the command exit 1); the others are passing testcases that carry their text in `<system-out>`.
A run without findings has one passing testcase, because several readers treat a report without
any testcase as a missing report.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import groupby

from govern.report import Report
from govern.rules.finding import Finding, Level, sort_findings

NO_FILE = "(no file)"

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    """`text` with every character XML 1.0 forbids written as a visible `\\uXXXX`, and line
    breaks as `\\n` (what an XML reader would make of them anyway)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _threshold(report: Report) -> Level:
    try:
        return Level.parse(report.fail_on)
    except ValueError:
        return Level.ERR


def _where(f: Finding) -> str:
    if f.location.pointer:
        return f.location.pointer
    if f.location.line is not None:
        return f"line {f.location.line}"
    return ""


def _body(f: Finding) -> str:
    """The full text of a finding: level and rule, place, message."""
    lines = [f"{f.level.name} {f.id}"]
    place = f.location.short()
    if place:
        lines.append(f"file: {place}")
    if f.location.pointer:
        lines.append(f"at: {f.location.pointer}")
    lines.append(f.message)
    return "\n".join(lines)


def _testcase(suite: ET.Element, f: Finding, name: str, threshold: Level) -> bool:
    """Add the testcase for `f`; True when it is a failure."""
    attrs = {"classname": _clean(f.location.file or NO_FILE), "name": _clean(name), "time": "0"}
    if f.location.file:
        attrs["file"] = _clean(f.location.file)
        if f.location.line is not None:
            attrs["line"] = str(f.location.line)
    case = ET.SubElement(suite, "testcase", attrs)
    if f.level >= threshold:
        failure = ET.SubElement(case, "failure", {"message": _clean(f.message), "type": f.level.name})
        failure.text = _clean(_body(f))
        return True
    ET.SubElement(case, "system-out").text = _clean(_body(f))
    return False


def _counts(element: ET.Element, tests: int, failures: int) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", "0")
    element.set("skipped", "0")
    element.set("time", "0")


def render(report: Report, *, color: bool = False) -> str:
    threshold = _threshold(report)
    title = f"govern {report.command}"
    root = ET.Element("testsuites", {"name": _clean(title)})
    findings = sort_findings(report.findings)
    by_file = sorted(findings, key=lambda f: (f.location.file or "", f.location.line or 0, -f.level))
    total = total_failures = 0
    for file, group in groupby(by_file, key=lambda f: f.location.file or ""):
        suite = ET.SubElement(root, "testsuite", {"name": _clean(file or NO_FILE)})
        names: dict[str, int] = {}
        tests = failures = 0
        for f in group:
            where = _where(f)
            name = f"{f.id} at {where}" if where else f.id
            names[name] = names.get(name, 0) + 1
            if names[name] > 1:
                name = f"{name} ({names[name]})"
            failures += _testcase(suite, f, name, threshold)
            tests += 1
        _counts(suite, tests, failures)
        total, total_failures = total + tests, total_failures + failures
    if not findings:
        suite = ET.SubElement(root, "testsuite", {"name": _clean(title)})
        passed = "no breaking changes" if report.command == "diff" else "no findings"
        case = ET.SubElement(suite, "testcase", {"classname": _clean(title), "name": passed, "time": "0"})
        inputs = "\n".join(report.inputs)
        ET.SubElement(case, "system-out").text = _clean(f"{len(report.inputs)} contract(s) checked\n{inputs}".rstrip())
        _counts(suite, 1, 0)
        total = 1
    _counts(root, total, total_failures)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"

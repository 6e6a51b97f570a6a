"""Machine-readable JSON report; its shape is published in govern/data/schemas/report.schema.json."""

from __future__ import annotations

import gc
import json
from typing import Any

from govern import __version__
from govern.report import Report
from govern.rules.finding import sort_findings, summarize

SCHEMA_ID = "https://govern.dev/schemas/report-1.json"


def render(report: Report, *, color: bool = False) -> str:
    return render_bytes(report).decode("utf-8")


def render_bytes(report: Report) -> bytes:
    """The report as UTF-8 bytes (what `govern` writes: no decoding and re-encoding of a report
    that can be tens of MB)."""
    enabled = gc.isenabled()
    gc.disable()  # tens of thousands of short-lived objects: collections would rescan the whole heap
    try:
        findings = sort_findings(report.findings)
        doc = {
            "$schema": SCHEMA_ID,
            "tool": {"name": "govern", "version": __version__},
            "command": report.command,
            "inputs": report.inputs,
            "findings": [f.to_dict() for f in findings],
            "summary": {
                **summarize(findings),
                "fail_on": report.fail_on,
                "failed": report.failed,
            },
        }
        if report.meta:
            doc["meta"] = report.meta
        return indented_line(doc)
    finally:
        if enabled:
            gc.enable()


def indented(value: Any) -> str:
    """`value` as JSON indented by two spaces, non-ASCII kept, keys in insertion order.

    orjson writes it 20-30x faster than the standard library, whose indented encoder is pure
    Python (1.2 s against 0.04 s for the 60,000 findings of the Stripe diff). The text is the
    same as `json.dumps(value, indent=2, ensure_ascii=False)` except that floats below 1e-4 are
    spelled without an exponent (0.00001) and NaN/Infinity, which JSON has no spelling for,
    become null. Integers beyond 64 bits, which orjson refuses, go to the standard library."""
    return indented_line(value)[:-1].decode("utf-8")


def indented_line(value: Any) -> bytes:
    """`indented(value)` and a line break, as UTF-8 bytes."""
    import orjson

    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")

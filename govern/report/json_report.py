"""Machine-readable JSON report; its shape is published in govern/data/schemas/report.schema.json."""

from __future__ import annotations

import gc
import json
from json.encoder import encode_basestring  # the C version when the interpreter has it
from typing import Any

from govern import __version__
from govern.report import Report
from govern.rules.finding import Finding, Location, sort_findings, summarize

SCHEMA_ID = "https://govern.dev/schemas/report-1.json"


def render(report: Report, *, color: bool = False) -> str:
    enabled = gc.isenabled()
    gc.disable()  # tens of thousands of short-lived objects: collections would rescan the whole heap
    try:
        findings = sort_findings(report.findings)
        doc = {
            "$schema": SCHEMA_ID,
            "tool": {"name": "govern", "version": __version__},
            "command": report.command,
            "inputs": report.inputs,
            "findings": _Raw(_MARK if findings else "[]"),
            "summary": {**summarize(findings), "fail_on": report.fail_on, "failed": report.failed},
        }
        if report.meta:
            doc["meta"] = report.meta
        text = dumps(doc)
        if not findings:
            return text + "\n"
        head, tail = text.split(_MARK)
        # One join of every piece: a report of 50 MB is built once, not copied level by level.
        pieces = [head, "[\n    "]
        pieces.extend(_finding_texts(findings))
        pieces.append("\n  ]")
        pieces.append(tail)
        pieces.append("\n")
        return "".join(pieces)
    finally:
        if enabled:
            gc.enable()


# Stands for the findings array while the rest is written (encoded strings never hold a NUL).
_MARK = "\x00findings\x00"


class _Raw(str):
    """Already-rendered JSON text, placed as is by `dumps`."""


def _finding_texts(findings: list[Finding]) -> list[str]:
    """The items of the `findings` array (nesting level 2) with the separators between them:
    each finding written straight from its fields, as `dumps(f.to_dict(), 2)` would."""
    enc = encode_basestring
    out: list[str] = []
    add = out.append
    for n, f in enumerate(findings):
        if n:
            add(",\n    ")
        loc = f.location
        if type(f) is not Finding or type(loc) is not Location or type(f.id) is not str or type(f.message) is not str:
            add(dumps(f.to_dict(), 2))
            continue
        file, line, col, pointer = loc.file, loc.line, loc.col, loc.pointer
        text = (
            '{\n      "id": ' + enc(f.id)
            + ',\n      "level": ' + enc(f.level.name)
            + ',\n      "message": ' + enc(f.message)
            + ',\n      "location": {\n        "file": ' + (enc(file) if type(file) is str else dumps(file, 4))
            + ',\n        "line": ' + (int.__repr__(line) if type(line) is int else dumps(line, 4))
            + ',\n        "col": ' + (int.__repr__(col) if type(col) is int else dumps(col, 4))
            + ',\n        "pointer": ' + (enc(pointer) if type(pointer) is str else dumps(pointer, 4))
            + "\n      }"
        )
        if f.kind:
            text += ',\n      "kind": ' + dumps(f.kind, 3)
        if f.details:
            text += ',\n      "details": ' + dumps(dict(f.details), 3)
        add(text + "\n    }")
    return out


_INDENTS = ["\n" + "  " * n for n in range(64)]


def dumps(value: Any, level: int = 0) -> str:
    """The text of `json.dumps(value, indent=2, ensure_ascii=False)`, built several times faster
    (the standard library writes indented JSON with its pure-Python encoder)."""
    t = type(value)
    if t is str:
        return encode_basestring(value)
    if t is _Raw:
        return str.__str__(value)
    if t is dict:
        if not value:
            return "{}"
        if level + 1 >= len(_INDENTS):
            return _stdlib(value, level)
        inner = _INDENTS[level + 1]
        parts = []
        for key, item in value.items():
            k = encode_basestring(key) if type(key) is str else _key(key)
            tv = type(item)
            if tv is str:
                parts.append(f"{k}: {encode_basestring(item)}")
            elif tv is int:
                parts.append(f"{k}: {int.__repr__(item)}")
            elif item is None:
                parts.append(f"{k}: null")
            else:
                parts.append(f"{k}: {dumps(item, level + 1)}")
        return "{" + inner + ("," + inner).join(parts) + _INDENTS[level] + "}"
    if t is list:
        if not value:
            return "[]"
        if level + 1 >= len(_INDENTS):
            return _stdlib(value, level)
        inner = _INDENTS[level + 1]
        return "[" + inner + ("," + inner).join([dumps(item, level + 1) for item in value]) + _INDENTS[level] + "]"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if t is int:
        return int.__repr__(value)
    return _stdlib(value, level)


def _key(key: Any) -> str:
    """A non-string key the way json.dumps writes it (or its TypeError)."""
    text = json.dumps({key: 0}, ensure_ascii=False)
    return text[1 : text.rindex(":")]


def _stdlib(value: Any, level: int) -> str:
    """Anything unusual (floats, subclasses, very deep nesting): the standard library's own text."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return text.replace("\n", _INDENTS[level]) if level and "\n" in text else text

"""Every OpenAPI rule has a case folder (tests/cases/openapi/<rule-id>/) and the case passes.

A case is `base.yaml`, `revision.yaml` and `expected.json` (see tests/cases/openapi/_generate.py):
the findings listed in `expect` must be reported with their level; with `exact`, nothing else
is reported at WARN or ERR.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from govern.diff.openapi import Settings, diff_openapi
from govern.rules.registry import REGISTRY

CASES = Path(__file__).resolve().parents[1] / "cases" / "openapi"
FOLDERS = sorted(p for p in CASES.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def load(path: Path) -> Any:
    """A loaded contract without spec validation (some cases are deliberately minimal)."""
    from govern.load.files import load_document
    from govern.load.model import Contract, Limits
    from govern.load.refs import load_tree

    doc = load_document(str(path), Limits())
    version = str(doc.data.get("openapi", ""))
    resolver = load_tree(doc, Limits(), boundary=str(path.parent), use_ids=not version.startswith("3.0"))
    return Contract("openapi", doc.path, version, doc, dict(resolver.documents))


def run_case(folder: Path) -> tuple[dict[str, Any], list[Any]]:
    expected = json.loads((folder / "expected.json").read_text())
    settings = Settings(today=date(2026, 1, 1), **expected.get("settings", {}))
    findings = diff_openapi(load(folder / "base.yaml"), load(folder / "revision.yaml"), settings)
    return expected, findings


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_case(folder: Path) -> None:
    expected, findings = run_case(folder)
    got = Counter((f.id, f.level.name) for f in findings)
    for want in expected["expect"]:
        key = (want["id"], want["level"])
        assert got[key] >= want.get("count", 1), f"missing {key}; got {sorted(got)}"
        if "count" in want:
            assert got[key] == want["count"], f"{key} reported {got[key]} times, expected {want['count']}"
    if expected.get("exact"):
        allowed = {w["id"] for w in expected["expect"]}
        extra = sorted({f.id for f in findings if f.level.name in ("ERR", "WARN") and f.id not in allowed})
        assert not extra, f"unexpected breaking findings {extra}"
    for f in findings:
        assert f.location.pointer is not None, f
        assert f.location.file, f
        if f.id != "unclassified-change" or f.location.line is not None:
            assert f.location.line, f


def test_every_openapi_rule_has_a_case() -> None:
    rules = {r.id for r in REGISTRY.rules("openapi")}
    folders = {f.name for f in FOLDERS}
    assert rules - folders == set(), f"rules without a case folder: {sorted(rules - folders)}"
    assert folders - rules == set(), f"case folders of unknown rules: {sorted(folders - rules)}"


def test_case_folders_name_their_rule() -> None:
    for folder in FOLDERS:
        expected = json.loads((folder / "expected.json").read_text())
        assert expected["rule"] == folder.name
        assert any(w["id"] == folder.name for w in expected["expect"])


def test_every_rule_is_declared_with_a_description() -> None:
    for r in REGISTRY.rules("openapi"):
        assert r.description and r.description.endswith("."), r
        assert r.area, r

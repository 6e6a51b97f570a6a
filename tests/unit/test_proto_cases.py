"""Every protobuf breaking rule has a case folder, and each case gives exactly its expected findings.

tests/cases/proto/<RULE_ID>/ holds base/ and revision/ (.proto trees, each with a buf.yaml that
selects a category containing the rule) and expected.json: the exact findings, as
[{id, message, file, line}] with `file` relative to the case folder.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from govern.diff.proto import diff_proto, find_buf_config
from govern.load.proto import load_proto
from govern.rules.registry import REGISTRY

CASES = Path(__file__).resolve().parents[1] / "cases" / "proto"
CASE_IDS = sorted(p.name for p in CASES.iterdir() if p.is_dir()) if CASES.is_dir() else []


def run_case(case: Path) -> list[dict[str, object]]:
    base = load_proto(str(case / "base"))
    revision = load_proto(str(case / "revision"))
    config = find_buf_config(str(case / "revision"))
    findings = diff_proto(base, revision, config=config)
    return [
        {
            "id": f.id,
            "message": f.message,
            "file": os.path.relpath(os.path.abspath(f.location.file or ""), case).replace(os.sep, "/"),
            "line": f.location.line,
        }
        for f in findings
    ]


@pytest.mark.parametrize("rule_id", CASE_IDS)
def test_case(rule_id: str) -> None:
    case = CASES / rule_id
    expected = json.loads((case / "expected.json").read_text())
    got = run_case(case)
    assert got == expected
    assert rule_id in {f["id"] for f in got}, f"the case of {rule_id} does not trigger it"


def test_every_proto_rule_has_a_case() -> None:
    rules = {r.id for r in REGISTRY.rules("proto")}
    assert len(rules) == 64
    assert rules == set(CASE_IDS), (
        f"rules without a case: {sorted(rules - set(CASE_IDS))}; "
        f"cases without a rule: {sorted(set(CASE_IDS) - rules)}"
    )


def test_every_proto_rule_is_complete() -> None:
    for r in REGISTRY.rules("proto"):
        assert r.kind == "proto" and r.level.name == "ERR"
        assert r.description and r.why and r.categories, r
        assert r.check is not None


def test_docs_list_every_proto_rule() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "proto-rules.md").read_text()
    missing = [r.id for r in REGISTRY.rules("proto") if f"| `{r.id}`" not in docs]
    assert not missing, f"docs/proto-rules.md does not list {missing}"

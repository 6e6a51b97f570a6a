"""Confluent Schema Registry's 263 JSON Schema cases, wrapped as AsyncAPI 3.0 `receive` payloads.

Each case's `original_schema` and `update_schema` are written to a schema file next to an AsyncAPI
3.0 document whose only operation receives a message with `payload: {$ref: payload.json}`, the
way a team keeps registry schemas in their own files. `govern diff` on the two documents must
give the verdict the plain comparator gives on the two schemas (a receive operation is checked
BACKWARD, the mode of the corpus labels), under both policies, with every difference reported as
a finding of its type. The corpus lives outside the repository (../shared/corpora/jsonschema);
these tests skip when it is absent.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from govern.diff.asyncapi import diff_asyncapi
from govern.diff.run import DiffOptions
from govern.diff.schema import compare, is_compatible
from govern.load import load_contract
from govern.rules.finding import Finding, Level
from tests.unit.test_schema_corpus import CASES, CORPUS, VERDICT_DISAGREEMENTS

MISSING = pytest.mark.skip(reason=f"JSON Schema corpus not found at {CORPUS}")


def asyncapi_document(payload_file: str) -> dict[str, Any]:
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Registry subject", "version": "1.0.0"},
        "channels": {
            "subject": {
                "address": "subject-value",
                "messages": {"event": {"name": "Event", "payload": {"$ref": payload_file}}},
            },
        },
        "operations": {
            "consume": {
                "action": "receive",
                "channel": {"$ref": "#/channels/subject"},
                "messages": [{"$ref": "#/channels/subject/messages/event"}],
            },
        },
    }


def wrap(tmp: Path, name: str, schema: Any) -> str:
    folder = tmp / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "payload.json").write_text(json.dumps(schema), encoding="utf-8")
    doc = folder / "asyncapi.json"
    doc.write_text(json.dumps(asyncapi_document("payload.json")), encoding="utf-8")
    return str(doc)


def asyncapi_findings(tmp: Path, case: dict[str, Any], policy: str) -> list[Finding]:
    base = load_contract(wrap(tmp, "base", case["original_schema"]))
    revision = load_contract(wrap(tmp, "revision", case["update_schema"]))
    return diff_asyncapi(base, revision, DiffOptions(strictness=policy))


def compatible(findings: list[Finding]) -> bool:
    return not any(f.level == Level.ERR for f in findings)


def params() -> list[Any]:
    if not CASES:
        return [pytest.param("absent", marks=MISSING)]
    return list(CASES)


@pytest.mark.parametrize("case_id", params())
def test_wrapped_verdict_matches_the_comparator(case_id: str, tmp_path: Path) -> None:
    case = CASES[case_id]
    old, new = case["original_schema"], case["update_schema"]
    for policy in ("strict", "lenient"):
        findings = asyncapi_findings(tmp_path / policy, case, policy)
        plain = compare(old, new, policy=policy)
        assert compatible(findings) == is_compatible(plain, policy), (policy, case["description"])
        assert Counter(f.id for f in findings if f.kind == "jsonschema") == Counter(d.type for d in plain), policy
        assert all(f.kind == "jsonschema" for f in findings), [f.id for f in findings]
        for f in findings:
            assert "receive via consume" in f.message and "BACKWARD" in f.message
            assert f.location.file and f.location.file.endswith(".json")


@pytest.mark.skipif(not CASES, reason=f"JSON Schema corpus not found at {CORPUS}")
def test_wrapped_agreement_with_the_registry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    total = len(CASES)
    agree = {"strict": 0, "lenient": 0}
    for index, (case_id, case) in enumerate(CASES.items()):
        for policy in agree:
            expected = case["compatible"] if policy == "strict" else case.get("compatible_lenient", case["compatible"])
            got = compatible(asyncapi_findings(tmp_path / f"{index}-{policy}", case, policy))
            agree[policy] += got == expected
            assert (got == expected) != (case_id in VERDICT_DISAGREEMENTS), (case_id, policy)
    with capsys.disabled():
        print(f"\nAsyncAPI-wrapped JSON Schema corpus (receive = BACKWARD): strict {agree['strict']}/{total}, "
              f"lenient {agree['lenient']}/{total}; the rest are govern's documented deliberate disagreements")
    expected_agreement = total - len(VERDICT_DISAGREEMENTS)
    assert agree == {"strict": expected_agreement, "lenient": expected_agreement}

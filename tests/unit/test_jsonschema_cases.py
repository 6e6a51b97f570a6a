"""Every JSON Schema difference type has a case folder, and each case gives exactly its expected differences.

tests/cases/jsonschema/<TYPE>/ holds base.json and revision.json (two revisions of one schema) and
expected.json:

    {"mode": "BACKWARD", "policy": "strict", "compatible": false,
     "differences": ["TYPE #/pointer", ...],            # the exact, ordered str() of each Difference
     "also": [{"policy": "lenient", "compatible": true, "differences": [...]}],   # optional
     "xfail": "why the engine is wrong here"}           # optional: the expectation is what is right

A type the engine never emits has only expected.json, {"unreachable": "<why>"}, and must be
documented as such in docs/schema-compat.md.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from govern.diff.schema import check, compare_directed, directions, is_compatible
from govern.diff.schema.rules import DIFFERENCE_TYPES
from govern.rules.finding import Level
from govern.rules.registry import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases" / "jsonschema"
DOC = ROOT / "docs" / "schema-compat.md"
CASE_IDS = sorted(p.name for p in CASES.iterdir() if p.is_dir()) if CASES.is_dir() else []


def _expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CASES / name / "expected.json").read_text(encoding="utf-8"))
    return data


def _params() -> list[Any]:
    out = []
    for name in CASE_IDS:
        exp = _expected(name)
        if "unreachable" in exp:
            continue
        marks = [pytest.mark.xfail(reason=exp["xfail"], strict=True)] if "xfail" in exp else []
        out.append(pytest.param(name, id=name, marks=marks))
    return out


UNREACHABLE = [name for name in CASE_IDS if "unreachable" in _expected(name)]


def _checks(exp: dict[str, Any]) -> list[dict[str, Any]]:
    """The main expectation and the extra ones under other policies, each with mode and policy."""
    first = {k: exp[k] for k in ("mode", "policy", "compatible", "differences")}
    return [first, *({"mode": exp["mode"], **extra} for extra in exp.get("also", []))]


@pytest.mark.parametrize("name", _params())
def test_case(name: str) -> None:
    case = CASES / name
    base = json.loads((case / "base.json").read_text(encoding="utf-8"))
    revision = json.loads((case / "revision.json").read_text(encoding="utf-8"))
    for want in _checks(_expected(name)):
        mode, policy = want["mode"], want["policy"]
        diffs = [d for direction in directions(mode)
                 for d in compare_directed(base, revision, direction, policy=policy)]
        assert [str(d) for d in diffs] == want["differences"], f"{mode}/{policy}"
        assert is_compatible(diffs, policy) is want["compatible"], f"{mode}/{policy}"
        assert check(base, revision, mode, policy).compatible is want["compatible"], f"{mode}/{policy}"
        assert name in {d.type for d in diffs}, f"the case of {name} does not report it ({policy})"


@pytest.mark.parametrize("name", UNREACHABLE)
def test_unreachable_type_is_documented(name: str) -> None:
    assert _expected(name)["unreachable"].strip()
    assert not (CASES / name / "base.json").exists() and not (CASES / name / "revision.json").exists()
    text = DOC.read_text(encoding="utf-8")
    assert re.search(rf"(?<![A-Z_]){name}(?![A-Z_])", text), (
        f"{name} has no case; docs/schema-compat.md must say why the engine never reports it")


def test_every_jsonschema_rule_has_a_case() -> None:
    rules = {r.id for r in REGISTRY.rules("jsonschema")}
    assert rules == set(DIFFERENCE_TYPES)
    assert rules == set(CASE_IDS), (
        f"rules without a case: {sorted(rules - set(CASE_IDS))}; "
        f"cases without a rule: {sorted(set(CASE_IDS) - rules)}"
    )


def test_unreachable_list_stays_short() -> None:
    assert len(UNREACHABLE) <= 5, UNREACHABLE


def test_expectations_agree_with_the_verdict_table() -> None:
    """A case whose differences are all of its own type has that type's verdict under each policy,
    and a rule's level says whether its type breaks readers under STRICT."""
    for name in CASE_IDS:
        exp = _expected(name)
        t = DIFFERENCE_TYPES[name]
        assert (REGISTRY.get("jsonschema", name).level is Level.INFO) is t.strict, name
        if "unreachable" in exp:
            continue
        for want in _checks(exp):
            types = {d.split(" ", 1)[0] for d in want["differences"]}
            assert want["policy"] in ("strict", "lenient"), name
            if types == {name}:
                verdict = t.strict if want["policy"] == "strict" else t.lenient
                assert want["compatible"] is verdict, f"{name} under {want['policy']}"

"""`govern diff` on plain JSON Schema files: modes, policies, transitive history, locations, refs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from govern.diff.run import DiffOptions, diff_contracts
from govern.diff.schema.files import ContractResolver, diff_schema_files, json_safe, schema_parts
from govern.load import load_contract
from govern.rules.finding import Finding, Level

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "contracts" / "schemas"
D2020 = "https://json-schema.org/draft/2020-12/schema"


def bundled(**options: Any) -> list[Finding]:
    base = load_contract(str(SCHEMAS / "v1" / "order-placed.schema.json"))
    revision = load_contract(str(SCHEMAS / "v2" / "order-placed.schema.json"))
    return diff_contracts(base, revision, DiffOptions(**options))


def table(findings: list[Finding]) -> set[tuple[str, str, str]]:
    """(type, level, pointer as written in the message) of each finding."""
    return {(f.id, f.level.name, f.message.split(":", 1)[0]) for f in findings}


# README, schemas section: S1-S6 per mode.
BACKWARD = {
    ("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", "INFO", "#/properties/coupon_code"),  # S1
    ("ENUM_ARRAY_EXTENDED", "INFO", "#/properties/channel/enum"),  # S2
    ("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", "ERR", "#/properties/shipping_country"),  # S3
    ("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "ERR", "#/properties/legacy_order_number"),  # S4
    ("MAX_LENGTH_DECREASED", "ERR", "#/properties/customer_note/maxLength"),  # S5
    ("TYPE_CHANGED", "ERR", "#/properties/total/properties/amount_minor"),  # S6
}
FORWARD = {
    ("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "ERR", "#/properties/coupon_code"),  # S1
    ("ENUM_ARRAY_NARROWED", "ERR", "#/properties/channel/enum"),  # S2
    ("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "ERR", "#/properties/shipping_country"),  # S3
    ("REQUIRED_ATTRIBUTE_REMOVED", "INFO", "#/required/shipping_country"),  # S3, seen from the new side
    ("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", "INFO", "#/properties/legacy_order_number"),  # S4
    ("MAX_LENGTH_INCREASED", "INFO", "#/properties/customer_note/maxLength"),  # S5
    ("TYPE_CHANGED", "ERR", "#/properties/total/properties/amount_minor"),  # S6
}


def test_default_mode_is_backward() -> None:
    assert table(bundled()) == BACKWARD
    assert table(bundled(mode="BACKWARD")) == BACKWARD


def test_forward() -> None:
    assert table(bundled(mode="FORWARD")) == FORWARD


def test_full_is_both_and_every_edit_breaks() -> None:
    findings = bundled(mode="FULL")
    assert table(findings) == BACKWARD | FORWARD
    broken = {f.location.pointer for f in findings if f.level == Level.ERR}
    assert broken == {
        "/properties/coupon_code", "/properties/channel/enum", "/properties/shipping_country",
        "/properties/legacy_order_number", "/properties/customer_note/maxLength",
        "/$defs/money/properties/amount_minor",
    }


def test_none_reports_everything_as_info() -> None:
    findings = bundled(mode="NONE")
    assert {f.id for f in findings} == {t for t, _, _ in BACKWARD}
    assert all(f.level == Level.INFO for f in findings)
    assert all("NONE" in f.message for f in findings)


def test_locations_follow_refs_and_removals_point_into_the_base() -> None:
    by_id = {f.id: f for f in bundled()}
    money = by_id["TYPE_CHANGED"].location
    assert money.file and money.file.endswith("v2/order-placed.schema.json")
    assert money.pointer == "/$defs/money/properties/amount_minor" and money.line is not None
    removed = by_id["PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"].location
    assert removed.file and removed.file.endswith("v1/order-placed.schema.json")
    assert removed.pointer == "/properties/legacy_order_number" and removed.line is not None


def test_findings_are_jsonschema_rules_with_details() -> None:
    for f in bundled(mode="FULL"):
        assert f.kind == "jsonschema"
        details = dict(f.details)
        assert details["mode"] == "FULL" and details["direction"] in ("backward", "forward")
        json.dumps(f.to_dict())


def test_lenient_policy() -> None:
    strict = {f.id: f.level for f in bundled()}
    lenient = {f.id: f.level for f in bundled(strictness="lenient")}
    assert strict["PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"] == Level.ERR
    assert lenient["PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"] == Level.INFO
    assert lenient["TYPE_CHANGED"] == Level.ERR


# --- transitive --------------------------------------------------------------------------------
def write_schema(path: Path, schema: Any) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"$schema": D2020, **schema}, indent=2))
    return str(path)


def obj(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props, "additionalProperties": False}


def test_transitive_checks_every_earlier_revision(tmp_path: Path) -> None:
    # r1 allows a, b; r2 narrows to a (breaking vs r1, but r2 is history); r3 = revision adds c.
    r1 = load_contract(write_schema(tmp_path / "r1.json", obj(kind={"enum": ["a", "b"]})))
    r2 = load_contract(write_schema(tmp_path / "r2.json", obj(kind={"enum": ["a"]})))
    r3 = load_contract(write_schema(tmp_path / "r3.json", obj(kind={"enum": ["a", "c"]})))
    plain = diff_schema_files(r2, r3, DiffOptions(mode="BACKWARD", history=[r1]))
    assert [(f.id, f.level) for f in plain] == [("ENUM_ARRAY_EXTENDED", Level.INFO)]  # history ignored
    transitive = diff_schema_files(r2, r3, DiffOptions(mode="BACKWARD_TRANSITIVE", history=[r1]))
    assert [(f.id, f.level) for f in transitive] == [("ENUM_ARRAY_EXTENDED", Level.INFO),
                                                     ("ENUM_ARRAY_CHANGED", Level.ERR)]
    assert "against the earlier revision" in transitive[1].message and "r1.json" in transitive[1].message
    assert dict(transitive[1].details)["against"].endswith("r1.json")


def test_transitive_does_not_repeat_what_the_base_check_found(tmp_path: Path) -> None:
    r1 = load_contract(write_schema(tmp_path / "r1.json", obj(n={"type": "integer"})))
    r2 = load_contract(write_schema(tmp_path / "r2.json", obj(n={"type": "integer"})))
    r3 = load_contract(write_schema(tmp_path / "r3.json", obj(n={"type": "string"})))
    findings = diff_schema_files(r2, r3, DiffOptions(mode="FULL_TRANSITIVE", history=[r1]))
    assert sorted((f.id, dict(f.details)["direction"]) for f in findings) == [
        ("TYPE_CHANGED", "backward"), ("TYPE_CHANGED", "forward")]


# --- multi-file schemas --------------------------------------------------------------------------
def test_relative_file_refs_resolve_and_locate(tmp_path: Path) -> None:
    for rev, limit in (("v1", 10), ("v2", 5)):
        write_schema(tmp_path / rev / "common" / "name.json", {"type": "string", "maxLength": limit})
        write_schema(tmp_path / rev / "event.json", obj(name={"$ref": "common/name.json"}))
    base = load_contract(str(tmp_path / "v1" / "event.json"))
    revision = load_contract(str(tmp_path / "v2" / "event.json"))
    findings = diff_schema_files(base, revision, DiffOptions())
    assert [(f.id, f.level) for f in findings] == [("MAX_LENGTH_DECREASED", Level.ERR)]
    loc = findings[0].location
    assert loc.file and loc.file.endswith("v2/common/name.json") and loc.pointer == "/maxLength" and loc.line


def test_embedded_ids_and_anchors(tmp_path: Path) -> None:
    def schema(t: str) -> dict[str, Any]:
        return {"$id": "https://example.com/s.json", **obj(a={"$ref": "#thing"}),
                "$defs": {"thing": {"$anchor": "thing", "type": t}}}

    base = load_contract(write_schema(tmp_path / "a.json", schema("integer")))
    revision = load_contract(write_schema(tmp_path / "b.json", schema("number")))
    findings = diff_schema_files(base, revision, DiffOptions())
    assert [(f.id, f.level) for f in findings] == [("TYPE_EXTENDED", Level.INFO)]
    assert findings[0].location.pointer == "/properties/a"  # reported where the definition is used


def test_recursive_schemas_terminate(tmp_path: Path) -> None:
    def tree(t: str) -> dict[str, Any]:
        return {"$ref": "#/$defs/node", "$defs": {"node": obj(v={"type": t}, kids={"type": "array",
                                                                                 "items": {"$ref": "#/$defs/node"}})}}

    base = load_contract(write_schema(tmp_path / "a.json", tree("integer")))
    revision = load_contract(write_schema(tmp_path / "b.json", tree("string")))
    findings = diff_schema_files(base, revision, DiffOptions())
    assert [f.id for f in findings] == ["TYPE_CHANGED"]


def test_resolver_refuses_unknown_documents(tmp_path: Path) -> None:
    contract = load_contract(write_schema(tmp_path / "a.json", obj()))
    resolver = ContractResolver(contract)
    with pytest.raises(LookupError):
        resolver("missing.json#/x")
    with pytest.raises(LookupError):
        resolver("#/nope")
    node, key = resolver("#/properties")
    assert node == {} and key.endswith("a.json#/properties")


def test_helpers() -> None:
    assert schema_parts("#/") == []
    assert schema_parts("#/properties/a~1b/items") == ["properties", "a/b", "items"]
    from fractions import Fraction

    assert json_safe({"a": (Fraction(1, 2), Fraction(4, 2)), "b": {1, 2}}) == {"a": [0.5, 2], "b": [1, 2]}

"""Behaviour of the OpenAPI diff that the per-rule cases do not show on their own."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from govern.diff.openapi import Settings, diff_openapi
from govern.rules.finding import Level

S = {"type": "string"}


def spec(paths: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"openapi": "3.0.3", "info": {"title": "T", "version": "1.0.0"}, "paths": paths, **extra}


def body_op(schema: Any, direction: str = "response") -> dict[str, Any]:
    if direction == "request":
        return {"post": {"requestBody": {"content": {"application/json": {"schema": schema}}}, "responses": {"200": {"description": "OK"}}}}
    return {"get": {"responses": {"200": {"description": "OK", "content": {"application/json": {"schema": schema}}}}}}


def ids(findings: list[Any], at_least: Level = Level.INFO) -> list[str]:
    return sorted(f.id for f in findings if f.level >= at_least)


def write(tmp: Path, name: str, data: Any) -> Path:
    path = tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def load(path: Path) -> Any:
    from govern.load import load_contract

    return load_contract(str(path))


def test_identical_documents_have_no_findings() -> None:
    doc = spec({"/a/{id}": {"parameters": [{"name": "id", "in": "path", "required": True, "schema": S}], **body_op({"type": "object", "properties": {"x": S}})}})
    assert diff_openapi(doc, copy.deepcopy(doc)) == []


def test_path_parameter_rename_is_not_a_change() -> None:
    def doc(name: str) -> dict[str, Any]:
        return spec({f"/orders/{{{name}}}": {"get": {"parameters": [{"name": name, "in": "path", "required": True, "schema": S}], "responses": {"200": {"description": "OK"}}}}})

    assert diff_openapi(doc("id"), doc("orderId")) == []


def test_inline_schema_moved_to_components_is_not_a_change() -> None:
    schema = {"type": "object", "properties": {"name": S}, "required": ["name"]}
    base = spec({"/pets": body_op(schema)})
    revision = spec({"/pets": body_op({"$ref": "#/components/schemas/Pet"})}, components={"schemas": {"Pet": schema}})
    assert diff_openapi(base, revision) == []
    # The other way round a named schema disappears from components: informational only.
    assert [(f.id, f.level) for f in diff_openapi(revision, base)] == [("api-schema-removed", Level.INFO)]


def test_change_inside_a_shared_component_is_reported_per_operation() -> None:
    def doc(max_length: int) -> dict[str, Any]:
        pet = {"type": "object", "properties": {"name": {"type": "string", "maxLength": max_length}}}
        ref = {"$ref": "#/components/schemas/Pet"}
        return spec({"/a": body_op(ref, "request"), "/b": body_op(ref, "request")}, components={"schemas": {"Pet": pet}})

    found = [f for f in diff_openapi(doc(10), doc(5)) if f.id == "request-property-max-length-decreased"]
    assert len(found) == 2
    assert {dict(f.details)["operation"] for f in found} == {"POST /a", "POST /b"}
    assert {f.location.pointer for f in found} == {"/components/schemas/Pet/properties/name/maxLength"}


def test_direction_request_tightening_breaks_response_tightening_does_not() -> None:
    def doc(schema: Any, direction: str) -> dict[str, Any]:
        return spec({"/a": body_op(schema, direction)})

    loose, tight = {"type": "string", "maxLength": 10}, {"type": "string", "maxLength": 5}
    assert "request-body-max-length-decreased" in ids(diff_openapi(doc(loose, "request"), doc(tight, "request")), Level.ERR)
    assert ids(diff_openapi(doc(loose, "response"), doc(tight, "response")), Level.WARN) == []
    assert "response-body-max-length-increased" in ids(diff_openapi(doc(tight, "response"), doc(loose, "response")), Level.ERR)


def test_enum_value_added_to_response_may_break() -> None:
    def doc(values: list[str]) -> dict[str, Any]:
        return spec({"/a": body_op({"type": "object", "properties": {"s": {"type": "string", "enum": values}}})})

    found = diff_openapi(doc(["a"]), doc(["a", "b"]))
    assert [(f.id, f.level) for f in found if f.id != "unclassified-change"] == [("response-property-enum-value-added", Level.WARN)]


def test_unparseable_sunset_is_a_finding_not_a_crash() -> None:
    base = spec({"/a": {"get": {"responses": {"200": {"description": "OK"}}}}})
    revision = spec({"/a": {"get": {"deprecated": True, "x-sunset": "when pigs fly", "responses": {"200": {"description": "OK"}}}}})
    found = diff_openapi(base, revision)
    assert ids(found, Level.ERR) == ["api-deprecated-sunset-parse"]
    assert "when pigs fly" in next(f.message for f in found if f.id == "api-deprecated-sunset-parse")


def test_unresolvable_ref_is_reported_not_raised() -> None:
    base = spec({"/a": body_op({"$ref": "#/components/schemas/Missing"})})
    revision = spec({"/a": body_op({"$ref": "#/components/schemas/Gone"})})
    found = diff_openapi(base, revision)
    assert any(f.id == "unclassified-change" and "cannot resolve" in f.message for f in found)


def test_vendor_extensions_and_metadata_are_unclassified_changes() -> None:
    base = spec({"/a": {"get": {"summary": "old", "responses": {"200": {"description": "OK"}}}}})
    revision = spec({"/a": {"get": {"summary": "new", "x-internal": True, "responses": {"200": {"description": "OK"}}}}}, servers=[{"url": "https://x"}])
    found = diff_openapi(base, revision)
    assert {f.id for f in found} == {"unclassified-change"}
    pointers = {f.location.pointer for f in found}
    assert {"/paths/~1a/get/summary", "/paths/~1a/get/x-internal", "/servers"} <= pointers
    assert all(f.level is Level.INFO for f in found)


def test_unclassified_changes_can_be_switched_off() -> None:
    base = spec({"/a": {"get": {"responses": {"200": {"description": "OK"}}}}})
    revision = spec({"/a": {"get": {"x-internal": True, "responses": {"200": {"description": "OK"}}}}})
    assert diff_openapi(base, revision, Settings(unclassified=False)) == []


def test_alpha_operations_are_exempt_but_reported() -> None:
    def doc(required: bool) -> dict[str, Any]:
        param = {"name": "q", "in": "query", "required": required, "schema": S}
        return spec({"/a": {"get": {"x-stability-level": "alpha", "parameters": [param], "responses": {"200": {"description": "OK"}}}}})

    found = [f for f in diff_openapi(doc(False), doc(True)) if f.id == "request-parameter-became-required"]
    assert len(found) == 1 and found[0].level is Level.INFO
    assert dict(found[0].details)["exempt"] == "x-stability-level alpha"


def test_findings_carry_file_line_and_pointer(tmp_path: Path) -> None:
    base = write(tmp_path, "base.yaml", spec({"/a": body_op({"type": "object", "properties": {"x": S, "y": S}})}))
    revision = write(tmp_path, "revision.yaml", spec({"/a": body_op({"type": "object", "properties": {"x": S}})}))
    found = [f for f in diff_openapi(load(base), load(revision)) if f.id == "response-optional-property-removed"]
    assert len(found) == 1
    loc = found[0].location
    assert loc.file and loc.file.endswith("base.yaml")  # a removal points into the base
    assert loc.line and loc.pointer == "/paths/~1a/get/responses/200/content/application~1json/schema/properties/y"


def test_relative_file_refs_are_followed(tmp_path: Path) -> None:
    def tree(folder: str, max_length: int) -> Path:
        write(tmp_path / folder, "schemas/pet.yaml", {"type": "object", "properties": {"name": {"type": "string", "maxLength": max_length}}})
        return write(tmp_path / folder, "openapi.yaml", spec({"/pets": body_op({"$ref": "schemas/pet.yaml"}, "request")}))

    found = diff_openapi(load(tree("v1", 10)), load(tree("v2", 5)))
    hit = [f for f in found if f.id == "request-property-max-length-decreased"]
    assert len(hit) == 1
    assert hit[0].location.file.endswith("pet.yaml") and hit[0].location.line


def test_webhook_operations_are_compared() -> None:
    def doc(required: bool) -> dict[str, Any]:
        hook = {"post": {"requestBody": {"required": required, "content": {"application/json": {"schema": S}}}, "responses": {"200": {"description": "OK"}}}}
        return {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {}, "webhooks": {"created": hook}}

    assert ids(diff_openapi(doc(False), doc(True)), Level.ERR) == ["request-body-became-required"]


def test_govern_rules_lists_the_openapi_catalogue() -> None:
    from govern.rules.registry import REGISTRY

    rules = REGISTRY.rules("openapi")
    assert len(rules) >= 500
    by_id = {r.id: r for r in rules}
    assert by_id["request-parameter-removed"].level is Level.WARN
    assert by_id["response-property-removed" if "response-property-removed" in by_id else "response-required-property-removed"].level is Level.ERR
    assert by_id["request-property-enum-value-removed"].level is Level.ERR


def test_cli_diff_and_rules(tmp_path: Path, govern: Any) -> None:
    base = write(tmp_path, "base.yaml", spec({"/a": body_op(S, "request")}))
    revision = write(tmp_path, "revision.yaml", spec({"/a": body_op({"type": "integer"}, "request")}))
    done = govern("diff", "--format", "json", str(base), str(revision))
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert any(f["id"] == "request-body-type-changed" and f["level"] == "ERR" for f in report["findings"])
    listed = govern("rules", "--kind", "openapi")
    assert listed.returncode == 0 and "request-parameter-removed" in listed.stdout


@pytest.mark.parametrize("sunset", ["2031-02-03", "2031-02-03T10:00:00Z", "2031-02-03T10:00:00+02:00"])
def test_sunset_formats(sunset: str) -> None:
    base = spec({"/a": {"get": {"responses": {"200": {"description": "OK"}}}}})
    revision = spec({"/a": {"get": {"deprecated": True, "x-sunset": sunset, "responses": {"200": {"description": "OK"}}}}})
    found = diff_openapi(base, revision, Settings(deprecation_days_stable=30))
    assert [f.id for f in found] == ["endpoint-deprecated-with-sunset"]


def test_shared_component_chains_judged_alike_from_files_and_from_data(tmp_path: Path) -> None:
    """Loaded contracts take each component's `$ref`s from the loader's ref index, plain data
    scans for them: a change two refs deep (Order -> Line -> Money) is found through both, and
    a `$ref` inside an extension is not followed by either."""

    def doc(currency_max: int) -> dict[str, Any]:
        schemas = {
            "Order": {"type": "object", "properties": {"lines": {"type": "array", "items": {"$ref": "#/components/schemas/Line"}}}},
            "Line": {"type": "object", "properties": {"price": {"$ref": "#/components/schemas/Money"}}, "x-see": {"$ref": "#/components/schemas/Note"}},
            "Money": {"type": "object", "properties": {"currency": {"type": "string", "maxLength": currency_max}}},
            "Note": {"type": "string", "maxLength": currency_max},
        }
        return spec({"/orders": body_op({"$ref": "#/components/schemas/Order"}, "request")}, components={"schemas": schemas})

    base, revision = doc(8), doc(3)
    from_data = diff_openapi(base, revision)
    from_files = diff_openapi(load(write(tmp_path, "a/openapi.yaml", base)), load(write(tmp_path, "b/openapi.yaml", revision)))
    expected = {("request-property-max-length-decreased", "/components/schemas/Money/properties/currency/maxLength")}
    for found in (from_data, from_files):
        assert {(f.id, f.location.pointer) for f in found if f.level >= Level.WARN} == expected
    assert sorted((f.id, f.location.pointer) for f in from_data) == sorted((f.id, f.location.pointer) for f in from_files)


def test_a_component_used_only_inside_an_extension_counts_as_used(tmp_path: Path) -> None:
    """Added components are reported where they are used; one named only under an `x-`
    extension (literal data to the ref index, e.g. GitHub's `x-webhooks`) is still used, from
    files (index plus the literal values) as from plain data (a scan of everything)."""
    base = spec({"/a": body_op(S)})
    revision = spec(
        {"/a": body_op(S)},
        components={"schemas": {"Hook": {"type": "string"}, "Spare": {"type": "integer"}}},
        **{"x-webhooks": {"ping": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Hook"}}}}}}}},
    )
    from_data = diff_openapi(base, revision)
    from_files = diff_openapi(load(write(tmp_path, "a/openapi.yaml", base)), load(write(tmp_path, "b/openapi.yaml", revision)))
    for found in (from_data, from_files):
        added = sorted(f.location.pointer for f in found if f.id == "unclassified-change" and "/components/" in f.location.pointer)
        assert added == ["/components/schemas/Spare"], added

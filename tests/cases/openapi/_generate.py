"""Write the per-rule case folders of tests/cases/openapi/ (one folder per OpenAPI rule id).

Each folder holds `base.yaml`, `revision.yaml` and `expected.json`:
    {"rule": id, "settings": {...}, "expect": [{"id": id, "level": "ERR"}], "exact": true}
`expect` lists the findings that must be reported (id and level); with `exact`, no other
finding at WARN or ERR may be reported. The specs are built from small templates: a schema
change (old fragment -> new fragment) placed at the subject the rule names (request body,
request property, response body/property, parameter, parameter property, header), or a
hand-written pair for the rules about operations, parameters, responses and security.

Run `python tests/cases/openapi/_generate.py` after adding a rule; it rewrites every folder it
knows how to build and lists the rules it has no template for.
"""

from __future__ import annotations

import copy
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from govern.diff.openapi.rules import LEVELS  # noqa: E402

V31 = "3.1.0"
S = {"type": "string"}
OK = {"description": "OK"}


def doc(paths: dict[str, Any], *, version: str = V31, components: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"openapi": version, "info": {"title": "Case", "version": "1.0.0"}, "paths": paths}
    if components:
        out["components"] = components
    out.update(extra)
    return out


def json_media(schema: Any, media: str = "application/json") -> dict[str, Any]:
    return {"content": {media: {"schema": schema}}}


def request_body(schema: Any, media: str = "application/json") -> dict[str, Any]:
    return doc({"/items": {"post": {"requestBody": {"required": True, **json_media(schema, media)}, "responses": {"200": OK}}}})


def response_body(schema: Any, media: str = "application/json") -> dict[str, Any]:
    return doc({"/items": {"get": {"responses": {"200": {"description": "OK", **json_media(schema, media)}}}}})


def parameter(schema: Any, where: str = "query", name: str = "q", **extra: Any) -> dict[str, Any]:
    param = {"name": name, "in": where, "schema": schema, **extra}
    return doc({"/items": {"get": {"parameters": [param], "responses": {"200": OK}}}})


def response_header(schema: Any, required: bool = False) -> dict[str, Any]:
    header: dict[str, Any] = {"schema": schema}
    if required:
        header["required"] = True
    return doc({"/items": {"get": {"responses": {"200": {"description": "OK", "headers": {"X-Rate": header}}}}}})


def obj(props: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": props, **extra}
    if required:
        out["required"] = required
    return out


# subject prefix -> how a fragment is placed
SUBJECTS = {
    "request-body": lambda f: request_body(f),
    "request-property": lambda f: request_body(obj({"field": f})),
    "response-body": lambda f: response_body(f),
    "response-property": lambda f: response_body(obj({"field": f})),
    "response-mediatype": lambda f: response_body(f),
    "request-parameter": lambda f: parameter(f),
    "request-parameter-property": lambda f: parameter(obj({"field": f}), style="deepObject", explode=True),
    "request-header-property": lambda f: parameter(obj({"field": f}), where="header", name="X-Filter"),
    "response-header": lambda f: response_header(f),
    "request-read-only-property": lambda f: request_body(obj({"field": {**f, "readOnly": True}})),
    "response-write-only-property": lambda f: response_body(obj({"field": {**f, "writeOnly": True}})),
}

NUM = {"type": "number"}
ARR = {"type": "array", "items": S}
DISC_BASE = {
    "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
}
PETS = {
    "Cat": obj({"kind": S, "name": S}),
    "Dog": obj({"kind": S, "bark": S}),
    "Fox": obj({"kind": S, "tail": S}),
}

# change kind -> (old fragment, new fragment); the fragment is the subject's schema
FRAGMENTS: dict[str, tuple[Any, Any]] = {
    "max-length-decreased": ({**S, "maxLength": 10}, {**S, "maxLength": 5}),
    "max-length-increased": ({**S, "maxLength": 5}, {**S, "maxLength": 10}),
    "max-length-set": (S, {**S, "maxLength": 10}),
    "max-length-unset": ({**S, "maxLength": 10}, S),
    "min-length-increased": ({**S, "minLength": 1}, {**S, "minLength": 3}),
    "min-length-decreased": ({**S, "minLength": 3}, {**S, "minLength": 1}),
    "max-decreased": ({**NUM, "maximum": 10}, {**NUM, "maximum": 5}),
    "max-increased": ({**NUM, "maximum": 5}, {**NUM, "maximum": 10}),
    "max-set": (NUM, {**NUM, "maximum": 10}),
    "min-increased": ({**NUM, "minimum": 1}, {**NUM, "minimum": 5}),
    "min-decreased": ({**NUM, "minimum": 5}, {**NUM, "minimum": 1}),
    "min-set": (NUM, {**NUM, "minimum": 1}),
    "exclusive-max-decreased": ({**NUM, "exclusiveMaximum": 10}, {**NUM, "exclusiveMaximum": 5}),
    "exclusive-max-increased": ({**NUM, "exclusiveMaximum": 5}, {**NUM, "exclusiveMaximum": 10}),
    "exclusive-max-set": (NUM, {**NUM, "exclusiveMaximum": 10}),
    "exclusive-min-increased": ({**NUM, "exclusiveMinimum": 1}, {**NUM, "exclusiveMinimum": 5}),
    "exclusive-min-decreased": ({**NUM, "exclusiveMinimum": 5}, {**NUM, "exclusiveMinimum": 1}),
    "exclusive-min-set": (NUM, {**NUM, "exclusiveMinimum": 1}),
    "min-items-increased": ({**ARR, "minItems": 1}, {**ARR, "minItems": 3}),
    "min-items-decreased": ({**ARR, "minItems": 3}, {**ARR, "minItems": 1}),
    "min-items-set": (ARR, {**ARR, "minItems": 2}),
    "min-items-unset": ({**ARR, "minItems": 2}, ARR),
    "max-items-increased": ({**ARR, "maxItems": 5}, {**ARR, "maxItems": 10}),
    "max-items-decreased": ({**ARR, "maxItems": 10}, {**ARR, "maxItems": 5}),
    "min-contains-increased": ({**ARR, "contains": S, "minContains": 1}, {**ARR, "contains": S, "minContains": 2}),
    "min-contains-decreased": ({**ARR, "contains": S, "minContains": 2}, {**ARR, "contains": S, "minContains": 1}),
    "max-contains-increased": ({**ARR, "contains": S, "maxContains": 2}, {**ARR, "contains": S, "maxContains": 4}),
    "max-contains-decreased": ({**ARR, "contains": S, "maxContains": 4}, {**ARR, "contains": S, "maxContains": 2}),
    "pattern-added": (S, {**S, "pattern": "^[a-z]+$"}),
    "pattern-removed": ({**S, "pattern": "^[a-z]+$"}, S),
    "pattern-changed": ({**S, "pattern": "^[a-z]+$"}, {**S, "pattern": "^[0-9]+$"}),
    "pattern-generalized": ({**S, "pattern": "^[a-z]+$"}, {**S, "pattern": ".*"}),
    "enum-value-added": ({**S, "enum": ["a", "b"]}, {**S, "enum": ["a", "b", "c"]}),
    "enum-value-removed": ({**S, "enum": ["a", "b", "c"]}, {**S, "enum": ["a", "b"]}),
    "became-enum": (S, {**S, "enum": ["a", "b"]}),
    "x-extensible-enum-value-removed": ({**S, "x-extensible-enum": ["a", "b"]}, {**S, "x-extensible-enum": ["a"]}),
    "type-changed": (S, {"type": "boolean"}),
    "type-generalized": ({"type": "integer"}, NUM),
    "type-specialized": (NUM, {"type": "integer"}),
    "list-of-types-widened": ({"type": ["string", "integer"]}, {"type": ["string", "integer", "boolean"]}),
    "list-of-types-narrowed": ({"type": ["string", "integer", "boolean"]}, {"type": ["string", "integer"]}),
    "became-nullable": (S, {"type": ["string", "null"]}),
    "became-not-nullable": ({"type": ["string", "null"]}, S),
    "default-value-added": (S, {**S, "default": "a"}),
    "default-value-removed": ({**S, "default": "a"}, S),
    "default-value-changed": ({**S, "default": "a"}, {**S, "default": "b"}),
    "const-added": (S, {**S, "const": "a"}),
    "const-removed": ({**S, "const": "a"}, S),
    "const-changed": ({**S, "const": "a"}, {**S, "const": "b"}),
    "discriminator-added": (DISC_BASE, {**DISC_BASE, "discriminator": {"propertyName": "kind"}}),
    "discriminator-removed": ({**DISC_BASE, "discriminator": {"propertyName": "kind"}}, DISC_BASE),
    "discriminator-property-name-changed": ({**DISC_BASE, "discriminator": {"propertyName": "kind"}}, {**DISC_BASE, "discriminator": {"propertyName": "type"}}),
    "discriminator-mapping-added": (
        {**DISC_BASE, "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}},
        {**DISC_BASE, "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"}}},
    ),
    "discriminator-mapping-deleted": (
        {**DISC_BASE, "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"}}},
        {**DISC_BASE, "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}},
    ),
    "discriminator-mapping-changed": (
        {**DISC_BASE, "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}},
        {**DISC_BASE, "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Dog"}}},
    ),
    "all-of-added": (obj({"a": S}), {**obj({"a": S}), "allOf": [{"required": ["a"]}]}),
    "all-of-removed": ({**obj({"a": S}), "allOf": [{"required": ["a"]}]}, obj({"a": S})),
    "all-of-added-annotation-only": (obj({"a": S}), {**obj({"a": S}), "allOf": [{"title": "Note", "description": "annotation only"}]}),
    "all-of-removed-annotation-only": ({**obj({"a": S}), "allOf": [{"title": "Note", "description": "annotation only"}]}, obj({"a": S})),
    "any-of-added": ({"anyOf": [{"$ref": "#/components/schemas/Cat"}]}, {"anyOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]}),
    "any-of-removed": ({"anyOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]}, {"anyOf": [{"$ref": "#/components/schemas/Cat"}]}),
    "one-of-added": (DISC_BASE, {"oneOf": [*DISC_BASE["oneOf"], {"$ref": "#/components/schemas/Fox"}]}),
    "one-of-removed": ({"oneOf": [*DISC_BASE["oneOf"], {"$ref": "#/components/schemas/Fox"}]}, DISC_BASE),
    "wrapped-in-one-of": (
        obj({"a": S, "b": S}, ["a", "b"]),
        {"oneOf": [obj({"a": S, "b": S}, ["a"]), obj({"a": S, "b": S}, ["b"])]},
    ),
    "prefix-items-added": ({"type": "array", "prefixItems": [S]}, {"type": "array", "prefixItems": [S, NUM]}),
    "prefix-items-removed": ({"type": "array", "prefixItems": [S, NUM]}, {"type": "array", "prefixItems": [S]}),
    "if-added": (obj({"a": S}), {**obj({"a": S}), "if": {"properties": {"a": {"const": "x"}}}}),
    "if-removed": ({**obj({"a": S}), "if": {"properties": {"a": {"const": "x"}}}}, obj({"a": S})),
    "then-added": (obj({"a": S}), {**obj({"a": S}), "then": {"required": ["a"]}}),
    "then-removed": ({**obj({"a": S}), "then": {"required": ["a"]}}, obj({"a": S})),
    "else-added": (obj({"a": S}), {**obj({"a": S}), "else": {"required": ["a"]}}),
    "else-removed": ({**obj({"a": S}), "else": {"required": ["a"]}}, obj({"a": S})),
    "contains-added": (ARR, {**ARR, "contains": {"const": "x"}}),
    "contains-removed": ({**ARR, "contains": {"const": "x"}}, ARR),
    "dependent-required-added": (obj({"a": S, "b": S}), {**obj({"a": S, "b": S}), "dependentRequired": {"a": ["b"]}}),
    "dependent-required-removed": ({**obj({"a": S, "b": S}), "dependentRequired": {"a": ["b"]}}, obj({"a": S, "b": S})),
    "dependent-required-changed": (
        {**obj({"a": S, "b": S, "c": S}), "dependentRequired": {"a": ["b"]}},
        {**obj({"a": S, "b": S, "c": S}), "dependentRequired": {"a": ["c"]}},
    ),
    "dependent-schema-added": (obj({"a": S}), {**obj({"a": S}), "dependentSchemas": {"a": {"required": ["b"]}}}),
    "dependent-schema-removed": ({**obj({"a": S}), "dependentSchemas": {"a": {"required": ["b"]}}}, obj({"a": S})),
    "pattern-property-added": (obj({"a": S}), {**obj({"a": S}), "patternProperties": {"^x-": S}}),
    "pattern-property-removed": ({**obj({"a": S}), "patternProperties": {"^x-": S}}, obj({"a": S})),
    "property-names-added": (obj({"a": S}), {**obj({"a": S}), "propertyNames": {"pattern": "^[a-z]+$"}}),
    "property-names-removed": ({**obj({"a": S}), "propertyNames": {"pattern": "^[a-z]+$"}}, obj({"a": S})),
    "unevaluated-items-added": (ARR, {**ARR, "unevaluatedItems": False}),
    "unevaluated-items-removed": ({**ARR, "unevaluatedItems": False}, ARR),
    "unevaluated-properties-added": (obj({"a": S}), {**obj({"a": S}), "unevaluatedProperties": False}),
    "unevaluated-properties-removed": ({**obj({"a": S}), "unevaluatedProperties": False}, obj({"a": S})),
    "content-schema-added": ({**S, "contentMediaType": "application/json"}, {**S, "contentMediaType": "application/json", "contentSchema": obj({"a": S})}),
    "content-schema-removed": ({**S, "contentMediaType": "application/json", "contentSchema": obj({"a": S})}, {**S, "contentMediaType": "application/json"}),
    "content-media-type-changed": ({**S, "contentMediaType": "application/json"}, {**S, "contentMediaType": "text/plain"}),
    "content-encoding-changed": ({**S, "contentEncoding": "base64"}, {**S, "contentEncoding": "base32"}),
    "deprecated": (S, {**S, "deprecated": True}),
    "deprecated-with-sunset": (S, {**S, "deprecated": True, "x-sunset": "2999-12-31"}),
    "deprecated-sunset-invalid": (S, {**S, "deprecated": True, "x-sunset": "next spring"}),
    "deprecated-sunset-missing": (S, {**S, "deprecated": True}),
    "sunset-date-too-small": (S, {**S, "deprecated": True, "x-sunset": "2000-01-01"}),
    "reactivated": ({**S, "deprecated": True}, S),
    "stability-decreased": ({**S, "x-stability-level": "stable"}, {**S, "x-stability-level": "beta"}),
    "stability-increased": ({**S, "x-stability-level": "beta"}, {**S, "x-stability-level": "stable"}),
}

# Kinds judged on the subject's own node that need a parent property to make sense.
POLICY = {"deprecation_days_stable": 30, "deprecation_days_beta": 10}
NEEDS_POLICY = {"deprecated-sunset-missing", "sunset-date-too-small"}


def case(base: Any, revision: Any, rule: str, *, settings: dict[str, Any] | None = None, also: list[dict[str, Any]] | None = None,
         exact: bool = True, level: str | None = None, note: str = "") -> dict[str, Any]:
    expect = [{"id": rule, "level": level or LEVELS[rule].name}]
    expect += also or []
    out: dict[str, Any] = {"rule": rule, "expect": expect, "exact": exact}
    if settings:
        out["settings"] = settings
    if note:
        out["note"] = note
    return {"base": base, "revision": revision, "expected": out}


def with_components(d: dict[str, Any]) -> dict[str, Any]:
    if "#/components/schemas/" in json.dumps(d):
        d.setdefault("components", {})["schemas"] = copy.deepcopy(PETS)
    return d


# Parameters travel as strings: a change *to* string accepts what was sent before (changed, not
# specialized); a change *from* string rejects values sent before (specialized).
OVERRIDES: dict[tuple[str, str], tuple[Any, Any]] = {
    ("request-parameter-property", "type-changed"): (NUM, S),
    ("request-parameter-property", "type-specialized"): (S, NUM),
    ("request-parameter", "type-changed"): ({"type": "integer"}, {"type": "boolean"}),
}


def schema_case(rule: str, prefix: str, kind: str) -> dict[str, Any] | None:
    if kind not in FRAGMENTS or prefix not in SUBJECTS:
        return None
    old, new = OVERRIDES.get((prefix, kind), FRAGMENTS[kind])
    place = SUBJECTS[prefix]
    base = with_components(place(copy.deepcopy(old)))
    revision = with_components(place(copy.deepcopy(new)))
    settings = POLICY if kind in NEEDS_POLICY else None
    if prefix == "request-parameter" and kind == "deprecated-sunset-missing":
        return None
    return case(base, revision, rule, settings=settings)


def property_case(rule: str) -> dict[str, Any] | None:
    """Rules about properties of an object: added, removed, required, readOnly/writeOnly."""
    direction = "request" if rule.startswith(("request", "new-")) else "response"
    place = request_body if direction == "request" else response_body
    ro = {"readOnly": True} if "read-only" in rule else {}
    wo = {"writeOnly": True} if "write-only" in rule else {}
    table: dict[str, tuple[Any, Any]] = {
        "new-required-request-property": (obj({"a": S}), obj({"a": S, "b": S}, ["b"])),
        "new-required-request-property-with-default": (obj({"a": S}), obj({"a": S, "b": {**S, "default": "x"}}, ["b"])),
        "new-optional-request-property": (obj({"a": S}), obj({"a": S, "b": S})),
        "request-property-removed": (obj({"a": S, "b": S}), obj({"a": S})),
        "request-property-became-required": (obj({"a": S}), obj({"a": S}, ["a"])),
        "request-property-became-required-with-default": (obj({"a": {**S, "default": "x"}}), obj({"a": {**S, "default": "x"}}, ["a"])),
        "request-property-became-optional": (obj({"a": S}, ["a"]), obj({"a": S})),
        "response-property-became-optional": (obj({"a": S}, ["a"]), obj({"a": S})),
        "response-property-became-required": (obj({"a": S}), obj({"a": S}, ["a"])),
        "response-write-only-property-became-optional": (obj({"a": {**S, **wo}}, ["a"]), obj({"a": {**S, **wo}})),
        "response-write-only-property-became-required": (obj({"a": {**S, **wo}}), obj({"a": {**S, **wo}}, ["a"])),
        "response-optional-property-added": (obj({"a": S}), obj({"a": S, "b": S})),
        "response-required-property-added": (obj({"a": S}), obj({"a": S, "b": S}, ["b"])),
        "response-optional-write-only-property-added": (obj({"a": S}), obj({"a": S, "b": {**S, **wo}})),
        "response-required-write-only-property-added": (obj({"a": S}), obj({"a": S, "b": {**S, **wo}}, ["b"])),
        "response-optional-property-removed": (obj({"a": S, "b": S}), obj({"a": S})),
        "response-required-property-removed": (obj({"a": S, "b": S}, ["b"]), obj({"a": S})),
        "response-optional-write-only-property-removed": (obj({"a": S, "b": {**S, **wo}}), obj({"a": S})),
        "response-required-write-only-property-removed": (obj({"a": S, "b": {**S, **wo}}, ["b"]), obj({"a": S})),
    }
    for direction_word in ("request", "response"):
        for req in ("optional", "required"):
            for word, key in (("read-only", "readOnly"), ("write-only", "writeOnly")):
                required = ["a"] if req == "required" else None
                table[f"{direction_word}-{req}-property-became-{word}"] = (obj({"a": S}, required), obj({"a": {**S, key: True}}, required))
                table[f"{direction_word}-{req}-property-became-not-{word}"] = (obj({"a": {**S, key: True}}, required), obj({"a": S}, required))
    if rule not in table:
        return None
    old, new = table[rule]
    del ro
    return case(place(old), place(new), rule)


def _op(**fields: Any) -> dict[str, Any]:
    return {"responses": {"200": OK}, **fields}


def special_cases() -> dict[str, dict[str, Any]]:
    """Hand-written pairs for rules that are not schema changes."""
    out: dict[str, dict[str, Any]] = {}
    one = doc({"/items": {"get": _op()}})
    two = doc({"/items": {"get": _op(), "post": _op()}})
    out["endpoint-added"] = case(one, two, "endpoint-added")
    out["api-removed-without-deprecation"] = case(two, one, "api-removed-without-deprecation")
    dep_post = doc({"/items": {"get": _op(), "post": _op(deprecated=True, **{"x-sunset": "2000-01-01"})}})
    out["api-removed-with-deprecation"] = case(dep_post, one, "api-removed-with-deprecation")
    dep_future = doc({"/items": {"get": _op(), "post": _op(deprecated=True, **{"x-sunset": "2999-01-01"})}})
    out["api-removed-before-sunset"] = case(dep_future, one, "api-removed-before-sunset")
    other = doc({"/other": {"get": _op()}})
    out["api-path-removed-without-deprecation"] = case(doc({"/items": {"get": _op()}, "/other": {"get": _op()}}), other, "api-path-removed-without-deprecation")
    out["api-path-removed-with-deprecation"] = case(doc({"/items": {"get": _op(deprecated=True)}, "/other": {"get": _op()}}), other, "api-path-removed-with-deprecation")
    out["api-path-removed-before-sunset"] = case(doc({"/items": {"get": _op(deprecated=True, **{"x-sunset": "2999-01-01"})}, "/other": {"get": _op()}}), other, "api-path-removed-before-sunset")
    out["api-path-sunset-parse"] = case(doc({"/items": {"get": _op(deprecated=True, **{"x-sunset": "soon"})}, "/other": {"get": _op()}}), other, "api-path-sunset-parse")
    out["endpoint-deprecated"] = case(one, doc({"/items": {"get": _op(deprecated=True)}}), "endpoint-deprecated")
    out["endpoint-deprecated-with-sunset"] = case(one, doc({"/items": {"get": _op(deprecated=True, **{"x-sunset": "2999-01-01"})}}), "endpoint-deprecated-with-sunset")
    out["endpoint-reactivated"] = case(doc({"/items": {"get": _op(deprecated=True)}}), one, "endpoint-reactivated")
    out["api-deprecated-sunset-parse"] = case(one, doc({"/items": {"get": _op(deprecated=True, **{"x-sunset": "soon"})}}), "api-deprecated-sunset-parse")
    out["api-deprecated-sunset-missing"] = case(one, doc({"/items": {"get": _op(deprecated=True)}}), "api-deprecated-sunset-missing", settings=POLICY)
    out["api-sunset-date-too-small"] = case(one, doc({"/items": {"get": _op(deprecated=True, **{"x-sunset": "2000-01-01"})}}), "api-sunset-date-too-small", settings=POLICY)
    out["sunset-deleted"] = case(doc({"/items": {"get": _op(deprecated=True, **{"x-sunset": "2999-01-01"})}}), doc({"/items": {"get": _op(deprecated=True)}}), "sunset-deleted")
    out["api-sunset-date-changed-too-small"] = case(
        doc({"/items": {"get": _op(deprecated=True, **{"x-sunset": "2999-01-01"})}}),
        doc({"/items": {"get": _op(deprecated=True, **{"x-sunset": "2001-01-01"})}}), "api-sunset-date-changed-too-small")
    out["api-stability-decreased"] = case(doc({"/items": {"get": _op(**{"x-stability-level": "stable"})}}), doc({"/items": {"get": _op(**{"x-stability-level": "beta"})}}), "api-stability-decreased")
    out["api-stability-increased"] = case(doc({"/items": {"get": _op(**{"x-stability-level": "beta"})}}), doc({"/items": {"get": _op(**{"x-stability-level": "stable"})}}), "api-stability-increased")
    out["api-invalid-stability-level"] = case(one, doc({"/items": {"get": _op(**{"x-stability-level": "ga"})}}), "api-invalid-stability-level")
    out["api-operation-id-added"] = case(one, doc({"/items": {"get": _op(operationId="listItems")}}), "api-operation-id-added")
    out["api-operation-id-removed"] = case(doc({"/items": {"get": _op(operationId="listItems")}}), one, "api-operation-id-removed")
    out["api-tag-added"] = case(one, doc({"/items": {"get": _op(tags=["items"])}}), "api-tag-added")
    out["api-tag-removed"] = case(doc({"/items": {"get": _op(tags=["items"])}}), one, "api-tag-removed")
    hook = {"post": {"requestBody": {"content": {"application/json": {"schema": S}}}, "responses": {"200": OK}}}
    out["webhook-added"] = case(one, doc({"/items": {"get": _op()}}, webhooks={"itemCreated": hook}), "webhook-added")
    out["webhook-removed"] = case(doc({"/items": {"get": _op()}}, webhooks={"itemCreated": hook}), one, "webhook-removed")
    out["api-schema-removed"] = case(doc({"/items": {"get": _op()}}, components={"schemas": {"Unused": S}}), one, "api-schema-removed")

    # parameters
    def params(*ps: dict[str, Any], path: str = "/items", level: str = "operation") -> dict[str, Any]:
        if level == "path":
            return doc({path: {"parameters": list(ps), "get": _op()}})
        return doc({path: {"get": _op(parameters=list(ps))}})

    q = {"name": "q", "in": "query", "schema": S}
    out["new-required-request-parameter"] = case(params(), params({**q, "required": True}), "new-required-request-parameter")
    out["new-optional-request-parameter"] = case(params(), params(q), "new-optional-request-parameter")
    out["new-required-request-default-parameter-to-existing-path"] = case(params(level="path"), params({**q, "required": True}, level="path"), "new-required-request-default-parameter-to-existing-path")
    out["new-optional-request-default-parameter-to-existing-path"] = case(params(level="path"), params(q, level="path"), "new-optional-request-default-parameter-to-existing-path")
    out["new-request-path-parameter"] = case(doc({"/items/{id}": {"get": _op()}}), doc({"/items/{id}": {"get": _op(parameters=[{"name": "id", "in": "path", "required": True, "schema": S}])}}), "new-request-path-parameter")
    out["request-parameter-removed"] = case(params(q), params(), "request-parameter-removed")
    out["request-parameter-removed-with-deprecation"] = case(params({**q, "deprecated": True}), params(), "request-parameter-removed-with-deprecation")
    out["request-parameter-removed-before-sunset"] = case(params({**q, "deprecated": True, "x-sunset": "2999-01-01"}), params(), "request-parameter-removed-before-sunset")
    out["request-parameter-sunset-parse"] = case(params({**q, "deprecated": True, "x-sunset": "soon"}), params(), "request-parameter-sunset-parse")
    out["request-parameter-became-required"] = case(params(q), params({**q, "required": True}), "request-parameter-became-required")
    out["request-parameter-became-optional"] = case(params({**q, "required": True}), params(q), "request-parameter-became-optional")
    out["request-parameter-deprecated"] = case(params(q), params({**q, "deprecated": True}), "request-parameter-deprecated")
    out["request-parameter-reactivated"] = case(params({**q, "deprecated": True}), params(q), "request-parameter-reactivated")
    out["request-parameter-deprecated-sunset-missing"] = case(params(q), params({**q, "deprecated": True}), "request-parameter-deprecated-sunset-missing", settings=POLICY)
    out["request-parameter-sunset-date-too-small"] = case(params(q), params({**q, "deprecated": True, "x-sunset": "2000-01-01"}), "request-parameter-sunset-date-too-small", settings=POLICY)
    out["request-parameter-sunset-deleted"] = case(params({**q, "deprecated": True, "x-sunset": "2999-01-01"}), params({**q, "deprecated": True}), "request-parameter-sunset-deleted")
    out["request-parameter-sunset-date-changed-too-small"] = case(
        params({**q, "deprecated": True, "x-sunset": "2999-01-01"}), params({**q, "deprecated": True, "x-sunset": "2001-01-01"}),
        "request-parameter-sunset-date-changed-too-small")
    out["request-header-property-became-required"] = case(
        params({"name": "X-Filter", "in": "header", "schema": obj({"field": S})}),
        params({"name": "X-Filter", "in": "header", "schema": obj({"field": S}, ["field"])}), "request-header-property-became-required")
    out["new-required-request-header-property"] = case(
        params({"name": "X-Filter", "in": "header", "schema": obj({"a": S})}),
        params({"name": "X-Filter", "in": "header", "schema": obj({"a": S, "field": S}, ["field"])}), "new-required-request-header-property")

    # request bodies
    rb = {"content": {"application/json": {"schema": S}}}
    out["request-body-added-required"] = case(one, doc({"/items": {"get": _op(requestBody={**rb, "required": True})}}), "request-body-added-required")
    out["request-body-added-optional"] = case(one, doc({"/items": {"get": _op(requestBody=rb)}}), "request-body-added-optional")
    out["request-body-removed"] = case(doc({"/items": {"get": _op(requestBody=rb)}}), one, "request-body-removed")
    out["request-body-became-required"] = case(doc({"/items": {"get": _op(requestBody=rb)}}), doc({"/items": {"get": _op(requestBody={**rb, "required": True})}}), "request-body-became-required")
    out["request-body-became-optional"] = case(doc({"/items": {"get": _op(requestBody={**rb, "required": True})}}), doc({"/items": {"get": _op(requestBody=rb)}}), "request-body-became-optional")
    two_media = {"content": {"application/json": {"schema": S}, "application/xml": {"schema": S}}}
    out["request-body-media-type-added"] = case(doc({"/items": {"post": _op(requestBody=rb)}}), doc({"/items": {"post": _op(requestBody=two_media)}}), "request-body-media-type-added")
    out["request-body-media-type-removed"] = case(doc({"/items": {"post": _op(requestBody=two_media)}}), doc({"/items": {"post": _op(requestBody=rb)}}), "request-body-media-type-removed")
    no_schema = {"content": {"application/json": {}}}
    out["request-body-media-type-schema-added"] = case(doc({"/items": {"post": _op(requestBody=no_schema)}}), doc({"/items": {"post": _op(requestBody=rb)}}), "request-body-media-type-schema-added")
    out["request-body-media-type-schema-removed"] = case(doc({"/items": {"post": _op(requestBody=rb)}}), doc({"/items": {"post": _op(requestBody=no_schema)}}), "request-body-media-type-schema-removed")
    out["request-body-type-compatible"] = case(request_body(S, "application/xml"), request_body(obj({"a": S}), "application/xml"), "request-body-type-compatible")
    out["request-property-type-compatible"] = case(request_body(obj({"field": S}), "application/xml"), request_body(obj({"field": obj({"a": S})}), "application/xml"), "request-property-type-compatible")
    out["response-body-type-compatible"] = case(response_body(S, "application/xml"), response_body(obj({"a": S}), "application/xml"), "response-body-type-compatible")
    out["response-property-type-compatible"] = case(response_body(obj({"field": S}), "application/xml"), response_body(obj({"field": obj({"a": S})}), "application/xml"), "response-property-type-compatible")

    # responses
    def resp(codes: dict[str, Any]) -> dict[str, Any]:
        return doc({"/items": {"get": {"responses": codes}}})

    json_ok = {"description": "OK", "content": {"application/json": {"schema": S}}}
    out["response-success-status-added"] = case(resp({"200": OK}), resp({"200": OK, "201": OK}), "response-success-status-added")
    out["response-success-status-removed"] = case(resp({"200": OK, "201": OK}), resp({"200": OK}), "response-success-status-removed")
    out["response-non-success-status-added"] = case(resp({"200": OK}), resp({"200": OK, "404": OK}), "response-non-success-status-added")
    out["response-non-success-status-removed"] = case(resp({"200": OK, "404": OK}), resp({"200": OK}), "response-non-success-status-removed")
    both = {"description": "OK", "content": {"application/json": {"schema": S}, "application/xml": {"schema": S}}}
    out["response-media-type-added"] = case(resp({"200": json_ok}), resp({"200": both}), "response-media-type-added")
    out["response-media-type-removed"] = case(resp({"200": both}), resp({"200": json_ok}), "response-media-type-removed")
    out["response-media-type-name-changed"] = case(resp({"200": json_ok}), resp({"200": {"description": "OK", "content": {"application/json; charset=utf-8": {"schema": S}}}}), "response-media-type-name-changed")
    out["response-media-type-name-generalized"] = case(resp({"200": json_ok}), resp({"200": {"description": "OK", "content": {"application/*": {"schema": S}}}}), "response-media-type-name-generalized")
    out["response-media-type-name-specialized"] = case(resp({"200": {"description": "OK", "content": {"application/*": {"schema": S}}}}), resp({"200": json_ok}), "response-media-type-name-specialized")
    no_schema_resp = {"description": "OK", "content": {"application/json": {}}}
    out["response-body-media-type-schema-added"] = case(resp({"200": no_schema_resp}), resp({"200": json_ok}), "response-body-media-type-schema-added")
    out["response-body-media-type-schema-removed"] = case(resp({"200": json_ok}), resp({"200": no_schema_resp}), "response-body-media-type-schema-removed")
    out["response-header-added"] = case(doc({"/items": {"get": {"responses": {"200": OK}}}}), response_header(S), "response-header-added")
    out["required-response-header-removed"] = case(response_header(S, required=True), doc({"/items": {"get": {"responses": {"200": OK}}}}), "required-response-header-removed")
    out["optional-response-header-removed"] = case(response_header(S), doc({"/items": {"get": {"responses": {"200": OK}}}}), "optional-response-header-removed")
    out["response-header-became-optional"] = case(response_header(S, required=True), response_header(S), "response-header-became-optional")

    # security
    scheme = {"type": "oauth2", "flows": {"authorizationCode": {"authorizationUrl": "https://example.com/auth", "tokenUrl": "https://example.com/token", "scopes": {"read": "read things", "write": "write things"}}}}

    def sec(global_req: Any = None, op_req: Any = None, schemes: dict[str, Any] | None = None) -> dict[str, Any]:
        op = _op() if op_req is None else _op(security=op_req)
        d = doc({"/items": {"get": op}}, components={"securitySchemes": schemes if schemes is not None else {"oauth": scheme}})
        if global_req is not None:
            d["security"] = global_req
        return d

    out["api-global-security-added"] = case(sec(), sec(global_req=[{"oauth": ["read"]}]), "api-global-security-added")
    out["api-global-security-removed"] = case(sec(global_req=[{"oauth": ["read"]}]), sec(), "api-global-security-removed")
    out["api-global-security-scope-added"] = case(sec(global_req=[{"oauth": ["read"]}]), sec(global_req=[{"oauth": ["read", "write"]}]), "api-global-security-scope-added")
    out["api-global-security-scope-removed"] = case(sec(global_req=[{"oauth": ["read", "write"]}]), sec(global_req=[{"oauth": ["read"]}]), "api-global-security-scope-removed")
    out["api-security-added"] = case(sec(), sec(op_req=[{"oauth": ["read"]}]), "api-security-added")
    out["api-security-removed"] = case(sec(op_req=[{"oauth": ["read"]}]), sec(), "api-security-removed")
    out["api-security-scope-added"] = case(sec(op_req=[{"oauth": ["read"]}]), sec(op_req=[{"oauth": ["read", "write"]}]), "api-security-scope-added")
    out["api-security-scope-removed"] = case(sec(op_req=[{"oauth": ["read", "write"]}]), sec(op_req=[{"oauth": ["read"]}]), "api-security-scope-removed")
    basic = {"type": "http", "scheme": "basic"}
    out["api-security-component-added"] = case(sec(), sec(schemes={"oauth": scheme, "basic": basic}), "api-security-component-added")
    out["api-security-component-removed"] = case(sec(schemes={"oauth": scheme, "basic": basic}), sec(), "api-security-component-removed")
    out["api-security-component-type-changed"] = case(sec(schemes={"oauth": scheme, "key": basic}), sec(schemes={"oauth": scheme, "key": {"type": "apiKey", "in": "header", "name": "X-Key"}}), "api-security-component-type-changed")
    moved = copy.deepcopy(scheme)
    moved["flows"]["authorizationCode"]["authorizationUrl"] = "https://example.com/login"
    out["api-security-component-oauth-url-changed"] = case(sec(), sec(schemes={"oauth": moved}), "api-security-component-oauth-url-changed")
    moved = copy.deepcopy(scheme)
    moved["flows"]["authorizationCode"]["tokenUrl"] = "https://example.com/token2"
    out["api-security-component-oauth-token-url-changed"] = case(sec(), sec(schemes={"oauth": moved}), "api-security-component-oauth-token-url-changed")
    moved = copy.deepcopy(scheme)
    moved["flows"]["authorizationCode"]["scopes"]["admin"] = "everything"
    out["api-security-component-oauth-scope-added"] = case(sec(), sec(schemes={"oauth": moved}), "api-security-component-oauth-scope-added")
    moved = copy.deepcopy(scheme)
    del moved["flows"]["authorizationCode"]["scopes"]["write"]
    out["api-security-component-oauth-scope-removed"] = case(sec(), sec(schemes={"oauth": moved}), "api-security-component-oauth-scope-removed")
    moved = copy.deepcopy(scheme)
    moved["flows"]["authorizationCode"]["scopes"]["read"] = "read everything"
    out["api-security-component-oauth-scope-changed"] = case(sec(), sec(schemes={"oauth": moved}), "api-security-component-oauth-scope-changed")

    # versioning (only when there is a breaking change)
    breaking_base = doc({"/items": {"get": _op(), "post": _op()}})
    bumped = lambda v: {**doc({"/items": {"get": _op()}}), "info": {"title": "Case", "version": v}}  # noqa: E731
    out["api-version-not-bumped"] = case(breaking_base, bumped("1.0.0"), "api-version-not-bumped", also=[{"id": "api-removed-without-deprecation", "level": "ERR"}])
    out["api-version-decreased"] = case(breaking_base, bumped("0.9.0"), "api-version-decreased", also=[{"id": "api-removed-without-deprecation", "level": "ERR"}])
    out["api-major-version-not-bumped"] = case(breaking_base, bumped("1.1.0"), "api-major-version-not-bumped", also=[{"id": "api-removed-without-deprecation", "level": "ERR"}])

    out["unclassified-change"] = case(one, {**doc({"/items": {"get": _op()}}), "x-owner": "team-a"}, "unclassified-change")
    return out


SUBJECT_PREFIXES = sorted(SUBJECTS, key=len, reverse=True)


def build(rule: str) -> dict[str, Any] | None:
    specials = special_cases()
    if rule in specials:
        return specials[rule]
    made = property_case(rule)
    if made is not None:
        return made
    for prefix in SUBJECT_PREFIXES:
        if rule.startswith(prefix + "-"):
            return schema_case(rule, prefix, rule[len(prefix) + 1:])
    return None


def main() -> int:
    missing = []
    specials = special_cases()
    for rule in LEVELS:
        made = specials.get(rule) or build(rule)
        folder = HERE / rule
        if made is None:
            missing.append(rule)
            continue
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for name in ("base", "revision"):
            (folder / f"{name}.yaml").write_text(yaml.safe_dump(made[name], sort_keys=False, allow_unicode=True))
        (folder / "expected.json").write_text(json.dumps(made["expected"], indent=2) + "\n")
    print(f"wrote {len(LEVELS) - len(missing)} case folders; no template for {len(missing)}: {', '.join(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The JSON Schema comparator: keyword families, refs, recursion, limits, memoization, modes."""

from __future__ import annotations

import copy
import time
from collections import Counter
from typing import Any

import pytest

from govern.diff.schema import (
    COMPATIBLE_LENIENT,
    COMPATIBLE_STRICT,
    DIFFERENCE_TYPES,
    REGISTRY_TYPES,
    Comparator,
    CompareOptions,
    breaking,
    check,
    check_transitive,
    compare,
    compare_directed,
    is_compatible,
    parse_mode,
)
from govern.diff.schema.matching import assign
from govern.diff.schema.refs import LocalResolver, dialect_of
from govern.rules.finding import Level
from govern.rules.registry import REGISTRY

D2020 = "https://json-schema.org/draft/2020-12/schema"
D07 = "http://json-schema.org/draft-07/schema#"


def types_of(old: Any, new: Any, **kw: Any) -> Counter[str]:
    return Counter(d.type for d in compare(old, new, **kw))


def strs(old: Any, new: Any, **kw: Any) -> list[str]:
    return [str(d) for d in compare(old, new, **kw)]


# (id, old, new, expected difference types, compatible under STRICT)
KEYWORD_CASES: list[tuple[str, Any, Any, list[str], bool]] = [
    # type
    ("type-same", {"type": "string"}, {"type": "string"}, [], True),
    ("type-integer-to-number", {"type": "integer"}, {"type": "number"}, ["TYPE_EXTENDED"], True),
    ("type-number-to-integer", {"type": "number"}, {"type": "integer"}, ["TYPE_NARROWED"], False),
    ("type-changed", {"type": "string"}, {"type": "boolean"}, ["TYPE_CHANGED"], False),
    ("type-list-extended", {"type": "string"}, {"type": ["string", "null"]}, ["SUM_TYPE_EXTENDED"], True),
    ("type-list-narrowed", {"type": ["string", "null"]}, {"type": "string"}, ["SUM_TYPE_NARROWED"], False),
    ("type-dropped", {"type": "string"}, {"minLength": 0}, ["TYPE_EXTENDED"], True),
    ("type-added", {}, {"type": "string"}, ["TYPE_NARROWED"], False),
    ("anything-to-empty", {"type": "object", "properties": {"a": {"type": "string"}}}, {}, [], True),
    ("true-to-false", True, False, ["TYPE_NARROWED"], False),
    ("false-to-anything", False, {"type": "string"}, [], True),
    # enum / const
    ("enum-extended", {"enum": ["a"]}, {"enum": ["a", "b"]}, ["ENUM_ARRAY_EXTENDED"], True),
    ("enum-narrowed", {"enum": ["a", "b"]}, {"enum": ["a"]}, ["ENUM_ARRAY_NARROWED"], False),
    ("enum-changed", {"enum": ["a"]}, {"enum": ["b"]}, ["ENUM_ARRAY_CHANGED"], False),
    ("enum-reordered", {"enum": ["a", "b"]}, {"enum": ["b", "a"]}, [], True),
    ("enum-int-float-equal", {"enum": [1]}, {"enum": [1.0]}, [], True),
    ("enum-bool-is-not-int", {"enum": [1]}, {"enum": [True]}, ["ENUM_ARRAY_CHANGED"], False),
    ("const-to-enum", {"const": "a"}, {"enum": ["a", "b"]}, ["ENUM_ARRAY_EXTENDED"], True),
    ("enum-dropped", {"type": "string", "enum": ["a"]}, {"type": "string"}, ["PRODUCT_TYPE_NARROWED"], True),
    ("enum-added", {"type": "string"}, {"type": "string", "enum": ["a"]}, ["PRODUCT_TYPE_EXTENDED"], False),
    ("enum-values-fit-new-type", {"enum": ["a", "bc"]}, {"type": "string", "maxLength": 2},
     ["PRODUCT_TYPE_NARROWED"], True),
    ("enum-values-miss-new-type", {"enum": ["a", "bcd"]}, {"type": "string", "maxLength": 2},
     ["PRODUCT_TYPE_NARROWED", "MAX_LENGTH_ADDED"], False),
    ("enum-of-other-type", {"enum": [1]}, {"type": "string"}, ["TYPE_CHANGED", "PRODUCT_TYPE_NARROWED"], False),
    ("boolean-as-enum", {"type": "boolean"}, {"enum": [True, False]}, [], True),
    # strings
    ("maxLength-decreased", {"maxLength": 5}, {"maxLength": 4}, ["MAX_LENGTH_DECREASED"], False),
    ("maxLength-added", {"type": "string"}, {"type": "string", "maxLength": 4}, ["MAX_LENGTH_ADDED"], False),
    ("minLength-removed", {"minLength": 2}, {}, [], True),
    ("minLength-zero-is-absent", {"type": "string"}, {"type": "string", "minLength": 0}, [], True),
    ("pattern-added", {"type": "string"}, {"type": "string", "pattern": "^a"}, ["PATTERN_ADDED"], False),
    ("pattern-changed", {"pattern": "^a"}, {"pattern": "^b"}, ["PATTERN_CHANGED"], False),
    ("format-added", {"type": "string"}, {"type": "string", "format": "email"}, ["FORMAT_ADDED"], False),
    ("format-int32-to-int64", {"type": "integer", "format": "int32"}, {"type": "integer", "format": "int64"},
     ["FORMAT_EXTENDED"], True),
    ("format-int64-to-int32", {"type": "integer", "format": "int64"}, {"type": "integer", "format": "int32"},
     ["FORMAT_NARROWED"], False),
    ("string-keyword-on-number-ignored", {"type": "integer"}, {"type": "integer", "maxLength": 3}, [], True),
    # numbers
    ("maximum-increased", {"maximum": 1}, {"maximum": 2}, ["MAXIMUM_INCREASED"], True),
    ("minimum-added", {"type": "number"}, {"type": "number", "minimum": 0}, ["MINIMUM_ADDED"], False),
    ("exclusive-maximum-decreased", {"exclusiveMaximum": 5}, {"exclusiveMaximum": 4},
     ["EXCLUSIVE_MAXIMUM_DECREASED"], False),
    ("exclusive-minimum-removed", {"type": "number", "exclusiveMinimum": 5}, {"type": "number"},
     ["EXCLUSIVE_MINIMUM_REMOVED"], True),
    ("draft04-exclusive-equals-numeric", {"maximum": 10, "exclusiveMaximum": True}, {"exclusiveMaximum": 10}, [], True),
    ("inclusive-to-looser-exclusive", {"maximum": 10}, {"exclusiveMaximum": 11}, ["EXCLUSIVE_MAXIMUM_INCREASED"], True),
    ("inclusive-to-same-exclusive", {"maximum": 10}, {"exclusiveMaximum": 10}, ["EXCLUSIVE_MAXIMUM_DECREASED"], False),
    ("exclusive-to-inclusive-minimum", {"exclusiveMinimum": 0}, {"minimum": 0}, ["MINIMUM_DECREASED"], True),
    ("multipleOf-reduced", {"multipleOf": 10}, {"multipleOf": 5}, ["MULTIPLE_OF_REDUCED"], True),
    ("multipleOf-expanded", {"multipleOf": 5}, {"multipleOf": 10}, ["MULTIPLE_OF_EXPANDED"], False),
    ("multipleOf-decimal", {"multipleOf": 0.2}, {"multipleOf": 0.1}, ["MULTIPLE_OF_REDUCED"], True),
    ("multipleOf-changed", {"multipleOf": 4}, {"multipleOf": 6}, ["MULTIPLE_OF_CHANGED"], False),
    # objects
    ("required-added", {"properties": {"a": {}}}, {"properties": {"a": {}}, "required": ["a"]},
     ["REQUIRED_ATTRIBUTE_ADDED"], False),
    ("required-with-default-added", {"properties": {"a": {"default": 1}}},
     {"properties": {"a": {"default": 1}}, "required": ["a"]}, ["REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED"], True),
    ("required-removed", {"type": "object", "required": ["a"]}, {"type": "object"}, ["REQUIRED_ATTRIBUTE_REMOVED"],
     True),
    ("required-undeclared-added", {}, {"required": ["a"]}, ["REQUIRED_ATTRIBUTE_ADDED"], False),
    ("optional-added-open", {"properties": {}}, {"properties": {"a": {"type": "string"}}},
     ["OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"], False),
    ("optional-added-closed", {"additionalProperties": False},
     {"additionalProperties": False, "properties": {"a": {"type": "string"}}},
     ["OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"], True),
    ("required-added-closed", {"additionalProperties": False},
     {"additionalProperties": False, "properties": {"a": {}}, "required": ["a"]},
     ["REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"], False),
    ("required-default-added-closed", {"additionalProperties": False},
     {"additionalProperties": False, "properties": {"a": {"default": 0}}, "required": ["a"]},
     ["REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL"], True),
    ("required-added-open", {}, {"properties": {"a": {"type": "string"}}, "required": ["a"]},
     ["REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"], False),
    ("empty-property-added-open", {}, {"properties": {"a": {}}},
     ["PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"], True),
    ("removed-from-open", {"properties": {"a": {"type": "string"}}}, {"properties": {}},
     ["PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL"], True),
    ("removed-from-closed", {"properties": {"a": {}}, "additionalProperties": False},
     {"additionalProperties": False}, ["PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"], False),
    ("removed-covered", {"properties": {"a": {"type": "integer"}}, "additionalProperties": False},
     {"additionalProperties": {"type": "number"}},
     ["TYPE_EXTENDED", "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", "ADDITIONAL_PROPERTIES_ADDED"],
     True),
    ("added-covered-by-pattern", {"patternProperties": {"^x": {"type": "integer"}}, "additionalProperties": False},
     {"patternProperties": {"^x": {"type": "integer"}}, "additionalProperties": False,
      "properties": {"x1": {"type": "number"}}},
     ["TYPE_EXTENDED", "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
      "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"], True),
    ("unevaluated-closed-add", {"properties": {}, "unevaluatedProperties": False},
     {"properties": {"a": {}}, "unevaluatedProperties": False},
     ["OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"], True),
    ("unevaluated-removed", {}, {"unevaluatedProperties": False}, ["UNEVALUATED_PROPERTIES_REMOVED"], False),
    ("additionalProperties-removed", {}, {"additionalProperties": False}, ["ADDITIONAL_PROPERTIES_REMOVED"], False),
    ("additionalProperties-narrowed", {}, {"additionalProperties": {"type": "string"}},
     ["ADDITIONAL_PROPERTIES_NARROWED"], False),
    ("additionalProperties-extended", {"type": "object", "additionalProperties": {"type": "string"}},
     {"type": "object"},
     ["ADDITIONAL_PROPERTIES_EXTENDED"], True),
    ("pattern-property-added-to-open", {}, {"patternProperties": {"^a": {"type": "string"}}},
     ["ADDITIONAL_PROPERTIES_NARROWED"], False),
    ("maxProperties-added", {}, {"maxProperties": 3}, ["MAX_PROPERTIES_ADDED"], False),
    ("minProperties-decreased", {"minProperties": 3}, {"minProperties": 1}, ["MIN_PROPERTIES_DECREASED"], True),
    ("propertyNames-added", {}, {"propertyNames": {"pattern": "^[a-z]+$"}}, ["PATTERN_ADDED"], False),
    # dependencies in every spelling
    ("dependency-array-added", {}, {"dependencies": {"a": ["b"]}}, ["DEPENDENCY_ARRAY_ADDED"], False),
    ("dependentRequired-extended", {"dependentRequired": {"a": ["b"]}}, {"dependentRequired": {"a": ["b", "c"]}},
     ["DEPENDENCY_ARRAY_EXTENDED"], False),
    ("dependentRequired-narrowed", {"dependentRequired": {"a": ["b", "c"]}}, {"dependentRequired": {"a": ["b"]}},
     ["DEPENDENCY_ARRAY_NARROWED"], True),
    ("dependentRequired-changed", {"dependentRequired": {"a": ["b"]}}, {"dependentRequired": {"a": ["c"]}},
     ["DEPENDENCY_ARRAY_CHANGED"], False),
    ("dependency-array-to-schema", {"dependencies": {"a": ["b"]}}, {"dependentSchemas": {"a": {"required": ["b"]}}},
     [], True),
    ("dependentSchemas-added", {}, {"dependentSchemas": {"a": {"required": ["b"]}}}, ["DEPENDENCY_SCHEMA_ADDED"],
     False),
    # arrays
    ("items-added", {"type": "array"}, {"type": "array", "items": {"type": "string"}}, ["SCHEMA_ADDED"], False),
    ("items-removed", {"type": "array", "items": {"type": "string"}}, {"type": "array"}, ["SCHEMA_REMOVED"], True),
    ("items-changed", {"items": {"type": "string"}}, {"items": {"type": "integer"}}, ["TYPE_CHANGED"], False),
    ("items-to-false", {"items": True}, {"items": False}, ["ADDITIONAL_ITEMS_REMOVED"], False),
    ("tuple-item-added-closed", {"items": [{}], "additionalItems": False},
     {"items": [{}, {"type": "string"}], "additionalItems": False}, ["ITEM_ADDED_TO_CLOSED_CONTENT_MODEL"], True),
    ("tuple-item-added-open", {"items": [{}]}, {"items": [{}, {"type": "string"}]},
     ["ITEM_ADDED_TO_OPEN_CONTENT_MODEL"], False),
    ("tuple-item-removed-closed", {"items": [{}, {"type": "string"}], "additionalItems": False},
     {"items": [{}], "additionalItems": False}, ["ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL"], False),
    ("prefixItems-removed-covered", {"prefixItems": [{}, {"type": "integer"}], "items": {"type": "number"}},
     {"prefixItems": [{}], "items": {"type": "number"}},
     ["TYPE_EXTENDED", "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"], True),
    ("draft07-tuple-to-2020-prefix", {"items": [{"type": "string"}], "additionalItems": False},
     {"prefixItems": [{"type": "string"}], "items": False}, [], True),
    ("unevaluatedItems-narrowed", {"prefixItems": [{}]}, {"prefixItems": [{}], "unevaluatedItems": {"type": "string"}},
     ["UNEVALUATED_ITEMS_NARROWED"], False),
    ("contains-added", {"type": "array"}, {"type": "array", "contains": {"type": "string"}}, ["SCHEMA_ADDED"], False),
    ("contains-changed", {"contains": {"type": "integer"}}, {"contains": {"type": "number"}}, ["TYPE_EXTENDED"], True),
    ("minContains-default-is-one", {"contains": {}, "minContains": 1}, {"contains": {}}, [], True),
    ("maxContains-added", {"contains": {}}, {"contains": {}, "maxContains": 2}, ["MAX_CONTAINS_ADDED"], False),
    ("uniqueItems-added", {"type": "array"}, {"type": "array", "uniqueItems": True}, ["UNIQUE_ITEMS_ADDED"], False),
    ("maxItems-removed", {"type": "array", "maxItems": 2}, {"type": "array"}, ["MAX_ITEMS_REMOVED"], True),
    # combinators
    ("oneOf-extended", {"oneOf": [{"type": "string"}]}, {"oneOf": [{"type": "string"}, {"type": "null"}]},
     ["SUM_TYPE_EXTENDED"], True),
    ("oneOf-narrowed", {"oneOf": [{"type": "string"}, {"type": "null"}]}, {"oneOf": [{"type": "string"}]},
     ["SUM_TYPE_NARROWED"], False),
    ("anyOf-reordered", {"anyOf": [{"type": "string"}, {"type": "null"}]},
     {"anyOf": [{"type": "null"}, {"type": "string"}]}, [], True),
    ("oneOf-member-changed", {"oneOf": [{"type": "string"}]}, {"oneOf": [{"type": "integer"}]},
     ["COMBINED_TYPE_SUBSCHEMAS_CHANGED"], False),
    ("plain-to-oneOf", {"type": "string"}, {"oneOf": [{"type": "string"}, {"type": "integer"}]},
     ["SUM_TYPE_EXTENDED"], True),
    ("type-list-to-oneOf", {"type": ["string", "null"]}, {"oneOf": [{"type": "string"}, {"type": "null"}]}, [], True),
    ("oneOf-to-type-list", {"oneOf": [{"type": "string"}, {"type": "null"}]}, {"type": ["string", "null"]}, [], True),
    ("allOf-conjunct-added", {"allOf": [{"type": "string"}]}, {"allOf": [{"type": "string"}, {"maxLength": 3}]},
     ["PRODUCT_TYPE_EXTENDED"], False),
    ("allOf-conjunct-dropped", {"allOf": [{"type": "string"}, {"maxLength": 3}]}, {"allOf": [{"type": "string"}]},
     ["PRODUCT_TYPE_NARROWED"], True),
    ("allOf-split-equivalent", {"type": "string", "maxLength": 3}, {"allOf": [{"type": "string"}, {"maxLength": 3}]},
     [], True),
    ("oneOf-to-anyOf", {"oneOf": [{"type": "string"}]}, {"anyOf": [{"type": "string"}]}, ["COMBINED_TYPE_EXTENDED"],
     True),
    ("anyOf-to-allOf-of-two", {"anyOf": [{"type": "string"}]}, {"allOf": [{"type": "string"}, {"type": "integer"}]},
     ["COMBINED_TYPE_CHANGED"], False),
    ("not-narrowed", {"not": {"type": "number"}}, {"not": {"type": "integer"}}, ["NOT_TYPE_NARROWED"], True),
    ("not-extended", {"not": {"type": "integer"}}, {"not": {"type": "number"}}, ["NOT_TYPE_EXTENDED"], False),
    ("not-added-disjoint", {"type": "string"}, {"type": "string", "not": {"type": "integer"}}, [], True),
    ("not-added", {"type": "string"}, {"type": "string", "not": {"const": "x"}}, ["NOT_TYPE_EXTENDED"], False),
    ("keywords-and-oneOf", {"type": "object", "oneOf": [{"required": ["a"]}, {"required": ["b"]}]},
     {"type": "object", "oneOf": [{"required": ["a"]}]}, ["SUM_TYPE_NARROWED"], False),
    ("condition-added", {}, {"if": {"required": ["a"]}, "then": {"required": ["b"]}}, ["CONDITION_ADDED"], False),
    ("condition-removed", {"type": "object", "if": {"required": ["a"]}, "then": {"required": ["b"]}},
     {"type": "object"}, ["CONDITION_REMOVED"], True),
    ("condition-branch-tightened", {"if": {"required": ["a"]}, "then": {"required": ["b"]}},
     {"if": {"required": ["a"]}, "then": {"required": ["b", "c"]}}, ["REQUIRED_ATTRIBUTE_ADDED"], False),
    # annotations
    ("title-changed", {"title": "a"}, {"title": "b"}, ["TITLE_CHANGED"], True),
    ("description-added", {}, {"description": "b", "type": "string"}, ["DESCRIPTION_CHANGED", "TYPE_NARROWED"], False),
    ("default-changed", {"type": "string", "default": "a"}, {"type": "string", "default": "b"}, ["DEFAULT_CHANGED"],
     True),
    ("id-changed", {"$id": "a"}, {"$id": "b"}, ["ID_CHANGED"], True),
    ("unknown-keywords-ignored", {"x-internal": 1, "example": 3}, {"x-internal": 2, "example": 4}, [], True),
]


@pytest.mark.parametrize("old,new,expected,compatible", [c[1:] for c in KEYWORD_CASES],
                         ids=[c[0] for c in KEYWORD_CASES])
def test_keyword_families(old: Any, new: Any, expected: list[str], compatible: bool) -> None:
    diffs = compare(old, new)
    assert Counter(d.type for d in diffs) == Counter(expected), [str(d) for d in diffs]
    assert is_compatible(diffs, "strict") is compatible


def test_pointers_follow_the_corpus_convention() -> None:
    assert strs({"title": "a"}, {"title": "b"}) == ["TITLE_CHANGED #/"]
    assert strs({"properties": {"a/b": {"maxLength": 2}}}, {"properties": {"a/b": {"maxLength": 1}}}) == [
        "MAX_LENGTH_DECREASED #/properties/a~1b/maxLength"
    ]
    assert strs({"items": {"type": "string"}}, {"items": {"type": "integer"}}) == ["TYPE_CHANGED #/items"]


def test_new_pointer_when_the_paths_differ() -> None:
    [d] = compare({"anyOf": [{"type": "string", "maxLength": 3}, {"type": "null"}]},
                  {"anyOf": [{"type": "null"}, {"type": "string", "maxLength": 4}]})
    assert (d.type, d.pointer, d.new_pointer) == ("MAX_LENGTH_INCREASED", "#/anyOf/0/maxLength", "#/anyOf/1/maxLength")
    assert d.detail("old") == 3 and d.detail("new") == 4
    assert d.to_dict()["new_pointer"] == "#/anyOf/1/maxLength"
    [same] = compare({"maxLength": 3}, {"maxLength": 4})
    assert same.new_pointer is None and "new_pointer" not in same.to_dict()


def test_allof_members_are_merged_and_located() -> None:
    old = {"definitions": {"Base": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}},
           "allOf": [{"$ref": "#/definitions/Base"}, {"properties": {"name": {"type": "string", "maxLength": 10}}}]}
    flat = {"type": "object", "required": ["id"],
            "properties": {"id": {"type": "string"}, "name": {"type": "string", "maxLength": 5}}}
    [d] = compare(old, flat)
    assert d.type == "MAX_LENGTH_DECREASED"
    assert d.pointer == "#/allOf/1/properties/name/maxLength"
    assert d.new_pointer == "#/properties/name/maxLength"
    assert compare(flat, {**flat, "properties": {**flat["properties"]}}) == []


def test_oneof_members_pair_by_best_match() -> None:
    old = {"allOf": [{"type": "string"}, {"enum": ["red"]}]}
    new = {"allOf": [{"enum": ["red", "blue"]}, {"type": "string"}]}
    assert strs(old, new) == ["ENUM_ARRAY_EXTENDED #/allOf/1/enum"]


def test_tagged_variants_pair_by_tag() -> None:
    def variant(tag: str, extra: dict[str, Any]) -> dict[str, Any]:
        return {"type": "object", "required": ["kind"],
                "properties": {"kind": {"const": tag}, **extra}}
    old = {"oneOf": [variant(f"k{i}", {"v": {"type": "string"}}) for i in range(40)]}
    new = {"oneOf": [variant(f"k{i}", {"v": {"type": "string", "maxLength": 2} if i == 7 else {"type": "string"}})
                     for i in reversed(range(40))]}
    diffs = compare(old, new)
    assert [str(d) for d in diffs] == ["COMBINED_TYPE_SUBSCHEMAS_CHANGED #/"]
    assert diffs[0].detail("unmatched") == ("#/oneOf/7",)
    assert "MAX_LENGTH_ADDED #/oneOf/7/properties/v/maxLength" in diffs[0].detail("reasons")


# --- references -----------------------------------------------------------------------------
def test_refs_are_followed_and_reported_where_used() -> None:
    old = {"$defs": {"A": {"type": "string"}}, "properties": {"a": {"$ref": "#/$defs/A"}}}
    new = {"$defs": {"A": {"type": "integer"}}, "properties": {"a": {"$ref": "#/$defs/A"}}}
    assert strs(old, new) == ["TYPE_CHANGED #/properties/a"]
    assert compare({"type": "string"}, {"$ref": "#/definitions/s", "definitions": {"s": {"type": "string"}}}) == []


def test_anchor_and_embedded_id_references() -> None:
    old = {"$defs": {"a": {"$anchor": "A", "type": "integer"}}, "properties": {"x": {"$ref": "#A"}}}
    new = {"$defs": {"a": {"$anchor": "A", "type": "number"}}, "properties": {"x": {"$ref": "#A"}}}
    assert strs(old, new) == ["TYPE_EXTENDED #/properties/x"]
    doc = {"$id": "https://example.com/root.json",
           "$defs": {"item": {"$id": "item.json", "type": "string"}},
           "items": {"$ref": "item.json"}}
    assert LocalResolver(doc)("item.json")[0] == {"$id": "item.json", "type": "string"}
    assert compare(doc, copy.deepcopy(doc)) == []


def test_custom_resolver_for_external_documents() -> None:
    files_old = {"pet.json": {"type": "object", "properties": {"name": {"type": "string"}}}}
    files_new = {"pet.json": {"type": "object", "properties": {"name": {"type": "integer"}}}}

    def resolver(files: dict[str, Any], root: Any) -> Any:
        def resolve(ref: str) -> tuple[Any, str]:
            doc, _, frag = ref.partition("#")
            target = files[doc] if doc else root
            return LocalResolver(target)("#" + frag)[0], ref
        return resolve

    old = {"properties": {"pet": {"$ref": "pet.json"}}}
    new = {"properties": {"pet": {"$ref": "pet.json"}}}
    diffs = compare(old, new, resolver_old=resolver(files_old, old), resolver_new=resolver(files_new, new))
    assert [str(d) for d in diffs] == ["TYPE_CHANGED #/properties/pet/properties/name"]


def test_unresolvable_refs() -> None:
    assert compare({"$ref": "other.json#/A"}, {"$ref": "other.json#/A"}) == []  # unchanged, assumed equal
    [d] = compare({"$ref": "other.json#/A"}, {"$ref": "other.json#/B"})
    assert d.type == "CANNOT_DECIDE" and "cannot resolve" in d.detail("reason")
    assert not is_compatible([d], "lenient")


def test_ref_siblings_follow_the_dialect() -> None:
    defs = {"definitions": {"s": {"type": "string"}}}
    old = {"$schema": D07, **defs, "properties": {"a": {"$ref": "#/definitions/s"}}}
    new07 = {"$schema": D07, **defs, "properties": {"a": {"$ref": "#/definitions/s", "maxLength": 3}}}
    new20 = {"$schema": D2020, **defs, "properties": {"a": {"$ref": "#/definitions/s", "maxLength": 3}}}
    assert compare(old, new07) == []  # draft-07 ignores keywords next to $ref
    assert strs(old, new20) == ["MAX_LENGTH_ADDED #/properties/a/maxLength"]
    assert dialect_of({"$schema": D2020}) == "2020-12" and dialect_of({}) == "draft7"
    assert dialect_of({}, "2019-09") == "2019-09"


def test_openapi30_nullable_option() -> None:
    old = {"type": "string"}
    new = {"type": "string", "nullable": True}
    assert compare(old, new) == []  # plain JSON Schema: nullable is not a keyword
    assert [d.type for d in compare(old, new, options=CompareOptions(nullable=True))] == ["SUM_TYPE_EXTENDED"]
    assert [d.type for d in compare(new, old, options=CompareOptions(nullable=True))] == ["SUM_TYPE_NARROWED"]


# --- recursion, limits, memoization --------------------------------------------------------------
def tree(value_type: str) -> dict[str, Any]:
    return {"$defs": {"node": {"type": "object", "properties": {
        "value": {"type": value_type},
        "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}},
        "$ref": "#/$defs/node"}


def test_recursive_schemas_terminate() -> None:
    assert compare(tree("integer"), tree("integer")) == []
    assert strs(tree("integer"), tree("number")) == ["TYPE_EXTENDED #/properties/value"]
    assert strs(tree("integer"), tree("string")) == ["TYPE_CHANGED #/properties/value"]


def test_mutual_recursion_and_self_reference() -> None:
    def doc(leaf: str) -> dict[str, Any]:
        return {"$defs": {"A": {"properties": {"b": {"$ref": "#/$defs/B"}, "x": {"type": leaf}}},
                          "B": {"properties": {"a": {"$ref": "#/$defs/A"}}}},
                "properties": {"a": {"$ref": "#/$defs/A"}, "b": {"$ref": "#/$defs/B"}}}
    diffs = compare(doc("string"), doc("integer"))
    assert [str(d) for d in diffs] == ["TYPE_CHANGED #/properties/a/properties/x"]
    assert compare({"$ref": "#"}, {"$ref": "#"}) == []


def test_assumptions_proven_wrong_are_not_memoized() -> None:
    """B is first compared while A is assumed compatible; A is not, so B must be recomputed."""
    def doc(leaf: str) -> dict[str, Any]:
        return {"$defs": {"A": {"properties": {"b": {"$ref": "#/$defs/B"}, "x": {"type": leaf}}},
                          "B": {"properties": {"a": {"$ref": "#/$defs/A"}}}}}
    old, new = doc("string"), doc("integer")
    comparator = Comparator(old, new)
    first = comparator.compare(old["$defs"]["A"], new["$defs"]["A"])
    assert [str(d) for d in first] == ["TYPE_CHANGED #/properties/x"]
    second = comparator.compare(old["$defs"]["B"], new["$defs"]["B"])
    assert [str(d) for d in second] == ["TYPE_CHANGED #/properties/a/properties/x"]


def test_shared_definitions_are_compared_once() -> None:
    defs_old = {"T": {"type": "object", "properties": {f"p{i}": {"type": "string"} for i in range(30)}}}
    defs_new = copy.deepcopy(defs_old)
    defs_new["T"]["properties"]["p0"] = {"type": "integer"}
    uses = {f"f{i}": {"$ref": "#/definitions/T"} for i in range(3000)}
    old = {"definitions": defs_old, "properties": uses}
    new = {"definitions": defs_new, "properties": dict(uses)}
    comparator = Comparator(old, new, options=CompareOptions(max_steps=100))  # would run out without the memo
    diffs = comparator.compare(old, new)
    assert [str(d) for d in diffs] == ["TYPE_CHANGED #/properties/f0/properties/p0"]  # reported once, first use
    assert comparator._engine.steps < 100


def test_comparator_reuses_work_across_calls() -> None:
    old = {"$defs": {"A": {"type": "object", "properties": {"a": {"type": "string"}}}}}
    new = {"$defs": {"A": {"type": "object", "properties": {"a": {"type": "string", "maxLength": 2}}}}}
    comparator = Comparator(old, new)
    first = comparator.compare({"$ref": "#/$defs/A"}, {"$ref": "#/$defs/A"})
    memo = len(comparator._engine.memo)
    second = comparator.compare({"items": {"$ref": "#/$defs/A"}}, {"items": {"$ref": "#/$defs/A"}})
    assert [str(d) for d in first] == ["MAX_LENGTH_ADDED #/properties/a/maxLength"]
    assert [str(d) for d in second] == ["MAX_LENGTH_ADDED #/items/properties/a/maxLength"]
    assert len(comparator._engine.memo) <= memo + 2


def deep(levels: int, leaf: dict[str, Any]) -> dict[str, Any]:
    schema = leaf
    for _ in range(levels):
        schema = {"type": "object", "properties": {"a": schema}}
    return schema


def finishes_fast(seconds: float, fn: Any, *args: Any, **kw: Any) -> Any:
    start = time.perf_counter()
    result = fn(*args, **kw)
    elapsed = time.perf_counter() - start
    assert elapsed < seconds, f"took {elapsed:.1f}s"
    return result


def test_thousand_deep_nesting_is_bounded() -> None:
    same = finishes_fast(5, compare, deep(1000, {"type": "string"}), deep(1000, {"type": "string"}))
    assert same == []
    [d] = finishes_fast(5, compare, deep(1000, {"type": "string"}), deep(1000, {"type": "integer"}))
    assert d.type == "CANNOT_DECIDE" and "deeper than" in d.detail("reason")
    assert d.pointer.count("/properties/a") == CompareOptions().max_depth
    [shallow] = compare(deep(50, {"type": "string"}), deep(50, {"type": "integer"}))
    assert shallow.type == "TYPE_CHANGED"


def test_huge_enum_is_fast() -> None:
    values = list(range(100_000))
    [d] = finishes_fast(10, compare, {"enum": values}, {"enum": values + ["new"]})
    assert d.type == "ENUM_ARRAY_EXTENDED" and d.detail("added") == ["new"]
    [d] = finishes_fast(10, compare, {"enum": values}, {"enum": values[1:]})
    assert d.type == "ENUM_ARRAY_NARROWED" and d.detail("removed") == [0]


def nest(width: int, depth: int, tag: int) -> dict[str, Any]:
    if depth == 0:
        return {"type": "object", "properties": {"k": {"type": "string", "pattern": f"^{tag}$"}}}
    return {"oneOf": [nest(width, depth - 1, tag * width + i) for i in range(width)]}


def test_big_oneof_nests_are_bounded() -> None:
    old = nest(6, 3, 1)
    assert finishes_fast(10, compare, old, copy.deepcopy(old)) == []
    new = copy.deepcopy(old)
    new["oneOf"][0]["oneOf"][0]["oneOf"][0]["properties"]["k"] = {"type": "integer"}
    diffs = finishes_fast(20, compare, old, new, options=CompareOptions(max_steps=5_000))
    assert not is_compatible(diffs)
    wide = {"anyOf": [{"const": i} for i in range(500)]}
    assert finishes_fast(10, compare, wide, {"anyOf": list(reversed(wide["anyOf"]))}) == []


def test_work_limit_gives_cannot_decide() -> None:
    old = {"properties": {f"p{i}": {"type": "string"} for i in range(50)}}
    new = {"properties": {f"p{i}": {"type": "integer"} for i in range(50)}}
    diffs = compare(old, new, options=CompareOptions(max_steps=10))
    assert "CANNOT_DECIDE" in {d.type for d in diffs}
    assert not is_compatible(diffs, "lenient")


def test_results_are_deterministic() -> None:
    old = {"properties": {"a": {"type": "string"}, "b": {"oneOf": [{"type": "string"}, {"type": "null"}]}},
           "required": ["a"]}
    new = {"properties": {"c": {"type": "string"}, "b": {"oneOf": [{"type": "integer"}]}}, "required": ["c"]}
    first = compare(old, new)
    assert first == compare(copy.deepcopy(old), copy.deepcopy(new))
    assert [str(d) for d in first] == [  # new properties in their order, then removed ones, then required
        "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/c",
        "SUM_TYPE_NARROWED #/properties/b",
        "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL #/properties/a",
        "REQUIRED_ATTRIBUTE_REMOVED #/required/a",
    ]


def test_inputs_are_not_modified() -> None:
    old = {"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}}, {"required": ["a"]}],
           "properties": {"b": {"$ref": "#/definitions/x"}}, "definitions": {"x": {"type": "string"}}}
    new = {"type": "object", "properties": {"a": {"type": "string"}}}
    before = (copy.deepcopy(old), copy.deepcopy(new))
    compare(old, new)
    compare(new, old)
    assert (old, new) == before


# --- policies and modes ----------------------------------------------------------------------
def test_lenient_policy() -> None:
    diffs = compare({"properties": {}}, {"properties": {"a": {"type": "string"}}})
    assert not is_compatible(diffs, "strict") and is_compatible(diffs, "lenient")
    assert [d.type for d in breaking(diffs)] == ["OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"]
    assert breaking(diffs, "lenient") == []
    with pytest.raises(ValueError):
        is_compatible(diffs, "loose")


def test_policy_steers_member_pairing() -> None:
    old = {"anyOf": [{"type": "string"}, {"type": "object", "properties": {"a": {"type": "string"}}}]}
    new = {"anyOf": [{"type": "string"}, {"type": "object", "properties": {"a": {"type": "string"},
                                                                             "b": {"type": "string"}}}]}
    assert not is_compatible(compare(old, new), "strict")
    lenient = compare(old, new, policy="lenient")
    assert [str(d) for d in lenient] == ["OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/anyOf/1/properties/b"]
    assert is_compatible(lenient, "lenient")


def test_modes() -> None:
    narrow, wide = {"type": "integer"}, {"type": "number"}
    assert check(narrow, wide, "BACKWARD").compatible
    assert not check(narrow, wide, "FORWARD").compatible
    full = check(narrow, wide, "FULL")
    assert not full.compatible and [r.direction for r in full.results] == ["backward", "forward"]
    assert [d.type for d in full.breaking] == ["TYPE_NARROWED"]
    assert check(narrow, {"type": "string"}, "NONE").compatible
    assert parse_mode("full_transitive") == ("FULL", True)
    with pytest.raises(ValueError):
        parse_mode("SIDEWAYS")
    forward = compare_directed(narrow, wide, "forward")
    assert [d.type for d in forward] == ["TYPE_NARROWED"]


def test_responses_tolerate_added_optional_properties_when_lenient() -> None:
    old = {"type": "object", "properties": {"id": {"type": "string"}}}
    new = {"type": "object", "properties": {"id": {"type": "string"}, "extra": {"type": "integer"}}}
    assert check(old, new, "FORWARD", "strict").compatible  # old readers: the property is just unknown
    closed_old = {**old, "additionalProperties": False}
    assert not check(closed_old, new, "FORWARD", "strict").compatible
    assert check(closed_old, new, "FORWARD", "lenient").compatible


def test_transitive_checks_every_revision() -> None:
    revisions = [{"type": "integer"}, {"type": "number"}]
    assert check_transitive(revisions, {"type": "number"}, "BACKWARD").compatible
    transitive = check_transitive(revisions, {"type": "number"}, "FORWARD_TRANSITIVE")
    assert not transitive.compatible
    assert [(r.revision, r.compatible) for r in transitive.results] == [(0, False), (1, True)]
    assert check_transitive(revisions, {"type": "number"}, "FORWARD").compatible  # latest only
    assert check_transitive([], {"type": "string"}, "FULL_TRANSITIVE").compatible


# --- the rule table ----------------------------------------------------------------------------
def test_every_difference_type_is_a_rule() -> None:
    rules = {r.id: r for r in REGISTRY.rules("jsonschema")}
    assert len(REGISTRY_TYPES) == 132
    assert set(DIFFERENCE_TYPES) <= set(rules)
    assert len([t for t in REGISTRY_TYPES if t in COMPATIBLE_STRICT]) == 65
    assert len([t for t in REGISTRY_TYPES if t in COMPATIBLE_LENIENT]) == 74
    assert COMPATIBLE_STRICT <= COMPATIBLE_LENIENT
    for name, info in DIFFERENCE_TYPES.items():
        rule = rules[name]
        assert rule.level == (Level.INFO if info.strict else Level.ERR)
        assert ("lenient:compatible" in rule.categories) == info.lenient
        assert rule.description and rule.why and rule.area.startswith("schema/")


def test_reported_types_are_all_declared() -> None:
    seen: set[str] = set()
    for _name, old, new, _expected, _ok in KEYWORD_CASES:
        seen.update(d.type for d in compare(old, new))
    assert seen <= set(DIFFERENCE_TYPES)


def test_assignment_is_optimal_and_rectangular() -> None:
    assert assign([[4, 1, 3], [2, 0, 5], [3, 2, 2]]) == [1, 0, 2]
    assert assign([[1, 2], [0, 5], [3, 0]]) == [None, 0, 1]
    assert assign([]) == []


# --- soundness against a validator -------------------------------------------------------------
TYPE_NAMES = ["string", "integer", "number", "boolean", "null", "object", "array"]
PROBES: list[Any] = [
    None, True, False, 0, 1, -1, 2, 3, 6, 1.5, -0.5, "", "a", "ab", "abc", "abcd", "b",
    [], [1], ["a"], [1, 1], [1, "a", None], [[1]], [{}],
    {}, {"a": 1}, {"a": "x"}, {"b": None}, {"a": 1, "b": 2}, {"c": "ab"}, {"a": {"a": 1}}, {"ab": 1},
    {"a": [1]}, {"a": "x", "b": "y", "c": "z"},
]


def random_schema(rng: Any, depth: int = 0) -> Any:
    """A small random schema over the keywords whose STRICT verdicts are meant to be sound."""
    if depth > 2 or rng.random() < 0.15:
        return rng.choice([True, {}, {"type": rng.choice(TYPE_NAMES)}])
    roll = rng.random()
    if roll < 0.1:
        return {"anyOf": [random_schema(rng, depth + 1) for _ in range(rng.randint(1, 3))]}
    if roll < 0.2:
        return {"allOf": [random_schema(rng, depth + 1) for _ in range(rng.randint(1, 3))]}
    s: dict[str, Any] = {}
    maybe = rng.random
    if maybe() < 0.7:
        s["type"] = rng.choice(TYPE_NAMES) if maybe() < 0.7 else rng.sample(TYPE_NAMES, 2)
    if maybe() < 0.2:
        s["enum"] = rng.sample([1, 2, "a", "b", None, True, 1.5, [], {}], rng.randint(1, 3))
    if maybe() < 0.1:
        s["const"] = rng.choice([1, "a", None])
    for kw, lo, hi in (("minimum", -2, 2), ("maximum", -2, 3), ("exclusiveMaximum", -2, 3), ("maxLength", 0, 3),
                       ("minLength", 0, 2), ("maxItems", 0, 3), ("minItems", 0, 2), ("maxProperties", 0, 2),
                       ("minProperties", 0, 2)):
        if maybe() < 0.2:
            s[kw] = rng.randint(lo, hi)
    if maybe() < 0.2:
        s["multipleOf"] = rng.choice([1, 2, 3, 0.5])
    if maybe() < 0.4:
        s["properties"] = {n: random_schema(rng, depth + 1) for n in rng.sample(["a", "b", "c"], rng.randint(0, 2))}
    if maybe() < 0.3:
        s["required"] = rng.sample(["a", "b", "c"], rng.randint(0, 2))
    if maybe() < 0.3:
        s["additionalProperties"] = rng.choice([False, True, random_schema(rng, depth + 1)])
    if maybe() < 0.1:
        s["patternProperties"] = {"^a": random_schema(rng, depth + 1)}
    if maybe() < 0.3:
        s["items"] = random_schema(rng, depth + 1)
    if maybe() < 0.15:
        s["prefixItems"] = [random_schema(rng, depth + 1) for _ in range(rng.randint(0, 2))]
    if maybe() < 0.1:
        s["uniqueItems"] = rng.choice([True, False])
    if maybe() < 0.1:
        s["not"] = random_schema(rng, depth + 1)
    if maybe() < 0.1:
        s["dependentRequired"] = {"a": ["b"]}
    return s


def mutated(rng: Any, schema: Any) -> Any:
    if rng.random() < 0.3 or not isinstance(schema, dict):
        return random_schema(rng)
    out = copy.deepcopy(schema)
    if out and rng.random() < 0.5:
        del out[rng.choice(sorted(out))]
    else:
        extra = random_schema(rng, 1)
        if isinstance(extra, dict):
            out.update(extra)
    return out


def test_compatible_verdicts_are_sound() -> None:
    """Whenever STRICT says compatible, no probe value valid under old is rejected by new."""
    import random

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from jsonschema import Draft202012Validator

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.integers(min_value=0, max_value=2**32))
    def check_seed(seed: int) -> None:
        rng = random.Random(seed)
        old = random_schema(rng)
        new = mutated(rng, old) if rng.random() < 0.7 else random_schema(rng)
        old_doc = {"$schema": D2020, **old} if isinstance(old, dict) else old
        new_doc = {"$schema": D2020, **new} if isinstance(new, dict) else new
        diffs = compare(old_doc, new_doc)
        if not is_compatible(diffs, "strict"):
            return
        accepts_old, accepts_new = Draft202012Validator(old_doc), Draft202012Validator(new_doc)
        for value in PROBES:
            if accepts_old.is_valid(value):
                assert accepts_new.is_valid(value), (old, new, value, [str(d) for d in diffs])

    check_seed()


def test_identical_schemas_have_no_differences() -> None:
    import random

    rng = random.Random(7)
    for _ in range(200):
        schema = random_schema(rng)
        assert compare(schema, copy.deepcopy(schema)) == []

"""Property-based checks of the OpenAPI diff: no change means no findings, and no pair of
generated documents crashes the engine (recursive schemas, odd values, broken refs included)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govern.diff.openapi import diff_openapi
from govern.diff.openapi.rules import LEVELS

NAMES = st.sampled_from(["a", "b", "c", "id", "name"])
COMPONENTS = ["Pet", "Owner", "Tag"]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=4))


def schemas(depth: int = 3) -> st.SearchStrategy[Any]:
    leaf = st.one_of(
        st.fixed_dictionaries({"type": st.sampled_from(["string", "integer", "number", "boolean"])},
                              optional={"maxLength": st.integers(0, 9), "minimum": st.integers(-3, 3),
                                        "exclusiveMaximum": st.one_of(st.booleans(), st.integers(0, 9)),
                                        "pattern": st.sampled_from(["", ".*", "^[a-z]+$", "(["]),
                                        "format": st.sampled_from(["int32", "int64", "date-time", "email"]),
                                        "enum": st.lists(SCALARS, max_size=3),
                                        "nullable": st.booleans(), "readOnly": st.booleans(),
                                        "deprecated": st.booleans(), "x-sunset": st.sampled_from(["2020-01-01", "later", 7]),
                                        "x-stability-level": st.sampled_from(["alpha", "beta", "stable", "ga"]),
                                        "default": SCALARS, "const": SCALARS}),
        st.builds(lambda n: {"$ref": f"#/components/schemas/{n}"}, st.sampled_from(COMPONENTS + ["Missing"])),
        st.just({}),
        st.booleans(),
    )
    if depth == 0:
        return leaf
    inner = schemas(depth - 1)
    return st.one_of(
        leaf,
        st.fixed_dictionaries({"type": st.just("object")},
                              optional={"properties": st.dictionaries(NAMES, inner, max_size=3),
                                        "required": st.lists(NAMES, max_size=3),
                                        "additionalProperties": st.one_of(st.booleans(), inner),
                                        "discriminator": st.fixed_dictionaries({"propertyName": NAMES})}),
        st.fixed_dictionaries({"type": st.just("array"), "items": inner}, optional={"minItems": st.integers(0, 3)}),
        st.builds(lambda k, xs: {k: xs}, st.sampled_from(["oneOf", "anyOf", "allOf"]), st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda t: {"type": t}, st.lists(st.sampled_from(["string", "integer", "null"]), min_size=1, max_size=3, unique=True)),
        st.builds(lambda x: {"not": x}, inner),
    )


def parameters() -> st.SearchStrategy[Any]:
    return st.fixed_dictionaries(
        {"name": NAMES, "in": st.sampled_from(["query", "header", "cookie"]), "schema": schemas(1)},
        optional={"required": st.booleans(), "deprecated": st.booleans(), "x-sunset": st.sampled_from(["2099-01-01", "bad"])},
    )


def operations() -> st.SearchStrategy[Any]:
    media = st.dictionaries(st.sampled_from(["application/json", "application/xml", "text/plain"]),
                            st.fixed_dictionaries({}, optional={"schema": schemas()}), max_size=2)
    response = st.fixed_dictionaries({"description": st.just("OK")},
                                     optional={"content": media,
                                               "headers": st.dictionaries(st.sampled_from(["X-A", "x-a", "X-B"]),
                                                                          st.fixed_dictionaries({"schema": schemas(1)}, optional={"required": st.booleans()}),
                                                                          max_size=2)})
    return st.fixed_dictionaries(
        {"responses": st.dictionaries(st.sampled_from(["200", "201", "404", "default"]), response, min_size=1, max_size=2)},
        optional={
            "parameters": st.lists(parameters(), max_size=3),
            "requestBody": st.fixed_dictionaries({"content": media}, optional={"required": st.booleans()}),
            "deprecated": st.booleans(),
            "x-sunset": st.sampled_from(["2000-01-01", "2999-01-01", "soon"]),
            "x-stability-level": st.sampled_from(["draft", "alpha", "beta", "stable", 3]),
            "operationId": NAMES,
            "tags": st.lists(NAMES, max_size=2),
            "security": st.lists(st.dictionaries(st.sampled_from(["oauth", "key"]), st.lists(NAMES, max_size=2), max_size=2), max_size=2),
        },
    )


def documents() -> st.SearchStrategy[Any]:
    paths = st.dictionaries(st.sampled_from(["/pets", "/pets/{id}", "/pets/{petId}", "/owners"]),
                            st.dictionaries(st.sampled_from(["get", "post", "delete"]), operations(), min_size=1, max_size=2),
                            max_size=3)
    return st.builds(
        lambda version, p, comps, extra: {"openapi": version, "info": {"title": "T", "version": "1.0.0"}, "paths": p,
                                          "components": {"schemas": comps}, **extra},
        st.sampled_from(["3.0.3", "3.1.0"]),
        paths,
        st.dictionaries(st.sampled_from(COMPONENTS), schemas(2), max_size=3),
        st.dictionaries(st.sampled_from(["x-owner", "servers", "security"]), st.just([]), max_size=2),
    )


CONFIG = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@CONFIG
@given(documents())
def test_a_document_against_itself_has_no_findings(doc: Any) -> None:
    assert diff_openapi(doc, copy.deepcopy(doc)) == []


@CONFIG
@given(documents(), documents())
def test_no_pair_crashes_and_findings_are_well_formed(base: Any, revision: Any) -> None:
    findings = diff_openapi(base, revision)
    for f in findings:
        assert f.id in LEVELS
        assert f.message
        assert f.location.pointer is not None
    assert [f.to_dict() for f in findings] == [f.to_dict() for f in diff_openapi(base, revision)]


@CONFIG
@given(documents(), documents())
def test_the_residue_only_adds_informational_unclassified_changes(base: Any, revision: Any) -> None:
    from govern.diff.openapi import Settings
    from govern.rules.finding import Level

    everything = [f.to_dict() for f in diff_openapi(base, revision)]
    without_residue = [f.to_dict() for f in diff_openapi(base, revision, Settings(unclassified=False))]
    assert all(f in everything for f in without_residue)
    extra = [f for f in everything if f not in without_residue]
    assert all(f["id"] == "unclassified-change" and f["level"] == Level.INFO.name for f in extra)

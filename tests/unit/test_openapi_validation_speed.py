"""The fast OpenAPI validation walk (govern/load/openapi_speed.py) reports exactly what the plain
openapi-spec-validator walk reports: same messages, same places, same order."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govern.errors import InputError
from govern.load import RefResolver, load_contract
from govern.load import openapi as openapi_module
from govern.load.detect import detect_kind
from govern.load.files import load_document
from govern.load.model import Limits
from govern.load.openapi import (
    _Handlers,
    _tracking_validator,
    load_openapi,
    validate_openapi,
)
from govern.load.openapi_speed import (
    IdList,
    fast_path,
    fast_schema_validator,
    memo_ref_class,
)

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"


@pytest.fixture(autouse=True)
def no_verdict_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVERN_NO_CACHE", "1")


@contextmanager
def walk(fast: bool) -> Iterator[None]:
    original = openapi_module._tracking_validator
    with mock.patch.object(openapi_module, "_tracking_validator", lambda minor: original(minor, fast)):
        yield


def problems(path: str | Path, *, fast: bool) -> list[tuple[Any, ...]]:
    doc = load_document(os.path.normpath(str(path)), Limits())
    contract = load_openapi(doc, limits=Limits(), validate=False)
    with walk(fast):
        try:
            found = validate_openapi(contract.version, RefResolver.of(contract), contract.path)
        except InputError as exc:
            return [("input-error", str(exc))]
    return [(p.message, p.location.file, p.location.line, p.location.pointer) for p in found]


def write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=1))
    return str(path)


def shared_component_spec(uses: int) -> dict[str, Any]:
    media = {"application/json": {"schema": {"$ref": "#/components/schemas/Bad"}}}
    paths = {
        f"/items{i}": {"get": {"responses": {"200": {"description": "ok", "content": media}}}} for i in range(uses)
    }
    bad = {
        "type": "object",
        "allOf": [{"type": "object", "properties": {"a": {"type": "string", "default": 5}}}],
        "required": ["a", "ghost"],
    }
    meta = {"type": "object", "properties": {"n": {"type": "integer", "minimum": "zero"}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        "components": {"schemas": {"Bad": bad, "Meta": meta}},
    }


def test_an_invalid_component_used_50_times_is_reported_once_as_before(tmp_path: Path) -> None:
    path = write(tmp_path, "shared.json", shared_component_spec(50))
    fast = problems(path, fast=True)
    assert fast == problems(path, fast=False)
    assert [(message, pointer) for message, _, _, pointer in fast] == [
        ("minimum: 'zero' is not of type 'number'", "/components/schemas/Meta/properties/n/minimum"),
        ("a: 5 is not of type 'string'", "/components/schemas/Bad/allOf/0/properties/a"),
        (
            "Required list has not defined properties: ['ghost']",
            "/paths/~1items0/get/responses/200/content/application~1json/schema",
        ),
    ]


def test_errors_in_a_referenced_file_and_duplicates_agree(tmp_path: Path) -> None:
    write(
        tmp_path,
        "parts.json",
        {
            "Pet": {
                "type": "object",
                "required": ["id", "name"],
                "allOf": [{"properties": {"id": {"type": "integer"}}}],
            },
            "Name": {"in": "query", "name": "name", "schema": {"type": "string", "default": 3}},
        },
    )
    operation = {
        "operationId": "same",
        "parameters": [{"$ref": "parts.json#/Name"}, {"$ref": "parts.json#/Name"}],
        "responses": {
            "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "parts.json#/Pet"}}}}
        },
    }
    root = write(
        tmp_path,
        "api.json",
        {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a/{id}": {"get": operation}, "/b": {"post": operation}},
        },
    )
    fast = problems(root, fast=True)
    assert fast == problems(root, fast=False)
    messages = [message for message, *_ in fast]
    assert "Operation ID 'same' for 'post' in '/b' is not unique" in messages
    assert any(file.endswith("parts.json") for _, file, _, _ in fast)


def test_openapi_31_documents_agree(tmp_path: Path) -> None:
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/x": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S"}}},
                        }
                    }
                }
            }
        },
        "components": {
            "schemas": {
                "S": {
                    "$id": "https://example.com/s",
                    "type": ["object", "null"],
                    "properties": {"k": {"$ref": "#/$defs/K"}},
                    "$defs": {"K": {"type": "string", "default": 1}},
                },
                "T": {"type": "strng"},
            }
        },
    }
    path = write(tmp_path, "api31.json", spec)
    fast = problems(path, fast=True)
    assert fast and fast == problems(path, fast=False)


def openapi_cases() -> list[Path]:
    found = []
    for path in sorted(CASES.rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".json") or not path.is_file():
            continue
        try:
            if detect_kind(load_document(os.path.normpath(str(path)), Limits())) == "openapi":
                found.append(path)
        except (InputError, RecursionError):
            continue
    return found


def test_agreement_on_the_repository_cases() -> None:
    """Every invalid OpenAPI case and a sample of valid ones (the benchmark checks them all)."""
    cases = openapi_cases()
    checked = invalid = 0
    sample = random.Random(7)
    for path in cases:
        try:
            fast = problems(path, fast=True)
        except (InputError, RecursionError):
            continue  # rejected while loading: validation never runs
        if not fast and sample.random() > 0.1:
            continue
        assert fast == problems(path, fast=False), path
        checked += 1
        invalid += bool(fast)
    assert invalid >= 3 and checked > invalid


def test_bad_input_openapi_files_agree() -> None:
    checked = 0
    for path in sorted((CASES / "bad-input").glob("openapi-*.yaml")):
        try:
            fast = problems(path, fast=True)
        except InputError as refused:  # refused while loading, before validation
            with pytest.raises(InputError) as again:
                problems(path, fast=False)
            assert str(again.value) == str(refused)
            continue
        assert fast == problems(path, fast=False), path
        checked += 1
    assert checked >= 2


def test_the_validator_can_be_reused_across_documents(tmp_path: Path) -> None:
    """The `$ref` lookups remembered for one document never leak into another."""
    bad = write(tmp_path, "bad.json", shared_component_spec(3))
    good = shared_component_spec(2)
    good["components"]["schemas"] = {"Bad": {"type": "object"}}
    ok = write(tmp_path, "ok.json", good)
    expected = problems(bad, fast=False)
    assert problems(bad, fast=True) == expected
    assert problems(ok, fast=True) == []
    assert problems(bad, fast=True) == expected
    assert load_contract(ok).problems == []


def test_fast_path_resolves_every_path_like_the_library(tmp_path: Path) -> None:
    from jsonschema_path import SchemaPath

    write(
        tmp_path,
        "parts.json",
        {"Pet": {"type": "object", "properties": {"tag": {"$ref": "#/Tag"}}}, "Tag": {"type": "string"}},
    )
    spec = shared_component_spec(2)
    spec["components"]["schemas"]["Ext"] = {"$ref": "parts.json#/Pet"}
    root = write(tmp_path, "api.json", spec)
    contract = load_openapi(load_document(root, Limits()), limits=Limits(), validate=False)
    resolver = RefResolver.of(contract)
    handlers = _Handlers(resolver)
    plain = SchemaPath.from_dict(
        contract.documents[contract.path].data, base_uri=Path(root).as_uri(), handlers=handlers
    )
    fast = fast_path(plain)
    assert type(fast.accessor) is not type(plain.accessor) and fast.separator == plain.separator
    assert fast_path(fast) is fast

    def walk_both(a: Any, b: Any, depth: int = 0) -> int:
        value = a.read_value()
        assert b.read_value() == value and ("type" in a) == ("type" in b)
        if not isinstance(value, (dict, list)) or depth > 12:
            return 1
        keys = list(a.keys())
        assert list(b.keys()) == keys
        return 1 + sum(walk_both(a / key, b / key, depth + 1) for key in keys)

    assert walk_both(plain, fast) > 50
    ext = fast / "components" / "schemas" / "Ext" / "properties" / "tag"
    assert ext.read_value() == {"type": "string"}
    with pytest.raises(KeyError):
        (fast / "components" / "nope").read_value()
    with pytest.raises(KeyError):
        (fast / "paths" / "/items0" / 3).read_value()


def test_id_list_answers_like_a_list() -> None:
    seen = IdList([3])
    for item in (5, 3, 9):
        if item not in seen:
            seen.append(item)
    assert seen == [3, 5, 9] and 9 in seen and 4 not in seen


def test_other_schema_validators_are_left_alone() -> None:
    class NotJsonschema:
        def iter_errors(self, instance: Any) -> Iterator[Any]:
            return iter(())

    other = NotJsonschema()
    assert fast_schema_validator(other) is other

    class NoRef:
        VALIDATORS: dict[str, Any] = {}

    assert memo_ref_class(NoRef) is NoRef


def test_both_walks_use_the_same_library_classes() -> None:
    fast, plain = _tracking_validator(0, True), _tracking_validator(0, False)
    assert fast.__mro__[1] is plain.__mro__[1]
    assert set(fast.keyword_validators) == set(plain.keyword_validators)


def meta_outcome(check: Any, schema: Any) -> Any:
    """What a meta-check does with `schema`: None, or the SchemaError it raises, field by field."""
    from jsonschema.exceptions import SchemaError

    try:
        check(schema)
    except SchemaError as error:
        return error.message, list(error.path), list(error.schema_path), error.validator, error.instance
    return None


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "strng"},
        {"properties": {"a": {"minimum": "x"}}},
        {"items": [{"type": 5}]},
        {"required": []},
        {"allOf": [{"properties": {"deep": {"items": {"additionalProperties": {"enum": []}}}}}]},
        {"type": "object", "properties": {"x": {"$ref": 5}}},
        {"type": "object", "properties": {"x": {"type": "string", "maxLength": -1}}},
        {},
    ],
)
def test_the_meta_check_raises_what_the_library_raises(schema: dict[str, Any]) -> None:
    from functools import partial

    from openapi_schema_validator import OAS30Validator, OAS31Validator

    from govern.load.openapi_speed import fast_schema_checker

    assert meta_outcome(fast_schema_checker(OAS30Validator.check_schema), schema) == meta_outcome(
        OAS30Validator.check_schema, schema
    )
    # 3.1 dialects: a jsonschema-rs pre-check, then the library's own check
    dynamic = partial(OAS31Validator.check_schema, format_checker=OAS31Validator.FORMAT_CHECKER)
    fast = fast_schema_checker(dynamic)
    assert fast is not dynamic and meta_outcome(fast, schema) == meta_outcome(dynamic, schema)


def test_a_validator_made_for_a_subschema_is_made_once() -> None:
    from jsonschema import Draft4Validator, FormatChecker

    schema = {
        "properties": {"a": {"type": "string"}, "b": {"oneOf": [{"type": "integer"}, {"required": ["x"]}]}},
        "additionalProperties": False,
    }
    fast = memo_ref_class(Draft4Validator)(schema)
    sub = schema["properties"]["a"]
    assert fast.evolve(schema=sub) is fast.evolve(schema=sub)
    assert fast.evolve(schema=sub, _resolver=fast._resolver) is fast.evolve(schema=sub)
    assert fast.evolve(schema=sub).schema is sub
    # any other change builds a new validator, as jsonschema does
    checker = FormatChecker()
    assert fast.evolve(schema=sub, format_checker=checker) is not fast.evolve(schema=sub, format_checker=checker)
    assert fast.evolve(schema=sub, format_checker=checker).format_checker is checker

    def errors(validator: Any, instance: Any) -> list[Any]:
        return [(e.message, list(e.path), list(e.schema_path), [c.message for c in e.context]) for e in validator.iter_errors(instance)]

    for instance in ({"a": 1, "b": "no", "c": 0}, {"a": "ok", "b": 3}, {"b": {"y": 1}}, [], {"b": {"x": 1}}):
        for _ in range(2):  # the second time every validator comes from the memo
            assert errors(fast, instance) == errors(Draft4Validator(schema), instance)


# ---------------------------------------------------------------- the jsonschema-rs pre-check


class CountingValidator:
    """A jsonschema-like validator that counts its runs."""

    def __init__(self, errors: list[str]) -> None:
        self.errors, self.runs, self.schema = errors, 0, {"marker": True}

    def iter_errors(self, instance: Any) -> Iterator[str]:
        self.runs += 1
        yield from self.errors


class Compiled:
    def __init__(self, answer: Any) -> None:
        self.answer = answer

    def is_valid(self, instance: Any) -> bool:
        if isinstance(self.answer, Exception):
            raise self.answer
        return bool(self.answer)


def test_the_precheck_skips_jsonschema_only_when_jsonschema_rs_says_valid() -> None:
    from govern.load.openapi_speed import Prechecked

    inner = CountingValidator(["boom"])
    assert list(Prechecked(inner, Compiled(True)).iter_errors({})) == [] and inner.runs == 0
    assert list(Prechecked(inner, Compiled(False)).iter_errors({})) == ["boom"] and inner.runs == 1
    # a value jsonschema-rs cannot take (non-string keys from YAML): jsonschema decides
    assert list(Prechecked(inner, Compiled(ValueError("Dict key must be str"))).iter_errors({1: 2})) == ["boom"]
    assert Prechecked(inner, Compiled(True)).schema == {"marker": True}  # everything else is the validator's


def test_the_official_schema_validator_is_jsonschema_whatever_the_library_would_pick() -> None:
    from jsonschema.validators import Draft4Validator, Draft202012Validator

    from govern.load.openapi_speed import Prechecked

    assert isinstance(_tracking_validator(0, False).schema_validator, Draft4Validator)
    assert isinstance(_tracking_validator(1, False).schema_validator, Draft202012Validator)
    fast = _tracking_validator(0, True).schema_validator
    assert isinstance(fast, Prechecked)  # in front of jsonschema's Draft 4 validator, extended
    assert type(fast.validator).META_SCHEMA == Draft4Validator.META_SCHEMA


def test_the_precheck_never_fetches_a_remote_ref() -> None:
    from govern.load.openapi_speed import compiled_schema

    assert compiled_schema({"$ref": "https://example.invalid/schema.json"}) is None
    assert compiled_schema({"type": "object"}) is not None


def test_formats_of_the_meta_check_are_checked_by_python() -> None:
    """`"format": "regex"` is Python's `re`: a named group in ECMA-262 syntax is not a Python
    regular expression, so the meta-check must still reject it."""
    from jsonschema import FormatChecker

    from govern.load.openapi_speed import compiled_schema

    compiled = compiled_schema({"properties": {"pattern": {"type": "string", "format": "regex"}}}, FormatChecker())
    assert compiled.is_valid({"pattern": "(?P<n>a)"}) and not compiled.is_valid({"pattern": "(?<n>a)"})
    # a format the checker does not know passes, as in jsonschema (jsonschema-rs's own "uri"
    # check is not used)
    only_regex = FormatChecker(["regex"])
    compiled = compiled_schema({"properties": {"u": {"format": "uri"}, "n": {"format": "no-such"}}}, only_regex)
    assert compiled.is_valid({"u": "not a URI ::", "n": "x"})


@pytest.mark.parametrize(
    "name, text",
    [
        ("int-keys.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n"),
        ("regex.json", None),
        ("float-length.json", None),
        ("newline-code.json", None),
    ],
)
def test_where_jsonschema_rs_is_stricter_jsonschema_answers(tmp_path: Path, name: str, text: str | None) -> None:
    """Values on which jsonschema-rs and jsonschema disagree: jsonschema's answer is reported."""
    schemas = {
        "regex.json": {"R": {"type": "string", "pattern": "(?<n>a)"}},
        "float-length.json": {"F": {"type": "string", "maxLength": 5.0}},
        "newline-code.json": {},
    }
    if text is None:
        responses = {"200\n" if name == "newline-code.json" else "200": {"description": "ok"}}
        data = {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"responses": responses}}},
            "components": {"schemas": schemas[name]},
        }
        path = write(tmp_path, name, data)
    else:
        path = str(tmp_path / name)
        Path(path).write_text(text)
    assert problems(path, fast=True) == problems(path, fast=False)
    if name in ("regex.json", "float-length.json"):
        assert problems(path, fast=True), "jsonschema finds these invalid"


# Schema objects as users write them, right and wrong: keywords with values of the right kind,
# of the wrong kind, regexes Python and ECMA-262 disagree on, nested schemas.
_ANY_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.floats(-2, 2, allow_nan=False), st.sampled_from(["", "x", "string"])
)
_PATTERNS = st.sampled_from(["^a$", "(?<n>a)", "(?P<n>a)", "[", "a{2,1}", "\\d+", "^x-", "(?i)a", "\\p{L}"])
_TYPES = st.sampled_from(["string", "integer", "number", "object", "array", "boolean", "null", "strin", 5])


def _schemas() -> Any:
    def extend(inner: Any) -> Any:
        keyword_values = {
            "type": st.one_of(_TYPES, st.lists(_TYPES, max_size=3)),
            "properties": st.dictionaries(st.sampled_from(["a", "b", "$ref"]), inner, max_size=2),
            "items": st.one_of(inner, st.lists(inner, max_size=2)),
            "allOf": st.lists(inner, max_size=2),
            "oneOf": st.lists(inner, max_size=2),
            "not": inner,
            "additionalProperties": st.one_of(st.booleans(), inner),
            "required": st.one_of(st.lists(st.sampled_from(["a", "b", "c"]), max_size=3), _ANY_VALUE),
            "enum": st.one_of(st.lists(_ANY_VALUE, max_size=3), _ANY_VALUE),
            "pattern": st.one_of(_PATTERNS, _ANY_VALUE),
            "minimum": _ANY_VALUE,
            "maxLength": st.one_of(st.integers(-1, 3), st.just(2.0), _ANY_VALUE),
            "format": st.one_of(st.sampled_from(["int32", "date-time", "regex", "uuid"]), _ANY_VALUE),
            "nullable": _ANY_VALUE,
            "default": _ANY_VALUE,
            "discriminator": st.one_of(st.fixed_dictionaries({"propertyName": st.sampled_from(["a", 5])}), _ANY_VALUE),
            "$ref": st.sampled_from(["#/components/schemas/A", 5]),
            "readOnly": _ANY_VALUE,
            "x-extra": _ANY_VALUE,
        }
        return st.dictionaries(st.sampled_from(sorted(keyword_values)), st.none(), max_size=4).flatmap(
            lambda keys: st.fixed_dictionaries({key: keyword_values[key] for key in keys})
        )

    return st.recursive(st.fixed_dictionaries({}), extend, max_leaves=6)


@settings(max_examples=300, deadline=None)
@given(schema=_schemas())
def test_the_fast_meta_checks_answer_as_the_library_on_generated_schemas(schema: dict[str, Any]) -> None:
    """Both dialects: the fast check (jsonschema-rs first, then jsonschema) raises exactly what
    the library's own check raises, on valid and invalid schema objects alike."""
    from functools import partial

    from openapi_schema_validator import OAS30Validator, OAS31Validator

    from govern.load.openapi_speed import fast_schema_checker

    assert meta_outcome(fast_schema_checker(OAS30Validator.check_schema), schema) == meta_outcome(
        OAS30Validator.check_schema, schema
    )
    dynamic = partial(OAS31Validator.check_schema, format_checker=OAS31Validator.FORMAT_CHECKER)
    assert meta_outcome(fast_schema_checker(dynamic), schema) == meta_outcome(dynamic, schema)

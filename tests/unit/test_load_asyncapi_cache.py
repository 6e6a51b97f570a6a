"""The `$ref` memo of the AsyncAPI loader: the same problems as plain jsonschema, only faster."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator, Draft202012Validator

from govern.load import asyncapi, load_contract
from govern.load.jsonschema import (
    memo_errors,
    memo_validator_class,
    safe_registry,
    shape_ids,
)

# One invalid payload schema, pasted (as text) into several places and, through a YAML alias,
# shared as one object; nested copies sit at different depths, so a memo keyed wrongly (by
# position, or without copying errors) would lose or misplace some of the problems.
V3 = """\
asyncapi: 3.0.0
info: {title: Shared, version: 1.0.0}
channels:
  a:
    messages:
      one:
        payload: &bad
          type: object
          required: id
          properties:
            id: {type: strng}
            size: {type: integer, minLength: -1}
            tags: {type: array, items: {type: object, required: [1, 1]}}
  b:
    messages:
      one:
        payload: *bad
  c:
    messages:
      one:
        payload:
          type: object
          required: id
          properties:
            id: {type: strng}
            size: {type: integer, minLength: -1}
            tags: {type: array, items: {type: object, required: [1, 1]}}
  d:
    messages:
      one:
        payload:
          type: object
          properties:
            inner:
              type: object
              required: id
              properties:
                id: {type: strng}
                size: {type: integer, minLength: -1}
                tags: {type: array, items: {type: object, required: [1, 1]}}
  e:
    messages: {one: 7}
  f:
    messages: {one: 7}
  g:
    bindings: {kafka: {partitions: six}}
  h:
    bindings: {kafka: {partitions: six}}
operations:
  sendA:
    action: sned
    channel: {$ref: '#/channels/a'}
  sendB:
    action: sned
    channel: {$ref: '#/channels/b'}
components:
  schemas:
    Bad: *bad
    AlsoBad:
      type: object
      required: id
      properties:
        id: {type: strng}
        size: {type: integer, minLength: -1}
        tags: {type: array, items: {type: object, required: [1, 1]}}
"""

# 2.x: payloads are checked per schemaFormat against definitions of the 2.6.0 schema.
V2 = """\
asyncapi: {version}
info: {{title: Shared, version: 1.0.0}}
channels:
  a:
    subscribe:
      message:
        oneOf:
          - payload: &bad {{type: object, properties: {{id: {{type: strng}}, n: {{maximum: big}}}}}}
          - payload: *bad
          - payload: {{type: object, properties: {{id: {{type: strng}}, n: {{maximum: big}}}}}}
          - schemaFormat: application/vnd.oai.openapi;version=3.0.0
            payload: {{type: object, nullable: maybe, properties: {{id: {{type: strng}}}}}}
          - schemaFormat: application/vnd.apache.avro;version=1.9.0
            payload: {{type: record, name: 5, fields: [{{name: id, type: strng}}]}}
  b:
    publish:
      message: {{payload: {{properties: {{x: {{type: object, properties: {{id: {{type: strng}}}}}}}}}}}}
components:
  messages:
    Twin:
      payload: {{type: object, properties: {{id: {{type: strng}}, n: {{maximum: big}}}}}}
"""


def problems(path: str) -> list[tuple[str, str, str | None, int | None, int | None]]:
    contract = load_contract(path, mode="collect")
    return [(p.rule_id, p.message, p.location.pointer, p.location.line, p.location.col) for p in contract.problems]


def without_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside `memo_errors` the memo class's `$ref` is jsonschema's own: the plain validation."""
    monkeypatch.setattr(asyncapi, "memo_errors", lambda validator, instance: list(validator.iter_errors(instance)))


@pytest.mark.parametrize("version", ["3.0.0", "3.1.0"])
def test_v3_same_problems_with_and_without_memo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    path = tmp_path / "asyncapi.yaml"
    path.write_text(V3.replace("asyncapi: 3.0.0", f"asyncapi: {version}"))
    with_memo = problems(str(path))
    without_memo(monkeypatch)
    assert problems(str(path)) == with_memo
    pointers = [str(p[2]) for p in with_memo]
    # every copy of the shared invalid subtree is reported at its own place (one problem per
    # channel: the official schema's oneOf makes each channel one jsonschema error)
    for where in ("/channels/a/messages/one/payload/", "/channels/b/messages/one/payload/",
                  "/channels/c/messages/one/payload/", "/channels/d/messages/one/payload/properties/inner/"):
        assert sum(p.startswith(where) for p in pointers) == 1, where
    for where in ("/components/schemas/Bad", "/components/schemas/AlsoBad"):
        assert {f"{where}/required", f"{where}/properties/id/type", f"{where}/properties/size/minLength",
                f"{where}/properties/tags/items/required"} <= set(pointers)
    for where in ("/channels/e/messages/one", "/channels/f/messages/one", "/channels/g/bindings/kafka/partitions",
                  "/channels/h/bindings/kafka/partitions", "/operations/sendA/action", "/operations/sendB/action"):
        assert where in pointers


@pytest.mark.parametrize("version", ["2.6.0", "2.0.0"])
def test_v2_payload_problems_same_with_and_without_memo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    path = tmp_path / "asyncapi.yaml"
    path.write_text(textwrap.dedent(V2.format(version=version)))
    with_memo = problems(str(path))
    without_memo(monkeypatch)
    assert problems(str(path)) == with_memo
    pointers = {p[2] for p in with_memo}
    assert "/channels/a/subscribe/message/oneOf/0/payload/properties/id/type" in pointers
    assert "/channels/a/subscribe/message/oneOf/2/payload/properties/n/maximum" in pointers
    assert "/components/messages/Twin/payload/properties/id/type" in pointers


def test_memo_errors_equal_plain_errors_in_full() -> None:
    """Messages, paths, schema paths, and the context trees (oneOf branches) are all the same."""
    data: dict[str, Any] = {
        "asyncapi": "3.0.0", "info": {"title": "T", "version": "1"},
        "channels": {f"c{i}": {"address": "x", "messages": {"m": 5, "n": {"payload": {"type": "strng"}}}}
                     for i in range(3)},
    }
    schema = asyncapi.official_schema("3.0.0")
    plain = Draft7Validator(schema, registry=safe_registry(), format_checker=Draft7Validator.FORMAT_CHECKER)
    memo = memo_validator_class(Draft7Validator)(schema, registry=safe_registry(),
                                                 format_checker=Draft7Validator.FORMAT_CHECKER)

    def tree(error: Any) -> Any:
        return (error.message, list(error.absolute_path), list(error.absolute_schema_path), error.validator,
                [tree(sub) for sub in error.context])

    expected = [tree(e) for e in plain.iter_errors(data)]
    assert expected and [tree(e) for e in memo_errors(memo, data)] == expected
    assert sorted(t[1] for t in expected) == [["channels", f"c{i}"] for i in range(3)]  # one oneOf error per channel
    assert all(t[4] for t in expected)  # each with its branches' errors


def test_shapes_tell_apart_what_reprs_tell_apart() -> None:
    shared = {"a": [1, {"b": None}]}
    data = [shared, {"a": [1, {"b": None}]}, shared, {"a": [True, {"b": None}]}, {"a": [1.0, {"b": None}]},
            {"b": None, "a": 1}, {"a": 1, "b": None}, {"x": -0.0}, {"x": 0.0}, {1: "k"}, {"1": "k"}, [], {}]
    ids = shape_ids(data)
    shape = [ids[id(node)] for node in data]
    assert shape[0] == shape[1] == shape[2]
    assert len({shape[0], shape[3], shape[4]}) == 3  # 1, True and 1.0 differ
    assert shape[5] != shape[6]  # key order shows in messages, so it counts
    assert shape[7] != shape[8] and shape[9] != shape[10] and shape[11] != shape[12]


def test_memo_refused_for_dynamic_references() -> None:
    with pytest.raises(ValueError, match="dynamic references"):
        memo_validator_class(Draft202012Validator)

"""AsyncAPI 2.x and 3.0/3.1 documents, validated against the official (vendored) JSON Schemas.

2.0-2.5 documents are checked against the 2.6.0 schema (2.x minors only add features), with the
version field itself exempt. In 2.x the schema leaves message payloads unchecked, so payloads in
the AsyncAPI/JSON Schema, OpenAPI 3.0 or Avro formats are checked against the matching
definition of the same vendored schema (3.x schemas already do this themselves).

Validation runs jsonschema with a `$ref` memo (govern.load.jsonschema.memo_validator_class): the
official schemas re-check each nested payload schema against the draft-07 definitions once per
enclosing level, and catalogues repeat the same headers, bindings and schemas many times; with
the memo each (target, subtree shape) pair is checked once, with the same problems reported.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from govern.errors import InputError
from govern.load.files import escape_token, unescape_token
from govern.load.jsonschema import (
    memo_errors,
    memo_validator_class,
    problems_from,
    safe_registry,
)
from govern.load.model import Contract, Document, Limits, Problem
from govern.load.refs import RefResolver, load_tree

RULE_INVALID = "asyncapi-invalid"
SCHEMAS = {"2.6.0": "2.6.0.json", "3.0.0": "3.0.0.json", "3.1.0": "3.1.0.json"}
_OLDER_2X = {f"2.{n}.0" for n in range(6)}
_PAYLOAD_DEFS = (
    ("application/vnd.oai.openapi", "openapiSchema_3_0"),
    ("application/vnd.apache.avro", "avroSchema_v1"),
    ("application/vnd.aai.asyncapi", "schema"),
    ("application/schema+json;version=draft-07", "schema"),
    ("application/schema+yaml;version=draft-07", "schema"),
)


def asyncapi_version(doc: Document) -> str:
    """The document's `asyncapi` version; InputError when it is not one govern can check."""
    version = doc.data.get("asyncapi") if isinstance(doc.data, dict) else None
    line = doc.source.locate("/asyncapi").line
    if not isinstance(version, str):
        msg = f"`asyncapi` must be a version string such as \"3.0.0\", not {version!r}"
        raise InputError(doc.path, msg, line=line)
    if version not in SCHEMAS and version not in _OLDER_2X:
        raise InputError(doc.path, f"AsyncAPI {version} is not supported; use 2.x, 3.0.0 or 3.1.0", line=line)
    return version


@cache
def official_schema(version: str) -> dict[str, Any]:
    """The vendored official JSON Schema for an AsyncAPI version."""
    name = SCHEMAS.get(version, SCHEMAS["2.6.0"])
    text = resources.files("govern").joinpath("data", "schemas", "asyncapi", name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def _validator(version: str, definition: str | None = None) -> Any:
    from jsonschema import Draft7Validator

    schema = official_schema(version)
    if definition is not None:
        schema = {"definitions": schema["definitions"], "$ref": f"#/definitions/{definition}"}
    cls = memo_validator_class(Draft7Validator)
    return cls(schema, registry=safe_registry(), format_checker=Draft7Validator.FORMAT_CHECKER)


def load_asyncapi(root: Document, *, limits: Limits, boundary: str | None = None) -> Contract:
    """An AsyncAPI contract: the root, every file its refs reach, and its spec violations."""
    version = asyncapi_version(root)
    resolver = load_tree(root, limits, boundary=boundary)
    contract = Contract("asyncapi", root.path, version, root, dict(resolver.documents))
    resolver.attach(contract)
    try:
        contract.problems = validate_asyncapi(version, resolver, root.path)
    except RecursionError:
        raise InputError(root.path, "document nested too deeply to validate") from None
    return contract


def validate_asyncapi(version: str, resolver: RefResolver, root: str) -> list[Problem]:
    """Official-schema errors of the root document, plus (2.x) payload-schema errors."""
    data = resolver.documents[root].data
    schema_version = version if version in SCHEMAS else "2.6.0"
    if version in _OLDER_2X:
        data = dict(data, asyncapi="2.6.0")
    problems = problems_from(memo_errors(_validator(schema_version), data), resolver, root, RULE_INVALID)
    if schema_version.startswith("2."):
        known = {_key(p) for p in problems}
        problems += [p for p in _payload_problems(resolver, root) if _key(p) not in known]
    return problems


def _key(problem: Problem) -> tuple[str | None, str | None, str]:
    return (problem.location.file, problem.location.pointer, problem.message)


def _payload_problems(resolver: RefResolver, root: str) -> list[Problem]:
    """Check 2.x message payloads against the definition their schemaFormat names."""
    out: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for file, pointer, message in _messages_2x(resolver, root):
        payload = message.get("payload")
        definition = _payload_definition(message.get("schemaFormat"))
        if payload is None or definition is None:
            continue
        target = resolver.deref(payload, file, f"{pointer}/payload")
        if (target.file, target.pointer) in seen:
            continue
        seen.add((target.file, target.pointer))
        errors = memo_errors(_validator("2.6.0", definition), target.node)
        base = [unescape_token(p) for p in target.pointer.split("/")[1:]]
        out += problems_from(errors, resolver, target.file, RULE_INVALID, base)
    return out


def _payload_definition(schema_format: Any) -> str | None:
    if schema_format is None:
        return "schema"
    if not isinstance(schema_format, str):
        return None
    for prefix, definition in _PAYLOAD_DEFS:
        if schema_format.startswith(prefix):
            return definition
    return None


def _messages_2x(resolver: RefResolver, root: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(file, pointer, message) for every message object a 2.x document defines or uses."""
    data = resolver.documents[root].data
    found: list[tuple[str, str, Any]] = []
    channels = data.get("channels") if isinstance(data, dict) else None
    for name, item in (channels or {}).items() if isinstance(channels, dict) else []:
        item_t = resolver.deref(item, root, f"/channels/{escape_token(name)}")
        for op in ("publish", "subscribe"):
            operation = item_t.node.get(op) if isinstance(item_t.node, dict) else None
            if isinstance(operation, dict) and "message" in operation:
                found.append((item_t.file, f"{item_t.pointer}/{op}/message", operation["message"]))
    components = data.get("components") if isinstance(data, dict) else None
    messages = components.get("messages") if isinstance(components, dict) else None
    for name, message in (messages or {}).items() if isinstance(messages, dict) else []:
        found.append((root, f"/components/messages/{escape_token(name)}", message))
    out: list[tuple[str, str, dict[str, Any]]] = []
    visited: set[tuple[str, str]] = set()
    while found:
        file, pointer, node = found.pop()
        target = resolver.deref(node, file, pointer)
        if not isinstance(target.node, dict) or (target.file, target.pointer) in visited:
            continue
        visited.add((target.file, target.pointer))
        if isinstance(target.node.get("oneOf"), list):
            found += [(target.file, f"{target.pointer}/oneOf/{i}", m) for i, m in enumerate(target.node["oneOf"])]
        else:
            out.append((target.file, target.pointer, target.node))
    return out

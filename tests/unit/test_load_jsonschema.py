"""govern.load (JSON Schema): dialects, metaschema Problems with lines, $id/$anchor/file refs."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from govern.errors import InputError
from govern.load import RefResolver, detect_kind, load_contract, parse_document
from govern.load.model import Limits


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2))
    return str(path)


@pytest.mark.parametrize(
    "dialect, name",
    [
        ("http://json-schema.org/draft-07/schema#", "draft-07"),
        ("https://json-schema.org/draft/2019-09/schema", "2019-09"),
        ("https://json-schema.org/draft/2020-12/schema", "2020-12"),
        (None, "draft-07"),
    ],
)
def test_dialects(tmp_path: Path, dialect: str | None, name: str) -> None:
    schema: dict[str, Any] = {"type": "object", "properties": {"id": {"type": "string"}}}
    if dialect:
        schema["$schema"] = dialect
    contract = load_contract(write(tmp_path, "s.json", schema))
    assert (contract.kind, contract.version, contract.problems) == ("jsonschema", name, [])


def test_metaschema_errors_have_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "s.json", {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {"id": {"type": 12}, "n": {"type": "integer", "minimum": "0"}},
        "required": "id",
    })
    problems = load_contract(path, mode="collect").problems
    assert [(p.location.line, p.message.split(":")[0]) for p in problems] == [
        (6, "type"), (10, "minimum"), (13, "required")
    ]
    assert all(p.rule_id == "jsonschema-invalid" for p in problems)
    with pytest.raises(InputError, match="invalid JSON Schema 2020-12 document"):
        load_contract(path)


def test_yaml_schema_without_dialect_is_recognised(tmp_path: Path) -> None:
    doc = parse_document("s.yaml", "type: object\nproperties:\n  a: {type: string}\n", Limits())
    assert detect_kind(doc) == "jsonschema"
    path = write(tmp_path, "s.yaml", "type: object\nrequired: [a]\nproperties:\n  a: {type: strin}\n")
    [problem] = load_contract(path, mode="collect").problems
    assert problem.location.line == 4


def test_ids_anchors_and_files(tmp_path: Path) -> None:
    write(tmp_path, "customer.json", {"type": "object", "properties": {"parent": {"$ref": "#"}}})
    root = write(tmp_path, "order.json", {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.com/schemas/order.json",
        "type": "object",
        "properties": {
            "customer": {"$ref": "customer.json"},
            "self": {"$ref": "https://example.com/schemas/order.json#/properties/tags"},
            "tags": {"$ref": "#tags"},
            "money": {"$ref": "money.json#/$defs/amount"},
        },
        "$defs": {
            "t": {"$anchor": "tags", "type": "array"},
            "m": {"$id": "money.json", "$defs": {"amount": {"type": "number"}}},
        },
    })
    contract = load_contract(root)
    assert {Path(k).name for k in contract.documents} == {"order.json", "customer.json"}
    refs = RefResolver.of(contract)
    targets = {site.ref: refs.resolve_site(site) for site in refs.sites()}
    assert targets["#tags"].pointer == "/$defs/t"
    assert targets["money.json#/$defs/amount"].pointer == "/$defs/m/$defs/amount"
    assert targets["https://example.com/schemas/order.json#/properties/tags"].pointer == "/properties/tags"
    assert Path(targets["customer.json"].file).name == "customer.json"


def test_unknown_remote_id_is_refused(tmp_path: Path) -> None:
    schema = {"properties": {"a": {"$ref": "https://example.org/other.json"}}, "type": "object"}
    path = write(tmp_path, "s.json", schema)
    with pytest.raises(InputError, match="remote \\$ref") as info:
        load_contract(path)
    assert info.value.line == 4


def test_missing_anchor(tmp_path: Path) -> None:
    path = write(tmp_path, "s.json", {"type": "object", "properties": {"a": {"$ref": "#nope"}}})
    with pytest.raises(InputError, match="no anchor 'nope'"):
        load_contract(path)


def test_errors_in_referenced_schema_files(tmp_path: Path) -> None:
    write(tmp_path, "item.json", '{\n  "type": "objekt"\n}\n')
    root = write(tmp_path, "list.json", {"type": "array", "items": {"$ref": "item.json"}})
    [problem] = load_contract(root, mode="collect").problems
    assert problem.location.file is not None and problem.location.file.endswith("item.json")
    assert problem.location.line == 2


def test_single_line_json_locates_to_line_one(tmp_path: Path) -> None:
    path = write(tmp_path, "s.json", '{"$schema": "http://json-schema.org/draft-07/schema#", "type": [1]}')
    problems = load_contract(path, mode="collect").problems
    assert problems and problems[0].location.line == 1

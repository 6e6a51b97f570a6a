"""govern.load (AsyncAPI): official schemas, readable errors with lines, refs, no network."""

from __future__ import annotations

import json
import socket
import textwrap
from pathlib import Path
from typing import Any

import pytest

from govern.errors import InputError
from govern.load import RefResolver, load_contract
from govern.load.asyncapi import SCHEMAS, official_schema

FIXTURES = Path(__file__).parent / "fixtures_load"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


V2 = """\
asyncapi: {version}
info: {{title: Orders, version: 1.0.0}}
channels:
  orders/placed:
    subscribe:
      message:
        $ref: '#/components/messages/OrderPlaced'
components:
  messages:
    OrderPlaced:
      contentType: application/json
      payload:
        type: object
        properties:
          id: {{type: {id_type}}}
"""

V3 = """\
asyncapi: {version}
info: {{title: Orders, version: 1.0.0}}
channels:
  orderPlaced:
    address: orders.placed
    messages:
      orderPlaced: {{$ref: '#/components/messages/OrderPlaced'}}
operations:
  publish:
    action: {action}
    channel: {{$ref: '#/channels/orderPlaced'}}
components:
  messages:
    OrderPlaced:
      payload:
        type: object
        properties:
          id: {{type: string}}
"""


def test_vendored_schemas_are_self_contained() -> None:
    for version in SCHEMAS:
        text = json.dumps(official_schema(version))
        assert '"$ref": "http' not in text and official_schema(version)["$schema"].startswith("http://json-schema.org/draft-07")


@pytest.mark.parametrize("version", ["2.6.0", "2.3.0"])
def test_valid_2x(tmp_path: Path, version: str) -> None:
    contract = load_contract(write(tmp_path, "a.yaml", V2.format(version=version, id_type="string")))
    assert (contract.kind, contract.version, contract.problems) == ("asyncapi", version, [])


@pytest.mark.parametrize("version", ["3.0.0", "3.1.0"])
def test_valid_3x(tmp_path: Path, version: str) -> None:
    contract = load_contract(write(tmp_path, "a.yaml", V3.format(version=version, action="send")))
    assert (contract.kind, contract.version, contract.problems) == ("asyncapi", version, [])


def test_3x_errors_are_one_readable_line_each(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", V3.format(version="3.0.0", action="shout"))
    contract = load_contract(path, mode="collect")
    [problem] = contract.problems
    assert problem.rule_id == "asyncapi-invalid"
    assert problem.message == "action: 'shout' is not one of ['send', 'receive']"
    assert problem.location.line == 10
    with pytest.raises(InputError, match="invalid AsyncAPI 3.0.0 document: action"):
        load_contract(path)


def test_oneof_heavy_errors_do_not_dump_the_instance(tmp_path: Path) -> None:
    text = V3.format(version="3.0.0", action="send").replace("address: orders.placed", "address: 42")
    [problem] = load_contract(write(tmp_path, "a.yaml", text), mode="collect").problems
    assert problem.location.line == 5 and problem.message.startswith("address: 42 is not of type")


def test_2x_payload_errors_are_located(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", V2.format(version="2.6.0", id_type="strng"))
    [problem] = load_contract(path, mode="collect").problems
    assert problem.location.line == 15 and str(problem.location.pointer).endswith("/properties/id/type")
    assert "'strng' is not one of" in problem.message


def test_payload_in_another_file(tmp_path: Path) -> None:
    contract = load_contract(str(FIXTURES / "asyncapi-multi" / "asyncapi.yaml"))
    assert contract.problems == []
    assert {Path(k).name for k in contract.documents} == {"asyncapi.yaml", "messages.yaml"}
    refs = RefResolver.of(contract)
    op_message = contract.data["operations"]["publishOrderPlaced"]["messages"][0]
    target = refs.deref(op_message, contract.path)
    assert target.node["name"] == "OrderPlaced" and Path(target.file).name == "messages.yaml"


def test_dangling_ref_is_an_input_error_at_the_ref(tmp_path: Path) -> None:
    text = V3.format(version="3.0.0", action="send")
    text = text.replace("#/components/messages/OrderPlaced", "#/components/messages/Gone")
    with pytest.raises(InputError) as info:
        load_contract(write(tmp_path, "a.yaml", text), mode="collect")
    assert info.value.line == 7 and "#/components/messages/Gone" in str(info.value)


@pytest.mark.parametrize("version", ["1.2.0", "3.2.0", 3])
def test_unsupported_versions(tmp_path: Path, version: Any) -> None:
    path = write(tmp_path, "a.yaml", f"asyncapi: {version!r}\ninfo: {{title: t, version: '1'}}\n")
    with pytest.raises(InputError, match="asyncapi|AsyncAPI"):
        load_contract(path, mode="collect")

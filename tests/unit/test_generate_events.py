"""`govern generate client` for AsyncAPI: channels, dead-letter routing, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from govern.errors import InputError
from govern.generate import build_client

ROOT = Path(__file__).resolve().parents[2]


def doc(channels: dict, operations: dict, messages: dict | None = None) -> dict:
    out = {"asyncapi": "3.0.0", "info": {"title": "T", "version": "1"}, "channels": channels, "operations": operations}
    if messages:
        out["components"] = {"messages": messages}
    return out


def write(tmp_path: Path, data: dict) -> str:
    path = tmp_path / "asyncapi.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


MSG = {"payload": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}}


def test_bundled_events_contract():
    common = ["DeadLetterPublisher", "InventoryReservedConsumer", "OrderCancelledPublisher", "OrderPlacedPublisher", "PaymentAuthorizedConsumer"]
    for version, extra in (("v1", "OrderStatusChangedPublisher"), ("v2", "OrderShippedPublisher")):
        result = build_client(str(ROOT / "contracts" / "events" / version / "asyncapi.yaml"), package="ev")
        assert result.kind == "asyncapi"
        assert sorted(result.operations) == sorted([*common, extra])
        channels = result.files["ev/channels.py"]
        assert channels.count("options.setdefault(\"dead_letter\", DeadLetterPublisher(transport))") == 2
        schema = json.loads(result.files["ev/schemas/OrderPlacedPublisher.json"])
        assert "$ref" not in json.dumps(schema) and schema["properties"]["data"]["properties"]["total"]["required"] == ["amount_minor", "currency"]


def test_dead_letter_default_and_extension(tmp_path):
    channels = {"in": {"address": "x.in", "messages": {"m": {"$ref": "#/components/messages/M"}}},
                "parking": {"address": "x.parking", "messages": {"m": {"$ref": "#/components/messages/M"}}}}
    ops = {"take": {"action": "receive", "channel": {"$ref": "#/channels/in"}}}
    files = build_client(write(tmp_path, doc(channels, ops, {"M": MSG})), package="ev").files
    assert "DEAD_LETTER_ADDRESS = 'x.in.dlq'" in files["ev/channels.py"]
    ops["take"]["x-govern-dead-letter"] = "parking"
    files = build_client(write(tmp_path, doc(channels, ops, {"M": MSG})), package="ev").files
    assert "DEAD_LETTER_ADDRESS = 'x.parking'" in files["ev/channels.py"]
    ops["take"]["x-govern-dead-letter"] = "nowhere"
    with pytest.raises(InputError, match="x-govern-dead-letter names channel 'nowhere'"):
        build_client(write(tmp_path, doc(channels, ops, {"M": MSG})))


def test_avro_payloads_are_refused(tmp_path):
    msg = {"payload": {"schemaFormat": "application/vnd.apache.avro;version=1.9.0", "schema": {"type": "record", "name": "R", "fields": []}}}
    channels = {"c": {"address": "c", "messages": {"m": {"$ref": "#/components/messages/M"}}}}
    ops = {"send": {"action": "send", "channel": {"$ref": "#/channels/c"}}}
    with pytest.raises(InputError, match="payload schema format .*avro.* is not supported") as info:
        build_client(write(tmp_path, doc(channels, ops, {"M": msg})))
    assert info.value.line is not None


def test_recursive_payloads_are_refused(tmp_path):
    data = doc({"c": {"address": "c", "messages": {"m": {"$ref": "#/components/messages/M"}}}},
               {"send": {"action": "send", "channel": {"$ref": "#/channels/c"}}},
               {"M": {"payload": {"$ref": "#/components/schemas/Node"}}})
    data["components"]["schemas"] = {"Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}}}
    with pytest.raises(InputError, match="recursive payload schemas are not supported"):
        build_client(write(tmp_path, data))


def test_channels_colliding_as_class_names_are_an_error(tmp_path):
    channels = {"order-placed": {"address": "a", "messages": {"m": {"$ref": "#/components/messages/M"}}},
                "orderPlaced": {"address": "b", "messages": {"m": {"$ref": "#/components/messages/M"}}}}
    ops = {"one": {"action": "send", "channel": {"$ref": "#/channels/order-placed"}},
           "two": {"action": "send", "channel": {"$ref": "#/channels/orderPlaced"}}}
    with pytest.raises(InputError, match="both become the class OrderPlacedPublisher"):
        build_client(write(tmp_path, doc(channels, ops, {"M": MSG})))

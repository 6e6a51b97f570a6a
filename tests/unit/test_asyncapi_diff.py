"""AsyncAPI diff: the rule cases, 2.x/3.x normalization, directions, overrides, limits, speed.

Each rule of kind "asyncapi" has a folder tests/cases/asyncapi/<rule-id>/ with base.yaml,
revision.yaml and expected.json ({"options": {...}, "findings": [...]}, the exact findings).
Set GOVERN_UPDATE_CASES=1 to rewrite expected.json files from the current output (then review
the diff by hand).
"""

from __future__ import annotations

import json
import os
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from govern.diff.asyncapi import diff_asyncapi
from govern.diff.asyncapi.normalize import RECEIVE, SEND, format_family, merge_patch, read_model
from govern.diff.run import DiffOptions
from govern.load import load_contract
from govern.rules.finding import Finding, Level
from govern.rules.registry import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases" / "asyncapi"
EVENTS = ROOT / "contracts" / "events"


def case_dirs() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.is_dir()) if CASES.is_dir() else []


def as_record(f: Finding) -> dict[str, Any]:
    return {
        "id": f.id,
        "level": f.level.name,
        "kind": f.kind,
        "file": os.path.basename(f.location.file or ""),
        "line": f.location.line,
        "pointer": f.location.pointer,
        "message": f.message,
    }


def run_case(folder: Path, options: dict[str, Any]) -> list[dict[str, Any]]:
    base = load_contract(str(folder / "base.yaml"))
    revision = load_contract(str(folder / "revision.yaml"))
    return [as_record(f) for f in diff_asyncapi(base, revision, DiffOptions(**options))]


@pytest.mark.parametrize("folder", case_dirs(), ids=lambda p: p.name)
def test_rule_case(folder: Path) -> None:
    expected_path = folder / "expected.json"
    expected = json.loads(expected_path.read_text()) if expected_path.exists() else {"options": {}, "findings": []}
    got = run_case(folder, expected.get("options", {}))
    if os.environ.get("GOVERN_UPDATE_CASES"):
        expected["findings"] = got
        expected_path.write_text(json.dumps(expected, indent=2) + "\n")
    assert got == expected["findings"]
    assert any(f["id"] == folder.name for f in got), f"the case does not trigger {folder.name}"


def test_every_asyncapi_rule_has_a_case() -> None:
    rules = {r.id for r in REGISTRY.rules("asyncapi")}
    folders = {p.name for p in case_dirs()}
    assert rules, "no asyncapi rules registered"
    assert rules - folders == set(), "rules without a case folder"
    assert folders - rules == set(), "case folders without a rule"


def test_asyncapi_rules_are_complete() -> None:
    for r in REGISTRY.rules("asyncapi"):
        assert r.id == r.id.lower() and " " not in r.id and "_" not in r.id
        assert r.description and r.why and r.message and r.area, r.id


# --- helpers ----------------------------------------------------------------------------------
def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return str(path)


def diff_texts(tmp_path: Path, base: str, revision: str, **options: Any) -> list[Finding]:
    b = load_contract(write(tmp_path, "base/asyncapi.yaml", base))
    r = load_contract(write(tmp_path, "revision/asyncapi.yaml", revision))
    return diff_asyncapi(b, r, DiffOptions(**options))


def ids(findings: list[Finding], level: Level | None = None) -> list[str]:
    return [f.id for f in findings if level is None or f.level == level]


V3 = """
asyncapi: 3.0.0
info: {{title: T, version: 1.0.0}}
channels:
  orders:
    address: orders.placed.v1
    messages:
      placed:
        name: OrderPlaced
        payload:
          type: object
          properties:
            status: {{type: string, enum: {enum}}}
operations:
  op:
    action: {action}
    channel: {{$ref: '#/channels/orders'}}
    messages:
      - $ref: '#/channels/orders/messages/placed'
"""

V2 = """
asyncapi: 2.6.0
info: {{title: T, version: 1.0.0}}
channels:
  orders:
    {keyword}:
      operationId: op
      message:
        name: OrderPlaced
        payload:
          type: object
          properties:
            status: {{type: string, enum: {enum}}}
"""


# --- directions -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("template", "action", "level"),
    [
        (V3, "send", Level.ERR),  # FORWARD: old consumers reject the new value
        (V3, "receive", Level.INFO),  # BACKWARD: the new reader accepts all old values
        (V2, "subscribe", Level.ERR),  # 2.x subscribe: the application sends
        (V2, "publish", Level.INFO),  # 2.x publish: the application receives
    ],
)
def test_direction_follows_the_operation(tmp_path: Path, template: str, action: str, level: Level) -> None:
    key = "action" if template is V3 else "keyword"
    base = template.format(enum="[a, b]", **{key: action})
    revision = template.format(enum="[a, b, c]", **{key: action})
    findings = diff_texts(tmp_path, base, revision)
    enum = [f for f in findings if f.id.startswith("ENUM_ARRAY")]
    assert len(enum) == 1
    assert enum[0].level == level
    assert enum[0].kind == "jsonschema"
    assert enum[0].id == ("ENUM_ARRAY_NARROWED" if level == Level.ERR else "ENUM_ARRAY_EXTENDED")
    assert "orders" in enum[0].message and "OrderPlaced" in enum[0].message


def test_v2_actions_are_mapped() -> None:
    from govern.diff.asyncapi.normalize import _V2_ACTIONS

    assert _V2_ACTIONS == {"publish": RECEIVE, "subscribe": SEND}


def test_explicit_mode_overrides_every_operation(tmp_path: Path) -> None:
    base = V3.format(enum="[a, b]", action="receive")
    revision = V3.format(enum="[a, b, c]", action="receive")
    findings = diff_texts(tmp_path, base, revision, mode="FORWARD")
    enum = [f for f in findings if f.id.startswith("ENUM_ARRAY")]
    assert [(f.id, f.level) for f in enum] == [("ENUM_ARRAY_NARROWED", Level.ERR)]
    assert "set by --mode" in enum[0].message


@pytest.mark.parametrize("key", ["orders", "orders.placed.v1"])  # channel id or address
def test_channel_mode_from_config(tmp_path: Path, key: str) -> None:
    base = V3.format(enum="[a, b]", action="send")
    revision = V3.format(enum="[a, b, c]", action="send")
    findings = diff_texts(tmp_path, base, revision, channel_modes={key: "BACKWARD"}, mode="FORWARD")
    enum = [f for f in findings if f.id.startswith("ENUM_ARRAY")]
    assert [(f.id, f.level) for f in enum] == [("ENUM_ARRAY_EXTENDED", Level.INFO)]
    assert "set for the channel in the config" in enum[0].message


def test_full_checks_both_directions(tmp_path: Path) -> None:
    base = V3.format(enum="[a, b]", action="send")
    revision = V3.format(enum="[a, b, c]", action="send")
    findings = diff_texts(tmp_path, base, revision, mode="FULL")
    assert sorted(ids(findings)) == ["ENUM_ARRAY_EXTENDED", "ENUM_ARRAY_NARROWED"]


def test_none_lists_but_never_fails(tmp_path: Path) -> None:
    base = V3.format(enum="[a, b]", action="send")
    revision = V3.format(enum="[a]", action="send")
    findings = diff_texts(tmp_path, base, revision, mode="NONE")
    assert ids(findings) == ["ENUM_ARRAY_NARROWED"]
    assert all(f.level == Level.INFO for f in findings)


def test_lenient_policy(tmp_path: Path) -> None:
    base = V3.format(enum="[a]", action="receive")
    revision = base.replace("status: {type: string, enum: [a]}", "status: {type: string, enum: [a]}\n            note: {type: string}")
    strict = diff_texts(tmp_path, base, revision)
    lenient = diff_texts(tmp_path, base, revision, strictness="lenient")
    assert [(f.id, f.level) for f in strict] == [("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", Level.ERR)]
    assert [(f.id, f.level) for f in lenient] == [("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", Level.INFO)]


def test_message_used_both_ways_or_by_no_operation_is_full(tmp_path: Path) -> None:
    base = V3.format(enum="[a, b]", action="send").split("operations:")[0]
    revision = V3.format(enum="[a, b, c]", action="send").split("operations:")[0]
    findings = diff_texts(tmp_path, base, revision)
    assert sorted(ids(findings)) == ["ENUM_ARRAY_EXTENDED", "ENUM_ARRAY_NARROWED"]
    assert all("no operation" in f.message for f in findings)


# --- the bundled example ----------------------------------------------------------------------
EXPECTED_EVENTS = {
    # README E1-E9: (rule id, level, a word of the message)
    ("channel-added", Level.INFO, "orderShipped"),
    ("operation-added", Level.INFO, "publishOrderShipped"),
    ("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", Level.INFO, "#/properties/data/properties/channel"),
    ("ENUM_ARRAY_EXTENDED", Level.INFO, "#/properties/data/properties/method_type/enum"),
    ("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", Level.INFO, "#/properties/data/properties/warehouse_id"),
    ("channel-removed", Level.ERR, "orderStatusChanged"),
    ("operation-removed", Level.ERR, "publishOrderStatusChanged"),
    ("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", Level.ERR, "authorization_expires_at"),
    ("TYPE_CHANGED", Level.ERR, "#/properties/data/properties/customer_id"),
    ("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", Level.ERR, "#/properties/data/properties/reserved_until"),
    ("ENUM_ARRAY_NARROWED", Level.ERR, "#/properties/data/properties/reason/enum"),
}


def events_findings(**options: Any) -> list[Finding]:
    base = load_contract(str(EVENTS / "v1" / "asyncapi.yaml"))
    revision = load_contract(str(EVENTS / "v2" / "asyncapi.yaml"))
    return diff_asyncapi(base, revision, DiffOptions(**options))


def test_bundled_events_match_the_readme() -> None:
    findings = events_findings()
    for rule_id, level, word in EXPECTED_EVENTS:
        assert any(f.id == rule_id and f.level == level and word in f.message for f in findings), (rule_id, word)
    errs = sorted((f.id, f.location.pointer) for f in findings if f.level == Level.ERR)
    assert errs == sorted([
        ("channel-removed", "/channels/orderStatusChanged"),
        ("operation-removed", "/operations/publishOrderStatusChanged"),
        ("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
         "/components/schemas/PaymentAuthorizedEvent/properties/data/properties/authorization_expires_at"),
        ("TYPE_CHANGED", "/components/schemas/PaymentAuthorizedEvent/properties/data/properties/customer_id"),
        # E7's new format (uuid) belongs to the type change: no separate FORMAT_ADDED, as in the registry.
        ("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
         "/components/schemas/InventoryReservedEvent/properties/data/properties/reserved_until"),
        ("ENUM_ARRAY_NARROWED", "/components/schemas/OrderCancelledEvent/properties/data/properties/reason/enum"),
    ])
    assert not [f for f in findings if f.level == Level.WARN]


def test_bundled_events_locations_have_lines() -> None:
    for f in events_findings():
        assert f.location.file and f.location.file.endswith("asyncapi.yaml")
        assert f.location.line is not None, f


def test_removals_point_into_the_base() -> None:
    findings = {f.id: f for f in events_findings()}
    assert "/v1/" in (findings["channel-removed"].location.file or "")
    assert "/v1/" in (findings["PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"].location.file or "")
    assert "/v2/" in (findings["channel-added"].location.file or "")


def test_identical_documents_have_no_findings() -> None:
    doc = load_contract(str(EVENTS / "v1" / "asyncapi.yaml"))
    again = load_contract(str(EVENTS / "v1" / "asyncapi.yaml"))
    assert diff_asyncapi(doc, again, DiffOptions()) == []


# --- 2.x and 3.x meet in one model -----------------------------------------------------------
V26_EVENTS = """
asyncapi: 2.6.0
info: {title: T, version: 1.0.0}
servers:
  production: {url: 'kafka.example.com:9092', protocol: kafka}
channels:
  orders.placed:
    subscribe:
      operationId: sendOrderPlaced
      message: {$ref: '#/components/messages/OrderPlaced'}
  payments.authorized:
    publish:
      operationId: receivePaymentAuthorized
      message: {$ref: '#/components/messages/PaymentAuthorized'}
components:
  messages:
    OrderPlaced:
      name: OrderPlaced
      payload: {type: object, properties: {id: {type: string}}}
    PaymentAuthorized:
      name: PaymentAuthorized
      payload: {type: object, properties: {id: {type: string}}}
"""

V30_EVENTS = """
asyncapi: 3.0.0
info: {title: T, version: 1.0.0}
servers:
  production: {host: 'kafka.example.com:9092', protocol: kafka}
channels:
  orderPlaced:
    address: orders.placed
    messages:
      OrderPlaced: {$ref: '#/components/messages/OrderPlaced'}
  paymentAuthorized:
    address: payments.authorized
    messages:
      PaymentAuthorized: {$ref: '#/components/messages/PaymentAuthorized'}
operations:
  sendOrderPlaced:
    action: send
    channel: {$ref: '#/channels/orderPlaced'}
    messages: [{$ref: '#/channels/orderPlaced/messages/OrderPlaced'}]
  receivePaymentAuthorized:
    action: receive
    channel: {$ref: '#/channels/paymentAuthorized'}
    messages: [{$ref: '#/channels/paymentAuthorized/messages/PaymentAuthorized'}]
components:
  messages:
    OrderPlaced:
      name: OrderPlaced
      payload: {type: object, properties: {id: {type: string}}}
    PaymentAuthorized:
      name: PaymentAuthorized
      payload: {type: object, properties: {id: {type: string}}}
"""


def test_v2_and_v3_normalize_to_the_same_model(tmp_path: Path) -> None:
    m2 = read_model(load_contract(write(tmp_path, "a/asyncapi.yaml", V26_EVENTS)))
    m3 = read_model(load_contract(write(tmp_path, "b/asyncapi.yaml", V30_EVENTS)))
    assert {o.id: (o.action, m2.channels[o.channel or ""].address, o.messages) for o in m2.operations.values()} == {
        "sendOrderPlaced": ("send", "orders.placed", ("OrderPlaced",)),
        "receivePaymentAuthorized": ("receive", "payments.authorized", ("PaymentAuthorized",)),
    }
    assert {o.id: (o.action, m3.channels[o.channel or ""].address, o.messages) for o in m3.operations.values()} == {
        "sendOrderPlaced": ("send", "orders.placed", ("OrderPlaced",)),
        "receivePaymentAuthorized": ("receive", "payments.authorized", ("PaymentAuthorized",)),
    }
    assert m2.servers["production"].host == m3.servers["production"].host


def test_migrating_2x_to_3x_is_not_breaking(tmp_path: Path) -> None:
    findings = diff_texts(tmp_path, V26_EVENTS, V30_EVENTS)
    assert not [f for f in findings if f.level > Level.INFO], [f.message for f in findings]
    assert "channel-id-changed" in ids(findings)  # 2.x ids are addresses; 3.x names them


def test_v2_oneof_messages_and_message_ids(tmp_path: Path) -> None:
    base = """
    asyncapi: 2.6.0
    info: {title: T, version: 1.0.0}
    channels:
      orders:
        publish:
          message:
            oneOf:
              - {messageId: placed, payload: {type: object}}
              - {messageId: cancelled, payload: {type: object}}
    """
    revision = base.replace("              - {messageId: cancelled, payload: {type: object}}\n", "")
    findings = diff_texts(tmp_path, base, revision)
    assert [(f.id, f.level) for f in findings] == [("operation-message-removed", Level.ERR)]
    assert "'cancelled'" in findings[0].message


def test_traits_are_merged(tmp_path: Path) -> None:
    doc = """
    asyncapi: 3.0.0
    info: {{title: T, version: 1.0.0}}
    channels:
      orders:
        address: orders
        messages:
          placed:
            name: OrderPlaced
            traits: [{{$ref: '#/components/messageTraits/common'}}]
            payload: {{type: object}}
    operations:
      op:
        action: receive
        channel: {{$ref: '#/channels/orders'}}
    components:
      messageTraits:
        common:
          contentType: {ct}
          headers:
            type: object
            properties:
              trace: {{type: {trace}}}
    """
    findings = diff_texts(tmp_path, doc.format(ct="application/json", trace="string"),
                          doc.format(ct="application/avro", trace="integer"))
    got = {(f.id, f.level) for f in findings}
    assert ("message-content-type-changed", Level.ERR) in got
    assert ("TYPE_CHANGED", Level.ERR) in got
    headers = [f for f in findings if f.id == "TYPE_CHANGED"][0]
    assert "headers" in headers.message
    assert headers.location.pointer == "/components/messageTraits/common/headers/properties/trace"


def test_merge_patch() -> None:
    assert merge_patch({"a": 1, "b": {"c": 1}}, {"b": {"d": 2}, "a": None}) == {"b": {"c": 1, "d": 2}}


@pytest.mark.parametrize(("version", "winner"), [("2.6.0", "application/trait"), ("3.0.0", "application/own")])
def test_trait_precedence_differs_between_2x_and_3x(tmp_path: Path, version: str, winner: str) -> None:
    if version.startswith("2"):
        text = f"""
        asyncapi: {version}
        info: {{title: T, version: 1.0.0}}
        channels:
          c:
            subscribe:
              message:
                contentType: application/own
                traits: [{{contentType: application/trait}}]
        """
    else:
        text = f"""
        asyncapi: {version}
        info: {{title: T, version: 1.0.0}}
        channels:
          c:
            address: c
            messages:
              m:
                contentType: application/own
                traits: [{{contentType: application/trait}}]
        """
    model = read_model(load_contract(write(tmp_path, "a.yaml", text)))
    (message,) = model.channels["c"].messages.values()
    assert message.content_type == winner


def test_content_type_declared_where_there_was_none(tmp_path: Path) -> None:
    base = V3.format(enum="[a]", action="send")
    revision = base.replace("        name: OrderPlaced\n", "        name: OrderPlaced\n        contentType: application/json\n")
    findings = diff_texts(tmp_path, base, revision)
    assert [(f.id, f.level) for f in findings] == [("unclassified-change", Level.INFO)]
    assert "contentType: changed from None to 'application/json'" in findings[0].message
    assert findings[0].location.pointer == "/channels/orders/messages/placed/contentType"


def test_deeply_nested_extensions_are_cheap(tmp_path: Path) -> None:
    def doc(leaf: int) -> str:
        nested: Any = leaf
        for _ in range(400):
            nested = {"a": nested}
        return json.dumps({"asyncapi": "3.0.0", "info": {"title": "T", "version": "1", "x-deep": nested}})

    start = time.perf_counter()
    b = load_contract(write(tmp_path, "b.json", doc(1)))
    r = load_contract(write(tmp_path, "r.json", doc(2)))
    findings = diff_asyncapi(b, r, DiffOptions())
    assert time.perf_counter() - start < 10
    assert [f.id for f in findings] == ["unclassified-change"]
    assert findings[0].location.line is not None


def test_schema_format_families() -> None:
    assert format_family(None) == "jsonschema"
    assert format_family("application/vnd.aai.asyncapi+json;version=3.0.0") == "jsonschema"
    assert format_family("application/schema+yaml;version=draft-07") == "jsonschema"
    assert format_family("application/vnd.oai.openapi;version=3.0.0") == "openapi"
    assert format_family("application/vnd.apache.avro+json;version=1.9.0") == "avro"
    assert format_family("application/raml+yaml;version=1.0") == "application/raml+yaml"


def test_openapi_payloads_honour_nullable(tmp_path: Path) -> None:
    doc = """
    asyncapi: 3.0.0
    info: {{title: T, version: 1.0.0}}
    channels:
      orders:
        address: orders
        messages:
          placed:
            payload:
              schemaFormat: application/vnd.oai.openapi;version=3.0.0
              schema:
                type: object
                properties:
                  note: {{type: string{nullable}}}
    operations:
      op:
        action: receive
        channel: {{$ref: '#/channels/orders'}}
    """
    findings = diff_texts(tmp_path, doc.format(nullable=", nullable: true"), doc.format(nullable=""))
    assert [f.level for f in findings if f.kind == "jsonschema"] and all(
        f.level == Level.ERR for f in findings if f.kind == "jsonschema")


# --- robustness --------------------------------------------------------------------------------
def test_recursive_payloads_terminate(tmp_path: Path) -> None:
    doc = """
    asyncapi: 3.0.0
    info: {{title: T, version: 1.0.0}}
    channels:
      tree:
        address: tree
        messages:
          node:
            payload: {{$ref: '#/components/schemas/Node'}}
    operations:
      op:
        action: receive
        channel: {{$ref: '#/channels/tree'}}
    components:
      schemas:
        Node:
          type: object
          properties:
            value: {{type: {t}}}
            children:
              type: array
              items: {{$ref: '#/components/schemas/Node'}}
            parent: {{$ref: '#/components/schemas/Node'}}
    """
    findings = diff_texts(tmp_path, doc.format(t="integer"), doc.format(t="number"))
    assert ids(findings) == ["TYPE_EXTENDED"]
    findings = diff_texts(tmp_path, doc.format(t="number"), doc.format(t="integer"))
    assert ids(findings) == ["TYPE_NARROWED"]
    assert findings[0].location.pointer == "/components/schemas/Node/properties/value"


def test_pathological_oneof_nests_end_with_a_verdict(tmp_path: Path) -> None:
    def nest(depth: int, width: int) -> dict[str, Any]:
        node: dict[str, Any] = {"type": "string"}
        for level in range(depth):
            node = {"oneOf": [node] + [{"type": "object", "properties": {"k": {"const": level * width + i}}, "required": ["k"]} for i in range(width)]}
        return node

    def doc(payload: dict[str, Any]) -> str:
        return json.dumps({
            "asyncapi": "3.0.0", "info": {"title": "T", "version": "1"},
            "channels": {"c": {"address": "c", "messages": {"m": {"payload": payload}}}},
            "operations": {"o": {"action": "receive", "channel": {"$ref": "#/channels/c"}}},
        })

    old, new = nest(8, 10), nest(8, 9)
    start = time.perf_counter()
    b = load_contract(write(tmp_path, "b.json", doc(old)))
    r = load_contract(write(tmp_path, "r.json", doc(new)))
    findings = diff_asyncapi(b, r, DiffOptions())
    assert time.perf_counter() - start < 20
    assert any(f.level == Level.ERR for f in findings)


def test_too_deep_to_decide_is_breaking(tmp_path: Path) -> None:
    def doc(t: str, n: int = 300) -> str:
        schemas: dict[str, Any] = {
            f"S{i}": {"type": "object", "properties": {"a": {"$ref": f"#/components/schemas/S{i + 1}"}}}
            for i in range(n)
        }
        schemas[f"S{n}"] = {"type": t}
        return json.dumps({
            "asyncapi": "3.0.0", "info": {"title": "T", "version": "1"},
            "channels": {"c": {"address": "c", "messages": {"m": {"payload": {"$ref": "#/components/schemas/S0"}}}}},
            "operations": {"o": {"action": "receive", "channel": {"$ref": "#/channels/c"}}},
            "components": {"schemas": schemas},
        })

    b = load_contract(write(tmp_path, "b.json", doc("integer")))
    r = load_contract(write(tmp_path, "r.json", doc("string")))
    findings = diff_asyncapi(b, r, DiffOptions())
    assert [(f.id, f.level) for f in findings] == [("CANNOT_DECIDE", Level.ERR)]
    assert "cannot decide, treated as breaking" in findings[0].message
    assert findings[0].location.line is not None


def test_huge_enums_are_fast(tmp_path: Path) -> None:
    values = [f"v{i}" for i in range(20_000)]
    base = V3.format(enum=json.dumps(values), action="receive")
    revision = V3.format(enum=json.dumps(values[1:]), action="receive")
    start = time.perf_counter()
    findings = diff_texts(tmp_path, base, revision)
    assert time.perf_counter() - start < 10
    assert [(f.id, f.level) for f in findings] == [("ENUM_ARRAY_NARROWED", Level.ERR)]


def test_shared_payloads_are_compared_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from govern.diff.schema.compare import Comparator

    calls: list[int] = []
    original = Comparator.compare

    def counting(self: Comparator, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Comparator, "compare", counting)
    assert events_findings()
    # Five paired messages; DeadLetter's payload is unchanged (its $ref closure too), so it is not
    # compared at all, and neither are the equal Kafka keys.
    assert len(calls) == 4

    def doc(t: str, leaf: str = "string") -> str:
        channels = {f"c{i}": {"address": f"c{i}", "messages": {"m": {"payload": {"$ref": "#/components/schemas/P"}}}}
                    for i in range(40)}
        return json.dumps({
            "asyncapi": "3.0.0", "info": {"title": "T", "version": "1"}, "channels": channels,
            "operations": {f"o{i}": {"action": "receive", "channel": {"$ref": f"#/channels/c{i}"}} for i in range(40)},
            "components": {"schemas": {
                "P": {"type": "object", "properties": {"v": {"type": t}, "leaf": {"$ref": "#/components/schemas/L"}}},
                "L": {"type": leaf},
            }},
        })

    calls.clear()
    b = load_contract(write(tmp_path, "b.json", doc("integer")))
    r = load_contract(write(tmp_path, "r.json", doc("string")))
    findings = diff_asyncapi(b, r, DiffOptions())
    assert len(calls) == 1  # forty messages share one payload: one (A, B) comparison
    assert len([f for f in findings if f.id == "TYPE_CHANGED"]) == 40  # still reported per channel

    calls.clear()
    r = load_contract(write(tmp_path, "r2.json", doc("integer", leaf="number")))
    findings = diff_asyncapi(b, r, DiffOptions())
    assert len(calls) == 1  # P is unchanged as written, but a $ref it holds reaches a changed schema
    assert [f.id for f in findings] == ["TYPE_CHANGED"] * 40
    assert {f.location.pointer for f in findings} == {"/components/schemas/P/properties/leaf"}

    calls.clear()
    r = load_contract(write(tmp_path, "r3.json", doc("integer")))
    assert diff_asyncapi(b, r, DiffOptions()) == [] and calls == []  # unchanged closure: never compared


def test_unclassified_residue_is_capped(tmp_path: Path) -> None:
    from govern.diff.asyncapi import differ

    def doc(value: int) -> str:
        extra = "\n".join(f"    n{i}: {value}" for i in range(differ.MAX_RESIDUE + 50))
        return V3.format(enum="[a]", action="send").replace(
            "info: {title: T, version: 1.0.0}", "info:\n  title: T\n  version: 1.0.0\n  x-extra:\n" + extra)

    findings = diff_texts(tmp_path, doc(0), doc(1))
    assert len(findings) == differ.MAX_RESIDUE + 1
    assert all(f.id == "unclassified-change" and f.level == Level.INFO for f in findings)
    assert sum("more than" in f.message for f in findings) == 1


def test_docs_list_every_asyncapi_rule() -> None:
    text = (ROOT / "docs" / "asyncapi-rules.md").read_text(encoding="utf-8")
    for r in REGISTRY.rules("asyncapi"):
        assert f"| `{r.id}` | {r.level.name} |" in text, r.id


def test_v2_parameter_rename_is_not_a_new_channel(tmp_path: Path) -> None:
    base = """
    asyncapi: 2.0.0
    info: {title: T, version: 1.0.0}
    channels:
      user/{userId}/signedup:
        parameters:
          userId: {schema: {type: string}}
        subscribe:
          message:
            payload: {type: object, properties: {email: {type: string, format: email}}}
    """
    revision = base.replace("{userId}", "{id}").replace("userId:", "id:").replace(", format: email", "")
    findings = diff_texts(tmp_path, base, revision)
    # subscribe: the application sends, so FORWARD: old consumers still check the email format.
    assert sorted((f.id, f.level) for f in findings) == [
        ("FORMAT_ADDED", Level.ERR),
        ("unclassified-change", Level.INFO), ("unclassified-change", Level.INFO),  # the parameter's name
    ]
    payload = next(f for f in findings if f.id == "FORMAT_ADDED")
    assert payload.message.startswith("subscribe message payload #/properties/email/format")

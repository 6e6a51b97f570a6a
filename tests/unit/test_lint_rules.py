"""Governance lint rules beyond the one case per rule: rulesets, overrides, both AsyncAPI major
versions, multi-file OpenAPI, proto trees, the bundled contracts, and partial documents."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govern.errors import UsageError
from govern.lint import lint_contract, lint_paths, rule_levels, rulesets
from govern.lint.base import CHECKS
from govern.load.model import Contract, Document, Limits, SourceMap
from govern.rules.finding import Finding, Level
from govern.rules.registry import REGISTRY
from tests.conftest import CASES, CONTRACTS

GOVERNANCE = {r.id: r for r in REGISTRY.rules("lint") if r.area != "validity"}
VALIDITY = {r.id for r in REGISTRY.rules("lint") if r.area == "validity"}


def lint_text(tmp_path: Path, text: str, name: str = "api.yaml", **options: Any) -> list[Finding]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    findings, _ = lint_paths([str(path)], limits=Limits(), **options)
    return sorted(findings, key=lambda f: (f.location.file or "", f.location.line or 0, f.id))


def ids(findings: list[Finding]) -> list[tuple[str, int | None]]:
    return [(f.id, f.location.line) for f in findings]


# ----------------------------------------------------------------------------- rulesets


def test_rulesets_are_nested_and_name_real_rules() -> None:
    assert rulesets.names() == ["minimal", "recommended", "strict"]
    minimal, recommended, strict = (rulesets.resolve(n) for n in rulesets.names())
    assert set(minimal) < set(recommended) < set(strict)
    assert set(strict) == set(GOVERNANCE), "strict runs every governance rule"
    assert all(level is Level.ERR for level in minimal.values()), "minimal holds only ERR rules"
    assert all(recommended[r] == GOVERNANCE[r].level for r in recommended), "recommended keeps catalogue levels"
    assert all(strict[r] >= GOVERNANCE[r].level for r in strict), "strict never lowers a level"
    assert [r for r in recommended if recommended[r] is Level.ERR] == ["openapi-operation-id-unique"]


def test_every_governance_rule_checks_one_contract_kind() -> None:
    checked = {rule_id for checks in CHECKS.values() for rule_id, _ in checks}
    assert checked == set(GOVERNANCE)
    assert {r.area for r in GOVERNANCE.values()} == set(CHECKS) == {"openapi", "proto", "asyncapi"}


def test_lint_rule_ids_do_not_clash_with_other_kinds() -> None:
    lint_ids = {r.id for r in REGISTRY.rules("lint")}
    others = {r.id for r in REGISTRY.rules() if r.kind != "lint"}
    assert not lint_ids & others, "config `rules:` overrides are by id across kinds"


def test_unknown_ruleset_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown ruleset 'loose'; use minimal, recommended, strict"):
        lint_paths([str(tmp_path / "missing.yaml")], limits=Limits(), ruleset="loose")


def test_bad_override_level_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="openapi-property-type"):
        rule_levels("recommended", {"openapi-property-type": "FATAL"})


@pytest.mark.parametrize("ruleset", ["minimal", "recommended", "strict"])
def test_validity_findings_in_every_ruleset_and_nothing_else_on_invalid(ruleset: str) -> None:
    """An invalid contract gets its validity findings, and no governance findings, in any ruleset."""
    for case in ("openapi-invalid", "asyncapi-invalid", "jsonschema-invalid"):
        contract = next((CASES / "lint" / case).glob("contract.*"))
        findings, _ = lint_paths([str(contract)], limits=Limits(), ruleset=ruleset)
        assert findings and {f.id for f in findings} == {case}


def test_compiler_warning_does_not_stop_governance(tmp_path: Path) -> None:
    found = lint_text(tmp_path, """\
        syntax = "proto3";
        package acme.orders;
        import "google/protobuf/timestamp.proto";
        message Order { string orderId = 1; }
        """, name="o.proto")
    assert ids(found) == [
        ("proto-package-versioned", 2),
        ("proto-compiler-warning", 3),
        ("proto-field-lower-snake-case", 4),
    ]


def test_rulesets_change_what_runs_and_levels(tmp_path: Path) -> None:
    text = """\
        syntax = "proto3";
        package acme.orders;
        message Order { string orderId = 1; }
        """
    assert lint_text(tmp_path, text, name="o.proto", ruleset="minimal") == []
    strict = lint_text(tmp_path, text, name="o.proto", ruleset="strict")
    assert [(f.id, f.level.name) for f in strict] == [
        ("proto-package-versioned", "ERR"),
        ("proto-field-lower-snake-case", "WARN"),
    ]


def test_overrides_turn_rules_off_on_and_relevel(tmp_path: Path) -> None:
    text = """\
        syntax = "proto3";
        package acme.orders;
        import "google/protobuf/timestamp.proto";
        message Order { string orderId = 1; }
        """
    found = lint_text(
        tmp_path, text, name="o.proto",
        overrides={"proto-package-versioned": "none", "proto-field-lower-snake-case": "ERR",
                   "proto-compiler-warning": None, "request-parameter-removed": "INFO"},
    )
    assert [(f.id, f.level.name) for f in found] == [("proto-field-lower-snake-case", "ERR")]
    # a level override turns on a rule the ruleset leaves out
    on = rule_levels("minimal", {"asyncapi-channel-description": Level.INFO})
    assert on["asyncapi-channel-description"] is Level.INFO


# ----------------------------------------------------------------------------- the bundled contracts


def test_bundled_contracts_have_no_err_under_default_ruleset() -> None:
    findings, inputs = lint_paths([str(CONTRACTS)], limits=Limits())
    assert len(inputs) == 8
    assert not [f for f in findings if f.level is Level.ERR]
    # the example REST API documents 4xx problem responses but no 5xx: the one house-style gap
    assert {f.id for f in findings} == {"openapi-error-responses"}
    assert len(findings) == 12


# ----------------------------------------------------------------------------- OpenAPI


OK_RESPONSES = """\
        responses:
          "200": {description: ok}
          "400": {$ref: "#/components/responses/Problem"}
          default: {$ref: "#/components/responses/Problem"}
"""
COMPONENTS = """\
components:
  responses:
    Problem:
      description: Problem details.
      content:
        application/problem+json:
          schema: {type: object, properties: {title: {type: string}}}
"""


def test_versioned_paths_without_versioned_servers(tmp_path: Path) -> None:
    text = f"""\
openapi: 3.0.3
info: {{title: t, version: "1"}}
paths:
  /v1/orders:
    get:
      operationId: listOrders
{textwrap.indent(textwrap.dedent(OK_RESPONSES), "      ")}  /health:
    get:
      operationId: health
{textwrap.indent(textwrap.dedent(OK_RESPONSES), "      ")}  /internal/stats:
    servers: [{{url: "https://internal.example/v2"}}]
    get:
      operationId: stats
{textwrap.indent(textwrap.dedent(OK_RESPONSES), "      ")}{COMPONENTS}"""
    found = lint_text(tmp_path, text)
    assert ids(found) == [("openapi-versioned-base-path", 11)]
    assert "path /health carries no /vN" in found[0].message


def test_no_servers_and_no_versioned_path(tmp_path: Path) -> None:
    text = f"""\
openapi: 3.1.0
info: {{title: t, version: "1"}}
paths:
  /orders:
    get:
      operationId: listOrders
{textwrap.indent(textwrap.dedent(OK_RESPONSES), "      ")}{COMPONENTS}"""
    found = lint_text(tmp_path, text)
    assert ids(found) == [("openapi-versioned-base-path", 3)]  # at `paths:`
    assert "no servers" in found[0].message


def test_webhook_operations_and_custom_methods(tmp_path: Path) -> None:
    text = f"""\
openapi: 3.1.0
info: {{title: t, version: "1"}}
servers: [{{url: /api/v1beta1}}]
paths:
  /orders/{{order_id}}:cancel:
    post:
      operationId: cancelOrder
      parameters: [{{name: order_id, in: path, required: true, schema: {{type: string}}}}]
{textwrap.indent(textwrap.dedent(OK_RESPONSES), "      ")}  /orders/{{order_id}}:batchGet:
    post:
      operationId: batchGet
      parameters: [{{name: order_id, in: path, required: true, schema: {{type: string}}}}]
{textwrap.indent(textwrap.dedent(OK_RESPONSES), "      ")}webhooks:
  orderPlaced:
    post:
{textwrap.indent(textwrap.dedent(OK_RESPONSES), "      ")}{COMPONENTS}"""
    found = lint_text(tmp_path, text)
    assert ids(found) == [("openapi-path-kebab-case", 13), ("openapi-operation-id-missing", 23)]
    assert "'batchGet' (use 'batch-get')" in found[0].message
    assert found[1].message == "webhook 'orderPlaced' POST has no operationId"


def test_schema_rules_follow_refs_into_other_files(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "money.yaml").write_text(
        "type: object\nproperties:\n  amountMinor: {type: integer}\n  note: {}\n  currency_code: {type: string}\n"
    )
    text = f"""\
openapi: 3.1.0
info: {{title: t, version: "1"}}
servers: [{{url: "https://x.example/v1"}}]
paths:
  /orders:
    get:
      operationId: listOrders
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  order_id: {{type: string}}
                  total: {{$ref: "./schemas/money.yaml"}}
                  placed_at: {{type: string}}
        "400": {{$ref: "#/components/responses/Problem"}}
        default: {{$ref: "#/components/responses/Problem"}}
{COMPONENTS}"""
    found = lint_text(tmp_path, text)
    money = str(tmp_path / "schemas" / "money.yaml")
    assert [(f.id, Path(f.location.file or "").name, f.location.line) for f in found] == [
        ("openapi-property-casing", "money.yaml", 3),
        ("openapi-property-type", "money.yaml", 4),
    ]
    assert all(Path(f.location.file or "").resolve() == Path(money).resolve() for f in found)


# ----------------------------------------------------------------------------- proto


def test_proto_tree_no_package_proto2_enum_and_extensions(tmp_path: Path) -> None:
    root = tmp_path / "protos"
    (root / "acme" / "orders" / "v1alpha1").mkdir(parents=True)
    (root / "acme" / "orders" / "v1alpha1" / "orders.proto").write_text(textwrap.dedent("""\
        syntax = "proto2";
        package acme.orders.v1alpha1;
        enum Status {
          ACTIVE = 1;
        }
        message Order {
          optional string order_id = 1;
          extensions 100 to 200;
        }
        extend Order {
          optional string legacyCode = 100;
        }
        """))
    (root / "plain.proto").write_text('syntax = "proto3";\nmessage Thing { string id = 1; }\n')
    findings, _ = lint_paths([str(root)], limits=Limits())
    got = sorted((Path(f.location.file or "").name, f.location.line, f.id) for f in findings)
    assert got == [
        ("orders.proto", 3, "proto-enum-zero-unspecified"),
        ("orders.proto", 11, "proto-field-lower-snake-case"),
        ("plain.proto", 1, "proto-package-versioned"),
    ]
    messages = {f.id: f.message for f in findings}
    assert "has no zero value; add STATUS_UNSPECIFIED = 0" in messages["proto-enum-zero-unspecified"]
    assert "declares no package" in messages["proto-package-versioned"]


def test_rpc_using_one_message_both_ways(tmp_path: Path) -> None:
    found = lint_text(tmp_path, """\
        syntax = "proto3";
        package acme.ping.v1;
        import "google/protobuf/empty.proto";
        service PingService {
          rpc Ping(google.protobuf.Empty) returns (google.protobuf.Empty);
        }
        """, name="ping.proto")
    assert ids(found) == [("proto-rpc-messages-unique", 5)]
    assert "google.protobuf.Empty is the response of acme.ping.v1.PingService.Ping and also the request" in found[0].message


# ----------------------------------------------------------------------------- AsyncAPI


ASYNC_26 = """\
asyncapi: 2.6.0
info: {title: t, version: "1"}
channels:
  payments.authorized:
    description: Authorized payments.
    publish:
      operationId: onPaymentAuthorized
      message:
        oneOf:
          - {name: PaymentAuthorized, payload: {type: object}}
          - {payload: {type: object}}
  orders.placed:
    description: Placed orders.
    subscribe:
      message: {name: OrderPlaced}
"""


def test_asyncapi_2_publish_is_a_receive(tmp_path: Path) -> None:
    found = lint_text(tmp_path, ASYNC_26)
    assert ids(found) == [
        ("asyncapi-dead-letter", 6),
        ("asyncapi-message-name", 11),
        ("asyncapi-message-payload", 15),
    ]
    assert "operation 'onPaymentAuthorized' receives from channel 'payments.authorized'" in found[0].message


def test_asyncapi_2_dead_letter_channel_by_name_covers_receives(tmp_path: Path) -> None:
    text = ASYNC_26 + "  orders.dlq:\n    description: Dead letters.\n    subscribe:\n      message: {name: Dead, payload: {type: object}}\n"
    assert "asyncapi-dead-letter" not in {f.id for f in lint_text(tmp_path, text)}


def test_asyncapi_2_channel_level_dead_letter_names_channel(tmp_path: Path) -> None:
    text = ASYNC_26.replace(
        "    description: Authorized payments.\n",
        "    description: Authorized payments.\n    x-dead-letter: payments.failed\n",
    ) + "  payments.failed:\n    description: Failed.\n    x-dead-letter-channel: true\n"
    assert "asyncapi-dead-letter" not in {f.id for f in lint_text(tmp_path, text)}
    broken = text.replace("x-dead-letter: payments.failed", "x-dead-letter: payments.gone")
    found = [f for f in lint_text(tmp_path, broken) if f.id == "asyncapi-dead-letter"]
    assert ids(found) == [("asyncapi-dead-letter", 6)]
    assert "names 'payments.gone'" in found[0].message


ASYNC_30 = """\
asyncapi: 3.0.0
info: {title: t, version: "1"}
channels:
  stock:
    address: inventory.stock
    description: Stock.
    messages:
      m: {$ref: "#/components/messages/M"}
  retries:
    address: orders.stock-dead-letters
    description: Dead letters.
    messages:
      m: {$ref: "#/components/messages/M"}
operations:
  receiveStock:
    action: receive
    channel: {$ref: "#/channels/stock"}
  replayDeadLetters:
    action: receive
    channel: {$ref: "#/channels/retries"}
components:
  messages:
    M: {name: M, payload: {type: object}}
"""


@pytest.mark.parametrize(
    "address, fires",
    [("orders.stock-dead-letters", False), ("orders.stock.dlq", False), ("orders_dlq", False),
     ("orders.deadLetter", False), ("orders.dead-letter-queue", False), ("orders.retries", True),
     ("dlqueue.orders", True)],
)
def test_asyncapi_3_dead_letter_naming_convention(tmp_path: Path, address: str, fires: bool) -> None:
    text = ASYNC_30.replace("orders.stock-dead-letters", address).replace("  retries:", "  parking:")
    text = text.replace("#/channels/retries", "#/channels/parking")
    found = [f for f in lint_text(tmp_path, text) if f.id == "asyncapi-dead-letter"]
    # without a dead-letter channel both receive operations lack a route; with one, neither does
    # (the operation receiving from the dead-letter channel itself is never asked for one)
    assert ids(found) == ([("asyncapi-dead-letter", 15), ("asyncapi-dead-letter", 18)] if fires else [])


def test_asyncapi_3_marked_dead_letter_channel(tmp_path: Path) -> None:
    text = ASYNC_30.replace("orders.stock-dead-letters", "orders.parking").replace(
        "    description: Dead letters.\n", "    description: Dead letters.\n    x-dead-letter-channel: true\n"
    )
    assert [f for f in lint_text(tmp_path, text) if f.id == "asyncapi-dead-letter"] == []


# ----------------------------------------------------------------------------- partial documents


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8)
    | st.sampled_from(["#/channels/a", "#/components/schemas/S", "receive", "none", "$ref"]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from(["$ref", "type", "properties", "items", "allOf", "name", "payload", "address",
                         "action", "channel", "messages", "responses", "content", "schema", "servers",
                         "url", "operationId", "x-dead-letter", "4XX", "default", "get", "a", "S"])
        | st.text(max_size=6),
        children, max_size=5),
    max_leaves=25,
)


def _contract(kind: str, data: Any) -> Contract:
    doc = Document("fuzz.yaml", data, SourceMap("fuzz.yaml", {}))
    return Contract(kind, "fuzz.yaml", "3.0.0" if kind == "asyncapi" else "3.1.0", doc, {"fuzz.yaml": doc})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(["openapi", "asyncapi"]), version=st.sampled_from(["2.6.0", "3.0.0"]),
       paths=JSONISH, channels=JSONISH, components=JSONISH, operations=JSONISH)
def test_rules_never_crash_on_partial_documents(
    kind: str, version: str, paths: Any, channels: Any, components: Any, operations: Any
) -> None:
    """Governance rules walk whatever the document holds, however broken, without raising."""
    data = {"paths": paths, "webhooks": paths, "channels": channels, "components": components,
            "operations": operations, "servers": paths}
    contract = _contract(kind, data)
    if kind == "asyncapi":
        contract.version = version
    findings = lint_contract(contract, ruleset="strict")
    assert all(f.kind == "lint" and f.id in GOVERNANCE for f in findings)


def test_expected_files_are_well_formed() -> None:
    for case in (CASES / "lint").iterdir():
        rows = json.loads((case / "expected.json").read_text())
        assert rows and all(set(r) == {"id", "level", "line", "says"} for r in rows), case.name


def test_callback_operations_count_for_operation_ids(tmp_path: Path) -> None:
    text = f"""\
openapi: 3.1.0
info: {{title: t, version: "1"}}
servers: [{{url: "https://x.example/v1"}}]
paths:
  /subscriptions:
    post:
      operationId: notifyOrder
{textwrap.indent(textwrap.dedent(OK_RESPONSES), "      ")}      callbacks:
        orderEvent:
          "{{$request.body#/url}}":
            post:
              operationId: notify_order
              responses:
                "200": {{description: ok}}
            put:
              responses:
                "200": {{description: ok}}
{COMPONENTS}"""
    found = lint_text(tmp_path, text)
    assert ids(found) == [("openapi-operation-id-unique", 16), ("openapi-operation-id-missing", 19)]
    assert "'notify_order' of callback 'orderEvent' of POST /subscriptions: POST {$request.body#/url} collides with 'notifyOrder' of POST /subscriptions" in found[0].message


def test_docs_ruleset_table_matches_the_data_file() -> None:
    from tests.conftest import ROOT

    text = (ROOT / "docs" / "lint-rules.md").read_text(encoding="utf-8")
    table: dict[str, list[str]] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`") and cells[0].endswith("`"):
            table[cells[0].strip("`")] = cells[1:]
    assert set(table) == set(GOVERNANCE)
    for position, name in enumerate(rulesets.names()):
        levels = rulesets.resolve(name)
        for rule_id, row in table.items():
            want = levels[rule_id].name if rule_id in levels else "-"
            assert row[position] == want, (name, rule_id)
    for rule_id in GOVERNANCE:
        assert f"### `{rule_id}`" in text, f"docs/lint-rules.md does not describe {rule_id}"


def test_property_type_ignores_constraints_and_refinements(tmp_path: Path) -> None:
    text = f"""\
openapi: 3.1.0
info: {{title: t, version: "1"}}
servers: [{{url: "https://x.example/v1"}}]
paths:
  /orders:
    get:
      operationId: listOrders
{textwrap.indent(textwrap.dedent(OK_RESPONSES), "      ")}{COMPONENTS}  schemas:
    Base:
      type: object
      properties:
        kind: {{type: string}}
        name: {{type: string}}
      if:
        properties:
          kind: {{const: gift}}
      then:
        properties:
          wrapping: {{description: untyped, but only a constraint}}
      not:
        properties:
          forbidden: {{}}
    Short:
      allOf:
        - $ref: "#/components/schemas/Base"
        - properties:
            name: {{maxLength: 20}}
            note: {{description: declared here without a type}}
"""
    found = lint_text(tmp_path, text)
    assert [(f.id, f.location.line) for f in found] == [("openapi-property-type", 39)]
    assert "'note'" in found[0].message

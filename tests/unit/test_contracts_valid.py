"""The bundled example system in contracts/ is valid under each format's own validator.

`make demo`, the golden tests and the docs all read these files, so a typo here would show up
as a confusing failure far away. Each revision is checked with the reference validator of its
format: openapi-spec-validator (with relative file refs), protoc from grpcio-tools, the official
AsyncAPI 3.0.0 JSON Schema and the JSON Schema 2020-12 metaschema. When the `buf` CLI is
installed (pip package buf-bin) the protobuf files are also linted with buf's STANDARD rules and
the v1 -> v2 breaking changes are compared with the list in contracts/README.md.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "contracts"
REVISIONS = ("v1", "v2")
ASYNCAPI_SCHEMA_DIR = ROOT / "govern" / "data" / "schemas" / "asyncapi"
PROTO_FILES = ("acme/payments/v1/payments.proto", "acme/payments/v1/types.proto")


def _load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _refs(node: Any, where: str = "#") -> Iterator[tuple[str, str]]:
    """Yield (location, target) for every `$ref` in a loaded document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield where, value
            else:
                yield from _refs(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _refs(value, f"{where}/{index}")


def _resolve_pointer(document: Any, pointer: str) -> Any:
    node = document
    for token in pointer.lstrip("#").lstrip("/").split("/"):
        if not token:
            continue
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


# --- OpenAPI -----------------------------------------------------------------------------------


@pytest.mark.parametrize("revision", REVISIONS)
def test_orders_openapi_is_valid(revision: str) -> None:
    from openapi_spec_validator import validate

    path = CONTRACTS / "orders" / revision / "openapi.yaml"
    spec = _load_yaml(path)
    assert spec["openapi"].startswith("3.1.")
    validate(spec, base_uri=path.resolve().as_uri())


@pytest.mark.parametrize("revision", REVISIONS)
def test_orders_openapi_splits_schemas_into_relative_files(revision: str) -> None:
    path = CONTRACTS / "orders" / revision / "openapi.yaml"
    file_refs = {target for _, target in _refs(_load_yaml(path)) if not target.startswith("#")}
    assert file_refs == {
        "./schemas/money.yaml", "./schemas/address.yaml", "./schemas/problem.yaml"
    }
    for target in file_refs:
        assert isinstance(_load_yaml(path.parent / target), dict)


def test_orders_openapi_versions_signal_the_breaking_revision() -> None:
    versions = [
        _load_yaml(CONTRACTS / "orders" / rev / "openapi.yaml")["info"]["version"]
        for rev in REVISIONS
    ]
    assert versions == ["1.4.0", "2.0.0"]


# --- protobuf ----------------------------------------------------------------------------------


def _compile_proto(revision: str, out: Path) -> Any:
    import grpc_tools
    from google.protobuf import descriptor_pb2
    from grpc_tools import protoc

    well_known = Path(grpc_tools.__file__).parent / "_proto"
    root = CONTRACTS / "payments" / revision
    code = protoc.main(
        [
            "protoc",
            f"-I{root}",
            f"-I{well_known}",
            f"--descriptor_set_out={out}",
            *[str(root / name) for name in PROTO_FILES],
        ]
    )
    assert code == 0, f"protoc failed on contracts/payments/{revision} (see stderr)"
    descriptors = descriptor_pb2.FileDescriptorSet()
    descriptors.ParseFromString(out.read_bytes())
    return descriptors


@pytest.mark.parametrize("revision", REVISIONS)
def test_payments_proto_compiles(revision: str, tmp_path: Path) -> None:
    descriptors = _compile_proto(revision, tmp_path / "payments.binpb")
    files = {f.name: f for f in descriptors.file}
    assert set(files) == set(PROTO_FILES)
    payments = files["acme/payments/v1/payments.proto"]
    assert payments.package == "acme.payments.v1"
    assert payments.syntax == "proto3"
    assert "acme/payments/v1/types.proto" in payments.dependency
    assert "google/protobuf/timestamp.proto" in payments.dependency
    [service] = payments.service
    assert service.name == "PaymentService"
    methods = {m.name: m for m in service.method}
    assert {"AuthorizePayment", "CapturePayment", "RefundPayment", "GetPayment"} <= set(methods)
    assert methods["WatchPaymentStatus"].server_streaming


def _buf() -> str | None:
    beside_python = Path(sys.executable).parent / "buf"
    return str(beside_python) if beside_python.exists() else shutil.which("buf")


def _run_buf(args: list[str], cwd: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    buf = _buf()
    if buf is None:
        pytest.skip("buf CLI not installed (pip install buf-bin to run buf lint/breaking)")
    env = {**os.environ, "BUF_CACHE_DIR": str(cache)}
    return subprocess.run(
        [buf, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("revision", REVISIONS)
def test_payments_proto_passes_buf_standard_lint(revision: str, tmp_path: Path) -> None:
    config = json.dumps({"version": "v2", "lint": {"use": ["STANDARD"]}})
    result = _run_buf(
        ["lint", ".", "--config", config], CONTRACTS / "payments" / revision, tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr


# The proto v1 -> v2 changes that contracts/README.md lists, as buf reports them per category.
EXPECTED_BUF_BREAKING = {
    "FILE": {
        ("MESSAGE_NO_DELETE", "VoidPaymentRequest"),
        ("MESSAGE_NO_DELETE", "VoidPaymentResponse"),
        ("RPC_NO_DELETE", "VoidPayment"),
        ("RPC_SAME_CLIENT_STREAMING", "WatchPaymentStatus"),
        ("FIELD_NO_DELETE", "psp_reference"),
        ("FIELD_SAME_NAME", "authorized_amount"),
        ("FIELD_SAME_JSON_NAME", "authorized_amount"),
        ("FIELD_SAME_TYPE", "customer_id"),
        ("ENUM_VALUE_NO_DELETE", "CardBrand"),
    },
    "WIRE_JSON": {
        ("RPC_SAME_CLIENT_STREAMING", "WatchPaymentStatus"),
        ("FIELD_NO_DELETE_UNLESS_NAME_RESERVED", "psp_reference"),
        ("FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", "psp_reference"),
        ("FIELD_SAME_NAME", "authorized_amount"),
        ("FIELD_SAME_JSON_NAME", "authorized_amount"),
        ("FIELD_WIRE_JSON_COMPATIBLE_TYPE", "customer_id"),
        ("ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED", "CardBrand"),
        ("ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED", "CardBrand"),
    },
    "WIRE": {
        ("RPC_SAME_CLIENT_STREAMING", "WatchPaymentStatus"),
        ("FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", "psp_reference"),
        ("FIELD_WIRE_COMPATIBLE_TYPE", "customer_id"),
        ("ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED", "CardBrand"),
    },
}


@pytest.mark.parametrize("category", sorted(EXPECTED_BUF_BREAKING))
def test_payments_v2_breaks_v1_exactly_as_documented(category: str, tmp_path: Path) -> None:
    config = json.dumps({"version": "v2", "breaking": {"use": [category]}})
    result = _run_buf(
        ["breaking", ".", "--against", "../v1", "--config", config, "--error-format", "json"],
        CONTRACTS / "payments" / "v2",
        tmp_path,
    )
    assert result.returncode != 0, "v2 is expected to break v1"
    subjects = {subject for _, subject in EXPECTED_BUF_BREAKING["FILE"]}
    found = set()
    for line in result.stdout.splitlines():
        issue = json.loads(line)
        named = [s for s in subjects if f'"{s}"' in issue["message"]]
        assert named, f"undocumented breaking change: {issue}"
        found.add((issue["type"], named[0]))
    assert found == EXPECTED_BUF_BREAKING[category]


# --- AsyncAPI ----------------------------------------------------------------------------------


def _asyncapi_validator() -> jsonschema.protocols.Validator:
    candidates = sorted(ASYNCAPI_SCHEMA_DIR.glob("3.0.0*.json"))
    # Prefer the bundled schema whose definitions carry their own $id (3.0.0.json).
    candidates.sort(key=lambda p: p.name != "3.0.0.json")
    if not candidates:
        pytest.skip(
            f"official AsyncAPI 3.0.0 schema not vendored yet at {ASYNCAPI_SCHEMA_DIR}"
            " (expected 3.0.0.json from @asyncapi/specs)"
        )
    schema = json.loads(candidates[0].read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


@pytest.mark.parametrize("revision", REVISIONS)
def test_events_asyncapi_matches_official_schema(revision: str) -> None:
    validator = _asyncapi_validator()
    document = _load_yaml(CONTRACTS / "events" / revision / "asyncapi.yaml")
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(document)
    ]
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("revision", REVISIONS)
def test_events_asyncapi_refs_and_operations_are_consistent(revision: str) -> None:
    document = _load_yaml(CONTRACTS / "events" / revision / "asyncapi.yaml")
    assert document["asyncapi"] == "3.0.0"
    for where, target in _refs(document):
        assert target.startswith("#/"), f"{where}: only local refs are used here ({target})"
        try:
            _resolve_pointer(document, target)
        except (KeyError, IndexError, ValueError):
            pytest.fail(f"{where}: $ref {target} does not resolve")
    actions = set()
    for name, operation in document["operations"].items():
        actions.add(operation["action"])
        channel_ref = operation["channel"]["$ref"]
        for message in operation["messages"]:
            assert message["$ref"].startswith(channel_ref + "/messages/"), (
                f"operation {name}: message {message['$ref']} is not on {channel_ref}"
            )
    assert actions == {"send", "receive"}
    for name, channel in document["channels"].items():
        assert channel.get("address"), f"channel {name} has no address"


# --- plain JSON Schema -------------------------------------------------------------------------


@pytest.mark.parametrize("revision", REVISIONS)
def test_order_placed_json_schema_is_valid(revision: str) -> None:
    path = CONTRACTS / "schemas" / revision / "order-placed.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    for example in schema["examples"]:
        validator.validate(example)

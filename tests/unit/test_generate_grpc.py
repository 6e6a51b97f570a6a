"""`govern generate client` for .proto: layout, import rewriting, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from govern.errors import InputError
from govern.generate import build_client
from govern.generate.grpc import module_of

ROOT = Path(__file__).resolve().parents[2]


def test_payments_layout_and_methods():
    result = build_client(str(ROOT / "contracts" / "payments" / "v2"), package="pay")
    assert result.kind == "proto"
    assert result.operations == [
        "PaymentServiceClient.authorize_payment", "PaymentServiceClient.capture_payment", "PaymentServiceClient.refund_payment",
        "PaymentServiceClient.get_payment", "PaymentServiceClient.list_payments", "PaymentServiceClient.watch_payment_status",
    ]
    files = result.files
    for rel in ("payments_pb2.py", "payments_pb2.pyi", "payments_pb2_grpc.py", "payments_pb2_grpc.pyi", "types_pb2.py", "__init__.py"):
        assert f"pay/acme/payments/v1/{rel}" in files
    assert "pay/acme/__init__.py" in files and "pay/acme/payments/__init__.py" in files
    pb2 = files["pay/acme/payments/v1/payments_pb2.py"]
    assert "from pay.acme.payments.v1 import types_pb2 as" in pb2
    assert "from google.protobuf import timestamp_pb2" in pb2  # well-known types stay where they are
    assert "from acme." not in pb2 and "from acme." not in files["pay/acme/payments/v1/payments_pb2_grpc.py"]
    client = files["pay/client.py"]
    assert "def watch_payment_status(" in client and "-> Iterator[acme_payments_v1_payments_pb2.WatchPaymentStatusResponse]" in client
    assert '"grpcio>=' in files["pyproject.toml"] and '"protobuf>=' in files["pyproject.toml"]


def test_module_names_follow_protoc():
    assert module_of("acme/payments/v1/payments.proto") == "acme.payments.v1.payments_pb2"
    assert module_of("a/my-file.proto") == "a.my_file_pb2"


def test_proto_without_service_is_an_error(tmp_path):
    (tmp_path / "m.proto").write_text('syntax = "proto3";\npackage m;\nmessage M { string a = 1; }\n')
    with pytest.raises(InputError, match="declare no service"):
        build_client(str(tmp_path / "m.proto"))


def test_rpc_names_colliding_with_client_methods_are_an_error(tmp_path):
    (tmp_path / "s.proto").write_text(
        'syntax = "proto3";\npackage s;\nmessage M {}\nservice S {\n  rpc Close(M) returns (M);\n}\n'
    )
    with pytest.raises(InputError, match=r"rpc S.Close becomes the method close\(\), already used by the client itself"):
        build_client(str(tmp_path / "s.proto"))


def test_invalid_proto_is_an_input_error(tmp_path):
    (tmp_path / "bad.proto").write_text('syntax = "proto3";\nmessage {\n')
    with pytest.raises(InputError) as info:
        build_client(str(tmp_path / "bad.proto"))
    assert info.value.line == 2


def test_single_file_with_import_root(tmp_path):
    from typer.testing import CliRunner

    from govern.cli.generate import app

    root = ROOT / "contracts" / "payments" / "v2"
    proto = root / "acme" / "payments" / "v1" / "payments.proto"
    result = CliRunner().invoke(app, ["client", str(proto), "-I", str(root), "--out", str(tmp_path / "c"), "-p", "pay"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "c" / "pay" / "acme" / "payments" / "v1" / "types_pb2.py").is_file()

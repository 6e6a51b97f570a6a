"""The generated payments client (contracts/payments/v2) against a real grpcio server."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent import futures

import pytest

from tests.e2e.conftest import CONTRACTS, generate_and_import

grpc = pytest.importorskip("grpc")


@pytest.fixture(scope="module")
def payments(tmp_path_factory):
    out = tmp_path_factory.mktemp("grpc") / "payments"
    pkg = generate_and_import(CONTRACTS / "payments" / "v2", out, "e2e_payments_client")
    import importlib

    pb2 = importlib.import_module("e2e_payments_client.acme.payments.v1.payments_pb2")
    types = importlib.import_module("e2e_payments_client.acme.payments.v1.types_pb2")
    pb2_grpc = importlib.import_module("e2e_payments_client.acme.payments.v1.payments_pb2_grpc")
    return pkg, pb2, types, pb2_grpc


class Servicer:
    """PaymentService in memory, with failures to inject per rpc."""

    def __init__(self, pb2, types):
        self.pb2, self.types = pb2, types
        self.payments = {}
        self.calls: dict[str, int] = {}
        self.faults: dict[str, list] = {}
        self.delay = 0.0
        self.lock = threading.Lock()

    def _enter(self, rpc, context):
        with self.lock:
            self.calls[rpc] = self.calls.get(rpc, 0) + 1
            queue = self.faults.get(rpc) or []
            fault = queue.pop(0) if queue else None
        if self.delay:
            time.sleep(self.delay)
        if fault is not None:
            context.abort(fault, f"injected {fault.name}")

    def AuthorizePayment(self, request, context):
        self._enter("AuthorizePayment", context)
        with self.lock:
            for p in self.payments.values():
                if request.idempotency_key and p.metadata.get("idempotency_key") == request.idempotency_key:
                    return self.pb2.AuthorizePaymentResponse(payment=p)
            payment = self.pb2.Payment(
                payment_id=str(uuid.uuid4()), order_id=request.order_id, authorized_amount=request.amount,
                status=self.types.PAYMENT_STATUS_AUTHORIZED, card=request.card,
                metadata={"idempotency_key": request.idempotency_key},
            )
            self.payments[payment.payment_id] = payment
        return self.pb2.AuthorizePaymentResponse(payment=payment)

    def GetPayment(self, request, context):
        self._enter("GetPayment", context)
        payment = self.payments.get(request.payment_id)
        if payment is None:
            context.abort(grpc.StatusCode.NOT_FOUND, "no such payment")
        return self.pb2.GetPaymentResponse(payment=payment)

    def ListPayments(self, request, context):
        self._enter("ListPayments", context)
        found = [p for p in self.payments.values() if p.order_id == request.order_id]
        return self.pb2.ListPaymentsResponse(payments=found)

    def CapturePayment(self, request, context):
        context.abort(grpc.StatusCode.UNIMPLEMENTED, "not in this test")

    def RefundPayment(self, request, context):
        context.abort(grpc.StatusCode.UNIMPLEMENTED, "not in this test")

    def WatchPaymentStatus(self, request_iterator, context):
        self._enter("WatchPaymentStatus", context)
        for req in request_iterator:
            payment = self.payments.get(req.payment_id)
            status = payment.status if payment else self.types.PAYMENT_STATUS_UNSPECIFIED
            yield self.pb2.WatchPaymentStatusResponse(payment_id=req.payment_id, status=status)


@pytest.fixture
def server(payments):
    _, pb2, types, pb2_grpc = payments
    servicer = Servicer(pb2, types)
    srv = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    # Base class methods answer UNIMPLEMENTED; ours are looked up on the instance.
    pb2_grpc.add_PaymentServiceServicer_to_server(servicer, srv)
    port = srv.add_insecure_port("127.0.0.1:0")
    srv.start()
    yield servicer, f"127.0.0.1:{port}"
    srv.stop(grace=None)


def client(payments, target, **kw):
    pkg = payments[0]
    return pkg.PaymentServiceClient(target, **{"backoff": 0.01, "timeout": 2.0, **kw})


def authorize_request(pb2, types, key="key-1"):
    return pb2.AuthorizePaymentRequest(
        order_id=str(uuid.uuid4()), customer_id=str(uuid.uuid4()),
        amount=types.Money(amount_minor=4599, currency_code="EUR"),
        card=types.Card(card_token="tok_1", brand=types.CARD_BRAND_VISA, last4="4242"),
        idempotency_key=key,
    )


def test_typed_calls_round_trip(payments, server):
    _, pb2, types, _ = payments
    servicer, target = server
    with client(payments, target) as api:
        auth = api.authorize_payment(authorize_request(pb2, types))
        assert isinstance(auth, pb2.AuthorizePaymentResponse)
        got = api.get_payment(pb2.GetPaymentRequest(payment_id=auth.payment.payment_id))
        assert got.payment.authorized_amount.amount_minor == 4599 and got.payment.WhichOneof("method") == "card"
        listed = api.list_payments(pb2.ListPaymentsRequest(order_id=auth.payment.order_id))
        assert [p.payment_id for p in listed.payments] == [auth.payment.payment_id]
        with pytest.raises(grpc.RpcError) as info:
            api.get_payment(pb2.GetPaymentRequest(payment_id="missing"))
        assert info.value.code() == grpc.StatusCode.NOT_FOUND
        assert api.breaker.state == "closed"  # NOT_FOUND shows the server is up


def test_unavailable_is_retried_by_the_service_config(payments, server):
    _, pb2, types, _ = payments
    servicer, target = server
    servicer.faults["AuthorizePayment"] = [grpc.StatusCode.UNAVAILABLE] * 2
    with client(payments, target, max_retries=3) as api:
        auth = api.authorize_payment(authorize_request(pb2, types))
    assert auth.payment.status == types.PAYMENT_STATUS_AUTHORIZED
    assert servicer.calls["AuthorizePayment"] == 3
    assert len(servicer.payments) == 1


def test_retries_stop_at_max_retries_and_other_codes_are_not_retried(payments, server):
    _, pb2, types, _ = payments
    servicer, target = server
    servicer.faults["GetPayment"] = [grpc.StatusCode.UNAVAILABLE] * 5
    with client(payments, target, max_retries=1) as api:
        with pytest.raises(grpc.RpcError) as info:
            api.get_payment(pb2.GetPaymentRequest(payment_id="x"))
    assert info.value.code() == grpc.StatusCode.UNAVAILABLE
    assert servicer.calls["GetPayment"] == 2
    servicer.faults["ListPayments"] = [grpc.StatusCode.ABORTED]
    with client(payments, target) as api:
        with pytest.raises(grpc.RpcError):
            api.list_payments(pb2.ListPaymentsRequest(order_id="o"))
    assert servicer.calls["ListPayments"] == 1


def test_configured_codes_are_retried_too(payments, server):
    _, pb2, _, _ = payments
    servicer, target = server
    servicer.faults["ListPayments"] = [grpc.StatusCode.ABORTED, grpc.StatusCode.RESOURCE_EXHAUSTED]
    with client(payments, target, retry_codes=[grpc.StatusCode.ABORTED, grpc.StatusCode.RESOURCE_EXHAUSTED]) as api:
        assert list(api.list_payments(pb2.ListPaymentsRequest(order_id="o")).payments) == []
    assert servicer.calls["ListPayments"] == 3


def test_deadline_is_enforced_per_call(payments, server):
    _, pb2, _, _ = payments
    servicer, target = server
    servicer.delay = 1.0
    with client(payments, target, timeout=0.2, max_retries=0) as api:
        start = time.monotonic()
        with pytest.raises(grpc.RpcError) as info:
            api.get_payment(pb2.GetPaymentRequest(payment_id="x"))
        elapsed = time.monotonic() - start
        assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        assert elapsed < 0.8
        start = time.monotonic()
        with pytest.raises(grpc.RpcError):
            api.get_payment(pb2.GetPaymentRequest(payment_id="x"), timeout=0.1)  # per-call override
        assert time.monotonic() - start < 0.6


def test_circuit_opens_and_recovers(payments, server):
    pkg, pb2, _, _ = payments
    servicer, target = server
    servicer.faults["GetPayment"] = [grpc.StatusCode.UNAVAILABLE] * 2
    with client(payments, target, max_retries=0, circuit_failure_threshold=2, circuit_reset_timeout=0.5) as api:
        for _ in range(2):
            with pytest.raises(grpc.RpcError):
                api.get_payment(pb2.GetPaymentRequest(payment_id="x"))
        with pytest.raises(pkg.CircuitOpenError):
            api.get_payment(pb2.GetPaymentRequest(payment_id="x"))
        assert servicer.calls["GetPayment"] == 2  # refused without a network call
        time.sleep(0.55)
        with pytest.raises(grpc.RpcError) as info:  # the half-open trial reaches the server
            api.get_payment(pb2.GetPaymentRequest(payment_id="x"))
        assert info.value.code() == grpc.StatusCode.NOT_FOUND
        assert api.breaker.state == "closed" and servicer.calls["GetPayment"] == 3


def test_bidirectional_stream(payments, server):
    _, pb2, types, _ = payments
    servicer, target = server
    with client(payments, target) as api:
        auth = api.authorize_payment(authorize_request(pb2, types))
        reqs = [pb2.WatchPaymentStatusRequest(payment_id=auth.payment.payment_id), pb2.WatchPaymentStatusRequest(payment_id="other")]
        got = [(r.payment_id, r.status) for r in api.watch_payment_status(reqs, timeout=2.0)]
    assert got == [(auth.payment.payment_id, types.PAYMENT_STATUS_AUTHORIZED), ("other", types.PAYMENT_STATUS_UNSPECIFIED)]


def test_service_config_shape(payments):
    import json

    pkg = payments[0]
    config = json.loads(pkg.service_config("acme.payments.v1.PaymentService", 9, 0.1, [grpc.StatusCode.ABORTED]))
    policy = config["methodConfig"][0]["retryPolicy"]
    assert policy["maxAttempts"] == 5 and policy["retryableStatusCodes"] == ["ABORTED", "UNAVAILABLE"]
    assert "retryPolicy" not in json.loads(pkg.service_config("s", 0, 0.1))["methodConfig"][0]

"""The generated orders client (contracts/orders/v2) against a real local HTTP server."""

from __future__ import annotations

import asyncio
import datetime
import socket
import time
import uuid

import pytest

NEW_ORDER = {
    "customer_id": "8d0c6a52-3c1e-4f59-9a57-64a3e5a0b1c2",
    "items": [{"sku": "SKU-7731-BLK", "quantity": 2}],
    "payment_method": {"type": "card", "card_token": "tok_4f9a1c7e"},
    "shipping_address": {"recipient_name": "Ada Lovelace", "line1": "12 Analytical Way", "city": "London", "postal_code": "EC1A 1BB", "country": "GB"},
}

FAST = {"backoff": 0.01, "timeout": 2.0}


def client(pkg, server, **kw):
    return pkg.Client(server.base_url, **{**FAST, **kw})


def test_typed_round_trip(orders_pkg, orders_server):
    m = orders_pkg.models
    body = m.CreateOrderRequest(
        customer_id=NEW_ORDER["customer_id"],
        items=[m.NewOrderItem(sku="SKU-7731-BLK", quantity=2)],
        payment_method=m.CardPayment(type="card", card_token="tok_4f9a1c7e"),
        shipping_address=m.Address.from_dict(NEW_ORDER["shipping_address"]),
        delivery_speed="express",
    )
    with client(orders_pkg, orders_server) as api:
        created = api.create_order(body=body)
        assert isinstance(created, m.Order)
        assert isinstance(created.payment_method, m.CardPayment) and created.payment_method.card_token == "tok_4f9a1c7e"
        assert created.total == m.Money(amount_minor=2500, currency="EUR")
        assert isinstance(created.placed_at, datetime.datetime)
        assert created.cancelled_at is None  # JSON null, not UNSET
        assert created.additional_properties == {"loyalty_points": 7}
        sent = orders_server.requests("POST", "/v1/orders")[0].body
        assert sent["delivery_speed"] == "express" and sent["payment_method"] == {"type": "card", "card_token": "tok_4f9a1c7e"}
        assert "channel" not in sent  # optional and unset: not sent

        got = api.get_order_with_response(order_id=created.id)
        assert got.status == 200 and got.headers["etag"] == '"pending"'
        assert got.parsed.to_dict() == created.to_dict()
        assert created.to_dict()["loyalty_points"] == 7

        page = api.list_orders(status="pending", page_size=10)
        assert [o.id for o in page.items] == [created.id] and page.next_page_token is None
        assert orders_server.requests("GET", "/v1/orders")[0].query == "status=pending&page_size=10"
        items = api.list_order_items(order_id=created.id)
        assert [i.quantity for i in items.items] == [2]
        cancelled = api.cancel_order(order_id=created.id, if_match=got.headers["ETag"], body={"reason": "customer_request"})
        assert cancelled.status == "cancelled" and isinstance(cancelled.cancelled_at, datetime.datetime)


def test_query_parameters_are_sent(orders_pkg, orders_server):
    with client(orders_pkg, orders_server) as api:
        api.list_orders(status="shipped", page_size=5, created_after=datetime.datetime(2025, 3, 14, 9, 0, tzinfo=datetime.UTC))
    seen = orders_server.requests("GET")[0]
    assert seen.path == "/v1/orders"
    assert seen.query == "status=shipped&created_after=2025-03-14T09%3A00%3A00%2B00%3A00&page_size=5"
    assert seen.headers["Accept"].startswith("application/json")


def test_documented_error_is_a_typed_api_error(orders_pkg, orders_server):
    errors = orders_pkg.errors
    with client(orders_pkg, orders_server) as api:
        with pytest.raises(errors.ApiError) as info:
            api.get_order(order_id=str(uuid.uuid4()))
        assert info.value.status == 404
        assert info.value.problem.title == "Order not found" and info.value.problem.status == 404
        with pytest.raises(errors.ApiError) as info:
            api.create_order(body={"customer_id": NEW_ORDER["customer_id"]})
        assert info.value.status == 422
        assert info.value.problem.extensions["errors"][0] == {"pointer": "/items", "detail": "is required"}
    assert len(orders_server.requests("GET")) == 1  # 404 is not retried


def test_503_with_retry_after_is_retried_and_waits(orders_pkg, orders_server):
    orders_server.fail_next(1, 503, retry_after="1")
    orders_server.fail_next(1, 502)
    with client(orders_pkg, orders_server) as api:
        start = time.monotonic()
        page = api.list_orders()
        elapsed = time.monotonic() - start
    assert page.items == []
    seen = orders_server.requests("GET")
    assert len(seen) == 3
    assert seen[1].at - seen[0].at >= 0.95  # Retry-After: 1 was honoured
    assert elapsed < 3


def test_retries_stop_after_max_retries(orders_pkg, orders_server):
    orders_server.fail_next(10, 503)
    with client(orders_pkg, orders_server, max_retries=2) as api:
        with pytest.raises(orders_pkg.ApiError) as info:
            api.list_orders()
    assert info.value.status == 503 and info.value.attempts == 3
    assert len(orders_server.requests("GET")) == 3
    with client(orders_pkg, orders_server, max_retries=2) as api:
        orders_server.reset()
        orders_server.fail_next(10, 429)
        with pytest.raises(orders_pkg.ApiError):
            api.list_orders(max_retries=0)  # per-call override
    assert len(orders_server.requests("GET")) == 1


def test_400_and_500_are_not_retried(orders_pkg, orders_server):
    orders_server.fail_next(1, 400)
    orders_server.fail_next(1, 500)
    with client(orders_pkg, orders_server) as api:
        with pytest.raises(orders_pkg.ApiError) as first:
            api.list_orders()
        with pytest.raises(orders_pkg.ApiError) as second:
            api.list_orders()
    assert (first.value.status, second.value.status) == (400, 500)
    assert len(orders_server.requests("GET")) == 2


def test_timeouts_are_retried_then_raise_transport_error(orders_pkg, orders_server):
    orders_server.hang_next(2, 1.0)
    with client(orders_pkg, orders_server, timeout=0.2, max_retries=1) as api:
        start = time.monotonic()
        with pytest.raises(orders_pkg.TransportError) as info:
            api.list_orders()
        elapsed = time.monotonic() - start
    assert info.value.timeout and info.value.attempts == 2
    assert len(orders_server.requests("GET")) == 2
    assert 0.35 < elapsed < 1.5


def test_timeout_then_success(orders_pkg, orders_server):
    orders_server.hang_next(1, 0.6)
    with client(orders_pkg, orders_server, timeout=0.2) as api:
        assert api.list_orders().items == []
    assert len(orders_server.requests("GET")) == 2


def test_dropped_connection_is_retried(orders_pkg, orders_server):
    orders_server.drop_next(2)
    with client(orders_pkg, orders_server) as api:
        assert api.list_orders().items == []
    assert len(orders_server.requests("GET")) == 3


def test_connect_error_raises_transport_error(orders_pkg):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with orders_pkg.Client(f"http://127.0.0.1:{port}/v1", backoff=0.01, max_retries=2) as api:
        with pytest.raises(orders_pkg.TransportError) as info:
            api.list_orders()
    assert info.value.attempts == 3 and not info.value.timeout


def test_idempotency_key_is_generated_and_reused_across_retries(orders_pkg, orders_server):
    orders_server.fail_next(2, 503, method="POST")
    with client(orders_pkg, orders_server) as api:
        order = api.create_order(body=NEW_ORDER)
    posts = orders_server.requests("POST", "/v1/orders")
    keys = {p.headers["Idempotency-Key"] for p in posts}
    assert len(posts) == 3 and len(keys) == 1
    uuid.UUID(keys.pop())
    assert len(orders_server.state.orders) == 1 and order.status == "pending"


def test_given_idempotency_key_is_sent_and_makes_a_repeat_safe(orders_pkg, orders_server):
    with client(orders_pkg, orders_server) as api:
        first = api.create_order(body=NEW_ORDER, idempotency_key="key-0000001")
        again = api.create_order(body=NEW_ORDER, idempotency_key="key-0000001")
    assert first.id == again.id
    assert [p.headers["Idempotency-Key"] for p in orders_server.requests("POST")] == ["key-0000001"] * 2


def test_post_without_idempotency_key_is_not_retried(orders_pkg, orders_server):
    with client(orders_pkg, orders_server) as api:
        order = api.create_order(body=NEW_ORDER)
        orders_server.fail_next(3, 503, method="POST")
        with pytest.raises(orders_pkg.ApiError) as info:
            api.cancel_order(order_id=order.id, if_match='"pending"', body={"reason": "other"})
    assert info.value.status == 503 and info.value.attempts == 1
    assert len(orders_server.requests("POST", f"/v1/orders/{order.id}/cancel")) == 1


def test_circuit_opens_then_half_open_trial_recovers(orders_pkg, orders_server):
    errors = orders_pkg.errors
    with client(orders_pkg, orders_server, max_retries=0, circuit_failure_threshold=3, circuit_reset_timeout=0.5) as api:
        orders_server.fail_next(3, 503)
        for _ in range(3):
            with pytest.raises(errors.ApiError):
                api.list_orders()
        assert api.breaker.state == "open"
        with pytest.raises(errors.CircuitOpenError) as info:
            api.list_orders()
        assert 0 < info.value.retry_in <= 0.5
        assert len(orders_server.requests()) == 3  # refused without touching the network
        time.sleep(0.55)
        assert api.breaker.state == "half-open"
        assert api.list_orders().items == []  # the one trial call succeeds
        assert api.breaker.state == "closed"
        assert len(orders_server.requests()) == 4


def test_failed_half_open_trial_opens_the_circuit_again(orders_pkg, orders_server):
    errors = orders_pkg.errors
    with client(orders_pkg, orders_server, max_retries=0, circuit_failure_threshold=2, circuit_reset_timeout=0.4) as api:
        orders_server.fail_next(3, 502)
        for _ in range(2):
            with pytest.raises(errors.ApiError):
                api.list_orders()
        time.sleep(0.45)
        with pytest.raises(errors.ApiError):
            api.list_orders()  # the trial fails
        with pytest.raises(errors.CircuitOpenError):
            api.list_orders()
        assert len(orders_server.requests()) == 3
        time.sleep(0.45)
        api.list_orders()
        assert api.breaker.state == "closed"


def test_retries_count_towards_the_circuit(orders_pkg, orders_server):
    orders_server.fail_next(10, 503)
    with client(orders_pkg, orders_server, max_retries=5, circuit_failure_threshold=3) as api:
        with pytest.raises(orders_pkg.CircuitOpenError):
            api.list_orders()
    assert len(orders_server.requests()) == 3


def test_async_client_retries_and_decodes(orders_pkg, orders_server):
    async def scenario():
        async with orders_pkg.AsyncClient(orders_server.base_url, **FAST) as api:
            orders_server.fail_next(1, 504, method="POST")
            created = await api.create_order(body=NEW_ORDER)
            fetched = await api.get_order(order_id=created.id)
            orders_server.hang_next(1, 0.5)
            page = await api.list_orders(timeout=0.15)
            return created, fetched, page

    created, fetched, page = asyncio.run(scenario())
    assert fetched.id == created.id and isinstance(fetched.payment_method, orders_pkg.models.CardPayment)
    assert [o.id for o in page.items] == [created.id]
    posts = orders_server.requests("POST")
    assert len(posts) == 2 and posts[0].headers["Idempotency-Key"] == posts[1].headers["Idempotency-Key"]
    assert len(orders_server.requests("GET", "/v1/orders")) == 2


def test_half_open_lets_exactly_one_trial_through(orders_pkg, orders_server):
    import threading

    errors = orders_pkg.errors
    with client(orders_pkg, orders_server, max_retries=0, circuit_failure_threshold=1, circuit_reset_timeout=0.2) as api:
        orders_server.fail_next(1, 503)
        with pytest.raises(errors.ApiError):
            api.list_orders()
        time.sleep(0.25)
        orders_server.hang_next(1, 0.5)  # the trial call is slow ...
        results = []
        trial = threading.Thread(target=lambda: results.append(api.list_orders(timeout=2.0)))
        trial.start()
        deadline = time.monotonic() + 2
        while len(orders_server.requests()) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        with pytest.raises(errors.CircuitOpenError):  # ... and meanwhile nothing else goes through
            api.list_orders()
        trial.join()
        assert len(results) == 1 and api.breaker.state == "closed"
        assert len(orders_server.requests()) == 2


def test_retry_after_http_date(orders_pkg, orders_server):
    import email.utils

    when = email.utils.formatdate(time.time() + 2, usegmt=True)  # whole seconds: at least 1 s ahead
    orders_server.fail_next(1, 429, retry_after=when)
    with client(orders_pkg, orders_server) as api:
        api.list_orders()
    seen = orders_server.requests("GET")
    assert len(seen) == 2 and seen[1].at - seen[0].at >= 0.9  # waited until the date


def test_retry_after_too_long_is_not_waited_for(orders_pkg, orders_server):
    orders_server.fail_next(1, 503, retry_after="3600")
    with client(orders_pkg, orders_server) as api:
        start = time.monotonic()
        with pytest.raises(orders_pkg.ApiError) as info:
            api.list_orders()
    assert info.value.status == 503 and time.monotonic() - start < 1
    assert len(orders_server.requests("GET")) == 1


def test_contract_timeout_and_retries_apply_at_run_time(tmp_path, orders_server):
    """x-govern-timeout / x-govern-retries in the contract change what the generated client does."""
    import shutil

    import yaml

    from tests.e2e.conftest import CONTRACTS, generate_and_import

    copy = tmp_path / "orders"
    shutil.copytree(CONTRACTS / "orders" / "v2", copy)
    doc = yaml.safe_load((copy / "openapi.yaml").read_text())
    doc["paths"]["/orders"]["get"]["x-govern-timeout"] = 0.2
    doc["paths"]["/orders"]["get"]["x-govern-retries"] = 0
    (copy / "openapi.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    pkg = generate_and_import(copy / "openapi.yaml", tmp_path / "out", "e2e_tuned_orders_client")
    orders_server.hang_next(1, 1.0)
    with pkg.Client(orders_server.base_url, timeout=5.0, backoff=0.01) as api:
        start = time.monotonic()
        with pytest.raises(pkg.TransportError) as info:
            api.list_orders()
        assert time.monotonic() - start < 0.9 and info.value.timeout and info.value.attempts == 1
        orders_server.hang_next(1, 0.4)
        assert api.list_orders(timeout=2.0).items == []  # a per-call value still wins

"""The generated event client (contracts/events/v2): in memory, and through a real redis-server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid

import jsonschema
import pytest

from tests.e2e.conftest import CONTRACTS, generate_and_import

ORDER_ID = "5f0c2b1e-8d4a-4c7e-9a51-2f6b7e3d9c10"


@pytest.fixture(scope="module")
def events(tmp_path_factory):
    out = tmp_path_factory.mktemp("events") / "events"
    return generate_and_import(CONTRACTS / "events" / "v2" / "asyncapi.yaml", out, "e2e_events_client")


def placed(**data):
    return {"data": {"order_id": ORDER_ID, "customer_id": str(uuid.uuid4()), "items": [{"sku": "SKU-1", "quantity": 1}],
                     "total": {"amount_minor": 4599, "currency": "EUR"}, "placed_at": "2025-03-14T09:26:53Z", **data}}


def authorized(payment_id: str | None = None, **overrides):
    event = {
        "specversion": "1.0", "id": str(uuid.uuid4()), "type": "com.acme.payments.payment.authorized",
        "source": "/payments-service", "time": "2025-03-14T09:27:00Z",
        "data": {"payment_id": payment_id or str(uuid.uuid4()), "order_id": ORDER_ID, "customer_id": str(uuid.uuid4()),
                 "amount": {"amount_minor": 4599, "currency": "EUR"}, "method_type": "card",
                 "authorization_expires_at": "2025-03-21T09:27:00Z"},
    }
    event.update(overrides)
    return event


def envelope(events, payload):
    return events.Envelope(id=payload.get("id", str(uuid.uuid4())), time="2025-03-14T09:27:00Z", payload=payload)


# ---------------------------------------------------------------- in memory


def test_publisher_stamps_and_validates(events):
    transport = events.InMemoryTransport()
    pub = events.OrderPlacedPublisher(transport, source="/orders-service")
    env = pub.publish(placed(channel="web"))
    uuid.UUID(env.id)
    sent = transport.messages("orders.order-placed")
    assert [m.id for m in sent] == [env.id]
    payload = sent[0].payload
    assert payload["id"] == env.id and payload["time"] == env.time and payload["source"] == "/orders-service"
    assert payload["specversion"] == "1.0" and payload["type"] == "com.acme.orders.order.placed"
    jsonschema.Draft7Validator(pub.SCHEMA).validate(payload)
    with pytest.raises(events.ValidationError) as info:
        pub.publish(placed(items=[]))
    assert "/data/items" in str(info.value) and info.value.channel == "orders.order-placed"
    with pytest.raises(events.ValidationError):
        events.OrderPlacedPublisher(transport).publish(placed())  # no source: required property missing
    assert len(transport.messages("orders.order-placed")) == 1  # nothing sent for invalid payloads


def test_consumer_dedupes_retries_and_dead_letters(events):
    transport = events.InMemoryTransport()
    calls = []
    bad_id = str(uuid.uuid4())

    def handler(payload, env):
        calls.append(payload["data"]["payment_id"])
        if payload["data"]["payment_id"] == bad_id:
            raise RuntimeError("ledger down")

    consumer = events.PaymentAuthorizedConsumer(transport, handler, group="orders", backoff=0.001)
    good = authorized()
    transport.publish(consumer.address, envelope(events, good))
    transport.publish(consumer.address, envelope(events, good))  # redelivered duplicate
    transport.publish(consumer.address, envelope(events, authorized(payment_id=bad_id)))
    transport.publish(consumer.address, envelope(events, authorized(data={"order_id": "x"})))  # invalid
    assert consumer.poll() == 4
    assert calls == [good["data"]["payment_id"], bad_id, bad_id, bad_id]
    assert (consumer.stats.processed, consumer.stats.duplicates, consumer.stats.retries, consumer.stats.dead_lettered) == (1, 1, 2, 2)
    dead = transport.messages("orders.dead-letter")
    assert [d.payload["error"]["code"] for d in dead] == ["HANDLER_FAILED", "SCHEMA_VALIDATION_FAILED"]
    assert dead[0].payload["attempts"] == 3 and dead[0].payload["error"]["message"] == "RuntimeError: ledger down"
    assert dead[0].payload["original_channel"] == "payments.payment-authorized"
    assert dead[0].payload["original_event"]["data"]["payment_id"] == bad_id
    for record in dead:  # the records satisfy the contract's DeadLetter schema
        jsonschema.Draft7Validator(events.DeadLetterPublisher.SCHEMA).validate(record.payload)
    assert transport.pending(consumer.address, "orders") == 0


def test_consumer_keeps_in_flight_bounded(events):
    transport = events.InMemoryTransport()
    seen_pending = []
    consumer = None

    def handler(payload, env):
        seen_pending.append(transport.pending("inventory.stock-reserved", "orders"))

    consumer = events.InventoryReservedConsumer(transport, handler, group="orders", max_in_flight=3)
    for _ in range(10):
        transport.publish(consumer.address, envelope(events, {
            "specversion": "1.0", "id": str(uuid.uuid4()), "type": "com.acme.inventory.stock.reserved", "source": "/inv",
            "time": "2025-03-14T09:27:00Z", "data": {"reservation_id": str(uuid.uuid4()), "order_id": ORDER_ID, "items": []},
        }))
    batches = [consumer.poll() for _ in range(5)]
    assert batches == [3, 3, 3, 1, 0]
    assert consumer.stats.processed == 10 and max(seen_pending) == 3 and consumer.max_seen_in_flight == 3


# ---------------------------------------------------------------- Redis Streams


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def redis_client(tmp_path_factory):
    redis = pytest.importorskip("redis", reason="redis-py is needed for the Redis Streams transport")
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (make test installs it: apt-get install redis-server)")
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"redis-server did not start on port {port}") from None
                time.sleep(0.05)
        yield client
    finally:
        client.close()
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, 9)
            proc.wait()


@pytest.fixture
def redis_transport(events, redis_client):
    import importlib

    redis_client.flushall()
    streams = importlib.import_module("e2e_events_client.redis_streams")
    return streams, streams.RedisStreamsTransport(redis_client)


def test_redis_publish_consume_and_dead_letter(events, redis_transport, redis_client):
    streams, transport = redis_transport
    pub = events.OrderPlacedPublisher(transport, source="/orders-service")

    class OrderPlacedConsumer(events.Consumer):  # as notifications would consume it
        ADDRESS = pub.ADDRESS
        SCHEMA = pub.SCHEMA
        DEAD_LETTER_ADDRESS = "orders.order-placed.dlq"

    got = []

    def handler(payload, env):
        if payload["data"].get("channel") == "mobile":
            raise ValueError("mobile orders are not ready")
        got.append(env.id)

    consumer = OrderPlacedConsumer(transport, handler, group="notifications", backoff=0.001, dedupe=streams.RedisDedupe(redis_client))
    sent = [pub.publish(placed(channel="web")), pub.publish(placed(channel="mobile")), pub.publish(placed())]
    assert redis_client.xlen("orders.order-placed") == 3
    assert consumer.poll(block=1.0) == 3
    assert got == [sent[0].id, sent[2].id]
    assert transport.pending("orders.order-placed", "notifications") == 0
    dead = redis_client.xrange("orders.order-placed.dlq")
    assert len(dead) == 1
    record = events.Envelope.from_fields({k.decode(): v.decode() for k, v in dead[0][1].items()}).payload
    assert record["attempts"] == 3 and record["original_event"]["id"] == sent[1].id
    assert consumer.poll(block=0.1) == 0


def test_redis_consumer_group_shares_work_and_dedupes_redelivery(events, redis_transport, redis_client):
    streams, transport = redis_transport
    handled = []
    dedupe = streams.RedisDedupe(redis_client, ttl=60)

    def make(name):
        return events.PaymentAuthorizedConsumer(
            transport, lambda p, e: handled.append((name, e.id)), group="orders", consumer=name, max_in_flight=2, dedupe=dedupe
        )

    a, b = make("a"), make("b")
    events_sent = [authorized() for _ in range(4)]
    for e in events_sent:
        transport.publish(a.address, envelope(events, e))
    transport.publish(a.address, envelope(events, events_sent[0]))  # the producer retried: same id again
    assert a.poll(block=1.0) == 2  # at most max_in_flight at once
    assert b.poll(block=1.0) == 2
    assert a.poll(block=1.0) == 1  # the duplicate
    assert sorted(i for _, i in handled) == sorted(e["id"] for e in events_sent)
    assert {n for n, _ in handled} == {"a", "b"}
    assert a.stats.duplicates == 1
    assert redis_client.ttl(f"govern:dedupe:{events_sent[0]['id']}") > 0
    assert transport.pending(a.address, "orders") == 0


def test_redis_invalid_payload_goes_to_the_contract_dead_letter_channel(events, redis_transport, redis_client):
    _, transport = redis_transport
    calls = []
    consumer = events.PaymentAuthorizedConsumer(transport, lambda p, e: calls.append(e.id), group="orders")
    bad = authorized(type="com.acme.something.else")
    transport.publish(consumer.address, envelope(events, bad))
    assert consumer.poll(block=1.0) == 1 and calls == []
    entries = redis_client.xrange("orders.dead-letter")
    record = events.Envelope.from_fields({k.decode(): v.decode() for k, v in entries[0][1].items()})
    assert record.payload["error"]["code"] == "SCHEMA_VALIDATION_FAILED"
    assert "/type" in record.payload["error"]["message"]
    # published by the generated DeadLetterPublisher: validated against the DeadLetter schema
    jsonschema.Draft7Validator(events.DeadLetterPublisher.SCHEMA).validate(record.payload)


def test_malformed_entries_are_dead_lettered_not_fatal(events, redis_transport, redis_client):
    _, transport = redis_transport
    consumer = events.PaymentAuthorizedConsumer(transport, lambda p, e: None, group="orders")
    redis_client.xadd(consumer.address, {"id": "m-1", "payload": "{not json"})
    good = authorized()
    transport.publish(consumer.address, envelope(events, good))
    assert consumer.poll(block=1.0) == 2
    assert consumer.stats.processed == 1 and consumer.stats.dead_lettered == 1
    record = events.Envelope.from_fields({k.decode(): v.decode() for k, v in redis_client.xrange("orders.dead-letter")[0][1].items()})
    assert record.payload["original_event"] == {"unparseable_payload": "{not json"}


def test_failed_dead_letter_leaves_the_message_pending(events):
    transport = events.InMemoryTransport()

    class BrokenDeadLetter(events.DeadLetterPublisher):
        def publish(self, payload, *, message_id=None):
            raise ConnectionError("dead-letter broker down")

    def fail(payload, env):
        raise RuntimeError("no")

    consumer = events.PaymentAuthorizedConsumer(transport, fail, group="orders", backoff=0.001, dead_letter=BrokenDeadLetter(transport))
    transport.publish(consumer.address, envelope(events, authorized()))
    with pytest.raises(ConnectionError):
        consumer.poll()
    assert transport.pending(consumer.address, "orders") == 1 and consumer.in_flight == 0


def test_redis_messages_of_a_crashed_consumer_are_claimed_by_another(events, redis_transport, redis_client):
    streams, _ = redis_transport
    transport = streams.RedisStreamsTransport(redis_client, claim_idle=0.2)
    handled = []
    dedupe = streams.RedisDedupe(redis_client, ttl=60)
    survivor = events.PaymentAuthorizedConsumer(
        transport, lambda p, e: handled.append(e.id), group="orders", consumer="survivor", dedupe=dedupe
    )
    sent = [authorized() for _ in range(3)]
    for event in sent:
        transport.publish(survivor.address, envelope(events, event))
    # "crashed" fetches two messages and dies before processing or acknowledging them
    lost = transport.fetch(survivor.address, "orders", "crashed", 2, 1.0)
    assert len(lost) == 2 and transport.pending(survivor.address, "orders") == 2
    assert survivor.poll(block=0.5) == 1  # the two lost ones are not idle long enough yet
    time.sleep(0.3)
    assert survivor.poll(block=0.1) == 2  # now they are claimed and processed
    assert sorted(handled) == sorted(e["id"] for e in sent)
    assert transport.pending(survivor.address, "orders") == 0
    with pytest.raises(ValueError):
        streams.RedisStreamsTransport(redis_client, claim_idle=-1)

"""A real HTTP server implementing the orders API (contracts/orders/v2) for end-to-end tests.

It runs on a free loopback port in a thread and can be told to misbehave for the next N
requests: answer with a status (and Retry-After), hang, or drop the connection.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Fault:
    kind: str  # status | hang | drop
    status: int = 503
    retry_after: str | None = None
    seconds: float = 0.0
    method: str | None = None  # only requests with this method


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    at: float
    query: str = ""


@dataclass
class State:
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def problem(status: int, title: str, detail: str, **extra: Any) -> tuple[int, dict[str, Any]]:
    return status, {"type": f"https://problems.acme.example/{status}", "title": title, "status": status, "detail": detail, **extra}


class OrdersServer:
    def __init__(self) -> None:
        self.state = State()
        state = self.state

        class Handler(_Handler):
            shared = state

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # ---------------------------------------------------------------- steering

    def reset(self) -> None:
        with self.state.lock:
            self.state.orders.clear()
            self.state.by_key.clear()
            self.state.faults.clear()
            self.state.seen.clear()

    def fail_next(self, n: int, status: int = 503, retry_after: str | None = None, method: str | None = None) -> None:
        with self.state.lock:
            self.state.faults += [Fault("status", status=status, retry_after=retry_after, method=method) for _ in range(n)]

    def hang_next(self, n: int, seconds: float) -> None:
        with self.state.lock:
            self.state.faults += [Fault("hang", seconds=seconds) for _ in range(n)]

    def drop_next(self, n: int) -> None:
        with self.state.lock:
            self.state.faults += [Fault("drop") for _ in range(n)]

    def requests(self, method: str | None = None, path: str | None = None) -> list[Seen]:
        with self.state.lock:
            return [s for s in self.state.seen if (method is None or s.method == method) and (path is None or s.path == path)]


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class _Handler(BaseHTTPRequestHandler):
    shared: State
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        path, _, query = self.path.partition("?")
        state = self.shared
        with state.lock:
            state.seen.append(Seen(method, path, {k: v for k, v in self.headers.items()}, body, time.monotonic(), query))
            fault = next((f for f in state.faults if f.method in (None, method)), None)
            if fault is not None:
                state.faults.remove(fault)
        if fault is not None:
            if fault.kind == "drop":
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if fault.kind == "hang":
                time.sleep(fault.seconds)
            else:
                status, doc = problem(fault.status, "Service unavailable", "injected failure")
                headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
                return self._send(status, doc, headers, problem_json=True)
        status, doc, headers = self._route(method, path, query, body)
        self._send(status, doc, headers, problem_json=status >= 400)

    def _send(self, status: int, doc: Any, headers: dict[str, str], problem_json: bool = False) -> None:
        data = json.dumps(doc).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/problem+json" if problem_json else "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _route(self, method: str, path: str, query: str, body: Any) -> tuple[int, Any, dict[str, str]]:
        state = self.shared
        if path == "/v1/orders" and method == "GET":
            params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
            with state.lock:
                orders = [o for o in state.orders.values() if params.get("status") in (None, o["status"])]
            size = int(params.get("page_size", 20))
            return 200, {"items": orders[:size], "next_page_token": None}, {}
        if path == "/v1/orders" and method == "POST":
            return self._create(body)
        match = re.fullmatch(r"/v1/orders/([^/]+)(/cancel|/items|/shipments)?", path)
        if not match:
            return (*problem(404, "Not found", f"no route {method} {path}"), {})
        order_id, tail = match.group(1), match.group(2)
        with state.lock:
            order = state.orders.get(order_id)
        if order is None:
            return (*problem(404, "Order not found", f"no order {order_id}"), {})
        etag = f'"{order["status"]}"'
        if tail is None and method == "GET":
            return 200, order, {"ETag": etag}
        if tail == "/items" and method == "GET":
            return 200, {"items": order["items"]}, {}
        if tail == "/shipments" and method == "GET":
            return 200, {"shipments": []}, {}
        if tail == "/cancel" and method == "POST":
            if self.headers.get("If-Match") != etag:
                return (*problem(412, "Precondition failed", "the order changed since it was read"), {})
            if order["status"] in ("shipped", "delivered", "cancelled"):
                return (*problem(409, "Order cannot be cancelled", f"order is {order['status']}"), {})
            with state.lock:
                order["status"] = "cancelled"
                order["cancelled_at"] = _now()
            return 200, order, {}
        return (*problem(405, "Method not allowed", f"{method} {path}"), {})

    def _create(self, body: Any) -> tuple[int, Any, dict[str, str]]:
        state = self.shared
        key = self.headers.get("Idempotency-Key")
        if not key or not 8 <= len(key) <= 64:
            return (*problem(400, "Bad request", "Idempotency-Key header is required (8-64 characters)"), {})
        if not isinstance(body, dict):
            return (*problem(400, "Bad request", "body must be a JSON object"), {})
        missing = [k for k in ("customer_id", "items", "payment_method", "shipping_address") if k not in body]
        if missing:
            errors = [{"pointer": f"/{k}", "detail": "is required"} for k in missing]
            return (*problem(422, "Invalid order", f"missing {', '.join(missing)}", errors=errors), {})
        with state.lock:
            if key in state.by_key:
                order = state.orders[state.by_key[key]]
                return 201, order, {"Location": f"/v1/orders/{order['id']}"}
            order_id = str(uuid.uuid4())
            items = []
            for item in body["items"]:
                price = {"amount_minor": 1250, "currency": "EUR"}
                total = {"amount_minor": 1250 * int(item["quantity"]), "currency": "EUR"}
                items.append({"id": str(uuid.uuid4()), "sku": item["sku"], "quantity": item["quantity"], "unit_price": price, "line_total": total})
            order = {
                "id": order_id,
                "customer_id": body["customer_id"],
                "status": "pending",
                "items": items,
                "total": {"amount_minor": sum(i["line_total"]["amount_minor"] for i in items), "currency": "EUR"},
                "payment_method": body["payment_method"],
                "shipping_address": body["shipping_address"],
                "placed_at": _now(),
                "cancelled_at": None,
                "loyalty_points": 7,  # not in the contract: an open model keeps it
            }
            state.orders[order_id] = order
            state.by_key[key] = order_id
        return 201, order, {"Location": f"/v1/orders/{order_id}"}

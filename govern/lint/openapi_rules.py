"""Governance rules for OpenAPI 3.x: operationIds, path style, error responses, versioned base path.

The schema rules (property types and casing) live in `schema_rules`; both read the contract
through `OpenAPIView`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from govern.lint.base import Hit, lint_rule
from govern.lint.docview import DocView, Node
from govern.rules.finding import Level

ON = "openapi"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")
VERSION_SEGMENT = re.compile(r"^v\d+(?:(?:alpha|beta)\d*)?$")
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TEMPLATE = re.compile(r"\{[^{}]*\}")
_SERVER_VAR = re.compile(r"\{([^{}]*)\}")
ERROR_MEDIA = re.compile(r"^application/problem\+(json|xml)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Operation:
    """One operation: `GET /orders` (or a webhook), its node and its path item."""

    method: str
    path: str
    node: Node
    item: Node
    webhook: bool = False
    callback: bool = False

    @property
    def label(self) -> str:
        if self.callback:
            return self.path
        if self.webhook:
            return f"webhook {self.path!r} {self.method.upper()}"
        return f"{self.method.upper()} {self.path}"


class OpenAPIView(DocView):
    """An OpenAPI document as the governance rules see it."""

    @cached_property
    def operations(self) -> list[Operation]:
        found: list[Operation] = []
        for section, webhook in (("paths", False), ("webhooks", True)):
            items = self.root.child(section)
            if items is None:
                continue
            for path, raw in items.items():
                item = self.deref(raw)
                if item is None or not isinstance(item.value, dict):
                    continue
                for method in METHODS:
                    op = item.child(method)
                    if op is not None and isinstance(op.value, dict):
                        found.append(Operation(method, path, op, item, webhook))
        return found

    @cached_property
    def with_callbacks(self) -> list[Operation]:
        """The operations plus those of their callbacks (operationIds are unique across all)."""
        found: list[Operation] = []
        pending = list(self.operations)
        seen: set[tuple[str, str]] = set()
        while pending:
            op = pending.pop(0)
            if (op.node.file, op.node.pointer) in seen:
                continue
            seen.add((op.node.file, op.node.pointer))
            found.append(op)
            callbacks = self.deref(op.node.child("callbacks"))
            for name, raw in callbacks.items() if callbacks is not None else ():
                callback = self.deref(raw)
                for expression, raw_item in callback.items() if callback is not None else ():
                    item = self.deref(raw_item)
                    if item is None:
                        continue
                    for method in METHODS:
                        node = item.child(method)
                        if node is not None and isinstance(node.value, dict):
                            label = f"callback {name!r} of {op.label}: {method.upper()} {expression}"
                            pending.append(Operation(method, label, node, item, callback=True))
        return found

    @cached_property
    def all_schemas(self) -> list[Node]:
        return list(self.schemas([(self.root, False)]))


# ----------------------------------------------------------------------------- operationIds


@lint_rule(
    "openapi-operation-id-missing",
    on=ON,
    level=Level.WARN,
    description="An operation has no operationId.",
    why="Code generators and SDKs then invent method names from the path and method, and those "
    "names change whenever the path does.",
)
def operation_id_missing(v: OpenAPIView) -> Iterator[Hit]:
    for op in v.with_callbacks:
        op_id = op.node.get("operationId")
        if not isinstance(op_id, str) or not op_id.strip():
            yield Hit(f"{op.label} has no operationId", v.locate(op.node))


def _fold(op_id: str) -> str:
    return re.sub(r"[^0-9a-z]", "", op_id.lower())


@lint_rule(
    "openapi-operation-id-unique",
    on=ON,
    level=Level.ERR,
    description="Two operations have operationIds that are equal once case and separators are "
    "ignored (getOrder, get_order, GetOrder).",
    why="Generated clients derive one method name from both (snake_case in Python, case-insensitive "
    "names elsewhere): one operation silently shadows the other or the client does not compile.",
)
def operation_id_unique(v: OpenAPIView) -> Iterator[Hit]:
    first: dict[str, tuple[str, Operation]] = {}
    for op in v.with_callbacks:
        op_id = op.node.get("operationId")
        if not isinstance(op_id, str) or not op_id.strip():
            continue
        key = _fold(op_id)
        if key not in first:
            first[key] = (op_id, op)
            continue
        other_id, other = first[key]
        how = "is also the operationId of" if other_id == op_id else (
            f"collides with {other_id!r} of"
        )
        yield Hit(
            f"operationId {op_id!r} of {op.label} {how} {other.label}"
            + ("" if other_id == op_id else " once case and separators are ignored"),
            v.locate(op.node, "operationId"),
        )


# ----------------------------------------------------------------------------- paths


def _kebab(text: str) -> str:
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", text)
    s = re.sub(r"[_\s]+", "-", s)
    return s.lower()


@lint_rule(
    "openapi-path-kebab-case",
    on=ON,
    level=Level.WARN,
    description="A path segment is not kebab-case (lower-case words joined by hyphens); path "
    "parameters are not checked.",
    why="One URL style across an organisation's APIs makes them guessable; URLs are "
    "case-sensitive, so /orderItems and /order-items are different resources.",
)
def path_kebab_case(v: OpenAPIView) -> Iterator[Hit]:
    paths = v.root.child("paths")
    if paths is None:
        return
    for path, node in paths.items():
        bad = []
        for segment in path.split("/"):
            for literal in _TEMPLATE.split(segment):
                for piece in re.split(r"[.:]", literal):
                    if piece and not KEBAB.match(piece) and piece not in bad:
                        bad.append(piece)
        if bad:
            shown = ", ".join(f"{b!r} (use {_kebab(b)!r})" for b in bad)
            yield Hit(f"path {path} has segments that are not kebab-case: {shown}", v.locate(node))


# ----------------------------------------------------------------------------- error responses


def _uses_error_model(v: OpenAPIView, response: Node) -> bool:
    target = v.deref(response)
    content = target.child("content") if target is not None else None
    if content is None:
        return False
    for media_type, media in content.items():
        if ERROR_MEDIA.match(media_type):
            return True
        schema = media.child("schema")
        if schema is not None and _is_shared_schema(schema.value):
            return True
    return False


def _is_shared_schema(schema: Any) -> bool:
    """A `$ref` to a reusable schema, or an allOf that extends one."""
    if not isinstance(schema, dict):
        return False
    if isinstance(schema.get("$ref"), str):
        return True
    parts = schema.get("allOf")
    return isinstance(parts, list) and any(isinstance(p, dict) and isinstance(p.get("$ref"), str) for p in parts)


def _class(code: str) -> str | None:
    code = code.strip().upper()
    if code == "DEFAULT":
        return "5xx"
    if len(code) == 3 and code[0] in "45" and (code[1:] == "XX" or code[1:].isdigit()):
        return f"{code[0]}xx"
    return None


@lint_rule(
    "openapi-error-responses",
    on=ON,
    level=Level.WARN,
    description="An operation does not document a 4xx and a 5xx (or default) response that use the "
    "error model (an application/problem+json body, or a $ref to a shared error schema).",
    why="Clients need to know what failures look like to handle them; one error model (RFC 9457 "
    "problem details) lets them do it once for every operation.",
)
def error_responses(v: OpenAPIView) -> Iterator[Hit]:
    for op in v.operations:
        responses = v.deref(op.node.child("responses"))
        documented: dict[str, list[str]] = {"4xx": [], "5xx": []}
        modelled: set[str] = set()
        if responses is not None:
            for code, response in responses.items():
                cls = _class(code)
                if cls is None:
                    continue
                documented[cls].append(code)
                if _uses_error_model(v, response):
                    modelled.add(cls)
        missing = []
        for cls, what in (("4xx", "a 4xx response"), ("5xx", "a 5xx or default response")):
            if cls in modelled:
                continue
            if documented[cls]:
                codes = ", ".join(documented[cls])
                missing.append(f"{what} using the error model ({codes} {'has' if len(documented[cls]) == 1 else 'have'} no "
                               "application/problem+json body or shared error schema)")
            else:
                missing.append(what)
        if missing:
            where = op.node.child("responses") or op.node
            yield Hit(f"{op.label} does not document {' nor '.join(missing)}", v.locate(where))


# ----------------------------------------------------------------------------- base path


def _server_versioned(server: Any) -> bool:
    if not isinstance(server, dict) or not isinstance(server.get("url"), str):
        return False
    raw = server.get("variables")
    variables: dict[Any, Any] = raw if isinstance(raw, dict) else {}

    def default(m: re.Match[str]) -> str:
        var = variables.get(m.group(1))
        value = var.get("default") if isinstance(var, dict) else None
        return str(value) if value is not None else ""

    url = _SERVER_VAR.sub(default, server["url"])
    try:
        path = urlsplit(url).path if "://" in url else url
    except ValueError:
        return False
    return any(VERSION_SEGMENT.match(s) for s in path.split("/"))


def _servers_versioned(servers: Any) -> bool:
    return isinstance(servers, list) and bool(servers) and all(_server_versioned(s) for s in servers)


@lint_rule(
    "openapi-versioned-base-path",
    on=ON,
    level=Level.WARN,
    description="The API has no major version in its base path: neither every server URL nor every "
    "path carries a /vN segment (v1, v2, v1beta1, ...).",
    why="Without a version in the URL, the next breaking change has nowhere to go but onto the "
    "URLs existing clients already call.",
)
def versioned_base_path(v: OpenAPIView) -> Iterator[Hit]:
    paths = v.root.child("paths")
    if paths is None or not isinstance(paths.value, dict) or not paths.value:
        return
    root_ok = _servers_versioned(v.root.get("servers"))
    unversioned: list[tuple[str, Node]] = []
    for path, node in paths.items():
        item = v.deref(node)
        servers = item.get("servers") if item is not None else None
        ok = _servers_versioned(servers) if isinstance(servers, list) and servers else root_ok
        if not ok and not any(VERSION_SEGMENT.match(s) for s in path.split("/")):
            unversioned.append((path, node))
    if not unversioned:
        return
    if len(unversioned) == len(paths.value):
        servers = v.root.child("servers")
        bad = [s for s in servers.elements() if not _server_versioned(s.value)] if servers is not None else []
        if bad:
            urls = ", ".join(repr(s.get("url")) for s in bad)
            msg = f"no version in the base path: server URL {urls} has no /vN segment and no path carries one"
            where = bad[0].child("url") or bad[0]
        else:
            msg = "no version in the base path: no servers, and no path carries a /vN segment"
            where = paths
        yield Hit(msg, v.locate(where))
        return
    for path, node in unversioned:
        yield Hit(f"path {path} carries no /vN segment and its servers have none", v.locate(node))


"""The operations of an OpenAPI document as client methods: names, parameters, body, responses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from govern.errors import InputError
from govern.generate.names import attribute, pascal, snake
from govern.generate.rest.types import PyType, TypeBuilder
from govern.load.refs import pointer_join

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
IDEMPOTENT = frozenset({"get", "put", "delete", "options", "head", "trace"})
KEYED = frozenset({"post", "patch"})
IDEMPOTENCY_HEADER = "idempotency-key"
# Keyword arguments every method has, and names the client class uses itself.
RESERVED_KWARGS = frozenset({"self", "body", "timeout", "max_retries"})
RESERVED_METHODS = frozenset({"close", "aclose", "breaker", "base_url"})
STYLES = {"path": {"simple"}, "query": {"form", "spaceDelimited", "pipeDelimited"}, "header": {"simple"}, "cookie": {"form"}}
MAX_TIMEOUT = 30.0
MAX_RETRIES = 10


@dataclass
class Param:
    name: str  # as on the wire
    location: str  # path | query | header | cookie
    attr: str
    type: PyType
    required: bool
    style: str
    explode: bool
    json: bool = False  # `content: application/json`: the value is sent as JSON text
    description: str = ""
    idempotency_key: bool = False

    @property
    def annotation(self) -> str:
        ann = self.type.annotation()
        return ann if self.required else f"{ann} | None"


@dataclass
class Body:
    media_type: str
    kind: str  # json | form | bytes | text
    type: PyType
    required: bool
    description: str = ""

    @property
    def annotation(self) -> str:
        if self.kind == "json":
            ann = self.type.annotation()
            if self.type.kind in ("model", "union"):
                ann = f"{ann} | dict[str, Any]"
        elif self.kind == "form":
            ann = "dict[str, Any]"
        else:
            ann = self.kind if self.kind == "bytes" else "str"
        return ann if self.required else f"{ann} | None"


@dataclass
class Response:
    status: str  # "200", "2XX"
    kind: str  # json | text | bytes | none
    type: PyType


@dataclass
class Operation:
    method: str
    path: str
    operation_id: str
    name: str
    summary: str
    description: str
    params: list[Param] = field(default_factory=list)
    body: Body | None = None
    responses: list[Response] = field(default_factory=list)
    retryable: bool = False
    timeout: float | None = None
    retries: int | None = None
    deprecated: bool = False
    pointer: str = ""
    response_headers: list[str] = field(default_factory=list)  # declared on a 2xx response

    @property
    def response_method(self) -> str | None:
        """`<name>_with_response`, for operations whose success responses declare headers."""
        return f"{self.name}_with_response" if self.response_headers else None

    @property
    def return_annotation(self) -> str:
        seen: list[str] = []
        for r in self.responses:
            ann = r.type.annotation()
            if ann not in seen:
                seen.append(ann)
        if not seen:
            return "None"
        if "None" in seen and len(seen) > 1:
            seen = [s for s in seen if s != "None"] + ["None"]
        return " | ".join(seen)

    @property
    def path_params(self) -> list[Param]:
        return [p for p in self.params if p.location == "path"]

    @property
    def idempotency_param(self) -> Param | None:
        return next((p for p in self.params if p.idempotency_key), None)


def _error(builder: TypeBuilder, pointer: str, msg: str, file: str | None = None) -> InputError:
    return builder.error(file or builder.contract.path, pointer, msg)


def collect_operations(builder: TypeBuilder) -> list[Operation]:
    """Every operation of the document, in document order; InputError on anything unsupported."""
    data = builder.contract.data or {}
    root = builder.contract.path
    defaults = _resilience_overrides(builder, data, "")
    ops: list[Operation] = []
    names: dict[str, Operation] = {}
    for path, item in (data.get("paths") or {}).items():
        item_ptr = pointer_join("/paths", path)
        target = builder.refs.deref(item, root, item_ptr)
        item, file, item_ptr = target.node, target.file, target.pointer
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            if method not in item:
                continue
            op_ptr = pointer_join(item_ptr, method)
            op = _operation(builder, file, path, method, item, item[method], op_ptr, defaults)
            clash = next((n for n in (op.name, op.response_method) if n and n in names), None)
            if clash:
                other = names[clash]
                raise _error(
                    builder, pointer_join(op_ptr, "operationId"),
                    f"{method.upper()} {path} ({op.operation_id!r}) and {other.method.upper()} {other.path} "
                    f"({other.operation_id!r}) both become the method {clash}(); give one a different operationId",
                    file,
                )
            if op.name in RESERVED_METHODS or op.name.startswith("_"):
                raise _error(builder, pointer_join(op_ptr, "operationId"), f"operationId {op.operation_id!r} becomes {op.name}(), a name the client uses itself", file)
            names[op.name] = op
            if op.response_method:
                names[op.response_method] = op
            ops.append(op)
    for webhook in ("webhooks",):
        if data.get(webhook) and not data.get("paths"):
            raise _error(builder, "/webhooks", "a document with only webhooks has no operations to call; nothing to generate")
    if not ops:
        raise _error(builder, "/paths", "the document has no operations; nothing to generate")
    return ops


def _resilience_overrides(builder: TypeBuilder, node: dict[str, Any], pointer: str, file: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    timeout = node.get("x-govern-timeout")
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= MAX_TIMEOUT:
            raise _error(builder, pointer_join(pointer, "x-govern-timeout"), f"x-govern-timeout must be a number of seconds in (0, {MAX_TIMEOUT:g}], not {timeout!r}", file)
        out["timeout"] = float(timeout)
    retries = node.get("x-govern-retries")
    if retries is not None:
        if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= MAX_RETRIES:
            raise _error(builder, pointer_join(pointer, "x-govern-retries"), f"x-govern-retries must be an integer from 0 to {MAX_RETRIES}, not {retries!r}", file)
        out["retries"] = retries
    return out


def _operation(
    builder: TypeBuilder, file: str, path: str, method: str, item: dict[str, Any], node: Any, ptr: str, defaults: dict[str, Any]
) -> Operation:
    if not isinstance(node, dict):
        raise _error(builder, ptr, "an operation must be an object", file)
    op_id = node.get("operationId")
    if not isinstance(op_id, str) or not op_id.strip():
        op_id = method + "_" + "_".join(w for w in re.split(r"[^A-Za-z0-9]+", path) if w)
    name = attribute(op_id)
    if not name:
        raise _error(builder, pointer_join(ptr, "operationId"), f"operationId {op_id!r} has no usable Python name", file)
    hint = pascal(op_id)
    overrides = {**defaults, **_resilience_overrides(builder, node, ptr, file)}
    op = Operation(
        method=method,
        path=path,
        operation_id=op_id,
        name=name,
        summary=str(node.get("summary", "")),
        description=str(node.get("description", "")),
        timeout=overrides.get("timeout"),
        retries=overrides.get("retries"),
        deprecated=node.get("deprecated") is True,
        pointer=ptr,
    )
    op.params = _params(builder, file, item, node, ptr, hint)
    _check_path_template(builder, file, op, ptr)
    if "requestBody" in node:
        op.body = _body(builder, file, node["requestBody"], pointer_join(ptr, "requestBody"), hint)
    op.responses = _responses(builder, file, node.get("responses") or {}, pointer_join(ptr, "responses"), hint, op.response_headers)
    has_key = op.idempotency_param is not None
    op.retryable = method in IDEMPOTENT or (method in KEYED and has_key)
    own_retries = node.get("x-govern-retries")
    if not op.retryable and isinstance(own_retries, int) and own_retries > 0:
        raise _error(
            builder, pointer_join(ptr, "x-govern-retries"),
            f"{method.upper()} {path} is not safe to retry (not idempotent, no Idempotency-Key header parameter); "
            "declare an Idempotency-Key header or drop x-govern-retries",
            file,
        )
    return op


def _params(builder: TypeBuilder, file: str, item: dict[str, Any], node: dict[str, Any], ptr: str, hint: str) -> list[Param]:
    merged: dict[tuple[str, str], tuple[Any, str, str]] = {}
    item_ptr = ptr.rsplit("/", 1)[0]
    for owner, owner_ptr in ((item, item_ptr), (node, ptr)):
        for i, raw in enumerate(owner.get("parameters") or []):
            p_ptr = f"{pointer_join(owner_ptr, 'parameters')}/{i}"
            target = builder.refs.deref(raw, file, p_ptr)
            param = target.node
            if not isinstance(param, dict) or "name" not in param or "in" not in param:
                raise _error(builder, p_ptr, "a parameter needs `name` and `in`", file)
            merged[(param["in"], str(param["name"]).lower() if param["in"] == "header" else param["name"])] = (param, target.file, target.pointer)
    out: list[Param] = []
    by_attr: dict[str, str] = {}
    for (where, _), (param, pfile, pptr) in merged.items():
        name = str(param["name"])
        if where not in STYLES:
            raise _error(builder, pointer_join(pptr, "in"), f"parameter location {where!r} is not supported", pfile)
        if where == "header" and name.lower() in ("accept", "content-type", "authorization"):
            continue  # OpenAPI says these header parameters are ignored
        default_style = {"path": "simple", "query": "form", "header": "simple", "cookie": "form"}[where]
        style = param.get("style", default_style)
        if style not in STYLES[where]:
            raise _error(builder, pointer_join(pptr, "style"), f"style {style!r} for {where} parameter {name!r} is not supported (supported: {', '.join(sorted(STYLES[where]))})", pfile)
        explode = param.get("explode", style == "form")
        is_json = False
        if "content" in param:
            media = list(param["content"])
            if media != ["application/json"]:
                raise _error(builder, pointer_join(pptr, "content"), f"parameter {name!r}: only `content: application/json` is supported, not {media}", pfile)
            schema = param["content"]["application/json"].get("schema", True)
            s_ptr = pointer_join(pointer_join(pointer_join(pptr, "content"), "application/json"), "schema")
            is_json = True
        else:
            schema = param.get("schema", True)
            s_ptr = pointer_join(pptr, "schema")
        ptype = builder.type_of(schema, pfile, s_ptr, hint + pascal(name))
        if not is_json:
            _check_param_type(builder, pfile, s_ptr, name, where, ptype)
        attr = attribute(name)
        if not attr or attr in RESERVED_KWARGS:
            raise _error(builder, pptr, f"parameter {name!r} becomes the keyword argument {attr or '(empty)'!r}, which the method needs for itself", pfile)
        if attr in by_attr:
            raise _error(builder, pptr, f"parameters {by_attr[attr]!r} and {name!r} both become the keyword argument {attr!r}", pfile)
        by_attr[attr] = name
        required = bool(param.get("required")) or where == "path"
        key = where == "header" and name.lower() == IDEMPOTENCY_HEADER
        out.append(Param(name, where, attr, ptype, required and not key, style, bool(explode), is_json, str(param.get("description", "")), key))
    return out


def _check_param_type(builder: TypeBuilder, file: str, ptr: str, name: str, where: str, ptype: PyType) -> None:
    inner = ptype.args[0] if ptype.kind == "nullable" else ptype
    if inner.kind in ("model", "map", "union"):
        raise _error(builder, ptr, f"{where} parameter {name!r} is an object; object-valued parameters (deepObject, exploded forms) are not supported", file)
    if inner.kind == "list":
        item = inner.args[0]
        if item.kind in ("model", "map", "list", "union"):
            raise _error(builder, ptr, f"{where} parameter {name!r} is an array of objects or arrays; not supported", file)


def _check_path_template(builder: TypeBuilder, file: str, op: Operation, ptr: str) -> None:
    wanted = set(re.findall(r"\{([^}]+)\}", op.path))
    have = {p.name for p in op.path_params}
    if wanted - have:
        raise _error(builder, ptr, f"{op.method.upper()} {op.path}: path parameter(s) {sorted(wanted - have)} are not declared", file)
    if have - wanted:
        raise _error(builder, ptr, f"{op.method.upper()} {op.path}: path parameter(s) {sorted(have - wanted)} do not appear in the path", file)


def _is_json(media: str) -> bool:
    base = media.split(";", 1)[0].strip().lower()
    return base == "application/json" or base.endswith("+json") or base == "*/*"


def _body(builder: TypeBuilder, file: str, raw: Any, ptr: str, hint: str) -> Body:
    target = builder.refs.deref(raw, file, ptr)
    node, file, ptr = target.node, target.file, target.pointer
    content = node.get("content") or {}
    required = node.get("required") is True
    c_ptr = pointer_join(ptr, "content")
    for media, spec in content.items():
        if _is_json(media):
            schema = (spec or {}).get("schema", True)
            ptype = builder.type_of(schema, file, pointer_join(pointer_join(c_ptr, media), "schema"), hint + "Body")
            return Body(media if media != "*/*" else "application/json", "json", ptype, required, str(node.get("description", "")))
    for media, spec in content.items():
        base = media.split(";", 1)[0].strip().lower()
        if base == "application/x-www-form-urlencoded":
            return Body(media, "form", PyType("map", args=(PyType("any"),)), required)
        if base == "application/octet-stream" or base.startswith(("image/", "audio/", "video/")) or base == "application/pdf":
            return Body(media, "bytes", PyType("bytes"), required)
        if base.startswith("text/"):
            return Body(media, "text", PyType("str"), required)
    raise _error(builder, c_ptr, f"request body media type(s) {sorted(content) or '(none)'} are not supported (JSON, form-urlencoded, binary and text are)", file)


def _responses(builder: TypeBuilder, file: str, node: dict[str, Any], ptr: str, hint: str, builder_headers: list[str]) -> list[Response]:
    out: list[Response] = []
    has_success = any(str(s).startswith("2") and len(str(s)) == 3 for s in node)
    for status, raw in node.items():
        code = str(status)
        if code == "default" and not has_success:
            code = "2XX"  # only a default response: it describes the success body too
        elif not (code.startswith("2") and len(code) == 3):
            continue  # errors raise ApiError; their bodies are parsed as problem details
        r_ptr = pointer_join(ptr, str(status))
        target = builder.refs.deref(raw, file, r_ptr)
        resp, rfile, r_ptr = target.node, target.file, target.pointer
        for header in (resp or {}).get("headers") or {}:
            if str(header).lower() not in {h.lower() for h in builder_headers}:
                builder_headers.append(str(header))
        content = (resp or {}).get("content") or {}
        if code == "204" or not content:
            out.append(Response(code, "none", PyType("none")))
            continue
        suffix = "Response" if code in ("200", "201", "2XX") else f"Response{code}"
        chosen = None
        for media, spec in content.items():
            if _is_json(media):
                schema = (spec or {}).get("schema", True)
                s_ptr = pointer_join(pointer_join(pointer_join(r_ptr, "content"), media), "schema")
                chosen = Response(code, "json", builder.type_of(schema, rfile, s_ptr, hint + suffix))
                break
        if chosen is None:
            media = next(iter(content))
            base = media.split(";", 1)[0].strip().lower()
            chosen = Response(code, "text", PyType("str")) if base.startswith("text/") else Response(code, "bytes", PyType("bytes"))
        out.append(chosen)
    return out


def operation_summary(ops: list[Operation]) -> str:
    return ", ".join(f"{o.name}" for o in ops)


__all__ = ["Body", "Operation", "Param", "Response", "collect_operations", "operation_summary", "snake"]

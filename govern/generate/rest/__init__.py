"""REST clients from OpenAPI: a typed httpx package with Client and AsyncClient."""

from __future__ import annotations

import re
from typing import Any

from govern.generate.common import Generated, package_files
from govern.generate.names import snake
from govern.generate.rest.operations import Operation, Param, collect_operations
from govern.generate.rest.types import PyType, TypeBuilder
from govern.generate.templates import render
from govern.load.model import Contract

TEMPLATE_DIR = "python-rest"
_IDENT = re.compile(r"\b[A-Z][A-Za-z0-9_]*\b")


def generate_rest(contract: Contract, package: str, source: str) -> Generated:
    """Every file of the REST client package for `contract` ({relative path: text})."""
    builder = TypeBuilder(contract)
    builder.name_components()
    ops = collect_operations(builder)
    builder.component_types()
    data = contract.data or {}
    info = data.get("info") or {}
    title = str(info.get("title") or package)
    servers = [str(s.get("url")) for s in data.get("servers") or [] if isinstance(s, dict) and s.get("url")]

    for model in builder.models.values():
        model.fields.sort(key=lambda f: not f.required)  # stable: required first, then contract order
    exported = set(builder.models) | set(builder.unions) | set(builder.aliases)
    unions = []
    for u in builder.unions.values():
        unions.append({
            "name": u.name,
            "snake": snake(u.name),
            "description": u.description,
            "annotation": " | ".join(m.annotation() for m in u.members),
            "members": u.members,
            "discriminator": u.discriminator,
            "mapping": u.mapping,
        })
    exports = sorted(exported | {f"decode_{snake(u.name)}" for u in builder.unions.values()})
    ctx: dict[str, Any] = {"package": package, "source": source, "title": title}
    models_py = render(
        f"{TEMPLATE_DIR}/models.py.j2",
        **ctx,
        exports=exports,
        aliases=list(builder.aliases.values()),
        models=list(builder.models.values()),
        unions=unions,
    )
    methods = [_method(op) for op in ops]
    used: set[str] = set()
    for m in methods:
        for text in [*m["signature"], *m["result"], m["returns"]]:
            used |= {name for name in _IDENT.findall(text) if name in exported}
            used |= {name for name in re.findall(r"\bdecode_\w+", text)}
    client_py = render(
        f"{TEMPLATE_DIR}/client.py.j2",
        **ctx,
        operations=methods,
        servers=servers,
        model_imports=sorted(used),
        max_backoff=_defaults()["max_backoff"],
    )
    modules = {
        "__init__.py": render(f"{TEMPLATE_DIR}/__init__.py.j2", **ctx, version=str(info.get("version", ""))),
        "_serde.py": render(f"{TEMPLATE_DIR}/_serde.py.j2", **ctx),
        "_http.py": render(f"{TEMPLATE_DIR}/_http.py.j2", **ctx),
        "errors.py": render(f"{TEMPLATE_DIR}/errors.py.j2", **ctx),
        "models.py": models_py,
        "client.py": client_py,
    }
    extra = {
        "README.md": render(f"{TEMPLATE_DIR}/README.md.j2", **ctx, operations=methods, servers=servers),
    }
    files = package_files(package, modules, source=source, title=title, dependencies=["httpx>=0.27"], extra=extra)
    return Generated("openapi", package, files, [op.name for op in ops])


def _defaults() -> dict[str, Any]:
    from govern.generate.common import runtime_defaults

    return runtime_defaults()


def _method(op: Operation) -> dict[str, Any]:
    """What the client template needs for one operation: signature, request building, decoding."""
    required = [p for p in op.params if p.required]
    optional = [p for p in op.params if not p.required]
    signature: list[str] = [f"{p.attr}: {p.annotation}" for p in required]
    names: list[str] = [p.attr for p in required]
    if op.body is not None:
        body_ann = op.body.annotation
        signature.append(f"body: {body_ann}" if op.body.required else f"body: {body_ann} = None")
        names.append("body")
    signature += [f"{p.attr}: {p.annotation} = None" for p in optional]
    names += [p.attr for p in optional]
    call_params = [s.split(" = ", 1)[0] for s in signature] + ["timeout: float | None", "max_retries: int | None"]
    call_args = [*names, "timeout", "max_retries"]

    build: list[str] = []
    if any(p.location == "query" for p in op.params):
        build.append("query: list[tuple[str, str]] = []")
    build.append("headers: dict[str, str] = {}")
    for p in op.params:
        as_json = ", as_json=True" if p.json else ""
        if p.location == "query":
            build.append(f"_http.add_query(query, {p.name!r}, {p.attr}, {p.style!r}, {p.explode!r}{as_json})")
        elif p.location == "header" and p.idempotency_key:
            build.append(f"headers[{p.name!r}] = {p.attr} if {p.attr} is not None else _http.new_idempotency_key()")
        elif p.location == "header":
            build.append(f"_http.add_header(headers, {p.name!r}, {p.attr}{as_json})")
        elif p.location == "cookie":
            build.append(f"_http.add_cookie(headers, {p.name!r}, {p.attr}{as_json})")
    accept = _accept(op)
    if accept:
        build.append(f"headers['Accept'] = {accept!r}")
    content = "None"
    if op.body is not None:
        encoder = {"json": "_http.json_content(body)", "form": "_http.form_content(body)", "bytes": "body", "text": "body.encode('utf-8')"}[op.body.kind]
        media = op.body.media_type if op.body.kind != "text" or "charset" in op.body.media_type else op.body.media_type + "; charset=utf-8"
        if op.body.required:
            build.append(f"headers['Content-Type'] = {media!r}")
            content = encoder
        else:
            build.append("if body is not None:")
            build.append(f"    headers['Content-Type'] = {media!r}")
            content = f"None if body is None else {encoder}"
    build.append("return _http.Call(")
    build.append(f"    operation={op.name!r},")
    build.append(f"    method={op.method.upper()!r},")
    build.append(f"    path={_path_expr(op)},")
    build.append(f"    retryable={op.retryable!r},")
    build.append(f"    timeout=base._timeout(timeout, {op.timeout!r}),")
    build.append(f"    max_retries=base._retries(max_retries, {op.retries!r}),")
    if any(p.location == "query" for p in op.params):
        build.append("    query=query,")
    build.append("    headers=headers,")
    build.append(f"    content={content},")
    build.append(")")

    result = _result_lines(op)
    doc_first = op.summary or f"{op.method.upper()} {op.path}"
    doc_rest = []
    if op.description and op.description != op.summary:
        doc_rest.append(op.description)
    retry = "retried on connection errors, timeouts, 429, 502, 503 and 504" if op.retryable else "not retried (not idempotent and no Idempotency-Key)"
    if op.idempotency_param is not None:
        retry += f"; one {op.idempotency_param.name} is generated (unless given) and reused by every attempt"
    doc_rest.append(f"`{op.method.upper()} {op.path}`: {retry}.")
    if op.deprecated:
        doc_rest.append("Deprecated by the contract.")
    return {
        "name": op.name,
        "operation_id": op.operation_id,
        "method": op.method.upper(),
        "path": op.path,
        "signature": signature,
        "call_params": call_params,
        "call_args": call_args,
        "build": build,
        "result": result,
        "returns": op.return_annotation,
        "doc_first": doc_first,
        "doc_rest": doc_rest,
        "retryable": op.retryable,
        "timeout": op.timeout,
        "retries": op.retries,
        "response_method": op.response_method,
        "response_headers": op.response_headers,
    }


def _accept(op: Operation) -> str:
    kinds = {r.kind for r in op.responses}
    if "json" in kinds or not kinds - {"none"}:
        return "application/json, application/problem+json"
    return ""


def _path_expr(op: Operation) -> str:
    parts = re.split(r"(\{[^}]+\})", op.path)
    by_name = {p.name: p for p in op.path_params}
    out = []
    for part in parts:
        if part.startswith("{") and part.endswith("}") and part[1:-1] in by_name:
            out.append("{_http.path_value(" + by_name[part[1:-1]].attr + ")}")
        else:
            out.append(part.replace("\\", "\\\\").replace('"', '\\"').replace("{", "{{").replace("}", "}}"))
    text = "".join(out)
    return f'f"{text}"' if op.path_params else repr(op.path)


def _decode_one(kind: str, ptype: PyType, name: str, var: str) -> list[str]:
    if kind == "none":
        return ["return None"]
    if kind == "text":
        return ["return response.text"]
    if kind == "bytes":
        return ["return response.content"]
    return [f"{var}: {ptype.annotation()} = _http.decode({name!r}, response, lambda _v: {ptype.decoder('_v', 1)})", f"return {var}"]


def _result_lines(op: Operation) -> list[str]:
    responses = op.responses
    if not responses:
        return ["return None"]
    distinct = {(r.kind, r.type.annotation()) for r in responses}
    if len(distinct) == 1:
        r = responses[0]
        return _decode_one(r.kind, r.type, op.name, "result")
    lines: list[str] = []
    for r in responses:
        cond = "200 <= response.status_code < 300" if r.status.upper() == "2XX" else f"response.status_code == {r.status}"
        lines.append(f"if {cond}:")
        lines += ["    " + line for line in _decode_one(r.kind, r.type, op.name, f"r{r.status.lower()}")]
    first = responses[0]
    lines += _decode_one(first.kind, first.type, op.name, "fallback")
    return lines


__all__ = ["Param", "generate_rest"]

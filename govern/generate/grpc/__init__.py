"""gRPC clients from .proto: protoc's *_pb2.py, *_pb2_grpc.py and .pyi, plus a resilient wrapper.

protoc (from grpcio-tools, in-process) writes modules that import each other by their proto
package path (`from acme.payments.v1 import types_pb2`); inside the generated package those
imports are rewritten to `from <package>.acme.payments.v1 import ...` so the client is
self-contained. Well-known types keep importing from `google.protobuf`.
"""

from __future__ import annotations

import os
import re
import tempfile
from typing import Any

from govern.errors import InputError
from govern.generate.common import Generated, package_files, runtime_defaults
from govern.generate.names import snake
from govern.generate.templates import render
from govern.load.model import Contract

TEMPLATE_DIR = "grpc"
RESERVED = frozenset({"close", "channel", "breaker"})


def all_key(name: str) -> tuple[int, str]:
    """The order ruff (RUF022) wants in `__all__`: CONSTANTS, then Classes, then functions."""
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def module_of(proto_name: str) -> str:
    """`acme/payments/v1/payments.proto` -> `acme.payments.v1.payments_pb2` (as protoc names it)."""
    base = proto_name[: -len(".proto")] if proto_name.endswith(".proto") else proto_name
    return base.replace("-", "_").replace("/", ".") + "_pb2"


def generate_grpc(contract: Contract, package: str, source: str) -> Generated:
    disk: dict[str, str] = getattr(contract, "disk", {}) or {}
    roots = getattr(contract, "roots", None)
    if roots is None or not disk:
        raise InputError(contract.path, "no .proto files to generate from")
    user_files = sorted(disk)
    raw = _run_protoc(roots, [disk[name] for name in user_files], contract.path)
    modules = {module_of(name) for name in user_files}
    prefixes = sorted({m.rsplit(".", 1)[0] for m in modules if "." in m}, key=len, reverse=True)
    files: dict[str, str] = {}
    for rel, text in raw.items():
        files[rel] = _rewrite_imports(text, package, modules, prefixes)
    for rel in list(files):
        parts = rel.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            init = "/".join(parts[:i]) + "/__init__.py"
            files.setdefault(init, "")
    services = _services(contract, user_files, package)
    if not services:
        raise InputError(contract.path, "the .proto files declare no service; there is no client to generate")
    by_file = {fd.name: fd for fd in contract.descriptors.file}
    for name in user_files:
        grpc_rel = module_of(name).replace(".", "/") + "_grpc.pyi"
        files[grpc_rel] = render(f"{TEMPLATE_DIR}/pb2_grpc.pyi.j2", services=list(by_file[name].service))
    ctx: dict[str, Any] = {"package": package, "source": source, "title": services[0]["full_name"]}
    imports = _import_lines({pair for s in services for pair in s["imports"]}, modules)
    modules_out = {f"{rel}": text for rel, text in files.items()}
    modules_out["errors.py"] = render(f"{TEMPLATE_DIR}/errors.py.j2", **ctx)
    modules_out["client.py"] = render(
        f"{TEMPLATE_DIR}/client.py.j2", **ctx, services=services, imports=imports, d=runtime_defaults()
    )
    exports = sorted([s["class_name"] for s in services] + ["CircuitOpenError", "ClientError", "service_config"], key=all_key)
    modules_out["__init__.py"] = render(f"{TEMPLATE_DIR}/__init__.py.j2", **ctx, services=services, exports=exports)
    out = package_files(
        package,
        modules_out,
        source=source,
        title=ctx["title"],
        dependencies=_dependencies(raw),
        extra={"README.md": render(f"{TEMPLATE_DIR}/README.md.j2", **ctx, services=services)},
    )
    out["pyproject.toml"] += render(f"{TEMPLATE_DIR}/pyproject-tools.toml.j2", package=package, pb2_modules=sorted(modules))
    names = [f"{s['class_name']}.{m['name']}" for s in services for m in s["methods"]]
    return Generated("proto", package, out, names)


def _dependencies(raw: dict[str, str]) -> list[str]:
    """grpcio and protobuf at least as new as the protoc that wrote the code (it checks at import)."""
    text = "\n".join(raw.values())
    grpc_version = re.search(r"GRPC_GENERATED_VERSION = '([\d.]+)'", text)
    pb = re.search(r"ValidateProtobufRuntimeVersion\(\s*_runtime_version\.Domain\.PUBLIC,\s*(\d+),\s*(\d+),\s*(\d+)", text)
    return [
        f"grpcio>={grpc_version.group(1)}" if grpc_version else "grpcio>=1.60",
        f"protobuf>={pb.group(1)}.{pb.group(2)}.{pb.group(3)}" if pb else "protobuf>=5",
    ]


def _run_protoc(roots: Any, inputs: list[str], shown: str) -> dict[str, str]:
    """Run protoc with the python, grpc_python and pyi plugins; {relative path: text}."""
    from govern.load.proto import run_protoc

    with tempfile.TemporaryDirectory(prefix="govern-grpc-") as tmp:
        args = ["protoc", *roots.protoc_args(), f"--python_out={tmp}", f"--pyi_out={tmp}", f"--grpc_python_out={tmp}", *inputs]
        rc, errors = run_protoc(args, tmp, 65536)
        errors = errors.strip()
        if rc != 0:
            raise InputError(shown, f"protoc could not generate Python code: {errors or f'exit status {rc}'}")
        out: dict[str, str] = {}
        for here, _, names in os.walk(tmp):
            for name in names:
                if name.endswith((".py", ".pyi")):
                    path = os.path.join(here, name)
                    rel = os.path.relpath(path, tmp).replace(os.sep, "/")
                    with open(path, encoding="utf-8") as fh:
                        out[rel] = fh.read()
    return out


def _rewrite_imports(text: str, package: str, modules: set[str], prefixes: list[str]) -> str:
    """Make protoc's absolute imports of sibling generated modules package-relative-absolute."""

    def fix_from(match: re.Match[str]) -> str:
        indent, where, what = match.group(1), match.group(2), match.group(3)
        names = {n.strip().split(" as ")[0] for n in what.split(",")}
        if any(f"{where}.{n}" in modules for n in names):
            return f"{indent}from {package}.{where} import {what}"
        return match.group(0)

    def fix_import(match: re.Match[str]) -> str:
        indent, module, rest = match.group(1), match.group(2), match.group(3)
        if module in modules:
            return f"{indent}import {package}.{module}{rest}"
        return match.group(0)

    text = re.sub(r"^([ \t]*)from ([\w.]+) import ([^\n]+)$", fix_from, text, flags=re.M)
    return re.sub(r"^([ \t]*)import ([\w.]+)(\s+as\s+\w+)?$", fix_import, text, flags=re.M)


_ARITY = {(False, False): "unary_unary", (False, True): "unary_stream", (True, False): "stream_unary", (True, True): "stream_stream"}


def _services(contract: Contract, user_files: list[str], package: str) -> list[dict[str, Any]]:
    by_file = {fd.name: fd for fd in contract.descriptors.file}
    type_module: dict[str, tuple[str, str]] = {}  # full message name -> (module, attribute path)
    for fd in contract.descriptors.file:
        prefix = f".{fd.package}" if fd.package else ""
        for msg in fd.message_type:
            _index(type_module, msg, prefix, module_of(fd.name), "")
    services: list[dict[str, Any]] = []
    class_names: dict[str, str] = {}
    for name in user_files:
        fd = by_file.get(name)
        if fd is None:
            continue
        for svc in fd.service:
            full = f"{fd.package}.{svc.name}" if fd.package else svc.name
            class_name = svc.name if svc.name.endswith("Client") else svc.name + "Client"
            if class_name in class_names:
                raise InputError(name, f"services {class_names[class_name]} and {full} both become the class {class_name}")
            class_names[class_name] = full
            imports: set[tuple[str, str]] = set()
            grpc_module = module_of(fd.name) + "_grpc"
            grpc_alias = _alias(grpc_module)
            imports.add((grpc_module, grpc_alias))
            methods: list[dict[str, Any]] = []
            seen: dict[str, str] = {}
            for method in svc.method:
                py = snake(method.name)
                if py in RESERVED or py in seen or not py.isidentifier():
                    other = seen.get(py, "the client itself")
                    raise InputError(name, f"rpc {svc.name}.{method.name} becomes the method {py}(), already used by {other}")
                seen[py] = method.name
                req, resp = (_type_ref(type_module, t, imports, package) for t in (method.input_type, method.output_type))
                methods.append({
                    "name": py,
                    "rpc": method.name,
                    "arity": _ARITY[(method.client_streaming, method.server_streaming)],
                    "request": req,
                    "response": resp,
                    "doc": _comment(fd, svc, method),
                })
            services.append({
                "name": svc.name,
                "full_name": full,
                "class_name": class_name,
                "grpc_alias": grpc_alias,
                "stub": f"{svc.name}Stub",
                "methods": methods,
                "imports": sorted(imports),
            })
    return services


def _import_lines(pairs: set[tuple[str, str]], own: set[str]) -> dict[str, list[str]]:
    """`from ... import ... as ...` lines for the wrapper: third-party (well-known types) and own."""
    out: dict[str, list[str]] = {"third_party": [], "own": []}
    for module, alias in sorted(pairs):
        parent, _, leaf = module.rpartition(".")
        if module.removesuffix("_grpc") in own:
            out["own"].append(f"from .{parent} import {leaf} as {alias}" if parent else f"from . import {leaf} as {alias}")
        else:
            out["third_party"].append(f"from {parent} import {leaf} as {alias}")
    return out


def _index(out: dict[str, tuple[str, str]], msg: Any, prefix: str, module: str, outer: str) -> None:
    full = f"{prefix}.{msg.name}"
    attr = f"{outer}.{msg.name}" if outer else msg.name
    out[full] = (module, attr)
    for nested in msg.nested_type:
        _index(out, nested, full, module, attr)


def _alias(module: str) -> str:
    return module.replace(".", "_")


def _type_ref(types: dict[str, tuple[str, str]], full: str, imports: set[tuple[str, str]], package: str) -> str:
    module, attr = types[full]
    alias = _alias(module)
    imports.add((module, alias))
    return f"{alias}.{attr}"


def _comment(fd: Any, svc: Any, method: Any) -> str:
    s_index = list(fd.service).index(svc)
    m_index = list(svc.method).index(method)
    for loc in fd.source_code_info.location:
        if list(loc.path) == [6, s_index, 2, m_index]:
            return " ".join(loc.leading_comments.split())
    return ""

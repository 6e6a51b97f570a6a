"""Seeded generator of realistic protobuf projects, and of mutations to them.

`project(seed)` builds a small multi-package project (proto2, proto3 and editions 2023 files,
nested messages, enums, oneofs, maps, extensions, services, options, reserved ranges) and
`mutate(project, rng)` applies one random change drawn from the kinds of edits API authors make
(deletes, renames, renumbers, type and cardinality changes, oneof moves, enum value edits, rpc
signature and streaming changes, package renames, file moves and deletes, option and editions
feature changes...). Mutations are made on a model and rendered to .proto text, so references
follow renames and imports are always right; a mutation whose revision does not compile is
discarded and another one drawn (`pair(seed)` does all of this).

`large_tree(root, files, seed)` writes a big, deeply importing tree for speed benchmarks.

Used by benchmarks/proto_buf_agreement.py, benchmarks/proto_large_tree.py and
tests/unit/test_proto_buf_agreement.py. Run it directly to write one pair:
    python benchmarks/proto_gen.py OUT_DIR [SEED]
"""

from __future__ import annotations

import copy
import os
import random
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Any, Callable, Union

SCALARS = (
    "double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64",
    "fixed32", "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes",
)  # fmt: skip
MAP_KEYS = ("string", "int32", "int64", "uint32", "bool")
INT64ISH = ("int64", "uint64", "sint64", "fixed64", "sfixed64")
WORDS = (
    "id", "name", "amount", "currency", "status", "created_at", "updated_at", "owner", "email",
    "price", "quantity", "sku", "region", "labels", "notes", "total", "discount", "address",
    "city", "country", "zip_code", "phone", "reference", "source", "target", "version", "kind",
    "payload", "checksum", "priority", "deadline", "attempts", "reason", "code", "detail", "tags",
    "parent", "child", "score", "weight", "color", "size", "unit", "rate", "limit", "offset",
    "cursor", "token", "count", "enabled", "visible", "archived", "locale", "timezone", "channel",
)  # fmt: skip
NOUNS = (
    "Order", "Payment", "Invoice", "Customer", "Product", "Shipment", "Refund", "Account",
    "Address", "Item", "Price", "Money", "Event", "Notice", "Ticket", "Batch", "Quota", "Plan",
    "Coupon", "Review", "Cart", "Stock", "Warehouse", "Carrier", "Route", "Slot", "Window",
)  # fmt: skip
DOMAINS = ("orders", "payments", "billing", "inventory", "shipping", "catalog", "identity", "notify")


# ----------------------------------------------------------------------------- the model


@dataclass(eq=False)
class Enum:
    name: str
    values: list[list[Any]]  # [name, number]
    reserved_ranges: list[tuple[int, int]] = field(default_factory=list)  # inclusive
    reserved_names: list[str] = field(default_factory=list)
    allow_alias: bool = False
    closed: bool | None = None  # editions: features.enum_type
    json_legacy: bool = False  # editions: features.json_format = LEGACY_BEST_EFFORT


Ref = Union["Message", Enum]


@dataclass(eq=False)
class Field:
    name: str
    number: int
    type: Any  # scalar name, Message or Enum
    presence: str = "implicit"  # implicit | explicit | required | repeated | map
    map_key: str = "string"
    oneof: str | None = None
    json_name: str | None = None
    default: str | None = None
    jstype: str | None = None
    ctype: str | None = None
    utf8_none: bool = False  # editions: features.utf8_validation = NONE
    delimited: bool = False  # editions: features.message_encoding = DELIMITED
    expanded: bool = False  # editions: features.repeated_field_encoding = EXPANDED


@dataclass(eq=False)
class Message:
    name: str
    fields: list[Field] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    enums: list[Enum] = field(default_factory=list)
    reserved_ranges: list[tuple[int, int]] = field(default_factory=list)  # inclusive
    reserved_names: list[str] = field(default_factory=list)
    ext_ranges: list[tuple[int, int]] = field(default_factory=list)  # inclusive
    no_std_accessor: bool = False
    json_legacy: bool = False
    extends: list[Extend] = field(default_factory=list)  # extensions declared inside the message


@dataclass(eq=False)
class Method:
    name: str
    input: Message
    output: Message
    client_streaming: bool = False
    server_streaming: bool = False
    idempotency: str = ""


@dataclass(eq=False)
class Service:
    name: str
    methods: list[Method] = field(default_factory=list)


@dataclass(eq=False)
class Extend:
    target: Message
    fields: list[Field] = field(default_factory=list)


@dataclass(eq=False)
class File:
    path: str
    package: str
    syntax: str  # proto2 | proto3 | editions
    messages: list[Message] = field(default_factory=list)
    enums: list[Enum] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    extends: list[Extend] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    features: dict[str, str] = field(default_factory=dict)


@dataclass(eq=False)
class Project:
    files: list[File] = field(default_factory=list)


# ----------------------------------------------------------------------------- walking


def messages_of(container: Any) -> list[tuple[Message, Any, File]]:
    """(message, parent, file) for every message, nested ones included."""
    out: list[tuple[Message, Any, File]] = []

    def visit(m: Message, parent: Any, f: File) -> None:
        out.append((m, parent, f))
        for n in m.messages:
            visit(n, m, f)

    files = container.files if isinstance(container, Project) else [container]
    for f in files:
        for m in f.messages:
            visit(m, f, f)
    return out


def enums_of(p: Project) -> list[tuple[Enum, Any, File]]:
    out = []
    for f in p.files:
        out += [(e, f, f) for e in f.enums]
    for m, _, f in messages_of(p):
        out += [(e, m, f) for e in m.enums]
    return out


def full_names(p: Project) -> dict[int, tuple[str, File]]:
    """id(message or enum) -> (full name, file)."""
    names: dict[int, tuple[str, File]] = {}
    for f in p.files:
        prefix = f"{f.package}." if f.package else ""

        def visit(m: Message, scope: str, f: File = f) -> None:
            full = scope + m.name
            names[id(m)] = (full, f)
            for e in m.enums:
                names[id(e)] = (f"{full}.{e.name}", f)
            for n in m.messages:
                visit(n, full + ".")

        for m in f.messages:
            visit(m, prefix)
        for e in f.enums:
            names[id(e)] = (prefix + e.name, f)
    return names


def references(p: Project) -> list[tuple[Any, File]]:
    """(referenced message/enum, referencing file) for every type reference."""
    out = []
    for m, _, f in messages_of(p):
        for fl in m.fields:
            if not isinstance(fl.type, str):
                out.append((fl.type, f))
    for m, _, f in messages_of(p):
        for x in m.extends:
            out.append((x.target, f))
            for fl in x.fields:
                if not isinstance(fl.type, str):
                    out.append((fl.type, f))
    for f in p.files:
        for s in f.services:
            for mt in s.methods:
                out += [(mt.input, f), (mt.output, f)]
        for x in f.extends:
            out.append((x.target, f))
            for fl in x.fields:
                if not isinstance(fl.type, str):
                    out.append((fl.type, f))
    return out


def visible(p: Project, f: File) -> list[Any]:
    """Messages and enums of `f` and of the files before it: what `f` may use without an import
    cycle (generated projects only import backwards)."""
    index = p.files.index(f) if f in p.files else len(p.files) - 1
    sub = Project(p.files[: index + 1])
    return [m for m, _, _ in messages_of(sub)] + [e for e, _, _ in enums_of(sub)]


def is_closed(e: Enum, f: File) -> bool:
    if f.syntax == "proto2":
        return True
    if f.syntax == "editions":
        closed = e.closed if e.closed is not None else f.features.get("enum_type") == "CLOSED"
        return bool(closed)
    return False


# ----------------------------------------------------------------------------- rendering


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _span(s: int, e: int, top: int) -> str:
    if s == e:
        return str(s)
    return f"{s} to {'max' if e >= top else e}"


def render(p: Project) -> dict[str, str]:
    """path -> .proto text."""
    names = full_names(p)
    out = {}
    for f in p.files:
        out[f.path] = _render_file(f, names)
    return out


def _typename(t: Any, names: dict[int, tuple[str, File]]) -> str:
    return t if isinstance(t, str) else "." + names[id(t)][0]


def _render_file(f: File, names: dict[int, tuple[str, File]]) -> str:
    lines = []
    if f.syntax == "editions":
        lines.append('edition = "2023";')
    else:
        lines.append(f'syntax = "{f.syntax}";')
    lines.append("")
    if f.package:
        lines.append(f"package {f.package};")
        lines.append("")
    deps = set()
    for t, g in _file_refs(f):
        dep = names[id(t)][1]
        if dep is not f:
            deps.add(dep.path)
    for d in sorted(deps):
        lines.append(f'import "{d}";')
    if deps:
        lines.append("")
    for k, v in sorted(f.options.items()):
        if isinstance(v, bool):
            lines.append(f"option {k} = {'true' if v else 'false'};")
        elif k == "optimize_for":
            lines.append(f"option {k} = {v};")
        else:
            lines.append(f"option {k} = {_q(v)};")
    for k, v in sorted(f.features.items()):
        lines.append(f"option features.{k} = {v};")
    if f.options or f.features:
        lines.append("")
    for e in f.enums:
        lines += _render_enum(e, f, "")
        lines.append("")
    for m in f.messages:
        lines += _render_message(m, f, "", names)
        lines.append("")
    for x in f.extends:
        lines.append(f"extend {_typename(x.target, names)} {{")
        for fl in x.fields:
            lines.append("  " + _render_field(fl, f, names, extension=True))
        lines.append("}")
        lines.append("")
    for s in f.services:
        lines.append(f"service {s.name} {{")
        for mt in s.methods:
            req = ("stream " if mt.client_streaming else "") + _typename(mt.input, names)
            res = ("stream " if mt.server_streaming else "") + _typename(mt.output, names)
            if mt.idempotency:
                lines.append(f"  rpc {mt.name}({req}) returns ({res}) {{")
                lines.append(f"    option idempotency_level = {mt.idempotency};")
                lines.append("  }")
            else:
                lines.append(f"  rpc {mt.name}({req}) returns ({res});")
        lines.append("}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _file_refs(f: File) -> list[tuple[Any, File]]:
    one = Project([f])
    return references(one)


def _render_enum(e: Enum, f: File, indent: str) -> list[str]:
    lines = [f"{indent}enum {e.name} {{"]
    inner = indent + "  "
    if e.allow_alias:
        lines.append(f"{inner}option allow_alias = true;")
    if f.syntax == "editions":
        if e.closed is not None:
            lines.append(f"{inner}option features.enum_type = {'CLOSED' if e.closed else 'OPEN'};")
        if e.json_legacy:
            lines.append(f"{inner}option features.json_format = LEGACY_BEST_EFFORT;")
    for name, number in e.values:
        lines.append(f"{inner}{name} = {number};")
    if e.reserved_ranges:
        lines.append(f"{inner}reserved {', '.join(_span(s, t, 2147483647) for s, t in e.reserved_ranges)};")
    if e.reserved_names:
        kw = "reserved " if f.syntax == "editions" else "reserved "
        names = ", ".join(n if f.syntax == "editions" else _q(n) for n in e.reserved_names)
        lines.append(f"{inner}{kw}{names};")
    lines.append(f"{indent}}}")
    return lines


def _render_message(m: Message, f: File, indent: str, names: dict[int, tuple[str, File]]) -> list[str]:
    lines = [f"{indent}message {m.name} {{"]
    inner = indent + "  "
    if m.no_std_accessor:
        lines.append(f"{inner}option no_standard_descriptor_accessor = true;")
    if m.json_legacy and f.syntax == "editions":
        lines.append(f"{inner}option features.json_format = LEGACY_BEST_EFFORT;")
    for e in m.enums:
        lines += _render_enum(e, f, inner)
    for n in m.messages:
        lines += _render_message(n, f, inner, names)
    done_oneofs: set[str] = set()
    for fl in m.fields:
        if fl.oneof is None:
            lines.append(inner + _render_field(fl, f, names))
        elif fl.oneof not in done_oneofs:
            done_oneofs.add(fl.oneof)
            lines.append(f"{inner}oneof {fl.oneof} {{")
            for g in m.fields:
                if g.oneof == fl.oneof:
                    lines.append(inner + "  " + _render_field(g, f, names, in_oneof=True))
            lines.append(f"{inner}}}")
    if m.reserved_ranges:
        lines.append(f"{inner}reserved {', '.join(_span(s, t, 536870911) for s, t in m.reserved_ranges)};")
    if m.reserved_names:
        names_text = ", ".join(n if f.syntax == "editions" else _q(n) for n in m.reserved_names)
        lines.append(f"{inner}reserved {names_text};")
    if m.ext_ranges and f.syntax != "proto3":
        lines.append(f"{inner}extensions {', '.join(_span(s, t, 536870911) for s, t in m.ext_ranges)};")
    for x in m.extends:
        lines.append(f"{inner}extend {_typename(x.target, names)} {{")
        for fl in x.fields:
            lines.append(inner + "  " + _render_field(fl, f, names, extension=True))
        lines.append(f"{inner}}}")
    lines.append(f"{indent}}}")
    return lines


def _is_message(t: Any) -> bool:
    return isinstance(t, Message)


def _render_field(fl: Field, f: File, names: dict[int, tuple[str, File]], *, in_oneof: bool = False, extension: bool = False) -> str:
    opts: list[str] = []
    typ = _typename(fl.type, names)
    if fl.presence == "map" and not extension:
        head = f"map<{fl.map_key}, {typ}>"
    else:
        label = ""
        pres = fl.presence
        if in_oneof:
            pass
        elif pres == "repeated":
            label = "repeated "
        elif f.syntax == "proto3":
            if pres == "explicit" and not _is_message(fl.type) and not extension:
                label = "optional "
        elif f.syntax == "proto2":
            label = "required " if pres == "required" and not extension else "optional "
        else:  # editions
            if not _is_message(fl.type) and not extension:
                file_implicit = f.features.get("field_presence") == "IMPLICIT"
                if pres == "implicit" and not file_implicit:
                    opts.append("features.field_presence = IMPLICIT")
                elif pres == "explicit" and file_implicit:
                    opts.append("features.field_presence = EXPLICIT")
            if pres == "required" and not extension:
                opts.append("features.field_presence = LEGACY_REQUIRED")
        head = label + typ
        if f.syntax == "editions" and fl.delimited and _is_message(fl.type):
            opts.append("features.message_encoding = DELIMITED")
        if f.syntax == "editions" and fl.expanded and pres == "repeated" and typ in SCALARS[:13]:
            opts.append("features.repeated_field_encoding = EXPANDED")
    if fl.json_name is not None and not extension:
        opts.append(f"json_name = {_q(fl.json_name)}")
    if fl.default is not None and _default_allowed(fl, f, in_oneof):
        opts.append(f"default = {fl.default}")
    if fl.jstype and fl.type in INT64ISH and fl.presence != "map":
        opts.append(f"jstype = {fl.jstype}")
    if fl.ctype and fl.type in ("string", "bytes") and fl.presence != "map":
        opts.append(f"ctype = {fl.ctype}")
    if fl.utf8_none and f.syntax == "editions" and (fl.type == "string" or fl.presence == "map"):
        opts.append("features.utf8_validation = NONE")
    tail = f" [{', '.join(opts)}]" if opts else ""
    return f"{head} {fl.name} = {fl.number}{tail};"


def _default_allowed(fl: Field, f: File, in_oneof: bool) -> bool:
    if fl.presence in ("repeated", "map") or _is_message(fl.type) or in_oneof:
        return False
    if f.syntax == "proto3":
        return False
    if f.syntax == "editions":
        implicit = fl.presence == "implicit" or (
            fl.presence not in ("explicit", "required") and f.features.get("field_presence") == "IMPLICIT"
        )
        return not implicit
    return True


# ----------------------------------------------------------------------------- compiling


def write(files: dict[str, str], root: str, buf_yaml: str | None = None) -> None:
    for path, text in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as fh:
            fh.write(text)
    if buf_yaml is not None:
        with open(os.path.join(root, "buf.yaml"), "w") as fh:
            fh.write(buf_yaml)


def compiles(files: dict[str, str]) -> bool:
    """Whether protoc (grpcio-tools, in process) accepts the files, warnings aside."""
    from importlib import resources

    from grpc_tools import protoc

    tmp = tempfile.mkdtemp(prefix="proto-gen-")
    try:
        write(files, tmp)
        wkt = str(resources.files("grpc_tools") / "_proto")
        out = os.path.join(tmp, "out.pb")
        args = ["protoc", f"-I{tmp}", f"-I{wkt}", f"--descriptor_set_out={out}",
                *(os.path.join(tmp, name) for name in files)]  # fmt: skip
        saved = os.dup(2)  # keep protoc's complaints about rejected mutations off the terminal
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 2)
            rc = protoc.main(args)
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            os.close(devnull)
        return rc == 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ----------------------------------------------------------------------------- generation


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def noun(self) -> str:
        for _ in range(100):
            n = self.rng.choice(NOUNS) + self.rng.choice(("", "Info", "Detail", "Record", "Line", "Spec", "State"))
            if n not in self.used:
                self.used.add(n)
                return n
        n = f"Thing{len(self.used)}"
        self.used.add(n)
        return n


def _snake_upper(name: str) -> str:
    out = ""
    for i, ch in enumerate(name):
        if ch.isupper() and i:
            out += "_"
        out += ch.upper()
    return out


def _new_enum(rng: random.Random, names: _Names, syntax: str) -> Enum:
    name = names.noun() + rng.choice(("Status", "Kind", "Type", "Mode"))
    prefix = _snake_upper(name)
    values = [[f"{prefix}_UNSPECIFIED", 0]]
    for i in range(rng.randint(1, 5)):
        values.append([f"{prefix}_{rng.choice(('ACTIVE', 'CLOSED', 'PENDING', 'FAILED', 'DONE', 'NEW', 'OLD', 'LOW', 'HIGH'))}_{i + 1}", i + 1])
    e = Enum(name, values)
    if rng.random() < 0.25:
        e.reserved_ranges.append((20, 29))
    if rng.random() < 0.2:
        e.reserved_names.append(f"{prefix}_LEGACY")
    if syntax == "editions" and rng.random() < 0.15:
        e.json_legacy = True
    return e


def _scalar(rng: random.Random) -> str:
    return rng.choice(SCALARS)


def _default_for(rng: random.Random, t: Any) -> str | None:
    if isinstance(t, Enum):
        return rng.choice(t.values)[0]
    if t in ("string", "bytes"):
        return _q(rng.choice(("", "n/a", "x", "EUR")))
    if t == "bool":
        return rng.choice(("true", "false"))
    if t in ("float", "double"):
        return rng.choice(("0", "1.5", "-2", "0.25"))
    if t is None or isinstance(t, Message):
        return None
    if t.startswith("u") or t.startswith("fixed"):
        return str(rng.choice((0, 1, 7, 100)))
    return str(rng.choice((0, -1, 7, 100)))


def _new_field(rng: random.Random, m: Message, f: File, pool: list[Any], number: int) -> Field:
    used = {g.name for g in m.fields}
    name = rng.choice([w for w in WORDS if w not in used] or [f"f{number}"])
    r = rng.random()
    if r < 0.6 or not pool:
        t: Any = _scalar(rng)
    else:
        t = rng.choice(pool)
    presence = "implicit" if f.syntax == "proto3" else "explicit"
    r = rng.random()
    if r < 0.18:
        presence = "repeated"
    elif r < 0.26 and not isinstance(t, Message):
        presence = "map"
    elif r < 0.36:
        presence = "explicit"
    elif r < 0.40 and f.syntax == "proto2":
        presence = "required"
    if presence == "map" and isinstance(t, Message):
        presence = "repeated"
    fl = Field(name, number, t, presence)
    if presence == "map":
        fl.map_key = rng.choice(MAP_KEYS)
    if f.syntax != "proto3" and rng.random() < 0.15:
        fl.default = _default_for(rng, t)
    if rng.random() < 0.08:
        fl.json_name = name.replace("_", "") + "Json"
    if t in INT64ISH and rng.random() < 0.15:
        fl.jstype = rng.choice(("JS_STRING", "JS_NUMBER"))
    if t in ("string", "bytes") and f.syntax == "proto2" and rng.random() < 0.1:
        fl.ctype = "CORD"
    return fl


def _fill_message(rng: random.Random, m: Message, f: File, pool: list[Any], names: _Names, depth: int) -> None:
    n_fields = rng.randint(1, 8)
    number = 1
    for _ in range(n_fields):
        number += 1 if rng.random() < 0.8 else rng.randint(2, 5)
        m.fields.append(_new_field(rng, m, f, pool, number))
    if rng.random() < 0.3 and len(m.fields) >= 3:
        oneof = rng.choice(("choice", "value_choice", "target_choice", "detail_choice"))
        for fl in rng.sample(m.fields, 2):
            if fl.presence in ("implicit", "explicit") and fl.default is None:
                fl.oneof = oneof
    if rng.random() < 0.25:
        top = max(fl.number for fl in m.fields)
        m.reserved_ranges.append((top + 10, top + 14))
    if rng.random() < 0.2:
        m.reserved_names.append(rng.choice(("legacy", "old_name", "deprecated_field")))
    if f.syntax != "proto3" and rng.random() < 0.3:
        m.ext_ranges.append((100, 199))
    if depth < 2 and rng.random() < 0.25:
        child = Message(names.noun())
        _fill_message(rng, child, f, pool, names, depth + 1)
        m.messages.append(child)
    if rng.random() < 0.15:
        m.enums.append(_new_enum(rng, names, f.syntax))
    if f.syntax == "editions" and rng.random() < 0.1:
        m.json_legacy = True


def project(seed: int) -> Project:
    """A small, valid, seeded project."""
    rng = random.Random(seed)
    names = _Names(rng)
    p = Project()
    domains = rng.sample(DOMAINS, rng.randint(1, 3))
    pool: list[Any] = []  # types later files may refer to
    for d in domains:
        version = rng.choice(("v1", "v1", "v2", "v1beta1"))
        package = f"acme.{d}.{version}"
        for i in range(rng.randint(1, 3)):
            syntax = rng.choices(("proto3", "proto2", "editions"), (6, 2.5, 1.5))[0]
            path = f"acme/{d}/{version}/{d}_{i}.proto"
            f = File(path, package, syntax)
            if rng.random() < 0.5:
                f.options["go_package"] = f"example.com/acme/{d}/{version};{d}{version}"
            if rng.random() < 0.3:
                f.options["java_package"] = f"com.acme.{d}.{version}"
                f.options["java_multiple_files"] = True
            if syntax == "editions" and rng.random() < 0.3:
                f.features["field_presence"] = "IMPLICIT"
            usable = [t for t in pool if not (isinstance(t, Enum) and syntax == "proto3" and t in _closed_enums(p))]
            for _ in range(rng.randint(0, 2)):
                e = _new_enum(rng, names, syntax)
                f.enums.append(e)
            for _ in range(rng.randint(1, 3)):
                m = Message(names.noun())
                _fill_message(rng, m, f, usable + f.enums, names, 0)
                f.messages.append(m)
            p.files.append(f)
            for m, _, _ in messages_of(f):
                if not m.name.endswith("Entry"):
                    pool.append(m)
            pool += [e for e, _, _ in enums_of(Project([f]))]
    # Extensions: a proto2 or editions file extends a message that has an extension range.
    for f in p.files:
        seen = {id(t) for t in visible(p, f)}
        targets = [(m, g) for m, _, g in messages_of(p) if m.ext_ranges and id(m) in seen]
        if f.syntax != "proto3" and targets and rng.random() < 0.5:
            m, _ = rng.choice(targets)
            x = Extend(m)
            holder = rng.choice(f.messages) if f.messages and rng.random() < 0.35 else None
            for k in range(rng.randint(1, 2)):
                number = 100 + rng.randint(0, 99)
                if any(g.number == number for e in _all_extends(p) if e.target is m for g in e.fields):
                    continue
                t = rng.choice(("int32", "string", "bool"))
                ext = Field(f"ext_{names.noun().lower()}_{k}", number, t, "explicit")
                x.fields.append(ext)
            if x.fields:
                (holder.extends if holder is not None else f.extends).append(x)
    # Services, in the last file of some packages.
    for f in p.files:
        if rng.random() < 0.5:
            msgs = [m for m in visible(p, f) if isinstance(m, Message)]
            s = Service(names.noun() + "Service")
            for k in range(rng.randint(1, 4)):
                mt = Method(rng.choice(("Get", "List", "Create", "Update", "Delete", "Watch")) + names.noun(),
                            rng.choice(msgs), rng.choice(msgs))  # fmt: skip
                mt.server_streaming = rng.random() < 0.15
                mt.client_streaming = rng.random() < 0.1
                if rng.random() < 0.15:
                    mt.idempotency = rng.choice(("NO_SIDE_EFFECTS", "IDEMPOTENT"))
                s.methods.append(mt)
            f.services.append(s)
    return _repair(p, rng)


def valid_project(seed: int) -> Project:
    """The first project from `seed` onwards (deterministically) that protoc compiles."""
    for attempt in range(20):
        p = project(seed * 131 + attempt)
        if compiles(render(p)):
            return p
    raise RuntimeError(f"seed {seed}: could not generate a compiling project")


def _all_extends(p: Project) -> list[Extend]:
    return [x for f in p.files for x in f.extends]


def _closed_enums(p: Project) -> set[Enum]:
    return {e for e, _, f in enums_of(p) if is_closed(e, f)}


def _repair(p: Project, rng: random.Random) -> Project:
    """Make a generated project valid: proto3 must not use closed enums; map keys and such."""
    closed = _closed_enums(p)
    for m, _, f in messages_of(p):
        for fl in m.fields:
            if f.syntax == "proto3" and isinstance(fl.type, Enum) and fl.type in closed:
                fl.type = "int32"
                fl.default = None
            if f.syntax == "proto3":
                fl.default = None
                if fl.presence == "required":
                    fl.presence = "explicit"
    return p


# ----------------------------------------------------------------------------- mutations

Mutation = Callable[[Project, random.Random], Union[str, None]]
MUTATIONS: dict[str, Mutation] = {}


def mutation(fn: Mutation) -> Mutation:
    MUTATIONS[fn.__name__] = fn
    return fn


def _pick_field(p: Project, rng: random.Random, pred: Callable[[Field, Message, File], bool] = lambda *_: True) -> tuple[Field, Message, File] | None:
    cands = [(fl, m, f) for m, _, f in messages_of(p) for fl in m.fields if pred(fl, m, f)]
    return rng.choice(cands) if cands else None


def _free_number(m: Message, rng: random.Random) -> int:
    used = {fl.number for fl in m.fields}
    reserved = [(s, e) for s, e in m.reserved_ranges] + m.ext_ranges
    n = max(used | {0}) + 1
    while n in used or any(s <= n <= e for s, e in reserved):
        n += 1
    return n


@mutation
def delete_field(p: Project, rng: random.Random) -> str | None:
    hit = _pick_field(p, rng)
    if not hit:
        return None
    fl, m, _ = hit
    m.fields.remove(fl)
    r = rng.random()
    if r < 0.3:
        m.reserved_ranges.append((fl.number, fl.number))
    elif r < 0.45:
        m.reserved_names.append(fl.name)
    elif r < 0.6:
        m.reserved_ranges.append((fl.number, fl.number))
        m.reserved_names.append(fl.name)
    return f"delete field {m.name}.{fl.name}"


@mutation
def rename_field(p: Project, rng: random.Random) -> str | None:
    hit = _pick_field(p, rng)
    if not hit:
        return None
    fl, m, _ = hit
    used = {g.name for g in m.fields}
    new = rng.choice([w for w in WORDS if w not in used] or ["renamed"])
    old, fl.name = fl.name, new
    return f"rename field {m.name}.{old} -> {new}"


@mutation
def renumber_field(p: Project, rng: random.Random) -> str | None:
    hit = _pick_field(p, rng)
    if not hit:
        return None
    fl, m, _ = hit
    fl.number = _free_number(m, rng)
    return f"renumber field {m.name}.{fl.name}"


@mutation
def change_field_type(p: Project, rng: random.Random) -> str | None:
    hit = _pick_field(p, rng, lambda fl, m, f: fl.presence != "map")
    if not hit:
        return None
    fl, m, f = hit
    compatible = {
        "int32": ("uint32", "int64", "bool", "sint32"), "uint32": ("int32", "uint64"),
        "int64": ("uint64", "int32"), "uint64": ("int64",), "sint32": ("sint64",), "sint64": ("sint32",),
        "fixed32": ("sfixed32",), "sfixed32": ("fixed32",), "fixed64": ("sfixed64",),
        "sfixed64": ("fixed64",), "string": ("bytes",), "bytes": ("string",), "bool": ("int32",),
        "float": ("double",), "double": ("float",),
    }  # fmt: skip
    if isinstance(fl.type, str) and rng.random() < 0.6:
        fl.type = rng.choice(compatible.get(fl.type, SCALARS))
    else:
        seen = {id(t) for t in visible(p, f)}
        pool = [m2 for m2, _, _ in messages_of(p) if id(m2) in seen]
        pool += [e for e, _, g in enums_of(p) if id(e) in seen and not (f.syntax == "proto3" and is_closed(e, g))]
        fl.type = rng.choice([_scalar(rng), rng.choice(pool)]) if pool else _scalar(rng)
    fl.default = None
    if fl.jstype and fl.type not in INT64ISH:
        fl.jstype = None
    if isinstance(fl.type, Message) and fl.presence == "implicit":
        fl.presence = "explicit"
    return f"change type of {m.name}.{fl.name}"


@mutation
def change_cardinality(p: Project, rng: random.Random) -> str | None:
    hit = _pick_field(p, rng, lambda fl, m, f: fl.oneof is None)
    if not hit:
        return None
    fl, m, f = hit
    choices = ["repeated", "explicit", "implicit"]
    if f.syntax != "proto3":
        choices.append("required")
    if not isinstance(fl.type, Message):
        choices.append("map")
    new = rng.choice([c for c in choices if c != fl.presence] or choices)
    fl.presence = new
    if new in ("repeated", "map"):
        fl.default = None
    return f"cardinality of {m.name}.{fl.name} -> {new}"


@mutation
def move_oneof(p: Project, rng: random.Random) -> str | None:
    hit = _pick_field(p, rng, lambda fl, m, f: fl.presence in ("implicit", "explicit"))
    if not hit:
        return None
    fl, m, _ = hit
    if fl.oneof is not None and rng.random() < 0.5:
        fl.oneof = None
        return f"move {m.name}.{fl.name} out of its oneof"
    existing = sorted({g.oneof for g in m.fields if g.oneof})
    fl.oneof = rng.choice(existing + ["kind_choice"]) if rng.random() < 0.7 else "other_choice"
    fl.default = None
    return f"move {m.name}.{fl.name} into oneof {fl.oneof}"


@mutation
def rename_or_drop_oneof(p: Project, rng: random.Random) -> str | None:
    cands = [(m, o) for m, _, _ in messages_of(p) for o in {fl.oneof for fl in m.fields if fl.oneof}]
    if not cands:
        return None
    m, o = rng.choice(cands)
    new = None if rng.random() < 0.5 else o + "_v2"
    for fl in m.fields:
        if fl.oneof == o:
            fl.oneof = new
    return f"oneof {m.name}.{o} -> {new}"


@mutation
def add_field(p: Project, rng: random.Random) -> str | None:
    msgs = messages_of(p)
    if not msgs:
        return None
    m, _, f = rng.choice(msgs)
    fl = _new_field(rng, m, f, [], _free_number(m, rng))
    if f.syntax == "proto2" and rng.random() < 0.3:
        fl.presence = "required"
    if f.syntax == "proto3" and fl.presence == "required":
        fl.presence = "explicit"
    m.fields.append(fl)
    return f"add field {m.name}.{fl.name}"


@mutation
def json_name(p: Project, rng: random.Random) -> str | None:
    hit = _pick_field(p, rng)
    if not hit:
        return None
    fl, m, _ = hit
    fl.json_name = None if fl.json_name and rng.random() < 0.5 else rng.choice(("customName", "alt", fl.name))
    return f"json_name of {m.name}.{fl.name}"


@mutation
def default_value(p: Project, rng: random.Random) -> str | None:
    hit = _pick_field(p, rng, lambda fl, m, f: f.syntax != "proto3" and fl.presence in ("explicit", "required") and not isinstance(fl.type, Message) and fl.oneof is None)
    if not hit:
        return None
    fl, m, _ = hit
    fl.default = None if fl.default and rng.random() < 0.3 else _default_for(rng, fl.type)
    return f"default of {m.name}.{fl.name}"


@mutation
def field_options(p: Project, rng: random.Random) -> str | None:
    hit = _pick_field(p, rng, lambda fl, m, f: fl.type in INT64ISH or fl.type in ("string", "bytes"))
    if not hit:
        return None
    fl, m, f = hit
    if fl.type in INT64ISH:
        fl.jstype = rng.choice((None, "JS_NORMAL", "JS_STRING", "JS_NUMBER"))
    elif f.syntax == "editions" and fl.type == "string" and rng.random() < 0.5:
        fl.utf8_none = not fl.utf8_none
    else:
        fl.ctype = rng.choice((None, "STRING", "CORD", "STRING_PIECE"))
    return f"options of {m.name}.{fl.name}"


@mutation
def editions_field_features(p: Project, rng: random.Random) -> str | None:
    hit = _pick_field(p, rng, lambda fl, m, f: f.syntax == "editions")
    if not hit:
        return None
    fl, m, _ = hit
    if isinstance(fl.type, Message):
        fl.delimited = not fl.delimited
    elif fl.presence == "repeated":
        fl.expanded = not fl.expanded
    else:
        fl.utf8_none = not fl.utf8_none
    return f"editions features of {m.name}.{fl.name}"


def _pick_enum(p: Project, rng: random.Random) -> tuple[Enum, Any, File] | None:
    es = enums_of(p)
    return rng.choice(es) if es else None


@mutation
def enum_value_edit(p: Project, rng: random.Random) -> str | None:
    hit = _pick_enum(p, rng)
    if not hit:
        return None
    e, _, _ = hit
    if len(e.values) < 2:
        return None
    i = rng.randint(1, len(e.values) - 1)
    name, number = e.values[i]
    r = rng.random()
    if r < 0.35:
        del e.values[i]
        k = rng.random()
        if k < 0.3:
            e.reserved_ranges.append((number, number))
        elif k < 0.5:
            e.reserved_names.append(name)
        elif k < 0.6:
            e.reserved_ranges.append((number, number))
            e.reserved_names.append(name)
        return f"delete enum value {name}"
    if r < 0.6:
        e.values[i][0] = name + "_RENAMED"
        return f"rename enum value {name}"
    if r < 0.75:
        used = {v[1] for v in e.values}
        n = max(used) + 1
        e.values[i][1] = n
        return f"renumber enum value {name}"
    if r < 0.88:
        e.allow_alias = True
        e.values.append([name + "_ALIAS", number])
        return f"alias enum value {name}"
    used = {v[1] for v in e.values}
    e.values.append([_snake_upper(e.name) + "_EXTRA", max(used) + 1])
    return f"add enum value to {e.name}"


@mutation
def enum_reorder(p: Project, rng: random.Random) -> str | None:
    es = [(e, f) for e, _, f in enums_of(p) if len(e.values) >= 2]
    if not es:
        return None
    e, f = rng.choice(es)
    i, j = rng.sample(range(len(e.values)), 2)
    e.values[i], e.values[j] = e.values[j], e.values[i]
    return f"reorder values of {e.name}"


@mutation
def reserved_edit(p: Project, rng: random.Random) -> str | None:
    holders: list[Any] = [m for m, _, _ in messages_of(p) if m.reserved_ranges or m.reserved_names]
    holders += [e for e, _, _ in enums_of(p) if e.reserved_ranges or e.reserved_names]
    if not holders:
        return None
    h = rng.choice(holders)
    if h.reserved_ranges and (not h.reserved_names or rng.random() < 0.6):
        i = rng.randrange(len(h.reserved_ranges))
        s, e = h.reserved_ranges[i]
        if rng.random() < 0.5 or s == e:
            del h.reserved_ranges[i]
        else:
            h.reserved_ranges[i] = (s, e - 1)
    else:
        h.reserved_names.pop(rng.randrange(len(h.reserved_names)))
    return f"reserved edit on {h.name}"


@mutation
def extension_edit(p: Project, rng: random.Random) -> str | None:
    r = rng.random()
    ranged = [m for m, _, _ in messages_of(p) if m.ext_ranges]
    exts: list[tuple[Extend, Any]] = [(x, f) for f in p.files for x in f.extends]
    exts += [(x, m) for m, _, _ in messages_of(p) for x in m.extends]
    if r < 0.3 and ranged:
        m = rng.choice(ranged)
        s, e = m.ext_ranges[0]
        m.ext_ranges[0] = (s, e - 50) if rng.random() < 0.5 else (s, e + 50)
        return f"extension range of {m.name}"
    if not exts:
        return None
    x, f = rng.choice(exts)
    fl = rng.choice(x.fields)
    k = rng.random()
    if k < 0.3:
        x.fields.remove(fl)
        if not x.fields:
            f.extends.remove(x)
        return f"delete extension {fl.name}"
    if k < 0.4:
        others = [g for g in p.files if g.syntax != "proto3"]
        g = rng.choice(others)
        f.extends.remove(x)
        g.extends.append(x)
        return f"move extensions to {g.path}"
    if k < 0.55:
        fl.type = rng.choice(("int64", "uint32", "string", "bytes", "bool"))
        return f"retype extension {fl.name}"
    if k < 0.75:
        fl.name += "_v2"
        return f"rename extension {fl.name}"
    fl.presence = "repeated" if fl.presence != "repeated" else "explicit"
    return f"cardinality of extension {fl.name}"


@mutation
def delete_message_or_enum(p: Project, rng: random.Random) -> str | None:
    referenced = {id(t) for t, _ in references(p)}
    cands: list[tuple[Any, Any]] = [(m, parent) for m, parent, _ in messages_of(p) if id(m) not in referenced]
    cands += [(e, parent) for e, parent, _ in enums_of(p) if id(e) not in referenced]
    if not cands:
        return None
    t, parent = rng.choice(cands)
    # nothing inside may be referenced either
    if isinstance(t, Message):
        inner = {id(x) for x, _, _ in messages_of(File("", "", "proto3", messages=[t]))}
        inner |= {id(e) for x, _, _ in messages_of(File("", "", "proto3", messages=[t])) for e in x.enums}
        if inner & referenced:
            return None
        (parent.messages).remove(t)
    else:
        parent.enums.remove(t)
    return f"delete {t.name}"


@mutation
def rename_type(p: Project, rng: random.Random) -> str | None:
    cands: list[Any] = [m for m, _, _ in messages_of(p)] + [e for e, _, _ in enums_of(p)]
    if not cands:
        return None
    t = rng.choice(cands)
    t.name = t.name + "V2"
    return f"rename type {t.name}"


@mutation
def move_message(p: Project, rng: random.Random) -> str | None:
    tops = [(m, f) for f in p.files for m in f.messages]
    if not tops:
        return None
    m, f = rng.choice(tops)
    others = [g for g in p.files if g is not f and g.package == f.package and g.syntax == f.syntax]
    if not others:
        return None
    g = rng.choice(others)
    f.messages.remove(m)
    g.messages.append(m)
    return f"move message {m.name} to {g.path}"


@mutation
def move_across_packages(p: Project, rng: random.Random) -> str | None:
    tops = [(m, f) for f in p.files for m in f.messages] + [(e, f) for f in p.files for e in f.enums]
    if not tops:
        return None
    t, f = rng.choice(tops)
    others = [g for g in p.files if g.package != f.package and g.syntax == f.syntax]
    if not others:
        return None
    g = rng.choice(others)
    if isinstance(t, Message):
        f.messages.remove(t)
        g.messages.append(t)
    else:
        f.enums.remove(t)
        g.enums.append(t)
    return f"move {t.name} to package {g.package}"


@mutation
def move_service(p: Project, rng: random.Random) -> str | None:
    services = [(s, f) for f in p.files for s in f.services]
    if not services:
        return None
    s, f = rng.choice(services)
    g = rng.choice(p.files)
    if g is f:
        return None
    f.services.remove(s)
    g.services.append(s)
    return f"move service {s.name} to {g.path}"


@mutation
def rpc_edit(p: Project, rng: random.Random) -> str | None:
    services = [(s, f) for f in p.files for s in f.services]
    if not services:
        return None
    s, f = rng.choice(services)
    if not s.methods:
        return None
    mt = rng.choice(s.methods)
    r = rng.random()
    msgs = [m for m in visible(p, f) if isinstance(m, Message)]
    if r < 0.15:
        s.methods.remove(mt)
        return f"delete rpc {mt.name}"
    if r < 0.3:
        mt.name += "V2"
        return f"rename rpc {mt.name}"
    if r < 0.45:
        mt.input = rng.choice(msgs)
        return f"request of {mt.name}"
    if r < 0.6:
        mt.output = rng.choice(msgs)
        return f"response of {mt.name}"
    if r < 0.75:
        mt.client_streaming = not mt.client_streaming
        return f"client streaming of {mt.name}"
    if r < 0.88:
        mt.server_streaming = not mt.server_streaming
        return f"server streaming of {mt.name}"
    mt.idempotency = rng.choice(("", "NO_SIDE_EFFECTS", "IDEMPOTENT", "IDEMPOTENCY_UNKNOWN"))
    return f"idempotency of {mt.name}"


@mutation
def service_edit(p: Project, rng: random.Random) -> str | None:
    services = [(s, f) for f in p.files for s in f.services]
    if not services:
        return None
    s, f = rng.choice(services)
    if rng.random() < 0.5:
        f.services.remove(s)
        return f"delete service {s.name}"
    s.name += "V2"
    return f"rename service {s.name}"


@mutation
def package_rename(p: Project, rng: random.Random) -> str | None:
    packages = sorted({f.package for f in p.files})
    old = rng.choice(packages)
    new = old.rsplit(".", 1)[0] + "." + rng.choice(("v2", "v3", "v1alpha1", "v1beta1", "v1"))
    if new == old:
        return None
    files = [f for f in p.files if f.package == old]
    if rng.random() < 0.5:
        files = files[:1]
    for f in files:
        f.package = new
    return f"package {old} -> {new}"


@mutation
def file_move_or_delete(p: Project, rng: random.Random) -> str | None:
    f = rng.choice(p.files)
    if rng.random() < 0.5:
        f.path = f.path.replace(".proto", "_moved.proto")
        return f"move file {f.path}"
    referenced_files = set()
    names = full_names(p)
    for t, g in references(p):
        dep = names[id(t)][1]
        if dep is not g:
            referenced_files.add(id(dep))
    if id(f) in referenced_files or len(p.files) < 2:
        return None
    p.files.remove(f)
    return f"delete file {f.path}"


@mutation
def file_options(p: Project, rng: random.Random) -> str | None:
    f = rng.choice(p.files)
    key = rng.choice((
        "go_package", "java_package", "java_outer_classname", "java_multiple_files", "csharp_namespace",
        "objc_class_prefix", "php_namespace", "ruby_package", "swift_prefix", "optimize_for",
        "cc_enable_arenas", "php_metadata_namespace", "php_class_prefix",
        "cc_generic_services", "java_generic_services", "py_generic_services",
    ))  # fmt: skip
    if key in ("java_multiple_files", "cc_enable_arenas", "cc_generic_services", "java_generic_services", "py_generic_services"):
        value: Any = rng.choice((True, False, None))
    elif key == "optimize_for":
        value = rng.choice(("SPEED", "CODE_SIZE", "LITE_RUNTIME", None))
    elif key == "objc_class_prefix":
        value = rng.choice(("ACM", "ABC", None))
    else:
        value = rng.choice(("Acme.Orders", "acme/x", "Other", None))
    if value is None:
        f.options.pop(key, None)
    else:
        f.options[key] = value
    return f"file option {key} of {f.path}"


@mutation
def syntax_change(p: Project, rng: random.Random) -> str | None:
    f = rng.choice(p.files)
    new = rng.choice([s for s in ("proto2", "proto3", "editions") if s != f.syntax])
    f.syntax = new
    f.features.clear()
    for m, _, _ in messages_of(f):
        m.json_legacy = False
        for fl in m.fields:
            if new == "proto3":
                fl.default = None
                if fl.presence == "required":
                    fl.presence = "explicit"
            if new == "proto2" and fl.presence == "implicit":
                fl.presence = "explicit"
    return f"syntax of {f.path} -> {new}"


@mutation
def editions_features(p: Project, rng: random.Random) -> str | None:
    eds = [f for f in p.files if f.syntax == "editions"]
    if not eds:
        return None
    f = rng.choice(eds)
    r = rng.random()
    if r < 0.3:
        key, values = "field_presence", ("IMPLICIT", "EXPLICIT", None)
    elif r < 0.5:
        key, values = "enum_type", ("CLOSED", "OPEN", None)
    elif r < 0.7:
        key, values = "json_format", ("LEGACY_BEST_EFFORT", "ALLOW", None)
    elif r < 0.85:
        key, values = "utf8_validation", ("NONE", "VERIFY", None)
    else:
        es = [e for e, _, g in enums_of(p) if g is f]
        ms = [m for m, _, g in messages_of(p) if g is f]
        if es and rng.random() < 0.5:
            e = rng.choice(es)
            e.closed = rng.choice((True, False, None))
            return f"enum_type of {e.name}"
        if ms:
            m = rng.choice(ms)
            m.json_legacy = not m.json_legacy
            return f"json_format of {m.name}"
        return None
    v = rng.choice(values)
    if v is None:
        f.features.pop(key, None)
    else:
        f.features[key] = v
    return f"file feature {key}={v} on {f.path}"


@mutation
def message_options(p: Project, rng: random.Random) -> str | None:
    msgs = messages_of(p)
    if not msgs:
        return None
    m, _, _ = rng.choice(msgs)
    m.no_std_accessor = not m.no_std_accessor
    return f"no_standard_descriptor_accessor of {m.name}"


@mutation
def map_edit(p: Project, rng: random.Random) -> str | None:
    hit = _pick_field(p, rng, lambda fl, m, f: fl.presence == "map")
    if not hit:
        return None
    fl, m, _ = hit
    r = rng.random()
    if r < 0.4:
        fl.type = rng.choice([t for t in SCALARS if t != fl.type])
    elif r < 0.7:
        fl.map_key = rng.choice([k for k in MAP_KEYS if k != fl.map_key])
    else:
        fl.presence = "repeated"
    return f"map {m.name}.{fl.name}"


# Weighted so the common edits dominate, as in real change sets.
WEIGHTS = {
    "delete_field": 6, "rename_field": 4, "renumber_field": 3, "change_field_type": 6,
    "change_cardinality": 5, "move_oneof": 3, "rename_or_drop_oneof": 2, "add_field": 4,
    "json_name": 2, "default_value": 3, "field_options": 2, "editions_field_features": 2,
    "enum_value_edit": 6, "reserved_edit": 3, "extension_edit": 3, "delete_message_or_enum": 3,
    "rename_type": 2, "move_message": 2, "rpc_edit": 5, "service_edit": 2, "package_rename": 2,
    "file_move_or_delete": 2, "file_options": 3, "syntax_change": 2, "editions_features": 3,
    "message_options": 1, "map_edit": 2, "enum_reorder": 2, "move_across_packages": 2, "move_service": 1,
}  # fmt: skip


def mutate(p: Project, rng: random.Random) -> str | None:
    """Apply one random mutation in place; the description, or None if it did not apply."""
    names = sorted(MUTATIONS)
    kind = rng.choices(names, [WEIGHTS.get(n, 1) for n in names])[0]
    return MUTATIONS[kind](p, rng)


@dataclass
class Pair:
    seed: int
    base: dict[str, str]
    revision: dict[str, str]
    mutations: list[str]


def pair(seed: int, *, max_mutations: int = 3, check: bool = True) -> Pair:
    """A seeded (base, revision) pair: a project and 1..max_mutations compiling mutations of it."""
    rng = random.Random(seed * 7919 + 17)
    base_project = valid_project(seed) if check else project(seed * 131)
    base = render(base_project)
    rev = copy.deepcopy(base_project)
    done: list[str] = []
    wanted = rng.randint(1, max_mutations)
    tries = 0
    while len(done) < wanted and tries < 40:
        tries += 1
        trial = copy.deepcopy(rev)
        what = mutate(trial, rng)
        if what is None:
            continue
        text = render(trial)
        if text == render(rev):
            continue
        if check and not compiles(text):
            continue
        rev = trial
        done.append(what)
    return Pair(seed, base, render(rev), done)


# ----------------------------------------------------------------------------- large trees


def large_tree(root: str, files: int, seed: int = 1, *, fanout: int = 3) -> list[str]:
    """Write `files` proto3 files under `root`, each importing up to `fanout` earlier files (deep
    import chains across ~files/10 packages). Returns the relative paths."""
    rng = random.Random(seed)
    paths = []
    for i in range(files):
        pkg_index = i // 10
        d = DOMAINS[pkg_index % len(DOMAINS)]
        package = f"acme.{d}{pkg_index}.v1"
        path = f"acme/{d}{pkg_index}/v1/file_{i}.proto"
        deps = sorted({rng.randrange(max(0, i - 40), i) for _ in range(fanout)} if i else set())
        lines = ['syntax = "proto3";', "", f"package {package};", ""]
        for dep in deps:
            lines.append(f'import "{paths[dep]}";')
        lines.append(f'option go_package = "example.com/acme/{d}{pkg_index}/v1;v1";')
        lines.append("")
        lines.append(f"enum Kind{i} {{ KIND{i}_UNSPECIFIED = 0; KIND{i}_ONE = 1; KIND{i}_TWO = 2; }}")
        for k in range(4):
            lines.append(f"message Msg{i}_{k} {{")
            lines.append(f"  // Message {k} of file {i}.")
            for n in range(1, 9):
                t = rng.choice(("int32", "int64", "string", "bool", "bytes", "double"))
                lines.append(f"  {t} field_{n} = {n};")
            lines.append(f"  Kind{i} kind = 9;")
            for j, dep in enumerate(deps):
                lines.append(f"  .acme.{DOMAINS[(dep // 10) % len(DOMAINS)]}{dep // 10}.v1.Msg{dep}_0 ref_{j} = {10 + j};")
            lines.append(f"  repeated string tags = 20;")
            lines.append(f"  map<string, int64> counters = 21;")
            lines.append("  message Inner { string note = 1; int32 level = 2; }")
            lines.append("  Inner inner = 22;")
            lines.append("}")
        if i % 10 == 0:
            lines.append(f"service Svc{i} {{")
            lines.append(f"  rpc Get{i}(Msg{i}_0) returns (Msg{i}_1);")
            lines.append(f"  rpc List{i}(Msg{i}_2) returns (stream Msg{i}_3);")
            lines.append("}")
        text = "\n".join(lines) + "\n"
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as fh:
            fh.write(text)
        paths.append(path)
    return paths


def mutate_one_field(root: str, path: str) -> None:
    """Change the type of one field (int32/int64/... -> sint64) in file `path` under `root`."""
    full = os.path.join(root, path)
    with open(full) as fh:
        text = fh.read()
    for t in ("int32", "int64", "string", "bool", "bytes", "double"):
        needle = f"  {t} field_1 = 1;"
        if needle in text:
            text = text.replace(needle, "  sint64 field_1 = 1;", 1)
            break
    with open(full, "w") as fh:
        fh.write(text)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    out = argv[0]
    seed = int(argv[1]) if len(argv) > 1 else 1
    pr = pair(seed)
    write(pr.base, os.path.join(out, "base"))
    write(pr.revision, os.path.join(out, "revision"))
    print(f"seed {seed}: " + "; ".join(pr.mutations))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

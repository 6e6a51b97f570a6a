"""The protobuf breaking-change rules, with buf's rule ids, each declared once next to its check.

A check is called by the engine (`compare.py`) with one matched pair of elements (or one deleted
element) and reports through `ctx.hit(...)`; the engine adds level, location and filtering.
Fields and enum values are matched by number, everything else by full name.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Callable

from govern.diff.proto import walk as w
from govern.diff.proto.categories import MEMBERSHIP
from govern.rules.finding import Level
from govern.rules.registry import rule

if TYPE_CHECKING:
    from govern.diff.proto.compare import Ctx

KIND = "proto"

# event -> [(rule id, check)], in declaration order.
CHECKS: dict[str, list[tuple[str, Callable[..., None]]]] = {}


def check(rule_id: str, on: str, description: str, why: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Declare a rule (kind proto, level ERR, buf's categories) and subscribe its check to `on`."""
    register = rule(
        rule_id,
        level=Level.ERR,
        kind=KIND,
        area=on.split("_")[0],
        description=description,
        why=why,
        categories=MEMBERSHIP["v2"][rule_id],
    )

    def decorate(fn: Callable[..., None]) -> Callable[..., None]:
        register(fn)
        CHECKS.setdefault(on, []).append((rule_id, fn))
        return fn

    return decorate


# ----------------------------------------------------------------------------- helpers


def _q(text: str) -> str:
    return f'"{text}"'


def _field(f: w.FieldRec, *, name: bool = True) -> str:
    """`field 3 "nanos" on message "google.type.Money"` (or the extension equivalent)."""
    if f.is_extension:
        who = f"extension {f.number}" + (f" {_q(f.full)}" if name else "")
        return f"{who} on message {_q(f.extendee)}"
    return f"field {f.number}" + (f" {_q(f.name)}" if name else "") + f" on message {_q(f.message.full)}"  # type: ignore[union-attr]


def _type_label(f: w.FieldRec) -> str:
    if f.type in w.NAMED_TYPES:
        kind = {w.T_ENUM: "enum", w.T_MESSAGE: "message", w.T_GROUP: "group"}[f.type]
        return f"{kind} {_q(f.type_name)}"
    return w.TYPE_NAMES[f.type]


def _types(b: w.FieldRec, r: w.FieldRec) -> str:
    return f"from {_type_label(b)} to {_type_label(r)}"


_CARDINALITY_TEXT = {
    "explicit": "optional with explicit presence",
    "implicit": "optional with implicit presence",
    "required": "required",
    "repeated": "repeated",
    "map": "map",
}


def _ranges(ranges: Any, exclusive_end: bool) -> list[tuple[int, int]]:
    """Sorted, merged, inclusive (start, end) ranges."""
    pairs = sorted((r.start, r.end - 1 if exclusive_end else r.end) for r in ranges)
    merged: list[tuple[int, int]] = []
    for s, e in pairs:
        if merged and s <= merged[-1][1] + 1:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _missing(start: int, end: int, cover: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of [start, end] that `cover` (merged, inclusive) does not include."""
    out = []
    pos = start
    for s, e in cover:
        if e < pos:
            continue
        if s > end:
            break
        if s > pos:
            out.append((pos, min(end, s - 1)))
        pos = max(pos, e + 1)
        if pos > end:
            break
    if pos <= end:
        out.append((pos, end))
    return out


def _span(s: int, e: int, top: int) -> str:
    def num(n: int) -> str:
        return "max" if n == top else str(n)

    return num(s) if s == e else f"{num(s)} to {num(e)}"


def _covered(number: int, ranges: list[tuple[int, int]]) -> bool:
    return any(s <= number <= e for s, e in ranges)


# ----------------------------------------------------------------------------- files


@check(
    "FILE_NO_DELETE",
    "file_deleted",
    "A file of the base is missing from the revision.",
    "Generated code is laid out per file; importers of the file stop compiling.",
)
def file_no_delete(ctx: Ctx, bf: w.FileRec) -> None:
    ctx.hit_base_file(bf, f"file {_q(bf.name)} was deleted")


def _deleted_from_file(ctx: Ctx, rule_id: str, what: str, bf: w.FileRec, rf: w.FileRec, names: list[str], present: dict[str, Any]) -> None:
    # Within a file, elements are matched by their name relative to the package, so a changed
    # package (FILE_SAME_PACKAGE) does not also count as deleting everything in the file.
    cut = len(bf.package) + 1 if bf.package else 0
    prefix = f"{rf.package}." if rf.package else ""
    for full in names:
        now = prefix + full[cut:]
        found = present.get(now)
        if found is not None and found.file.name == rf.name:
            continue
        ctx.hit_deleted_in_file(
            rule_id, f"{what} {_q(full)} was deleted from file {_q(rf.name)}", bf, rf, full, now
        )


@check(
    "MESSAGE_NO_DELETE",
    "file_pair",
    "A message (nested ones included) was deleted from a file, or moved out of it.",
    "Code that refers to the generated message type by its file stops compiling.",
)
def message_no_delete(ctx: Ctx, bf: w.FileRec, rf: w.FileRec) -> None:
    _deleted_from_file(ctx, "MESSAGE_NO_DELETE", "message", bf, rf, bf.messages, ctx.rev.messages)


@check(
    "ENUM_NO_DELETE",
    "file_pair",
    "An enum (nested ones included) was deleted from a file, or moved out of it.",
    "Code that refers to the generated enum type by its file stops compiling.",
)
def enum_no_delete(ctx: Ctx, bf: w.FileRec, rf: w.FileRec) -> None:
    _deleted_from_file(ctx, "ENUM_NO_DELETE", "enum", bf, rf, bf.enums, ctx.rev.enums)


@check(
    "SERVICE_NO_DELETE",
    "file_pair",
    "A service was deleted from a file, or moved out of it.",
    "Clients and servers built from the file lose the generated stubs.",
)
def service_no_delete(ctx: Ctx, bf: w.FileRec, rf: w.FileRec) -> None:
    _deleted_from_file(ctx, "SERVICE_NO_DELETE", "service", bf, rf, bf.services, ctx.rev.services)


@check(
    "EXTENSION_NO_DELETE",
    "file_pair",
    "An extension (nested ones included) was deleted from a file, or moved out of it.",
    "Code that reads or sets the extension through the file's generated accessor stops compiling.",
)
def extension_no_delete(ctx: Ctx, bf: w.FileRec, rf: w.FileRec) -> None:
    _deleted_from_file(
        ctx, "EXTENSION_NO_DELETE", "extension", bf, rf, bf.extensions, ctx.rev.extensions_by_name
    )


@check(
    "FILE_SAME_PACKAGE",
    "file_pair",
    "A file declares a different package than before.",
    "Every full name in the file changes, so the wire types and the generated code both move.",
)
def file_same_package(ctx: Ctx, bf: w.FileRec, rf: w.FileRec) -> None:
    if bf.package != rf.package:
        ctx.hit_file(
            "FILE_SAME_PACKAGE",
            f"file {_q(rf.name)} moved from package {_q(bf.package)} to package {_q(rf.package)}",
            bf,
            rf,
            (2,),
        )


@check(
    "FILE_SAME_SYNTAX",
    "file_pair",
    "A file changed syntax (proto2, proto3 or editions).",
    "Presence, enum openness and UTF-8 checking defaults change with the syntax.",
)
def file_same_syntax(ctx: Ctx, bf: w.FileRec, rf: w.FileRec) -> None:
    if bf.syntax != rf.syntax:
        ctx.hit_file(
            "FILE_SAME_SYNTAX",
            f"file {_q(rf.name)} changed syntax from {bf.syntax} to {rf.syntax}",
            bf,
            rf,
            (12,) if rf.syntax != "editions" else (14,),
        )


# (rule id, option field name, option field number, default value)
_FILE_OPTIONS: tuple[tuple[str, str, int, Any], ...] = (
    ("FILE_SAME_JAVA_PACKAGE", "java_package", 1, ""),
    ("FILE_SAME_JAVA_OUTER_CLASSNAME", "java_outer_classname", 8, ""),
    ("FILE_SAME_JAVA_MULTIPLE_FILES", "java_multiple_files", 10, False),
    ("FILE_SAME_JAVA_GENERIC_SERVICES", "java_generic_services", 17, False),
    ("FILE_SAME_GO_PACKAGE", "go_package", 11, ""),
    ("FILE_SAME_CC_ENABLE_ARENAS", "cc_enable_arenas", 31, True),
    ("FILE_SAME_CC_GENERIC_SERVICES", "cc_generic_services", 16, False),
    ("FILE_SAME_PY_GENERIC_SERVICES", "py_generic_services", 18, False),
    ("FILE_SAME_OPTIMIZE_FOR", "optimize_for", 9, 1),
    ("FILE_SAME_OBJC_CLASS_PREFIX", "objc_class_prefix", 36, ""),
    ("FILE_SAME_CSHARP_NAMESPACE", "csharp_namespace", 37, ""),
    ("FILE_SAME_SWIFT_PREFIX", "swift_prefix", 39, ""),
    ("FILE_SAME_PHP_CLASS_PREFIX", "php_class_prefix", 40, ""),
    ("FILE_SAME_PHP_NAMESPACE", "php_namespace", 41, ""),
    ("FILE_SAME_PHP_METADATA_NAMESPACE", "php_metadata_namespace", 44, ""),
    ("FILE_SAME_RUBY_PACKAGE", "ruby_package", 45, ""),
)
_OPTIMIZE = {1: "SPEED", 2: "CODE_SIZE", 3: "LITE_RUNTIME"}


def _file_option_value(fd: Any, name: str, default: Any) -> Any:
    opts = fd.options
    return getattr(opts, name) if opts.HasField(name) else default


def _show_option(name: str, value: Any) -> str:
    if name == "optimize_for":
        return _OPTIMIZE.get(value, str(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return _q(value)


def _file_option_check(rule_id: str, name: str, number: int, default: Any) -> Callable[..., None]:
    def run(ctx: Ctx, bf: w.FileRec, rf: w.FileRec) -> None:
        old = _file_option_value(bf.fd, name, default)
        new = _file_option_value(rf.fd, name, default)
        if old != new:
            ctx.hit_file(
                rule_id,
                f"file {_q(rf.name)} changed option {name} from "
                f"{_show_option(name, old)} to {_show_option(name, new)}",
                bf,
                rf,
                (8, number),
            )

    run.__name__ = rule_id.lower()
    return run


for _rid, _name, _number, _default in _FILE_OPTIONS:
    check(
        _rid,
        "file_pair",
        f"A file changed the value of its {_name} option (an unset option counts as its default).",
        "The option decides where or how code is generated; consumers of that code break.",
    )(_file_option_check(_rid, _name, _number, _default))


# ----------------------------------------------------------------------------- packages


@check(
    "PACKAGE_NO_DELETE",
    "package_deleted",
    "No file of the revision declares a package that the base had.",
    "Every type of the package disappears for code generated per package.",
)
def package_no_delete(ctx: Ctx, package: str, files: list[str]) -> None:
    ctx.hit_package_deleted(package, files, f"package {_q(package)} was deleted")


def _deleted_from_package(ctx: Ctx, rule_id: str, what: str, kind: str, package: str, base: dict[str, Any], rev: dict[str, Any]) -> None:
    has_kind: bool | None = None
    for full, rec in ctx.base.by_package(kind, base).get(package, ()):
        found = rev.get(full)
        if found is not None and found.file.package == package:
            continue
        if has_kind is None:
            # buf only compares packages whose revision still holds at least one element of the
            # kind (services excepted); mirrored so the findings agree.
            has_kind = kind == "service" or ctx.rev.package_has(package, kind)
        if not has_kind:
            return
        ctx.hit_deleted_from_package(
            rule_id, f"{what} {_q(full)} was deleted from package {_q(package)}", rec, full
        )


@check(
    "PACKAGE_MESSAGE_NO_DELETE",
    "package_pair",
    "A message (nested ones included) disappeared from its package.",
    "Code generated per package that uses the message stops compiling.",
)
def package_message_no_delete(ctx: Ctx, package: str) -> None:
    _deleted_from_package(ctx, "PACKAGE_MESSAGE_NO_DELETE", "message", "message", package, ctx.base.messages, ctx.rev.messages)


@check(
    "PACKAGE_ENUM_NO_DELETE",
    "package_pair",
    "An enum (nested ones included) disappeared from its package.",
    "Code generated per package that uses the enum stops compiling.",
)
def package_enum_no_delete(ctx: Ctx, package: str) -> None:
    _deleted_from_package(ctx, "PACKAGE_ENUM_NO_DELETE", "enum", "enum", package, ctx.base.enums, ctx.rev.enums)


@check(
    "PACKAGE_SERVICE_NO_DELETE",
    "package_pair",
    "A service disappeared from its package.",
    "Clients and servers generated per package lose the service stubs.",
)
def package_service_no_delete(ctx: Ctx, package: str) -> None:
    _deleted_from_package(ctx, "PACKAGE_SERVICE_NO_DELETE", "service", "service", package, ctx.base.services, ctx.rev.services)


@check(
    "PACKAGE_EXTENSION_NO_DELETE",
    "package_pair",
    "An extension (nested ones included) disappeared from its package.",
    "Code generated per package that uses the extension stops compiling.",
)
def package_extension_no_delete(ctx: Ctx, package: str) -> None:
    _deleted_from_package(
        ctx, "PACKAGE_EXTENSION_NO_DELETE", "extension", "extension", package,
        ctx.base.extensions_by_name, ctx.rev.extensions_by_name,
    )  # fmt: skip


# ----------------------------------------------------------------------------- messages


def _deleted_fields(ctx: Ctx, bm: w.MessageRec, rm: w.MessageRec) -> list[w.FieldRec]:
    rtable = rm.field_table()
    return [bm.field(ctx.base, n) for n in bm.field_table() if n not in rtable]


@check(
    "FIELD_NO_DELETE",
    "message_pair",
    "A field (matched by number) was deleted from a message.",
    "Generated accessors disappear and old writers' data becomes unknown fields.",
)
def field_no_delete(ctx: Ctx, bm: w.MessageRec, rm: w.MessageRec) -> None:
    for f in _deleted_fields(ctx, bm, rm):
        ctx.hit_in_message("FIELD_NO_DELETE", f"{_field(f)} was deleted", bm, rm, f.full)


@check(
    "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
    "message_pair",
    "A field was deleted from a message without reserving its number.",
    "A later field may reuse the number and misread data written with the old one.",
)
def field_no_delete_unless_number_reserved(ctx: Ctx, bm: w.MessageRec, rm: w.MessageRec) -> None:
    deleted = _deleted_fields(ctx, bm, rm)
    if not deleted:
        return
    reserved = _ranges(rm.desc.reserved_range, exclusive_end=True)
    for f in deleted:
        if not _covered(f.number, reserved):
            ctx.hit_in_message(
                "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
                f"{_field(f)} was deleted without reserving its number {f.number}",
                bm, rm, f.full,
            )  # fmt: skip


@check(
    "FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
    "message_pair",
    "A field was deleted from a message without reserving its name.",
    "A later field may reuse the name and give old JSON documents a different meaning.",
)
def field_no_delete_unless_name_reserved(ctx: Ctx, bm: w.MessageRec, rm: w.MessageRec) -> None:
    deleted = _deleted_fields(ctx, bm, rm)
    if not deleted:
        return
    reserved = set(rm.desc.reserved_name)
    for f in deleted:
        if f.name not in reserved:
            ctx.hit_in_message(
                "FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
                f"{_field(f)} was deleted without reserving its name {_q(f.name)}",
                bm, rm, f.full,
            )  # fmt: skip


@check(
    "ONEOF_NO_DELETE",
    "message_pair",
    "A oneof was deleted from a message.",
    "Generated case enums and accessors of the oneof disappear.",
)
def oneof_no_delete(ctx: Ctx, bm: w.MessageRec, rm: w.MessageRec) -> None:
    rnames = {o.name for o in _real_oneofs(rm.desc)}
    for o in _real_oneofs(bm.desc):
        if o.name not in rnames:
            ctx.hit_in_message(
                "ONEOF_NO_DELETE",
                f"oneof {_q(o.name)} on message {_q(bm.full)} was deleted",
                bm, rm, f"{bm.full}.{o.name}",
            )  # fmt: skip


def _real_oneofs(desc: Any) -> list[Any]:
    synthetic = {f.oneof_index for f in desc.field if f.proto3_optional and f.HasField("oneof_index")}
    return [o for i, o in enumerate(desc.oneof_decl) if i not in synthetic]


def _reserved_ranges_check(ctx: Ctx, rule_id: str, what: str, bm: Any, rm: Any, base: Any, rev: Any, exclusive: bool, top: int, container: str) -> None:
    cover = _ranges(rev, exclusive)
    for r in base:
        s, e = r.start, (r.end - 1 if exclusive else r.end)
        lost = _missing(s, e, cover)
        if not lost:
            continue
        if s == e:
            text = f"{what} number {s} on {container} {_q(bm.full)} was removed"
        else:
            gone = ", ".join(_span(a, b, top) for a, b in lost)
            text = f"{what} range {_span(s, e, top)} on {container} {_q(bm.full)} lost {gone}"
        ctx.hit_in_container(rule_id, text, bm, rm, bm.full)


@check(
    "RESERVED_MESSAGE_NO_DELETE",
    "message_pair",
    "A reserved number range or reserved name was removed from a message.",
    "Reservations stop a number or name from being reused with another meaning.",
)
def reserved_message_no_delete(ctx: Ctx, bm: w.MessageRec, rm: w.MessageRec) -> None:
    _reserved_ranges_check(
        ctx, "RESERVED_MESSAGE_NO_DELETE", "reserved", bm, rm, bm.desc.reserved_range,
        rm.desc.reserved_range, True, w.MAX_FIELD_NUMBER, "message",
    )  # fmt: skip
    rnames = set(rm.desc.reserved_name)
    for name in bm.desc.reserved_name:
        if name not in rnames:
            ctx.hit_in_container(
                "RESERVED_MESSAGE_NO_DELETE",
                f"reserved name {_q(name)} on message {_q(bm.full)} was removed",
                bm, rm, bm.full,
            )  # fmt: skip


@check(
    "EXTENSION_MESSAGE_NO_DELETE",
    "message_pair",
    "Numbers were removed from a message's extension ranges.",
    "Extensions declared elsewhere on those numbers no longer compile.",
)
def extension_message_no_delete(ctx: Ctx, bm: w.MessageRec, rm: w.MessageRec) -> None:
    _reserved_ranges_check(
        ctx, "EXTENSION_MESSAGE_NO_DELETE", "extension", bm, rm, bm.desc.extension_range,
        rm.desc.extension_range, True, w.MAX_FIELD_NUMBER, "message",
    )  # fmt: skip


@check(
    "MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR",
    "message_pair",
    "A message turned on no_standard_descriptor_accessor.",
    "Generated code loses the descriptor() accessor that callers may use.",
)
def message_no_remove_standard_descriptor_accessor(ctx: Ctx, bm: w.MessageRec, rm: w.MessageRec) -> None:
    if not bm.desc.options.no_standard_descriptor_accessor and rm.desc.options.no_standard_descriptor_accessor:
        ctx.hit_at(
            "MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR",
            f"message {_q(rm.full)} set no_standard_descriptor_accessor to true, removing its "
            "standard descriptor accessor",
            bm, rm, rm.path + (7,), rm.full,
        )  # fmt: skip


@check(
    "MESSAGE_SAME_JSON_FORMAT",
    "message_pair",
    "A message lost full JSON support (json_format went from ALLOW to LEGACY_BEST_EFFORT).",
    "JSON encoders may reject or mangle messages they handled before.",
)
def message_same_json_format(ctx: Ctx, bm: w.MessageRec, rm: w.MessageRec) -> None:
    if bm.feats[w.JSON_FORMAT] == w.ALLOW and rm.feats[w.JSON_FORMAT] == w.LEGACY_BEST_EFFORT:
        ctx.hit_at(
            "MESSAGE_SAME_JSON_FORMAT",
            f"message {_q(rm.full)} changed JSON format support from ALLOW to LEGACY_BEST_EFFORT",
            bm, rm, rm.path, rm.full,
        )  # fmt: skip


@check(
    "MESSAGE_SAME_REQUIRED_FIELDS",
    "message_pair",
    "A message gained or lost a required field.",
    "A side that does not know the required field rejects every message without it.",
)
def message_same_required_fields(ctx: Ctx, bm: w.MessageRec, rm: w.MessageRec) -> None:
    btable, rtable = bm.field_table(), rm.field_table()
    old = {n for n, (_, d) in btable.items() if d.label == w.L_REQUIRED}
    new = {n for n, (_, d) in rtable.items() if d.label == w.L_REQUIRED}
    for n in sorted(old - new):
        f = bm.field(ctx.base, n)
        ctx.hit_in_message(
            "MESSAGE_SAME_REQUIRED_FIELDS",
            f"message {_q(bm.full)} no longer has required field {n} {_q(f.name)}",
            bm, rm, f.full, at=rm.field(ctx.rev, n) if n in rtable else None,
        )  # fmt: skip
    for n in sorted(new - old):
        f = rm.field(ctx.rev, n)
        ctx.hit_at(
            "MESSAGE_SAME_REQUIRED_FIELDS",
            f"message {_q(rm.full)} has a new required field {n} {_q(f.name)}",
            bm, f, f.path, f.full,
        )  # fmt: skip


# ----------------------------------------------------------------------------- fields


@check(
    "FIELD_SAME_NAME",
    "field_pair",
    "A field (matched by number) was renamed; for an extension, its full name changed.",
    "Generated accessors change name and JSON uses the field name.",
)
def field_same_name(ctx: Ctx, b: w.FieldRec, r: w.FieldRec) -> None:
    old, new = (b.full, r.full) if b.is_extension else (b.name, r.name)
    if old != new:
        ctx.hit_field("FIELD_SAME_NAME", f"{_field(r, name=False)} was renamed from {_q(old)} to {_q(new)}", b, r, 1)


@check(
    "FIELD_SAME_JSON_NAME",
    "field_pair",
    "A field's JSON name (json_name, or the name protoc derives) changed.",
    "JSON documents written with the old key are no longer understood.",
)
def field_same_json_name(ctx: Ctx, b: w.FieldRec, r: w.FieldRec) -> None:
    if b.is_extension:
        return
    if b.json_name != r.json_name:
        ctx.hit_field(
            "FIELD_SAME_JSON_NAME",
            f"{_field(r)} changed its JSON name from {_q(b.json_name)} to {_q(r.json_name)}",
            b, r, 10,
        )  # fmt: skip


def _same_type(b: w.FieldRec, r: w.FieldRec) -> bool:
    return b.type == r.type and b.type_name == r.type_name


@check(
    "FIELD_SAME_TYPE",
    "field_pair",
    "A field changed type (scalar type, or the message/enum it refers to, or its encoding).",
    "Generated code changes type; most type changes also break the wire format.",
)
def field_same_type(ctx: Ctx, b: w.FieldRec, r: w.FieldRec) -> None:
    if not _same_type(b, r):
        ctx.hit_field("FIELD_SAME_TYPE", f"{_field(r)} changed type {_types(b, r)}", b, r, 5)


# Scalar types that read each other's binary encoding (buf's wire-compatibility groups).
_WIRE_GROUPS = (
    frozenset({w.T_INT32, w.T_INT64, w.T_UINT32, w.T_UINT64, w.T_BOOL}),
    frozenset({w.T_SINT32, w.T_SINT64}),
    frozenset({w.T_FIXED32, w.T_SFIXED32}),
    frozenset({w.T_FIXED64, w.T_SFIXED64}),
)
_WIRE_JSON_GROUPS = (
    frozenset({w.T_INT32, w.T_UINT32}),
    frozenset({w.T_INT64, w.T_UINT64}),
    frozenset({w.T_FIXED32, w.T_SFIXED32}),
    frozenset({w.T_FIXED64, w.T_SFIXED64}),
)


def _compatible(ctx: Ctx, b: w.FieldRec, r: w.FieldRec, groups: tuple[frozenset[int], ...], string_to_bytes: bool) -> bool:
    if _same_type(b, r):
        return True
    if b.type == w.T_ENUM and r.type == w.T_ENUM:
        return _enum_compatible(ctx, b.type_name, r.type_name)
    if b.type in w.NAMED_TYPES or r.type in w.NAMED_TYPES:
        return False
    if string_to_bytes and b.type == w.T_STRING and r.type == w.T_BYTES:
        return True
    return any(b.type in g and r.type in g for g in groups)


def _enum_compatible(ctx: Ctx, old: str, new: str) -> bool:
    """Two different enums read each other's values alike if they share the short name and the
    new one keeps every (name, number) of the old one (buf's test)."""
    if old.rsplit(".", 1)[-1] != new.rsplit(".", 1)[-1]:
        return False
    a, b = ctx.base.enum_desc(old), ctx.rev.enum_desc(new)
    if a is None or b is None:
        return False
    have = {(v.name, v.number) for v in b.value}
    return all((v.name, v.number) in have for v in a.value)


@check(
    "FIELD_WIRE_COMPATIBLE_TYPE",
    "field_pair",
    "A field changed to a type whose binary encoding differs (e.g. int32 to sint32, enum to int32).",
    "Old and new readers decode each other's bytes into different values.",
)
def field_wire_compatible_type(ctx: Ctx, b: w.FieldRec, r: w.FieldRec) -> None:
    if not _compatible(ctx, b, r, _WIRE_GROUPS, string_to_bytes=True):
        ctx.hit_field(
            "FIELD_WIRE_COMPATIBLE_TYPE",
            f"{_field(r)} changed type {_types(b, r)}, which is not wire compatible",
            b, r, 5,
        )  # fmt: skip


@check(
    "FIELD_WIRE_JSON_COMPATIBLE_TYPE",
    "field_pair",
    "A field changed to a type whose binary or JSON encoding differs (e.g. int32 to int64).",
    "Old and new readers disagree on the bytes or on the JSON representation.",
)
def field_wire_json_compatible_type(ctx: Ctx, b: w.FieldRec, r: w.FieldRec) -> None:
    if not _compatible(ctx, b, r, _WIRE_JSON_GROUPS, string_to_bytes=False):
        ctx.hit_field(
            "FIELD_WIRE_JSON_COMPATIBLE_TYPE",
            f"{_field(r)} changed type {_types(b, r)}, which is not wire and JSON compatible",
            b, r, 5,
        )  # fmt: skip


def _cardinalities(b: w.FieldRec, r: w.FieldRec) -> tuple[str, str]:
    if b.in_map_entry() and r.in_map_entry():
        return "", ""  # the key and value of a map have no cardinality of their own
    return b.cardinality(), r.cardinality()


def _cardinality_text(old: str, new: str) -> str:
    return f"from {_CARDINALITY_TEXT[old]} to {_CARDINALITY_TEXT[new]}"


@check(
    "FIELD_SAME_CARDINALITY",
    "field_pair",
    "A field changed cardinality: implicit or explicit presence, required, repeated or map.",
    "Generated accessors change shape (has-methods, lists, maps).",
)
def field_same_cardinality(ctx: Ctx, b: w.FieldRec, r: w.FieldRec) -> None:
    old, new = _cardinalities(b, r)
    if old != new:
        ctx.hit_field("FIELD_SAME_CARDINALITY", f"{_field(r)} changed cardinality {_cardinality_text(old, new)}", b, r, 4)


_WIRE_CARDINALITY = ({"explicit", "implicit"}, {"repeated", "map"})
_WIRE_JSON_CARDINALITY = ({"explicit", "implicit"},)


@check(
    "FIELD_WIRE_COMPATIBLE_CARDINALITY",
    "field_pair",
    "A field changed cardinality in a way the binary encoding does not tolerate.",
    "Readers drop or misread values written with the other cardinality.",
)
def field_wire_compatible_cardinality(ctx: Ctx, b: w.FieldRec, r: w.FieldRec) -> None:
    old, new = _cardinalities(b, r)
    if old != new and not any(old in g and new in g for g in _WIRE_CARDINALITY):
        ctx.hit_field(
            "FIELD_WIRE_COMPATIBLE_CARDINALITY",
            f"{_field(r)} changed cardinality {_cardinality_text(old, new)}, which is not wire compatible",
            b, r, 4,
        )  # fmt: skip


@check(
    "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
    "field_pair",
    "A field changed cardinality in a way the binary or JSON encoding does not tolerate.",
    "Readers drop or misread values, or reject JSON written with the other cardinality.",
)
def field_wire_json_compatible_cardinality(ctx: Ctx, b: w.FieldRec, r: w.FieldRec) -> None:
    old, new = _cardinalities(b, r)
    if old != new and not any(old in g and new in g for g in _WIRE_JSON_CARDINALITY):
        ctx.hit_field(
            "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
            f"{_field(r)} changed cardinality {_cardinality_text(old, new)}, "
            "which is not wire and JSON compatible",
            b, r, 4,
        )  # fmt: skip


@check(
    "FIELD_SAME_ONEOF",
    "field_pair",
    "A field moved into, out of, or between oneofs.",
    "Setting one member of a oneof clears the others, so data silently goes missing.",
)
def field_same_oneof(ctx: Ctx, b: w.FieldRec, r: w.FieldRec) -> None:
    if b.is_extension or b.oneof == r.oneof:
        return
    if b.oneof is None:
        how = f"moved into oneof {_q(r.oneof or '')}"
    elif r.oneof is None:
        how = f"moved out of oneof {_q(b.oneof)}"
    else:
        how = f"moved from oneof {_q(b.oneof)} to oneof {_q(r.oneof)}"
    ctx.hit_field("FIELD_SAME_ONEOF", f"{_field(r)} {how}", b, r, None)


@check(
    "FIELD_SAME_DEFAULT",
    "field_pair",
    "A singular scalar or enum field changed its default value (explicit or implied).",
    "Readers report a different value for a field that the writer left unset.",
)
def field_same_default(ctx: Ctx, b: w.FieldRec, r: w.FieldRec) -> None:
    old, new = _default(ctx.base, b), _default(ctx.rev, r)
    if old is None or new is None or _same_value(old[0], new[0]):
        return
    ctx.hit_field(
        "FIELD_SAME_DEFAULT",
        f"{_field(r)} changed its default value from {old[1]} to {new[1]}",
        b, r, 7 if r.desc.HasField("default_value") else None,
    )  # fmt: skip


def _same_value(a: Any, b: Any) -> bool:
    if not a and not b:
        return True  # zero values of any kind (0, 0.0, false, empty) count as the same default
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, bytes) != isinstance(b, bytes):
        return False
    return bool(a == b)


def _default(side: w.Side, f: w.FieldRec) -> tuple[Any, str] | None:
    """(comparable value, display text) of the field's default, or None if it has none."""
    d = f.desc
    if d.label == w.L_REPEATED or f.type in (w.T_MESSAGE, w.T_GROUP):
        return None
    text = d.default_value if d.HasField("default_value") else None
    t = f.type
    try:
        if t == w.T_ENUM:
            enum = side.enum_desc(f.type_name)
            if enum is None or not len(enum.value):
                return None
            short = f.type_name.rsplit(".", 1)[-1]
            if text is None:
                first = enum.value[0]
                return first.number, f"{short}.{first.name}"
            for v in enum.value:
                if v.name == text:
                    return v.number, f"{short}.{v.name}"
            return None
        if t in w.INT_TYPES:
            return (int(text), text) if text is not None else (0, "0")
        if t in (w.T_FLOAT, w.T_DOUBLE):
            return (float(text), text) if text is not None else (0.0, "0")
        if t == w.T_BOOL:
            if text is None:
                return 0, "false"
            return (1 if text == "true" else 0), text
        if t == w.T_STRING:
            return ((text or "").encode("utf-8"), _q(text or ""))
        if t == w.T_BYTES:
            raw = _unescape(text or "")
            return raw, _q(text or "")
    except ValueError:
        return None
    return None


_ESCAPES = {"n": 10, "r": 13, "t": 9, '"': 34, "'": 39, "\\": 92, "a": 7, "b": 8, "f": 12, "v": 11, "?": 63}


def _unescape(text: str) -> bytes:
    """Bytes of a C-escaped default_value (protoc writes bytes defaults this way)."""
    out = bytearray()
    i = 0
    data = text.encode("utf-8")
    while i < len(data):
        c = data[i]
        if c != 92 or i + 1 >= len(data):
            out.append(c)
            i += 1
            continue
        n = chr(data[i + 1])
        if n in "01234567":
            j = i + 1
            digits = ""
            while j < len(data) and len(digits) < 3 and chr(data[j]) in "01234567":
                digits += chr(data[j])
                j += 1
            out.append(int(digits, 8) & 0xFF)
            i = j
        elif n in "xX":
            j = i + 2
            digits = ""
            while j < len(data) and len(digits) < 2 and chr(data[j]) in "0123456789abcdefABCDEF":
                digits += chr(data[j])
                j += 1
            out.append(int(digits or "0", 16))
            i = j
        else:
            out.append(_ESCAPES.get(n, ord(n)))
            i += 2
    return bytes(out)


_STRINGISH = (w.T_STRING, w.T_BYTES)
_INT64 = frozenset({w.T_INT64, w.T_UINT64, w.T_SINT64, w.T_FIXED64, w.T_SFIXED64})


@check(
    "FIELD_SAME_CPP_STRING_TYPE",
    "field_pair",
    "A string or bytes field changed its C++ representation (ctype or the pb.cpp string_type feature).",
    "Generated C++ accessors change type.",
)
def field_same_cpp_string_type(ctx: Ctx, b: w.FieldRec, r: w.FieldRec) -> None:
    if b.type not in _STRINGISH or r.type not in _STRINGISH:
        return
    old, new = b.cpp_string_type(), r.cpp_string_type()
    if old != new:
        ctx.hit_field("FIELD_SAME_CPP_STRING_TYPE", f"{_field(r)} changed its C++ string type from {old} to {new}", b, r, 8)


@check(
    "FIELD_SAME_JAVA_UTF8_VALIDATION",
    "field_pair",
    "A string field changed its Java UTF-8 checking (java_string_check_utf8 or the pb.java feature).",
    "Java code starts or stops rejecting invalid UTF-8 that other languages accept.",
)
def field_same_java_utf8_validation(ctx: Ctx, b: w.FieldRec, r: w.FieldRec) -> None:
    if b.type != w.T_STRING or r.type != w.T_STRING:
        return
    old, new = b.java_utf8(), r.java_utf8()
    if old != new:
        ctx.hit_field(
            "FIELD_SAME_JAVA_UTF8_VALIDATION",
            f"{_field(r)} changed its Java UTF-8 validation from {old} to {new}",
            b, r, None,
        )  # fmt: skip


@check(
    "FIELD_SAME_JSTYPE",
    "field_pair",
    "A field changed its jstype option.",
    "Generated JavaScript switches between numbers and strings for 64-bit values.",
)
def field_same_jstype(ctx: Ctx, b: w.FieldRec, r: w.FieldRec) -> None:
    if b.type not in _INT64 or r.type not in _INT64:
        return  # jstype only means something for 64-bit integers
    old, new = b.desc.options.jstype, r.desc.options.jstype
    if old != new:
        names = ("JS_NORMAL", "JS_STRING", "JS_NUMBER")

        def show(v: int) -> str:
            return names[v] if 0 <= v < 3 else str(v)

        ctx.hit_field("FIELD_SAME_JSTYPE", f"{_field(r)} changed jstype from {show(old)} to {show(new)}", b, r, 8)


@check(
    "FIELD_SAME_UTF8_VALIDATION",
    "field_pair",
    "A string field changed UTF-8 validation (the utf8_validation feature, or proto2 vs proto3).",
    "Parsers start or stop rejecting strings that are not valid UTF-8.",
)
def field_same_utf8_validation(ctx: Ctx, b: w.FieldRec, r: w.FieldRec) -> None:
    if b.type != w.T_STRING or r.type != w.T_STRING:
        return
    old, new = b.utf8(), r.utf8()
    if old != new:
        ctx.hit_field("FIELD_SAME_UTF8_VALIDATION", f"{_field(r)} changed UTF-8 validation from {old} to {new}", b, r, 8)


# ----------------------------------------------------------------------------- enums


def _values_by_number(desc: Any) -> dict[int, list[Any]]:
    table: dict[int, list[Any]] = {}
    for i, v in enumerate(desc.value):
        table.setdefault(v.number, []).append((i, v))
    return table


def _deleted_values(be: w.EnumRec, re_: w.EnumRec) -> list[Any]:
    new = {v.number for v in re_.desc.value}
    seen: set[int] = set()
    out = []
    for v in be.desc.value:
        if v.number not in new and v.number not in seen:
            seen.add(v.number)
            out.append(v)
    return out


def _value(e: w.EnumRec, v: Any) -> str:
    return f"enum value {v.number} {_q(v.name)} on enum {_q(e.full)}"


@check(
    "ENUM_VALUE_NO_DELETE",
    "enum_pair",
    "A value (matched by number) was deleted from an enum.",
    "Generated constants disappear and old data carries an unknown value.",
)
def enum_value_no_delete(ctx: Ctx, be: w.EnumRec, re_: w.EnumRec) -> None:
    for v in _deleted_values(be, re_):
        ctx.hit_in_container("ENUM_VALUE_NO_DELETE", f"{_value(be, v)} was deleted", be, re_, f"{be.full}.{v.name}")


@check(
    "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
    "enum_pair",
    "A value was deleted from an enum without reserving its number.",
    "A later value may reuse the number with another meaning.",
)
def enum_value_no_delete_unless_number_reserved(ctx: Ctx, be: w.EnumRec, re_: w.EnumRec) -> None:
    deleted = _deleted_values(be, re_)
    if not deleted:
        return
    reserved = _ranges(re_.desc.reserved_range, exclusive_end=False)
    for v in deleted:
        if not _covered(v.number, reserved):
            ctx.hit_in_container(
                "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
                f"{_value(be, v)} was deleted without reserving its number {v.number}",
                be, re_, f"{be.full}.{v.name}",
            )  # fmt: skip


@check(
    "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED",
    "enum_pair",
    "A value was deleted from an enum without reserving its name.",
    "A later value may reuse the name, and JSON carries enum values by name.",
)
def enum_value_no_delete_unless_name_reserved(ctx: Ctx, be: w.EnumRec, re_: w.EnumRec) -> None:
    deleted = _deleted_values(be, re_)
    if not deleted:
        return
    reserved = set(re_.desc.reserved_name)
    for v in deleted:
        # With aliases, every name the number had must be reserved.
        names = [a.name for a in be.desc.value if a.number == v.number]
        missing = [n for n in names if n not in reserved]
        if missing:
            ctx.hit_in_container(
                "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED",
                f"{_value(be, v)} was deleted without reserving its name {_q(missing[0])}",
                be, re_, f"{be.full}.{v.name}",
            )  # fmt: skip


@check(
    "ENUM_VALUE_SAME_NAME",
    "enum_pair",
    "An enum value number lost a name it had (renamed; adding an alias is fine).",
    "JSON and text formats carry enum values by name.",
)
def enum_value_same_name(ctx: Ctx, be: w.EnumRec, re_: w.EnumRec) -> None:
    old, new = _values_by_number(be.desc), _values_by_number(re_.desc)
    for number, values in old.items():
        now = new.get(number)
        if now is None:
            continue
        new_names = {v.name for _, v in now}
        old_names = [v.name for _, v in values]
        if all(n in new_names for n in old_names):
            continue
        index = now[0][0]
        ctx.hit_at(
            "ENUM_VALUE_SAME_NAME",
            f"enum value {number} on enum {_q(re_.full)} was renamed from "
            f"{' / '.join(map(_q, old_names))} to {' / '.join(_q(v.name) for _, v in now)}",
            be, re_, re_.path + (2, index), f"{re_.full}.{now[0][1].name}",
        )  # fmt: skip


@check(
    "ENUM_SAME_TYPE",
    "enum_pair",
    "An enum switched between open and closed (proto3/proto2 semantics or the enum_type feature).",
    "Closed enums turn unknown values into unknown fields; open enums keep them.",
)
def enum_same_type(ctx: Ctx, be: w.EnumRec, re_: w.EnumRec) -> None:
    old, new = be.feats[w.ENUM_TYPE], re_.feats[w.ENUM_TYPE]
    if old != new:
        show = {w.OPEN: "open", w.CLOSED: "closed"}
        ctx.hit_at(
            "ENUM_SAME_TYPE",
            f"enum {_q(re_.full)} changed from {show.get(old, old)} to {show.get(new, new)}",
            be, re_, re_.path, re_.full,
        )  # fmt: skip


@check(
    "ENUM_SAME_JSON_FORMAT",
    "enum_pair",
    "An enum lost full JSON support (json_format went from ALLOW to LEGACY_BEST_EFFORT).",
    "JSON encoders may reject or mangle values they handled before.",
)
def enum_same_json_format(ctx: Ctx, be: w.EnumRec, re_: w.EnumRec) -> None:
    if be.feats[w.JSON_FORMAT] == w.ALLOW and re_.feats[w.JSON_FORMAT] == w.LEGACY_BEST_EFFORT:
        ctx.hit_at(
            "ENUM_SAME_JSON_FORMAT",
            f"enum {_q(re_.full)} changed JSON format support from ALLOW to LEGACY_BEST_EFFORT",
            be, re_, re_.path, re_.full,
        )  # fmt: skip


@check(
    "RESERVED_ENUM_NO_DELETE",
    "enum_pair",
    "A reserved number range or reserved name was removed from an enum.",
    "Reservations stop a number or name from being reused with another meaning.",
)
def reserved_enum_no_delete(ctx: Ctx, be: w.EnumRec, re_: w.EnumRec) -> None:
    _reserved_ranges_check(
        ctx, "RESERVED_ENUM_NO_DELETE", "reserved", be, re_, be.desc.reserved_range,
        re_.desc.reserved_range, False, w.MAX_ENUM_NUMBER, "enum",
    )  # fmt: skip
    rnames = set(re_.desc.reserved_name)
    for name in be.desc.reserved_name:
        if name not in rnames:
            ctx.hit_in_container(
                "RESERVED_ENUM_NO_DELETE",
                f"reserved name {_q(name)} on enum {_q(be.full)} was removed",
                be, re_, be.full,
            )  # fmt: skip


# ----------------------------------------------------------------------------- services


@check(
    "RPC_NO_DELETE",
    "service_pair",
    "An RPC was deleted from a service.",
    "Clients calling the method get UNIMPLEMENTED; generated stubs lose it.",
)
def rpc_no_delete(ctx: Ctx, bs: w.ServiceRec, rs: w.ServiceRec) -> None:
    names = {m.name for m in rs.desc.method}
    for m in bs.desc.method:
        if m.name not in names:
            ctx.hit_in_container(
                "RPC_NO_DELETE",
                f"rpc {_q(m.name)} on service {_q(bs.full)} was deleted",
                bs, rs, f"{bs.full}.{m.name}",
            )  # fmt: skip


def _rpc(rs: w.ServiceRec, m: Any) -> str:
    return f"rpc {_q(m.name)} on service {_q(rs.full)}"


@check(
    "RPC_SAME_REQUEST_TYPE",
    "method_pair",
    "An RPC changed its request message type.",
    "Servers decode requests of the old type as the new one.",
)
def rpc_same_request_type(ctx: Ctx, bs: w.ServiceRec, rs: w.ServiceRec, bm: Any, rm: Any, index: int) -> None:
    if bm.input_type != rm.input_type:
        ctx.hit_at(
            "RPC_SAME_REQUEST_TYPE",
            f"{_rpc(rs, rm)} changed its request type from {_q(bm.input_type.lstrip('.'))} "
            f"to {_q(rm.input_type.lstrip('.'))}",
            bs, rs, rs.path + (2, index, 2), f"{rs.full}.{rm.name}",
        )  # fmt: skip


@check(
    "RPC_SAME_RESPONSE_TYPE",
    "method_pair",
    "An RPC changed its response message type.",
    "Clients decode responses of the new type as the old one.",
)
def rpc_same_response_type(ctx: Ctx, bs: w.ServiceRec, rs: w.ServiceRec, bm: Any, rm: Any, index: int) -> None:
    if bm.output_type != rm.output_type:
        ctx.hit_at(
            "RPC_SAME_RESPONSE_TYPE",
            f"{_rpc(rs, rm)} changed its response type from {_q(bm.output_type.lstrip('.'))} "
            f"to {_q(rm.output_type.lstrip('.'))}",
            bs, rs, rs.path + (2, index, 3), f"{rs.full}.{rm.name}",
        )  # fmt: skip


@check(
    "RPC_SAME_CLIENT_STREAMING",
    "method_pair",
    "An RPC switched between a single request and a client stream.",
    "The call shape changes; existing clients and servers cannot talk to each other.",
)
def rpc_same_client_streaming(ctx: Ctx, bs: w.ServiceRec, rs: w.ServiceRec, bm: Any, rm: Any, index: int) -> None:
    if bm.client_streaming != rm.client_streaming:
        shape = ("a single request", "a client stream")
        ctx.hit_at(
            "RPC_SAME_CLIENT_STREAMING",
            f"{_rpc(rs, rm)} changed from {shape[bm.client_streaming]} to {shape[rm.client_streaming]}",
            bs, rs, rs.path + (2, index), f"{rs.full}.{rm.name}",
        )  # fmt: skip


@check(
    "RPC_SAME_SERVER_STREAMING",
    "method_pair",
    "An RPC switched between a single response and a server stream.",
    "The call shape changes; existing clients and servers cannot talk to each other.",
)
def rpc_same_server_streaming(ctx: Ctx, bs: w.ServiceRec, rs: w.ServiceRec, bm: Any, rm: Any, index: int) -> None:
    if bm.server_streaming != rm.server_streaming:
        shape = ("a single response", "a server stream")
        ctx.hit_at(
            "RPC_SAME_SERVER_STREAMING",
            f"{_rpc(rs, rm)} changed from {shape[bm.server_streaming]} to {shape[rm.server_streaming]}",
            bs, rs, rs.path + (2, index), f"{rs.full}.{rm.name}",
        )  # fmt: skip


@check(
    "RPC_SAME_IDEMPOTENCY_LEVEL",
    "method_pair",
    "An RPC changed its idempotency_level option.",
    "HTTP mappings (GET vs POST) and client retry policies depend on it.",
)
def rpc_same_idempotency_level(ctx: Ctx, bs: w.ServiceRec, rs: w.ServiceRec, bm: Any, rm: Any, index: int) -> None:
    old, new = bm.options.idempotency_level, rm.options.idempotency_level
    if old != new:
        names = ("IDEMPOTENCY_UNKNOWN", "NO_SIDE_EFFECTS", "IDEMPOTENT")

        def show(v: int) -> str:
            return names[v] if 0 <= v < 3 else str(v)

        ctx.hit_at(
            "RPC_SAME_IDEMPOTENCY_LEVEL",
            f"{_rpc(rs, rm)} changed idempotency_level from {show(old)} to {show(new)}",
            bs, rs, rs.path + (2, index, 4), f"{rs.full}.{rm.name}",
        )  # fmt: skip

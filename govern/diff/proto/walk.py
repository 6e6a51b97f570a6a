"""Index one side of a protobuf diff: files, packages and named elements with resolved features.

Only the files that differ between the two sides are walked in depth (`Side.index`): an element
defined in a file that is byte-for-byte the same on both sides (source info aside) is the same
element, because full names are unique in a descriptor set, so it can break nothing.

Features (editions) are resolved here the way protoc does it: the edition's defaults, then the
file's `features`, then each enclosing message's, then the element's own. proto2 and proto3
files behave like editions whose defaults are the legacy semantics.
"""

from __future__ import annotations

from typing import Any, Iterator

# Edition enum values (google.protobuf.Edition).
EDITION_PROTO2 = 998
EDITION_PROTO3 = 999
EDITION_2023 = 1000
EDITION_2024 = 1001

# FieldDescriptorProto.Type / Label values.
T_DOUBLE, T_FLOAT, T_INT64, T_UINT64, T_INT32, T_FIXED64, T_FIXED32, T_BOOL = 1, 2, 3, 4, 5, 6, 7, 8
T_STRING, T_GROUP, T_MESSAGE, T_BYTES, T_UINT32, T_ENUM = 9, 10, 11, 12, 13, 14
T_SFIXED32, T_SFIXED64, T_SINT32, T_SINT64 = 15, 16, 17, 18
L_OPTIONAL, L_REQUIRED, L_REPEATED = 1, 2, 3

TYPE_NAMES = {
    T_DOUBLE: "double", T_FLOAT: "float", T_INT64: "int64", T_UINT64: "uint64", T_INT32: "int32",
    T_FIXED64: "fixed64", T_FIXED32: "fixed32", T_BOOL: "bool", T_STRING: "string",
    T_GROUP: "group", T_MESSAGE: "message", T_BYTES: "bytes", T_UINT32: "uint32", T_ENUM: "enum",
    T_SFIXED32: "sfixed32", T_SFIXED64: "sfixed64", T_SINT32: "sint32", T_SINT64: "sint64",
}  # fmt: skip
NAMED_TYPES = frozenset({T_GROUP, T_MESSAGE, T_ENUM})
INT_TYPES = frozenset(
    {T_INT64, T_UINT64, T_INT32, T_FIXED64, T_FIXED32, T_UINT32, T_SFIXED32, T_SFIXED64, T_SINT32, T_SINT64}
)

# Resolved feature tuple: indexes and values (google.protobuf.FeatureSet, pb.cpp, pb.java).
PRESENCE, ENUM_TYPE, REPEATED_ENCODING, UTF8, MESSAGE_ENCODING, JSON_FORMAT, CPP_STRING, JAVA_UTF8 = range(8)
EXPLICIT, IMPLICIT, LEGACY_REQUIRED = 1, 2, 3
OPEN, CLOSED = 1, 2
VERIFY, NONE = 2, 3
LENGTH_PREFIXED, DELIMITED = 1, 2
ALLOW, LEGACY_BEST_EFFORT = 1, 2
CPP_VIEW, CPP_CORD, CPP_STRING_VALUE = 1, 2, 3
JAVA_DEFAULT, JAVA_VERIFY = 1, 2

Feats = tuple[int, int, int, int, int, int, int, int]

_LEGACY_PROTO2: Feats = (EXPLICIT, CLOSED, 2, NONE, LENGTH_PREFIXED, LEGACY_BEST_EFFORT, CPP_STRING_VALUE, JAVA_DEFAULT)
_LEGACY_PROTO3: Feats = (IMPLICIT, OPEN, 1, VERIFY, LENGTH_PREFIXED, ALLOW, CPP_STRING_VALUE, JAVA_DEFAULT)
_EDITION_2023: Feats = (EXPLICIT, OPEN, 1, VERIFY, LENGTH_PREFIXED, ALLOW, CPP_STRING_VALUE, JAVA_DEFAULT)
_EDITION_2024: Feats = (EXPLICIT, OPEN, 1, VERIFY, LENGTH_PREFIXED, ALLOW, CPP_VIEW, JAVA_DEFAULT)

# FeatureSet field number -> tuple index; extensions pb.cpp (1000) and pb.java (1001) by hand,
# since their generated modules are not part of the protobuf runtime.
_CORE_FEATURES = (
    ("field_presence", PRESENCE),
    ("enum_type", ENUM_TYPE),
    ("repeated_field_encoding", REPEATED_ENCODING),
    ("utf8_validation", UTF8),
    ("message_encoding", MESSAGE_ENCODING),
    ("json_format", JSON_FORMAT),
)
_CPP_EXTENSION, _JAVA_EXTENSION = 1000, 1001
_CPP_STRING_TYPE_FIELD, _JAVA_UTF8_FIELD = 2, 2

MAX_FIELD_NUMBER = 536_870_911
MAX_ENUM_NUMBER = 2_147_483_647


def file_syntax(fd: Any) -> str:
    """'proto2', 'proto3' or 'editions' (an empty syntax means proto2)."""
    return fd.syntax or "proto2"


def edition_defaults(fd: Any) -> Feats:
    syntax = file_syntax(fd)
    if syntax == "proto3":
        return _LEGACY_PROTO3
    if syntax == "editions":
        return _EDITION_2023 if fd.edition <= EDITION_2023 else _EDITION_2024
    return _LEGACY_PROTO2


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def _skip(data: bytes, pos: int, wire: int) -> int:
    if wire == 0:
        return _varint(data, pos)[1]
    if wire == 1:
        return pos + 8
    if wire == 2:
        n, pos = _varint(data, pos)
        return pos + n
    if wire == 5:
        return pos + 4
    raise ValueError("unsupported wire type")


def _language_features(raw: bytes) -> dict[tuple[int, int], int]:
    """(extension number, field number) -> varint value for the pb.cpp / pb.java features."""
    found: dict[tuple[int, int], int] = {}
    pos = 0
    try:
        while pos < len(raw):
            key, pos = _varint(raw, pos)
            number, wire = key >> 3, key & 7
            if number in (_CPP_EXTENSION, _JAVA_EXTENSION) and wire == 2:
                size, pos = _varint(raw, pos)
                end = pos + size
                while pos < end:
                    k, pos = _varint(raw, pos)
                    if k & 7 == 0:
                        value, pos = _varint(raw, pos)
                        found[(number, k >> 3)] = value
                    else:
                        pos = _skip(raw, pos, k & 7)
            else:
                pos = _skip(raw, pos, wire)
    except (IndexError, ValueError):
        pass  # a malformed extension cannot be resolved: keep what was read
    return found


def overlay(parent: Feats, options: Any) -> Feats:
    """`parent` with the features set in `options` (any *Options message) applied."""
    if not options.HasField("features"):
        return parent
    fs = options.features
    values = list(parent)
    for name, index in _CORE_FEATURES:
        if fs.HasField(name):
            values[index] = getattr(fs, name)
    raw = fs.SerializeToString()
    if len(raw) > 2:  # cheap pre-check: extensions need at least a 2-byte tag
        lang = _language_features(raw)
        if (_CPP_EXTENSION, _CPP_STRING_TYPE_FIELD) in lang:
            values[CPP_STRING] = lang[(_CPP_EXTENSION, _CPP_STRING_TYPE_FIELD)]
        if (_JAVA_EXTENSION, _JAVA_UTF8_FIELD) in lang:
            values[JAVA_UTF8] = lang[(_JAVA_EXTENSION, _JAVA_UTF8_FIELD)]
    return tuple(values)  # type: ignore[return-value]


def _feats_of(parent: Feats, desc: Any) -> Feats:
    return overlay(parent, desc.options) if desc.HasField("options") else parent


class FileRec:
    """One module file of one side."""

    __slots__ = ("name", "fd", "package", "syntax", "feats", "messages", "enums", "services", "extensions")

    def __init__(self, fd: Any) -> None:
        self.name: str = fd.name
        self.fd = fd
        self.package: str = fd.package
        self.syntax = file_syntax(fd)
        self.feats: Feats = _feats_of(edition_defaults(fd), fd)
        # Full names of the elements defined in this file (filled by Side.index).
        self.messages: list[str] = []
        self.enums: list[str] = []
        self.services: list[str] = []
        self.extensions: list[str] = []


class MessageRec:
    __slots__ = ("full", "file", "path", "desc", "feats", "_table", "_fields")

    def __init__(self, full: str, file: FileRec, path: tuple[int, ...], desc: Any, feats: Feats) -> None:
        self.full = full
        self.file = file
        self.path = path
        self.desc = desc
        self.feats = feats
        self._table: dict[int, tuple[int, Any]] | None = None
        self._fields: dict[int, FieldRec] = {}

    def field_table(self) -> dict[int, tuple[int, Any]]:
        """number -> (index, FieldDescriptorProto), built on first use."""
        if self._table is None:
            self._table = {f.number: (i, f) for i, f in enumerate(self.desc.field)}
        return self._table

    def field(self, side: Side, number: int) -> FieldRec:
        """The field with `number` (built on first use: most fields of a pair need no record)."""
        rec = self._fields.get(number)
        if rec is None:
            i, f = self.field_table()[number]
            oneofs = self.desc.oneof_decl
            oneof = None
            feats = self.feats
            if f.HasField("oneof_index"):
                if not f.proto3_optional:
                    oneof = oneofs[f.oneof_index].name
                if oneofs[f.oneof_index].HasField("options"):
                    feats = _feats_of(feats, oneofs[f.oneof_index])
            rec = FieldRec(side, self, f, self.path + (2, i), _feats_of(feats, f), oneof)
            self._fields[number] = rec
        return rec

    def fields(self, side: Side) -> dict[int, FieldRec]:
        """Every field by number."""
        return {n: self.field(side, n) for n in self.field_table()}


class EnumRec:
    __slots__ = ("full", "file", "path", "desc", "feats")

    def __init__(self, full: str, file: FileRec, path: tuple[int, ...], desc: Any, feats: Feats) -> None:
        self.full = full
        self.file = file
        self.path = path
        self.desc = desc
        self.feats = feats


class ServiceRec:
    __slots__ = ("full", "file", "path", "desc")

    def __init__(self, full: str, file: FileRec, path: tuple[int, ...], desc: Any) -> None:
        self.full = full
        self.file = file
        self.path = path
        self.desc = desc


class FieldRec:
    """A message field or an extension, with the properties the rules compare."""

    __slots__ = (
        "side", "message", "desc", "path", "feats", "oneof", "file", "number", "name", "full",
        "is_extension", "extendee", "type", "type_name",
    )  # fmt: skip

    def __init__(
        self,
        side: Side,
        message: MessageRec | None,
        desc: Any,
        path: tuple[int, ...],
        feats: Feats,
        oneof: str | None,
        *,
        file: FileRec | None = None,
        full: str | None = None,
    ) -> None:
        self.side = side
        self.message = message
        self.desc = desc
        self.path = path
        self.feats = feats
        self.oneof = oneof
        self.file: FileRec = message.file if message is not None else file  # type: ignore[assignment]
        self.number: int = desc.number
        self.name: str = desc.name
        self.full: str = full if full is not None else f"{message.full}.{desc.name}"  # type: ignore[union-attr]
        self.is_extension = message is None
        self.extendee: str = desc.extendee.lstrip(".") if self.is_extension else message.full  # type: ignore[union-attr]
        t = desc.type
        if t == T_MESSAGE and feats[MESSAGE_ENCODING] == DELIMITED:
            t = T_GROUP  # delimited encoding is a group on the wire
        self.type: int = t
        self.type_name: str = desc.type_name.lstrip(".") if t in NAMED_TYPES else ""

    @property
    def json_name(self) -> str:
        d = self.desc
        return d.json_name if d.HasField("json_name") else default_json_name(d.name)

    def cardinality(self) -> str:
        d = self.desc
        if d.label == L_REPEATED:
            return "map" if self.is_map() else "repeated"
        if d.label == L_REQUIRED or self.feats[PRESENCE] == LEGACY_REQUIRED:
            return "required"
        if self.type in (T_MESSAGE, T_GROUP) or self.is_extension or d.HasField("oneof_index"):
            return "explicit"
        return "explicit" if self.feats[PRESENCE] == EXPLICIT else "implicit"

    def in_map_entry(self) -> bool:
        return self.message is not None and self.message.desc.options.map_entry

    def is_map(self) -> bool:
        if self.desc.label != L_REPEATED or self.type != T_MESSAGE:
            return False
        entry = self.side.message_desc(self.type_name)
        return entry is not None and entry.options.map_entry

    def cpp_string_type(self) -> str:
        opts = self.desc.options
        if opts.HasField("ctype"):
            return ("STRING", "CORD", "STRING_PIECE")[opts.ctype] if 0 <= opts.ctype <= 2 else str(opts.ctype)
        return {CPP_VIEW: "VIEW", CPP_CORD: "CORD", CPP_STRING_VALUE: "STRING"}.get(
            self.feats[CPP_STRING], "STRING"
        )

    def java_utf8(self) -> str:
        if self.file.fd.options.java_string_check_utf8 or self.feats[JAVA_UTF8] == JAVA_VERIFY:
            return "VERIFY"
        return "VERIFY" if self.feats[UTF8] == VERIFY else "NONE"

    def utf8(self) -> str:
        return "VERIFY" if self.feats[UTF8] == VERIFY else "NONE"


def default_json_name(name: str) -> str:
    """protoc's default JSON name: lowerCamelCase on underscores."""
    out = []
    upper = False
    for ch in name:
        if ch == "_":
            upper = True
        elif upper:
            out.append(ch.upper())
            upper = False
        else:
            out.append(ch)
    return "".join(out)


class Side:
    """One side (base or revision) of a diff: module files, and the elements of indexed files."""

    def __init__(self, contract: Any) -> None:
        self.contract = contract
        wanted = set(contract.files or ())
        files: dict[str, Any] = {}
        everything: dict[str, Any] = {}
        for fd in contract.descriptors.file:
            everything[fd.name] = fd
            if not wanted or fd.name in wanted:
                files[fd.name] = fd
        self.fds = files  # the module's own files: the ones compared
        self.all_fds = everything  # imports too (well-known types...): for type lookups
        self.files: dict[str, FileRec] = {}  # indexed files only
        self.messages: dict[str, MessageRec] = {}
        self.enums: dict[str, EnumRec] = {}
        self.services: dict[str, ServiceRec] = {}
        self.extensions: dict[tuple[str, int], FieldRec] = {}
        self.extensions_by_name: dict[str, FieldRec] = {}
        self._packages: dict[str, list[str]] | None = None
        self._symbols: dict[str, tuple[str, int, int]] | None = None
        self._looked_up: dict[str, Any] = {}
        self._by_package: dict[str, dict[str, list[tuple[str, Any]]]] = {}

    # -- packages ---------------------------------------------------------------------------

    @property
    def packages(self) -> dict[str, list[str]]:
        """package -> names of the module files declaring it."""
        if self._packages is None:
            table: dict[str, list[str]] = {}
            for name, fd in self.fds.items():
                table.setdefault(fd.package, []).append(name)
            self._packages = table
        return self._packages

    def package_has(self, package: str, kind: str) -> bool:
        """Whether any file of `package` defines a message / enum / extension (nested included)."""
        for name in self.packages.get(package, ()):
            fd = self.fds[name]
            if kind == "message":
                if len(fd.message_type):
                    return True
            elif kind == "enum":
                if len(fd.enum_type) or any(_any_nested(m, "enum_type") for m in fd.message_type):
                    return True
            elif kind == "extension":
                if len(fd.extension) or any(_any_nested(m, "extension") for m in fd.message_type):
                    return True
        return False

    def by_package(self, kind: str, elements: dict[str, Any]) -> dict[str, list[tuple[str, Any]]]:
        """package -> [(full name, record)] of indexed `elements` (grouped once per kind)."""
        table = self._by_package.get(kind)
        if table is None:
            table = {}
            for full, rec in elements.items():
                table.setdefault(rec.file.package, []).append((full, rec))
            self._by_package[kind] = table
        return table

    # -- indexing ---------------------------------------------------------------------------

    def index(self, names: Iterator[str] | list[str] | set[str]) -> None:
        for name in names:
            fd = self.fds.get(name)
            if fd is None or name in self.files:
                continue
            rec = FileRec(fd)
            self.files[name] = rec
            prefix = f"{fd.package}." if fd.package else ""
            for i, m in enumerate(fd.message_type):
                self._message(rec, m, prefix + m.name, (4, i), rec.feats)
            for i, e in enumerate(fd.enum_type):
                self._enum(rec, e, prefix + e.name, (5, i), rec.feats)
            for i, s in enumerate(fd.service):
                full = prefix + s.name
                self.services[full] = ServiceRec(full, rec, (6, i), s)
                rec.services.append(full)
            for i, x in enumerate(fd.extension):
                self._extension(rec, x, prefix + x.name, (7, i), rec.feats)

    def _message(self, file: FileRec, m: Any, full: str, path: tuple[int, ...], parent: Feats) -> None:
        feats = _feats_of(parent, m)
        self.messages[full] = MessageRec(full, file, path, m, feats)
        file.messages.append(full)
        for i, n in enumerate(m.nested_type):
            self._message(file, n, f"{full}.{n.name}", path + (3, i), feats)
        for i, e in enumerate(m.enum_type):
            self._enum(file, e, f"{full}.{e.name}", path + (4, i), feats)
        for i, x in enumerate(m.extension):
            self._extension(file, x, f"{full}.{x.name}", path + (6, i), feats)

    def _enum(self, file: FileRec, e: Any, full: str, path: tuple[int, ...], parent: Feats) -> None:
        self.enums[full] = EnumRec(full, file, path, e, _feats_of(parent, e))
        file.enums.append(full)

    def _extension(self, file: FileRec, x: Any, full: str, path: tuple[int, ...], parent: Feats) -> None:
        rec = FieldRec(self, None, x, path, _feats_of(parent, x), None, file=file, full=full)
        self.extensions[(rec.extendee, rec.number)] = rec
        self.extensions_by_name[full] = rec
        file.extensions.append(full)

    # -- lookups across every module file (indexed or not) -------------------------------------

    def _symbol_table(self) -> dict[str, tuple[str, int, int]]:
        """Top-level full name -> (file, kind 4=message/5=enum, index), built on first use."""
        if self._symbols is None:
            table: dict[str, tuple[str, int, int]] = {}
            for name, fd in self.all_fds.items():
                prefix = f"{fd.package}." if fd.package else ""
                for i, m in enumerate(fd.message_type):
                    table[prefix + m.name] = (name, 4, i)
                for i, e in enumerate(fd.enum_type):
                    table[prefix + e.name] = (name, 5, i)
            self._symbols = table
        return self._symbols

    def _lookup(self, full: str) -> tuple[Any, FileRec | None, tuple[int, ...]] | None:
        """(descriptor, file record if indexed, path) of a message or enum anywhere in the module."""
        if full in self._looked_up:
            return self._looked_up[full]  # type: ignore[no-any-return]
        found = None
        table = self._symbol_table()
        parts = full.split(".")
        for cut in range(len(parts), 0, -1):
            top = ".".join(parts[:cut])
            hit = table.get(top)
            if hit is None:
                continue
            file_name, kind, index = hit
            fd = self.all_fds[file_name]
            desc = fd.message_type[index] if kind == 4 else fd.enum_type[index]
            path: tuple[int, ...] = (kind, index)
            for part in parts[cut:]:
                nxt = None
                if kind == 4:
                    for i, n in enumerate(desc.nested_type):
                        if n.name == part:
                            nxt, path, kind = n, path + (3, i), 4
                            break
                    else:
                        for i, e in enumerate(desc.enum_type):
                            if e.name == part:
                                nxt, path, kind = e, path + (4, i), 5
                                break
                if nxt is None:
                    desc = None
                    break
                desc = nxt
            if desc is not None:
                found = (desc, self.files.get(file_name), path)
            break
        self._looked_up[full] = found
        return found

    def message_desc(self, full: str) -> Any | None:
        """The DescriptorProto of message `full` anywhere in the module, or None."""
        rec = self.messages.get(full)
        if rec is not None:
            return rec.desc
        hit = self._lookup(full)
        if hit is None or not hasattr(hit[0], "field"):
            return None
        return hit[0]

    def enum_desc(self, full: str) -> Any | None:
        rec = self.enums.get(full)
        if rec is not None:
            return rec.desc
        hit = self._lookup(full)
        if hit is None or not hasattr(hit[0], "value"):
            return None
        return hit[0]


def _any_nested(m: Any, attr: str) -> bool:
    if len(getattr(m, attr)):
        return True
    return any(_any_nested(n, attr) for n in m.nested_type)


def same_file_content(a: Any, b: Any) -> bool:
    """Whether two FileDescriptorProtos define the same things (source info and imports aside)."""
    return (
        a.package == b.package
        and a.syntax == b.syntax
        and a.edition == b.edition
        and a.message_type == b.message_type
        and a.enum_type == b.enum_type
        and a.service == b.service
        and a.extension == b.extension
        and a.options == b.options
    )

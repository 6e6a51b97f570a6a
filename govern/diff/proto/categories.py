"""Frozen category membership of the protobuf breaking rules, per buf.yaml configuration version.

The rule ids and the categories they belong to are buf's public vocabulary (buf v1.75,
`buf config ls-breaking-rules --version v1|v2`). The categories grade strictness:
FILE (strictest, generated code per file) > PACKAGE (generated code per package) > WIRE_JSON
(binary and JSON encoding) > WIRE (binary encoding only). A stricter category does not simply
contain the rules of a laxer one: FILE checks FIELD_SAME_TYPE where WIRE checks the weaker
FIELD_WIRE_COMPATIBLE_TYPE, for instance. CSR (Confluent Schema Registry) is a v2-only category.
"""

from __future__ import annotations

from functools import lru_cache
from types import MappingProxyType
from typing import Mapping

CATEGORIES: tuple[str, ...] = ("FILE", "PACKAGE", "WIRE_JSON", "WIRE")
V2_CATEGORIES: tuple[str, ...] = (*CATEGORIES, "CSR")
VERSIONS: tuple[str, ...] = ("v1", "v2")
DEFAULT_VERSION = "v2"
DEFAULT_USE: tuple[str, ...] = ("FILE",)

_F, _P, _J, _W, _C = "FILE", "PACKAGE", "WIRE_JSON", "WIRE", "CSR"
_FP = (_F, _P)
_FPJ = (_F, _P, _J)
_ALL4 = (_F, _P, _J, _W)

# rule id -> categories, for buf.yaml version v2 (also the default when there is no buf.yaml).
_V2: dict[str, tuple[str, ...]] = {
    # Deletions within a file.
    "FILE_NO_DELETE": (_C, _F),
    "MESSAGE_NO_DELETE": (_C, _F),
    "ENUM_NO_DELETE": (_C, _F),
    "SERVICE_NO_DELETE": (_F,),
    "EXTENSION_NO_DELETE": (_F,),
    # Deletions within a package.
    "PACKAGE_NO_DELETE": (_P,),
    "PACKAGE_MESSAGE_NO_DELETE": (_P,),
    "PACKAGE_ENUM_NO_DELETE": (_P,),
    "PACKAGE_SERVICE_NO_DELETE": (_P,),
    "PACKAGE_EXTENSION_NO_DELETE": (_P,),
    # Generated-code identity.
    "ENUM_SAME_TYPE": _FP,
    "FIELD_SAME_CARDINALITY": _FP,
    "FIELD_SAME_CPP_STRING_TYPE": _FP,
    "FIELD_SAME_JAVA_UTF8_VALIDATION": _FP,
    "FIELD_SAME_JSTYPE": _FP,
    "FIELD_SAME_UTF8_VALIDATION": _FP,
    "FILE_SAME_CC_ENABLE_ARENAS": _FP,
    "FILE_SAME_CC_GENERIC_SERVICES": _FP,
    "FILE_SAME_CSHARP_NAMESPACE": _FP,
    "FILE_SAME_GO_PACKAGE": _FP,
    "FILE_SAME_JAVA_GENERIC_SERVICES": _FP,
    "FILE_SAME_JAVA_MULTIPLE_FILES": _FP,
    "FILE_SAME_JAVA_OUTER_CLASSNAME": _FP,
    "FILE_SAME_JAVA_PACKAGE": _FP,
    "FILE_SAME_OBJC_CLASS_PREFIX": _FP,
    "FILE_SAME_OPTIMIZE_FOR": _FP,
    "FILE_SAME_PHP_CLASS_PREFIX": _FP,
    "FILE_SAME_PHP_METADATA_NAMESPACE": _FP,
    "FILE_SAME_PHP_NAMESPACE": _FP,
    "FILE_SAME_PY_GENERIC_SERVICES": _FP,
    "FILE_SAME_RUBY_PACKAGE": _FP,
    "FILE_SAME_SWIFT_PREFIX": _FP,
    "RPC_NO_DELETE": _FP,
    "ENUM_VALUE_NO_DELETE": (_C, *_FP),
    "EXTENSION_MESSAGE_NO_DELETE": (_C, *_FP),
    "FIELD_NO_DELETE": (_C, *_FP),
    "FIELD_SAME_TYPE": (_C, *_FP),
    "FILE_SAME_SYNTAX": (_C, *_FP),
    "MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR": (_C, *_FP),
    "ONEOF_NO_DELETE": (_C, *_FP),
    # JSON encoding.
    "ENUM_SAME_JSON_FORMAT": (_C, *_FPJ),
    "ENUM_VALUE_SAME_NAME": (_C, *_FPJ),
    "FIELD_SAME_JSON_NAME": (_C, *_FPJ),
    "FIELD_SAME_NAME": (_C, *_FPJ),
    "MESSAGE_SAME_JSON_FORMAT": (_C, *_FPJ),
    # Binary encoding (every category).
    "FIELD_SAME_DEFAULT": (_C, *_ALL4),
    "FIELD_SAME_ONEOF": (_C, *_ALL4),
    "FILE_SAME_PACKAGE": (_C, *_ALL4),
    "MESSAGE_SAME_REQUIRED_FIELDS": (_C, *_ALL4),
    "RESERVED_ENUM_NO_DELETE": (_C, *_ALL4),
    "RESERVED_MESSAGE_NO_DELETE": (_C, *_ALL4),
    "RPC_SAME_CLIENT_STREAMING": (_C, *_ALL4),
    "RPC_SAME_IDEMPOTENCY_LEVEL": (_C, *_ALL4),
    "RPC_SAME_REQUEST_TYPE": (_C, *_ALL4),
    "RPC_SAME_RESPONSE_TYPE": (_C, *_ALL4),
    "RPC_SAME_SERVER_STREAMING": (_C, *_ALL4),
    # The lenient twins used by WIRE_JSON and WIRE instead of the strict rules above.
    "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED": (_C, _J),
    "FIELD_NO_DELETE_UNLESS_NAME_RESERVED": (_C, _J),
    "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY": (_C, _J),
    "FIELD_WIRE_JSON_COMPATIBLE_TYPE": (_C, _J),
    "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED": (_C, _J, _W),
    "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED": (_C, _J, _W),
    "FIELD_WIRE_COMPATIBLE_CARDINALITY": (_W,),
    "FIELD_WIRE_COMPATIBLE_TYPE": (_W,),
}

# v1 has no CSR category and lacks three rules that v2 added.
_V1_MISSING = frozenset({"EXTENSION_NO_DELETE", "PACKAGE_EXTENSION_NO_DELETE", "FIELD_SAME_DEFAULT"})
_V1: dict[str, tuple[str, ...]] = {
    rid: tuple(c for c in cats if c != _C) for rid, cats in _V2.items() if rid not in _V1_MISSING
}

MEMBERSHIP: Mapping[str, Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {"v1": MappingProxyType(_V1), "v2": MappingProxyType(_V2)}
)

# Deprecated ids a buf.yaml may still name, and the rules they stand for (empty: no longer checked).
DEPRECATED: Mapping[str, Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "v1": MappingProxyType(
            {
                "FIELD_SAME_CTYPE": ("FIELD_SAME_CPP_STRING_TYPE",),
                "FIELD_SAME_LABEL": (
                    "FIELD_SAME_CARDINALITY",
                    "FIELD_WIRE_COMPATIBLE_CARDINALITY",
                    "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
                ),
                "FILE_SAME_JAVA_STRING_CHECK_UTF8": ("FIELD_SAME_JAVA_UTF8_VALIDATION",),
                "FILE_SAME_PHP_GENERIC_SERVICES": (),
                "MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT": (),
            }
        ),
        "v2": MappingProxyType({"MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT": ()}),
    }
)

ALL_RULE_IDS: frozenset[str] = frozenset(_V2)


def categories_of(version: str = DEFAULT_VERSION) -> tuple[str, ...]:
    return V2_CATEGORIES if version == "v2" else CATEGORIES


@lru_cache(maxsize=None)
def members(category: str, version: str = DEFAULT_VERSION) -> frozenset[str]:
    """The rule ids of one category."""
    return frozenset(rid for rid, cats in MEMBERSHIP[version].items() if category in cats)


@lru_cache(maxsize=None)
def expand(name: str, version: str = DEFAULT_VERSION) -> frozenset[str] | None:
    """The rule ids a `use`/`except`/`ignore_only` entry stands for; None if it is unknown."""
    if name in categories_of(version):
        return members(name, version)
    if name in MEMBERSHIP[version]:
        return frozenset({name})
    replaced = DEPRECATED[version].get(name)
    if replaced is not None:
        return frozenset(replaced)
    return None


def select(use: tuple[str, ...], except_: tuple[str, ...], version: str = DEFAULT_VERSION) -> frozenset[str]:
    """Rule ids enabled by `use` minus `except` (entries must be known: see `expand`)."""
    chosen: set[str] = set()
    for name in use or DEFAULT_USE:
        chosen |= expand(name, version) or frozenset()
    for name in except_:
        chosen -= expand(name, version) or frozenset()
    return frozenset(chosen)

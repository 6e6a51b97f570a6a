"""Governance rules for protobuf, on the compiled FileDescriptorProtos (with source info).

Only the files given to lint are checked, not their imports. Locations come from the
descriptors' SourceCodeInfo paths (field numbers of descriptor.proto), so they point at the
exact name in the .proto file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from govern.lint.base import Hit, lint_rule
from govern.load.model import Contract
from govern.rules.finding import Level, Location

ON = "proto"
PACKAGE_VERSION = re.compile(r"^v\d+(?:(?:alpha|beta)\d*)?$")
LOWER_SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")

# Field numbers in descriptor.proto, as used in SourceCodeInfo paths.
FILE_PACKAGE, FILE_MESSAGE, FILE_ENUM, FILE_SERVICE, FILE_EXTENSION, FILE_SYNTAX = 2, 4, 5, 6, 7, 12
MSG_FIELD, MSG_NESTED, MSG_ENUM, MSG_EXTENSION = 2, 3, 4, 6
ENUM_VALUE = 2
SERVICE_METHOD = 2
METHOD_INPUT, METHOD_OUTPUT = 2, 3
NAME = 1


@dataclass(frozen=True)
class Item:
    """A descriptor with its file, full name and SourceCodeInfo path."""

    file: str
    full: str
    desc: Any
    path: tuple[int, ...]


class ProtoView:
    """The input files of a compiled proto contract, walked once."""

    def __init__(self, contract: Contract) -> None:
        from govern.load.proto import locate

        self.contract = contract
        self._locate = locate
        inputs = set(contract.files)
        self.files = [fd for fd in contract.descriptors.file if fd.name in inputs] if contract.descriptors else []
        self.messages: list[Item] = []
        self.enums: list[Item] = []
        for fd in self.files:
            prefix = f"{fd.package}." if fd.package else ""
            for i, e in enumerate(fd.enum_type):
                self.enums.append(Item(fd.name, prefix + e.name, e, (FILE_ENUM, i)))
            for i, m in enumerate(fd.message_type):
                self._message(fd.name, prefix + m.name, m, (FILE_MESSAGE, i))

    def _message(self, file: str, full: str, msg: Any, path: tuple[int, ...]) -> None:
        self.messages.append(Item(file, full, msg, path))
        for i, e in enumerate(msg.enum_type):
            self.enums.append(Item(file, f"{full}.{e.name}", e, (*path, MSG_ENUM, i)))
        for i, nested in enumerate(msg.nested_type):
            self._message(file, f"{full}.{nested.name}", nested, (*path, MSG_NESTED, i))

    def locate(self, file: str, path: tuple[int, ...]) -> Location:
        return self._locate(self.contract, file, path)


def upper_snake(name: str) -> str:
    """`PaymentStatus` -> `PAYMENT_STATUS`, `HTTPMethod` -> `HTTP_METHOD`."""
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    return re.sub(r"_+", "_", s).upper()


@lint_rule(
    "proto-package-versioned",
    on=ON,
    level=Level.WARN,
    description="A file's package does not end in a version component (v1, v1alpha1, v2beta1, ...).",
    why="A versioned package lets v2 live beside v1 while clients migrate; an unversioned one "
    "forces every breaking change onto existing clients.",
)
def package_versioned(v: ProtoView) -> Iterator[Hit]:
    for fd in v.files:
        if not fd.package:
            yield Hit(f"{fd.name} declares no package; use e.g. `package acme.orders.v1;`", v.locate(fd.name, (FILE_SYNTAX,)))
        elif not PACKAGE_VERSION.match(fd.package.rsplit(".", 1)[-1]):
            yield Hit(
                f"package {fd.package!r} does not end in a version such as .v1, .v1alpha1 or .v1beta1",
                v.locate(fd.name, (FILE_PACKAGE,)),
            )


@lint_rule(
    "proto-enum-zero-unspecified",
    on=ON,
    level=Level.WARN,
    description="An enum's zero value is not named `<ENUM_NAME>_UNSPECIFIED` (e.g. `ORDER_STATUS_UNSPECIFIED`).",
    why="An unset enum field reads as its zero value; if zero means something real (ACTIVE), "
    "\"not set\" and that value cannot be told apart.",
)
def enum_zero_unspecified(v: ProtoView) -> Iterator[Hit]:
    for enum in v.enums:
        want = upper_snake(enum.desc.name) + "_UNSPECIFIED"
        zeros = [(i, val) for i, val in enumerate(enum.desc.value) if val.number == 0]
        if not zeros:
            yield Hit(f"enum {enum.full} has no zero value; add {want} = 0", v.locate(enum.file, (*enum.path, NAME)))
        elif all(val.name != want for _, val in zeros):
            i, val = zeros[0]
            yield Hit(
                f"zero value {val.name} of enum {enum.full} should be named {want}",
                v.locate(enum.file, (*enum.path, ENUM_VALUE, i, NAME)),
            )


def lower_snake(name: str) -> str:
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    return re.sub(r"_+", "_", s).strip("_").lower()


@lint_rule(
    "proto-field-lower-snake-case",
    on=ON,
    level=Level.WARN,
    description="A field name is not lower_snake_case.",
    why="protoc derives JSON names and each language's accessors from field names assuming "
    "lower_snake_case; other styles give surprising JSON names and accessors.",
)
def field_lower_snake_case(v: ProtoView) -> Iterator[Hit]:
    for msg in v.messages:
        if msg.desc.options.map_entry:
            continue
        for kind, fields in ((MSG_FIELD, msg.desc.field), (MSG_EXTENSION, msg.desc.extension)):
            for i, f in enumerate(fields):
                if not LOWER_SNAKE.match(f.name):
                    yield Hit(
                        f"field {f.name!r} of {msg.full} is not lower_snake_case (use {lower_snake(f.name)!r})",
                        v.locate(msg.file, (*msg.path, kind, i, NAME)),
                    )
    for fd in v.files:
        for i, f in enumerate(fd.extension):
            if not LOWER_SNAKE.match(f.name):
                yield Hit(
                    f"extension {f.name!r} is not lower_snake_case (use {lower_snake(f.name)!r})",
                    v.locate(fd.name, (FILE_EXTENSION, i, NAME)),
                )


@lint_rule(
    "proto-rpc-messages-unique",
    on=ON,
    level=Level.WARN,
    description="A message is the request or response of more than one RPC (or both of one).",
    why="A shared message cannot grow a field for one RPC without changing the others; one "
    "request and one response message per RPC keeps each evolvable on its own.",
)
def rpc_messages_unique(v: ProtoView) -> Iterator[Hit]:
    first: dict[str, str] = {}
    for fd in v.files:
        prefix = f"{fd.package}." if fd.package else ""
        for s, service in enumerate(fd.service):
            for m, method in enumerate(service.method):
                rpc = f"{prefix}{service.name}.{method.name}"
                for role, type_name, field in (
                    ("request", method.input_type, METHOD_INPUT),
                    ("response", method.output_type, METHOD_OUTPUT),
                ):
                    name = type_name.lstrip(".")
                    use = f"the {role} of {rpc}"
                    if name in first:
                        yield Hit(
                            f"{name} is {use} and also {first[name]}; give each RPC its own request and response messages",
                            v.locate(fd.name, (FILE_SERVICE, s, SERVICE_METHOD, m, field)),
                        )
                    else:
                        first[name] = use

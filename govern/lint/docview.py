"""A read-only view of a loaded YAML/JSON contract for governance rules: safe `$ref` following,
locations, and a walk over every JSON Schema the document holds.

Rules may meet documents that are only partly what the specification says (lint runs them on
contracts loaded in mode "collect"), so every accessor here checks types instead of assuming
them and answers "nothing there" rather than raising.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from govern.errors import InputError
from govern.load.model import Contract
from govern.load.refs import RefResolver, Target, pointer_join
from govern.rules.finding import Location

# Keywords whose value is one schema, a list of schemas, or a map of name -> schema.
SCHEMA_ONE = (
    "items", "additionalProperties", "additionalItems", "contains", "not", "if", "then", "else",
    "propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema",
)
SCHEMA_LIST = ("allOf", "anyOf", "oneOf", "prefixItems", "items")
SCHEMA_MAP = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
# Keywords whose subschemas constrain instances that other schemas declare (`if: {properties:
# {kind: {const: x}}}`) rather than declaring anything themselves.
CONSTRAINT = frozenset({"if", "then", "else", "not", "contains", "propertyNames", "dependentSchemas"})
# Keys of non-schema objects whose values are literal data or never hold schemas.
LITERAL = frozenset({"example", "examples", "enum", "const", "default", "securitySchemes", "links",
                     "discriminator", "externalDocs", "tags", "info", "servers", "security"})


@dataclass(frozen=True)
class Node:
    """A node of a document: its value, the file it lives in and its JSON pointer there."""

    file: str
    pointer: str
    value: Any
    constraint: bool = False  # a schema reached only through if/then/else/not/... (see CONSTRAINT)

    def child(self, key: str | int) -> Node | None:
        v = self.value
        if isinstance(v, dict) and isinstance(key, str) and key in v:
            return Node(self.file, pointer_join(self.pointer, key), v[key])
        if isinstance(v, list) and isinstance(key, int) and 0 <= key < len(v):
            return Node(self.file, f"{self.pointer}/{key}", v[key])
        return None

    def items(self) -> Iterator[tuple[str, Node]]:
        """(key, child) of a mapping in document order; nothing for anything else."""
        if isinstance(self.value, dict):
            for key, value in self.value.items():
                yield str(key), Node(self.file, pointer_join(self.pointer, str(key)), value)

    def elements(self) -> Iterator[Node]:
        if isinstance(self.value, list):
            for i, value in enumerate(self.value):
                yield Node(self.file, f"{self.pointer}/{i}", value)

    def get(self, key: str, default: Any = None) -> Any:
        return self.value.get(key, default) if isinstance(self.value, dict) else default


class DocView:
    """One YAML/JSON contract as governance rules see it."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.refs = RefResolver.of(contract)
        self.root_file = contract.document.path if contract.document else contract.path
        self.root = Node(self.root_file, "", contract.data)

    def deref(self, node: Node | None) -> Node | None:
        """Follow `$ref`s from `node` to the node they lead to (None when a ref cannot be followed)."""
        if node is None:
            return None
        try:
            target: Target = self.refs.deref(node.value, node.file, node.pointer)
        except (InputError, KeyError, ValueError, TypeError):
            return None
        return Node(target.file, target.pointer, target.node)

    def at(self, *keys: str | int) -> Node | None:
        """The node at `keys` from the root document, following refs on the way."""
        node: Node | None = self.root
        for key in keys:
            node = self.deref(node)
            node = node.child(key) if node is not None else None
            if node is None:
                return None
        return node

    def locate(self, node: Node, *keys: str) -> Location:
        pointer = node.pointer
        for key in keys:
            pointer = pointer_join(pointer, key)
        return self.refs.locate(node.file, pointer)

    # ------------------------------------------------------------ schemas

    def schemas(self, starts: list[tuple[Node, bool]]) -> Iterator[Node]:
        """Every schema object reachable from `starts` ((node, is_schema) pairs), each once.

        Outside schemas, a `schema` key starts a schema (OpenAPI parameters, headers, media
        types); refs are followed everywhere; literal data (examples, enums, extensions) is
        skipped. A schema reached only through a CONSTRAINT keyword comes with `constraint` set;
        one reached both ways comes once, without it.
        """
        stack = [(node, in_schema, False) for node, in_schema in reversed(starts)]
        seen: set[tuple[str, str, bool, bool]] = set()
        found: dict[tuple[str, str], Node] = {}
        while stack:
            node, in_schema, cond = stack.pop()
            key = (node.file, node.pointer, in_schema, cond)
            if key in seen or not isinstance(node.value, (dict, list)):
                continue
            seen.add(key)
            value = node.value
            if isinstance(value, list):
                if not in_schema:
                    stack.extend((n, False, cond) for n in reversed(list(node.elements())))
                continue
            if isinstance(value.get("$ref"), str):
                target = self.deref(node)
                if target is not None and (target.file, target.pointer) != (node.file, node.pointer):
                    stack.append((target, in_schema, cond))
                if not in_schema:
                    continue
            if in_schema:
                where = (node.file, node.pointer)
                if where not in found or (found[where].constraint and not cond):
                    found[where] = Node(node.file, node.pointer, node.value, cond)
                stack.extend((n, True, cond or k in CONSTRAINT) for k, n in reversed(list(_subschemas(node))))
                continue
            for k, child in reversed(list(node.items())):
                if k.startswith("x-") or k in LITERAL:
                    continue
                if k == "schema" and isinstance(child.value, dict):
                    stack.append((child, True, cond))
                elif k == "schemas" and node.pointer.endswith("/components"):
                    stack.extend((n, True, cond) for _, n in reversed(list(child.items())))
                elif isinstance(child.value, (dict, list)):
                    stack.append((child, False, cond))
        yield from found.values()


def _subschemas(schema: Node) -> Iterator[tuple[str, Node]]:
    """(keyword, subschema) of a schema."""
    for key, child in schema.items():
        if key in SCHEMA_MAP and isinstance(child.value, dict):
            yield from ((key, n) for _, n in child.items())
        elif key in SCHEMA_LIST and isinstance(child.value, list):
            yield from ((key, n) for n in child.elements())
        elif key in SCHEMA_ONE and isinstance(child.value, dict):
            yield key, child

"""Governance rules on the JSON Schemas inside an OpenAPI document: property types and casing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from govern.lint.base import Hit, lint_rule
from govern.lint.docview import Node
from govern.lint.openapi_rules import OpenAPIView
from govern.rules.finding import Level, Location

ON = "openapi"
TYPED_BY = ("type", "$ref", "$dynamicRef", "allOf", "anyOf", "oneOf")
STYLES = {
    "snake_case": re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$"),
    "camelCase": re.compile(r"^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$"),
}


@dataclass(frozen=True)
class Property:
    name: str
    schema: Node  # the property's own schema
    location: Location


def properties(v: OpenAPIView) -> list[Property]:
    """Every property of every schema in the document (and the files it references), in file and
    line order. Computed once per view."""
    cached: list[Property] | None = getattr(v, "_properties", None)
    if cached is not None:
        return cached
    found: list[Property] = []
    for schema in v.all_schemas:
        if schema.constraint:
            continue  # `if: {properties: {kind: {const: x}}}` constrains, it declares nothing
        props = schema.child("properties")
        if props is None:
            continue
        for name, sub in props.items():
            found.append(Property(name, sub, v.locate(sub)))
    root = v.root_file
    found.sort(key=lambda p: (p.location.file != root, p.location.file or "", p.location.line or 0))
    v._properties = found  # type: ignore[attr-defined]
    return found


@lint_rule(
    "openapi-property-type",
    on=ON,
    level=Level.WARN,
    description="A schema property has no type: neither `type` nor a `$ref` or composition "
    "(allOf/anyOf/oneOf).",
    why="An untyped property accepts anything; generators turn it into an untyped value and "
    "validators cannot catch a producer sending the wrong kind of data.",
)
def property_type(v: OpenAPIView) -> Iterator[Hit]:
    typed_nearby = _typed_in_composition(v)
    for prop in properties(v):
        owner = prop.schema.pointer.rsplit("/", 2)[0]
        if prop.name in typed_nearby.get((prop.schema.file, owner), ()):
            continue  # allOf: [{$ref: Base}, {properties: {name: {maxLength: 20}}}] refines Base's type
        if isinstance(prop.schema.value, dict) and not any(k in prop.schema.value for k in TYPED_BY):
            yield Hit(f"property {prop.name!r} has no type (add `type`, a `$ref` or allOf/anyOf/oneOf)", prop.location)


def _typed(schema: object) -> bool:
    return isinstance(schema, dict) and any(k in schema for k in TYPED_BY)


def _typed_in_composition(v: OpenAPIView) -> dict[tuple[str, str], set[str]]:
    """(file, schema pointer) -> names of properties some other member of the same composition
    (the schema holding allOf/anyOf/oneOf, and each branch) gives a type."""
    out: dict[tuple[str, str], set[str]] = {}
    for schema in v.all_schemas:
        branches = [schema]
        for keyword in ("allOf", "anyOf", "oneOf"):
            listed = schema.child(keyword)
            for raw in listed.elements() if listed is not None else ():
                target = v.deref(raw)
                if target is not None:
                    branches.append(target)
        if len(branches) == 1:
            continue
        typed: set[str] = set()
        for member in branches:
            props = member.get("properties")
            if isinstance(props, dict):
                typed |= {str(name) for name, sub in props.items() if _typed(sub)}
        for member in branches:
            out.setdefault((member.file, member.pointer), set()).update(typed)
    return out


def style_of(name: str) -> str | None:
    """`snake_case`, `camelCase`, or None for a name that is both or neither (`id`, `URL`)."""
    for style, pattern in STYLES.items():
        if pattern.match(name):
            return style
    return None


@lint_rule(
    "openapi-property-casing",
    on=ON,
    level=Level.WARN,
    description="Property names mix camelCase and snake_case within one document; the minority "
    "style is reported (one-word names count as either).",
    why="Clients guess names from the ones they have seen; a mix is how `customerId` gets sent to "
    "an API that expects `customer_id` and is silently ignored.",
)
def property_casing(v: OpenAPIView) -> Iterator[Hit]:
    props = [(p, style_of(p.name)) for p in properties(v)]
    names: dict[str, set[str]] = {style: set() for style in STYLES}
    order: list[str] = []
    for prop, style in props:
        if style is not None:
            names[style].add(prop.name)
            if style not in order:
                order.append(style)
    if len(order) < 2:
        return
    dominant = max(order, key=lambda s: (len(names[s]), -order.index(s)))
    counts = ", ".join(f"{len(names[s])} {s}" for s in order)
    for prop, style in props:
        if style is not None and style != dominant:
            yield Hit(
                f"property {prop.name!r} is {style} but this document mostly uses {dominant} "
                f"({counts} property names)",
                prop.location,
            )

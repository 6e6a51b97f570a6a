"""Schema changes in OpenAPI terms: one comparison, then named per place and direction.

For each pair of schemas (a request or response body, a parameter, a response header) this
module
1. asks the shared JSON Schema comparator (govern.diff.schema) for the differences, and walks
   the matched subschema pairs for the OpenAPI-only keywords the comparator does not know
   (`schema_walk`), producing context-free `Change`s (memoized per pair of resolved schemas, so a
   shared `$ref` target is compared once however many operations use it);
2. names each change with an oasdiff rule id for its place: the subject (`request-body`,
   `request-property`, `response-body`, `response-property`, `request-parameter`,
   `request-parameter-property`, `request-header-property`, `response-header`) plus the kind of
   change (`max-length-decreased`, `became-nullable`, ...). The rule's level carries the direction:
   tightening a request breaks clients, widening a response does.

Changes with no oasdiff id for their place are still reported, as `unclassified-change`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Iterable

from govern.diff.openapi import schema_walk
from govern.diff.openapi.report import Reporter, Scope
from govern.diff.openapi.rules import LEVELS
from govern.diff.openapi.schema_walk import Pair, display_path
from govern.diff.openapi.spec import Where
from govern.rules.finding import Level


@dataclass
class Change:
    """One schema change, before it is named for a place (context-free, cacheable)."""

    kind: str  # the change, e.g. "max-length-decreased", "property-added", "became-nullable"
    path: tuple[str, ...]  # logical path of the subject (empty: the schema itself)
    base: Where | None
    revision: Where | None
    text: str
    details: dict[str, Any] = field(default_factory=dict)
    # Facts about the subject property, for the rules that depend on them.
    required: bool = False  # in its parent's `required` (new side, or old side for removals)
    read_only: bool = False
    write_only: bool = False
    has_default: bool = False
    covers: tuple[Any, ...] = ()  # other places this change explains: Where, or ("base"|"revision", Where)


@dataclass(frozen=True)
class Place:
    """Where a schema sits: request/response, body/parameter/header, and naming helpers."""

    direction: str  # request / response
    area: str  # body / parameter / header
    media: str = ""
    param_in: str = ""
    name: str = ""

    def prefix(self, is_root: bool) -> str:
        if self.area == "body":
            return f"{self.direction}-body" if is_root else f"{self.direction}-property"
        if self.area == "parameter":
            return "request-parameter" if is_root else "request-parameter-property"
        return "response-header" if is_root else "response-header-property"

    def noun(self, path: tuple[str, ...]) -> str:
        where = display_path(path)
        if self.area == "body":
            base = f"{self.direction} body"
            return f"{self.direction} property {where!r}" if where else base
        if self.area == "parameter":
            base = f"{self.param_in} parameter {self.name!r}"
            return f"{base} property {where!r}" if where else base
        base = f"response header {self.name!r}"
        return f"{base} property {where!r}" if where else base


# ---------------------------------------------------------------- entry points (called by checks)


def compare_body(rep: Reporter, scope: Scope, direction: str, media: str, old: Any, old_where: Where, new: Any, new_where: Where) -> None:
    place = Place(direction, "body", media=media)
    changes = _changes(rep, old, old_where, new, new_where, direction == "response")
    if _loosely_typed(media):
        changes = [_loose_type(c) for c in changes]
    _emit(rep, scope, place, changes)


def _loosely_typed(media: str) -> bool:
    """XML bodies: the same document reads as a string or as an object, so the two are interchangeable."""
    essence = media.split(";", 1)[0].strip().lower()
    return essence.endswith("/xml") or essence.endswith("+xml")


def _loose_type(c: Change) -> Change:
    if c.kind not in ("type-changed", "type-generalized", "type-specialized"):
        return c
    types = {tuple(c.details.get("old") or ()), tuple(c.details.get("new") or ())}
    if types != {("string",), ("object",)}:
        return c
    return Change("type-compatible", c.path, c.base, c.revision, c.text + " (an XML body reads as either)", dict(c.details),
                  c.required, c.read_only, c.write_only, c.has_default)


def compare_parameter(rep: Reporter, scope: Scope, old_param: Any, new_param: Any, old: Any, old_where: Where | None, new: Any, new_where: Where | None) -> None:
    if old_where is None or new_where is None:
        return
    place = Place("request", "parameter", param_in=new_param.location, name=new_param.name)
    changes = _changes(rep, old, old_where, new, new_where)
    changes = _parameter_types(rep, new_param, changes)
    _emit(rep, scope, place, changes)


def compare_header(rep: Reporter, scope: Scope, name: str, old: Any, old_where: Where, new: Any, new_where: Where) -> None:
    place = Place("response", "header", name=name)
    _emit(rep, scope, place, _changes(rep, old, old_where, new, new_where, True))


_SCALARS = frozenset({"string", "number", "integer", "boolean"})


def _parameter_types(rep: Reporter, new_param: Any, changes: list[Change]) -> list[Change]:
    """Parameter values travel as strings: re-judge type changes with that in mind.

    - to `string` from another type accepts every value sent before (reported as changed, not
      narrowed); from `string` to another type rejects values sent before (specialized);
    - a scalar query/cookie parameter in form style with explode (the default) that becomes an
      array of unconstrained strings accepts every value sent before (`?a=x` parses as `["x"]`).
    """
    out: list[Change] = []
    for c in changes:
        if not c.kind.startswith("type-"):
            out.append(c)
            continue
        old_t = set(c.details.get("old") or []) - {"null"}
        new_t = set(c.details.get("new") or []) - {"null"}
        kind = c.kind
        if old_t and new_t and old_t <= _SCALARS and new_t == {"array"} and not c.path:
            kind = "type-generalized" if _form_explode(new_param) and _any_string_items(rep, new_param) else "type-changed"
        elif new_t == {"string"} and old_t and old_t != {"string"} and old_t <= _SCALARS:
            kind = "type-changed"
        elif old_t == {"string"} and new_t and "string" not in new_t:
            kind = "type-specialized"
        if kind != c.kind:
            c = Change(kind, c.path, c.base, c.revision, c.text, dict(c.details), c.required, c.read_only, c.write_only, c.has_default)
        out.append(c)
    return out


def _form_explode(param: Any) -> bool:
    node = param.node
    style = node.get("style", "form" if param.location in ("query", "cookie") else "simple")
    explode = node.get("explode", style == "form")
    return style == "form" and explode is True and param.location in ("query", "cookie")


def _any_string_items(rep: Reporter, param: Any) -> bool:
    from govern.diff.openapi.checks_params import param_schema

    schema, where = param_schema(rep.revision, param)
    if not isinstance(schema, dict) or where is None:
        return False
    items, _ = rep.revision.get(schema, where, "items")
    if not isinstance(items, dict):
        return False
    return set(items) <= {"type", "title", "description", "example", "examples"} and items.get("type") in ("string", None)


# ---------------------------------------------------------------- analysis (memoized)


def _changes(rep: Reporter, old: Any, old_where: Where, new: Any, new_where: Where, reverse: bool = False) -> list[Change]:
    """The changes from `old` to `new`, judged forward (requests) or in reverse (responses).

    The schemas are cut into units at `$ref`s: each pair of referenced subschemas is analysed
    once per diff (`_unit`), and a root collects the units it reaches, each at its shortest path,
    so a change inside a shared component is reported once per place that uses the component.
    """
    if rep.same(old, new):
        return []
    cache: dict[tuple[int, int, bool], tuple[Any, Any, list[Change]]] = rep.__dict__.setdefault("_schema_cache", {})
    old_r, ow = rep.base.deref(old, old_where)
    new_r, nw = rep.revision.deref(new, new_where)
    key = (id(old_r), id(new_r), reverse)
    hit = cache.get(key)
    if hit is not None and hit[0] is old_r and hit[1] is new_r:
        return hit[2]
    from govern.diff.openapi import schema_keywords

    result: list[Change] = []
    if isinstance(old_r, dict) and isinstance(new_r, dict):
        result.extend(schema_keywords.changes(rep, Pair(old_r, ow, new_r, nw, ())))
        units = rep.__dict__.setdefault("_units", {})
        root = _unit(rep, old_r, ow, new_r, nw, reverse)
        visited = {root}
        queue: list[tuple[tuple[int, int, bool], tuple[str, ...]]] = [(root, ())]
        i = 0
        while i < len(queue):
            ukey, prefix = queue[i]
            i += 1
            unit = units[ukey][2]
            if prefix:
                result.extend(_at(c, prefix) for c in unit.changes)
            else:
                result.extend(unit.changes)
            for rel, child_key in unit.children:
                if child_key not in visited:
                    visited.add(child_key)
                    queue.append((child_key, prefix + rel))
        wrapped = [c.path for c in result if c.kind == "wrapped-in-one-of"]
        if wrapped:
            result = [c for c in result if c.kind == "wrapped-in-one-of" or not any(c.path[: len(w) + 1] == w + ("oneOf",) for w in wrapped)]
    cache[key] = (old_r, new_r, result)
    return result


def _at(change: Change, prefix: tuple[str, ...]) -> Change:
    moved = copy.copy(change)
    moved.path = prefix + change.path
    return moved


@dataclass
class _Unit:
    """The changes inside one pair of subschemas, up to the `$ref`s it holds (its children)."""

    changes: list[Change] = field(default_factory=list)
    children: list[tuple[tuple[str, ...], tuple[int, int, bool]]] = field(default_factory=list)


def _unit(rep: Reporter, old: Any, ow: Where, new: Any, nw: Where, reverse: bool) -> tuple[int, int, bool]:
    from govern.diff.openapi import schema_diffs, schema_keywords

    units: dict[tuple[int, int, bool], tuple[Any, Any, _Unit]] = rep.__dict__.setdefault("_units", {})
    key = (id(old), id(new), reverse)
    hit = units.get(key)
    if hit is not None and hit[0] is old and hit[1] is new:
        return key
    unit = _Unit()
    units[key] = (old, new, unit)  # registered first: a recursive schema finds itself here
    seen: list[tuple[str, ...]] = []
    unit.changes.extend(schema_diffs.changes(rep, old, ow, new, nw, seen=seen, reverse=reverse, unit=True))
    boundaries: list[Pair] = []
    for pair in schema_walk.walk(rep.base, old, ow, rep.revision, new, nw, same=rep.same, boundaries=boundaries):
        if pair.path:
            unit.changes.extend(schema_keywords.changes(rep, pair))
        if _opaque(pair.path, seen):
            # A subschema the comparator judged as a whole (not, if/then/else, a combinator
            # branch) or not at all (annotations like contentSchema, keywords that do not apply to
            # the declared type): compare it on its own so changes inside are named like any other.
            depth = len(pair.path)
            if not any(len(p) > depth and p[:depth] == pair.path for p in seen):
                negated = "not" in pair.path
                for c in schema_diffs.changes(rep, pair.old, pair.old_where, pair.new, pair.new_where, prefix=pair.path, seen=seen, reverse=reverse, unit=True):
                    if negated:
                        c.details["inside_not"] = "inside `not`: the effect on valid data is inverted"
                    unit.changes.append(c)
    for b in boundaries:
        # The referenced pair's own keywords are judged here, where its place is known (a
        # property, required or not); what lies inside it is the child unit's.
        unit.changes.extend(schema_keywords.changes(rep, b))
        unit.children.append((b.path, _unit(rep, b.old, b.old_where, b.new, b.new_where, reverse)))
    return key


_OPAQUE = frozenset({"not", "if", "then", "else", "contentSchema", "contains", "propertyNames",
                     "unevaluatedItems", "unevaluatedProperties", "additionalItems", "dependentSchemas"})


def _opaque(path: tuple[str, ...], seen: list[tuple[str, ...]] | None = None) -> bool:
    if not path:
        return False
    if path[-1] in _OPAQUE:
        return True
    if len(path) >= 2 and path[-2] in ("prefixItems", "dependentSchemas"):
        return True
    # A combinator branch the comparator judged as a whole (e.g. COMBINED_TYPE_SUBSCHEMAS_CHANGED
    # at the combinator's owner): look inside it.
    return len(path) >= 2 and path[-2] in ("oneOf", "anyOf", "allOf") and seen is not None and path[:-2] in seen


# ---------------------------------------------------------------- naming and emitting

# change kind -> candidate suffixes, tried in order against the subject's prefix.
_ALIASES: dict[str, tuple[str, ...]] = {
    "max-items-set": ("max-items-set", "max-items-decreased"),
    "max-items-unset": ("max-items-unset", "max-items-increased"),
    "min-items-unset": ("min-items-unset", "min-items-decreased"),
    "min-length-set": ("min-length-set", "min-length-increased"),
    "min-length-unset": ("min-length-unset", "min-length-decreased"),
    "max-unset": ("max-unset", "max-increased"),
    "min-unset": ("min-unset", "min-decreased"),
    "exclusive-max-unset": ("exclusive-max-unset", "exclusive-max-increased"),
    "exclusive-min-unset": ("exclusive-min-unset", "exclusive-min-decreased"),
    "max-length-unset": ("max-length-unset", "max-length-increased"),
    "max-contains-set": ("max-contains-set", "max-contains-decreased"),
    "max-contains-unset": ("max-contains-unset", "max-contains-increased"),
    "min-contains-set": ("min-contains-set", "min-contains-increased"),
    "min-contains-unset": ("min-contains-unset", "min-contains-decreased"),
    "pattern-generalized": ("pattern-generalized", "pattern-changed"),
    "type-specialized": ("type-specialized", "type-changed"),
}

# Request-side rules that do not apply to readOnly properties (clients do not send them) and
# response-side rules that do not apply to writeOnly properties (servers do not return them).
_READ_ONLY_VARIANTS = {
    "enum-value-removed": "request-read-only-property-enum-value-removed",
    "max-decreased": "request-read-only-property-max-decreased",
    "exclusive-max-decreased": "request-read-only-property-exclusive-max-decreased",
    "max-length-decreased": "request-read-only-property-max-length-decreased",
    "min-increased": "request-read-only-property-min-increased",
    "exclusive-min-increased": "request-read-only-property-exclusive-min-increased",
}
_WRITE_ONLY_VARIANTS = {
    "enum-value-added": "response-write-only-property-enum-value-added",
    "became-optional": "response-write-only-property-became-optional",
    "became-required": "response-write-only-property-became-required",
}


def rule_for(place: Place, change: Change) -> tuple[str | None, str | None]:
    """(rule id, why it was chosen) for a change at a place; (None, reason) when no id fits."""
    kind = change.kind
    is_root = not change.path
    direction = place.direction
    prop = _subject_is_property(change)

    if kind == "property-added":
        if place.area == "body":
            if direction == "request":
                if change.required and not change.read_only:
                    return ("new-required-request-property-with-default" if change.has_default else "new-required-request-property"), None
                return "new-optional-request-property", None
            if change.write_only:
                return ("response-required-write-only-property-added" if change.required else "response-optional-write-only-property-added"), None
            return ("response-required-property-added" if change.required else "response-optional-property-added"), None
        if place.area == "parameter" and place.param_in == "header" and change.required:
            return "new-required-request-header-property", None
        return None, "property added"
    if kind == "property-removed":
        if place.area == "body":
            if direction == "request":
                return "request-property-removed", None
            if change.write_only:
                return ("response-required-write-only-property-removed" if change.required else "response-optional-write-only-property-removed"), None
            return ("response-required-property-removed" if change.required else "response-optional-property-removed"), None
        return None, "property removed"
    if kind in ("became-required", "became-required-with-default", "became-optional"):
        if place.area == "body":
            if direction == "response" and change.write_only and kind in _WRITE_ONLY_VARIANTS:
                return _WRITE_ONLY_VARIANTS[kind], None
            if direction == "response" and kind == "became-required-with-default":
                kind = "became-required"
            return f"{direction}-property-{kind}", None
        if place.area == "parameter" and place.param_in == "header" and kind == "became-required":
            return "request-header-property-became-required", None
        return None, kind
    if kind.startswith(("became-read-only", "became-not-read-only", "became-write-only", "became-not-write-only")):
        if place.area != "body" or is_root:
            return None, kind
        req = "required" if change.required else "optional"
        rid = f"{direction}-{req}-property-{kind}"
        return (rid if rid in LEVELS else None), kind
    if kind == "became-enum" and place.area == "parameter" and place.param_in == "header" and not is_root:
        return "request-header-property-became-enum", None
    if kind == "enum-value-removed" and place.area == "body" and direction == "response" and is_root:
        return "response-mediatype-enum-value-removed", None
    if kind == "enum-value-added" and place.area == "body" and direction == "response" and is_root:
        return "response-property-enum-value-added", None
    if direction == "request" and place.area == "body" and prop and change.read_only and kind in _READ_ONLY_VARIANTS:
        return _READ_ONLY_VARIANTS[kind], None
    if direction == "response" and place.area == "body" and prop and change.write_only and kind in _WRITE_ONLY_VARIANTS:
        return _WRITE_ONLY_VARIANTS[kind], None
    prefix = place.prefix(is_root)
    for suffix in _ALIASES.get(kind, (kind,)):
        rid = f"{prefix}-{suffix}"
        if rid in LEVELS:
            return rid, None
    # A parameter's nested schema: fall back to the parameter's own rule.
    if place.area == "parameter" and not is_root:
        for suffix in _ALIASES.get(kind, (kind,)):
            rid = f"request-parameter-{suffix}"
            if rid in LEVELS:
                return rid, None
    return None, kind


# Like oasdiff, only these changes are exempt for readOnly properties of requests (clients do not
# send them) and writeOnly properties of responses (servers do not return them); the rest keep
# their level (see docs/openapi-rules.md).
_READ_ONLY_EXEMPT = frozenset({"became-required", "became-required-with-default", "property-added"})
_WRITE_ONLY_EXEMPT = frozenset({"became-optional", "property-removed", "enum-value-added"})


def _subject_is_property(change: Change) -> bool:
    return len(change.path) >= 2 and change.path[-2] == "properties"


def _emit(rep: Reporter, scope: Scope, place: Place, changes: Iterable[Change]) -> None:
    """Report each change at its place. How a change is named at a place is worked out once and
    reused: a shared schema's changes are reported for every operation that uses it."""
    prepared: dict[tuple[int, Place], tuple[Any, ...]] = rep.__dict__.setdefault("_prepared", {})
    for change in changes:
        key = (id(change), place)
        hit = prepared.get(key)
        if hit is None or hit[0] is not change:
            hit = (change, *_prepare(place, change))
            prepared[key] = hit
        _, rid, level, message, details = hit
        rep.add_prepared(rid, scope, message, change.base, change.revision, level, change.covers, details)


def _prepare(place: Place, change: Change) -> tuple[str, Level | None, str, tuple[tuple[str, Any], ...]]:
    """(rule id, level override, message, details) of a change at a place."""
    rid, _ = rule_for(place, change)
    noun = place.noun(change.path)
    details: dict[str, Any] = {}
    path = display_path(change.path)
    if path:
        details["schema_path"] = path
    if place.media:
        details["media_type"] = place.media
    if place.area == "parameter":
        details["parameter"] = place.name
        details["in"] = place.param_in
    if place.area == "header":
        details["header"] = place.name
    details.update(change.details)
    level = None
    inert = details.get("inert") or details.get("inside_not")
    breaks = details.pop("breaks", None)
    if rid is None:
        rid = "unclassified-change"
        details["change"] = change.kind
        if breaks in ("both", place.direction) or change.kind == "cannot-decide":
            level = Level.WARN
            details["may_break"] = f"the JSON Schema comparator judges this {details.get('comparator', change.kind)} breaking for {place.direction}s"
    elif inert and LEVELS[rid] > Level.INFO:
        level = Level.INFO
        details["default_level"] = LEVELS[rid].name
    elif place.direction == "request" and change.read_only and place.area == "body" and LEVELS[rid] > Level.INFO and change.kind in _READ_ONLY_EXEMPT:
        level = Level.INFO
        details["exempt"] = "readOnly property: clients do not send it"
        details["default_level"] = LEVELS[rid].name
    elif place.direction == "response" and change.write_only and place.area == "body" and LEVELS[rid] > Level.INFO and change.kind in _WRITE_ONLY_EXEMPT:
        level = Level.INFO
        details["exempt"] = "writeOnly property: servers do not return it"
        details["default_level"] = LEVELS[rid].name
    clean = tuple((k, v) for k, v in details.items() if v is not None)
    return rid, level, f"{noun}: {change.text}", clean

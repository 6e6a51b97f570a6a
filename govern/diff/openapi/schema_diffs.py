"""Run the shared JSON Schema comparator on two OpenAPI schemas and translate its differences.

The comparator (govern.diff.schema, `Comparator.compare`) answers in schema-registry difference types with
JSON pointers (`MAX_LENGTH_DECREASED #/properties/a/maxLength`). Here each difference becomes a
context-free `Change` ("max-length-decreased" of the subject at `properties/a`), with the source
locations of the subject on both sides; `schema_rules` then names it for its place.

Types the OpenAPI layer judges itself (defaults, const, combinator branches, presence of
2019-09+ keywords, nullability) are skipped here and handled in `schema_keywords`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterator

from govern.diff.openapi.report import Reporter
from govern.diff.openapi.schema_rules import Change
from govern.diff.openapi.schema_walk import crosses_ref, navigate_tokens
from govern.diff.openapi.spec import Side, Where, child

_LIMITS = {
    "MAX_LENGTH": "max-length",
    "MIN_LENGTH": "min-length",
    "MAXIMUM": "max",
    "MINIMUM": "min",
    "EXCLUSIVE_MAXIMUM": "exclusive-max",
    "EXCLUSIVE_MINIMUM": "exclusive-min",
    "MAX_ITEMS": "max-items",
    "MIN_ITEMS": "min-items",
    "MAX_CONTAINS": "max-contains",
    "MIN_CONTAINS": "min-contains",
    "MAX_PROPERTIES": "max-properties",
    "MIN_PROPERTIES": "min-properties",
}
_LIMIT_ACTIONS = {"ADDED": "set", "REMOVED": "unset", "INCREASED": "increased", "DECREASED": "decreased"}

_PROPERTY_ADDED = frozenset({
    "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
    "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
    "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL",
    "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
    "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
    "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
    "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL",
    "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
    "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
})
_PROPERTY_REMOVED = frozenset({
    "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
    "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
})
# Judged in schema_keywords (presence rules, OpenAPI keywords) or by the residue (annotations).
_SKIP = frozenset({
    "ID_CHANGED", "DESCRIPTION_CHANGED", "TITLE_CHANGED", "DEFAULT_CHANGED",
    "DEPENDENCY_ARRAY_ADDED", "DEPENDENCY_ARRAY_REMOVED", "DEPENDENCY_ARRAY_EXTENDED",
    "DEPENDENCY_ARRAY_NARROWED", "DEPENDENCY_ARRAY_CHANGED", "DEPENDENCY_SCHEMA_ADDED",
    "DEPENDENCY_SCHEMA_REMOVED", "CONDITION_ADDED", "CONDITION_REMOVED",
    "UNEVALUATED_PROPERTIES_ADDED", "UNEVALUATED_PROPERTIES_REMOVED",
    "UNEVALUATED_ITEMS_ADDED", "UNEVALUATED_ITEMS_REMOVED",
    "RESERVED_PROPERTY_REMOVED", "RESERVED_PROPERTY_CONFLICTS_WITH_PROPERTY",
    "SUM_TYPE_EXTENDED", "SUM_TYPE_NARROWED", "PRODUCT_TYPE_NARROWED", "COMBINED_TYPE_EXTENDED",
    "COMBINED_TYPE_CHANGED", "COMBINED_TYPE_SUBSCHEMAS_CHANGED", "CONDITION_CHANGED",
})
# Keywords whose appearance or disappearance schema_keywords reports.
_PRESENCE_KEYWORDS = frozenset({"contains", "propertyNames", "if", "then", "else", "unevaluatedItems",
                                "unevaluatedProperties", "contentSchema", "prefixItems", "dependentSchemas",
                                "patternProperties", "const"})
_ANY_PATTERN = re.compile(r"^\^?(\.\*|\[\\s\\S\]\*|\[\\S\\s\]\*|\(\.\*\))\$?$")


@lru_cache(maxsize=65536)
def _tokens(pointer: str) -> tuple[str, ...]:
    text = pointer[1:] if pointer.startswith("#") else pointer
    return tuple(t.replace("~1", "/").replace("~0", "~") for t in text.split("/") if t != "")


def _resolver(side: Side) -> Any:
    """A comparator resolver over one side's documents. Keys: `#/ptr` in the root document,
    `file#/ptr` in any other."""

    def resolve(ref: str) -> tuple[Any, str]:
        ref_file, _, fragment = ref.partition("#")
        found = side.lookup("#" + fragment, (ref_file or side.file, "")) if ref_file in side.documents or not ref_file else side.lookup(ref, (side.file, ""))
        if found is None:
            raise LookupError(f"cannot resolve {ref!r}")
        node, (file, pointer) = found
        key = f"#{pointer}" if file == side.file else f"{file}#{pointer}"
        return node, key

    return resolve


def _comparator(rep: Reporter, reverse: bool) -> Any:
    """One comparator per direction and diff, so shared subschemas are compared once."""
    key = "_comparator_reverse" if reverse else "_comparator_forward"
    found = rep.__dict__.get(key)
    if found is not None:
        return found
    from govern.diff.schema import Comparator, CompareOptions

    d_old: Any = "2020-12" if rep.base.is31 else "draft4"
    d_new: Any = "2020-12" if rep.revision.is31 else "draft4"
    if reverse:
        comp = Comparator(rep.revision.root, rep.base.root, resolver_old=_resolver(rep.revision), resolver_new=_resolver(rep.base),
                          options=CompareOptions(dialect_old=d_new, dialect_new=d_old))
    else:
        comp = Comparator(rep.base.root, rep.revision.root, resolver_old=_resolver(rep.base), resolver_new=_resolver(rep.revision),
                          options=CompareOptions(dialect_old=d_old, dialect_new=d_new))
    rep.__dict__[key] = comp
    return comp


def compare(rep: Reporter, old: Any, ow: Where, new: Any, nw: Where, reverse: bool = False, unit: bool = False) -> list[Any]:
    """The comparator's differences from `old` to `new`.

    Forward (requests): can the new schema accept everything the old one did? Reverse
    (responses): can the old schema accept everything the new one produces? The reverse run
    compares (new, old) and its differences are turned around to read as old -> new changes.
    """
    comp = _comparator(rep, reverse)
    base_old = "" if ow[0] == rep.base.file else ow[0]
    base_new = "" if nw[0] == rep.revision.file else nw[0]
    if not reverse:
        return comp.compare(old, new, base_old=base_old, base_new=base_new, stop_at_refs=unit)
    found = comp.compare(new, old, base_old=base_new, base_new=base_old, stop_at_refs=unit)
    return [_Reversed(d) for d in found]


class _Reversed:
    """A difference of compare(new, old), read as a change from old to new."""

    __slots__ = ("type", "pointer", "new_pointer", "details")

    def __init__(self, d: Any) -> None:
        t = d.type
        if t in _PROPERTY_ADDED:
            t = "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL"
        elif t in _PROPERTY_REMOVED:
            t = "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
        elif t == "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED":
            t = "REQUIRED_ATTRIBUTE_REMOVED"
        else:
            t = _reverse(t)
        self.type = t
        # d.pointer is in the new schema's structure, d.new_pointer (if any) in the old one's.
        self.pointer = d.new_pointer if d.new_pointer is not None else d.pointer
        self.new_pointer = d.pointer if d.new_pointer is not None else None
        swapped = []
        for k, v in d.details:
            k = {"old": "new", "new": "old", "added": "removed", "removed": "added"}.get(k, k)
            swapped.append((k, v))
        self.details = tuple(swapped)


_NODE_LEVEL = ("TYPE_", "PRODUCT_TYPE_", "SUM_TYPE_", "COMBINED_TYPE_", "CANNOT_DECIDE")


def _in_unit(d: Any, old: Any, new: Any) -> bool:
    """Whether a difference belongs to the unit rooted at (old, new): its subject is reached
    without stepping onto a `$ref` (what lies behind a `$ref` is a unit of its own)."""
    o_tok = _tokens(d.pointer)
    n_tok = _tokens(d.new_pointer) if d.new_pointer is not None else o_tok
    if not d.type.startswith(_NODE_LEVEL):
        o_tok, n_tok = o_tok[:-1], n_tok[:-1]
    return not crosses_ref(old, o_tok) and not crosses_ref(new, n_tok)


def changes(rep: Reporter, old: Any, ow: Where, new: Any, nw: Where, prefix: tuple[str, ...] = (), seen: list[tuple[str, ...]] | None = None, reverse: bool = False, unit: bool = False) -> Iterator[Change]:
    """The comparator's differences as Changes; paths are prefixed with `prefix`.

    `seen`, when given, collects the (prefixed) old-side paths of every difference, so callers
    know which subschemas the comparator already looked into.
    """
    try:
        diffs = compare(rep, old, ow, new, nw, reverse, unit)
    except RecursionError:
        yield Change("cannot-decide", prefix, ow, nw, "schema too deeply nested to compare", {"comparator": "RecursionError"})
        return
    typed_nodes: set[tuple[str, ...]] = set()
    for d in diffs:
        if d.type.startswith("TYPE_"):
            typed_nodes.add(_tokens(d.pointer))
        if seen is not None:
            seen.append(prefix + _tokens(d.pointer))
    for d in diffs:
        if unit and not _in_unit(d, old, new):
            continue
        for c in _translate(rep, d, old, ow, new, nw, typed_nodes):
            if prefix:
                c.path = prefix + c.path
            yield c


class _Subject:
    """The nodes a difference is about, on both sides, and the facts rules need."""

    def __init__(self, rep: Reporter, old: Any, ow: Where, new: Any, nw: Where, old_tokens: tuple[str, ...], new_tokens: tuple[str, ...]) -> None:
        self.old_node, self.old_where = navigate_tokens(rep.base, old, ow, old_tokens)
        self.new_node, self.new_where = navigate_tokens(rep.revision, new, nw, new_tokens)

    def flag(self, key: str) -> bool:
        return any(isinstance(n, dict) and n.get(key) is True for n in (self.old_node, self.new_node))


def _esc(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _required_in(node: Any, name: str) -> bool:
    return isinstance(node, dict) and isinstance(node.get("required"), list) and name in node["required"]


def _translate(rep: Reporter, d: Any, old: Any, ow: Where, new: Any, nw: Where, typed_nodes: set[tuple[str, ...]]) -> Iterator[Change]:
    t = d.type
    if t in _SKIP:
        return
    o_tok = _tokens(d.pointer)
    n_tok = _tokens(d.new_pointer) if d.new_pointer is not None else o_tok
    if _inside_new_keyword(rep, old, ow, new, nw, o_tok, n_tok):
        return
    details = dict(d.details)

    def make(kind: str, path: tuple[str, ...], o_path: tuple[str, ...], n_path: tuple[str, ...], text: str, *, base: bool = True, revision: bool = True, prop: _Subject | None = None, **extra: Any) -> Change:
        subj = _Subject(rep, old, ow, new, nw, o_path, n_path)
        facts = prop or subj
        if prop is None and not isinstance(subj.old_node, dict) and not isinstance(subj.new_node, dict) and (o_path or n_path):
            facts = _Subject(rep, old, ow, new, nw, o_path[:-1], n_path[:-1])  # a keyword: its node has the facts
        c = Change(kind, path, subj.old_where if base else None, subj.new_where if revision else None, text,
                   {k: v for k, v in {**extra, "comparator": t, "breaks": _breaks(t)}.items() if v is not None},
                   read_only=facts.flag("readOnly"), write_only=facts.flag("writeOnly"),
                   has_default=isinstance(facts.new_node, dict) and "default" in facts.new_node)
        return c

    # keyword-level differences: the subject is the node holding the keyword
    head = t.rsplit("_", 1)
    if head[0] in _LIMITS and head[1] in _LIMIT_ACTIONS:
        kind = f"{_LIMITS[head[0]]}-{_LIMIT_ACTIONS[head[1]]}"
        yield make(kind, n_tok[:-1], o_tok, n_tok, f"{o_tok[-1] if o_tok else 'limit'} changed from {details.get('old')!r} to {details.get('new')!r}", old=_plain(details.get("old")), new=_plain(details.get("new")))
        return
    if t.startswith("MULTIPLE_OF_"):
        yield make("multiple-of-changed", n_tok[:-1], o_tok, n_tok, f"multipleOf changed from {details.get('old')!r} to {details.get('new')!r}")
        return
    if t.startswith("PATTERN_"):
        new_pattern = details.get("new")
        if details.get("old") == "" and new_pattern:
            t = "PATTERN_ADDED"  # an empty pattern matches every string
        elif new_pattern == "" and details.get("old"):
            t = "PATTERN_REMOVED"
        elif not details.get("old") and not new_pattern:
            return
        if t == "PATTERN_ADDED":
            kind = "pattern-added"
        elif t == "PATTERN_REMOVED":
            kind = "pattern-removed"
        elif isinstance(new_pattern, str) and _ANY_PATTERN.match(new_pattern):
            kind = "pattern-generalized"
        else:
            kind = "pattern-changed"
        yield make(kind, n_tok[:-1], o_tok, n_tok, f"pattern changed from {details.get('old')!r} to {new_pattern!r}", old=details.get("old"), new=new_pattern)
        return
    if t.startswith("FORMAT_"):
        if n_tok[:-1] in typed_nodes:
            return  # folded into the type change of the same node
        kind = {"FORMAT_EXTENDED": "type-generalized", "FORMAT_REMOVED": "type-generalized", "FORMAT_NARROWED": "type-specialized"}.get(t, "type-changed")
        yield make(kind, n_tok[:-1], o_tok[:-1], n_tok[:-1], f"format changed from {details.get('old')!r} to {details.get('new')!r}", old_format=details.get("old"), new_format=details.get("new"))
        return
    if t.startswith("ENUM_ARRAY_"):
        if o_tok and o_tok[-1] == "const":
            return
        for value in details.get("removed") or []:
            yield make("enum-value-removed", n_tok[:-1], o_tok, n_tok, f"enum value {value!r} removed", value=repr(value))
        for value in details.get("added") or []:
            yield make("enum-value-added", n_tok[:-1], o_tok, n_tok, f"enum value {value!r} added", value=repr(value))
        return
    if t == "PRODUCT_TYPE_EXTENDED":
        node = _Subject(rep, old, ow, new, nw, o_tok, n_tok)
        if isinstance(node.new_node, dict) and "const" in node.new_node and "enum" not in node.new_node:
            return  # a const: reported as const-added
        if "new" in details and isinstance(details.get("new"), list):
            yield make("became-enum", n_tok, o_tok, n_tok + ("enum",), f"restricted to the values {details['new']!r}")
        return
    if t in ("TYPE_CHANGED", "TYPE_EXTENDED", "TYPE_NARROWED"):
        yield from _type_change(rep, make, t, o_tok, n_tok, details, old, ow, new, nw)
        return
    if t in ("REQUIRED_ATTRIBUTE_ADDED", "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED", "REQUIRED_ATTRIBUTE_REMOVED"):
        name = o_tok[-1] if o_tok else ""
        node_o, node_n = o_tok[:-2], n_tok[:-2]
        prop = _Subject(rep, old, ow, new, nw, node_o + ("properties", name), node_n + ("properties", name))
        if (prop.old_node is None) != (prop.new_node is None):
            return  # the property itself was added or removed: reported as such
        if t == "REQUIRED_ATTRIBUTE_REMOVED":
            kind, text = "became-optional", "became optional"
        elif isinstance(prop.new_node, dict) and "default" in prop.new_node:
            kind, text = "became-required-with-default", "became required (it has a default value)"
        else:
            kind, text = "became-required", "became required"
        c = make(kind, node_n + ("properties", name), node_o + ("required",), node_n + ("required",), text, prop=prop)
        c.required = t != "REQUIRED_ATTRIBUTE_REMOVED"
        yield c
        return
    if t in _PROPERTY_ADDED:
        name = n_tok[-1] if n_tok else ""
        parent = _Subject(rep, old, ow, new, nw, o_tok[:-2], n_tok[:-2])
        c = make("property-added", n_tok, o_tok, n_tok, "added" + (" (required)" if _required_in(parent.new_node, name) else ""), base=False)
        c.required = _required_in(parent.new_node, name)
        c.covers = (("base", child(parent.old_where, "required")), ("revision", child(parent.new_where, "required"))) if c.required else ()
        yield c
        return
    if t in _PROPERTY_REMOVED:
        name = o_tok[-1] if o_tok else ""
        parent = _Subject(rep, old, ow, new, nw, o_tok[:-2], n_tok[:-2])
        c = make("property-removed", o_tok, o_tok, n_tok, "removed" + (" (it was required)" if _required_in(parent.old_node, name) else ""), revision=False)
        c.required = _required_in(parent.old_node, name)
        c.covers = (("base", child(parent.old_where, "required")), ("revision", child(parent.new_where, "required"))) if c.required else ()
        yield c
        return
    if t in ("SCHEMA_ADDED", "SCHEMA_REMOVED") or t.startswith(("ITEM_", "ADDITIONAL_", "UNEVALUATED_", "NOT_TYPE_", "UNIQUE_ITEMS_", "MAX_PROPERTIES", "MIN_PROPERTIES")):
        last = (o_tok or n_tok or ("",))[-1]
        if last in _PRESENCE_KEYWORDS or (len(o_tok) >= 2 and o_tok[-2] in _PRESENCE_KEYWORDS):
            return
        if t.startswith("ITEM_") and len(o_tok) >= 2 and o_tok[-2] == "items":
            return  # tuple positions: prefixItems / array-form items, judged by position count
        yield make(t.lower().replace("_", "-"), n_tok, o_tok, n_tok, f"{t.lower().replace('_', ' ')}")
        return
    if t == "CANNOT_DECIDE":
        yield make("cannot-decide", n_tok, o_tok, n_tok, "the comparator could not decide compatibility here", reason=_plain(details.get("reason")))
        return
    yield make(t.lower().replace("_", "-"), n_tok, o_tok, n_tok, t.lower().replace("_", " "))


_SWAP = (("_EXTENDED", "_NARROWED"), ("_ADDED", "_REMOVED"), ("_INCREASED", "_DECREASED"), ("_EXPANDED", "_REDUCED"))


def _reverse(t: str) -> str:
    for a, b in _SWAP:
        if t.endswith(a):
            return t[: -len(a)] + b
        if t.endswith(b):
            return t[: -len(b)] + a
    return t


def _breaks(t: str) -> str | None:
    """Which direction a difference type breaks: "request" (the new schema rejects old data),
    "response" (the old schema rejects new data), "both", or None."""
    from govern.diff.schema import COMPATIBLE_STRICT

    req = t not in COMPATIBLE_STRICT
    resp = _reverse(t) not in COMPATIBLE_STRICT if _reverse(t) != t else req
    if req and resp:
        return "both"
    return "request" if req else "response" if resp else None


def _inside_new_keyword(rep: Reporter, old: Any, ow: Where, new: Any, nw: Where, o_tok: tuple[str, ...], n_tok: tuple[str, ...]) -> bool:
    """True when the difference lies under a keyword (propertyNames, contains, if...) that one side
    does not have at all: its appearance or disappearance is the change, reported once."""
    for i, token in enumerate(o_tok):
        if token in _PRESENCE_KEYWORDS and i < len(o_tok):
            parent_old, _ = navigate_tokens(rep.base, old, ow, o_tok[:i])
            parent_new, _ = navigate_tokens(rep.revision, new, nw, n_tok[:i]) if len(n_tok) > i else (None, None)
            if not (isinstance(parent_old, dict) and token in parent_old and isinstance(parent_new, dict) and token in parent_new):
                return True
    return False


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


_WIDER = {("integer", "number")}


def _type_change(rep: Reporter, make: Any, t: str, o_tok: tuple[str, ...], n_tok: tuple[str, ...], details: dict[str, Any], old: Any, ow: Where, new: Any, nw: Where) -> Iterator[Change]:
    subj = _Subject(rep, old, ow, new, nw, o_tok, n_tok)
    o_node = subj.old_node if isinstance(subj.old_node, dict) else {}
    n_node = subj.new_node if isinstance(subj.new_node, dict) else {}
    o_types = _types(o_node, details.get("old"))
    n_types = _types(n_node, details.get("new"))
    o_core, n_core = o_types - {"null"}, n_types - {"null"}
    if o_core == n_core and o_core:
        return  # only null changed: reported as became-nullable / became-not-nullable
    from govern.diff.openapi.schema_keywords import is_type_list_pair

    if is_type_list_pair(o_node, n_node):
        return  # a list of types: reported as list-of-types-widened / -narrowed
    text = f"type changed from {_show(o_node, o_types)} to {_show(n_node, n_types)}"
    if len(o_core) > 1 or len(n_core) > 1 or isinstance(o_node.get("type"), list) or isinstance(n_node.get("type"), list):
        if o_core < n_core:
            yield make("list-of-types-widened", n_tok, o_tok, n_tok, text, old=sorted(o_core), new=sorted(n_core))
            return
        if n_core < o_core:
            yield make("list-of-types-narrowed", n_tok, o_tok, n_tok, text, old=sorted(o_core), new=sorted(n_core))
            return
    if t == "TYPE_EXTENDED" or (len(o_core) == 1 and len(n_core) == 1 and (next(iter(o_core)), next(iter(n_core))) in _WIDER):
        kind = "type-generalized"
    elif t == "TYPE_NARROWED":
        kind = "type-specialized"
    else:
        kind = "type-changed"
    yield make(kind, n_tok, o_tok, n_tok, text, old=sorted(o_types), new=sorted(n_types))


def _types(node: dict[str, Any], fallback: Any) -> set[str]:
    t = node.get("type")
    if isinstance(t, str):
        return {t}
    if isinstance(t, list):
        return {x for x in t if isinstance(x, str)}
    if isinstance(fallback, (list, tuple, set)):
        return {str(x) for x in fallback}
    return set()


def _show(node: dict[str, Any], types: set[str]) -> str:
    text = "/".join(sorted(types)) or "any"
    fmt = node.get("format")
    return f"{text} ({fmt})" if isinstance(fmt, str) else text

"""Per matched subschema pair: the keywords the JSON Schema comparator does not judge.

- OpenAPI's own: `nullable` (and 3.1's `"null"` in a type list), `readOnly`/`writeOnly`,
  `deprecated` with `x-sunset` and `x-stability-level`, `discriminator`, `x-extensible-enum`;
- annotations and keywords whose oasdiff rules are about presence rather than compatibility:
  `default`, `const`, `contentMediaType`, `contentEncoding`, `contentSchema`, `if`/`then`/`else`,
  `contains`, `propertyNames`, `unevaluatedItems`, `unevaluatedProperties`, `patternProperties`,
  `dependentRequired`, `dependentSchemas`, `prefixItems`.

Each check compares the two nodes of one pair and yields `Change`s; naming happens in
`schema_rules`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Iterator

from govern.diff.openapi.lifecycle import STABILITY_KEY, STABILITY_ORDER, SUNSET_KEY, BadDate, parse_sunset, required_days, stability
from govern.diff.openapi.report import Reporter
from govern.diff.openapi.schema_rules import Change
from govern.diff.openapi.schema_walk import Pair, match_branches
from govern.diff.openapi.spec import child

_MISSING = object()


def types_of(node: dict[str, Any]) -> set[str]:
    t = node.get("type")
    if isinstance(t, str):
        return {t}
    if isinstance(t, list):
        return {x for x in t if isinstance(x, str)}
    return set()


def is_nullable(node: dict[str, Any]) -> bool:
    return node.get("nullable") is True or "null" in types_of(node)


def _change(pair: Pair, kind: str, text: str, key: str | None = None, *, removal: bool = False, **details: Any) -> Change:
    base = child(pair.old_where, key) if key else pair.old_where
    rev = child(pair.new_where, key) if key else pair.new_where
    return Change(
        kind,
        pair.path,
        base,
        None if removal and key and key not in pair.new else rev,
        text,
        {k: v for k, v in details.items() if v is not None},
        required=pair.new_required or (removal and pair.old_required),
        read_only=pair.new.get("readOnly") is True or pair.old.get("readOnly") is True,
        write_only=pair.new.get("writeOnly") is True or pair.old.get("writeOnly") is True,
        has_default="default" in pair.new,
    )


def changes(rep: Reporter, pair: Pair) -> Iterator[Change]:
    o, n = pair.old, pair.new
    if o is n:
        return
    yield from _nullable(pair)
    yield from _list_of_types(pair)
    yield from _combinators(rep, pair)
    yield from _access(pair)
    yield from _deprecation(rep, pair)
    yield from _discriminator(pair)
    yield from _extensible_enum(pair)
    yield from _value(pair, "default", "default-value", "default value")
    yield from _value(pair, "const", "const", "const value")
    yield from _content(pair)
    for key, kind in (("if", "if"), ("then", "then"), ("else", "else"), ("contains", "contains"),
                      ("propertyNames", "property-names"), ("unevaluatedItems", "unevaluated-items"),
                      ("unevaluatedProperties", "unevaluated-properties"), ("contentSchema", "content-schema")):
        if key in o and key not in n:
            yield _change(pair, f"{kind}-removed", f"`{key}` removed", key, removal=True)
        elif key in n and key not in o:
            yield _change(pair, f"{kind}-added", f"`{key}` added", key)
    yield from _entries(pair, "patternProperties", "pattern-property")
    yield from _entries(pair, "dependentSchemas", "dependent-schema")
    yield from _dependent_required(pair)
    yield from _prefix_items(pair)
    yield from _inert_limits(pair)


_TYPE_ONLY = frozenset({"type", "format", "title", "description", "example", "examples", "nullable"})


def type_list(node: dict[str, Any]) -> tuple[set[str], bool] | None:
    """(types, is a list) when `node` declares its types as a list: `type: [a, b]` or a
    oneOf/anyOf whose branches only name a type. None when it declares no type at all."""
    t = node.get("type")
    if isinstance(t, list):
        types = {x for x in t if isinstance(x, str)}
        return types, len(types - {"null"}) > 1
    for key in ("oneOf", "anyOf"):
        branches = node.get(key)
        if isinstance(branches, list) and not isinstance(t, str):
            if all(isinstance(b, dict) and b.keys() <= _TYPE_ONLY and isinstance(b.get("type"), (str, list)) for b in branches):
                types: set[str] = set()
                for b in branches:
                    types |= types_of(b)
                return types, True
    if isinstance(t, str):
        return {t}, False
    return None


def _list_of_types(pair: Pair) -> Iterator[Change]:
    if not is_type_list_pair(pair.old, pair.new):
        return
    o, n = type_list(pair.old), type_list(pair.new)
    assert o is not None and n is not None
    o_core, n_core = o[0] - {"null"}, n[0] - {"null"}
    added, removed = sorted(n_core - o_core), sorted(o_core - n_core)
    key = "type" if "type" in pair.new else ("oneOf" if "oneOf" in pair.new else "anyOf")
    if added:
        c = _change(pair, "list-of-types-widened", f"accepts the additional type(s) {', '.join(added)}", key, old=sorted(o_core), new=sorted(n_core))
        c.base = pair.old_where
        yield c
    if removed:
        c = _change(pair, "list-of-types-narrowed", f"no longer accepts the type(s) {', '.join(removed)}", key, old=sorted(o_core), new=sorted(n_core))
        c.base = pair.old_where
        yield c


def is_type_list_pair(old: Any, new: Any) -> bool:
    """True when either side lists its types (so `_list_of_types` judges the type change)."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return False
    o, n = type_list(old), type_list(new)
    if o is None or n is None or not (o[1] or n[1]):
        return False
    # Lists that share no type at all are a plain type change.
    return bool((o[0] - {"null"}) & (n[0] - {"null"}))


def _nullable(pair: Pair) -> Iterator[Change]:
    o, n = is_nullable(pair.old), is_nullable(pair.new)
    if o == n:
        return
    key = "nullable" if ("nullable" in pair.new or "nullable" in pair.old) else "type"
    if n:
        yield _change(pair, "became-nullable", "now accepts null", key)
    else:
        yield _change(pair, "became-not-nullable", "no longer accepts null", key, removal=key == "nullable")


def _access(pair: Pair) -> Iterator[Change]:
    if not pair.is_property:
        return
    for key, word in (("readOnly", "read-only"), ("writeOnly", "write-only")):
        was, now = pair.flag(key)
        if was == now:
            continue
        c = _change(pair, f"became-{word}" if now else f"became-not-{word}", f"{'is now' if now else 'is no longer'} {key}", key, removal=not now)
        c.required = pair.new_required
        yield c


def _deprecation(rep: Reporter, pair: Pair) -> Iterator[Change]:
    if pair.is_root:
        return
    o_dep, n_dep = pair.old.get("deprecated") is True, pair.new.get("deprecated") is True
    level, _ = stability(pair.new)
    s = rep.settings
    days = required_days(level, s.deprecation_days_beta, s.deprecation_days_stable)
    if n_dep and not o_dep:
        try:
            sunset = parse_sunset(pair.new.get(SUNSET_KEY))
        except BadDate as exc:
            yield _change(pair, "deprecated-sunset-invalid", f"deprecated with an unusable x-sunset: {exc}", SUNSET_KEY)
            return
        if sunset is None:
            if days > 0:
                yield _change(pair, "deprecated-sunset-missing", f"deprecated without an x-sunset date; the policy asks for one at least {days} days ahead", "deprecated")
            else:
                yield _change(pair, "deprecated", "deprecated", "deprecated")
        elif sunset < s.now() + timedelta(days=days):
            yield _change(pair, "sunset-date-too-small", f"deprecated with sunset {sunset.isoformat()}, sooner than the {days} days the policy asks for", SUNSET_KEY)
        else:
            c = _change(pair, "deprecated-with-sunset", f"deprecated, sunset {sunset.isoformat()}", "deprecated", sunset=sunset.isoformat())
            c.covers = (child(pair.new_where, SUNSET_KEY),)
            yield c
    elif o_dep and not n_dep:
        yield _change(pair, "reactivated", "is no longer deprecated", "deprecated", removal=True)
    o_level, o_ok = stability(pair.old)
    n_level, n_ok = stability(pair.new)
    if o_ok and n_ok and o_level != n_level and (o_level or n_level):
        o_rank = STABILITY_ORDER.get(o_level or "stable", 3)
        n_rank = STABILITY_ORDER.get(n_level or "stable", 3)
        if n_rank != o_rank:
            kind = "stability-decreased" if n_rank < o_rank else "stability-increased"
            yield _change(pair, kind, f"x-stability-level went from {o_level or 'unspecified'} to {n_level or 'unspecified'}", STABILITY_KEY)


def _discriminator(pair: Pair) -> Iterator[Change]:
    o, n = pair.old.get("discriminator"), pair.new.get("discriminator")
    if o == n:
        return
    if not isinstance(o, dict) and isinstance(n, dict):
        yield _change(pair, "discriminator-added", f"discriminator on {n.get('propertyName')!r} added", "discriminator")
        return
    if isinstance(o, dict) and not isinstance(n, dict):
        yield _change(pair, "discriminator-removed", f"discriminator on {o.get('propertyName')!r} removed", "discriminator", removal=True)
        return
    if not isinstance(o, dict) or not isinstance(n, dict):
        return
    if o.get("propertyName") != n.get("propertyName"):
        yield _change(pair, "discriminator-property-name-changed", f"discriminator propertyName changed from {o.get('propertyName')!r} to {n.get('propertyName')!r}", "discriminator")
    om = o.get("mapping") if isinstance(o.get("mapping"), dict) else {}
    nm = n.get("mapping") if isinstance(n.get("mapping"), dict) else {}
    added = sorted(str(k) for k in nm if k not in om)
    deleted = sorted(str(k) for k in om if k not in nm)
    changed = sorted(str(k) for k in om if k in nm and om[k] != nm[k])
    if added:
        yield _change(pair, "discriminator-mapping-added", f"discriminator mapping for {', '.join(map(repr, added))} added", "discriminator", values=tuple(added))
    if deleted:
        yield _change(pair, "discriminator-mapping-deleted", f"discriminator mapping for {', '.join(map(repr, deleted))} removed", "discriminator", values=tuple(deleted))
    if changed:
        yield _change(pair, "discriminator-mapping-changed", f"discriminator mapping for {', '.join(map(repr, changed))} points elsewhere", "discriminator", values=tuple(changed))


def _extensible_enum(pair: Pair) -> Iterator[Change]:
    o, n = pair.old.get("x-extensible-enum"), pair.new.get("x-extensible-enum")
    if not isinstance(o, list) or o == n:
        return
    new_values = n if isinstance(n, list) else []
    for value in o:
        if value not in new_values:
            yield _change(pair, "x-extensible-enum-value-removed", f"x-extensible-enum value {value!r} removed", "x-extensible-enum", value=repr(value))


def _value(pair: Pair, key: str, kind: str, noun: str) -> Iterator[Change]:
    o, n = pair.old.get(key, _MISSING), pair.new.get(key, _MISSING)
    if o is _MISSING and n is _MISSING:
        return
    if o is not _MISSING and n is not _MISSING and o == n and type(o) is type(n):
        return
    if o is _MISSING:
        yield _change(pair, f"{kind}-added", f"{noun} {n!r} set", key, new=repr(n))
    elif n is _MISSING:
        yield _change(pair, f"{kind}-removed", f"{noun} {o!r} removed", key, removal=True, old=repr(o))
    else:
        yield _change(pair, f"{kind}-changed", f"{noun} changed from {o!r} to {n!r}", key, old=repr(o), new=repr(n))


def _content(pair: Pair) -> Iterator[Change]:
    for key, kind in (("contentMediaType", "content-media-type-changed"), ("contentEncoding", "content-encoding-changed")):
        o, n = pair.old.get(key), pair.new.get(key)
        if o != n:
            yield _change(pair, kind, f"{key} changed from {o!r} to {n!r}", key, removal=n is None)


def _entries(pair: Pair, key: str, kind: str) -> Iterator[Change]:
    o = pair.old.get(key) if isinstance(pair.old.get(key), dict) else {}
    n = pair.new.get(key) if isinstance(pair.new.get(key), dict) else {}
    for name in o:
        if name not in n:
            yield Change(f"{kind}-removed", pair.path, child(pair.old_where, key, name), None, f"{key} entry {name!r} removed", {"entry": str(name)})
    for name in n:
        if name not in o:
            yield Change(f"{kind}-added", pair.path, None, child(pair.new_where, key, name), f"{key} entry {name!r} added", {"entry": str(name)})


def _dependent_required(pair: Pair) -> Iterator[Change]:
    key = "dependentRequired"
    o = pair.old.get(key) if isinstance(pair.old.get(key), dict) else {}
    n = pair.new.get(key) if isinstance(pair.new.get(key), dict) else {}
    for name in o:
        if name not in n:
            yield Change("dependent-required-removed", pair.path, child(pair.old_where, key, name), None, f"dependentRequired for {name!r} removed", {"entry": str(name)})
        elif sorted(map(str, o[name] or [])) != sorted(map(str, n[name] or [])):
            yield Change("dependent-required-changed", pair.path, child(pair.old_where, key, name), child(pair.new_where, key, name), f"dependentRequired for {name!r} changed from {o[name]!r} to {n[name]!r}", {"entry": str(name)})
    for name in n:
        if name not in o:
            yield Change("dependent-required-added", pair.path, None, child(pair.new_where, key, name), f"dependentRequired for {name!r} added", {"entry": str(name)})


def _prefix_items(pair: Pair) -> Iterator[Change]:
    o = pair.old.get("prefixItems") if isinstance(pair.old.get("prefixItems"), list) else []
    n = pair.new.get("prefixItems") if isinstance(pair.new.get("prefixItems"), list) else []
    for i in range(len(n), len(o)):
        yield Change("prefix-items-removed", pair.path, child(pair.old_where, "prefixItems", i), None, f"prefixItems position {i} removed", {"position": i})
    for i in range(len(o), len(n)):
        yield Change("prefix-items-added", pair.path, None, child(pair.new_where, "prefixItems", i), f"prefixItems position {i} added", {"position": i})


# Keywords that do not constrain instances: an allOf branch made only of these changes nothing.
ANNOTATIONS = frozenset({"title", "description", "example", "examples", "default", "deprecated", "readOnly",
                         "writeOnly", "externalDocs", "xml", "$comment", "$id", "$schema", "$anchor"})


def _annotation_only(node: Any) -> bool:
    return isinstance(node, dict) and all(k in ANNOTATIONS or str(k).startswith("x-") for k in node)


def _branches(rep: Reporter, side: Any, node: dict[str, Any], where: Any, key: str) -> list[tuple[Any, Any, Any]]:
    raw = node.get(key)
    if not isinstance(raw, list):
        return []
    return [(entry, *side.deref(entry, child(where, key, i))) for i, entry in enumerate(raw)]


def _combinators(rep: Reporter, pair: Pair) -> Iterator[Change]:
    o, n = pair.old, pair.new
    if is_type_list_pair(o, n):
        return  # a list of types, judged by _list_of_types
    for key, word in (("oneOf", "one-of"), ("anyOf", "any-of"), ("allOf", "all-of")):
        if key not in o and key not in n:
            continue
        if o.get(key) == n.get(key) and _no_refs(o.get(key)):
            continue
        ol = _branches(rep, rep.base, o, pair.old_where, key)
        nl = _branches(rep, rep.revision, n, pair.new_where, key)
        if key == "oneOf" and not ol and nl and not any(k in o for k in ("anyOf", "allOf")):
            if _wraps(o, [b[1] for b in nl]):
                c = _change(pair, "wrapped-in-one-of", f"moved inside a oneOf of {len(nl)} alternatives", key)
                c.base = pair.old_where  # everything the old schema said now lives in the branches
                yield c
                continue
        matched = match_branches(ol, nl)
        used_old = {i for i, _ in matched}
        used_new = {j for _, j in matched}
        for i, (raw, node, w) in enumerate(ol):
            if i in used_old:
                continue
            suffix = "-annotation-only" if key == "allOf" and _annotation_only(node) else ""
            name = raw.get("$ref") if isinstance(raw, dict) and "$ref" in raw else f"#{i}"
            yield Change(f"{word}-removed{suffix}", pair.path, w, None, f"{key} alternative {name} removed", {"branch": name})
        for j, (raw, node, w) in enumerate(nl):
            if j in used_new:
                continue
            suffix = "-annotation-only" if key == "allOf" and _annotation_only(node) else ""
            name = raw.get("$ref") if isinstance(raw, dict) and "$ref" in raw else f"#{j}"
            yield Change(f"{word}-added{suffix}", pair.path, None, w, f"{key} alternative {name} added", {"branch": name})


def _wraps(old: dict[str, Any], branches: list[Any]) -> bool:
    """True when `old` became a oneOf whose branches all refine it (e.g. split by required)."""
    if not old or not branches:
        return False
    o_types = types_of(old)
    o_props = set(old.get("properties") or {}) if isinstance(old.get("properties"), dict) else set()
    for b in branches:
        if not isinstance(b, dict):
            return False
        if o_types and types_of(b) and not (types_of(b) & o_types):
            continue
        b_props = set(b.get("properties") or {}) if isinstance(b.get("properties"), dict) else set()
        if o_props and o_props <= b_props:
            return True
        if not o_props and types_of(b) == o_types:
            return True
    return False


def _no_refs(node: Any) -> bool:
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            if "$ref" in cur:
                return False
            stack.extend(v for v in cur.values() if isinstance(v, (dict, list)))
        elif isinstance(cur, list):
            stack.extend(v for v in cur if isinstance(v, (dict, list)))
    return True


# Limit keywords and the instance types they constrain. A limit on a schema whose declared types
# it cannot apply to (maxLength on an integer, exclusiveMinimum on an object) constrains nothing,
# so the comparator ignores it; its change is still reported, at INFO, marked inert.
_APPLIES = {
    "maxLength": ("string",), "minLength": ("string",), "pattern": ("string",),
    "maximum": ("number", "integer"), "minimum": ("number", "integer"),
    "exclusiveMaximum": ("number", "integer"), "exclusiveMinimum": ("number", "integer"),
    "maxItems": ("array",), "minItems": ("array",), "maxContains": ("array",), "minContains": ("array",),
}
_LIMIT_NAMES = {
    "maxLength": ("max-length", True), "minLength": ("min-length", False), "maximum": ("max", True),
    "minimum": ("min", False), "exclusiveMaximum": ("exclusive-max", True),
    "exclusiveMinimum": ("exclusive-min", False), "maxItems": ("max-items", True),
    "minItems": ("min-items", False), "maxContains": ("max-contains", True), "minContains": ("min-contains", False),
}


def _effective_bound(node: dict[str, Any], upper: bool) -> str | None:
    """Which keyword sets the effective numeric bound (the tighter of the inclusive and the
    exclusive one), as the comparator judges it."""
    inc, exc = ("maximum", "exclusiveMaximum") if upper else ("minimum", "exclusiveMinimum")
    a, b = node.get(inc), node.get(exc)
    if not isinstance(a, (int, float)) or isinstance(a, bool):
        return exc if isinstance(b, (int, float)) and not isinstance(b, bool) else None
    if not isinstance(b, (int, float)) or isinstance(b, bool):
        return inc
    if upper:
        return exc if b <= a else inc
    return exc if b >= a else inc


def _dominated(pair: Pair, key: str) -> str | None:
    """The keyword that makes `key` irrelevant on both sides (e.g. a minimum above the
    exclusiveMinimum), or None when `key` sets the bound on at least one side."""
    if key not in ("maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum"):
        return None
    upper = "ax" in key
    eff_old, eff_new = _effective_bound(pair.old, upper), _effective_bound(pair.new, upper)
    if key in (eff_old, eff_new) or eff_old is None or eff_new is None:
        return None
    return eff_new


def _inert_limits(pair: Pair) -> Iterator[Change]:
    types = types_of(pair.new) | types_of(pair.old)
    if not types:
        return
    for key, applies in _APPLIES.items():
        dominated = None
        if types & set(applies):
            dominated = _dominated(pair, key)
            if dominated is None:
                continue
        o, n = pair.old.get(key, _MISSING), pair.new.get(key, _MISSING)
        if o == n or isinstance(o, bool) or isinstance(n, bool):
            continue
        note = (f"{key} has no effect: {dominated} is the tighter bound" if dominated
                else f"{key} has no effect on type {'/'.join(sorted(types))}")
        if key == "pattern":
            kind = "pattern-added" if o is _MISSING else "pattern-removed" if n is _MISSING else "pattern-changed"
        else:
            name, upper = _LIMIT_NAMES[key]
            if o is _MISSING:
                kind = f"{name}-set"
            elif n is _MISSING:
                kind = f"{name}-unset"
            elif not isinstance(o, (int, float)) or not isinstance(n, (int, float)):
                continue
            else:
                kind = f"{name}-{'increased' if n > o else 'decreased'}"
        old_v = None if o is _MISSING else o
        new_v = None if n is _MISSING else n
        yield _change(pair, kind, f"{key} changed from {old_v!r} to {new_v!r} ({note})", key, removal=n is _MISSING, inert=note)

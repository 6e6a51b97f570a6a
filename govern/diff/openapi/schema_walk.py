"""Walk the matched (old, new) subschema pairs of two OpenAPI schemas, and navigate pointers.

This is not a compatibility checker: the JSON Schema comparator (govern.diff.schema) decides
what changed and whether it breaks. This module only
- pairs subschemas the obvious way (properties by name, items, additionalProperties, prefixItems by
  position, combinator branches by `$ref` target, equality, title, then position) so the
  OpenAPI-only keywords the comparator does not know (nullable, readOnly, writeOnly, deprecated,
  x-sunset, x-stability-level, discriminator, x-extensible-enum, content*) can be checked pair by
  pair, and
- turns a comparator path (`properties/a/items/maxLength`) into the nodes and source locations
  it names on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterator

from govern.diff.openapi.spec import Side, Where, child

# Keywords whose value is one subschema, and those whose value is a map or list of subschemas.
SINGLE = ("items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
          "unevaluatedItems", "unevaluatedProperties", "contentSchema", "additionalItems")
MAPS = ("properties", "patternProperties", "dependentSchemas")
LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")


@dataclass
class Pair:
    """One matched pair of subschemas, both dereferenced, with where they came from."""

    old: dict[str, Any]
    old_where: Where
    new: dict[str, Any]
    new_where: Where
    path: tuple[str, ...]  # logical steps from the root, e.g. ("properties", "a", "items")
    old_required: bool = False  # the property is in its parent's `required` (old side)
    new_required: bool = False
    boundary: bool = False  # reached through a `$ref` on either side

    @property
    def is_root(self) -> bool:
        return not self.path

    @property
    def is_property(self) -> bool:
        return len(self.path) >= 2 and self.path[-2] == "properties"

    def flag(self, key: str) -> tuple[bool, bool]:
        return self.old.get(key) is True, self.new.get(key) is True


@lru_cache(maxsize=65536)
def display_path(path: tuple[str, ...]) -> str:
    """`data/tags[]/name` style name of a place in a schema ('' for the root): property names
    joined by `/`, array items as `[]`, other keywords by name."""
    out: list[str] = []
    i = 0
    while i < len(path):
        step = path[i]
        if step == "items":
            if out:
                out[-1] += "[]"
            else:
                out.append("[]")
            i += 1
            continue
        if step in MAPS and i + 1 < len(path):
            if step != "properties":
                out.append(f"{step}[{path[i + 1]}]")
            else:
                out.append(path[i + 1])
            i += 2
            continue
        if step in LISTS and i + 1 < len(path):
            out.append(f"{step}[{path[i + 1]}]")
            i += 2
            continue
        out.append(step)
        i += 1
    return "/".join(out)


def _subschemas(side: Side, node: dict[str, Any], where: Where, key: str) -> list[tuple[Any, Any, Where]]:
    """[(raw entry, dereferenced entry, where)] of a list keyword."""
    raw = node.get(key)
    if not isinstance(raw, list):
        return []
    out = []
    for i, entry in enumerate(raw):
        resolved, w = side.deref(entry, child(where, key, i))
        out.append((entry, resolved, w))
    return out


def match_branches(old: list[tuple[Any, Any, Where]], new: list[tuple[Any, Any, Where]]) -> list[tuple[int, int]]:
    """Pair combinator branches: same `$ref`, then equal, then same title, then by position."""
    pairs: list[tuple[int, int]] = []
    free_old = list(range(len(old)))
    free_new = list(range(len(new)))

    def take(test: Callable[[int, int], bool]) -> None:
        for i in list(free_old):
            for j in free_new:
                if test(i, j):
                    pairs.append((i, j))
                    free_old.remove(i)
                    free_new.remove(j)
                    break

    def ref(entry: Any) -> Any:
        return entry.get("$ref") if isinstance(entry, dict) else None

    take(lambda i, j: ref(old[i][0]) is not None and ref(old[i][0]) == ref(new[j][0]))
    take(lambda i, j: old[i][1] == new[j][1])
    take(lambda i, j: isinstance(old[i][1], dict) and isinstance(new[j][1], dict) and old[i][1].get("title") is not None and old[i][1].get("title") == new[j][1].get("title"))
    # Whatever is left: pair the most alike (same type, most keys in common), best first.
    scored = []
    for i in free_old:
        for j in free_new:
            score = _likeness(old[i][1], new[j][1])
            if score > 0:
                scored.append((-score, i, j))
    for _, i, j in sorted(scored):
        if i in free_old and j in free_new:
            pairs.append((i, j))
            free_old.remove(i)
            free_new.remove(j)
    return sorted(pairs)


def _likeness(a: Any, b: Any) -> float:
    """How alike two subschemas look (0 = nothing in common), for pairing changed branches."""
    if not isinstance(a, dict) or not isinstance(b, dict):
        return 0.0
    ka, kb = set(a), set(b)
    if not ka and not kb:
        return 1.0
    score = len(ka & kb) / len(ka | kb)
    pa, pb = a.get("properties"), b.get("properties")
    if isinstance(pa, dict) and isinstance(pb, dict) and (pa or pb):
        score += len(set(pa) & set(pb)) / len(set(pa) | set(pb))
    if a.get("type") == b.get("type") and "type" in a:
        score += 0.5
    return score


def walk(old_side: Side, old: Any, ow: Where, new_side: Side, new: Any, nw: Where, limit: int = 20000,
         same: Callable[[Any, Any], bool] | None = None, boundaries: list[Pair] | None = None) -> Iterator[Pair]:
    """Every matched pair, root first; each (old node, new node) pair once (cycles are fine).

    `same(old, new)`, when given, prunes pairs known to be unchanged (with all they reference).
    `boundaries`, when given, receives the pairs reached through a `$ref` (on either side)
    instead of walking into them: the caller treats each as a unit of its own.
    """
    seen: set[tuple[int, int]] = set()
    stack: list[Pair] = []
    if isinstance(old, dict) and isinstance(new, dict):
        stack.append(Pair(old, ow, new, nw, ()))
    count = 0
    while stack and count < limit:
        pair = stack.pop()
        key = (id(pair.old), id(pair.new))
        if key in seen:
            continue
        seen.add(key)
        count += 1
        yield pair
        if pair.old is pair.new and old_side is new_side:
            continue
        kids = []
        for c in _children(old_side, new_side, pair):
            if same is not None and same(c.old, c.new):
                continue
            if boundaries is not None and c.boundary:
                boundaries.append(c)
            else:
                kids.append(c)
        stack.extend(reversed(kids))


def _children(old_side: Side, new_side: Side, pair: Pair) -> Iterator[Pair]:
    o, n = pair.old, pair.new
    for key in SINGLE:
        if key in o and key in n:
            oc, ocw = old_side.deref(o[key], child(pair.old_where, key))
            nc, ncw = new_side.deref(n[key], child(pair.new_where, key))
            if isinstance(oc, dict) and isinstance(nc, dict):
                yield Pair(oc, ocw, nc, ncw, pair.path + (key,), boundary=_is_ref(o[key]) or _is_ref(n[key]))
    o_req = set(o.get("required") or []) if isinstance(o.get("required"), list) else set()
    n_req = set(n.get("required") or []) if isinstance(n.get("required"), list) else set()
    for key in MAPS:
        om, nm = o.get(key), n.get(key)
        if not isinstance(om, dict) or not isinstance(nm, dict):
            continue
        for name in om:
            if name not in nm:
                continue
            oc, ocw = old_side.deref(om[name], child(pair.old_where, key, name))
            nc, ncw = new_side.deref(nm[name], child(pair.new_where, key, name))
            if isinstance(oc, dict) and isinstance(nc, dict):
                yield Pair(oc, ocw, nc, ncw, pair.path + (key, str(name)), name in o_req, name in n_req,
                           boundary=_is_ref(om[name]) or _is_ref(nm[name]))
    for key in LISTS:
        ol = _subschemas(old_side, o, pair.old_where, key)
        nl = _subschemas(new_side, n, pair.new_where, key)
        if not ol or not nl:
            continue
        if key == "prefixItems":
            matches = [(i, i) for i in range(min(len(ol), len(nl)))]
        else:
            matches = match_branches(ol, nl)
        for i, j in matches:
            oc, ocw = ol[i][1], ol[i][2]
            nc, ncw = nl[j][1], nl[j][2]
            if isinstance(oc, dict) and isinstance(nc, dict):
                yield Pair(oc, ocw, nc, ncw, pair.path + (key, str(i)), boundary=_is_ref(ol[i][0]) or _is_ref(nl[j][0]))


def _is_ref(node: Any) -> bool:
    return type(node) is dict and "$ref" in node


def crosses_ref(root: Any, tokens: tuple[str, ...]) -> bool:
    """True when following `tokens` from `root` steps onto a `$ref` (leaves the unit)."""
    node = root
    for token in tokens:
        if type(node) is dict:
            if token not in node:
                return False
            node = node[token]
        elif type(node) is list:
            if not token.isdigit() or int(token) >= len(node):
                return False
            node = node[int(token)]
        else:
            return False
        if type(node) is dict and "$ref" in node:
            return True
    return False


def navigate_tokens(side: Side, root: Any, where: Where, tokens: tuple[str, ...]) -> tuple[Any, Where]:
    """`navigate` by unescaped tokens, memoized per side and root: differences under one schema
    share most of their path, so each prefix is walked once."""
    cache: dict[tuple[int, tuple[str, ...]], tuple[Any, Any, Where]] = side.__dict__.setdefault("_nav_cache", {})
    key = (id(root), tokens)
    hit = cache.get(key)
    if hit is not None and hit[0] is root:
        return hit[1], hit[2]
    if not tokens:
        node, w = side.deref(root, where)
    else:
        parent, pw = navigate_tokens(side, root, where, tokens[:-1])
        token = tokens[-1]
        if isinstance(parent, dict) and token in parent:
            node, w = side.deref(parent[token], child(pw, token))
        elif isinstance(parent, list) and token.isdigit() and int(token) < len(parent):
            node, w = side.deref(parent[int(token)], child(pw, int(token)))
        else:
            node, w = None, child(pw, token) if parent is not None else pw
    cache[key] = (root, node, w)
    return node, w

"""The core of the comparator: `$ref`s, the memoized cycle-aware walk, forms and allOf merging.

`Engine.cmp(a, b)` compares an old and a new subschema (each a `Node`: schema, side, base
document) and returns a shared `Result`. Each (old, new) pair is compared once; a pair met again
while it is still being compared (a recursive schema) is assumed compatible, the co-inductive
reading of recursive types. Results computed under such an assumption stay provisional until the
assumed pair is decided, and are dropped if it turns out to break. What the keywords of two plain
schemas mean is in `keywords.py`, how allOf/anyOf/oneOf members are paired in `combinators.py`.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any, Iterable, Sequence

from govern.diff.schema.refs import document_of, join_ref
from govern.diff.schema.results import CAP, EMPTY, Item, Link, Raw, Result, Segs, dedupe
from govern.diff.schema.rules import compatible_set
from govern.diff.schema.types import CompareOptions, Resolver
from govern.diff.schema.values import Interner, MiniValidator, as_fraction, json_type, type_accepts

Node = tuple[Any, int, str]  # (schema object, side index, base document)
Member = tuple[Node, Segs]  # a combinator member and its path below the combinator's node

OLD, NEW = 0, 1
COMBINATORS = ("allOf", "anyOf", "oneOf")
ASSERTIONS = frozenset(
    {
        "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum",
        "exclusiveMinimum", "maxLength", "minLength", "pattern", "format", "items", "prefixItems",
        "additionalItems", "unevaluatedItems", "contains", "minContains", "maxContains", "maxItems",
        "minItems", "uniqueItems", "maxProperties", "minProperties", "required", "properties",
        "patternProperties", "additionalProperties", "unevaluatedProperties", "dependencies",
        "dependentRequired", "dependentSchemas", "propertyNames", "allOf", "anyOf", "oneOf", "not",
        "if", "then", "else", "$ref", "$dynamicRef", "$recursiveRef",
    }
)
REF_KEYS = ("$ref", "$recursiveRef", "$dynamicRef")
META_KEYS = (("$id", "ID_CHANGED"), ("title", "TITLE_CHANGED"), ("description", "DESCRIPTION_CHANGED"),
             ("default", "DEFAULT_CHANGED"))
NUMBER_TYPES = ("number", "integer")
NUMBER_KEYS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
STRING_KEYS = ("minLength", "maxLength", "pattern")
ARRAY_KEYS = frozenset({"items", "prefixItems", "additionalItems", "unevaluatedItems", "contains", "minContains",
                        "maxContains", "minItems", "maxItems", "uniqueItems"})
OBJECT_ALL_KEYS = frozenset({"properties", "patternProperties", "additionalProperties", "unevaluatedProperties",
                             "required", "minProperties", "maxProperties", "dependencies", "dependentRequired",
                             "dependentSchemas", "propertyNames"})
UNEVALUATED_KEYS = ("unevaluatedProperties", "unevaluatedItems")
# What produces the annotations that unevaluatedProperties / unevaluatedItems read, in one object.
PROPERTY_EVALUATORS = ("properties", "patternProperties", "additionalProperties", "unevaluatedProperties",
                       "dependentSchemas", "dependencies", "if", "then", "else")
ITEM_EVALUATORS = ("prefixItems", "items", "additionalItems", "contains", "unevaluatedItems", "if", "then", "else")
# format pairs (old, new) where every value of the old format is a value of the new one.
FORMAT_WIDENINGS = frozenset({("int32", "int64"), ("float", "double"), ("int32", "double")})
SMALL_MATRIX = 256  # member pairs compared exhaustively (optimal pairing) for one combinator
SCAN_LIMIT = 32  # candidates tried per member beyond that
MAX_ENUM_CHECK = 1000  # enum values checked one by one against the new schema
BIG = 1_000_000.0


def _num(value: Any) -> Fraction | None:
    return as_fraction(value)


class Unresolved(LookupError):
    """A $ref the side's resolver could not resolve."""


class Side:
    __slots__ = ("root", "resolver", "siblings", "cache")

    def __init__(self, root: Any, resolver: Resolver, siblings: bool) -> None:
        self.root = root
        self.resolver = resolver
        self.siblings = siblings
        self.cache: dict[str, tuple[Any, str]] = {}


class Form:
    __slots__ = ("kind", "members", "parts")

    def __init__(self, kind: str | None, members: tuple[Member, ...] = (),
                 parts: dict[str, Any] | None = None) -> None:
        self.kind = kind  # None: a plain keyword bag; else "allOf" / "anyOf" / "oneOf"
        self.members = members
        # For a node that mixes keywords and combinators (read as an allOf of its parts):
        # "rest" (the node's own keywords), "anyOf"/"oneOf" wrappers and the "allOf" members.
        self.parts = parts


class Engine:
    """State of one comparison (or of a `Comparator` across calls) and the walk itself."""

    def __init__(self, old: Side, new: Side, options: CompareOptions, policy: str = "strict") -> None:
        self.sides = (old, new)
        self.opt = options
        # Decisions inside the walk (which alternative covers which, whether a dropped property is
        # still covered) are taken under the caller's policy.
        self.ok = compatible_set(policy)
        self.interner = Interner()
        self.memo: dict[tuple[Any, ...], Result] = {}
        self.prov: dict[tuple[Any, ...], tuple[Result, tuple[Any, ...]]] = {}
        self.deps: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
        self.stack: list[tuple[Any, ...]] = []
        self.on_stack: dict[tuple[Any, ...], int] = {}
        self.low: list[int] = []
        self.steps = 0
        self.synth: dict[tuple[Any, ...], tuple[Any, Any]] = {}
        self.origins: dict[int, dict[Any, Segs]] = {}
        self.member_segs: dict[int, list[Segs]] = {}
        self.forms: dict[tuple[int, int, str], Form] = {}
        self.sketches: dict[int, tuple[Any, frozenset[Any]]] = {}
        self.tag_cache: dict[int, tuple[Any, dict[str, frozenset[int]]]] = {}
        self.value_cache: dict[int, tuple[Any, list[tuple[int, Any]] | None]] = {}
        # ids of synthesized "own keywords" parts: the non-combinator keywords of a node that also
        # has combinators, and the siblings of a split 2019-09+ `$ref`. Their unevaluated* keywords
        # see the annotations of the other parts, so alone they mean something stricter.
        self.scoped: set[int] = set()
        self.validators = (
            MiniValidator(lambda obj, base: self._deref_side(OLD, obj, base), self.interner),
            MiniValidator(lambda obj, base: self._deref_side(NEW, obj, base), self.interner),
        )
        self._regex: dict[str, re.Pattern[str] | None] = {}

    def breaks(self, diffs: "Result | Iterable[Item]") -> bool:
        return self.n_breaking(diffs) > 0

    def n_breaking(self, diffs: "Result | Iterable[Item]") -> int:
        if isinstance(diffs, Result):
            return diffs.breaking
        ok = self.ok
        n = 0
        for d in diffs:
            n += d.result.breaking if isinstance(d, Link) else (d[0] not in ok)
        return min(n, CAP)

    @staticmethod
    def size(diffs: "Result | Iterable[Item]") -> int:
        if isinstance(diffs, Result):
            return diffs.size
        return min(sum(d.result.size if isinstance(d, Link) else 1 for d in diffs), CAP)

    def rank(self, diffs: "Result | Iterable[Item]") -> tuple[int, int]:
        """(breaking differences, all differences): smaller is a better match."""
        return self.n_breaking(diffs), self.size(diffs)

    def make(self, items: Iterable[Item]) -> Result:
        items = dedupe(items)
        if not items:
            return EMPTY
        return Result(items, self.n_breaking(items), self.size(items))

    @staticmethod
    def prefix(items: Iterable[Item], sa: Segs, sb: Segs) -> list[Item]:
        if not sa and not sb:
            return list(items)
        return [Link(sa + d.sa, sb + d.sb, d.result) if isinstance(d, Link) else (d[0], sa + d[1], sb + d[2], d[3])
                for d in items]

    def _synthesize(self, key: tuple[Any, ...], keep: Any, build: Any) -> Any:
        """A synthesized schema, built once per key and kept alive so its id stays unique."""
        found = self.synth.get(key)
        if found is None:
            found = (keep, build())
            self.synth[key] = found
        return found[1]

    def _resolve(self, side: int, ref: str) -> tuple[Any, str]:
        sd = self.sides[side]
        hit = sd.cache.get(ref)
        if hit is None:
            try:
                hit = sd.resolver(ref)
            except (LookupError, ValueError, TypeError) as exc:
                raise Unresolved(f"cannot resolve $ref {ref!r}: {exc}") from None
            sd.cache[ref] = hit
        return hit

    def deref(self, node: Node) -> Node:
        obj, side, base = node
        hops = 0
        while isinstance(obj, dict):
            ref = None
            for key in REF_KEYS:
                if isinstance(obj.get(key), str):
                    ref = obj[key]
                    break
            if ref is None:
                break
            if self.sides[side].siblings and any(k in ASSERTIONS and k not in REF_KEYS for k in obj):
                obj = self._split_ref(obj, ref)  # 2019-09+: the keywords next to $ref count too
                break
            target, key = self._resolve(side, join_ref(base, ref))
            obj, base = target, document_of(key)
            hops += 1
            if hops > 64:  # a chain of $refs that never reaches a schema: constrains nothing
                return (True, side, base)
        return (obj, side, base)

    def _split_ref(self, obj: dict[str, Any], ref: str) -> Any:
        """`{$ref, ...keywords}` read as `allOf: [{$ref}, {...keywords}]`."""
        def build() -> dict[str, Any]:
            siblings = {k: v for k, v in obj.items() if k not in REF_KEYS}
            self.scoped.add(id(siblings))
            return {"allOf": [{"$ref": ref}, siblings]}
        return self._synthesize(("refsplit", id(obj)), obj, build)

    def _deref_side(self, side: int, obj: Any, base: str) -> tuple[Any, str]:
        node = self.deref((obj, side, base))
        return node[0], node[2]

    def try_deref(self, node: Node) -> Node | None:
        try:
            return self.deref(node)
        except Unresolved:
            return None

    def trivial(self, obj: Any) -> bool:
        """Accepts every instance."""
        return obj is True or (isinstance(obj, dict) and not any(k in ASSERTIONS for k in obj))

    def is_true(self, node: Node) -> bool:
        n = self.try_deref(node)
        return n is not None and self.trivial(n[0])

    def is_false(self, node: Node) -> bool:
        n = self.try_deref(node)
        if n is None:
            return False
        obj = n[0]
        if obj is False:
            return True
        return isinstance(obj, dict) and "not" in obj and len([k for k in obj if k in ASSERTIONS]) == 1 \
            and self.is_true((obj["not"], n[1], n[2]))

    def regex(self, source: str) -> re.Pattern[str] | None:
        if source not in self._regex:
            try:
                self._regex[source] = re.compile(source)
            except re.error:
                self._regex[source] = None
        return self._regex[source]

    def seg(self, obj: Any, kw: str, name: str | None = None) -> Segs:
        """Path of keyword `kw` (and entry `name` below it) of `obj`, honouring merged origins."""
        tail: Segs = (kw,) if name is None else (kw, name)
        origin = self.origins.get(id(obj))
        if not origin:
            return tail
        prefix = origin.get((kw, name)) if name is not None else None
        if prefix is None:
            prefix = origin.get(kw, ())
        return prefix + tail

    def sub(self, a: Node, b: Node, sa: Segs, sb: Segs) -> list[Item]:
        """The comparison of a child pair, linked in at (sa, sb)."""
        r = self.cmp(a, b)
        return [Link(sa, sb, r)] if r else []

    def cmp(self, a: Node, b: Node) -> Result:
        try:
            a = self.deref(a)
            b = self.deref(b)
        except Unresolved as exc:
            if self._same_raw_ref(a, b):
                return EMPTY
            return self.make([("CANNOT_DECIDE", (), (), (("reason", str(exc)),))])
        ao, bo = a[0], b[0]
        if ao is False:
            return EMPTY
        if self.trivial(bo):
            return self.make(self.meta(ao, bo))
        if isinstance(ao, dict) and isinstance(bo, dict):
            if self.interner.key(ao) == self.interner.key(bo) and not self.interner.has_ref(ao):
                return EMPTY
        key = (id(ao), a[1], a[2], id(bo), b[1], b[2])
        found = self.memo.get(key)
        if found is not None:
            return found
        prov = self.prov.get(key)
        if prov is not None:
            head_index = self.on_stack.get(prov[1])
            if head_index is not None and self.low:
                self.low[-1] = min(self.low[-1], head_index)
            return prov[0]
        index = self.on_stack.get(key)
        if index is not None:  # re-entered: assume compatible until proven otherwise
            if self.low:
                self.low[-1] = min(self.low[-1], index)
            return EMPTY
        if len(self.stack) >= self.opt.max_depth:
            return self.make([("CANNOT_DECIDE", (), (), (("reason", f"nesting deeper than {self.opt.max_depth}"),))])
        self.steps += 1
        if self.steps > self.opt.max_steps:
            return self.make([("CANNOT_DECIDE", (), (), (("reason", f"more than {self.opt.max_steps} comparisons"),))])
        index = len(self.stack)
        self.stack.append(key)
        self.on_stack[key] = index
        self.low.append(index)
        try:
            result = self.make(self.compare_forms(a, b))
        finally:
            self.stack.pop()
            del self.on_stack[key]
            my_low = self.low.pop()
        if self.low:
            self.low[-1] = min(self.low[-1], my_low)
        self._settle(key, index, my_low, result)
        return result

    def _settle(self, key: tuple[Any, ...], index: int, my_low: int, result: Result) -> None:
        dependents = self.deps.pop(key, [])
        if self.breaks(result):  # everything that assumed this pair compatible was too optimistic
            for d in dependents:
                self.prov.pop(d, None)
            dependents = []
        if my_low >= index:
            self.memo[key] = result
            for d in dependents:
                got = self.prov.pop(d, None)
                if got is not None:
                    self.memo[d] = got[0]
            return
        head = self.stack[my_low]
        self.prov[key] = (result, head)
        bucket = self.deps.setdefault(head, [])
        bucket.append(key)
        for d in dependents:
            got = self.prov.get(d)
            if got is not None:
                self.prov[d] = (got[0], head)
                bucket.append(d)

    def _same_raw_ref(self, a: Node, b: Node) -> bool:
        ao, bo = a[0], b[0]
        if isinstance(ao, dict) and isinstance(bo, dict):
            ra = next((ao[k] for k in REF_KEYS if isinstance(ao.get(k), str)), None)
            rb = next((bo[k] for k in REF_KEYS if isinstance(bo.get(k), str)), None)
            return ra is not None and ra == rb and self.interner.key(ao) == self.interner.key(bo)
        return False

    def form(self, node: Node) -> Form:
        obj, side, base = node
        if not isinstance(obj, dict):
            return Form(None)
        fkey = (id(obj), side, base)
        found = self.forms.get(fkey)
        if found is not None:
            return found
        present = [k for k in COMBINATORS if isinstance(obj.get(k), list) and obj[k]]
        others = [k for k in obj if k in ASSERTIONS and k not in COMBINATORS]
        if not present:
            form = Form(None)
        elif len(present) == 1 and not others:
            kind = present[0]
            segs = self.member_segs.get(id(obj))
            members = tuple(
                ((m, side, base), segs[i] if segs else (kind, str(i))) for i, m in enumerate(obj[kind])
            )
            form = Form(kind, self._dedupe_members(members) if kind != "oneOf" else members)
        else:
            parts: list[Member] = []
            named: dict[str, Any] = {}
            if others:
                rest = self._synthesize(("rest", id(obj)), obj, lambda: {
                    k: v for k, v in obj.items() if k not in COMBINATORS
                })
                self.scoped.add(id(rest))
                if id(obj) in self.origins:
                    self.origins[id(rest)] = self.origins[id(obj)]
                parts.append(((rest, side, base), ()))
                named["rest"] = parts[-1]
            for kind in present:
                if kind == "allOf":
                    conjuncts = [((m, side, base), ("allOf", str(i))) for i, m in enumerate(obj["allOf"])]
                    parts.extend(conjuncts)
                    named["allOf"] = tuple(conjuncts)
                else:
                    wrapper = self._synthesize((kind, id(obj)), obj, lambda kind=kind: {kind: obj[kind]})
                    parts.append(((wrapper, side, base), ()))
                    named[kind] = parts[-1]
            form = Form("allOf", self._dedupe_members(tuple(parts)), named)
        self.forms[fkey] = form
        return form

    def _dedupe_members(self, members: tuple[Member, ...]) -> tuple[Member, ...]:
        seen: set[int] = set()
        out: list[Member] = []
        for m in members:
            if id(m[0][0]) in self.scoped:  # its meaning depends on its siblings: never a duplicate
                out.append(m)
                continue
            k = self.interner.key(m[0][0])
            if k not in seen:
                seen.add(k)
                out.append(m)
        return tuple(out)

    def alone(self, member: Member) -> Member:
        """A member compared by itself in the writer's (old) role.

        An "own keywords" part whose unevaluatedProperties/unevaluatedItems read the annotations of
        its sibling parts accepts more in its node than on its own, so on its own it stands for the
        same part without those keywords (a superset, hence a sound stand-in for old data).
        """
        (obj, side, base), segs = member
        if id(obj) not in self.scoped or not any(k in obj for k in UNEVALUATED_KEYS):
            return member

        def build() -> dict[str, Any]:
            return {k: v for k, v in obj.items() if k not in UNEVALUATED_KEYS}
        stripped = self._synthesize(("alone", id(obj)), obj, build)
        if id(obj) in self.origins:
            self.origins[id(stripped)] = self.origins[id(obj)]
        return ((stripped, side, base), segs)

    def merge(self, members: Sequence[Member], depth: int = 0) -> Node | None:
        """One schema equivalent to allOf(members), or None when merging would not be exact."""
        flat: list[tuple[Any, int, str, Segs]] = []
        for node, segs in members:
            n = self.try_deref(node)
            if n is None:
                return None
            obj, side, base = n
            if obj is False:
                return (False, side, base)
            if self.trivial(obj):
                continue
            if not isinstance(obj, dict):
                return None
            if any(isinstance(obj.get(k), list) and obj[k] for k in ("anyOf", "oneOf")):
                return None
            if isinstance(obj.get("allOf"), list) and obj["allOf"]:
                if depth > 8:
                    return None
                form = self.form(n)
                inner = self.merge([(m, segs + s) for m, s in form.members], depth + 1)
                if inner is None:
                    return None
                obj, side, base = inner
                if obj is False:
                    return inner
                if self.trivial(obj):
                    continue
                origin = self.origins.get(id(obj))
                flat.append((obj, side, base, segs if origin is None else ()))
                continue
            flat.append((obj, side, base, segs))
        if not members:
            return None
        side = members[0][0][1]
        if not flat:
            return (True, side, "")
        bases = {f[2] for f in flat}
        if len(bases) != 1:
            return None
        base = flat[0][2]
        holders = [f for f in flat if any(k in f[0] for k in ("properties", "patternProperties",
                                                               "additionalProperties"))]
        closing = any(("additionalProperties" in f[0] and f[0]["additionalProperties"] is not True)
                      or "patternProperties" in f[0] for f in flat)
        if closing and len(holders) > 1:
            return None
        key = ("merge",) + tuple((id(f[0]), f[3]) for f in flat)
        cached = self.synth.get(key)
        if cached is not None:
            return (cached[1], side, base) if cached[1] is not None else None
        merged = self._merge_dicts(flat)
        self.synth[key] = ([f[0] for f in flat], merged)
        return (merged, side, base) if merged is not None else None

    @staticmethod
    def inert_keys(obj: dict[str, Any]) -> dict[str, str]:
        """Keywords of `obj` that do nothing because their partner keyword is not in `obj`, each
        with that partner."""
        out: dict[str, str] = {}
        if "contains" not in obj:
            out.update((k, "contains") for k in ("minContains", "maxContains") if k in obj)
        if "if" not in obj:
            out.update((k, "if") for k in ("then", "else") if k in obj)
        for bound, flag in (("maximum", "exclusiveMaximum"), ("minimum", "exclusiveMinimum")):
            if isinstance(obj.get(flag), bool) and bound not in obj:  # draft-04 boolean form
                out[flag] = bound
        if "additionalItems" in obj and not isinstance(obj.get("items"), list):
            out["additionalItems"] = "items"
        return out

    @staticmethod
    def _partner_elsewhere(partner: str, objs: Sequence[Any], me: Any) -> bool:
        """Whether another member holds `partner` (for `additionalItems`: a tuple `items`)."""
        return any(o is not me and partner in o and (partner != "items" or isinstance(o["items"], list))
                   for o in objs)

    def _entangled(self, flat: list[tuple[Any, int, str, Segs]]) -> str | None:
        """Why merging these allOf members into one object would change their meaning, if it would.

        Keywords that act together only inside one schema object must not meet across members:
        `contains` with another member's counts, 2020-12 `items` (all items) with another member's
        `prefixItems` (where it would mean "items past the tuple"), and unevaluatedProperties /
        unevaluatedItems of a member, which do not see what its sibling members evaluate (except
        for a node's own keywords, which do).
        """
        key = self.interner.key
        objs = [f[0] for f in flat]
        units = {(key(o["contains"]), key(o.get("minContains", 1)), key(o.get("maxContains")))
                 for o in objs if "contains" in o}
        if len(units) > 1:
            return "contains"
        if any("prefixItems" in o for o in objs) and any("items" in o and "prefixItems" not in o for o in objs):
            return "prefixItems"
        live = [o.keys() - self.inert_keys(o) for o in objs]
        for i, o in enumerate(objs):
            if id(o) in self.scoped:
                continue
            for kw, evaluators in (("unevaluatedProperties", PROPERTY_EVALUATORS),
                                   ("unevaluatedItems", ITEM_EVALUATORS)):
                if kw in o and any(j != i and any(e in live[j] for e in evaluators) for j in range(len(objs))):
                    return kw
        return None

    def _merge_dicts(self, flat: list[tuple[Any, int, str, Segs]]) -> dict[str, Any] | None:
        if self._entangled(flat) is not None:
            return None
        merged: dict[str, Any] = {}
        origin: dict[Any, Segs] = {}
        types: set[str] | None = None
        props: dict[str, Any] = {}
        prop_sources: dict[str, list[tuple[Any, Segs]]] = {}
        required: list[str] = []
        objs = [f[0] for f in flat]
        for obj, _side, _base, segs in flat:
            inner_origin = self.origins.get(id(obj), {})
            # an inert keyword stays inert: it must not meet its partner from another member
            inert = {k for k, partner in self.inert_keys(obj).items() if self._partner_elsewhere(partner, objs, obj)}
            for k, v in obj.items():
                if k in inert:
                    continue
                here = inner_origin.get(k, ()) if inner_origin else ()
                where = segs + here
                if k == "type":
                    t = self.declared_types(obj)
                    if t is None:
                        return None
                    types = set(t) if types is None else (
                        {x for x in types if type_accepts(t, x)} | {x for x in t if type_accepts(types, x)})
                    origin.setdefault("type", where)
                elif k == "properties" and isinstance(v, dict):
                    for name, s in v.items():
                        prop_here = inner_origin.get(("properties", name), here) if inner_origin else here
                        prop_sources.setdefault(name, []).append((s, segs + prop_here))
                elif k == "required" and isinstance(v, list):
                    required.extend(r for r in v if isinstance(r, str) and r not in required)
                    origin.setdefault("required", where)
                elif k in ("title", "description", "default", "$id", "id"):
                    merged.setdefault(k, v)
                elif k in ASSERTIONS:
                    if k in merged and self.interner.key(merged[k]) != self.interner.key(v):
                        return None
                    merged[k] = v
                    origin.setdefault(k, where)
        for name, sources in prop_sources.items():
            if len(sources) == 1:
                props[name] = sources[0][0]
                origin[("properties", name)] = sources[0][1]
            else:
                unique: list[tuple[Any, Segs]] = []
                seen: set[int] = set()
                for s, where in sources:
                    k = self.interner.key(s)
                    if k not in seen:
                        seen.add(k)
                        unique.append((s, where))
                if len(unique) == 1:
                    props[name] = unique[0][0]
                else:
                    both = {"allOf": [s for s, _ in unique]}
                    self.synth[("propmerge", id(both))] = (unique, both)
                    # reported where the property is first declared
                    self.member_segs[id(both)] = [() for _ in unique]
                    props[name] = both
                origin[("properties", name)] = sources[0][1]
        if types is not None:
            merged["type"] = sorted(types)
        if props:
            merged["properties"] = props
        if required:
            merged["required"] = required
        self.origins[id(merged)] = origin
        return merged

    def declared_types(self, obj: Any) -> frozenset[str] | None:
        if not isinstance(obj, dict):
            return None
        t = obj.get("type")
        if isinstance(t, str):
            out = {t}
        elif isinstance(t, list):
            out = {x for x in t if isinstance(x, str)}
        else:
            return None
        if self.opt.nullable and obj.get("nullable") is True:
            out.add("null")
        return frozenset(out)

    def value_types(self, obj: Any) -> frozenset[str] | None:
        values = self.values(obj)
        if values is None:
            return None
        return frozenset(json_type(v) for _, v in values)

    def types_of(self, obj: Any) -> frozenset[str] | None:
        """Declared types, or the types of the enum/const values when no type is declared."""
        declared = self.declared_types(obj)
        if declared is not None:
            return declared
        return self.value_types(obj)

    def node_types(self, node: Node) -> frozenset[str] | None:
        n = self.try_deref(node)
        if n is None or not isinstance(n[0], dict) or self.form(n).kind is not None:
            return None
        return self.types_of(n[0])

    @staticmethod
    def _surely_disjoint(ta: frozenset[str] | None, tb: frozenset[str] | None) -> bool:
        if ta is None or tb is None or not ta:
            return False
        return not any(type_accepts(tb, t) for t in ta) and not any(type_accepts(ta, t) for t in tb)

    def values(self, obj: Any) -> list[tuple[int, Any]] | None:
        """(key, value) of the enum/const values, or None when the schema has neither."""
        if not isinstance(obj, dict) or ("enum" not in obj and "const" not in obj):
            return None
        cached = self.value_cache.get(id(obj))
        if cached is not None:
            return cached[1]
        found = self._values(obj)
        self.value_cache[id(obj)] = (obj, found)
        return found

    def _values(self, obj: dict[str, Any]) -> list[tuple[int, Any]] | None:
        key = self.interner.key
        out: list[tuple[int, Any]] | None = None
        if isinstance(obj.get("enum"), list):
            seen: set[int] = set()
            out = []
            for v in obj["enum"]:
                k = key(v)
                if k not in seen:
                    seen.add(k)
                    out.append((k, v))
        if "const" in obj:
            c = obj["const"]
            ck = key(c)
            out = [(ck, c)] if out is None or any(k == ck for k, _ in out) else []
        return out

    def meta(self, ao: Any, bo: Any) -> tuple[Raw, ...]:
        if not isinstance(ao, dict) or not isinstance(bo, dict):
            return ()
        out: list[Raw] = []
        key = self.interner.key
        for kw, label in META_KEYS:
            va = ao.get(kw, ao.get("id") if kw == "$id" and isinstance(ao.get("id"), str) else None)
            vb = bo.get(kw, bo.get("id") if kw == "$id" and isinstance(bo.get("id"), str) else None)
            if (va is None) != (vb is None) or (va is not None and key(va) != key(vb)):
                out.append((label, (), (), (("old", va), ("new", vb))))
        return tuple(out)

    # --- implemented by the rule mixins --------------------------------------------------------
    def compare_forms(self, a: Node, b: Node) -> list[Item]:
        raise NotImplementedError

    def bag(self, a: Node, b: Node) -> list[Item]:
        raise NotImplementedError

"""Two plain schemas (no combinators), keyword family by keyword family.

Types, enum/const, not, objects (properties and the open/closed/partially open content model,
required, additional/pattern/unevaluated properties, dependencies), arrays (lists, tuples in both
the draft-07 and the 2020-12 spelling, contains), strings, numbers, formats and if/then/else. A
family is compared only when both schemas can hold instances of its type.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Sequence

from govern.diff.schema.engine import (
    ARRAY_KEYS,
    FORMAT_WIDENINGS,
    MAX_ENUM_CHECK,
    NUMBER_KEYS,
    NUMBER_TYPES,
    OBJECT_ALL_KEYS,
    STRING_KEYS,
    UNEVALUATED_KEYS,
    Engine,
    Node,
    _num,
)
from govern.diff.schema.results import Item, Link, Segs, flatten
from govern.diff.schema.types import pointer_of
from govern.diff.schema.values import ANY_TYPES, type_accepts


def _mapping(obj: dict[str, Any], kw: str) -> dict[str, Any]:
    value = obj.get(kw)
    return value if isinstance(value, dict) else {}


class KeywordRules(Engine):
    """How two plain schemas compare."""

    def bag(self, a: Node, b: Node) -> list[Item]:
        ao = a[0] if isinstance(a[0], dict) else {}
        if b[0] is False:
            return [("TYPE_NARROWED", (), (), (("old", sorted(self.types_of(ao) or ["any"])), ("new", [])))]
        bo = b[0] if isinstance(b[0], dict) else {}
        if any(k in ao for k in UNEVALUATED_KEYS):
            ao = self.writer_view(ao, bo)
            a = (ao, a[1], a[2])
        out: list[Item] = list(self.meta(ao, bo))
        ta, tb = self.types_of(ao), self.types_of(bo)
        label = self.type_change(ta, tb)
        if label and "type" not in ao and "type" not in bo and self.values(ao) is not None \
                and self.values(bo) is not None:
            label = None  # both are value lists: the enum comparison says it all
        if label:
            out.append((label, (), (), (("old", sorted(ta) if ta is not None else None),
                                        ("new", sorted(tb) if tb is not None else None))))
        if ta is not None and not ta:
            return out  # the old schema accepts nothing
        values_a = self.values(ao)
        out.extend(self.enum_diffs(ao, bo, ta, values_a))
        out.extend(self.not_diffs(a, b, ao, bo, ta))

        def active(family: Sequence[str]) -> bool:
            return (ta is None or any(t in ta for t in family)) and (tb is None or any(t in tb for t in family))

        keys = ao.keys() | bo.keys()
        if not OBJECT_ALL_KEYS.isdisjoint(keys) and active(("object",)):
            out.extend(self.object_diffs(a, b, ao, bo))
        if not ARRAY_KEYS.isdisjoint(keys) and active(("array",)):
            out.extend(self.array_diffs(a, b, ao, bo))
        if active(("string",)):
            out.extend(self.string_diffs(ao, bo))
        if active(NUMBER_TYPES):
            out.extend(self.number_diffs(ao, bo))
        if label != "TYPE_CHANGED":  # a format of an unrelated type is part of that change
            out.extend(self.format_diffs(ao, bo))
        if "if" in keys:
            out.extend(self.condition_diffs(a, b, ao, bo))
        if values_a is not None and len(values_a) <= MAX_ENUM_CHECK and self.values(bo) is None:
            out = self.judge_values(a, b, ao, values_a, out)  # (two value lists compare exactly already)
        return out

    # Keywords whose annotations unevaluatedProperties / unevaluatedItems read but which the
    # content-model comparison does not follow (it reads the catch-all like additionalProperties).
    _HIDDEN_EVALUATORS = (("unevaluatedProperties", ("if", "then", "else", "dependentSchemas", "dependencies")),
                          ("unevaluatedItems", ("if", "then", "else", "contains")))

    def writer_view(self, ao: dict[str, Any], bo: dict[str, Any]) -> dict[str, Any]:
        """The old schema with the unevaluated* keywords the comparison cannot follow left out.

        Next to `if`/`then`/`else`, `dependentSchemas` (and, for items, `contains`) an old
        unevaluatedProperties/unevaluatedItems admits whatever those subschemas evaluate, which the
        content-model comparison does not see. When the new schema holds the very same keywords,
        both sides overlook the same annotations and the comparison stays sound; otherwise the old
        catch-all is dropped, which can only widen what the old schema is taken to accept.
        """
        key, has_ref = self.interner.key, self.interner.has_ref
        drop: list[str] = []
        for kw, hidden in self._HIDDEN_EVALUATORS:
            if kw not in ao:
                continue
            for h in hidden:
                if h in ao and (h not in bo or key(ao[h]) != key(bo[h]) or has_ref(ao[h])):
                    drop.append(kw)
                    break
        if not drop:
            return ao

        def build() -> dict[str, Any]:
            return {k: v for k, v in ao.items() if k not in drop}
        view = self._synthesize(("writer-view", id(ao), tuple(drop)), ao, build)
        if id(ao) in self.origins:
            self.origins[id(view)] = self.origins[id(ao)]
        return view

    @staticmethod
    def type_change(ta: frozenset[str] | None, tb: frozenset[str] | None) -> str | None:
        if ta == tb:
            return None
        if tb is None:
            return "TYPE_EXTENDED"
        if ta is None:
            return "TYPE_NARROWED" if tb != ANY_TYPES else None
        single = len(ta) == 1 and len(tb) == 1
        lost = [t for t in ta if not type_accepts(tb, t)]
        gained = [t for t in tb if not type_accepts(ta, t)]
        if not lost:
            if not gained:
                return None
            return "TYPE_EXTENDED" if single else "SUM_TYPE_EXTENDED"
        partly = [t for t in lost if t == "number" and "integer" in tb]
        if len(partly) == len(lost):
            return "TYPE_NARROWED" if single else "SUM_TYPE_NARROWED"
        if len(lost) == len(ta) and not partly:
            return "TYPE_CHANGED"
        return "SUM_TYPE_NARROWED"

    def enum_diffs(self, ao: dict[str, Any], bo: dict[str, Any], ta: frozenset[str] | None,
                   values_a: list[tuple[int, Any]] | None) -> list[Item]:
        values_b = self.values(bo)
        if values_a is None and values_b is None:
            return []
        if values_a is None:
            assert values_b is not None
            domain = self._finite_domain(ta)
            keys_b = {k for k, _ in values_b}
            if domain is not None and all(self.interner.key(v) in keys_b for v in domain):
                return []
            return [("PRODUCT_TYPE_EXTENDED", (), (), (("new", [v for _, v in values_b][:20]),))]
        if values_b is None:
            return [("PRODUCT_TYPE_NARROWED", (), (), (("old", [v for _, v in values_a][:20]),))]
        ka = {k for k, _ in values_a}
        kb = {k for k, _ in values_b}
        if ka == kb:
            return []
        kw_a = "enum" if "enum" in ao else "const"
        kw_b = "enum" if "enum" in bo else "const"
        removed = [v for k, v in values_a if k not in kb][:20]
        added = [v for k, v in values_b if k not in ka][:20]
        label = "ENUM_ARRAY_EXTENDED" if ka <= kb else "ENUM_ARRAY_NARROWED" if kb <= ka else "ENUM_ARRAY_CHANGED"
        return [(label, self.seg(ao, kw_a), self.seg(bo, kw_b), (("added", added), ("removed", removed)))]

    @staticmethod
    def _finite_domain(types: frozenset[str] | None) -> list[Any] | None:
        if types is None or not types or not types <= {"boolean", "null"}:
            return None
        out: list[Any] = []
        if "boolean" in types:
            out += [True, False]
        if "null" in types:
            out.append(None)
        return out

    def judge_values(self, a: Node, b: Node, ao: dict[str, Any], values_a: list[tuple[int, Any]],
                     out: list[Item]) -> list[Item]:
        """Old enum/const values checked one by one: the exact answer where it can be had."""
        rejected: list[Any] = []
        unsure = False
        for _, v in values_a:
            if self.validators[a[1]].accepts(a[0], a[2], v) is False:
                continue  # the old schema rejects it anyway: not old data
            verdict = self.validators[b[1]].accepts(b[0], b[2], v)
            if verdict is None:
                unsure = True
            elif verdict is False:
                rejected.append(v)
        if not rejected and not unsure:
            return [d for d in out if (d.result.breaking == 0 if isinstance(d, Link) else d[0] in self.ok)]
        if rejected and not self.breaks(out):
            kw = "enum" if "enum" in ao else "const"
            out.append(("ENUM_ARRAY_NARROWED", self.seg(ao, kw), self.seg(ao, kw), (("rejected", rejected[:20]),)))
        return out

    def not_diffs(self, a: Node, b: Node, ao: dict[str, Any], bo: dict[str, Any],
                  ta: frozenset[str] | None) -> list[Item]:
        has_a, has_b = "not" in ao, "not" in bo
        if not has_a and not has_b:
            return []
        sa, sb = self.seg(ao, "not"), self.seg(bo, "not")
        if has_a and not has_b:
            return [("NOT_TYPE_NARROWED", sa, sb, ())]
        nb = (bo["not"], b[1], b[2])
        if not has_a:
            if self._surely_disjoint(ta, self.node_types(nb)) or self.is_false(nb):
                return []
            return [("NOT_TYPE_EXTENDED", sa, sb, ())]
        na = (ao["not"], a[1], a[2])
        reverse = self.cmp(nb, na)  # not A ⊆ not B  iff  B ⊆ A
        if not reverse:
            return []
        label = "NOT_TYPE_EXTENDED" if self.breaks(reverse) else "NOT_TYPE_NARROWED"
        because = tuple(f"{d[0]} {pointer_of(d[1])}" for d in flatten(reverse.items, limit=10))
        return [(label, sa, sb, (("because", because),))]

    def extra(self, node: Node, name: str) -> Node:
        """The schema an undeclared property `name` is checked against."""
        obj, side, base = node
        if not isinstance(obj, dict):
            return (True, side, base)
        patterns = obj.get("patternProperties")
        hits: list[Any] = []
        if isinstance(patterns, dict):
            for source, sub in patterns.items():
                rx = self.regex(source)
                if rx is not None and rx.search(name):
                    hits.append(sub)
        if len(hits) == 1:
            return (hits[0], side, base)
        if hits:
            both = self._synthesize(("patterns", id(obj), name), obj, lambda: {"allOf": hits})
            self.member_segs[id(both)] = [() for _ in hits]
            return (both, side, base)
        for kw in ("additionalProperties", "unevaluatedProperties"):
            if kw in obj:
                return (obj[kw], side, base)
        return (True, side, base)

    def object_diffs(self, a: Node, b: Node, ao: dict[str, Any], bo: dict[str, Any]) -> list[Item]:
        out: list[Item] = []
        pa = _mapping(ao, "properties")
        pb = _mapping(bo, "properties")
        ra = [r for r in ao.get("required", ()) if isinstance(r, str)] if isinstance(ao.get("required"), list) else []
        rb = [r for r in bo.get("required", ()) if isinstance(r, str)] if isinstance(bo.get("required"), list) else []
        req_a, req_b = set(ra), set(rb)
        for name, sb in pb.items():
            seg_a, seg_b = self.seg(ao, "properties", name), self.seg(bo, "properties", name)
            nb = (sb, b[1], b[2])
            if name in pa:
                out.extend(self.sub((pa[name], a[1], a[2]), nb, seg_a, seg_b))
            else:
                out.extend(self.property_added(a, nb, name, name in req_b, seg_a, seg_b))
        for name, sa in pa.items():
            if name not in pb:
                seg_a, seg_b = self.seg(ao, "properties", name), self.seg(bo, "properties", name)
                out.extend(self.property_removed((sa, a[1], a[2]), b, name, seg_a, seg_b))
        for name in rb:
            if name not in req_a and not (name in pb and name not in pa):
                with_default = name in pb and self._has_default((pb[name], b[1], b[2]))
                out.append(("REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED" if with_default else "REQUIRED_ATTRIBUTE_ADDED",
                            self.seg(ao, "required", name), self.seg(bo, "required", name), ()))
        for name in ra:
            if name not in req_b:
                out.append(("REQUIRED_ATTRIBUTE_REMOVED", self.seg(ao, "required", name),
                            self.seg(bo, "required", name), ()))
        if ("additionalProperties" in ao) == ("additionalProperties" in bo):
            out.extend(self.catch_all(a, b, ao, bo, "additionalProperties", "ADDITIONAL_PROPERTIES"))
        else:  # on the side without it, unevaluatedProperties (if any) checks the undeclared properties
            kw_a = "unevaluatedProperties" if "additionalProperties" not in ao and "unevaluatedProperties" in ao \
                else "additionalProperties"
            kw_b = "unevaluatedProperties" if "additionalProperties" not in bo and "unevaluatedProperties" in bo \
                else "additionalProperties"
            out.extend(self._catch_all_nodes(self._fallback(a, ao), self._fallback(b, bo), self.seg(ao, kw_a),
                                             self.seg(bo, kw_b), "ADDITIONAL_PROPERTIES"))
        out.extend(self.catch_all(a, b, ao, bo, "unevaluatedProperties", "UNEVALUATED_PROPERTIES"))
        out.extend(self.pattern_diffs(a, b, ao, bo))
        out.extend(self.limit(ao, bo, "maxProperties", "MAX_PROPERTIES"))
        out.extend(self.limit(ao, bo, "minProperties", "MIN_PROPERTIES", zero_is_none=True))
        out.extend(self.dependency_diffs(a, b, ao, bo))
        if "propertyNames" in ao or "propertyNames" in bo:
            na = (ao.get("propertyNames", True), a[1], a[2])
            nb = (bo.get("propertyNames", True), b[1], b[2])
            out.extend(self.sub(na, nb, self.seg(ao, "propertyNames"), self.seg(bo, "propertyNames")))
        return out

    def _has_default(self, node: Node) -> bool:
        n = self.try_deref(node)
        return n is not None and isinstance(n[0], dict) and "default" in n[0]

    def property_added(self, a: Node, nb: Node, name: str, required: bool, seg_a: Segs, seg_b: Segs) -> list[Item]:
        extra = self.extra(a, name)
        with_default = required and self._has_default(nb)
        if self.is_false(extra):
            label = ("REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL" if with_default
                     else "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL" if required
                     else "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL")
            return [(label, seg_a, seg_b, ())]
        if self.is_true(extra):
            if required:
                label = ("REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL" if with_default
                         else "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL")
            elif self.is_true(nb):
                label = "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
            else:
                label = "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
            return [(label, seg_a, seg_b, ())]
        inner = self.sub(extra, nb, seg_a, seg_b)
        covered = ("PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" if self.breaks(inner)
                   else "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
        label = ("REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL" if with_default
                 else "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL" if required
                 else "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL")
        return [*inner, (covered, seg_a, seg_b, ()), (label, seg_a, seg_b, ())]

    def property_removed(self, na: Node, b: Node, name: str, seg_a: Segs, seg_b: Segs) -> list[Item]:
        extra = self.extra(b, name)
        if self.is_true(extra):
            return [("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", seg_a, seg_b, ())]
        if self.is_false(extra):
            label = ("PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL" if self.is_false(na)
                     else "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL")
            return [(label, seg_a, seg_b, ())]
        inner = self.sub(na, extra, seg_a, seg_b)
        covered = ("PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" if self.breaks(inner)
                   else "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
        return [*inner, (covered, seg_a, seg_b, ())]

    def catch_all(self, a: Node, b: Node, ao: dict[str, Any], bo: dict[str, Any], kw: str, prefix: str) -> list[Item]:
        """additionalProperties / unevaluatedProperties (and their item twins): absent means true."""
        if kw not in ao and kw not in bo:
            return []
        na = (ao.get(kw, True), a[1], a[2])
        nb = (bo.get(kw, True), b[1], b[2])
        return self._catch_all_nodes(na, nb, self.seg(ao, kw), self.seg(bo, kw), prefix)

    def _catch_all_nodes(self, na: Node, nb: Node, sa: Segs, sb: Segs, prefix: str) -> list[Item]:
        false_a, false_b = self.is_false(na), self.is_false(nb)
        if false_a and false_b:
            return []
        if false_a:
            return [(f"{prefix}_ADDED", sa, sb, ())]
        if false_b:
            return [(f"{prefix}_REMOVED", sa, sb, ())]
        true_a, true_b = self.is_true(na), self.is_true(nb)
        if true_a and true_b:
            return []
        if true_a:
            return [(f"{prefix}_NARROWED", sa, sb, ())]
        if true_b:
            return [(f"{prefix}_EXTENDED", sa, sb, ())]
        return list(self.sub(na, nb, sa, sb))

    def pattern_diffs(self, a: Node, b: Node, ao: dict[str, Any], bo: dict[str, Any]) -> list[Item]:
        pa = _mapping(ao, "patternProperties")
        pb = _mapping(bo, "patternProperties")
        if not pa and not pb:
            return []
        out: list[Item] = []
        fallback_a = self._fallback(a, ao)
        fallback_b = self._fallback(b, bo)
        for source, sb in pb.items():
            seg_a, seg_b = self.seg(ao, "patternProperties", source), self.seg(bo, "patternProperties", source)
            nb = (sb, b[1], b[2])
            if source in pa:
                out.extend(self.sub((pa[source], a[1], a[2]), nb, seg_a, seg_b))
                continue
            if self.is_false(fallback_a):
                continue  # keys matching it were forbidden before: nothing old to read
            inner = self.cmp(fallback_a, nb)
            if self.breaks(inner):
                out.append(("ADDITIONAL_PROPERTIES_NARROWED", seg_a, seg_b, (("pattern", source),)))
        for source, sa in pa.items():
            if source in pb:
                continue
            seg_a, seg_b = self.seg(ao, "patternProperties", source), self.seg(bo, "patternProperties", source)
            na = (sa, a[1], a[2])
            if self.is_false(na):
                continue
            if self.is_false(fallback_b):
                out.append(("ADDITIONAL_PROPERTIES_REMOVED", seg_a, seg_b, (("pattern", source),)))
                continue
            inner = self.cmp(na, fallback_b)
            label = "ADDITIONAL_PROPERTIES_NARROWED" if self.breaks(inner) else "ADDITIONAL_PROPERTIES_EXTENDED"
            out.append((label, seg_a, seg_b, (("pattern", source),)))
        return out

    @staticmethod
    def _fallback(node: Node, obj: dict[str, Any]) -> Node:
        for kw in ("additionalProperties", "unevaluatedProperties"):
            if kw in obj:
                return (obj[kw], node[1], node[2])
        return (True, node[1], node[2])

    def dependency_diffs(self, a: Node, b: Node, ao: dict[str, Any], bo: dict[str, Any]) -> list[Item]:
        da, db = self._dependencies(ao), self._dependencies(bo)
        if not da and not db:
            return []
        out: list[Item] = []
        names = list(db) + [n for n in da if n not in db]
        for name in names:
            ea, eb = da.get(name), db.get(name)
            kw_a = ea[1] if ea else (eb[1] if eb else "dependencies")
            kw_b = eb[1] if eb else kw_a
            sa, sb = self.seg(ao, kw_a, name), self.seg(bo, kw_b, name)
            if ea is None:
                assert eb is not None
                kind = "ARRAY" if isinstance(eb[0], list) else "SCHEMA"
                out.append((f"DEPENDENCY_{kind}_ADDED", sa, sb, ()))
            elif eb is None:
                kind = "ARRAY" if isinstance(ea[0], list) else "SCHEMA"
                out.append((f"DEPENDENCY_{kind}_REMOVED", sa, sb, ()))
            elif isinstance(ea[0], list) and isinstance(eb[0], list):
                xa = {x for x in ea[0] if isinstance(x, str)}
                xb = {x for x in eb[0] if isinstance(x, str)}
                if xa != xb:
                    label = ("DEPENDENCY_ARRAY_NARROWED" if xb <= xa else "DEPENDENCY_ARRAY_EXTENDED" if xa <= xb
                             else "DEPENDENCY_ARRAY_CHANGED")
                    out.append((label, sa, sb, (("old", sorted(xa)), ("new", sorted(xb)))))
            else:
                na = (self._as_schema(ea[0]), a[1], a[2])
                nb = (self._as_schema(eb[0]), b[1], b[2])
                out.extend(self.sub(na, nb, sa, sb))
        return out

    def _as_schema(self, dep: Any) -> Any:
        if isinstance(dep, list):
            return self._synthesize(("deparray", id(dep)), dep, lambda: {"required": list(dep)})
        return dep

    @staticmethod
    def _dependencies(obj: dict[str, Any]) -> dict[str, tuple[Any, str]]:
        out: dict[str, tuple[Any, str]] = {}
        for kw in ("dependencies", "dependentRequired", "dependentSchemas"):
            value = obj.get(kw)
            if isinstance(value, dict):
                for name, dep in value.items():
                    out.setdefault(name, (dep, kw))
        return out

    @staticmethod
    def _array_view(obj: dict[str, Any]) -> tuple[list[Any] | None, str, Any, str | None, Any]:
        """(tuple prefix, its keyword, the schema for items past it or for all items, that schema's
        keyword, unevaluatedItems)."""
        if isinstance(obj.get("prefixItems"), list):
            return obj["prefixItems"], "prefixItems", obj.get("items"), "items" if "items" in obj else None, \
                obj.get("unevaluatedItems")
        if isinstance(obj.get("items"), list):
            return obj["items"], "items", obj.get("additionalItems"), \
                "additionalItems" if "additionalItems" in obj else None, obj.get("unevaluatedItems")
        return None, "items", obj.get("items"), "items" if "items" in obj else None, obj.get("unevaluatedItems")

    def array_diffs(self, a: Node, b: Node, ao: dict[str, Any], bo: dict[str, Any]) -> list[Item]:
        out: list[Item] = []
        prefix_a, pkw_a, rest_a, rkw_a, uneval_a = self._array_view(ao)
        prefix_b, pkw_b, rest_b, rkw_b, uneval_b = self._array_view(bo)

        def rest_node(node: Node, rest: Any, uneval: Any) -> Node:
            if rest is not None:
                return (rest, node[1], node[2])
            return (uneval if uneval is not None else True, node[1], node[2])

        if prefix_a is not None or prefix_b is not None:
            la, lb = len(prefix_a or []), len(prefix_b or [])
            kw_a = pkw_a if prefix_a is not None else pkw_b
            kw_b = pkw_b if prefix_b is not None else pkw_a
            extra_a = rest_node(a, rest_a, uneval_a)
            extra_b = rest_node(b, rest_b, uneval_b)
            for i in range(max(la, lb)):
                sa, sb = self.seg(ao, kw_a, str(i)), self.seg(bo, kw_b, str(i))
                if i < la and i < lb:
                    assert prefix_a is not None and prefix_b is not None
                    out.extend(self.sub((prefix_a[i], a[1], a[2]), (prefix_b[i], b[1], b[2]), sa, sb))
                elif i < lb:
                    assert prefix_b is not None
                    out.extend(self.item_added(extra_a, (prefix_b[i], b[1], b[2]), sa, sb))
                else:
                    assert prefix_a is not None
                    out.extend(self.item_removed((prefix_a[i], a[1], a[2]), extra_b, sa, sb))
            if rkw_a is not None or rkw_b is not None:
                name_a = rkw_a or ("additionalItems" if pkw_a == "items" else "items")
                name_b = rkw_b or ("additionalItems" if pkw_b == "items" else "items")
                # items past the tuple: the catch-all schema, else unevaluatedItems, else anything
                out.extend(self._catch_all_nodes(extra_a, extra_b, self.seg(ao, name_a), self.seg(bo, name_b),
                                                 "ADDITIONAL_ITEMS"))
        else:
            if rest_a is not None or rest_b is not None:
                # where one side has no `items`, its unevaluatedItems (if any) checks every item
                out.extend(self.list_items(a, b, ao, bo, rest_a if rest_a is not None else uneval_a,
                                           rest_b if rest_b is not None else uneval_b))
            if "additionalItems" in ao or "additionalItems" in bo:  # inert without a tuple; compared anyway
                out.extend(self.catch_all(a, b, ao, bo, "additionalItems", "ADDITIONAL_ITEMS"))
        if "unevaluatedItems" in ao or "unevaluatedItems" in bo:
            out.extend(self.catch_all(a, b, ao, bo, "unevaluatedItems", "UNEVALUATED_ITEMS"))
        out.extend(self.contains_diffs(a, b, ao, bo))
        out.extend(self.limit(ao, bo, "maxItems", "MAX_ITEMS"))
        out.extend(self.limit(ao, bo, "minItems", "MIN_ITEMS", zero_is_none=True))
        ua, ub = ao.get("uniqueItems") is True, bo.get("uniqueItems") is True
        if ua != ub:
            out.append(("UNIQUE_ITEMS_ADDED" if ub else "UNIQUE_ITEMS_REMOVED",
                        self.seg(ao, "uniqueItems"), self.seg(bo, "uniqueItems"), ()))
        return out

    def list_items(self, a: Node, b: Node, ao: dict[str, Any], bo: dict[str, Any], rest_a: Any,
                   rest_b: Any) -> list[Item]:
        na = (rest_a if rest_a is not None else True, a[1], a[2])
        nb = (rest_b if rest_b is not None else True, b[1], b[2])
        sa, sb = self.seg(ao, "items"), self.seg(bo, "items")
        false_a, false_b = self.is_false(na), self.is_false(nb)
        if false_a and not false_b:
            return [("ADDITIONAL_ITEMS_ADDED", sa, sb, ())]
        if false_b and not false_a:
            return [("ADDITIONAL_ITEMS_REMOVED", sa, sb, ())]
        true_a, true_b = self.is_true(na), self.is_true(nb)
        if true_a and not true_b:
            return [("SCHEMA_ADDED", sa, sb, ())]
        if true_b and not true_a:
            return [("SCHEMA_REMOVED", sa, sb, ())]
        return list(self.sub(na, nb, sa, sb))

    def item_added(self, extra_a: Node, nb: Node, sa: Segs, sb: Segs) -> list[Item]:
        if self.is_false(extra_a):
            return [("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", sa, sb, ())]
        if self.is_true(extra_a):
            label = ("ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL" if self.is_true(nb)
                     else "ITEM_ADDED_TO_OPEN_CONTENT_MODEL")
            return [(label, sa, sb, ())]
        inner = self.sub(extra_a, nb, sa, sb)
        label = ("ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" if self.breaks(inner)
                 else "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
        return [*inner, (label, sa, sb, ())]

    def item_removed(self, na: Node, extra_b: Node, sa: Segs, sb: Segs) -> list[Item]:
        if self.is_true(extra_b):
            return [("ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL", sa, sb, ())]
        if self.is_false(extra_b):
            label = ("ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL" if self.is_false(na)
                     else "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL")
            return [(label, sa, sb, ())]
        inner = self.sub(na, extra_b, sa, sb)
        label = ("ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" if self.breaks(inner)
                 else "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
        return [*inner, (label, sa, sb, ())]

    def contains_diffs(self, a: Node, b: Node, ao: dict[str, Any], bo: dict[str, Any]) -> list[Item]:
        has_a, has_b = "contains" in ao, "contains" in bo
        if not has_a and not has_b:
            return []
        out: list[Item] = []
        sa, sb = self.seg(ao, "contains"), self.seg(bo, "contains")
        if has_a and has_b:
            out.extend(self.sub((ao["contains"], a[1], a[2]), (bo["contains"], b[1], b[2]), sa, sb))
            low_a = ao.get("minContains", 1)
            low_b = bo.get("minContains", 1)
            out.extend(self._limit_values(low_a, low_b, ao, bo, "minContains", "MIN_CONTAINS", upper=False))
            out.extend(self.limit(ao, bo, "maxContains", "MAX_CONTAINS"))
            if _num(bo.get("maxContains")) is not None:
                # The new maximum counts the items the new `contains` matches. Unless those are
                # among the ones the old `contains` matched, more old items may count now.
                widened = self.cmp((bo["contains"], b[1], b[2]), (ao["contains"], a[1], a[2]))
                if self.breaks(widened):
                    out.append(("CANNOT_DECIDE", self.seg(ao, "maxContains") if "maxContains" in ao else sa,
                                self.seg(bo, "maxContains"),
                                (("reason", "contains matches more items next to maxContains: old arrays may "
                                            "now hold too many matching items"),)))
        elif has_b:
            if _num(bo.get("minContains")) != 0:
                out.append(("SCHEMA_ADDED", sa, sb, ()))
            elif _num(bo.get("maxContains")) is not None:  # nothing required, but at most so many
                out.append(("MAX_CONTAINS_ADDED", self.seg(ao, "maxContains"), self.seg(bo, "maxContains"),
                            (("old", None), ("new", bo["maxContains"]))))
        else:
            out.append(("SCHEMA_REMOVED", sa, sb, ()))
        return out

    def limit(self, ao: dict[str, Any], bo: dict[str, Any], kw: str, prefix: str, *,
              zero_is_none: bool = False) -> list[Item]:
        if kw not in ao and kw not in bo:
            return []
        va, vb = ao.get(kw), bo.get(kw)
        if zero_is_none:
            va = None if _num(va) == 0 else va
            vb = None if _num(vb) == 0 else vb
        return self._limit_values(va, vb, ao, bo, kw, prefix, upper=prefix.startswith("MAX"))

    def _limit_values(self, va: Any, vb: Any, ao: dict[str, Any], bo: dict[str, Any], kw: str, prefix: str,
                      *, upper: bool) -> list[Item]:
        fa, fb = _num(va), _num(vb)
        if fa == fb:
            return []
        sa, sb = self.seg(ao, kw), self.seg(bo, kw)
        details = (("old", va), ("new", vb))
        if fa is None:
            return [(f"{prefix}_ADDED", sa, sb, details)]
        if fb is None:
            return [(f"{prefix}_REMOVED", sa, sb, details)]
        return [(f"{prefix}_INCREASED" if fb > fa else f"{prefix}_DECREASED", sa, sb, details)]

    def string_diffs(self, ao: dict[str, Any], bo: dict[str, Any]) -> list[Item]:
        if not any(k in ao or k in bo for k in STRING_KEYS):
            return []
        out = self.limit(ao, bo, "maxLength", "MAX_LENGTH")
        out += self.limit(ao, bo, "minLength", "MIN_LENGTH", zero_is_none=True)
        pa = ao.get("pattern") if isinstance(ao.get("pattern"), str) else None
        pb = bo.get("pattern") if isinstance(bo.get("pattern"), str) else None
        if pa != pb:
            label = "PATTERN_ADDED" if pa is None else "PATTERN_REMOVED" if pb is None else "PATTERN_CHANGED"
            out.append((label, self.seg(ao, "pattern"), self.seg(bo, "pattern"), (("old", pa), ("new", pb))))
        return out

    @staticmethod
    def _bound(obj: dict[str, Any], upper: bool) -> tuple[Fraction, bool, str] | None:
        """The effective (value, exclusive, keyword) of the upper or lower bound."""
        inclusive_kw, exclusive_kw = ("maximum", "exclusiveMaximum") if upper else ("minimum", "exclusiveMinimum")
        found: list[tuple[Fraction, bool, str]] = []
        v = _num(obj.get(inclusive_kw))
        if v is not None:
            found.append((v, obj.get(exclusive_kw) is True, inclusive_kw))  # draft-04 boolean form
        x = _num(obj.get(exclusive_kw))
        if x is not None:
            found.append((x, True, exclusive_kw))
        if not found:
            return None
        if upper:
            return min(found, key=lambda f: (f[0], not f[1]))
        return max(found, key=lambda f: (f[0], f[1]))

    @staticmethod
    def _bound_label(bound: tuple[Fraction, bool, str], upper: bool) -> str:
        name = "MAXIMUM" if upper else "MINIMUM"
        return ("EXCLUSIVE_" + name) if bound[1] else name

    def number_diffs(self, ao: dict[str, Any], bo: dict[str, Any]) -> list[Item]:
        if not any(k in ao or k in bo for k in NUMBER_KEYS):
            return []
        out: list[Item] = []
        for upper in (True, False):
            ba, bb = self._bound(ao, upper), self._bound(bo, upper)
            if ba == bb or (ba and bb and ba[:2] == bb[:2]):
                continue
            label = self._bound_label

            kw_a = ba[2] if ba else (bb[2] if bb else "")
            kw_b = bb[2] if bb else kw_a
            sa, sb = self.seg(ao, kw_a), self.seg(bo, kw_b)
            details = (("old", ao.get(kw_a)), ("new", bo.get(kw_b)))
            if ba is None:
                assert bb is not None
                out.append((f"{label(bb, upper)}_ADDED", sa, sb, details))
            elif bb is None:
                out.append((f"{label(ba, upper)}_REMOVED", sa, sb, details))
            else:
                if upper:
                    looser = bb[0] > ba[0] or (bb[0] == ba[0] and ba[1] and not bb[1])
                    out.append((f"{label(bb, upper)}_{'INCREASED' if looser else 'DECREASED'}", sa, sb, details))
                else:
                    looser = bb[0] < ba[0] or (bb[0] == ba[0] and ba[1] and not bb[1])
                    out.append((f"{label(bb, upper)}_{'DECREASED' if looser else 'INCREASED'}", sa, sb, details))
        ma, mb = _num(ao.get("multipleOf")), _num(bo.get("multipleOf"))
        if ma != mb:
            sa, sb = self.seg(ao, "multipleOf"), self.seg(bo, "multipleOf")
            details = (("old", ao.get("multipleOf")), ("new", bo.get("multipleOf")))
            if ma is None:
                out.append(("MULTIPLE_OF_ADDED", sa, sb, details))
            elif mb is None:
                out.append(("MULTIPLE_OF_REMOVED", sa, sb, details))
            elif mb != 0 and (ma / mb).denominator == 1:
                out.append(("MULTIPLE_OF_REDUCED", sa, sb, details))
            elif ma != 0 and (mb / ma).denominator == 1:
                out.append(("MULTIPLE_OF_EXPANDED", sa, sb, details))
            else:
                out.append(("MULTIPLE_OF_CHANGED", sa, sb, details))
        return out

    def format_diffs(self, ao: dict[str, Any], bo: dict[str, Any]) -> list[Item]:
        if "format" not in ao and "format" not in bo:
            return []
        fa = ao.get("format") if isinstance(ao.get("format"), str) else None
        fb = bo.get("format") if isinstance(bo.get("format"), str) else None
        if fa == fb:
            return []
        sa, sb = self.seg(ao, "format"), self.seg(bo, "format")
        details = (("old", fa), ("new", fb))
        if fa is None:
            return [("FORMAT_ADDED", sa, sb, details)]
        if fb is None:
            return [("FORMAT_REMOVED", sa, sb, details)]
        if (fa, fb) in FORMAT_WIDENINGS:
            return [("FORMAT_EXTENDED", sa, sb, details)]
        if (fb, fa) in FORMAT_WIDENINGS:
            return [("FORMAT_NARROWED", sa, sb, details)]
        return [("FORMAT_CHANGED", sa, sb, details)]

    def condition_diffs(self, a: Node, b: Node, ao: dict[str, Any], bo: dict[str, Any]) -> list[Item]:
        has_a, has_b = "if" in ao, "if" in bo
        if not has_a and not has_b:
            return []
        sa, sb = self.seg(ao, "if"), self.seg(bo, "if")
        if not has_b:
            return [("CONDITION_REMOVED", sa, sb, ())]
        if not has_a:
            if self.is_true((bo.get("then", True), b[1], b[2])) and self.is_true((bo.get("else", True), b[1], b[2])):
                return []
            return [("CONDITION_ADDED", sa, sb, ())]
        same = self.interner.key(ao["if"]) == self.interner.key(bo["if"]) and not self.interner.has_ref(ao["if"])
        if not same and (self.cmp((ao["if"], a[1], a[2]), (bo["if"], b[1], b[2]))
                         or self.cmp((bo["if"], b[1], b[2]), (ao["if"], a[1], a[2]))):
            return [("CONDITION_CHANGED", sa, sb, ())]
        out: list[Item] = []
        for kw in ("then", "else"):
            if kw in ao or kw in bo:
                out.extend(self.sub((ao.get(kw, True), a[1], a[2]), (bo.get(kw, True), b[1], b[2]),
                                    self.seg(ao, kw), self.seg(bo, kw)))
        return out

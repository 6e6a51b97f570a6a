"""allOf / anyOf / oneOf: which old member each new member stands for, and what changed.

A oneOf/anyOf accepts old data when every old alternative fits some new one; an allOf when every
new conjunct is implied by some old one. Members pair up cheaply first (identical, or the same
`$ref`), then by a minimum-cost assignment over a small matrix of member comparisons, or by a
bounded similarity-ordered scan for large ones. A member without a one-to-one partner may share a
compatible one. allOf members are merged into one schema where that is exact.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from govern.diff.schema.engine import BIG, REF_KEYS, SCAN_LIMIT, SMALL_MATRIX, Engine, Form, Member, Node
from govern.diff.schema.matching import assign
from govern.diff.schema.results import Diffs, Item, Link, Raw, Segs, flatten
from govern.diff.schema.types import pointer_of
from govern.diff.schema.values import type_accepts


class CombinatorRules(Engine):
    """How two schemas compare when either is an allOf, anyOf or oneOf."""

    def compare_forms(self, a: Node, b: Node) -> list[Item]:
        fa, fb = self.form(a), self.form(b)
        if fa.kind is None and fb.kind is None:
            return self.bag(a, b)
        return list(self.meta(a[0], b[0])) + self._combined(a, b, fa, fb)

    def _combined(self, a: Node, b: Node, fa: Form, fb: Form) -> list[Item]:
        if fa.kind is None:
            assert fb.kind is not None
            if fb.kind == "allOf":
                return self.bag_to_product(a, fb.members)
            return self.bag_to_sum(a, fb.members)
        if fb.kind is None:
            if fa.kind == "allOf":
                return self.product_to_bag(fa.members, b)
            return self.sum_to_bag(fa.members, b)
        if fa.kind == fb.kind:
            if fa.kind == "allOf":
                if fa.parts is not None and fb.parts is not None and set(fa.parts) == set(fb.parts):
                    return self.parts_to_parts(fa, fb)
                return self.product_to_product(fa.members, fb.members)
            return self.sum_to_sum(fa.members, fb.members)
        return self.criterion_changed(fa, fb)

    def bag_to_product(self, a: Node, members: Sequence[Member]) -> list[Item]:
        merged = self.merge(members)
        if merged is not None:
            return list(self.sub(a, merged, (), ()))
        out: list[Item] = []
        for m, segs in members:  # old ⊆ allOf(new) iff old ⊆ each member
            out.extend(self.sub(a, m, (), segs))
        return out

    def product_to_bag(self, members: Sequence[Member], b: Node) -> list[Item]:
        merged = self.merge(members)
        if merged is not None:
            return list(self.sub(merged, b, (), ()))
        best: Diffs | None = None
        for m, segs in map(self.alone, members):  # one conjunct that alone fits is enough
            d = self.sub(m, b, segs, ())
            if best is None or self.rank(d) < self.rank(best):
                best = d
        assert best is not None
        if self.breaks(best):
            return list(best)
        narrowed: list[Item] = [("PRODUCT_TYPE_NARROWED", (), (), ())] if len(members) > 1 else []
        return narrowed + list(best)

    def bag_to_sum(self, a: Node, members: Sequence[Member]) -> list[Item]:
        if len(members) == 1:
            return list(self.sub(a, members[0][0], (), members[0][1]))
        obj = a[0]
        declared = self.declared_types(obj)
        if declared is not None and len(declared) > 1:
            split = self._bag_by_type_to_sum(a, sorted(declared), members)
            if split is not None:
                return split
        best = self._best_member(a, members)
        if best is None:
            return [("TYPE_CHANGED", (), (), ())]
        diffs, _ = best
        if self.breaks(diffs):
            return list(diffs)
        return [("SUM_TYPE_EXTENDED", (), (), ())] + list(diffs)

    def _bag_by_type_to_sum(self, a: Node, types: list[str], members: Sequence[Member]) -> list[Item] | None:
        """Old `type: [a, b]` against new oneOf/anyOf: each old type must find its alternative."""
        obj, side, base = a
        out: list[Item] = []
        for t in types:
            piece = self._synthesize(("typed", id(obj), t), obj, lambda t=t: {**obj, "type": t})
            if id(obj) in self.origins:
                self.origins[id(piece)] = self.origins[id(obj)]
            best = self._best_member((piece, side, base), members)
            if best is None or self.breaks(best[0]):
                return None
            out.extend(best[0])
        extended: list[Item] = [("SUM_TYPE_EXTENDED", (), (), ())] if len(members) > len(types) else []
        return extended + out

    def _best_member(self, a: Node, members: Sequence[Member]) -> tuple[Diffs, int] | None:
        """The new alternative that old `a` fits best: (its differences, its index)."""
        ta = self.node_types(a)
        best: tuple[Diffs, int] | None = None
        for j, (m, segs) in enumerate(members):
            if self._surely_disjoint(ta, self.node_types(m)):
                continue
            d = self.sub(a, m, (), segs)
            if best is None or self.rank(d) < self.rank(best[0]):
                best = (d, j)
            if not d:
                break
        return best

    def sum_to_bag(self, members: Sequence[Member], b: Node) -> list[Item]:
        if len(members) == 1:
            return list(self.sub(members[0][0], b, members[0][1], ()))
        out: list[Item] = []
        failed = False
        union: set[str] | None = set()
        for m, segs in members:  # anyOf(old) ⊆ new iff each alternative ⊆ new
            d = self.sub(m, b, segs, ())
            t = self.node_types(m)
            union = None if union is None or t is None else union | t
            if self.breaks(d):
                failed = True
            else:
                out.extend(d)
        tb = self.node_types(b)
        if union is not None and tb is not None and all(type_accepts(union, t) for t in tb):
            # alternatives folded into one type list: the per-alternative widening is no news
            out = self._drop_root_widening(out)
        return ([("SUM_TYPE_NARROWED", (), (), ())] if failed else []) + out

    def _drop_root_widening(self, items: list[Item]) -> list[Item]:
        out: list[Item] = []
        for d in items:
            if isinstance(d, Link) and d.sb == ():
                kept = [x for x in d.result.items
                        if not (isinstance(x, tuple) and x[0] in ("SUM_TYPE_EXTENDED", "TYPE_EXTENDED") and x[2] == ())]
                if len(kept) != len(d.result.items):
                    if kept:
                        out.append(Link(d.sa, d.sb, self.make(kept)))
                    continue
            out.append(d)
        return out

    def sum_to_sum(self, old: Sequence[Member], new: Sequence[Member]) -> list[Item]:
        covered, uncovered = self.cover(old, new, old_rows=True)
        out: list[Item] = []
        if len(new) > len(old):
            out.append(("SUM_TYPE_EXTENDED", (), (), ()))
        if uncovered:
            out.append(self._uncovered_label(
                "SUM_TYPE_NARROWED" if len(new) < len(old) else "COMBINED_TYPE_SUBSCHEMAS_CHANGED",
                uncovered))
        for diffs in covered:
            out.extend(diffs)
        return out

    def parts_to_parts(self, fa: Form, fb: Form) -> list[Item]:
        """Two nodes of the same shape (own keywords plus combinators): compare part by part.

        Part-wise inclusion is sufficient, not necessary (a keyword may move between parts), so a
        breaking part-wise answer is checked again as a whole before it is reported.
        """
        assert fa.parts is not None and fb.parts is not None
        whole = self._merged_first(fa.members, fb.members)
        if whole is not None:
            return whole
        out: list[Item] = []
        for name in ("rest", "anyOf", "oneOf"):
            if name in fa.parts:
                (ma, sa), (mb, sb) = self.alone(fa.parts[name]), fb.parts[name]
                out.extend(self.sub(ma, mb, sa, sb))
        if "allOf" in fa.parts:
            out.extend(self.product_to_product(fa.parts["allOf"], fb.parts["allOf"]))
        if self.breaks(out):
            whole = self.product_to_product(fa.members, fb.members)
            if not self.breaks(whole):
                return whole
        return out

    def _merged_first(self, old: Sequence[Member], new: Sequence[Member]) -> list[Item] | None:
        """The exact whole-node comparison, when an old part cannot be judged on its own.

        A node's own unevaluatedProperties/unevaluatedItems read what its other parts evaluate, so
        part by part the old side only stands for a superset (see `alone`), which raises alarms
        the whole nodes do not deserve. Merged, both nodes are compared as they validate.
        """
        if all(self.alone(m) is m for m in old):
            return None
        mo, mn = self.merge(old), self.merge(new)
        if mo is None or mn is None:
            return None
        return list(self.sub(mo, mn, (), ()))

    def product_to_product(self, old: Sequence[Member], new: Sequence[Member]) -> list[Item]:
        whole = self._merged_first(old, new)
        if whole is not None:
            return whole
        covered, uncovered = self.cover([self.alone(m) for m in old], new, old_rows=False)
        if not uncovered:
            out: list[Item] = [("PRODUCT_TYPE_NARROWED", (), (), ())] if len(new) < len(old) else []
            for diffs in covered:
                out.extend(diffs)
            return out
        mo, mn = self.merge(old), self.merge(new)
        if mo is not None and mn is not None:
            d = self.sub(mo, mn, (), ())
            if not self.breaks(d):
                return list(d)
        label = "PRODUCT_TYPE_EXTENDED" if len(new) > len(old) else "COMBINED_TYPE_SUBSCHEMAS_CHANGED"
        out = [self._uncovered_label(label, uncovered)]
        for diffs in covered:
            out.extend(diffs)
        return out

    def _uncovered_label(self, label: str, uncovered: list[tuple[Segs, Diffs | None]]) -> Raw:
        reasons: list[str] = []
        undecided = False
        for segs, closest in uncovered:
            if closest:
                for t, o, _n, _x in flatten(closest, limit=200):
                    if t not in self.ok:
                        reasons.append(f"{t} {pointer_of(o)}")
                        undecided = undecided or t == "CANNOT_DECIDE"
            else:
                reasons.append(f"nothing matches {pointer_of(segs)}")
        if undecided:
            label = "CANNOT_DECIDE"
        return (label, (), (), (("unmatched", tuple(pointer_of(s) for s, _ in uncovered)),
                                ("reasons", tuple(reasons[:20]))))

    def criterion_changed(self, fa: Form, fb: Form) -> list[Item]:
        ko, kn = fa.kind, fb.kind
        old, new = fa.members, fb.members
        if ko == "allOf":  # allOf -> anyOf/oneOf: one conjunct (or their merge) must fit one alternative
            merged = self.merge(old)
            best: tuple[Diffs, int] | None = None
            candidates: list[tuple[Node, Segs]] = [self.alone(m) for m in old]
            if merged is not None:
                candidates.insert(0, (merged, ()))
            for m, segs in candidates:
                found = self._best_member(m, new)
                if found is None:
                    continue
                d = self.prefix(found[0], segs, ())
                if best is None or self.rank(d) < self.rank(best[0]):
                    best = (d, found[1])
            if best is None or self.breaks(best[0]):
                return [("COMBINED_TYPE_CHANGED", (), (), ())]
            out: list[Item] = [("COMBINED_TYPE_EXTENDED", (), (), ())]
            if len(new) > len(old):
                out.append(("SUM_TYPE_EXTENDED", (), (), ()))
            elif len(new) < len(old):
                out.append(("PRODUCT_TYPE_NARROWED", (), (), ()))
            return out + list(best[0])
        if kn == "allOf":  # anyOf/oneOf -> allOf: each alternative must fit every conjunct
            merged = self.merge(new)
            out = []
            for m, segs in old:
                if merged is not None:
                    d = self.sub(m, merged, segs, ())
                else:
                    d = [x for nm, nsegs in new for x in self.sub(m, nm, segs, nsegs)]
                if self.breaks(d):
                    return [("COMBINED_TYPE_CHANGED", (), (), ())]
                out.extend(d)
            return [("COMBINED_TYPE_EXTENDED", (), (), ())] + out
        inner = self.sum_to_sum(old, new)
        if ko == "oneOf" and kn == "anyOf":  # the same alternatives, no exclusivity: always wider
            return [("COMBINED_TYPE_EXTENDED", (), (), ())] + inner
        if self.breaks(inner):  # anyOf -> oneOf
            return [("COMBINED_TYPE_CHANGED", (), (), ())]
        return [("COMBINED_TYPE_EXTENDED", (), (), ())] + inner

    def cover(self, old: Sequence[Member], new: Sequence[Member], *, old_rows: bool
              ) -> tuple[list[Diffs], list[tuple[Segs, Diffs | None]]]:
        """Pair old and new members; every row member (old for sums, new for allOf) needs a partner
        that includes it (old ⊆ new).

        Identical members pair up first. What is left is paired by a minimum-cost assignment over
        the full matrix when it is small, else by a bounded scan of candidates ordered by a cheap
        similarity. A row without a one-to-one partner may share any compatible one. Returns the
        differences of each covered row and, for each uncovered row, its path and the differences
        of its closest candidate.
        """
        rows, cols = (old, new) if old_rows else (new, old)
        cells: dict[tuple[int, int], Diffs] = {}

        def cell(r: int, c: int) -> Diffs:
            found = cells.get((r, c))
            if found is None:
                (om, osegs), (nm, nsegs) = (rows[r], cols[c]) if old_rows else (cols[c], rows[r])
                clash = self._tag_clash(om, nm)
                if self._surely_disjoint(self.node_types(om), self.node_types(nm)):
                    found = (("TYPE_CHANGED", osegs, nsegs, ()),)
                elif clash is not None:
                    found = (("ENUM_ARRAY_CHANGED", osegs + ("properties", clash), nsegs + ("properties", clash),
                              (("reason", "discriminator values differ"),)),)
                else:
                    found = self.sub(om, nm, osegs, nsegs)
                cells[(r, c)] = found
            return found

        chosen: dict[int, int] = {}
        free_cols = list(range(len(cols)))
        by_key: dict[int, list[int]] = {}
        for c, (m, _) in enumerate(cols):
            if not self.interner.has_ref(m[0]):
                by_key.setdefault(self.interner.key(m[0]), []).append(c)
        for r, (m, _) in enumerate(rows):
            if self.interner.has_ref(m[0]):
                continue
            same = by_key.get(self.interner.key(m[0]))
            if same:
                c = same.pop(0)
                chosen[r] = c
                cells[(r, c)] = ()
                free_cols.remove(c)
        for r, (m, _) in enumerate(rows):  # the same $ref on both sides: the same definition, evolved
            if r in chosen:
                continue
            for c in free_cols:
                if self._same_ref(m, cols[c][0]):
                    chosen[r] = c
                    free_cols.remove(c)
                    break
        free_rows = [r for r in range(len(rows)) if r not in chosen]
        if free_rows and free_cols:
            if len(free_rows) * len(free_cols) <= SMALL_MATRIX:
                cost = []
                for r in free_rows:
                    line = []
                    for c in free_cols:
                        d = cell(r, c)
                        broken, size = self.rank(d)
                        line.append(BIG + min(broken, 1000) if broken else float(min(size, 1000)))
                    cost.append(line)
                for r, pick in zip(free_rows, assign(cost), strict=True):
                    if pick is not None:
                        chosen[r] = free_cols[pick]
            else:
                self._greedy(free_rows, free_cols, rows, cols, cell, chosen, old_rows)
        covered: list[Diffs] = []
        uncovered: list[tuple[Segs, Diffs | None]] = []
        for r in range(len(rows)):
            pick = chosen.get(r)
            got: Diffs | None = cell(r, pick) if pick is not None else None
            if got is None or self.breaks(got):  # no one-to-one partner: a shared compatible one will do
                got = None
                for c in self._candidates(r, range(len(cols)), rows, cols, limit=SCAN_LIMIT, old_rows=old_rows):
                    x = cell(r, c)
                    if not self.breaks(x) and (got is None or self.size(x) < self.size(got)):
                        got = x
                        if not x:
                            break
            if got is not None:
                covered.append(got)
                continue
            if pick is not None and self._same_ref(rows[r][0], cols[pick][0]):
                covered.append(cell(r, pick))  # the same definition on both sides: say what changed in it
                continue
            closest: Diffs | None = cell(r, pick) if pick is not None else None
            if closest is None:
                for (rr, _c), x in cells.items():
                    if rr == r and (closest is None or self.rank(x) < self.rank(closest)):
                        closest = x
            uncovered.append((rows[r][1], closest))
        return covered, uncovered

    @staticmethod
    def _same_ref(a: Node, b: Node) -> bool:
        ao, bo = a[0], b[0]
        if not (isinstance(ao, dict) and isinstance(bo, dict)):
            return False
        ra = next((ao[k] for k in REF_KEYS if isinstance(ao.get(k), str)), None)
        return ra is not None and ra == next((bo[k] for k in REF_KEYS if isinstance(bo.get(k), str)), None)

    def _greedy(self, free_rows: list[int], free_cols: list[int], rows: Sequence[Member], cols: Sequence[Member],
                cell: Any, chosen: dict[int, int], old_rows: bool) -> None:
        """Pair a large remainder: each row takes the first compatible free column in similarity order."""
        available = set(free_cols)
        for r in free_rows:
            best: tuple[tuple[int, int], int] | None = None
            for c in self._candidates(r, [c for c in free_cols if c in available], rows, cols, limit=SCAN_LIMIT,
                                      old_rows=old_rows):
                d = cell(r, c)
                score = self.rank(d)
                if best is None or score < best[0]:
                    best = (score, c)
                if not self.breaks(d):
                    break
            if best is not None:
                chosen[r] = best[1]
                available.discard(best[1])

    def _candidates(self, r: int, columns: Iterable[int], rows: Sequence[Member], cols: Sequence[Member],
                    limit: int, *, old_rows: bool = True) -> list[int]:
        """Up to `limit` columns, most similar to row `r` first (closer index breaks ties).

        Columns whose discriminator values (const/enum of a property both declare) cannot hold the
        old member's are left out: a oneOf of tagged variants pairs by tag without comparing every
        variant with every other.
        """
        mine = self._sketch(rows[r][0])
        tags = self._tags(rows[r][0])
        columns = list(columns)
        if tags:
            kept = []
            for c in columns:
                theirs = self._tags(cols[c][0])
                old_tags, new_tags = (tags, theirs) if old_rows else (theirs, tags)
                if all(values <= new_tags[name] for name, values in old_tags.items() if name in new_tags):
                    kept.append(c)
            columns = kept
        scored = sorted(columns, key=lambda c: (-len(mine & self._sketch(cols[c][0])), abs(c - r), c))
        return scored[:limit]

    def _tag_clash(self, old: Node, new: Node) -> str | None:
        """A property both members pin with const/enum where the new values miss some old ones."""
        old_tags = self._tags(old)
        if not old_tags:
            return None
        new_tags = self._tags(new)
        for name, values in old_tags.items():
            if name in new_tags and not values <= new_tags[name]:
                return name
        return None

    def _tags(self, node: Node) -> dict[str, frozenset[int]]:
        """Discriminator-like properties of a member: name -> keys of its const/enum values."""
        n = self.try_deref(node)
        obj = n[0] if n is not None else None
        if not isinstance(obj, dict) or not isinstance(obj.get("properties"), dict):
            return {}
        found = self.tag_cache.get(id(obj))
        if found is not None:
            return found[1]
        tags: dict[str, frozenset[int]] = {}
        for name, sub in obj["properties"].items():
            sn = self.try_deref((sub, n[1], n[2])) if n is not None else None
            values = self.values(sn[0]) if sn is not None else None
            if values is not None:
                tags[name] = frozenset(k for k, _ in values)
        self.tag_cache[id(obj)] = (obj, tags)
        return tags

    def _sketch(self, node: Node) -> frozenset[Any]:
        """Cheap tokens describing a member: types, property names, const/enum values, refs."""
        obj = node[0]
        if not isinstance(obj, dict):
            return frozenset({("bool", obj)})
        found = self.sketches.get(id(obj))
        if found is not None:
            return found[1]
        tokens: set[Any] = set()
        for k in REF_KEYS:
            if isinstance(obj.get(k), str):
                tokens.add(("ref", obj[k]))
        for t in self.declared_types(obj) or ():
            tokens.add(("type", t))
        if isinstance(obj.get("properties"), dict):
            for name, sub in obj["properties"].items():
                tokens.add(("prop", name))
                if isinstance(sub, dict):
                    for kw in ("const", "enum"):
                        if kw in sub:
                            tokens.add(("val", name, self.interner.key(sub[kw])))
        for name in obj.get("required", ()) if isinstance(obj.get("required"), list) else ():
            if isinstance(name, str):
                tokens.add(("req", name))
        for value_key, _ in self.values(obj) or ():
            tokens.add(("value", value_key))
        tokens.update(("kw", k) for k in obj)
        sketch = frozenset(tokens)
        self.sketches[id(obj)] = (obj, sketch)
        return sketch

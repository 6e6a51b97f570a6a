"""The residue: every difference no rule explained becomes an INFO `unclassified-change`.

A structural walk over both documents, aware of what the rules already know:
- operations pair as the rules pair them (method + normalized path), so a renamed path
  parameter is not a difference; parameters pair by (in, name), list items of scalars as sets;
- a `$ref` is followed when the two sides differ at that place, so an inline schema moved to
  `components` behind a `$ref` is not a difference; identical `$ref`s are skipped because their
  targets are compared once, by name, in the components pass;
- subtrees that compare equal are skipped at C speed (`==`), and each pair of resolved nodes is
  walked once (shared `$ref` targets are memoized);
- a difference is dropped when a finding already covers its place (same or enclosing pointer).

What remains (extensions, descriptions, examples, servers, keywords from a later OpenAPI
version...) is reported with its JSON pointer, at most one finding per changed node.
"""

from __future__ import annotations

from typing import Any

from govern.diff.openapi.pairing import normalize_path, param_key, path_params
from govern.diff.openapi.report import DOCUMENT, Reporter
from govern.diff.openapi.spec import HTTP_METHODS, Side, Where, child

_MAX_DIFFS = 5000  # per diff; the rest is summarized in one finding


class _Walk:
    def __init__(self, rep: Reporter) -> None:
        self.rep = rep
        self.base: Side = rep.base
        self.rev: Side = rep.revision
        self.seen: set[tuple[int, int]] = set()
        self.keep: list[Any] = []  # keeps compared nodes alive so their ids stay unique
        self.diffs: list[tuple[str, Where | None, Where | None, Any, Any]] = []
        self.reached_base: set[Where] = set()
        self.reached_rev: set[Where] = set()

    # ------------------------------------------------------------ entry points

    def documents(self) -> None:
        b_root, r_root = self.base.root, self.rev.root
        b_w, r_w = self.base.root_where(), self.rev.root_where()
        for key in _union(b_root, r_root):
            if key in ("paths", "webhooks"):
                self.paths(b_root.get(key), child(b_w, key), r_root.get(key), child(r_w, key))
            elif key == "components":
                self.components(b_root.get(key), child(b_w, key), r_root.get(key), child(r_w, key))
                continue
            else:
                self.node(b_root.get(key, _MISSING), child(b_w, key), r_root.get(key, _MISSING), child(r_w, key))

    def paths(self, b: Any, bw: Where, r: Any, rw: Where) -> None:
        if not isinstance(b, dict) or not isinstance(r, dict):
            self.node(b if b is not None else _MISSING, bw, r if r is not None else _MISSING, rw)
            return
        r_by_norm: dict[str, str] = {}
        for path in r:
            r_by_norm.setdefault(normalize_path(str(path)), path)
        used: set[str] = set()
        for path in b:
            match = path if path in r else r_by_norm.get(normalize_path(str(path)))
            if match is None or match in used:
                self.diff("removed", child(bw, path), None, b[path], _MISSING)
                continue
            used.add(match)
            self.path_item(b[path], child(bw, path), r[match], child(rw, match), str(path), str(match))
        for path in r:
            if path not in used:
                self.diff("added", None, child(rw, path), _MISSING, r[path])

    def path_item(self, b: Any, bw: Where, r: Any, rw: Where, b_path: str, r_path: str) -> None:
        b, bw = self.deref(self.base, b, bw)
        r, rw = self.deref(self.rev, r, rw)
        if not isinstance(b, dict) or not isinstance(r, dict):
            self.node(b, bw, r, rw)
            return
        renames: dict[str, str] = {}
        old_names, new_names = path_params(b_path), path_params(r_path)
        if old_names != new_names and len(old_names) == len(new_names):
            renames = dict(zip(old_names, new_names))
        for key in _union(b, r):
            bv, rv = b.get(key, _MISSING), r.get(key, _MISSING)
            if key == "parameters":
                continue  # merged into each operation below
            if key in HTTP_METHODS and isinstance(bv, dict) and isinstance(rv, dict):
                self.operation(b, bw, bv, child(bw, key), r, rw, rv, child(rw, key), renames)
            else:
                self.node(bv, child(bw, key), rv, child(rw, key))

    def operation(self, b_item: Any, b_item_w: Where, b: Any, bw: Where, r_item: Any, r_item_w: Where, r: Any, rw: Where, renames: dict[str, str]) -> None:
        b, bw = self.deref(self.base, b, bw)
        r, rw = self.deref(self.rev, r, rw)
        if not isinstance(b, dict) or not isinstance(r, dict):
            self.node(b, bw, r, rw)
            return
        for key in _union(b, r):
            if key == "parameters":
                continue
            self.node(b.get(key, _MISSING), child(bw, key), r.get(key, _MISSING), child(rw, key))
        b_params = self._param_index(self.base, b_item.get("parameters"), child(b_item_w, "parameters"), renames)
        b_params.update(self._param_index(self.base, b.get("parameters"), child(bw, "parameters"), renames))
        r_params = self._param_index(self.rev, r_item.get("parameters"), child(r_item_w, "parameters"), {})
        r_params.update(self._param_index(self.rev, r.get("parameters"), child(rw, "parameters"), {}))
        for key, (node, w) in b_params.items():
            if key in r_params:
                rn, rwh = r_params[key]
                if key[0] == "path" and isinstance(node, dict) and isinstance(rn, dict) and node.get("name") != rn.get("name"):
                    node = {k: v for k, v in node.items() if k != "name"}
                    rn = {k: v for k, v in rn.items() if k != "name"}
                    self.keep.append((node, rn))
                self.node(node, w, rn, rwh)
            else:
                self.diff("removed", w, None, node, _MISSING)
        for key, (node, w) in r_params.items():
            if key not in b_params:
                self.diff("added", None, w, _MISSING, node)

    def _param_index(self, side: Side, items: Any, where: Where, renames: dict[str, str]) -> dict[Any, tuple[Any, Where]]:
        out: dict[Any, tuple[Any, Where]] = {}
        if not isinstance(items, list):
            return out
        for i, item in enumerate(items):
            node, w = self.deref(side, item, child(where, i))
            if isinstance(node, dict) and isinstance(node.get("in"), str) and isinstance(node.get("name"), str):
                name = node["name"]
                if node["in"] == "path":
                    name = renames.get(name, name)
                key: Any = param_key(node["in"], name)
            else:
                key = ("#", i)
            out.setdefault(key, (node, w))
        return out

    def components(self, b: Any, bw: Where, r: Any, rw: Where) -> None:
        b = {} if b is None else b
        r = {} if r is None else r
        if not isinstance(b, dict) or not isinstance(r, dict):
            self.node(b, bw, r, rw)
            return
        for section in _union(b, r):
            bs, rs = b.get(section, {}), r.get(section, {})
            if not isinstance(bs, dict) or not isinstance(rs, dict):
                self.node(bs, child(bw, section), rs, child(rw, section))
                continue
            for name in _union(bs, rs):
                bn, rn = bs.get(name, _MISSING), rs.get(name, _MISSING)
                self.node(bn, child(bw, section, name), rn, child(rw, section, name))

    # ------------------------------------------------------------ the generic walk

    def deref(self, side: Side, node: Any, where: Where) -> tuple[Any, Where]:
        if isinstance(node, dict) and "$ref" in node:
            target, tw = side.deref(node, where)
            (self.reached_base if side is self.base else self.reached_rev).add(tw)
            return target, tw
        return node, where

    def node(self, b: Any, bw: Where, r: Any, rw: Where) -> None:
        if b is r:
            return
        if b is _MISSING or r is _MISSING:
            self.diff("added" if b is _MISSING else "removed", None if b is _MISSING else bw, None if r is _MISSING else rw, b, r)
            return
        b_is_ref = isinstance(b, dict) and "$ref" in b
        r_is_ref = isinstance(r, dict) and "$ref" in r
        if b_is_ref or r_is_ref:
            if b_is_ref and r_is_ref and b == r and str(b["$ref"]).startswith("#/components/"):
                return  # same component on both sides: compared once, by name, in the components pass
            b, bw = self.deref(self.base, b, bw)
            r, rw = self.deref(self.rev, r, rw)
            key = (id(b), id(r))
            if key in self.seen:
                return
            self.seen.add(key)
            self.keep.append((b, r))
        if (type(b) is bool) != (type(r) is bool):
            self.diff("changed", bw, rw, b, r)
            return
        if b == r:
            return
        if isinstance(b, dict) and isinstance(r, dict):
            for key in _union(b, r):
                self.node(b.get(key, _MISSING), child(bw, key), r.get(key, _MISSING), child(rw, key))
            return
        if isinstance(b, list) and isinstance(r, list):
            if _scalars(b) and _scalars(r):
                if _as_set(b) != _as_set(r):
                    self.diff("changed", bw, rw, b, r)
                return
            b_named, r_named = _by_name(b), _by_name(r)
            if b_named is not None and r_named is not None:
                for name, (i, bi) in b_named.items():
                    if name in r_named:
                        j, ri = r_named[name]
                        self.node(bi, child(bw, i), ri, child(rw, j))
                    else:
                        self.diff("removed", child(bw, i), None, bi, _MISSING)
                for name, (j, ri) in r_named.items():
                    if name not in b_named:
                        self.diff("added", None, child(rw, j), _MISSING, ri)
                return
            if len(b) != len(r):
                self.diff("changed", bw, rw, b, r)
                return
            for i, (bi, ri) in enumerate(zip(b, r)):
                self.node(bi, child(bw, i), ri, child(rw, i))
            return
        self.diff("changed", bw, rw, b, r)

    def diff(self, kind: str, bw: Where | None, rw: Where | None, b: Any, r: Any) -> None:
        self.diffs.append((kind, bw, rw, b, r))


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()


def _union(a: Any, b: Any) -> list[Any]:
    keys = list(a) if isinstance(a, dict) else []
    if isinstance(b, dict):
        seen = set(keys)
        keys += [k for k in b if k not in seen]
    return keys


def _by_name(items: list[Any]) -> dict[Any, tuple[int, Any]] | None:
    """Items of a list of named objects (tags, servers by url, parameters) keyed by name."""
    out: dict[Any, tuple[int, Any]] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            return None
        if isinstance(item.get("name"), str):
            key: Any = (item.get("in"), item["name"])
        elif isinstance(item.get("url"), str):
            key = ("url", item["url"])
        else:
            return None
        if key in out:
            return None
        out[key] = (i, item)
    return out


def _scalars(items: list[Any]) -> bool:
    return all(not isinstance(x, (dict, list)) for x in items)


def _as_set(items: list[Any]) -> set[Any]:
    return {(type(x).__name__ if isinstance(x, bool) else "", x) for x in items}


def _covered(rep: Reporter, side: str, where: Where | None) -> bool:
    if where is None:
        return False
    pointers = rep.covered[side].get(where[0])
    if not pointers:
        return False
    p = where[1]
    while True:
        if p in pointers:
            return True
        if not p:
            return False
        p = p.rsplit("/", 1)[0]


def _short(value: Any) -> str:
    if value is _MISSING:
        return "nothing"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list) and not _scalars(value):
        return f"a list of {len(value)}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _used_components(side: Side) -> set[str]:
    """Pointers (`/components/<section>/<name>`) of the components a document refers to."""
    from govern.diff.openapi.unchanged import _refs

    sites, literals = side.root_ref_sites(), side.root_literals()
    if sites is None or literals is None:
        refs = _refs(side.root)
    else:
        # The index's refs, and any `$ref` text inside the values it leaves out as literal
        # (e.g. under `x-webhooks`): a component named only there still counts as used.
        refs = {ref for _, ref in sites}
        for value in literals:
            refs |= _refs(value)
    used: set[str] = set()
    for ref in refs:
        if ref.startswith("#/components/"):
            parts = ref[1:].split("/")
            if len(parts) >= 4:
                used.add("/".join(parts[:4]))
    return used


def report(rep: Reporter) -> None:
    walk = _Walk(rep)
    walk.documents()
    used_base = used_rev = None
    count = 0
    skipped = 0
    for kind, bw, rw, b, r in walk.diffs:
        if _covered(rep, "base", bw) or _covered(rep, "revision", rw):
            continue
        if kind == "added" and rw is not None and _is_component(rw):
            # A component the document uses is reported where it is used (or holds what was inline).
            used_rev = _used_components(rep.revision) if used_rev is None else used_rev
            if rw in walk.reached_rev or (rw[0] == rep.revision.file and rw[1] in used_rev):
                continue
        if kind == "removed" and bw is not None and _is_component(bw):
            used_base = _used_components(rep.base) if used_base is None else used_base
            if bw in walk.reached_base or (bw[0] == rep.base.file and bw[1] in used_base):
                continue
        if count >= _MAX_DIFFS:
            skipped += 1
            continue
        count += 1
        pointer = (rw or bw or ("", ""))[1]
        if kind == "added":
            text = f"{pointer or '/'} added"
        elif kind == "removed":
            text = f"{pointer or '/'} removed"
        else:
            text = f"{pointer or '/'} changed from {_short(b)} to {_short(r)}"
        rep.add("unclassified-change", DOCUMENT, text, base=bw if kind != "added" else None, revision=rw if kind != "removed" else None, change=kind)
    if skipped:
        rep.add("unclassified-change", DOCUMENT, f"{skipped} more unclassified differences not listed", change="summary")


def _is_component(where: Where) -> bool:
    parts = where[1].split("/")
    return len(parts) == 4 and parts[1] == "components"

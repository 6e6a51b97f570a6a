"""Fast "nothing changed here" answers, so unchanged parts of large documents cost almost nothing.

Two nodes are unchanged when they are equal (a C-speed `==` on the raw data, `$ref` strings
included) and every `$ref` inside them points at a component that is *clean*: equal on both
sides and referring only to clean components itself. The dirty set is computed once per diff:
components that differ, plus everything that reaches them through `$ref`s (either side's graph).
"""

from __future__ import annotations

import re
from typing import Any

from govern.diff.openapi.spec import Side

_LOCAL = "#/components/"


_REF = re.compile(r"""['"]\$ref['"]: (['"])(.*?)\1""")


def _refs(node: Any) -> set[str]:
    """Every `$ref` string in `node`. Scans `repr(node)` (C speed) instead of walking it; a text
    that merely looks like a ref can only add a spurious one, which makes answers more careful,
    never wrong."""
    if type(node) is not dict and type(node) is not list:
        return set()
    text = repr(node)
    if "$ref" not in text:
        return set()
    return {m.group(2) for m in _REF.finditer(text)}


def _unit(ref: str) -> str | None:
    """`#/components/<section>/<name>` for a local component reference, else None."""
    if not ref.startswith(_LOCAL):
        return None
    parts = ref[len(_LOCAL):].split("/")
    if len(parts) < 2:
        return None
    return f"{_LOCAL}{parts[0]}/{parts[1]}"


def _components(side: Side) -> dict[str, Any]:
    comps = side.root.get("components") if isinstance(side.root, dict) else None
    out: dict[str, Any] = {}
    if isinstance(comps, dict):
        for section, entries in comps.items():
            if isinstance(entries, dict):
                for name, value in entries.items():
                    out[f"{_LOCAL}{section}/{_esc(name)}"] = value
    return out


def _esc(name: Any) -> str:
    text = str(name)
    return text.replace("~", "~0").replace("/", "~1") if ("~" in text or "/" in text) else text


def _component_refs(side: Side, comps: dict[str, Any]) -> dict[str, set[str]]:
    """component key -> the `$ref`s inside it: from the loader's ref index when the side has
    one, else by scanning each component."""
    sites = side.root_ref_sites()
    if sites is None:
        return {key: _refs(value) for key, value in comps.items()}
    found: dict[str, set[str]] = {}
    for pointer, ref in sites:
        if pointer.startswith("/components/"):
            key = _unit("#" + pointer)
            if key in comps:
                found.setdefault(key, set()).add(ref)
    return found


class Unchanged:
    def __init__(self, base: Side, revision: Side) -> None:
        b, r = _components(base), _components(revision)
        dirty: set[str] = {k for k in b.keys() | r.keys() if k not in b or k not in r or b[k] != r[k]}
        users: dict[str, set[str]] = {}
        for side, comps in ((base, b), (revision, r)):
            for key, refs in _component_refs(side, comps).items():
                for ref in refs:
                    unit = _unit(ref)
                    if unit is None:
                        dirty.add(key)  # refers outside components (or to another file): judge it fully
                    else:
                        users.setdefault(unit, set()).add(key)
        stack = list(dirty)
        while stack:
            for user in users.get(stack.pop(), ()):
                if user not in dirty:
                    dirty.add(user)
                    stack.append(user)
        self.dirty = dirty
        self._memo: dict[int, tuple[Any, bool]] = {}

    def clean_refs(self, node: Any) -> bool:
        """Every `$ref` in `node` points at a clean local component."""
        hit = self._memo.get(id(node))
        if hit is not None and hit[0] is node:
            return hit[1]
        ok = True
        for ref in _refs(node):
            unit = _unit(ref)
            if unit is None or unit in self.dirty:
                ok = False
                break
        self._memo[id(node)] = (node, ok)
        return ok

    def same(self, old: Any, new: Any) -> bool:
        """True when `old` and `new` are equal and nothing they reference changed."""
        if old is new:
            return True
        if type(old) is not type(new) or old != new:
            return False
        if type(old) is dict or type(old) is list:
            return self.clean_refs(old)
        return True

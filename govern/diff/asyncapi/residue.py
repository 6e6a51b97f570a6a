"""The residue: what changed in a paired object that no rule looks at becomes `unclassified-change`.

Each paired object (document root, server, channel, operation, message) is compared without the
fields the rules judge (addresses, messages, payloads, bindings, ...): objects key by key, equal
subtrees skipped with a plain `==` at C speed, and DeepDiff for what changed inside lists.
Values are compared as written: a `$ref` that now points elsewhere is a change of its string.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

from deepdiff import DeepDiff

from govern.diff.asyncapi.normalize import At

_CHANGE_WORDS = {
    "dictionary_item_added": "added",
    "dictionary_item_removed": "removed",
    "iterable_item_added": "added",
    "iterable_item_removed": "removed",
    "values_changed": "changed",
    "type_changes": "changed",
}


@dataclass
class Change:
    parts: list[str]
    what: str
    in_base: bool  # the place exists only in the base (a removal)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def changes(old: Any, new: Any, exclude: frozenset[str] | set[str] = frozenset()) -> Iterator[Change]:
    """The differences between two objects, top-level keys in `exclude` left out.

    Objects are walked key by key (iteratively, so deep nesting costs no stack), skipping equal
    subtrees with `==`; where a list or a value of another type differs, DeepDiff says what
    changed inside it.
    """
    if isinstance(old, dict) and isinstance(new, dict) and exclude:
        old = {k: v for k, v in old.items() if k not in exclude}
        new = {k: v for k, v in new.items() if k not in exclude}
    if old == new:
        return
    stack: list[tuple[list[str], Any, Any]] = [([], old, new)]
    while stack:
        path, a, b = stack.pop()
        if isinstance(a, dict) and isinstance(b, dict):
            later = []
            for key in list(a) + [k for k in b if k not in a]:
                here = path + [str(key)]
                if key not in b:
                    yield Change(here, f"removed (was {_short(a[key])})", True)
                elif key not in a:
                    yield Change(here, f"added {_short(b[key])}", False)
                elif a[key] != b[key]:
                    later.append((here, a[key], b[key]))
            stack.extend(reversed(later))
            continue
        yield from _deepdiff(path, a, b)


def _deepdiff(path: list[str], a: Any, b: Any) -> Iterator[Change]:
    if not isinstance(a, (dict, list)) or not isinstance(b, (dict, list)):
        yield Change(path, f"changed from {_short(a)} to {_short(b)}", False)
        return
    try:
        tree = DeepDiff(a, b, view="tree", verbose_level=2)
    except RecursionError:
        yield Change(path, "changed (nested too deeply to tell where)", False)
        return
    for kind, items in sorted(tree.items()):
        word = _CHANGE_WORDS.get(kind, "changed")
        for item in items:
            parts = path + [str(p) for p in item.path(output_format="list")]
            if word == "added":
                yield Change(parts, f"added {_short(item.t2)}", False)
            elif word == "removed":
                yield Change(parts, f"removed (was {_short(item.t1)})", True)
            else:
                yield Change(parts, f"changed from {_short(item.t1)} to {_short(item.t2)}", False)


def place(where: Callable[[str], At], parts: list[str]) -> tuple[At, list[str]]:
    """The place of a top-level field and the path below it."""
    if not parts:
        return where(""), []
    return where(parts[0]), parts[1:]

"""What a comparison produces: differences and links to the results of child pairs.

Each compared (old subschema, new subschema) pair yields a `Result`: its own differences and
`Link`s to the results of its child pairs, in schema order. Results are shared by every place
that compares the same pair, so a whole comparison is a DAG whose size is the number of distinct
pairs, however often a `$ref`'d definition is used. `flatten` turns it into a list, expanding each
shared result once, at its shortest path.
"""

from __future__ import annotations

from collections import deque
from typing import Any, Iterable, Iterator, Sequence, Union

Segs = tuple[str, ...]
Details = tuple[tuple[str, Any], ...]
Raw = tuple[str, Segs, Segs, Details]  # (type, old path, new path, details), paths relative

CAP = 1 << 40  # counts over a shared result graph are capped, not exact


class Link:
    """The result of a child pair, placed at (old path, new path) below the current pair."""

    __slots__ = ("sa", "sb", "result")

    def __init__(self, sa: Segs, sb: Segs, result: "Result") -> None:
        self.sa = sa
        self.sb = sb
        self.result = result


Item = Union[Raw, Link]


class Result:
    """The differences of one (old, new) pair: its own differences and links to child pairs, in
    order. Shared by every place that compares the same pair, so the whole comparison is a DAG;
    `breaking` and `size` count over it (capped)."""

    __slots__ = ("items", "breaking", "size")

    def __init__(self, items: tuple[Item, ...], breaking: int, size: int) -> None:
        self.items = items
        self.breaking = breaking
        self.size = size

    def __bool__(self) -> bool:
        return bool(self.items)


EMPTY = Result((), 0, 0)
Diffs = Sequence[Item]


def dedupe(items: Iterable[Item]) -> tuple[Item, ...]:
    seen: set[tuple[Any, ...]] = set()
    out: list[Item] = []
    for d in items:
        k: tuple[Any, ...] = (id(d.result), d.sa, d.sb) if isinstance(d, Link) else (d[0], d[1], d[2])
        if k not in seen:
            seen.add(k)
            out.append(d)
    return tuple(out)


def _homes(items: Iterable[Item]) -> dict[int, int]:
    """For each shared child result, the link that reaches it by the shortest path (breadth first)."""
    home: dict[int, int] = {}
    queue: deque[Iterable[Item]] = deque([items])
    while queue:
        for item in queue.popleft():
            if isinstance(item, Link) and id(item.result) not in home:
                home[id(item.result)] = id(item)
                queue.append(item.result.items)
    return home


def flatten(items: Iterable[Item], limit: int | None = None) -> list[Raw]:
    """The differences below `items` with full relative paths, depth first in schema order.

    A child result shared by several places (a `$ref`'d definition used twice) is expanded
    once, at the place with the shortest path.
    """
    items = tuple(items)
    home = _homes(items) if limit is None else None
    out: list[Raw] = []
    seen: set[int] = set()
    stack: list[tuple[Iterator[Item], Segs, Segs]] = [(iter(items), (), ())]
    while stack:
        it, pa, pb = stack[-1]
        item = next(it, None)
        if item is None:
            stack.pop()
            continue
        if isinstance(item, Link):
            key = id(item.result)
            if key not in seen and (home is None or home.get(key) == id(item)):
                seen.add(key)
                stack.append((iter(item.result.items), pa + item.sa, pb + item.sb))
            continue
        t, o, n, x = item
        out.append((t, pa + o, pb + n, x))
        if limit is not None and len(out) >= limit:
            break
    return out


def flatten_unit(items: Iterable[Item], old_root: Any, new_root: Any) -> list[Raw]:
    """The raw differences of a result graph up to the first `$ref` on either side.

    Links are followed while their path steps over plain nodes of the raw `old_root` /
    `new_root` data on both sides; a shared child result is expanded once, at the first place
    met breadth first. Each Raw's paths are extended by the Link paths that led to it.
    """
    out: list[Raw] = []
    seen: set[int] = set()
    queue: list[tuple[Iterable[Item], Segs, Segs, Any, Any]] = [(items, (), (), old_root, new_root)]
    i = 0
    while i < len(queue):
        group, pa, pb, node_a, node_b = queue[i]
        i += 1
        for item in group:
            if isinstance(item, Link):
                key = id(item.result)
                if key in seen:
                    continue
                child_a = _step(node_a, item.sa)
                child_b = _step(node_b, item.sb)
                if child_a is _CROSSED or child_b is _CROSSED:
                    continue
                seen.add(key)
                queue.append((item.result.items, pa + item.sa, pb + item.sb, child_a, child_b))
            else:
                t, o, n, x = item
                out.append((t, pa + o, pb + n, x))
    return out


_CROSSED = object()


def _step(node: Any, segs: Segs) -> Any:
    """Follow `segs` through raw (unresolved) data; _CROSSED when a step lands on a `$ref`."""
    for seg in segs:
        if type(node) is dict:
            node = node.get(seg)
        elif type(node) is list and seg.isdigit() and int(seg) < len(node):
            node = node[int(seg)]
        else:
            return None
        if type(node) is dict and "$ref" in node:
            return _CROSSED
    return node

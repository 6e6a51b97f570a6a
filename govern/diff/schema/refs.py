"""Dialect detection and the default `$ref` resolver (local pointers, anchors, embedded `$id`s)."""

from __future__ import annotations

from typing import Any, Iterator
from urllib.parse import unquote, urldefrag, urljoin

from govern.diff.schema.types import Dialect, Resolver

_DIALECTS: tuple[tuple[str, Dialect], ...] = (
    ("draft-04", "draft4"),
    ("draft-06", "draft6"),
    ("draft-07", "draft7"),
    ("2019-09", "2019-09"),
    ("2020-12", "2020-12"),
)


def dialect_of(schema: Any, default: Dialect | None = None) -> Dialect:
    """The dialect named by the root's `$schema`, else `default`, else draft-07."""
    if isinstance(schema, dict):
        uri = schema.get("$schema")
        if isinstance(uri, str):
            for marker, dialect in _DIALECTS:
                if marker in uri:
                    return dialect
    return default or "draft7"


def ref_siblings_apply(dialect: Dialect) -> bool:
    """Whether keywords next to `$ref` take part in validation (2019-09 and later)."""
    return dialect in ("2019-09", "2020-12")


def join_ref(base: str, ref: str) -> str:
    """`ref` made absolute against the document `base` ('' for the root document)."""
    if not base:
        return ref
    if ref.startswith("#"):
        return base + ref
    return urljoin(base, ref)


def document_of(key: str) -> str:
    """The document part of a resolver key (before '#')."""
    return key.split("#", 1)[0]


def walk_pointer(doc: Any, fragment: str) -> Any:
    """The node at JSON pointer `fragment` ('' or '/a/b') inside `doc`; LookupError if absent."""
    node = doc
    if not fragment:
        return node
    if not fragment.startswith("/"):
        raise LookupError(f"not a JSON pointer: {fragment!r}")
    for raw in fragment[1:].split("/"):
        token = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            if token not in node:
                raise LookupError(f"no {token!r} in the schema")
            node = node[token]
        elif isinstance(node, list):
            try:
                node = node[int(token)]
            except (ValueError, IndexError):
                raise LookupError(f"no item {token!r} in the schema") from None
        else:
            raise LookupError(f"cannot step into {type(node).__name__} with {token!r}")
    return node


def _iter_nodes(root: Any, limit: int = 200_000) -> Iterator[tuple[Any, str]]:
    """Every dict in `root` with the absolute base URI it sits under (iterative, bounded)."""
    root_id = root.get("$id") if isinstance(root, dict) else None
    stack: list[tuple[Any, str]] = [(root, root_id if isinstance(root_id, str) else "")]
    seen = 0
    while stack and seen < limit:
        node, base = stack.pop()
        seen += 1
        if isinstance(node, dict):
            own = node.get("$id", node.get("id"))
            if isinstance(own, str) and not own.startswith("#"):
                base = urljoin(base, own) if base else own
            yield node, base
            stack.extend((v, base) for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend((v, base) for v in node if isinstance(v, (dict, list)))


class LocalResolver:
    """Resolves `#/pointer`, `#anchor` and embedded `$id` references inside one root schema."""

    def __init__(self, root: Any) -> None:
        self.root = root
        root_id = root.get("$id") if isinstance(root, dict) else None
        self.root_id = urldefrag(root_id)[0] if isinstance(root_id, str) else ""
        self._ids: dict[str, Any] | None = None
        self._anchors: dict[tuple[str, str], Any] | None = None

    def _index(self) -> None:
        ids: dict[str, Any] = {}
        anchors: dict[tuple[str, str], Any] = {}
        for node, base in _iter_nodes(self.root):
            doc = urldefrag(base)[0]
            own = node.get("$id", node.get("id"))
            if isinstance(own, str):
                if own.startswith("#"):
                    anchors.setdefault((doc, own[1:]), node)  # draft-06/07 plain-name $id
                else:
                    ids.setdefault(doc, node)
            for key in ("$anchor", "$dynamicAnchor"):
                name = node.get(key)
                if isinstance(name, str):
                    anchors.setdefault((doc, name), node)
        self._ids, self._anchors = ids, anchors

    def __call__(self, ref: str) -> tuple[Any, str]:
        doc, fragment = urldefrag(ref)
        if ref.startswith("#") or not doc:
            doc = ""
        target_root = self.root
        if doc and doc != self.root_id:
            if self._ids is None:
                self._index()
            assert self._ids is not None
            absolute = urljoin(self.root_id, doc) if self.root_id else doc
            if absolute not in self._ids:
                raise LookupError(f"cannot resolve {ref!r}: no such document")
            target_root = self._ids[absolute]
            doc = absolute
        elif doc:
            doc = ""
        if fragment and not fragment.startswith("/"):
            if self._anchors is None:
                self._index()
            assert self._anchors is not None
            key = (doc or self.root_id, fragment)
            if key not in self._anchors and (doc, fragment) not in self._anchors:
                raise LookupError(f"cannot resolve {ref!r}: no such anchor")
            node = self._anchors.get(key, self._anchors.get((doc, fragment)))
            return node, f"{doc}#{fragment}"
        return walk_pointer(target_root, fragment), f"{doc}#{fragment}"


def default_resolver(root: Any) -> Resolver:
    """A resolver for references inside `root` only."""
    return LocalResolver(root)

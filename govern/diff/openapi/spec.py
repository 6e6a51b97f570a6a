"""One side of an OpenAPI diff: the documents, `$ref` resolution, and source locations.

The loader keeps `$ref` strings in place; this view follows them on demand and remembers where
every node came from as a `Where` (file, JSON pointer), so a finding can name the line it is
about even when the node lives in another file or in `components`.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterator

from govern.rules.finding import Location

Where = tuple[str, str]  # (file key, JSON pointer inside that file)
_NOT_CACHED = object()

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def esc(token: Any) -> str:
    """One JSON-pointer reference token (RFC 6901)."""
    text = str(token)
    return text.replace("~", "~0").replace("/", "~1") if ("~" in text or "/" in text) else text


def unesc(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~") if "~" in token else token


def child(where: Where, *tokens: Any) -> Where:
    pointer = where[1]
    for token in tokens:
        pointer += "/" + esc(token)
    return (where[0], pointer)


class Side:
    """The documents of one revision and how to resolve references between them."""

    def __init__(
        self,
        root: Any,
        file: str = "",
        documents: dict[str, Any] | None = None,
        locate: Callable[[str, str], Location] | None = None,
        label: str | None = None,
        ref_index: Callable[[], Any] | None = None,
    ) -> None:
        self.root = root if isinstance(root, dict) else {}
        self.file = file
        self.label = label or file
        self.documents: dict[str, Any] = {file: self.root}
        for key, data in (documents or {}).items():
            self.documents[key] = data
        self._locate = locate
        self._ref_index = ref_index  # the loader's RefResolver, when the side has one
        self._abs: dict[str, str] = {}
        for key in self.documents:
            if key:
                self._abs[os.path.normpath(os.path.abspath(key))] = key
        self.version = str(self.root.get("openapi", "")) if isinstance(self.root, dict) else ""
        self.is31 = self.version.startswith("3.1") or self.version.startswith("3.2")
        self.problems: list[tuple[str, Where, str]] = []  # (kind, where, message)
        self._merged: dict[int, tuple[Any, Any, dict[str, Any]]] = {}
        self._locations: dict[Where, Location] = {}
        self._lookups: dict[tuple[str, str], Any] = {}

    @classmethod
    def from_contract(cls, contract: Any) -> "Side":
        docs: dict[str, Any] = {}
        root_doc = contract.document
        root_file = root_doc.path if root_doc is not None else (contract.path or "")
        for key, doc in (contract.documents or {}).items():
            docs[key] = doc.data

        def locate(file: str, pointer: str) -> Location:
            if file == root_file or not file:
                return contract.locate(pointer)
            return contract.locate(pointer, file)

        def ref_index() -> Any:
            from govern.load.refs import RefResolver

            return RefResolver.of(contract)

        return cls(contract.data, root_file, docs, locate, contract.path, ref_index)

    def root_ref_sites(self) -> list[tuple[str, str]] | None:
        """(pointer of the object holding it, ref) for every `$ref` of the root document, from
        the loader's ref index (None for a side built without one)."""
        if self._ref_index is None:
            return None
        return [(site.pointer, site.ref) for site in self._ref_index().sites(self.file)]

    def root_literals(self) -> list[Any] | None:
        """The literal values of the root document the ref index left out (examples, `x-`
        extensions, ...), or None for a side built without an index."""
        return None if self._ref_index is None else self._ref_index().literals(self.file)

    # ------------------------------------------------------------ locations

    def location(self, where: Where) -> Location:
        cached = self._locations.get(where)
        if cached is None:
            cached = self._locations[where] = self._location(where)
        return cached

    def _location(self, where: Where) -> Location:
        file, pointer = where
        if self._locate is not None:
            try:
                loc = self._locate(file, pointer)
                return Location(loc.file or file or None, loc.line, loc.col, pointer)
            except Exception:  # noqa: BLE001 - a missing line never stops a diff
                pass
        return Location(file or None, None, None, pointer)

    # ------------------------------------------------------------ references

    def _document(self, ref_file: str, from_file: str) -> tuple[str, Any] | None:
        if not ref_file:
            return from_file, self.documents.get(from_file)
        if ref_file in self.documents:
            return ref_file, self.documents[ref_file]
        base_dir = os.path.dirname(from_file) if from_file else ""
        candidate = os.path.normpath(os.path.join(base_dir, ref_file))
        if candidate in self.documents:
            return candidate, self.documents[candidate]
        key = self._abs.get(os.path.normpath(os.path.abspath(candidate)))
        if key is not None:
            return key, self.documents[key]
        return None

    def lookup(self, ref: str, where: Where) -> tuple[Any, Where] | None:
        """The node `ref` points at, seen from `where`; None when it cannot be found."""
        key = (where[0], ref)
        hit = self._lookups.get(key, _NOT_CACHED)
        if hit is _NOT_CACHED:
            hit = self._lookups[key] = self._lookup(ref, where)
        return hit  # type: ignore[return-value]

    def _lookup(self, ref: str, where: Where) -> tuple[Any, Where] | None:
        ref_file, _, fragment = ref.partition("#")
        found = self._document(ref_file, where[0])
        if found is None:
            return None
        file, node = found
        pointer = ""
        if fragment:
            if not fragment.startswith("/"):
                return None
            for raw in fragment[1:].split("/"):
                token = unesc(raw.replace("%7B", "{").replace("%7D", "}").replace("%25", "%"))
                if isinstance(node, dict):
                    if token not in node:
                        return None
                    node = node[token]
                elif isinstance(node, list):
                    try:
                        node = node[int(token)]
                    except (ValueError, IndexError):
                        return None
                else:
                    return None
                pointer += "/" + esc(token)
        return node, (file, pointer)

    def deref(self, node: Any, where: Where) -> tuple[Any, Where]:
        """Follow a chain of `$ref`s. Unresolvable or cyclic references resolve to `{}`."""
        seen: set[tuple[str, str]] | None = None
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if seen is None:
                seen = set()
            key = (where[0], ref)
            if key in seen:
                self.problems.append(("ref-cycle", where, f"reference cycle through {ref!r}"))
                return {}, where
            seen.add(key)
            found = self.lookup(ref, where)
            if found is None:
                self.problems.append(("ref-unresolved", where, f"cannot resolve {ref!r}"))
                return {}, where
            target, target_where = found
            if self.is31 and len(node) > 1 and isinstance(target, dict):
                target = self._with_siblings(node, target)
            node, where = target, target_where
        return node, where

    def _with_siblings(self, node: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
        """OpenAPI 3.1: keywords next to a `$ref` apply too; merged once per node (stable identity)."""
        extra = {k: v for k, v in node.items() if k not in ("$ref", "description", "summary")}
        if not extra:
            return target
        cached = self._merged.get(id(node))
        if cached is not None and cached[0] is node and cached[1] is target:
            return cached[2]
        merged = {**target, **extra}
        self._merged[id(node)] = (node, target, merged)
        return merged

    def get(self, node: Any, where: Where, key: str) -> tuple[Any, Where]:
        """node[key], dereferenced, with its location."""
        if not isinstance(node, dict) or key not in node:
            return None, child(where, key)
        return self.deref(node[key], child(where, key))

    def items(self, node: Any, where: Where) -> Iterator[tuple[str, Any, Where]]:
        """(key, dereferenced value, where) for each entry of a mapping."""
        if isinstance(node, dict):
            for key, value in node.items():
                resolved, w = self.deref(value, child(where, key))
                yield str(key), resolved, w

    def root_where(self) -> Where:
        return (self.file, "")

"""`$ref` handling shared by the OpenAPI, AsyncAPI and JSON Schema loaders.

Refs are never inlined: data keeps its `$ref` strings and `RefResolver` answers where each one
points, so recursive schemas cost nothing and cannot overflow the stack. Rules:

- `#/pointer` is local; `other.yaml#/pointer` and `other.yaml` are files relative to the referring
  file, loaded once each and kept in `documents` under a normalized path.
- A ref is first matched against the `$id`s (and `$anchor`s) found in the loaded files, resolved
  against the nearest enclosing `$id`, so JSON Schema bundles work without any fetching.
- Files must stay inside the boundary: the root document's git work tree, or its directory when
  it is not in one. Absolute paths and `../` are fine as long as they stay inside.
- `http(s)://` refs are refused (no network, ever); other URI schemes are unsupported.
- A missing file or pointer target, and a cycle of refs with nothing but refs in between
  (`A: {$ref: B}`, `B: {$ref: A}`), are input errors citing the `$ref`'s file:line.
- Values under `example`, `enum`, `const`, `default`, list-valued `examples` and `x-` extensions
  are literal data: `$ref` keys there are not refs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from govern.errors import InputError
from govern.load.files import escape_token, load_document, unescape_token
from govern.load.model import Contract, Document, Limits
from govern.rules.finding import Location

LITERAL_KEYS = frozenset({"example", "enum", "const", "default"})
ANNOTATION_KEYS = frozenset({"$ref", "description", "summary", "title", "$comment"})


@dataclass(frozen=True)
class RefSite:
    """One `$ref` occurrence: the file, the pointer of the object holding it, the ref text."""

    file: str
    pointer: str
    ref: str
    base: str | None = None  # nearest enclosing absolute `$id`, if any


@dataclass(frozen=True)
class Target:
    """Where a ref points: document key, JSON pointer inside it, and the node there."""

    file: str
    pointer: str
    node: Any


def pointer_join(base: str, key: str | int) -> str:
    return f"{base}/{escape_token(key) if isinstance(key, str) else key}"


def get_pointer(data: Any, pointer: str) -> Any:
    """The node at `pointer`; KeyError naming the missing token if there is none."""
    if pointer == "":
        return data
    if not pointer.startswith("/"):
        raise KeyError(pointer)
    node = data
    for raw in pointer[1:].split("/"):
        token = unescape_token(raw)
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise KeyError(token)
    return node


def default_boundary(root_file: str) -> str:
    """The git work tree holding `root_file`, else the file's own directory."""
    start = os.path.dirname(os.path.realpath(root_file))
    here = start
    while True:
        if os.path.exists(os.path.join(here, ".git")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return start
        here = parent


def _is_ref_only(node: Any) -> bool:
    return isinstance(node, dict) and isinstance(node.get("$ref"), str) and node.keys() <= ANNOTATION_KEYS


class _Index:
    """What one document holds: its ref sites, `$id`s and anchors."""

    def __init__(self, doc: Document, max_depth: int) -> None:
        self.sites: list[RefSite] = []
        self.ids: dict[str, str] = {}
        self.anchors: dict[str, str] = {}
        self.literals: list[Any] = []  # the literal values (examples, extensions, ...) not indexed
        # A node's place is kept as (parent place, key) and spelled out as a JSON pointer only
        # for the few nodes that hold a `$ref`, `$id` or anchor (and for the depth error).
        stack: list[tuple[Any, Any, str | None, int]] = [(doc.data, None, None, 1)]
        pop, push = stack.pop, stack.append
        while stack:
            node, where, base, depth = pop()
            if depth > max_depth:
                raise InputError(doc.path, f"nesting deeper than {max_depth} levels", pointer=_spell(where))
            if isinstance(node, dict):
                if "$ref" in node or "$id" in node or "$anchor" in node or "$dynamicAnchor" in node:
                    base = self._note(doc.path, node, _spell(where), base)
                for key, child in node.items():
                    if isinstance(child, (dict, list)):
                        if _is_literal(key, child):
                            self.literals.append(child)
                        else:
                            push((child, (where, key), base, depth + 1))
            else:
                for i, child in enumerate(node):
                    if isinstance(child, (dict, list)):
                        push((child, (where, i), base, depth + 1))

    def _note(self, file: str, node: dict[str, Any], ptr: str, base: str | None) -> str | None:
        ref = node.get("$ref")
        if isinstance(ref, str):
            self.sites.append(RefSite(file, ptr, ref, base))
        ident = node.get("$id")
        if isinstance(ident, str) and ident:
            if ident.startswith("#"):
                self.anchors.setdefault(ident[1:], ptr)
            else:
                full = urljoin(base or "", ident).split("#", 1)[0]
                if urlsplit(full).scheme:
                    self.ids.setdefault(full, ptr)
                    base = full
        for key in ("$anchor", "$dynamicAnchor"):
            name = node.get(key)
            if isinstance(name, str):
                self.anchors.setdefault(name, ptr)
        return base


def _spell(where: Any) -> str:
    """The JSON pointer of a place kept as nested (parent place, key) pairs."""
    keys: list[Any] = []
    while where is not None:
        where, key = where
        keys.append(key)
    ptr = ""
    for key in reversed(keys):
        ptr = pointer_join(ptr, key)
    return ptr


def _is_literal(key: str, child: Any) -> bool:
    return key in LITERAL_KEYS or key.startswith("x-") or (key == "examples" and isinstance(child, list))


class RefResolver:
    """The documents of one contract and the answers to "where does this `$ref` point?"."""

    def __init__(
        self,
        documents: dict[str, Document],
        *,
        limits: Limits | None = None,
        boundary: str | None = None,
        use_ids: bool = True,
    ) -> None:
        self.documents = documents
        self.use_ids = use_ids
        self.limits = limits or Limits()
        self.boundary = os.path.realpath(boundary) if boundary else None
        self._real: dict[str, str] = {}
        self._index: dict[str, _Index] = {}
        self._ids: dict[str, tuple[str, str]] = {}
        self._resolved: dict[tuple[str, str], Target] = {}
        for key in list(documents):
            self._add(key, documents[key])

    @classmethod
    def of(cls, contract: Contract) -> RefResolver:
        """The resolver over a loaded contract's documents (built once, then cached on it)."""
        cached = contract.refs
        if isinstance(cached, cls):
            return cached
        docs = contract.documents or ({contract.path: contract.document} if contract.document else {})
        return cls(docs).attach(contract)

    def attach(self, contract: Contract) -> RefResolver:
        """Cache this resolver on `contract` so `RefResolver.of(contract)` returns it."""
        contract.refs = self
        return self

    def _add(self, key: str, doc: Document) -> None:
        self.documents[key] = doc
        self._real[os.path.realpath(key)] = key
        index = _Index(doc, self.limits.max_depth)
        self._index[key] = index
        for uri, ptr in index.ids.items():
            self._ids.setdefault(uri, (key, ptr))

    # ------------------------------------------------------------ public API

    def sites(self, file: str | None = None) -> Iterator[RefSite]:
        """Every ref site, of one file or of all."""
        for key, index in self._index.items():
            if file is None or key == file:
                yield from index.sites

    def literals(self, file: str) -> list[Any]:
        """The literal values of one file that hold data, not refs (`$ref` keys in them are
        not refs): examples, defaults, enums, constants, `x-` extensions."""
        index = self._index.get(file)
        return index.literals if index is not None else []

    def resolve(self, ref: str, from_file: str) -> Target:
        """Where `ref`, written in `from_file`, points (ignoring any enclosing `$id`)."""
        return self._resolve(RefSite(from_file, "", ref), load=False)

    def resolve_site(self, site: RefSite) -> Target:
        """Where one ref site points, honouring its enclosing `$id`."""
        known = self._resolved.get((site.file, site.pointer))
        return known if known is not None else self._resolve(site, load=False)

    def deref(self, node: Any, file: str, pointer: str | None = None) -> Target:
        """Follow `$ref`s from `node` (at `pointer` in `file`, if known) to a node that is not a ref."""
        seen: set[tuple[str, str]] = set()
        ptr = pointer
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            target = self._resolved.get((file, ptr)) if ptr is not None else None
            if target is None:
                target = self._resolve(RefSite(file, ptr or "", node["$ref"]), load=False)
            if (target.file, target.pointer) in seen:
                break
            seen.add((target.file, target.pointer))
            node, file, ptr = target.node, target.file, target.pointer
        return Target(file, ptr or "", node)

    def locate(self, file: str, pointer: str) -> Location:
        doc = self.documents.get(file)
        return doc.source.locate(pointer) if doc else Location(file, None, None, pointer)

    def locate_path(self, file: str, parts: Sequence[Any]) -> Location:
        """Location of a logical path from `file`'s root, following refs on the way."""
        doc = self.documents.get(file)
        if doc is None:
            return Location(file, None, None, None)
        node, ptr = doc.data, ""
        for part in parts:
            hops = 0
            while isinstance(node, dict) and isinstance(node.get("$ref"), str) and part not in node:
                try:
                    target = self.resolve_site(RefSite(file, ptr, node["$ref"]))
                except InputError:
                    break
                node, file, ptr = target.node, target.file, target.pointer
                hops += 1
                if hops > 64:
                    break
            if isinstance(node, dict) and part in node:
                node, ptr = node[part], pointer_join(ptr, str(part))
            elif isinstance(node, list) and str(part).isdigit() and int(part) < len(node):
                node, ptr = node[int(part)], f"{ptr}/{int(part)}"
            else:
                break
        return self.locate(file, ptr)

    # ------------------------------------------------------------ loading and checking

    def load_all(self) -> None:
        """Load every file reachable through refs, check that each ref resolves, refuse pure cycles."""
        done: set[str] = set()
        while True:
            pending = [key for key in self._index if key not in done]
            if not pending:
                break
            for key in pending:
                done.add(key)
                for site in list(self._index[key].sites):
                    self._resolved[(site.file, site.pointer)] = self._resolve(site, load=True)
        self._check_cycles()

    def _fail(self, site: RefSite, msg: str) -> InputError:
        loc = self.locate(site.file, pointer_join(site.pointer, "$ref"))
        return InputError(site.file, msg, line=loc.line, col=loc.col, pointer=site.pointer or None)

    def _resolve(self, site: RefSite, *, load: bool) -> Target:
        ref = site.ref
        uri, _, fragment = ref.partition("#")
        fragment = unquote(fragment)
        if site.base is not None and self.use_ids:
            full = urljoin(site.base, uri).split("#", 1)[0] if uri else site.base
            if full in self._ids:
                file, root = self._ids[full]
                return self._in_document(site, file, fragment, root)
        if not uri:
            return self._in_document(site, site.file, fragment, "")
        scheme = urlsplit(uri).scheme
        if (scheme and len(scheme) > 1) or uri.startswith("//"):
            if uri in self._ids and self.use_ids:
                file, root = self._ids[uri]
                return self._in_document(site, file, fragment, root)
            if scheme in ("http", "https") or uri.startswith("//"):
                if self.limits.allow_remote_refs:
                    raise self._fail(site, f"remote $ref {ref!r}: fetching remote refs is not supported")
                raise self._fail(
                    site, f"remote $ref {ref!r} refused (no network); pass --allow-remote-refs to fetch"
                )
            raise self._fail(site, f"unsupported $ref {ref!r}: only relative file paths and local pointers")
        key = self._file_key(site, unquote(uri), load=load)
        return self._in_document(site, key, fragment, "")

    def _file_key(self, site: RefSite, rel: str, *, load: bool) -> str:
        key = os.path.normpath(os.path.join(os.path.dirname(site.file), rel))
        real = os.path.realpath(key)
        if real in self._real:
            return self._real[real]
        if self.boundary is not None and os.path.commonpath([real, self.boundary]) != self.boundary:
            raise self._fail(site, f"$ref {site.ref!r} points outside {self.boundary}; refused")
        if not os.path.isfile(key):
            raise self._fail(site, f"$ref {site.ref!r}: file {key} not found")
        if not load:
            raise self._fail(site, f"$ref {site.ref!r}: file {key} was not loaded")
        if len(self.documents) >= self.limits.max_files:
            raise self._fail(site, f"more than {self.limits.max_files} files reached through $ref")
        self._add(key, load_document(key, self.limits))
        return key

    def _in_document(self, site: RefSite, file: str, fragment: str, root: str) -> Target:
        data = self.documents[file].data
        if fragment and not fragment.startswith("/"):
            ptr = self._index[file].anchors.get(fragment)
            if ptr is None:
                raise self._fail(site, f"$ref {site.ref!r}: no anchor {fragment!r} in {file}")
            return Target(file, ptr, get_pointer(data, ptr))
        ptr = root + fragment
        try:
            return Target(file, ptr, get_pointer(data, ptr))
        except KeyError as exc:
            msg = f"$ref {site.ref!r}: {file} has nothing at {ptr or '/'} ({exc.args[0]!r} missing)"
            raise self._fail(site, msg) from None

    def _check_cycles(self) -> None:
        holders: dict[tuple[str, str], RefSite] = {}
        for site in self.sites():
            if _is_ref_only(get_pointer(self.documents[site.file].data, site.pointer)):
                holders[(site.file, site.pointer)] = site
        state: dict[tuple[str, str], int] = {}
        for start in holders:
            chain: list[tuple[str, str]] = []
            cur: tuple[str, str] | None = start
            while cur is not None and cur not in state:
                state[cur] = 1
                chain.append(cur)
                target = self._resolved.get(cur)
                nxt = (target.file, target.pointer) if target else None
                cur = nxt if nxt in holders else None
            if cur is not None and state[cur] == 1:
                loop = chain[chain.index(cur):] + [cur]
                shown = " -> ".join(f"{f}#{p}" for f, p in loop)
                raise self._fail(holders[cur], f"circular $ref with no schema in between: {shown}")
            for key in chain:
                state[key] = 2


def load_tree(
    root: Document, limits: Limits, *, boundary: str | None = None, use_ids: bool = True
) -> RefResolver:
    """Load `root` plus every file its refs reach; every ref checked. Raises InputError."""
    resolver = RefResolver(
        {root.path: root}, limits=limits, boundary=boundary or default_boundary(root.path), use_ids=use_ids
    )
    resolver.load_all()
    return resolver

"""Match the parts of two OpenAPI revisions: operations, parameters, responses, media types.

- Operations pair by HTTP method and *normalized* path: every `{param}` becomes `{}`, so
  renaming a path parameter (`/orders/{id}` -> `/orders/{orderId}`) keeps the pairing, and the
  path parameters are renamed positionally.
- Parameters pair by (in, name); header names ignore case. Path-level parameters are merged into
  each operation (the operation's own definition wins).
- Responses pair by status code, media types and headers by name (headers ignore case).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from govern.diff.openapi.spec import HTTP_METHODS, Side, Where, child

_TEMPLATE = re.compile(r"\{([^}/]*)\}")


def normalize_path(path: str) -> str:
    return _TEMPLATE.sub("{}", path)


def path_params(path: str) -> list[str]:
    return _TEMPLATE.findall(path)


@dataclass
class Param:
    location: str  # path / query / header / cookie
    name: str
    node: dict[str, Any]
    where: Where
    level: str  # "path" (path item) or "operation"

    @property
    def required(self) -> bool:
        return self.location == "path" or self.node.get("required") is True

    def describe(self) -> str:
        return f"{self.location} parameter {self.name!r}"


@dataclass
class Operation:
    kind: str  # "path" or "webhook"
    key: str  # the path template (or webhook name) as written
    method: str
    node: dict[str, Any]
    where: Where
    item: dict[str, Any]
    item_where: Where
    params: dict[tuple[str, str], Param] = field(default_factory=dict)

    @property
    def label(self) -> str:
        if self.kind == "webhook":
            return f"webhook {self.key} {self.method.upper()}"
        return f"{self.method.upper()} {self.key}"


def param_key(location: str, name: str) -> tuple[str, str]:
    return (location, name.lower() if location == "header" else name)


def collect_params(side: Side, item: dict[str, Any], item_where: Where, op: dict[str, Any], op_where: Where) -> dict[tuple[str, str], Param]:
    out: dict[tuple[str, str], Param] = {}
    for level, owner, owner_where in (("path", item, item_where), ("operation", op, op_where)):
        raw = owner.get("parameters") if isinstance(owner, dict) else None
        if not isinstance(raw, list):
            continue
        base = child(owner_where, "parameters")
        for index, entry in enumerate(raw):
            node, where = side.deref(entry, child(base, index))
            if not isinstance(node, dict):
                continue
            location, name = node.get("in"), node.get("name")
            if not isinstance(location, str) or not isinstance(name, str):
                continue
            out[param_key(location, name)] = Param(location, name, node, where, level)
    return out


def operations(side: Side, section: str = "paths") -> dict[str, dict[str, Operation]]:
    """{path template: {method: Operation}} for `paths` or `webhooks`."""
    root = side.root
    container = root.get(section) if isinstance(root, dict) else None
    out: dict[str, dict[str, Operation]] = {}
    if not isinstance(container, dict):
        return out
    section_where = (side.file, "/" + section)
    for key, raw_item in container.items():
        item, item_where = side.deref(raw_item, child(section_where, key))
        if not isinstance(item, dict):
            continue
        ops: dict[str, Operation] = {}
        for method in HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            op_node, op_where = side.deref(op, child(item_where, method))
            if not isinstance(op_node, dict):
                continue
            operation = Operation("webhook" if section == "webhooks" else "path", str(key), method, op_node, op_where, item, item_where)
            operation.params = collect_params(side, item, item_where, op_node, op_where)
            ops[method] = operation
        out[str(key)] = ops
    return out


def pair_paths(base: dict[str, Any], revision: dict[str, Any]) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """(paired (base path, revision path), removed base paths, added revision paths)."""
    rev_by_norm: dict[str, str] = {}
    for path in revision:
        rev_by_norm.setdefault(normalize_path(path), path)
    used: set[str] = set()
    paired: list[tuple[str, str]] = []
    removed: list[str] = []
    for path in base:
        if path in revision and path not in used:
            paired.append((path, path))
            used.add(path)
            continue
        match = rev_by_norm.get(normalize_path(path))
        if match is not None and match not in used and match not in base:
            paired.append((path, match))
            used.add(match)
        else:
            removed.append(path)
    added = [p for p in revision if p not in used]
    return paired, removed, added


def rename_path_params(base_op: Operation, base_path: str, revision_path: str) -> dict[tuple[str, str], Param]:
    """The base operation's parameters with path parameters renamed to the revision's names."""
    old_names, new_names = path_params(base_path), path_params(revision_path)
    if old_names == new_names or len(old_names) != len(new_names):
        return base_op.params
    mapping = dict(zip(old_names, new_names))
    out: dict[tuple[str, str], Param] = {}
    for key, param in base_op.params.items():
        if param.location == "path" and param.name in mapping:
            out[("path", mapping[param.name])] = param
        else:
            out[key] = param
    return out


def pair_keys(base: dict[Any, Any] | None, revision: dict[Any, Any] | None, *, fold_case: bool = False) -> Iterator[tuple[Any, Any, Any]]:
    """(key, base key or None, revision key or None) over the union of two mappings' keys."""
    base = base if isinstance(base, dict) else {}
    revision = revision if isinstance(revision, dict) else {}

    def norm(k: Any) -> Any:
        return str(k).lower() if fold_case else str(k)

    rev_index = {norm(k): k for k in revision}
    seen: set[Any] = set()
    for k in base:
        n = norm(k)
        seen.add(n)
        yield n, k, rev_index.get(n)
    for n, k in rev_index.items():
        if n not in seen:
            yield n, None, k

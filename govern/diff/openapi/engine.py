"""Drive one OpenAPI diff: pair paths/operations/webhooks and run every rule family."""

from __future__ import annotations

import re
from typing import Any

from govern.diff.openapi import checks_bodies, checks_operations, checks_params, checks_security
from govern.diff.openapi.pairing import Operation, operations, pair_paths, rename_path_params
from govern.diff.openapi.report import DOCUMENT, Reporter
from govern.diff.openapi.spec import child


def run(rep: Reporter) -> None:
    for section in ("paths", "webhooks"):
        _section(rep, section)
    checks_security.document(rep)
    _components(rep)
    _problems(rep)
    if rep.settings.unclassified:
        from govern.diff.openapi import residue

        residue.report(rep)
    _version(rep)


def _section(rep: Reporter, section: str) -> None:
    b_ops = operations(rep.base, section)
    r_ops = operations(rep.revision, section)
    paired, removed, added = pair_paths(b_ops, r_ops)
    webhook = section == "webhooks"
    if webhook:
        checks_operations.webhooks(rep, removed, added, (rep.base.file, "/webhooks"), (rep.revision.file, "/webhooks"))
    else:
        for path in removed:
            for op in b_ops[path].values():
                checks_operations.removed(rep, op, whole_path=True)
            if b_ops[path]:  # the findings above explain the whole path item
                rep.cover("base", child((rep.base.file, "/paths"), path))
        for path in added:
            for op in r_ops[path].values():
                checks_operations.added(rep, op)
            if r_ops[path]:
                rep.cover("revision", child((rep.revision.file, "/paths"), path))
    for b_path, r_path in paired:
        b_methods, r_methods = b_ops[b_path], r_ops[r_path]
        for method, op in b_methods.items():
            if method not in r_methods:
                checks_operations.removed(rep, op, whole_path=False)
        for method, op in r_methods.items():
            if method not in b_methods:
                checks_operations.added(rep, op)
        for method, b_op in b_methods.items():
            r_op = r_methods.get(method)
            if r_op is not None:
                _operation(rep, b_op, r_op, b_path, r_path)


def _operation(rep: Reporter, b_op: Operation, r_op: Operation, b_path: str, r_path: str) -> None:
    scope = checks_operations.op_scope(r_op, checks_operations.exempt_level(rep, b_op))
    if b_path == r_path and rep.same(b_op.node, r_op.node) and rep.same(b_op.item.get("parameters"), r_op.item.get("parameters")):
        return
    if not checks_operations.lifecycle(rep, b_op, r_op, scope):
        return
    checks_operations.metadata(rep, b_op, r_op, scope)
    base_params = rename_path_params(b_op, b_path, r_path)
    checks_params.check(rep, b_op, r_op, base_params, scope)
    checks_bodies.request_body(rep, b_op, r_op, scope)
    checks_bodies.responses(rep, b_op, r_op, scope)
    checks_security.operation(rep, b_op, r_op, scope)


def _components(rep: Reporter) -> None:
    b_comp = rep.base.root.get("components") if isinstance(rep.base.root.get("components"), dict) else {}
    r_comp = rep.revision.root.get("components") if isinstance(rep.revision.root.get("components"), dict) else {}
    b_schemas = b_comp.get("schemas") if isinstance(b_comp.get("schemas"), dict) else {}
    r_schemas = r_comp.get("schemas") if isinstance(r_comp.get("schemas"), dict) else {}
    for name in b_schemas:
        if name not in r_schemas:
            rep.add("api-schema-removed", DOCUMENT, f"schema {name!r} removed from components/schemas", base=(rep.base.file, f"/components/schemas/{_esc(name)}"), schema=name)


def _esc(name: str) -> str:
    from govern.diff.openapi.spec import esc

    return esc(name)


def _problems(rep: Reporter) -> None:
    """Unresolvable references met while diffing: reported, never a crash."""
    seen: set[Any] = set()
    for side_name, side in (("base", rep.base), ("revision", rep.revision)):
        for kind, where, message in side.problems:
            key = (side_name, where, message)
            if key in seen:
                continue
            seen.add(key)
            kw = {"base": where} if side_name == "base" else {"revision": where}
            rep.add("unclassified-change", DOCUMENT, f"{side_name}: {message}; this part was compared as an empty object", problem=kind, **kw)


def _version(rep: Reporter) -> None:
    """api-version-* rules: a breaking change needs a version bump."""
    from govern.rules.finding import Level

    if not any(f.level is Level.ERR for f in rep.findings):
        return
    b_info = rep.base.root.get("info") if isinstance(rep.base.root.get("info"), dict) else {}
    r_info = rep.revision.root.get("info") if isinstance(rep.revision.root.get("info"), dict) else {}
    old, new = b_info.get("version"), r_info.get("version")
    if old is None or new is None:
        return
    where = (rep.revision.file, "/info/version")
    old_v, new_v = _version_tuple(str(old)), _version_tuple(str(new))
    if str(old) == str(new):
        rep.add("api-version-not-bumped", DOCUMENT, f"breaking changes, but info.version is still {new!r}", revision=where)
    elif old_v is not None and new_v is not None:
        if new_v < old_v:
            rep.add("api-version-decreased", DOCUMENT, f"breaking changes, and info.version went down from {old!r} to {new!r}", revision=where)
        elif new_v[0] <= old_v[0]:
            rep.add("api-major-version-not-bumped", DOCUMENT, f"breaking changes, but the major version of {new!r} did not go up from {old!r}", revision=where)


def _version_tuple(text: str) -> tuple[int, ...] | None:
    m = re.match(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?", text.strip())
    if not m:
        return None
    return tuple(int(g) if g else 0 for g in m.groups())

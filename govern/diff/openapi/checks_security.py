"""Security: document-wide and per-operation requirements and scopes, and components/securitySchemes."""

from __future__ import annotations

from typing import Any

from govern.diff.openapi.pairing import Operation
from govern.diff.openapi.report import DOCUMENT, Reporter, Scope
from govern.diff.openapi.spec import Side, Where, child


def _requirements(node: Any) -> dict[frozenset[str], tuple[int, dict[str, list[str]]]]:
    """{set of scheme names: (index, {scheme: scopes})} for a security requirement list."""
    out: dict[frozenset[str], tuple[int, dict[str, list[str]]]] = {}
    if not isinstance(node, list):
        return out
    for index, req in enumerate(node):
        if not isinstance(req, dict):
            continue
        schemes = {str(k): [str(s) for s in v] if isinstance(v, list) else [] for k, v in req.items()}
        out.setdefault(frozenset(schemes), (index, schemes))
    return out


def _describe(key: frozenset[str]) -> str:
    return " + ".join(sorted(key)) if key else "{} (anonymous access)"


def _compare(rep: Reporter, scope: Scope, prefix: str, old: Any, old_where: Where, new: Any, new_where: Where) -> None:
    """prefix is api-global-security or api-security."""
    b_reqs, r_reqs = _requirements(old), _requirements(new)
    if _requirements(old).keys() != _requirements(new).keys() or old != new:
        # Requirement lists are fully classified below (order and duplicates carry no meaning).
        rep.cover("base", old_where)
        rep.cover("revision", new_where)
    for key, (index, _) in b_reqs.items():
        if key not in r_reqs:
            rep.add(f"{prefix}-removed", scope, f"security requirement {_describe(key)} removed", base=child(old_where, index), revision=new_where if new is not None else None, requirement=_describe(key))
    for key, (index, _) in r_reqs.items():
        if key not in b_reqs:
            rep.add(f"{prefix}-added", scope, f"security requirement {_describe(key)} added", revision=child(new_where, index), requirement=_describe(key))
    for key, (b_index, b_schemes) in b_reqs.items():
        if key not in r_reqs:
            continue
        r_index, r_schemes = r_reqs[key]
        for scheme in sorted(key):
            old_scopes, new_scopes = b_schemes[scheme], r_schemes[scheme]
            for s in new_scopes:
                if s not in old_scopes:
                    rep.add(f"{prefix}-scope-added", scope, f"scope {s!r} of security scheme {scheme!r} added", revision=child(new_where, r_index, scheme), base=child(old_where, b_index, scheme), scheme=scheme, oauth_scope=s)
            for s in old_scopes:
                if s not in new_scopes:
                    rep.add(f"{prefix}-scope-removed", scope, f"scope {s!r} of security scheme {scheme!r} removed", revision=child(new_where, r_index, scheme), base=child(old_where, b_index, scheme), scheme=scheme, oauth_scope=s)
            if set(old_scopes) == set(new_scopes):
                rep.cover("base", child(old_where, b_index, scheme))
                rep.cover("revision", child(new_where, r_index, scheme))


def document(rep: Reporter) -> None:
    base, rev = rep.base, rep.revision
    _compare(rep, DOCUMENT, "api-global-security", base.root.get("security"), (base.file, "/security"), rev.root.get("security"), (rev.file, "/security"))
    _components(rep)


def operation(rep: Reporter, b_op: Operation, r_op: Operation, scope: Scope) -> None:
    old, new = b_op.node.get("security"), r_op.node.get("security")
    if old is None and new is None:
        return
    _compare(rep, scope, "api-security", old, child(b_op.where, "security"), new, child(r_op.where, "security"))


def _schemes(side: Side) -> tuple[dict[str, Any], Where]:
    comps, where = side.get(side.root, side.root_where(), "components")
    schemes, swhere = side.get(comps, where, "securitySchemes")
    return (schemes if isinstance(schemes, dict) else {}), swhere


def _components(rep: Reporter) -> None:
    b_schemes, b_where = _schemes(rep.base)
    r_schemes, r_where = _schemes(rep.revision)
    for name in b_schemes:
        if name not in r_schemes:
            rep.add("api-security-component-removed", DOCUMENT, f"security scheme {name!r} removed from components", base=child(b_where, name), scheme=name)
    for name in r_schemes:
        if name not in b_schemes:
            rep.add("api-security-component-added", DOCUMENT, f"security scheme {name!r} added to components", revision=child(r_where, name), scheme=name)
    for name in b_schemes:
        if name not in r_schemes:
            continue
        old, ow = rep.base.deref(b_schemes[name], child(b_where, name))
        new, nw = rep.revision.deref(r_schemes[name], child(r_where, name))
        if not isinstance(old, dict) or not isinstance(new, dict) or old == new:
            continue
        if old.get("type") != new.get("type"):
            rep.add("api-security-component-type-changed", DOCUMENT, f"security scheme {name!r} changed type from {old.get('type')!r} to {new.get('type')!r}", base=child(ow, "type"), revision=child(nw, "type"), scheme=name)
        _flows(rep, name, old, ow, new, nw)


def _flows(rep: Reporter, name: str, old: dict[str, Any], ow: Where, new: dict[str, Any], nw: Where) -> None:
    b_flows = old.get("flows") if isinstance(old.get("flows"), dict) else {}
    r_flows = new.get("flows") if isinstance(new.get("flows"), dict) else {}
    for flow in b_flows:
        if flow not in r_flows:
            continue
        bf, rf = b_flows[flow], r_flows[flow]
        if not isinstance(bf, dict) or not isinstance(rf, dict):
            continue
        bfw, rfw = child(ow, "flows", flow), child(nw, "flows", flow)
        if bf.get("authorizationUrl") != rf.get("authorizationUrl"):
            rep.add("api-security-component-oauth-url-changed", DOCUMENT, f"security scheme {name!r} {flow} flow authorizationUrl changed", base=child(bfw, "authorizationUrl"), revision=child(rfw, "authorizationUrl"), scheme=name, flow=flow)
        if bf.get("tokenUrl") != rf.get("tokenUrl"):
            rep.add("api-security-component-oauth-token-url-changed", DOCUMENT, f"security scheme {name!r} {flow} flow tokenUrl changed", base=child(bfw, "tokenUrl"), revision=child(rfw, "tokenUrl"), scheme=name, flow=flow)
        b_scopes = bf.get("scopes") if isinstance(bf.get("scopes"), dict) else {}
        r_scopes = rf.get("scopes") if isinstance(rf.get("scopes"), dict) else {}
        for s in b_scopes:
            if s not in r_scopes:
                rep.add("api-security-component-oauth-scope-removed", DOCUMENT, f"security scheme {name!r} {flow} flow lost scope {s!r}", base=child(bfw, "scopes", s), scheme=name, flow=flow, oauth_scope=s)
            elif b_scopes[s] != r_scopes[s]:
                rep.add("api-security-component-oauth-scope-changed", DOCUMENT, f"security scheme {name!r} {flow} flow scope {s!r} has a new description", base=child(bfw, "scopes", s), revision=child(rfw, "scopes", s), scheme=name, flow=flow, oauth_scope=s)
        for s in r_scopes:
            if s not in b_scopes:
                rep.add("api-security-component-oauth-scope-added", DOCUMENT, f"security scheme {name!r} {flow} flow gained scope {s!r}", revision=child(rfw, "scopes", s), scheme=name, flow=flow, oauth_scope=s)

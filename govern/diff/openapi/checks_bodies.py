"""Request bodies and responses: presence, required, status codes, media types, headers."""

from __future__ import annotations

from typing import Any

from govern.diff.openapi.pairing import Operation, pair_keys
from govern.diff.openapi.report import Reporter, Scope
from govern.diff.openapi.spec import Side, Where, child


def _media_essence(name: str) -> str:
    return name.split(";", 1)[0].strip().lower()


def _covers(general: str, specific: str) -> bool:
    """True when media range `general` includes `specific` (e.g. application/* covers application/json)."""
    g, s = _media_essence(general), _media_essence(specific)
    if g == s:
        return False
    if g in ("*/*", "*"):
        return True
    gt, _, gs = g.partition("/")
    st, _, ss = s.partition("/")
    if gs == "*" and gt == st:
        return True
    if gs.startswith("*+") and st == gt and ss.endswith(gs[1:]):
        return True
    return False


def pair_media(base: dict[str, Any], rev: dict[str, Any]) -> tuple[list[tuple[str, str, str]], list[str], list[str]]:
    """([(base name, revision name, relation)], removed, added); relation is same/renamed/generalized/specialized."""
    pairs: list[tuple[str, str, str]] = []
    removed = [k for k in base if k not in rev]
    added = [k for k in rev if k not in base]
    for k in base:
        if k in rev:
            pairs.append((k, k, "same"))
    for old in list(removed):
        match = next((new for new in added if _media_essence(new) == _media_essence(old)), None)
        relation = "renamed"
        if match is None:
            match = next((new for new in added if _covers(new, old)), None)
            relation = "generalized"
        if match is None:
            match = next((new for new in added if _covers(old, new)), None)
            relation = "specialized"
        if match is not None:
            pairs.append((old, match, relation))
            removed.remove(old)
            added.remove(match)
    return pairs, removed, added


def _content(side: Side, node: Any, where: Where) -> tuple[dict[str, Any], Where]:
    content = node.get("content") if isinstance(node, dict) else None
    return (content if isinstance(content, dict) else {}), child(where, "content")


def _media(side: Side, content: dict[str, Any], where: Where, name: str) -> tuple[Any, Where]:
    return side.deref(content[name], child(where, name))


def request_body(rep: Reporter, base: Operation, rev: Operation, scope: Scope) -> None:
    from govern.diff.openapi import schema_rules

    b_body, b_where = rep.base.get(base.node, base.where, "requestBody")
    r_body, r_where = rep.revision.get(rev.node, rev.where, "requestBody")
    b_has, r_has = isinstance(b_body, dict), isinstance(r_body, dict)
    if not b_has and not r_has:
        return
    if not b_has:
        required = r_body.get("required") is True
        rule = "request-body-added-required" if required else "request-body-added-optional"
        rep.add(rule, scope, f"{'required' if required else 'optional'} request body added", revision=r_where)
        return
    if not r_has:
        rep.add("request-body-removed", scope, "request body removed", base=b_where)
        return
    b_req, r_req = b_body.get("required") is True, r_body.get("required") is True
    if r_req and not b_req:
        rep.add("request-body-became-required", scope, "request body became required", revision=child(r_where, "required"), base=child(b_where, "required"))
    elif b_req and not r_req:
        rep.add("request-body-became-optional", scope, "request body became optional", revision=child(r_where, "required"), base=child(b_where, "required"))
    b_content, bc_where = _content(rep.base, b_body, b_where)
    r_content, rc_where = _content(rep.revision, r_body, r_where)
    pairs, removed, added = pair_media(b_content, r_content)
    for name in removed:
        rep.add("request-body-media-type-removed", scope, f"request media type {name!r} no longer accepted", base=child(bc_where, name), media_type=name)
    for name in added:
        rep.add("request-body-media-type-added", scope, f"request media type {name!r} added", revision=child(rc_where, name), media_type=name)
    for old_name, new_name, relation in pairs:
        if relation != "same":
            # A renamed/wider/narrower request media type: the old one is no longer accepted as such.
            rep.add("request-body-media-type-removed", scope, f"request media type {old_name!r} replaced by {new_name!r}", base=child(bc_where, old_name), revision=child(rc_where, new_name), media_type=old_name)
        b_media, bm_where = _media(rep.base, b_content, bc_where, old_name)
        r_media, rm_where = _media(rep.revision, r_content, rc_where, new_name)
        _media_schema(rep, scope, "request", b_media, bm_where, r_media, rm_where, new_name)


def _media_schema(rep: Reporter, scope: Scope, direction: str, b_media: Any, bm_where: Where, r_media: Any, rm_where: Where, media: str) -> None:
    from govern.diff.openapi import schema_rules

    b_schema, bs_where = rep.base.get(b_media, bm_where, "schema")
    r_schema, rs_where = rep.revision.get(r_media, rm_where, "schema")
    b_has = isinstance(b_media, dict) and "schema" in b_media
    r_has = isinstance(r_media, dict) and "schema" in r_media
    prefix = "request-body" if direction == "request" else "response-body"
    if r_has and not b_has:
        rep.add(f"{prefix}-media-type-schema-added", scope, f"{direction} media type {media!r} now has a schema", revision=rs_where, media_type=media)
        return
    if b_has and not r_has:
        rep.add(f"{prefix}-media-type-schema-removed", scope, f"{direction} media type {media!r} lost its schema", base=bs_where, revision=rm_where, media_type=media)
        return
    if b_has and r_has:
        schema_rules.compare_body(rep, scope, direction, media, b_schema, bs_where, r_schema, rs_where)


def _is_success(code: str) -> bool:
    return code.startswith("2")


def responses(rep: Reporter, base: Operation, rev: Operation, scope: Scope) -> None:
    b_resps, b_where = rep.base.get(base.node, base.where, "responses")
    r_resps, r_where = rep.revision.get(rev.node, rev.where, "responses")
    b_resps = b_resps if isinstance(b_resps, dict) else {}
    r_resps = r_resps if isinstance(r_resps, dict) else {}
    for norm, b_key, r_key in pair_keys(b_resps, r_resps, fold_case=True):
        code = str(r_key if r_key is not None else b_key)
        if r_key is None:
            rule = "response-success-status-removed" if _is_success(code) else "response-non-success-status-removed"
            rep.add(rule, scope, f"response status {code} removed", base=child(b_where, b_key), status=code)
            continue
        if b_key is None:
            rule = "response-success-status-added" if _is_success(code) else "response-non-success-status-added"
            rep.add(rule, scope, f"response status {code} added", revision=child(r_where, r_key), status=code)
            continue
        b_resp, br_where = rep.base.deref(b_resps[b_key], child(b_where, b_key))
        r_resp, rr_where = rep.revision.deref(r_resps[r_key], child(r_where, r_key))
        if not isinstance(b_resp, dict) or not isinstance(r_resp, dict):
            continue
        rscope = Scope(scope.label, scope.exempt, scope.details + (("status", code),))
        _response(rep, rscope, code, b_resp, br_where, r_resp, rr_where)


def _response(rep: Reporter, scope: Scope, code: str, b_resp: dict[str, Any], b_where: Where, r_resp: dict[str, Any], r_where: Where) -> None:
    b_content, bc_where = _content(rep.base, b_resp, b_where)
    r_content, rc_where = _content(rep.revision, r_resp, r_where)
    pairs, removed, added = pair_media(b_content, r_content)
    for name in removed:
        rep.add("response-media-type-removed", scope, f"status {code} no longer returns media type {name!r}", base=child(bc_where, name), media_type=name)
    for name in added:
        rep.add("response-media-type-added", scope, f"status {code} may now return media type {name!r}", revision=child(rc_where, name), media_type=name)
    for old_name, new_name, relation in pairs:
        if relation != "same":
            rule = {
                "renamed": "response-media-type-name-changed",
                "generalized": "response-media-type-name-generalized",
                "specialized": "response-media-type-name-specialized",
            }[relation]
            rep.add(rule, scope, f"status {code} media type {old_name!r} became {new_name!r}", base=child(bc_where, old_name), revision=child(rc_where, new_name), media_type=new_name)
        b_media, bm_where = _media(rep.base, b_content, bc_where, old_name)
        r_media, rm_where = _media(rep.revision, r_content, rc_where, new_name)
        _media_schema(rep, scope, "response", b_media, bm_where, r_media, rm_where, new_name)
    _headers(rep, scope, code, b_resp, b_where, r_resp, r_where)


def _headers(rep: Reporter, scope: Scope, code: str, b_resp: dict[str, Any], b_where: Where, r_resp: dict[str, Any], r_where: Where) -> None:
    from govern.diff.openapi import schema_rules

    b_headers, bh_where = rep.base.get(b_resp, b_where, "headers")
    r_headers, rh_where = rep.revision.get(r_resp, r_where, "headers")
    for _, b_key, r_key in pair_keys(b_headers, r_headers, fold_case=True):
        if b_key is not None and str(b_key).lower() == "content-type":
            continue  # ignored by OpenAPI in response headers
        if r_key is None:
            b_header, w = rep.base.deref(b_headers[b_key], child(bh_where, b_key))
            required = isinstance(b_header, dict) and b_header.get("required") is True
            rule = "required-response-header-removed" if required else "optional-response-header-removed"
            rep.add(rule, scope, f"status {code} {'required' if required else 'optional'} header {b_key!r} removed", base=w, header=str(b_key))
            continue
        if b_key is None:
            if str(r_key).lower() == "content-type":
                continue
            _, w = rep.revision.deref(r_headers[r_key], child(rh_where, r_key))
            rep.add("response-header-added", scope, f"status {code} header {r_key!r} added", revision=w, header=str(r_key))
            continue
        b_header, bw = rep.base.deref(b_headers[b_key], child(bh_where, b_key))
        r_header, rw = rep.revision.deref(r_headers[r_key], child(rh_where, r_key))
        if not isinstance(b_header, dict) or not isinstance(r_header, dict):
            continue
        if b_header.get("required") is True and r_header.get("required") is not True:
            rep.add("response-header-became-optional", scope, f"status {code} header {r_key!r} became optional", revision=child(rw, "required"), base=child(bw, "required"), header=str(r_key))
        b_schema, bs_where = _header_schema(rep.base, b_header, bw)
        r_schema, rs_where = _header_schema(rep.revision, r_header, rw)
        if b_schema is not None and r_schema is not None:
            schema_rules.compare_header(rep, scope, str(r_key), b_schema, bs_where, r_schema, rs_where)


def _header_schema(side: Side, header: dict[str, Any], where: Where) -> tuple[Any, Where]:
    if "schema" in header:
        return side.deref(header["schema"], child(where, "schema"))
    content = header.get("content")
    if isinstance(content, dict):
        for name, value in content.items():
            media, mw = side.deref(value, child(where, "content", name))
            if isinstance(media, dict) and "schema" in media:
                return side.deref(media["schema"], child(mw, "schema"))
    return None, child(where, "schema")

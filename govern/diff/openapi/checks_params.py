"""Request parameters (path, query, header, cookie): added, removed, required, deprecation, schema."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from govern.diff.openapi.lifecycle import SUNSET_KEY, BadDate, is_deprecated, parse_sunset, required_days, stability
from govern.diff.openapi.pairing import Operation, Param
from govern.diff.openapi.report import Reporter, Scope
from govern.diff.openapi.spec import Side, Where, child


def param_schema(side: Side, param: Param) -> tuple[Any, Where | None]:
    """The schema of a parameter: `schema`, or the schema of its single `content` entry."""
    node = param.node
    if "schema" in node:
        return side.deref(node["schema"], child(param.where, "schema"))
    content = node.get("content")
    if isinstance(content, dict):
        for media, value in content.items():
            media_node, media_where = side.deref(value, child(param.where, "content", media))
            if isinstance(media_node, dict) and "schema" in media_node:
                return side.deref(media_node["schema"], child(media_where, "schema"))
    return None, None


def check(rep: Reporter, base: Operation, rev: Operation, base_params: dict[tuple[str, str], Param], scope: Scope, path_is_new: bool = False) -> None:
    rev_params = rev.params
    level, _ = stability(rev.node)
    days = required_days(level, rep.settings.deprecation_days_beta, rep.settings.deprecation_days_stable)
    today = rep.settings.now()
    for key, old in base_params.items():
        new = rev_params.get(key)
        if new is None:
            _removed(rep, scope, old, today)
        else:
            _paired(rep, scope, old, new, days, today)
            from govern.diff.openapi import schema_rules

            old_schema, old_where = param_schema(rep.base, old)
            new_schema, new_where = param_schema(rep.revision, new)
            schema_rules.compare_parameter(rep, scope, old, new, old_schema, old_where, new_schema, new_where)
    for key, new in rev_params.items():
        if key in base_params:
            continue
        what = new.describe()
        if new.location == "path":
            rep.add("new-request-path-parameter", scope, f"new {what}", revision=new.where, parameter=new.name, **{"in": new.location})
        elif new.level == "path" and not path_is_new:
            rule = "new-required-request-default-parameter-to-existing-path" if new.required else "new-optional-request-default-parameter-to-existing-path"
            rep.add(rule, scope, f"new {'required' if new.required else 'optional'} path-level {what}", revision=new.where, parameter=new.name, **{"in": new.location})
        else:
            rule = "new-required-request-parameter" if new.required else "new-optional-request-parameter"
            rep.add(rule, scope, f"new {'required' if new.required else 'optional'} {what}", revision=new.where, parameter=new.name, **{"in": new.location})


def _removed(rep: Reporter, scope: Scope, old: Param, today: Any) -> None:
    what = old.describe()
    kw = {"parameter": old.name, "in": old.location}
    if not is_deprecated(old.node):
        rep.add("request-parameter-removed", scope, f"{what} removed without being deprecated first", base=old.where, **kw)
        return
    try:
        sunset = parse_sunset(old.node.get(SUNSET_KEY))
    except BadDate as exc:
        rep.add("request-parameter-sunset-parse", scope, f"removed deprecated {what} has an unusable x-sunset: {exc}", base=child(old.where, SUNSET_KEY), **kw)
        return
    if sunset is not None and sunset > today:
        rep.add("request-parameter-removed-before-sunset", scope, f"{what} removed before its sunset date {sunset.isoformat()}", base=old.where, **kw)
        return
    rep.add("request-parameter-removed-with-deprecation", scope, f"deprecated {what} removed", base=old.where, **kw)


def _paired(rep: Reporter, scope: Scope, old: Param, new: Param, days: int, today: Any) -> None:
    what = new.describe()
    kw = {"parameter": new.name, "in": new.location}
    if new.location != "path":
        if new.required and not old.required:
            rep.add("request-parameter-became-required", scope, f"{what} became required", revision=child(new.where, "required"), base=child(old.where, "required"), **kw)
        elif old.required and not new.required:
            rep.add("request-parameter-became-optional", scope, f"{what} became optional", revision=child(new.where, "required"), base=child(old.where, "required"), **kw)
    b_dep, r_dep = is_deprecated(old.node), is_deprecated(new.node)
    if r_dep and not b_dep:
        dep_where = child(new.where, "deprecated")
        try:
            sunset = parse_sunset(new.node.get(SUNSET_KEY))
        except BadDate as exc:
            rep.add("request-parameter-sunset-parse", scope, f"{what} deprecated with an unusable x-sunset: {exc}", revision=child(new.where, SUNSET_KEY), **kw)
            return
        if sunset is None and days > 0:
            rep.add("request-parameter-deprecated-sunset-missing", scope, f"{what} deprecated without an x-sunset date; the policy asks for one at least {days} days ahead", revision=dep_where, **kw)
        elif sunset is not None and sunset < today + timedelta(days=days):
            rep.add("request-parameter-sunset-date-too-small", scope, f"{what} deprecated with sunset {sunset.isoformat()}, sooner than the {days} days the policy asks for", revision=child(new.where, SUNSET_KEY), **kw)
        else:
            note = f", sunset {sunset.isoformat()}" if sunset else ""
            rep.add("request-parameter-deprecated", scope, f"{what} deprecated{note}", revision=dep_where, covers=(child(new.where, SUNSET_KEY),), **kw)
    elif b_dep and not r_dep:
        rep.add("request-parameter-reactivated", scope, f"{what} is no longer deprecated", revision=new.where, base=child(old.where, "deprecated"), **kw)
    elif b_dep and r_dep:
        o, n = old.node.get(SUNSET_KEY), new.node.get(SUNSET_KEY)
        if o == n:
            return
        if o is not None and n is None:
            rep.add("request-parameter-sunset-deleted", scope, f"deprecated {what} lost its x-sunset date", revision=new.where, base=child(old.where, SUNSET_KEY), **kw)
            return
        try:
            parse_sunset(o)
            n_date = parse_sunset(n)
        except BadDate as exc:
            rep.add("request-parameter-sunset-parse", scope, f"x-sunset of {what} changed and is not usable: {exc}", revision=child(new.where, SUNSET_KEY), base=child(old.where, SUNSET_KEY), **kw)
            return
        if n_date is not None and n_date < today + timedelta(days=days):
            rep.add("request-parameter-sunset-date-changed-too-small", scope, f"x-sunset of {what} moved to {n_date.isoformat()}, sooner than the {days} days the policy asks for", revision=child(new.where, SUNSET_KEY), base=child(old.where, SUNSET_KEY), **kw)

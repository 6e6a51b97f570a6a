"""Operations and paths: added, removed (with deprecation and sunset), deprecated, reactivated,
sunset changes, stability levels, operationId and tags, webhooks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from govern.diff.openapi.lifecycle import (
    STABILITY_KEY,
    STABILITY_ORDER,
    SUNSET_KEY,
    BadDate,
    is_deprecated,
    parse_sunset,
    required_days,
    stability,
)
from govern.diff.openapi.pairing import Operation
from govern.diff.openapi.report import Reporter, Scope
from govern.diff.openapi.spec import child

_PATH_REMOVAL = (
    "api-path-removed-without-deprecation",
    "api-path-removed-with-deprecation",
    "api-path-removed-before-sunset",
)
_OP_REMOVAL = ("api-removed-without-deprecation", "api-removed-with-deprecation", "api-removed-before-sunset")


def op_scope(op: Operation, exempt: str | None = None) -> Scope:
    details: tuple[tuple[str, Any], ...] = (("method", op.method.upper()), (op.kind if op.kind == "webhook" else "path", op.key))
    return Scope(op.label, exempt, details)


def exempt_level(rep: Reporter, op: Operation) -> str | None:
    level, valid = stability(op.node)
    return level if valid and level in rep.settings.exempt_stability else None


def removed(rep: Reporter, op: Operation, *, whole_path: bool) -> None:
    """A base operation with no counterpart: breaking unless deprecated and past its sunset."""
    ids = _PATH_REMOVAL if whole_path else _OP_REMOVAL
    scope = op_scope(op, exempt_level(rep, op))
    where = op.item_where if whole_path else op.where
    if op.kind == "webhook":
        return
    if not is_deprecated(op.node):
        what = "the path and its operation were removed" if whole_path else "the operation was removed"
        rep.add(ids[0], scope, f"{what} without being deprecated first", base=where)
        return
    try:
        sunset = parse_sunset(op.node.get(SUNSET_KEY))
    except BadDate as exc:
        rep.add("api-path-sunset-parse", scope, f"removed deprecated operation has an unusable x-sunset: {exc}", base=child(op.where, SUNSET_KEY))
        return
    if sunset is not None and sunset > rep.settings.now():
        rep.add(ids[2], scope, f"removed before its sunset date {sunset.isoformat()}", base=where, sunset=sunset.isoformat())
        return
    note = f" (sunset {sunset.isoformat()})" if sunset else ""
    rep.add(ids[1], scope, f"deprecated operation was removed{note}", base=where)


def added(rep: Reporter, op: Operation) -> None:
    if op.kind == "webhook":
        return
    rep.add("endpoint-added", op_scope(op), "operation added", revision=op.where)


def webhooks(rep: Reporter, removed_names: list[str], added_names: list[str], base_where: Any, rev_where: Any) -> None:
    for name in removed_names:
        rep.add("webhook-removed", Scope(f"webhook {name}"), "webhook removed", base=child(base_where, name), webhook=name)
    for name in added_names:
        rep.add("webhook-added", Scope(f"webhook {name}"), "webhook added", revision=child(rev_where, name), webhook=name)


def _days_needed(rep: Reporter, level: str | None) -> int:
    s = rep.settings
    return required_days(level, s.deprecation_days_beta, s.deprecation_days_stable)


def lifecycle(rep: Reporter, base: Operation, rev: Operation, scope: Scope) -> bool:
    """Stability and deprecation of a paired operation. False when a stability level is invalid."""
    b_level, b_valid = stability(base.node)
    r_level, r_valid = stability(rev.node)
    ok = True
    for side, op, level, valid in (("base", base, b_level, b_valid), ("revision", rev, r_level, r_valid)):
        if not valid:
            ok = False
            where = child(op.where, STABILITY_KEY)
            kw = {"base": where} if side == "base" else {"revision": where}
            rep.add("api-invalid-stability-level", scope, f"x-stability-level {level!r} in the {side} is not draft, alpha, beta or stable", **kw)
    if not ok:
        return False
    b_rank = STABILITY_ORDER.get(b_level or "stable", 3)
    r_rank = STABILITY_ORDER.get(r_level or "stable", 3)
    if b_level != r_level and (b_level is not None or r_level is not None):
        where = child(rev.where, STABILITY_KEY)
        text = f"stability level went from {b_level or 'unspecified (stable)'} to {r_level or 'unspecified (stable)'}"
        if r_rank < b_rank:
            rep.add("api-stability-decreased", scope, text, revision=where, base=child(base.where, STABILITY_KEY))
        elif r_rank > b_rank:
            rep.add("api-stability-increased", scope, text, revision=where, base=child(base.where, STABILITY_KEY))

    b_dep, r_dep = is_deprecated(base.node), is_deprecated(rev.node)
    today = rep.settings.now()
    if r_dep and not b_dep:
        dep_where = child(rev.where, "deprecated")
        days = _days_needed(rep, r_level)
        try:
            sunset = parse_sunset(rev.node.get(SUNSET_KEY))
        except BadDate as exc:
            rep.add("api-deprecated-sunset-parse", scope, f"deprecated with an unusable x-sunset: {exc}", revision=child(rev.where, SUNSET_KEY))
            return True
        if sunset is None:
            if days > 0:
                rep.add("api-deprecated-sunset-missing", scope, f"deprecated without an x-sunset date; the policy asks for one at least {days} days ahead", revision=dep_where)
            else:
                rep.add("endpoint-deprecated", scope, "operation deprecated", revision=dep_where)
        elif sunset < today + timedelta(days=days):
            rep.add("api-sunset-date-too-small", scope, f"deprecated with sunset {sunset.isoformat()}, sooner than the {days} days the policy asks for", revision=child(rev.where, SUNSET_KEY), covers=(dep_where,), sunset=sunset.isoformat())
        else:
            rep.add("endpoint-deprecated-with-sunset", scope, f"operation deprecated, sunset {sunset.isoformat()}", revision=dep_where, covers=(child(rev.where, SUNSET_KEY),), sunset=sunset.isoformat())
    elif b_dep and not r_dep:
        rep.add("endpoint-reactivated", scope, "operation is no longer deprecated", revision=rev.where, base=child(base.where, "deprecated"))
    elif b_dep and r_dep:
        _sunset_changed(rep, scope, base, rev, r_level, today)
    return True


def _sunset_changed(rep: Reporter, scope: Scope, base: Operation, rev: Operation, level: str | None, today: Any) -> None:
    old, new = base.node.get(SUNSET_KEY), rev.node.get(SUNSET_KEY)
    if old == new:
        return
    if old is not None and new is None:
        rep.add("sunset-deleted", scope, "the deprecated operation lost its x-sunset date", revision=rev.where, base=child(base.where, SUNSET_KEY))
        return
    try:
        parse_sunset(old)
        new_date = parse_sunset(new)
    except BadDate as exc:
        rep.add("api-path-sunset-parse", scope, f"x-sunset changed and is not usable: {exc}", revision=child(rev.where, SUNSET_KEY), base=child(base.where, SUNSET_KEY))
        return
    days = _days_needed(rep, level)
    if new_date is not None and new_date < today + timedelta(days=days):
        rep.add("api-sunset-date-changed-too-small", scope, f"x-sunset moved to {new_date.isoformat()}, sooner than the {days} days the policy asks for", revision=child(rev.where, SUNSET_KEY), base=child(base.where, SUNSET_KEY))


def metadata(rep: Reporter, base: Operation, rev: Operation, scope: Scope) -> None:
    """operationId and tags."""
    old_id, new_id = base.node.get("operationId"), rev.node.get("operationId")
    if old_id != new_id:
        if old_id is not None:
            rep.add("api-operation-id-removed", scope, f"operationId {old_id!r} removed" + (f" (now {new_id!r})" if new_id is not None else ""), base=child(base.where, "operationId"), revision=child(rev.where, "operationId") if new_id is not None else None)
        if new_id is not None:
            rep.add("api-operation-id-added", scope, f"operationId {new_id!r} added" + (f" (was {old_id!r})" if old_id is not None else ""), revision=child(rev.where, "operationId"))
    old_tags = base.node.get("tags") if isinstance(base.node.get("tags"), list) else []
    new_tags = rev.node.get("tags") if isinstance(rev.node.get("tags"), list) else []
    if old_tags != new_tags:
        new_set = {str(t) for t in new_tags}
        old_set = {str(t) for t in old_tags}
        for i, tag in enumerate(old_tags):
            if str(tag) not in new_set:
                rep.add("api-tag-removed", scope, f"tag {tag!r} removed", base=child(base.where, "tags", i), tag=str(tag))
        for i, tag in enumerate(new_tags):
            if str(tag) not in old_set:
                rep.add("api-tag-added", scope, f"tag {tag!r} added", revision=child(rev.where, "tags", i), tag=str(tag))
        rep.cover("base", child(base.where, "tags"))
        rep.cover("revision", child(rev.where, "tags"))

"""The small condition language shared by the matrix's rules and the questionnaire's `ask_if`."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

COMPARISONS = ("eq", "ne", "in", "gte", "gt", "lte", "lt", "contains")

Condition = Mapping[str, Any]


def _same(a: Any, b: Any) -> bool:
    """Equality that keeps booleans and numbers apart (True is not 1 here)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    return bool(a == b)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _compare(op: str, value: Any, target: Any) -> bool:
    """One comparison; an unknown (None) fact never satisfies any comparison."""
    if value is None:
        return False
    if op == "eq":
        return _same(value, target)
    if op == "ne":
        return not _same(value, target)
    if op == "in":
        return any(_same(value, t) for t in target)
    if op == "contains":
        return isinstance(value, (list, tuple)) and target in value
    if not _number(value):
        return False
    if op == "gte":
        return bool(value >= target)
    if op == "gt":
        return bool(value > target)
    if op == "lte":
        return bool(value <= target)
    if op == "lt":
        return bool(value < target)
    raise ValueError(f"unknown comparison {op!r}")


def evaluate(cond: Condition, facts: Mapping[str, Any], modes: Iterable[str] = ()) -> bool:
    """Whether `cond` holds for `facts`; `modes` are the modes of the patterns chosen so far."""
    if "always" in cond:
        return True
    if "all" in cond:
        return all(evaluate(c, facts, modes) for c in cond["all"])
    if "any" in cond:
        return any(evaluate(c, facts, modes) for c in cond["any"])
    if "not" in cond:
        return not evaluate(cond["not"], facts, modes)
    if "selected_mode" in cond:
        return cond["selected_mode"] in set(modes)
    fact = cond["fact"]
    (op,) = [k for k in cond if k != "fact"]
    return _compare(op, facts.get(fact), cond[op])


def facts_used(cond: Condition) -> set[str]:
    """Every fact name the condition reads."""
    if "all" in cond or "any" in cond:
        out: set[str] = set()
        for c in cond.get("all", cond.get("any", [])):
            out |= facts_used(c)
        return out
    if "not" in cond:
        return facts_used(cond["not"])
    if "fact" in cond:
        return {cond["fact"]}
    return set()


def uses_selection(cond: Condition) -> bool:
    """Whether the condition depends on the chosen patterns (so it runs in the second phase)."""
    if "selected_mode" in cond:
        return True
    if "all" in cond or "any" in cond:
        return any(uses_selection(c) for c in cond.get("all", cond.get("any", [])))
    if "not" in cond:
        return uses_selection(cond["not"])
    return False


_SYMBOLS = {"eq": "=", "ne": "≠", "gte": "≥", "gt": ">", "lte": "≤", "lt": "<", "in": "in", "contains": "includes"}


def describe(cond: Condition) -> str:
    """A condition in words, e.g. 'caller = external-client and service_count ≥ 15'."""
    if "always" in cond:
        return "always"
    if "all" in cond:
        return " and ".join(describe(c) for c in cond["all"])
    if "any" in cond:
        return "(" + " or ".join(describe(c) for c in cond["any"]) + ")"
    if "not" in cond:
        return f"not ({describe(cond['not'])})"
    if "selected_mode" in cond:
        return f"a chosen pattern is {cond['selected_mode']}"
    (op,) = [k for k in cond if k != "fact"]
    target = cond[op]
    shown = (
        ", ".join(map(str, target))
        if isinstance(target, list)
        else str(target).lower() if isinstance(target, bool) else str(target)
    )
    return f"{cond['fact']} {_SYMBOLS[op]} {shown}"

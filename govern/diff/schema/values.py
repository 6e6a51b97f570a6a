"""JSON values: canonical keys (JSON equality, hash-consed) and a small three-valued validator.

The validator answers "does this old enum value validate under the new schema?" so that enum and
const changes can be judged exactly instead of keyword by keyword. It returns None whenever it is
unsure (unsupported keyword use, bad regex, depth), and the caller then falls back to the
structural answer.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Any, Callable, Iterable

ANY_TYPES = frozenset({"null", "boolean", "object", "array", "number", "integer", "string"})


def json_type(value: Any) -> str:
    """The JSON Schema type of a Python value (integral floats count as integer)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if math.isfinite(value) and value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "unknown"


def type_accepts(types: Iterable[str], value_type: str) -> bool:
    """Whether a set of type names accepts a value of `value_type` (number includes integer)."""
    types = set(types)
    return value_type in types or (value_type == "integer" and "number" in types)


def as_fraction(value: Any) -> Fraction | None:
    """An exact rational for a JSON number, or None for non-numbers and non-finite floats."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        return Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    except (ValueError, OverflowError):
        return None


class Interner:
    """Canonical integer keys for JSON values: equal keys iff equal JSON values.

    Containers are keyed bottom-up without recursion and cached by identity, so keying a deep
    or widely shared structure is linear. `has_ref` tells whether a container holds a `$ref`.
    """

    def __init__(self) -> None:
        self._table: dict[tuple[Any, ...], int] = {}
        self._by_id: dict[int, tuple[int, bool, Any]] = {}

    def _intern(self, canon: tuple[Any, ...]) -> int:
        found = self._table.get(canon)
        if found is None:
            found = self._table[canon] = len(self._table)
        return found

    @staticmethod
    def _leaf(value: Any) -> tuple[Any, ...]:
        if value is None:
            return ("z",)
        if isinstance(value, bool):
            return ("b", value)
        if isinstance(value, int):
            return ("n", value)
        if isinstance(value, float):
            if math.isfinite(value) and value.is_integer():
                return ("n", int(value))
            return ("n", value)
        if isinstance(value, str):
            return ("s", value)
        return ("x", repr(value))

    def _entry(self, value: Any) -> tuple[int, bool]:
        if isinstance(value, (dict, list)):
            found = self._by_id.get(id(value))
            if found is None:
                self._build(value)
                found = self._by_id[id(value)]
            return found[0], found[1]
        return self._intern(self._leaf(value)), False

    def key(self, value: Any) -> int:
        return self._entry(value)[0]

    def has_ref(self, value: Any) -> bool:
        return self._entry(value)[1]

    def _build(self, root: Any) -> None:
        by_id = self._by_id
        stack: list[tuple[Any, bool]] = [(root, False)]
        opened: set[int] = set()
        while stack:
            node, ready = stack.pop()
            if id(node) in by_id:
                continue
            children = list(node.values()) if isinstance(node, dict) else node
            if not ready:
                opened.add(id(node))
                stack.append((node, True))
                for child in children:
                    if isinstance(child, (dict, list)) and id(child) not in by_id and id(child) not in opened:
                        stack.append((child, False))
                continue
            has_ref = False
            parts: list[Any] = []
            cyclic = False
            items: Iterable[tuple[Any, Any]] = node.items() if isinstance(node, dict) else enumerate(node)
            for k, child in items:
                if isinstance(child, (dict, list)):
                    got = by_id.get(id(child))
                    if got is None:  # a cycle in the data itself: give it a unique key
                        cyclic = True
                        break
                    ck, cref = got[0], got[1]
                    has_ref = has_ref or cref
                else:
                    ck = self._intern(self._leaf(child))
                parts.append((str(k), ck) if isinstance(node, dict) else ck)
            if isinstance(node, dict):
                for ref_key in ("$ref", "$dynamicRef", "$recursiveRef"):
                    if isinstance(node.get(ref_key), str):
                        has_ref = True
            if cyclic:
                k = self._intern(("cycle", id(node)))
                has_ref = True
            elif isinstance(node, dict):
                k = self._intern(("o", tuple(sorted(parts))))
            else:
                k = self._intern(("l", tuple(parts)))
            by_id[id(node)] = (k, has_ref, node)  # keep `node` alive so its id stays unique


# deref(node, base) -> (node, base); raises LookupError when a $ref cannot be resolved.
Deref = Callable[[Any, str], tuple[Any, str]]


class MiniValidator:
    """Three-valued instance validation for the assertion keywords the comparator understands."""

    def __init__(self, deref: Deref, interner: Interner, max_depth: int = 64) -> None:
        self.deref = deref
        self.interner = interner
        self.max_depth = max_depth
        self._regex: dict[str, re.Pattern[str] | None] = {}

    def _pattern(self, source: str) -> re.Pattern[str] | None:
        if source not in self._regex:
            try:
                self._regex[source] = re.compile(source)
            except re.error:
                self._regex[source] = None
        return self._regex[source]

    def accepts(self, schema: Any, base: str, value: Any, depth: int = 0) -> bool | None:
        if depth > self.max_depth:
            return None
        try:
            schema, base = self.deref(schema, base)
        except LookupError:
            return None
        if schema is True:
            return True
        if schema is False:
            return False
        if not isinstance(schema, dict):
            return None
        results: list[bool | None] = []
        for check in (self._generic, self._combinators, self._by_type):
            verdict = check(schema, base, value, depth)
            if verdict is False:
                return False
            results.append(verdict)
        return None if None in results else True

    # --- keyword groups --------------------------------------------------------------------
    def _generic(self, s: dict[str, Any], base: str, value: Any, depth: int) -> bool | None:
        vt = json_type(value)
        t = s.get("type")
        if t is not None:
            types = [t] if isinstance(t, str) else t if isinstance(t, list) else None
            if types is None:
                return None
            if not type_accepts(types, vt):
                return False
        key = self.interner.key
        if "const" in s and key(s["const"]) != key(value):
            return False
        if isinstance(s.get("enum"), list) and key(value) not in {key(v) for v in s["enum"]}:
            return False
        return True

    def _combinators(self, s: dict[str, Any], base: str, value: Any, depth: int) -> bool | None:
        unsure = False
        for sub in s.get("allOf", ()) if isinstance(s.get("allOf"), list) else ():
            r = self.accepts(sub, base, value, depth + 1)
            if r is False:
                return False
            unsure = unsure or r is None
        if isinstance(s.get("anyOf"), list):
            rs = [self.accepts(sub, base, value, depth + 1) for sub in s["anyOf"]]
            if True not in rs:
                if None in rs:
                    unsure = True
                else:
                    return False
        if isinstance(s.get("oneOf"), list):
            rs = [self.accepts(sub, base, value, depth + 1) for sub in s["oneOf"]]
            if None in rs:
                unsure = True
            elif rs.count(True) != 1:
                return False
        if "not" in s:
            r = self.accepts(s["not"], base, value, depth + 1)
            if r is True:
                return False
            unsure = unsure or r is None
        if "if" in s:
            cond = self.accepts(s["if"], base, value, depth + 1)
            if cond is None:
                unsure = True
            else:
                branch = s.get("then" if cond else "else", True)
                r = self.accepts(branch, base, value, depth + 1)
                if r is False:
                    return False
                unsure = unsure or r is None
        return None if unsure else True

    def _by_type(self, s: dict[str, Any], base: str, value: Any, depth: int) -> bool | None:
        vt = json_type(value)
        if vt == "string":
            return self._string(s, value)
        if vt in ("integer", "number"):
            return self._number(s, value)
        if vt == "object":
            return self._object(s, base, value, depth)
        if vt == "array":
            return self._array(s, base, value, depth)
        return True

    def _string(self, s: dict[str, Any], value: str) -> bool | None:
        n = len(value)
        if isinstance(s.get("minLength"), (int, float)) and n < s["minLength"]:
            return False
        if isinstance(s.get("maxLength"), (int, float)) and n > s["maxLength"]:
            return False
        if isinstance(s.get("pattern"), str):
            rx = self._pattern(s["pattern"])
            if rx is None:
                return None
            if not rx.search(value):
                return False
        return True

    def _number(self, s: dict[str, Any], value: Any) -> bool | None:
        v = as_fraction(value)
        if v is None:
            return None
        lo, hi = as_fraction(s.get("minimum")), as_fraction(s.get("maximum"))
        xlo, xhi = s.get("exclusiveMinimum"), s.get("exclusiveMaximum")
        if lo is not None and (v < lo or (xlo is True and v == lo)):
            return False
        if hi is not None and (v > hi or (xhi is True and v == hi)):
            return False
        xl, xh = as_fraction(xlo), as_fraction(xhi)
        if xl is not None and v <= xl:
            return False
        if xh is not None and v >= xh:
            return False
        m = as_fraction(s.get("multipleOf"))
        if m is not None and m > 0 and (v / m).denominator != 1:
            return False
        return True

    def _object(self, s: dict[str, Any], base: str, value: dict[str, Any], depth: int) -> bool | None:
        if "unevaluatedProperties" in s:
            return None
        unsure = False
        req = s.get("required")
        if isinstance(req, list) and any(isinstance(r, str) and r not in value for r in req):
            return False
        if isinstance(s.get("minProperties"), int) and len(value) < s["minProperties"]:
            return False
        if isinstance(s.get("maxProperties"), int) and len(value) > s["maxProperties"]:
            return False
        props: dict[str, Any] = s["properties"] if isinstance(s.get("properties"), dict) else {}
        patterns: dict[str, Any] = s["patternProperties"] if isinstance(s.get("patternProperties"), dict) else {}
        extra = s.get("additionalProperties", True)
        deps: dict[str, Any] = {}
        for kw in ("dependencies", "dependentRequired", "dependentSchemas"):
            if isinstance(s.get(kw), dict):
                deps.update(s[kw])
        for name, item in value.items():
            matched = False
            checks: list[Any] = []
            if name in props:
                matched = True
                checks.append(props[name])
            for source, sub in patterns.items():
                rx = self._pattern(source)
                if rx is None:
                    return None
                if rx.search(name):
                    matched = True
                    checks.append(sub)
            if not matched:
                checks.append(extra)
            if "propertyNames" in s:
                r = self.accepts(s["propertyNames"], base, name, depth + 1)
                if r is False:
                    return False
                unsure = unsure or r is None
            for sub in checks:
                r = self.accepts(sub, base, item, depth + 1)
                if r is False:
                    return False
                unsure = unsure or r is None
            dep = deps.get(name)
            if isinstance(dep, list):
                if any(d not in value for d in dep):
                    return False
            elif dep is not None:
                r = self.accepts(dep, base, value, depth + 1)
                if r is False:
                    return False
                unsure = unsure or r is None
        return None if unsure else True

    def _array(self, s: dict[str, Any], base: str, value: list[Any], depth: int) -> bool | None:
        if "unevaluatedItems" in s:
            return None
        unsure = False
        n = len(value)
        if isinstance(s.get("minItems"), int) and n < s["minItems"]:
            return False
        if isinstance(s.get("maxItems"), int) and n > s["maxItems"]:
            return False
        if s.get("uniqueItems") is True:
            keys = [self.interner.key(v) for v in value]
            if len(set(keys)) != len(keys):
                return False
        if isinstance(s.get("prefixItems"), list):
            prefix, rest = s["prefixItems"], s.get("items", True)
        elif isinstance(s.get("items"), list):
            prefix, rest = s["items"], s.get("additionalItems", True)
        else:
            prefix, rest = [], s.get("items", True)
        for i, item in enumerate(value):
            sub = prefix[i] if i < len(prefix) else rest
            r = self.accepts(sub, base, item, depth + 1)
            if r is False:
                return False
            unsure = unsure or r is None
        if "contains" in s:
            rs = [self.accepts(s["contains"], base, item, depth + 1) for item in value]
            if None in rs:
                unsure = True
            else:
                hits = rs.count(True)
                low = s.get("minContains", 1)
                high = s.get("maxContains")
                if isinstance(low, int) and hits < low:
                    return False
                if isinstance(high, int) and hits > high:
                    return False
        return None if unsure else True

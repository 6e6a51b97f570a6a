"""The JSON Schema comparator's entry points: `compare`, `Comparator`, `is_compatible`.

`compare(old, new)` answers the one question every compatibility mode is built from: *is every
instance valid under `old` also valid under `new`?* It walks both schemas side by side and lists
every difference, each typed with a name from `govern.diff.schema.rules`; a difference whose type
is outside the policy's compatible set is a "no" with a reason.

- `$ref`s are followed transparently on both sides (a resolver per side). A difference inside a
  definition used at several places is reported once, at the shortest path that reaches it.
- Each (old, new) subschema pair is compared once; recursive schemas terminate (engine.py).
- allOf / anyOf / oneOf members are paired by best match (combinators.py); keyword families are
  compared in keywords.py.
- Depth and work are bounded (`CompareOptions`); beyond the bounds the place gets a CANNOT_DECIDE
  difference, which every policy treats as breaking.
"""

from __future__ import annotations

import sys
from typing import Any, Iterable

from govern.diff.schema.combinators import CombinatorRules
from govern.diff.schema.engine import NEW, OLD, Side
from govern.diff.schema.keywords import KeywordRules
from govern.diff.schema.refs import default_resolver, dialect_of, ref_siblings_apply
from govern.diff.schema.results import Raw, flatten, flatten_unit
from govern.diff.schema.rules import compatible_set
from govern.diff.schema.types import CompareOptions, Difference, Resolver, Schema, pointer_of


class _Engine(CombinatorRules, KeywordRules):
    """The comparator: the core walk plus both rule families."""



def _side(schema: Any, resolver: Resolver | None, dialect: Any) -> Side:
    return Side(schema, resolver or default_resolver(schema), ref_siblings_apply(dialect_of(schema, dialect)))


def _to_difference(raw: Raw) -> Difference:
    kind, old, new, details = raw
    pointer = pointer_of(old)
    new_pointer = pointer_of(new)
    return Difference(kind, pointer, new_pointer if new_pointer != pointer else None, details)


class Comparator:
    """Compares subschemas of one old and one new document, sharing work across calls.

    Use it when many places of the same two documents are compared (every request and response
    body of two OpenAPI revisions): the memo of (old subschema, new subschema) pairs is kept
    between calls, so a component used a thousand times is compared once.

        c = Comparator(old_doc, new_doc)      # local $refs resolve inside each document
        c.compare(old_doc["components"]["schemas"]["Pet"], new_doc["components"]["schemas"]["Pet"])
    """

    def __init__(
        self,
        old_root: Any,
        new_root: Any,
        *,
        resolver_old: Resolver | None = None,
        resolver_new: Resolver | None = None,
        options: CompareOptions | None = None,
        policy: str = "strict",
    ) -> None:
        self.options = options or CompareOptions()
        self.policy = policy
        self._engine = _Engine(
            _side(old_root, resolver_old, self.options.dialect_old),
            _side(new_root, resolver_new, self.options.dialect_new),
            self.options,
            policy,
        )

    def compare(
        self, old: Schema, new: Schema, *, base_old: str = "", base_new: str = "", stop_at_refs: bool = False
    ) -> list[Difference]:
        """Differences between subschema `old` (of the old document) and `new` (of the new one).

        `base_old` / `base_new` name the document a subschema lives in when it is not the root
        document (the part before '#' of its resolver key), so its relative `$ref`s resolve.

        With `stop_at_refs=True` only the differences found before the walk steps onto a `$ref`
        on either side are returned (read in the raw `old` / `new` data, so a `$ref` at the top
        of `old` or `new` itself is followed). Callers that compare every `$ref` target on its
        own, once (the OpenAPI diff does, per component), use it to get each difference exactly
        once, at the unit that owns it; differences shared by several places of one unit are
        still listed once, at the first place met breadth first.
        """
        result = self._run(old, new, base_old, base_new)
        raws = flatten_unit(result.items, old, new) if stop_at_refs else flatten(result.items)
        return [_to_difference(r) for r in raws]

    def _run(self, old: Schema, new: Schema, base_old: str, base_new: str) -> Any:
        engine = self._engine
        engine.steps = 0
        needed = self.options.max_depth * 24 + 1000
        limit = sys.getrecursionlimit()
        if limit < needed:
            sys.setrecursionlimit(needed)
        try:
            return engine.cmp((old, OLD, base_old), (new, NEW, base_new))
        finally:
            if limit < needed:
                sys.setrecursionlimit(limit)


def compare(
    old: Schema,
    new: Schema,
    *,
    resolver_old: Resolver | None = None,
    resolver_new: Resolver | None = None,
    options: CompareOptions | None = None,
    policy: str = "strict",
    stop_at_refs: bool = False,
) -> list[Difference]:
    """Every difference between `old` and `new`, judged as "does `new` accept all `old` accepted?".

    Read `old` as the writer's schema and `new` as the reader's: BACKWARD compatibility is
    `compare(previous, proposed)`, FORWARD is `compare(proposed, previous)`. Resolvers default to
    local references inside each root schema. `policy` steers the choices made on the way (which
    alternative of a oneOf matches which, whether a dropped property is still covered); judge
    the result with `is_compatible(diffs, policy)` under the same policy. The order of the result
    is deterministic and follows the schemas' own key order. `stop_at_refs=True` leaves out what
    is found behind a `$ref` (see `Comparator.compare`).
    """
    return Comparator(old, new, resolver_old=resolver_old, resolver_new=resolver_new, options=options,
                      policy=policy).compare(old, new, stop_at_refs=stop_at_refs)


def breaking(diffs: Iterable[Difference], policy: str = "strict") -> list[Difference]:
    """The differences that break readers under `policy`."""
    accepted = compatible_set(policy)
    return [d for d in diffs if d.type not in accepted]


def is_compatible(diffs: Iterable[Difference], policy: str = "strict") -> bool:
    """True when every difference's type is in the policy's compatible set."""
    return not breaking(diffs, policy)

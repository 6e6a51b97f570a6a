"""Value types of the JSON Schema comparator: schemas, resolvers, differences, verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Mapping, Union

# A JSON Schema: an object (mapping) or a boolean schema.
Schema = Union[Mapping[str, Any], bool]

# resolve(ref) -> (target schema, key). `ref` is the $ref string, already joined with the base
# document of the place it was found in (e.g. "#/definitions/A", "other.json#/A"). `key` names
# the target canonically ("#/definitions/A", "other.json#/A"); its part before "#" becomes the
# base for $refs found inside the target. Raise LookupError (or KeyError) when it cannot resolve.
Resolver = Callable[[str], tuple[Any, str]]

Policy = Literal["strict", "lenient"]
Mode = Literal[
    "BACKWARD",
    "FORWARD",
    "FULL",
    "NONE",
    "BACKWARD_TRANSITIVE",
    "FORWARD_TRANSITIVE",
    "FULL_TRANSITIVE",
]
Direction = Literal["backward", "forward"]
Dialect = Literal["draft4", "draft6", "draft7", "2019-09", "2020-12"]


def pointer_of(segments: tuple[str, ...]) -> str:
    """`#/a/b` from path segments, escaping `~` and `/`; the root is `#/` as in the corpus."""
    return "#/" + "/".join(s.replace("~", "~0").replace("/", "~1") for s in segments)


@dataclass(frozen=True)
class Difference:
    """One difference between two schemas.

    `type` is a difference type name (see `govern.diff.schema.rules`). `pointer` locates it in the
    old schema's structure (`#/properties/foo`), following `$ref`s transparently: a difference
    inside a referenced definition is reported where the reference is used. `new_pointer` is set
    when the place has a different path in the new schema (a reordered oneOf, `items` spelled
    `prefixItems`, ...). `details` holds values such as the old and new limit.
    """

    type: str
    pointer: str
    new_pointer: str | None = None
    details: tuple[tuple[str, Any], ...] = ()

    @property
    def old_pointer(self) -> str:
        return self.pointer

    def detail(self, key: str, default: Any = None) -> Any:
        for k, v in self.details:
            if k == key:
                return v
        return default

    def __str__(self) -> str:
        return f"{self.type} {self.pointer}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "pointer": self.pointer}
        if self.new_pointer is not None:
            out["new_pointer"] = self.new_pointer
        if self.details:
            out["details"] = dict(self.details)
        return out


@dataclass(frozen=True)
class CompareOptions:
    """Knobs of one comparison.

    - `max_depth`: nesting of (old, new) subschema pairs explored before giving up with a
      CANNOT_DECIDE difference (reported as breaking).
    - `max_steps`: total fresh subschema-pair comparisons per call; the same guard for very
      wide inputs (huge oneOf nests).
    - `dialect_old` / `dialect_new`: the JSON Schema dialect when the root has no `$schema`
      (it decides whether keywords next to `$ref` count).
    - `nullable`: honour OpenAPI 3.0's `nullable: true` as "null is also accepted".
    """

    max_depth: int = 128
    max_steps: int = 50_000
    dialect_old: Dialect | None = None
    dialect_new: Dialect | None = None
    nullable: bool = False


@dataclass(frozen=True)
class DirectionResult:
    """The differences found in one direction, and the ones that break under the policy."""

    direction: Direction
    differences: tuple[Difference, ...]
    breaking: tuple[Difference, ...]
    revision: int | None = None  # index of the earlier revision, for transitive checks

    @property
    def compatible(self) -> bool:
        return not self.breaking


@dataclass(frozen=True)
class Verdict:
    """Outcome of a compatibility check in a mode under a policy."""

    mode: str
    policy: str
    results: tuple[DirectionResult, ...] = field(default_factory=tuple)

    @property
    def compatible(self) -> bool:
        return all(r.compatible for r in self.results)

    @property
    def breaking(self) -> tuple[Difference, ...]:
        return tuple(d for r in self.results for d in r.breaking)

    def __bool__(self) -> bool:
        return self.compatible
